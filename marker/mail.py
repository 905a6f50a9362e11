"""Emailing each student of a ``marker batch`` folder their own report, at most once.

An email cannot be unsent, so this module is careful in three ways. A student gets an
address only when the roster gives exactly one, by LMS id (or by name when the batch has
no id); everything doubtful is listed as a :class:`Problem` and skipped, never guessed.
Every message is journalled as ``pending`` (fsync'd) before its SMTP transaction and as
``sent`` after the server's 250, so a re-run sends only what was not sent, and a message
whose fate is unknown (a crash, or a connection lost after the data went out) is never
sent again without ``resend_pending``. The SMTP password is only ever held in memory.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import ipaddress
import json
import os
import re
import smtplib
import socket
import ssl
import string
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any

from .errors import MarkerError
from .files import atomic_write_bytes

MANIFEST = "manifest.json"
JOURNAL = "email-journal.jsonl"
LOCK = "email.lock"
OUTBOX = "outbox"
BATCH_SCHEMA = "marker.batch/1"
DEFAULT_SUBJECT = "Feedback: {assignment} — {student}"
SUBJECT_FIELDS = ("assignment", "student", "mark", "max")
TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
RETRIES = 4
"""Attempts per message after 4xx replies or a lost connection, and reconnection attempts."""
BACKOFF = 2.0
"""Seconds before the first retry; doubled for each one after."""

# Roster headers, compared casefolded with "_" as a space.
_HEADERS = {
    "id": {"id", "student id", "lms id", "identifier"},
    "name": {"name", "full name", "student"},
    "email": {"email", "email address", "e-mail", "e-mail address"},
    "first": {"first name", "given name"},  # Moodle-style exports split the name
    "last": {"last name", "surname", "family name"},
}
# Plain ASCII addresses with a dotted domain: a typo such as "jane@gmailcom" is caught.
_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                      r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}")
# A batch key names files in OUTDIR/outbox, so it may not hold a path separator.
_SAFE_KEY = re.compile(r"\w[\w.-]*")


# --------------------------------------------------------------------------- data

@dataclass(frozen=True)
class Student:
    """One entry of the batch manifest."""

    key: str
    name: str
    id: str | None
    ok: bool
    error: str | None
    outputs: dict[str, str]
    report_sha256: str | None
    mark: float | None
    max: float | None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.key})"


@dataclass(frozen=True)
class RosterRow:
    line: int
    id: str | None
    name: str | None
    email: str


@dataclass(frozen=True)
class Roster:
    path: str
    rows: list[RosterRow]
    has_ids: bool


@dataclass(frozen=True)
class Problem:
    """Why a student (or a roster row) gets no email in this run."""

    who: str
    what: str

    def __str__(self) -> str:
        return f"{self.who}: {self.what}"


@dataclass(frozen=True)
class Delivery:
    """One message to send: the student, where it goes and the report it carries."""

    student: Student
    to: Address
    sender: Address
    subject: str
    report: str  # the HTML report, relative to OUTDIR
    digest: str  # sha256 of the HTML report: the journal's key with the student's
    message: EmailMessage


@dataclass
class Plan:
    """What a run would do: the messages to send, who already has theirs, what is skipped."""

    outdir: Path
    deliveries: list[Delivery]
    already_sent: list[Student]
    problems: list[Problem]


@dataclass(frozen=True)
class Outcome:
    """One message's result: ``sent``, ``failed`` (not delivered) or ``pending`` (unknown)."""

    delivery: Delivery
    state: str
    reply: str


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send. The password is never shown (repr) nor written anywhere."""

    host: str
    port: int | None = None
    tls: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    cafile: str | None = None
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.tls not in TLS_MODES:
            raise MarkerError(f"--tls {self.tls}: use one of {', '.join(TLS_MODES)}")
        if self.tls == "none" and not _is_loopback(self.host):
            raise MarkerError(f"{self.host}: --tls none would send reports and password "
                              "unencrypted; it is only allowed for localhost")
        if self.cafile is not None and not Path(self.cafile).is_file():
            raise MarkerError(f"{self.cafile}: no such CA certificate file")

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port or DEFAULT_PORTS[self.tls]}"


# --------------------------------------------------------------------------- inputs

def read_manifest(outdir: str | os.PathLike[str]) -> list[Student]:
    """The students of a ``marker.batch/1`` folder, in manifest order."""
    path = Path(outdir) / MANIFEST
    if not Path(outdir).is_dir():
        raise MarkerError(f"{outdir}: no such folder")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MarkerError(f"{path}: not found; run marker batch first") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MarkerError(f"{path}: cannot read it ({_one_line(exc)})") from exc
    if not isinstance(data, dict) or data.get("schema") != BATCH_SCHEMA:
        raise MarkerError(f"{path}: not a {BATCH_SCHEMA} manifest")
    students: list[Student] = []
    for n, entry in enumerate(data.get("students") or [], start=1):
        try:
            students.append(_student(entry))
        except (KeyError, TypeError, ValueError) as exc:
            raise MarkerError(f"{path}: student {n}: bad entry ({_one_line(exc)})") from exc
    keys = [s.key for s in students]
    if len(set(keys)) != len(keys):
        raise MarkerError(f"{path}: a student key appears twice; re-run marker batch")
    return students


def _student(entry: dict[str, Any]) -> Student:
    key = str(entry["key"])
    if not _SAFE_KEY.fullmatch(key):
        raise ValueError(f"unusable key {key!r}")
    total = entry.get("total") or {}
    return Student(key=key, name=str(entry["name"]),
                   id=None if entry.get("id") is None else str(entry["id"]),
                   ok=entry["status"] == "ok", error=entry.get("error"),
                   outputs=dict(entry.get("outputs") or {}),
                   report_sha256=entry.get("report_sha256"),
                   mark=total.get("mark"), max=total.get("max"))


def read_roster(path: str | os.PathLike[str]) -> Roster:
    """The roster CSV: a header row naming id and/or name columns, and an email column.

    Excel's UTF-8 (with BOM) and Windows-1252 files both read; the delimiter is whichever
    of , ; or tab the header row uses most.
    """
    shown = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise MarkerError(f"{shown}: no such file") from None
    except OSError as exc:
        raise MarkerError(f"{shown}: cannot read it ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        raise MarkerError(f"{shown}: is empty")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=max(",;\t", key=first.count))
    header = next(row for row in reader if any(cell.strip() for cell in row))
    columns: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = " ".join(cell.replace("_", " ").casefold().split())
        role = next((r for r, names in _HEADERS.items() if name in names), None)
        if role in columns:
            raise MarkerError(f"{shown}: two {role} columns ({header[columns[role]]!r} and "
                              f"{cell!r}); keep one")
        if role:
            columns[role] = i
    if "email" not in columns:
        raise MarkerError(f"{shown}: no email column (a header such as 'email' or "
                          "'email address')")
    split_name = "name" not in columns and {"first", "last"} <= columns.keys()
    if "id" not in columns and "name" not in columns and not split_name:
        raise MarkerError(f"{shown}: no id or name column (a header such as 'student id' or "
                          "'full name')")

    def cell(row: list[str], role: str) -> str:
        i = columns.get(role)
        return row[i].strip() if i is not None and i < len(row) else ""

    rows: list[RosterRow] = []
    for row in reader:
        if not any(c.strip() for c in row):
            continue
        name = (f"{cell(row, 'first')} {cell(row, 'last')}".strip() if split_name
                else cell(row, "name"))
        rows.append(RosterRow(line=reader.line_num, id=cell(row, "id") or None,
                              name=name or None, email=cell(row, "email")))
    return Roster(path=shown, rows=rows, has_ids="id" in columns)


def normalise_name(name: str) -> str:
    """A name for matching: no accents, case or punctuation; "Smith, Jane" is "jane smith"."""
    text = "".join(c for c in unicodedata.normalize("NFKD", name)
                   if not unicodedata.combining(c))
    if text.count(",") == 1:
        last, first = text.split(",")
        text = f"{first} {last}"
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def _norm_id(value: str) -> str:
    return value.strip().casefold()


def match(students: list[Student], roster: Roster) -> tuple[dict[str, RosterRow], list[Problem]]:
    """Each student's one roster row, by id when both sides have ids, else by name.

    A student with no row, several rows or a bad address, two students sharing an address,
    a failed submission and a roster row nobody matched are problems, never guesses.
    """
    rows: list[RosterRow] = []
    seen: set[tuple[str, str, str]] = set()
    for row in roster.rows:  # a row repeated exactly counts once
        same = (_norm_id(row.id or ""), normalise_name(row.name or ""), row.email.casefold())
        if same not in seen:
            seen.add(same)
            rows.append(row)
    by_id: dict[str, list[RosterRow]] = defaultdict(list)
    by_name: dict[str, list[RosterRow]] = defaultdict(list)
    for row in rows:
        if row.id:
            by_id[_norm_id(row.id)].append(row)
        if row.name:
            by_name[normalise_name(row.name)].append(row)

    candidates: dict[str, tuple[str, list[RosterRow]]] = {}
    for s in students:
        if s.id is not None and roster.has_ids:
            candidates[s.key] = (f"id {s.id}", by_id.get(_norm_id(s.id), []))
        else:
            candidates[s.key] = (f"name {s.name}", by_name.get(normalise_name(s.name), []))
    owners: dict[str, list[Student]] = defaultdict(list)
    for s in students:
        found = candidates[s.key][1]
        if len(found) == 1:
            owners[found[0].email.casefold()].append(s)

    chosen: dict[str, RosterRow] = {}
    problems: list[Problem] = []
    for s in students:
        by, found = candidates[s.key]
        if not s.ok:
            what = f"marking failed ({_one_line(s.error or 'no reason given')})"
        elif not found:
            what = f"no roster row with {by}"
        elif len(found) > 1:
            lines = ", ".join(str(r.line) for r in found)
            what = f"{by} is on {len(found)} roster rows (lines {lines}); not guessing"
        elif not _ADDRESS.fullmatch(found[0].email):
            what = f"{roster.path}:{found[0].line}: {found[0].email!r} is not an email address"
        elif len(sharing := owners[found[0].email.casefold()]) > 1:
            others = ", ".join(o.name for o in sharing if o is not s)
            what = f"{found[0].email} is also the address of {others}; not guessing"
        else:
            chosen[s.key] = found[0]
            continue
        problems.append(Problem(s.label, what))
    used = {id(r) for _, found in candidates.values() for r in found}
    problems += [Problem(f"{roster.path}:{r.line}",
                         f"{r.name or r.id} <{r.email}>: no report for this student in the batch")
                 for r in rows if id(r) not in used]
    return chosen, problems


# --------------------------------------------------------------------------- the plan

def plan(outdir: str | os.PathLike[str], roster: str | os.PathLike[str], *, sender: str,
         subject: str | None = None, assignment: str | None = None, attach_html: bool = False,
         resend_pending: bool = False, resend_changed: bool = False) -> Plan:
    """Who gets which message in this run, given the batch, the roster and the journal."""
    out = Path(outdir)
    from_addr = parse_address(sender, "--from")
    template = subject or DEFAULT_SUBJECT
    check_subject(template)
    students = read_manifest(out)
    chosen, problems = match(students, read_roster(roster))
    journal = Journal(out).read()
    result = Plan(outdir=out, deliveries=[], already_sent=[], problems=problems)
    for s in students:
        row = chosen.get(s.key)
        if row is None:
            continue
        try:
            html, text, digest = _reports(out, s)
        except MarkerError as exc:
            result.problems.append(Problem(s.label, exc.message))
            continue
        state = _journal_state(journal.get(s.key, []), digest)
        if state == "sent":
            result.already_sent.append(s)
            continue
        if state == "pending" and not resend_pending:
            result.problems.append(Problem(s.label, "an earlier send was interrupted and may "
                                           "have arrived; check, then use --resend-pending"))
            continue
        if state == "changed" and not resend_changed:
            result.problems.append(Problem(s.label, "the report changed after it was emailed; "
                                           "use --resend-changed to send the new one"))
            continue
        name = _one_line(s.name)  # a header may not hold a line break
        to = Address(display_name=name, addr_spec=row.email)
        title = assignment or _topic_title(out, s)
        subj = _one_line(template.format_map({"assignment": title, "student": name,
                                              "mark": _number(s.mark), "max": _number(s.max)}))
        message = build_message(s, to=to, sender=from_addr, subject=subj, html=html, text=text,
                                digest=digest, attach_html=attach_html)
        result.deliveries.append(Delivery(student=s, to=to, sender=from_addr, subject=subj,
                                          report=s.outputs["html"], digest=digest,
                                          message=message))
    return result


def parse_address(value: str, what: str) -> Address:
    """``jane@school.org`` or ``Jane Smith <jane@school.org>``."""
    name, addr = parseaddr(value)
    if not _ADDRESS.fullmatch(addr):
        raise MarkerError(f"{what}: {value!r} is not an email address")
    return Address(display_name=name, addr_spec=addr)


def check_subject(template: str) -> None:
    """Refuse a subject template with fields other than {assignment} {student} {mark} {max}."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise MarkerError(f"--subject: {exc}; write a literal brace as {{{{ or }}}}") from exc
    wrong = [f for f in fields if f not in SUBJECT_FIELDS]
    if wrong:
        allowed = " ".join(f"{{{f}}}" for f in SUBJECT_FIELDS)
        raise MarkerError(f"--subject: unknown field {{{wrong[0]}}}; use {allowed}")
    try:  # every field is text: a number format such as {mark:d} fails here, not mid-run
        template.format_map(dict.fromkeys(SUBJECT_FIELDS, "x"))
    except ValueError as exc:
        raise MarkerError(f"--subject: {exc}") from exc


