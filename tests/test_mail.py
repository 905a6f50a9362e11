"""`marker email` against a real SMTP server: aiosmtpd on 127.0.0.1 with STARTTLS (a
certificate made here, from a CA made here) and AUTH. The tests check what the server
received: who got what, the MIME structure, each student's own report, UTF-8 headers;
and that nothing is sent twice or lost across dropped connections, crashes, 4xx and 5xx.

The batch folders are built here in the ``marker.batch/1`` layout (small fake reports);
one test marks real essays to show the HTML part is the student's own report.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import hashlib
import html as htmlmod
import ipaddress
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner, Result
from conftest import ROOT
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from marker import mail
from marker.cli import main

PASSWORD = "Pa55-" + os.urandom(8).hex()
USER = "teacher"
SENDER = "Ms Rivera <rivera@school.test>"
ZOE = "Zoë Łukasiewicz"


# --------------------------------------------------------------------------- certificates

@dataclass(frozen=True)
class Certs:
    ca: Path
    cert: Path
    key: Path


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    """A CA and a server certificate it signed, for 127.0.0.1 and localhost."""
    folder = tmp_path_factory.mktemp("certs")
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "marker test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                       False), critical=True)
          .add_extension(ca_ski, critical=False)
          .sign(ca_key, hashes.SHA256()))
    server = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
              .issuer_name(ca_name).public_key(key.public_key())
              .serial_number(x509.random_serial_number())
              .not_valid_before(now - dt.timedelta(days=1))
              .not_valid_after(now + dt.timedelta(days=2))
              .add_extension(x509.SubjectAlternativeName([
                  x509.DNSName("localhost"),
                  x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                             critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                  ca_ski), critical=False)
              .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                             critical=False)
              .sign(ca_key, hashes.SHA256()))
    out = Certs(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    out.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    out.cert.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    out.key.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return out


# --------------------------------------------------------------------------- the SMTP server

@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    tls: bool
    authenticated: bool

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Recorder:
    """The aiosmtpd handler: stores what it accepts, and misbehaves on request."""

    messages: list[Received] = field(default_factory=list)
    rcpt_replies: dict[str, list[str]] = field(default_factory=dict)  # given before accepting
    drop_at_mail: int | None = None  # close the connection at MAIL after this many messages
    drop_in_data: int | None = None  # close it instead of answering this message's DATA
    hang_in_data: int | None = None  # store this message, then never answer
    hanging: threading.Event = field(default_factory=threading.Event)

    async def handle_MAIL(self, server, session, envelope, address, options) -> str:
        if self.drop_at_mail is not None and len(self.messages) == self.drop_at_mail:
            self.drop_at_mail = None
            server.transport.close()
            return "421 4.4.2 closing"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:
        queued = self.rcpt_replies.get(address)
        if queued:
            return queued.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        number = len(self.messages) + 1
        if number == self.drop_in_data:
            self.drop_in_data = None
            server.transport.close()
            return "451 4.3.0 gone"
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      envelope.content,
                                      server.transport.get_extra_info("ssl_object") is not None,
                                      bool(session.authenticated)))
        if number == self.hang_in_data:
            self.hanging.set()
            await asyncio.sleep(60)
        return f"250 2.0.0 queued as Q{number}"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]


def _authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    port: int
    handler: Recorder
    certs: Certs


def _server_context(certs: Certs) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certs.cert, certs.key)
    return context


@pytest.fixture
def smtp(certs: Certs, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """STARTTLS required, then AUTH required; the password is in the environment."""
    monkeypatch.setenv("MARKER_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setattr(mail, "BACKOFF", 0.01)
    handler = Recorder()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="mx.test",
                            tls_context=_server_context(certs), require_starttls=True,
                            auth_required=True, authenticator=_authenticator)
    controller.start()
    try:
        yield Server(port, handler, certs)
    finally:
        controller.stop()


# --------------------------------------------------------------------------- batch folders

def _slug(name: str) -> str:
    return "-".join(name.casefold().split()).encode("ascii", "ignore").decode() or "x"


def student(name: str, id: str | None = None, *, status: str = "ok", mark: int = 17) -> dict:
    key = _slug(name) + (f"_{id}" if id else "")
    return {"key": key, "name": name, "id": id, "status": status, "mark": mark}


def fake_reports(entry: dict[str, Any]) -> dict[str, str]:
    """Small reports that name the student; the HTML has a dot-led line and a long one."""
    name = htmlmod.escape(entry["name"])
    html = (f"<!doctype html>\n<html><body><h1>Feedback for {name}</h1>\n"
            f".dotted line that SMTP must escape\n<p>{'x' * 1200}</p>\n"
            f"<p>Mark {entry['mark']}/25 — well argued ✓</p></body></html>\n")
    text = f"Feedback for {entry['name']}\n.dotted\nMark {entry['mark']}/25 — well argued ✓\n"
    return {"html": html, "text": text}


EXTENSIONS = {"html": "html", "text": "txt", "json": "json"}


def make_batch(outdir: Path, entries: list[dict[str, Any]],
               reports: Callable[[dict[str, Any]], dict[str, str]] = fake_reports) -> Path:
    """OUTDIR in the marker.batch/1 layout, with report files for the ok students."""
    (outdir / "reports").mkdir(parents=True, exist_ok=True)
    students = []
    for e in entries:
        outputs, digest, error = {}, None, None
        if e["status"] == "ok":
            for fmt, content in reports(e).items():
                rel = f"reports/{e['key']}.{EXTENSIONS[fmt]}"
                (outdir / rel).write_text(content, encoding="utf-8")
                outputs[fmt] = rel
            digest = hashlib.sha256((outdir / outputs["html"]).read_bytes()).hexdigest()
        else:
            error = "essay.docx: not a Word document"
        students.append({"key": e["key"], "name": e["name"], "id": e["id"],
                         "source": f"in/{e['key']}.txt", "chosen_reason": "only file",
                         "input_sha256": "0" * 64, "status": e["status"], "error": error,
                         "outputs": outputs, "report_sha256": digest,
                         "total": {"mark": e["mark"], "max": 25}})
    manifest = {"schema": "marker.batch/1", "marker_version": "0.1.0", "topic_sha256": "1" * 64,
                "rubric_sha256": "2" * 64, "students": students}
    (outdir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                          encoding="utf-8")
    return outdir


def write_roster(path: Path, header: list[str], rows: list[list[str]],
                 encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def address(entry: dict[str, Any]) -> str:
    return f"{entry['key'].replace('_', '.')}@pupils.test"


CLASS = [student("Ann Archer", "1001"), student(ZOE, "1002", mark=21),
         student("Cal Crane", "1003", mark=9), student("Dee Dunn", "1004")]


@pytest.fixture
def batch(tmp_path: Path) -> tuple[Path, Path]:
    """The four-student class and its roster (LMS-style headers)."""
    outdir = make_batch(tmp_path / "out", CLASS)
    roster = write_roster(tmp_path / "roster.csv", ["Student ID", "Full Name", "E-mail Address"],
                          [[e["id"], e["name"], address(e)] for e in CLASS])
    return outdir, roster


# --------------------------------------------------------------------------- running marker

@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """``marker ARGS`` in-process, in ``tmp_path``."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def send_args(server: Server, outdir: Path, roster: Path, *extra: object,
              assignment: tuple[str, ...] = ("--assignment", "Essay 1")) -> list[object]:
    return ["email", outdir, "--roster", roster, "--from", SENDER, *assignment, "--send",
            "--host", "127.0.0.1", "--port", server.port, "--cafile", server.certs.ca,
            "--user", USER, "--rate", 0, "--timeout", 5, *extra]