def _reports(outdir: Path, s: Student) -> tuple[str, str, str]:
    """The student's HTML and text reports and the HTML's hash, checked against the manifest."""
    found: dict[str, bytes] = {}
    for fmt in ("html", "text"):
        rel = s.outputs.get(fmt)
        if not rel:
            raise MarkerError(f"no {fmt} report in {MANIFEST}; re-run marker batch")
        path = outdir / rel
        if not path.resolve().is_relative_to(outdir.resolve()):
            raise MarkerError(f"{rel}: outside {outdir}; not sent")
        try:
            found[fmt] = path.read_bytes()
        except OSError as exc:
            raise MarkerError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    digest = hashlib.sha256(found["html"]).hexdigest()
    if digest != s.report_sha256:
        raise MarkerError(f"{s.outputs['html']}: changed since marker batch wrote {MANIFEST}; "
                          "re-run marker batch")
    try:
        return found["html"].decode("utf-8"), found["text"].decode("utf-8"), digest
    except UnicodeDecodeError as exc:
        raise MarkerError(f"{s.key}: a report is not UTF-8 ({exc.reason})") from exc


def _topic_title(outdir: Path, s: Student) -> str:
    """The default {assignment}: the topic's title from the student's JSON report."""
    with contextlib.suppress(KeyError, TypeError, OSError, ValueError):
        return str(json.loads((outdir / s.outputs["json"]).read_text("utf-8"))["topic"]["title"])
    return "your essay"


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def _journal_state(records: list[dict[str, Any]], digest: str) -> str | None:
    """``sent``, ``pending`` (fate unknown), ``changed`` (an older report went) or None."""
    by_hash: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_hash[r["report_sha256"]].append(r)
    mine = _fate(by_hash.pop(digest, []))
    if mine in ("sent", "pending"):
        return mine
    if any(_fate(rs) in ("sent", "pending") for rs in by_hash.values()):
        return "changed"
    return None


def _fate(records: list[dict[str, Any]]) -> str | None:
    if any(r["state"] == "sent" for r in records):
        return "sent"
    return records[-1]["state"] if records else None


# --------------------------------------------------------------------------- messages

def build_message(s: Student, *, to: Address, sender: Address, subject: str, html: str,
                  text: str, digest: str, attach_html: bool = False) -> EmailMessage:
    """multipart/alternative (text first, HTML last, as clients prefer the last they can
    show), inside multipart/mixed with ``feedback.html`` when ``attach_html``."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC).astimezone())
    msg["Message-ID"] = message_id(s.key, digest, sender.domain)
    # Quoted-printable keeps the message 7-bit: no server has to support 8BITMIME.
    msg.set_content(text, cte="quoted-printable")
    msg.add_alternative(html, subtype="html", cte="quoted-printable")
    if attach_html:
        # As bytes (base64): the file saved is byte for byte the report, its hash intact.
        msg.add_attachment(html.encode("utf-8"), maintype="text", subtype="html",
                           filename="feedback.html", params={"charset": "utf-8"})
    return msg


def message_id(key: str, digest: str, domain: str) -> str:
    """The same student, report and sender domain always give the same Message-ID, so a
    re-send is recognisable (and deduplicated by mail systems that do so)."""
    token = hashlib.sha256(f"{key}\n{digest}".encode()).hexdigest()[:32]
    return f"<{token}.marker@{domain}>"


def write_outbox(plan: Plan) -> Path:
    """A dry run: each message as OUTDIR/outbox/KEY.eml; older .eml files there go."""
    outbox = plan.outdir / OUTBOX
    try:
        outbox.mkdir(exist_ok=True)
        keep = set()
        for d in plan.deliveries:
            target = outbox / f"{d.student.key}.eml"
            atomic_write_bytes(target, d.message.as_bytes())
            keep.add(target.name)
        for old in outbox.glob("*.eml"):
            if old.name not in keep:
                old.unlink()
    except OSError as exc:
        raise MarkerError(f"{outbox}: cannot write ({exc.strerror or exc})") from exc
    return outbox


def describe(plan: Plan) -> str:
    """The dry-run table: student, address, report, subject."""
    rows = [("student", "address", "report", "subject")] + [
        (d.student.name, d.to.addr_spec, d.report, d.subject) for d in plan.deliveries]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)), r[3]])
                     for r in rows)


# --------------------------------------------------------------------------- journal and lock

class Journal:
    """OUTDIR/email-journal.jsonl: one JSON line per step, appended and fsync'd, never edited."""

    def __init__(self, outdir: str | os.PathLike[str]) -> None:
        self.path = Path(outdir) / JOURNAL

    def read(self) -> dict[str, list[dict[str, Any]]]:
        """Records by student key, oldest first."""
        try:
            lines = self.path.read_bytes().splitlines()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise MarkerError(f"{self.path}: cannot read it ({exc.strerror or exc})") from exc
        records: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                key, _, _ = str(record["key"]), record["report_sha256"], record["state"]
            except (ValueError, KeyError, TypeError):
                # Skipping it could send a message twice: a person has to look.
                raise MarkerError(f"{self.path}:{n}: damaged line; check whether that "
                                  "message went, then delete the line") from None
            records[key].append(record)
        return records

    def record(self, d: Delivery, state: str, reply: str | None = None) -> None:
        entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "key": d.student.key,
                 "student": d.student.name, "to": d.to.addr_spec, "report_sha256": d.digest,
                 "message_id": str(d.message["Message-ID"]), "state": state, "reply": reply}
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        try:
            with open(self.path, "ab") as fh:
                fh.write(line.encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise MarkerError(f"{self.path}: cannot write ({exc.strerror or exc})") from exc


@contextlib.contextmanager
def locked(outdir: str | os.PathLike[str]) -> Iterator[None]:
    """Hold OUTDIR/email.lock (O_EXCL, "pid@host") so two runs never send at once."""
    if not Path(outdir).is_dir():
        raise MarkerError(f"{outdir}: no such folder")
    path = Path(outdir) / LOCK
    mine = f"{os.getpid()}@{socket.gethostname()}"
    for _ in range(2):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            holder = _live_holder(path)
            if holder:
                raise MarkerError(f"{path}: another marker email is running ({holder}); wait "
                                  "for it, or delete the file if it is not") from None
            path.unlink(missing_ok=True)  # stale: its process is gone
            continue
        except OSError as exc:
            raise MarkerError(f"{path}: cannot create the lock ({exc.strerror or exc})") from exc
        with os.fdopen(fd, "w") as fh:
            fh.write(mine + "\n")
        break
    else:
        raise MarkerError(f"{path}: another marker email keeps taking the lock")
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            if path.read_text().strip() == mine:
                path.unlink()


def _live_holder(path: Path) -> str | None:
    """Who holds the lock, or None when it is stale (its process on this host is dead)."""
    try:
        text = path.read_text().strip()
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return None
    pid, _, host = text.partition("@")
    if not pid.isdigit():
        return None if age > 10 else "a run just starting"
    if host != socket.gethostname() or os.name == "nt":  # a pid we cannot check
        return f"pid {pid} on {host}"
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return f"pid {pid}"


# --------------------------------------------------------------------------- sending

class _Refused(Exception):
    """The server answered a command with an error reply."""

    def __init__(self, code: int, text: bytes | str) -> None:
        self.code = code
        self.reply = _reply(code, text)
        super().__init__(self.reply)


class _Lost(Exception):
    """The connection broke; ``data_sent`` says whether the whole message had gone out."""

    def __init__(self, cause: BaseException, data_sent: bool) -> None:
        super().__init__(_one_line(cause) or type(cause).__name__)
        self.data_sent = data_sent


def send(plan: Plan, server: SmtpServer, *, rate: float = 20.0,
         on_result: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Send the plan's messages at most ``rate`` a minute (0: no limit), journalling each.

    4xx replies and connections lost before the data went out are retried with back-off;
    5xx replies fail that message only. A connection lost after the data went out leaves
    the message ``pending``: the server may have it.
    """
    outcomes: list[Outcome] = []
    if not plan.deliveries:
        return outcomes
    journal = Journal(plan.outdir)
    link = _Link(server)
    link.open()
    interval = 60.0 / rate if rate > 0 else 0.0
    next_at = time.monotonic()
    try:
        for d in plan.deliveries:
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at = time.monotonic() + interval
            outcome = _deliver(link, journal, d)
            outcomes.append(outcome)
            if on_result:
                on_result(outcome)
    finally:
        link.close()
    return outcomes


def _deliver(link: _Link, journal: Journal, d: Delivery) -> Outcome:
    data = _dot_stuffed(d.message.as_bytes())
    reply = ""
    for attempt in range(RETRIES):
        if attempt:
            time.sleep(BACKOFF * 2 ** (attempt - 1))
        smtp = link.get()
        journal.record(d, "pending")
        try:
            reply = _transaction(smtp, d, data)
        except _Refused as exc:
            journal.record(d, "failed", exc.reply)
            reply = exc.reply
            link.reset(drop=exc.code == 421)
            if not 400 <= exc.code < 500:
                return Outcome(d, "failed", reply)
            continue
        except _Lost as exc:
            link.reset(drop=True)
            if exc.data_sent:
                return Outcome(d, "pending", f"connection lost after the message went out "
                                             f"({exc}); the server may have it")
            reply = f"connection lost before the message went out ({exc})"
            journal.record(d, "failed", reply)
            continue
        journal.record(d, "sent", reply)
        return Outcome(d, "sent", reply)
    return Outcome(d, "failed", f"{reply}; gave up after {RETRIES} attempts, run again later")


def _transaction(smtp: smtplib.SMTP, d: Delivery, data: bytes) -> str:
    """MAIL, RCPT, DATA; the server's final reply. DATA is done by hand to know when the
    whole message has gone out: before that, a lost connection cannot have delivered it."""
    data_sent = False
    try:
        _expect(smtp.mail(d.sender.addr_spec), 250)
        _expect(smtp.rcpt(d.to.addr_spec), 250, 251)
        _expect(smtp.docmd("DATA"), 354)
        smtp.send(data)
        data_sent = True
        code, text = smtp.getreply()
    except OSError as exc:  # smtplib's SMTPServerDisconnected, timeouts, resets
        raise _Lost(exc, data_sent) from exc
    _expect((code, text), 250)
    return _reply(code, text)


def _expect(answer: tuple[int, bytes], *codes: int) -> None:
    if answer[0] not in codes:
        raise _Refused(*answer)


def _dot_stuffed(data: bytes) -> bytes:
    """The DATA payload: lines starting with "." doubled, ended by the lone-dot line."""
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data + (b"" if data.endswith(b"\r\n") else b"\r\n") + b".\r\n"


class _Link:
    """The SMTP connection: opened once, re-opened (with back-off) after it drops."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        """Connect or fail at once: a wrong host, certificate or password is not transient."""
        try:
            self.smtp = _connect(self.server)
        except OSError as exc:
            raise MarkerError(f"{self.server.where}: cannot connect ({_one_line(exc)})") from exc

    def get(self) -> smtplib.SMTP:
        if self.smtp is not None:
            return self.smtp
        for attempt in range(RETRIES):
            try:
                self.smtp = _connect(self.server)
                return self.smtp
            except OSError as exc:
                error = exc
                time.sleep(BACKOFF * 2 ** attempt)
        raise MarkerError(f"{self.server.where}: lost the connection and could not reconnect "
                          f"({_one_line(error)}); run again to send the rest")

    def reset(self, *, drop: bool) -> None:
        """Ready for the next transaction: RSET, or a new connection if that fails."""
        if self.smtp is not None and not drop:
            try:
                self.smtp.rset()
                return
            except OSError:
                pass
        self.close()

    def close(self) -> None:
        if self.smtp is None:
            return
        with contextlib.suppress(OSError):
            self.smtp.quit()
        self.smtp.close()
        self.smtp = None


def _connect(server: SmtpServer) -> smtplib.SMTP:
    """Connect, secure and log in. Raises MarkerError for what retrying cannot fix."""
    port = server.port or DEFAULT_PORTS[server.tls]
    context = ssl.create_default_context(cafile=server.cafile)
    try:
        if server.tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(server.host, port, timeout=server.timeout,
                                                  context=context)
        else:
            smtp = smtplib.SMTP(server.host, port, timeout=server.timeout)
    except ssl.SSLCertVerificationError as exc:
        raise _untrusted(server, exc) from exc
    try:
        smtp.ehlo()
        if server.tls == "starttls":
            if not smtp.has_extn("starttls"):
                raise MarkerError(f"{server.where}: the server does not offer STARTTLS; "
                                  "use --tls ssl (usually port 465)")
            smtp.starttls(context=context)
            smtp.ehlo()
        if server.user:
            smtp.login(server.user, server.password or "")
    except ssl.SSLCertVerificationError as exc:
        smtp.close()
        raise _untrusted(server, exc) from exc
    except smtplib.SMTPAuthenticationError as exc:
        smtp.close()
        raise MarkerError(f"{server.where}: login refused for {server.user} "
                          f"({_reply(exc.smtp_code, exc.smtp_error)})") from exc
    except smtplib.SMTPNotSupportedError as exc:
        smtp.close()
        raise MarkerError(f"{server.where}: the server does not offer login (AUTH) "
                          f"here ({_one_line(exc)})") from exc
    except BaseException:
        smtp.close()
        raise
    return smtp


def _untrusted(server: SmtpServer, exc: ssl.SSLCertVerificationError) -> MarkerError:
    return MarkerError(f"{server.where}: the server's certificate is not trusted "
                       f"({exc.verify_message}); use --cafile to trust its CA")


def _is_loopback(host: str) -> bool:
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reply(code: int, text: bytes | str) -> str:
    body = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {_one_line(body)}".strip()


def _one_line(value: object) -> str:
    return " ".join(str(value).split())