def journal(outdir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (outdir / mail.JOURNAL).read_text("utf-8").splitlines()]


def states(outdir: Path, key: str) -> list[str]:
    return [r["state"] for r in journal(outdir) if r["key"] == key]


def assert_clean(result: Result, code: int = 0) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)


def no_password_in(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


def each_got_one(handler: Recorder, entries: list[dict[str, Any]]) -> None:
    """Every student in ``entries`` got exactly one message, and nobody else got any."""
    counts = Counter(r for m in handler.messages for r in m.rcpt_tos)
    assert counts == Counter(address(e) for e in entries)


def parts(message: EmailMessage) -> list[str]:
    return [p.get_content_type() for p in message.walk()]


def body(message: EmailMessage, subtype: str) -> str:
    """A text part as its file would read (MIME text ends each line with CRLF, and the
    last one too)."""
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None
    return part.get_content().replace("\r\n", "\n").removesuffix("\n")


def own(outdir: Path, entry: dict[str, Any], ext: str) -> str:
    return (outdir / f"reports/{entry['key']}.{ext}").read_text("utf-8").removesuffix("\n")


# --------------------------------------------------------------------------- tests

def test_each_student_gets_their_own_report(smtp: Server, batch, run) -> None:
    outdir, roster = batch
    result = run(*send_args(smtp, outdir, roster))
    assert_clean(result)
    assert "sent 4, not sent 0" in result.stderr
    each_got_one(smtp.handler, CLASS)
    for e in CLASS:
        (got,) = smtp.handler.to(address(e))
        assert got.tls and got.authenticated and got.mail_from == "rivera@school.test"
        msg = got.message
        assert parts(msg) == ["multipart/alternative", "text/plain", "text/html"]
        assert body(msg, "html") == own(outdir, e, "html")
        assert body(msg, "plain") == own(outdir, e, "txt")
        assert msg["Subject"] == f"Feedback: Essay 1 — {e['name']}"
        assert msg["To"].addresses[0].display_name == e["name"]
        digest = hashlib.sha256((outdir / f"reports/{e['key']}.html").read_bytes()).hexdigest()
        assert msg["Message-ID"] == mail.message_id(e["key"], digest, "school.test")
        assert msg["Date"].datetime is not None
        assert states(outdir, e["key"]) == ["pending", "sent"]
        assert journal(outdir)[-1]["reply"].startswith("250 ")

    # UTF-8 names and the em dash travel as RFC 2047 encoded words; the whole message is
    # 7-bit (quoted-printable bodies), so no server needs 8BITMIME.
    raw = smtp.handler.to(address(CLASS[1]))[0].raw
    raw.decode("ascii")
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n", 1)[0]
    assert smtp.handler.to(address(CLASS[1]))[0].message["Subject"].endswith(f"— {ZOE}")

    # Nothing twice: a second run sends nothing.
    again = run(*send_args(smtp, outdir, roster))
    assert_clean(again)
    assert "4 already sent" in again.stderr and len(smtp.handler.messages) == 4
    no_password_in(outdir)
    assert not (outdir / mail.LOCK).exists()


def test_attach_html_adds_feedback_html(smtp: Server, batch, run) -> None:
    outdir, roster = batch
    assert_clean(run(*send_args(smtp, outdir, roster, "--attach-html")))
    msg = smtp.handler.to(address(CLASS[0]))[0].message
    assert parts(msg) == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html",
                          "text/html"]
    (attachment,) = msg.iter_attachments()
    assert attachment.get_filename() == "feedback.html"
    report = (outdir / f"reports/{CLASS[0]['key']}.html").read_bytes()
    assert attachment.get_payload(decode=True) == report  # byte for byte
    assert attachment.get_content_charset() == "utf-8"
    assert body(msg, "plain").startswith("Feedback for Ann Archer")


def test_dry_run_writes_eml_files_and_sends_nothing(smtp: Server, batch, run) -> None:
    outdir, roster = batch
    (outdir / "outbox").mkdir()
    (outdir / "outbox" / "someone-old.eml").write_text("stale")
    result = run("email", outdir, "--roster", roster, "--from", SENDER,
                 "--subject", "{student}: {mark}/{max} for {assignment}")
    assert_clean(result)
    assert smtp.handler.messages == [] and not (outdir / mail.JOURNAL).exists()
    emls = sorted((outdir / "outbox").glob("*.eml"))
    assert [p.stem for p in emls] == sorted(e["key"] for e in CLASS)
    zoe = message_from_bytes((outdir / "outbox" / f"{CLASS[1]['key']}.eml").read_bytes(),
                             policy=policy.default)
    assert zoe["Subject"] == f"{ZOE}: 21/25 for your essay"  # no JSON report: no topic title
    assert zoe["To"].addresses[0].addr_spec == address(CLASS[1])
    assert parts(zoe) == ["multipart/alternative", "text/plain", "text/html"]
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["student", "address", "report", "subject"]
    assert any(ZOE in line and address(CLASS[1]) in line and "reports/" in line
               and "21/25" in line for line in lines)
    assert "nothing sent" in result.stderr

    for subject, problem in (("{grade}", "unknown field {grade}"), ("{mark:d}", "format code")):
        bad = run("email", outdir, "--roster", roster, "--from", SENDER, "--subject", subject)
        assert_clean(bad, 1)
        assert problem in bad.stderr and bad.stderr.count("\n") == 1


def test_dropped_connection_reconnects_and_continues(smtp: Server, batch, run) -> None:
    outdir, roster = batch
    smtp.handler.drop_at_mail = 2  # the server hangs up when the third message starts
    result = run(*send_args(smtp, outdir, roster))
    assert_clean(result)
    each_got_one(smtp.handler, CLASS)
    third = CLASS[2]["key"]
    assert states(outdir, third) == ["pending", "failed", "pending", "sent"]


def test_connection_lost_after_data_stays_pending_until_asked(smtp: Server, batch, run) -> None:
    outdir, roster = batch
    smtp.handler.drop_in_data = 2  # the second message's fate is unknown to marker
    first = run(*send_args(smtp, outdir, roster))
    assert_clean(first, 3)
    assert "pending" in first.stdout and "may have it" in first.stdout
    assert states(outdir, CLASS[1]["key"]) == ["pending"]
    assert len(smtp.handler.messages) == 3  # the others went on a new connection

    again = run(*send_args(smtp, outdir, roster))
    assert_clean(again, 3)
    assert "--resend-pending" in again.stderr and ZOE in again.stderr
    assert len(smtp.handler.messages) == 3

    resent = run(*send_args(smtp, outdir, roster, "--resend-pending"))
    assert_clean(resent)
    each_got_one(smtp.handler, CLASS)


def test_crash_mid_class_then_rerun_sends_each_exactly_once(smtp: Server, batch, run) -> None:
    """A real crash: marker is killed while the server holds message 2 unanswered."""
    outdir, roster = batch
    smtp.handler.hang_in_data = 2
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get(
        "PYTHONPATH", "")])}
    argv = [sys.executable, "-m", "marker", *map(str, send_args(smtp, outdir, roster))]
    assert PASSWORD not in " ".join(argv)
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert smtp.handler.hanging.wait(20), proc.stderr
        # A second run meanwhile is refused.
        second = run(*send_args(smtp, outdir, roster))
        assert_clean(second, 1)
        assert "another marker email is running" in second.stderr
        assert f"pid {proc.pid}" in second.stderr
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert (outdir / mail.LOCK).exists()  # left behind by the crash; stale now

    smtp.handler.hang_in_data = None
    rerun = run(*send_args(smtp, outdir, roster))
    assert_clean(rerun, 3)
    assert "interrupted" in rerun.stderr and ZOE in rerun.stderr
    each_got_one(smtp.handler, CLASS)  # message 2 reached the server before the crash: not re-sent
    assert states(outdir, CLASS[1]["key"]) == ["pending"]
    no_password_in(outdir)


def test_550_fails_one_student_and_the_others_still_go(smtp: Server, batch, run) -> None:
    outdir, roster = batch
    smtp.handler.rcpt_replies[address(CLASS[2])] = ["550 5.1.1 no such mailbox"] * 5
    result = run(*send_args(smtp, outdir, roster))
    assert_clean(result, 3)
    each_got_one(smtp.handler, [e for e in CLASS if e is not CLASS[2]])
    assert states(outdir, CLASS[2]["key"]) == ["pending", "failed"]  # not retried
    failed = [r for r in journal(outdir) if r["key"] == CLASS[2]["key"]][-1]
    assert failed["reply"].startswith("550 5.1.1") and failed["to"] == address(CLASS[2])
    assert "failed" in result.stdout and "550 5.1.1 no such mailbox" in result.stdout
    assert "sent 3, not sent 1" in result.stderr


def test_451_is_retried_then_sent(smtp: Server, batch, run) -> None:
    outdir, roster = batch
    smtp.handler.rcpt_replies[address(CLASS[0])] = ["451 4.7.1 greylisted, try again"]
    result = run(*send_args(smtp, outdir, roster))
    assert_clean(result)
    each_got_one(smtp.handler, CLASS)
    assert states(outdir, CLASS[0]["key"]) == ["pending", "failed", "pending", "sent"]


def test_roster_mismatches_are_listed_and_skipped(smtp: Server, tmp_path: Path, run) -> None:
    entries = [
        ann := student("Ann Archer", "1001"),
        bob := student("Bob Brown"),  # no id in the batch: matched by name
        cal := student("Cal Crane", "1003"),  # id not on the roster
        dee := student("Dee Dunn"),  # name on two roster rows
        eve := student("Eve Ellis", "1005"),  # Eve and Fay share one address
        fay := student("Fay Ford", "1006"),
        gus := student("Gus Gray", "1007", status="failed"),
        ivy := student("Ivy Irwin", "1010"),  # her roster address is broken
    ]
    outdir = make_batch(tmp_path / "out", entries)
    roster = write_roster(tmp_path / "roster.csv", ["id", "name", "email"], [
        ["1001", "Ann Archer", address(ann)],
        ["", "Brown, Bob", address(bob)],
        ["", "Dee Dunn", "dee.one@pupils.test"],
        ["", "Dee Dunn", "dee.two@pupils.test"],
        ["1005", "Eve Ellis", "family@pupils.test"],
        ["1006", "Fay Ford", "family@pupils.test"],
        ["1007", "Gus Gray", address(gus)],
        ["1009", "Hal Hurst", "hal@pupils.test"],
        ["1010", "Ivy Irwin", "ivy@"],
    ])
    result = run(*send_args(smtp, outdir, roster))
    assert_clean(result, 3)
    each_got_one(smtp.handler, [ann, bob])
    err = result.stderr
    for expected in (f"Cal Crane ({cal['key']}): no roster row with id 1003",
                     f"Dee Dunn ({dee['key']}): name Dee Dunn is on 2 roster rows (lines 4, 5)",
                     f"Eve Ellis ({eve['key']}): family@pupils.test is also the address of Fay",
                     f"Fay Ford ({fay['key']}): family@pupils.test is also the address of Eve",
                     f"Gus Gray ({gus['key']}): marking failed",
                     f"Ivy Irwin ({ivy['key']}): {roster}:10: 'ivy@' is not an email address",
                     "roster.csv:9: Hal Hurst <hal@pupils.test>: no report"):
        assert expected in err, (expected, err)
    assert err.count("skipped:") == 7


def test_changed_report_needs_resend_changed(smtp: Server, batch, run) -> None:
    outdir, roster = batch
    assert_clean(run(*send_args(smtp, outdir, roster)))
    ann = CLASS[0]
    html = outdir / f"reports/{ann['key']}.html"
    html.write_text(html.read_text().replace("17/25", "18/25"))
    manifest = json.loads((outdir / "manifest.json").read_text())
    manifest["students"][0]["report_sha256"] = hashlib.sha256(html.read_bytes()).hexdigest()
    (outdir / "manifest.json").write_text(json.dumps(manifest))

    held = run(*send_args(smtp, outdir, roster))
    assert_clean(held, 3)
    assert "--resend-changed" in held.stderr and len(smtp.handler.messages) == 4

    resent = run(*send_args(smtp, outdir, roster, "--resend-changed"))
    assert_clean(resent)
    got = smtp.handler.to(address(ann))
    assert len(got) == 2 and "18/25" in body(got[1].message, "html")
    assert got[0].message["Message-ID"] != got[1].message["Message-ID"]


def test_connection_settings_are_checked(smtp: Server, batch, run,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    outdir, roster = batch
    args = send_args(smtp, outdir, roster)
    cafile = args.index("--cafile")

    untrusted = run(*args[:cafile], *args[cafile + 2:])  # the system CAs do not know ours
    assert_clean(untrusted, 1)
    assert "certificate is not trusted" in untrusted.stderr and "--cafile" in untrusted.stderr

    monkeypatch.setenv("MARKER_SMTP_PASSWORD", "wrong")
    wrong = run(*args)
    assert_clean(wrong, 1)
    assert "login refused for teacher (535" in wrong.stderr

    monkeypatch.delenv("MARKER_SMTP_PASSWORD")
    unset = run(*args)
    assert_clean(unset, 1)
    assert "MARKER_SMTP_PASSWORD: not set" in unset.stderr

    plain = run("email", outdir, "--roster", roster, "--from", SENDER, "--send",
                "--host", "smtp.school.test", "--tls", "none")
    assert_clean(plain, 1)
    assert "only allowed for localhost" in plain.stderr

    no_option = run(*args, "--password", PASSWORD)
    assert_clean(no_option, 2)
    assert smtp.handler.messages == [] and not (outdir / mail.JOURNAL).exists()
    assert not (outdir / mail.LOCK).exists()


def test_implicit_tls_and_rate(certs: Certs, batch, run, monkeypatch) -> None:
    outdir, roster = batch
    handler = Recorder()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="mx.test",
                            ssl_context=_server_context(certs))
    controller.start()
    try:
        start = time.monotonic()
        result = run("email", outdir, "--roster", roster, "--from", SENDER, "--send",
                     "--host", "localhost", "--port", port, "--tls", "ssl",
                     "--cafile", certs.ca, "--rate", 300)
        elapsed = time.monotonic() - start
    finally:
        controller.stop()
    assert_clean(result)
    each_got_one(handler, CLASS)
    assert all(m.tls for m in handler.messages)
    assert elapsed >= 3 * 60 / 300 - 0.05  # four messages, 0.2 s apart


def test_plain_server_needs_tls_none_on_localhost(batch, run) -> None:
    outdir, roster = batch
    handler = Recorder()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="mx.test")
    controller.start()
    try:
        args = ["email", outdir, "--roster", roster, "--from", SENDER, "--send",
                "--host", "127.0.0.1", "--port", port, "--rate", 0]
        refused = run(*args)  # STARTTLS is the default and is never skipped silently
        assert_clean(refused, 1)
        assert "does not offer STARTTLS" in refused.stderr and handler.messages == []
        assert_clean(run(*args, "--tls", "none"))
    finally:
        controller.stop()
    each_got_one(handler, CLASS)


@pytest.mark.parametrize(("header", "delimiter", "encoding"), [
    (["ID", "Name", "Email"], ",", "utf-8"),
    (["LMS ID", "Student", "E-mail"], ";", "utf-8-sig"),
    (["identifier", "full_name", "email_address"], "\t", "cp1252"),
])
def test_roster_header_spellings(tmp_path: Path, header, delimiter, encoding) -> None:
    path = write_roster(tmp_path / "r.csv", header, [["7", "Zoë Smith", "zoe@pupils.test"]],
                        encoding=encoding, delimiter=delimiter)
    roster = mail.read_roster(path)
    assert roster.has_ids
    assert roster.rows == [mail.RosterRow(2, "7", "Zoë Smith", "zoe@pupils.test")]


def test_roster_split_names_and_bad_headers(tmp_path: Path) -> None:
    moodle = write_roster(tmp_path / "m.csv", ["First name", "Surname", "Email address"],
                          [["Jane", "Smith", "jane@pupils.test"]])
    assert mail.read_roster(moodle).rows[0].name == "Jane Smith"
    assert mail.normalise_name("Smith, Jané") == mail.normalise_name("jane  SMITH")
    for header, problem in ((["name", "mail"], "no email column"),
                            (["class", "email"], "no id or name column"),
                            (["name", "full name", "email"], "two name columns")):
        path = write_roster(tmp_path / "bad.csv", header, [])
        with pytest.raises(mail.MarkerError, match=problem):
            mail.read_roster(path)


def test_real_reports_are_sent_to_their_students(topic, smtp: Server, tmp_path: Path,
                                                 run) -> None:
    from marker.pipeline import mark_file
    from marker.render import render

    essays = sorted((ROOT / "tests" / "data" / "essays").glob("0[13]-*.txt"))
    entries = [student("Kim Kerr", "2001"), student(ZOE, "2002")]
    by_key = dict(zip((e["key"] for e in entries), essays, strict=True))

    def real(entry: dict[str, Any]) -> dict[str, str]:
        report = mark_file(str(by_key[entry["key"]]), topic=topic)
        return {fmt: render(report, fmt) for fmt in ("html", "text", "json")}

    outdir = make_batch(tmp_path / "out", entries, real)
    roster = write_roster(tmp_path / "roster.csv", ["student id", "email"],
                          [[e["id"], address(e)] for e in entries])
    result = run(*send_args(smtp, outdir, roster, assignment=()))
    assert_clean(result)
    for e in entries:
        (got,) = smtp.handler.to(address(e))
        assert body(got.message, "html") == own(outdir, e, "html")
        assert body(got.message, "plain") == own(outdir, e, "txt")
        assert got.message["Subject"] == f"Feedback: {topic.title} — {e['name']}"
    htmls = [body(smtp.handler.to(address(e))[0].message, "html") for e in entries]
    assert htmls[0] != htmls[1]
