"""Marking a whole class: a report per student, a class summary, and files for the LMS.

A teacher runs this on 30 to 300 essays, edits marks, and runs it again, so the run is
resumable and repeatable: every file is written atomically, ``manifest.json`` records what
is done (content hashes of input, topic and rubric, and the marker version), and a re-run
re-marks only what changed. Teacher overrides are applied after marking, on every run, to
the marker's own marks kept in each JSON report, so editing ``overrides.csv`` never needs a
re-mark. Nothing written holds a date, so the same input gives the same bytes.

spaCy parses the class with ``nlp.pipe``, here (``--jobs 1``) or in worker processes that
also mark and render (:func:`mark_many` on chunks of essays), so this process only reads
and writes. Everything after parsing is :func:`report_dict`, a pure function, and
:func:`mark_one` / :func:`mark_many` take plain, picklable arguments, for running on other
machines (:mod:`marker.scale`).
"""

from __future__ import annotations

import csv
import functools
import gc
import hashlib
import io
import itertools
import json
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, nlp
from .errors import MarkerError
from .files import atomic_write_bytes
from .lms import (
    COMMENTS,
    CanvasTarget,
    Chosen,
    ClassInput,
    Grade,
    Limits,
    Worksheet,
    canvas_csv,
    canvas_points,
    canvas_target,
    check_worksheet,
    fill_worksheet,
    find_students,
    moodle_feedback_folder,
    open_class,
    points_text,
    read_worksheet,
    write_feedback_zip,
)
from .pipeline import prepare
from .read import Submission, _shown, read_bytes, text_submission
from .render import (
    BAR,
    LINK,
    PALETTE,
    css_inliner,
    jinja_env,
)
from .report import dumps
from .rubric import Rubric
from .topic import Topic
from .worker import (
    IN_FLIGHT,
    Job,
    Marked,
    TooSlow,
    bug,
    chunk_size,
    loaded,
    mark_many,
    report_dict,
    report_files,
    report_pages,
    rubric_of,
    time_limit,
    too_slow,
    topic_of,
)

if TYPE_CHECKING:

    from .normalise import Normalised

SCHEMA = "marker.batch/1"
MANIFEST = "manifest.json"
OVERRIDES = "overrides.csv"
OVERRIDE_COLUMNS = ("student", "criterion", "mark", "comment")
NEAR_DUPLICATE = 0.5
"""TF-IDF cosine (words and word pairs) from which two essays are listed as very similar:
distinct essays on this topic stay under 0.25, one half-copied from another reaches 0.5."""
_FLUSH_SECONDS = 0.5  # the manifest is rewritten at most this often while marking
_SUMMARY_ROWS = 10
_SIMILAR_ROWS = 50


# --- one essay ---------------------------------------------------------------------------


def mark_one(essay: Submission | str | bytes, topic_ref: Topic | str | None = None,
             rubric_ref: Rubric | str | None = None, *, student: str | None = None,
             student_id: str | None = None, force: bool = False,
             name: str = "<text>") -> dict[str, Any]:
    """The ``marker.report/1`` dict of one essay (its text, a file's bytes read as ``name``,
    or a read Submission).

    Takes only plain, picklable arguments so a worker on any machine can run it; the
    model, topic and rubric are loaded once per process and cached.
    """
    topic, rubric = topic_of(topic_ref), rubric_of(rubric_ref)
    if isinstance(essay, bytes):
        essay = read_bytes(essay, name)
    elif isinstance(essay, str):
        essay = text_submission(essay)
    norm = prepare(essay, force=force)
    return report_dict(essay, norm, nlp.analyse(norm.text, topic), topic, rubric,
                       student=student, student_id=student_id)


def _warm_up(topic: Topic, rubric: Rubric) -> None:
    """Load the model and build what marking caches per topic (the topic's TF-IDF model,
    the word list, compiled patterns) by marking one sentence, so the first student's
    essay does not pay for them against its time limit. Once per process for a topic and
    rubric: the caches stay (a program marking several classes pays once)."""
    if (topic.sha256, rubric.sha256) in _WARM:
        return
    sub = text_submission("The war in Europe began in September 1939, and it ended in 1945.",
                          "<warm-up>")
    norm = prepare(sub, force=True)
    report_files(report_dict(sub, norm, nlp.analyse(norm.text, topic), topic, rubric))
    _WARM.add((topic.sha256, rubric.sha256))


_WARM: set[tuple[str, str]] = set()  # (topic, rubric) already warmed up in this process


# --- teacher overrides ---------------------------------------------------------------------


@dataclass(frozen=True)
class Override:
    """A teacher's mark for one criterion of one student (a row of overrides.csv)."""

    row: int
    student: str  # the student's key
    criterion: str  # criterion id
    mark: int
    comment: str


def read_overrides(path: Path) -> list[dict[str, str]]:
    """The rows of overrides.csv (none if it does not exist), each with its line number."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise MarkerError(f"{path}: cannot read the overrides ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if not set(OVERRIDE_COLUMNS[:3]) <= set(header):
        raise MarkerError(f"{path}: the first line must be the header "
                          f"{','.join(OVERRIDE_COLUMNS)} (found: {','.join(header) or 'nothing'})")
    reader.fieldnames = header
    rows = []
    for row in reader:
        cells = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        if any(cells.values()):
            rows.append({**cells, "row": str(reader.line_num)})
    return rows


def check_overrides(rows: list[dict[str, str]], students: list[Chosen], rubric: Rubric,
                    path: str = OVERRIDES) -> tuple[dict[str, list[Override]], list[str]]:
    """Overrides by student key, and one line per row that cannot be applied."""
    keys = {c.key for c in students}
    by_id: dict[str, list[str]] = defaultdict(list)
    by_name: dict[str, list[str]] = defaultdict(list)
    for c in students:
        if c.student.id:
            by_id[c.student.id].append(c.key)
        by_name[" ".join(c.student.name.casefold().split())].append(c.key)
    criteria = {c.id: c for c in rubric.criteria}
    named = {c.name.casefold(): c.id for c in rubric.criteria}
    out: dict[str, list[Override]] = defaultdict(list)
    problems: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        where = f"{path}:{row['row']}"
        who = row.get("student", "")
        match = [who] if who in keys else by_id.get(who) or by_name.get(
            " ".join(who.casefold().split()), [])
        if not match:
            problems.append(f"{where}: no student {who!r} in this class (use the key from "
                            "grades.csv or manifest.json, e.g. jane-smith_12345)")
            continue
        if len(match) > 1:
            problems.append(f"{where}: {len(match)} students match {who!r}; write the key "
                            f"instead ({' or '.join(sorted(match))})")
            continue
        crit_text = row.get("criterion", "")
        crit_id = crit_text if crit_text in criteria else named.get(crit_text.casefold())
        if crit_id is None:
            problems.append(f"{where}: no criterion {crit_text!r} in rubric {rubric.id} "
                            f"(criteria: {', '.join(criteria)})")
            continue
        top = criteria[crit_id].max
        mark = _whole(row.get("mark", ""))
        if mark is None or not 0 <= mark <= top:
            problems.append(f"{where}: mark {row.get('mark', '')!r} for {crit_id} is not a "
                            f"whole number from 0 to {top}")
            continue
        first = seen.setdefault((match[0], crit_id), row["row"])
        if first != row["row"]:
            problems.append(f"{where}: repeats the override of {crit_id} for {match[0]} in "
                            f"line {first}; only line {first} is used")
            continue
        out[match[0]].append(Override(int(row["row"]), match[0], crit_id, mark,
                                      row.get("comment", "")))
    return dict(out), problems


def _whole(text: str) -> int | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


def apply_overrides(data: dict[str, Any], overrides: list[Override],
                    rubric: Rubric) -> dict[str, Any]:
    """The report with the teacher's marks in place of the marker's, and the total redone.

    Each overridden criterion keeps the marker's mark (``marker_mark``), gains
    ``teacher_mark: true`` and ``teacher_comment``, and its first reason is the teacher's.
    """
    if not overrides:
        return data
    wanted = {o.criterion: o for o in overrides}
    bands = {c.id: c for c in rubric.criteria}
    criteria = []
    for crit in data["criteria"]:
        o = wanted.get(crit["id"])
        if o is not None:
            band = bands[crit["id"]].band(o.mark)
            reason = (f"Teacher's comment: {o.comment}" if o.comment
                      else f"Mark set by your teacher ({o.mark}/{crit['max']}).")
            crit = {**crit, "mark": o.mark, "band": band.descriptor, "band_marks": band.marks,
                    "reasons": [reason, *crit["reasons"]], "marker_mark": crit["mark"],
                    "teacher_mark": True, "teacher_comment": o.comment or None}
        criteria.append(crit)
    return {**data, "criteria": criteria,
            "total": {**data["total"], "mark": sum(c["mark"] for c in criteria)}}


def strip_overrides(data: dict[str, Any], rubric: Rubric) -> dict[str, Any]:
    """The report as the marker wrote it, before :func:`apply_overrides`."""
    bands = {c.id: c for c in rubric.criteria}
    criteria = []
    for crit in data["criteria"]:
        if crit.get("teacher_mark"):
            mark = crit["marker_mark"]
            band = bands[crit["id"]].band(mark)
            crit = {k: v for k, v in crit.items()
                    if k not in ("marker_mark", "teacher_mark", "teacher_comment")}
            crit.update(mark=mark, band=band.descriptor, band_marks=band.marks,
                        reasons=crit["reasons"][1:])
        criteria.append(crit)
    return {**data, "criteria": criteria,
            "total": {**data["total"], "mark": sum(c["mark"] for c in criteria)}}


# --- the run -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchOptions:
    topic: str | None = None
    rubric: str | None = None
    jobs: int | None = None  # spaCy processes; None: one per available core
    force: bool = False  # re-mark everyone, and mark text that does not look like English
    worksheet: str | None = None  # Moodle grading worksheet to fill
    keep_comments: bool = False  # leave a teacher's Feedback comments in the worksheet alone
    canvas_assignment: str | None = None  # Canvas gradebook column, "Essay 1 (123456)"
    canvas_points: float | None = None  # that assignment's points in Canvas
    canvas_gradebook: str | None = None  # a gradebook CSV exported from Canvas
    limits: Limits = field(default_factory=Limits)
    essay_seconds: float = 60.0  # per-essay time limit after parsing; 0: none
    scheduler: str | None = None  # Dask scheduler address ("tcp://host:8786"): mark there
    dask_local: int | None = None  # or start a local Dask cluster of this many workers

    @property
    def on_dask(self) -> bool:
        """Whether essays are marked on Dask workers (see :mod:`marker.scale`)."""
        return bool(self.scheduler or self.dask_local)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    elapsed: float


def progress_line(p: Progress) -> str:
    """"marking 12/30 · 2.4 essays/s · ETA 0:08" for a terminal status line."""
    rate = p.done / p.elapsed if p.elapsed > 0 else 0.0
    eta = "--:--" if not rate else _clock((p.total - p.done) / rate)
    return f"marking {p.done}/{p.total} · {rate:.1f} essays/s · ETA {eta}"


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


@dataclass
class BatchResult:
    outdir: Path
    students: int
    marked: int
    reused: int
    failed: list[dict[str, Any]]  # the manifest entries of students not marked
    problems: list[str]  # overrides that could not be applied, worksheet rows not found

    @property
    def exit_code(self) -> int:
        return 3 if self.failed else 0


@dataclass
class _Facts:
    """What the class summary needs of one marked essay (not the whole report)."""

    key: str
    name: str
    id: str | None
    late: bool
    html: str
    total: dict[str, Any]
    marks: dict[str, int]
    teacher: frozenset[str]
    errors: list[tuple[str, str, str]]  # (subject, kind, correction) of contradicted claims
    missing: list[str]
    feedback: str
    text: str


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_batch(source: str | os.PathLike[str], outdir: str | os.PathLike[str],
              options: BatchOptions = BatchOptions(),
              progress: Callable[[Progress], None] | None = None) -> BatchResult:
    """Mark the class at ``source`` (folder or zip) into ``outdir``; see the module doc."""
    topic, rubric = topic_of(options.topic), rubric_of(options.rubric)
    sheet = read_worksheet(options.worksheet) if options.worksheet else None
    canvas = canvas_target(options.canvas_assignment, options.canvas_points,
                           options.canvas_gradebook, rubric.total)
    with open_class(source, options.limits, skip=Path(outdir)) as cls:
        students = find_students(cls)
        if not students:
            raise MarkerError(f"{_shown(os.fsdecode(source))}: no submissions found "
                              "(nothing to mark)")
        if sheet is not None:
            check_worksheet(sheet, ((c.student.name, c.student.id) for c in students))
        out = _output_folder(Path(outdir))
        rows = read_overrides(out / OVERRIDES)
        overrides, problems = check_overrides(rows, students, rubric)
        run = _Run(out, cls, topic, rubric, overrides, options, progress)
        run.mark(students)
    entries = [run.entries[c.key] for c in students]
    facts = [run.facts[c.key] for c in students if c.key in run.facts]
    failed = [e for e in entries if e["status"] == "failed"]
    problems += [f"{OVERRIDES}:{o.row}: {e['key']} was not marked, so there is no "
                 "mark to override" for e in failed for o in overrides.get(e["key"], [])]
    problems += _write_class_files(out, students, entries, facts, topic, rubric, options,
                                   sheet, canvas, problems)
    _remove_stale(out, run.old, entries)
    return BatchResult(out, len(students), run.marked, run.reused, failed, problems)


def _output_folder(out: Path) -> Path:
    shown = _shown(str(out))
    if out.exists() and not out.is_dir():
        raise MarkerError(f"{shown}: is a file, not a folder for the reports")
    try:
        (out / "reports").mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise MarkerError(f"{shown}: cannot write the reports there "
                          f"({exc.strerror or exc})") from None
    return out


class _Run:
    """One pass over the class: reuse what is done, mark the rest, record as it goes."""

    def __init__(self, out: Path, cls: ClassInput, topic: Topic, rubric: Rubric,
                 overrides: dict[str, list[Override]], options: BatchOptions,
                 progress: Callable[[Progress], None] | None) -> None:
        self.out, self.cls, self.topic, self.rubric = out, cls, topic, rubric
        self.overrides, self.options, self.progress = overrides, options, progress
        self.old = _read_manifest(out / MANIFEST)
        self.head = {"schema": SCHEMA, "marker_version": __version__,
                     "topic_sha256": topic.sha256, "rubric_sha256": rubric.sha256}
        same = all(self.old.get(k) == v for k, v in self.head.items())
        self.reusable = {} if options.force or not same else {
            e["key"]: e for e in self.old.get("students", []) if e.get("status") == "ok"}
        self.entries: dict[str, dict[str, Any]] = {}
        self.facts: dict[str, _Facts] = {}
        self.marked = self.reused = 0
        self.flushed = 0.0

    def mark(self, students: list[Chosen]) -> None:
        todo = []
        for c in students:
            if c.file is None:
                self._fail(c, c.reason, None)
                continue
            try:
                digest = hashlib.sha256(self.cls.read(c.file)).hexdigest()
            except MarkerError as exc:
                self._fail(c, exc.message, None)
                continue
            if not self._reuse(c, digest):
                todo.append((c, digest))
        self._flush()
        try:
            self._mark_all(todo)
        finally:
            self._flush(force=True)

    def _reuse(self, c: Chosen, digest: str) -> bool:
        """Keep a student's report when nothing that made it has changed."""
        old = self.reusable.get(c.key)
        if old is None or (old.get("input_sha256"), old.get("source"), old.get("name"),
                           old.get("id")) != (digest, self.cls.display(c.file),
                                              c.student.name, c.student.id):
            return False
        try:
            outputs = {k: self.out / v for k, v in old["outputs"].items()}
            found = {k: outputs[k].read_bytes() for k in ("html", "json", "text")}
            if {k: _sha256(v) for k, v in found.items()} != old["outputs_sha256"]:
                return False
            data = strip_overrides(json.loads(found["json"].decode("utf-8")), self.rubric)
        except (OSError, AttributeError, KeyError, TypeError, ValueError, StopIteration):
            return False  # missing, edited or damaged: mark again
        self._record(c, digest, data, saved=found)
        self.reused += 1
        return True

    def _mark_all(self, todo: list[tuple[Chosen, str]]) -> None:
        if not todo:
            return
        jobs = max(1, min(self.options.jobs or default_jobs(), len(todo)))
        if not self.options.on_dask:
            _warm_up(self.topic, self.rubric)  # before the clock starts (and the forks)
        with _loaded_objects_set_aside():
            self._mark_todo(todo, jobs)

    def _mark_todo(self, todo: list[tuple[Chosen, str]], jobs: int) -> None:
        start = time.monotonic()
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            if self.progress:
                self.progress(Progress(done, len(todo), time.monotonic() - start))

        if self.progress:
            self.progress(Progress(0, len(todo), 0.0))
        if not self.options.on_dask and jobs == 1:
            self._mark_here(todo, tick)
            return
        if self.options.on_dask:
            from .scale import mark_remotely

            results = mark_remotely(self._jobs(todo, tick), len(todo), self.options,
                                    self.topic, self.rubric)
        else:
            results = _mark_in_processes(self._jobs(todo, tick), len(todo), jobs,
                                         self.options, self.topic, self.rubric)
        for job, marked in results:
            c, digest = job.tag
            if marked.report is None:
                self._fail(c, marked.error or "", digest)
            else:
                self._record(c, digest, marked.report, files=marked.files)
                self.marked += 1
            tick()

    def _mark_here(self, todo: list[tuple[Chosen, str]], tick: Callable[[], None]) -> None:
        """Mark in this process, the class streamed through one ``nlp.pipe``."""
        # nlp.pipe keeps the order, so each Doc belongs to the oldest essay still waiting.
        waiting: deque[tuple[Chosen, str, Submission, Normalised]] = deque()

        def texts() -> Iterator[str]:
            for c, digest in todo:
                try:
                    sub = read_bytes(self.cls.read(c.file), self.cls.display(c.file))
                    norm = prepare(sub, force=self.options.force)
                except MarkerError as exc:
                    self._fail(c, exc.message, digest)
                    tick()
                    continue
                waiting.append((c, digest, sub, norm))
                yield norm.text

        seconds = self.options.essay_seconds
        # Batches of 16 parse fastest (measured: 8% faster than one at a time, 3% than 8).
        for doc in nlp.topic_pipeline(self.topic).pipe(texts(), batch_size=16):
            c, digest, sub, norm = waiting.popleft()
            try:
                with time_limit(seconds):
                    data = report_dict(sub, norm, doc, self.topic, self.rubric,
                                       student=c.student.name, student_id=c.student.id)
            except TooSlow:
                self._fail(c, too_slow(sub.path, seconds), digest)
            except Exception as exc:  # a bug must not cost the teacher the other essays
                self._fail(c, bug(sub.path, exc), digest)
            else:
                self._record(c, digest, data)
                self.marked += 1
            tick()

    def _jobs(self, todo: list[tuple[Chosen, str]], tick: Callable[[], None]) -> Iterator[Job]:
        """The submissions to send to workers, read lazily: this process never holds the
        whole class."""
        for c, digest in todo:
            try:
                data = self.cls.read(c.file)
            except MarkerError as exc:
                self._fail(c, exc.message, digest)
                tick()
                continue
            yield Job((c, digest), data, self.cls.display(c.file), c.student.name,
                      c.student.id)

    def _record(self, c: Chosen, digest: str, data: dict[str, Any],
                saved: dict[str, bytes] | None = None,
                files: tuple[str, str, str] | None = None) -> None:
        """Apply the overrides, write the reports if they changed, note it in the manifest.
        ``saved`` are the reports found on disk (by format), ``files`` the reports a worker
        already rendered from ``data``."""
        final = apply_overrides(data, self.overrides.get(c.key, []), self.rubric)
        outputs = {"html": f"reports/{c.key}.html", "json": f"reports/{c.key}.json",
                   "text": f"reports/{c.key}.txt"}
        rendered = files if final is data else None  # a worker's files unless overridden
        as_json = (rendered[0] if rendered else dumps(final)).encode("utf-8")
        if saved is not None and as_json == saved["json"]:
            html, text = saved["html"], saved["text"]
        else:
            as_html, as_text = rendered[1:] if rendered else report_pages(final)
            # Not fsync'd (see atomic_write_bytes): all three are hashed in the manifest, and
            # a report a power cut damaged fails the check and is marked again.
            html, text = as_html.encode("utf-8"), as_text.encode("utf-8")
            _write(self.out / outputs["text"], text, durable=False)
            _write(self.out / outputs["html"], html, durable=False)
            _write(self.out / outputs["json"], as_json, durable=False)
        hashes = {"html": _sha256(html), "json": _sha256(as_json), "text": _sha256(text)}
        self.entries[c.key] = {
            **self._entry(c, digest), "status": "ok", "error": None, "outputs": outputs,
            "report_sha256": hashes["html"], "outputs_sha256": hashes,
            "total": {"mark": final["total"]["mark"], "max": final["total"]["max"]},
        }
        self.facts[c.key] = _facts(c, final, outputs["html"])
        self._flush()

    def _fail(self, c: Chosen, error: str, digest: str | None) -> None:
        self.entries[c.key] = {**self._entry(c, digest), "status": "failed", "error": error,
                               "outputs": None, "report_sha256": None, "outputs_sha256": None,
                               "total": None}
        self._flush()

    def _entry(self, c: Chosen, digest: str | None) -> dict[str, Any]:
        return {"key": c.key, "name": c.student.name, "id": c.student.id,
                "source": self.cls.display(c.file) if c.file else None,
                "chosen_reason": c.reason, "input_sha256": digest}

    def _flush(self, force: bool = False) -> None:
        """Rewrite the manifest (atomically) with every student finished so far."""
        now = time.monotonic()
        if not force and now - self.flushed < _FLUSH_SECONDS:
            return
        self.flushed = now
        manifest = {**self.head, "students": [self.entries[k] for k in sorted(self.entries)]}
        _write(self.out / MANIFEST, dumps(manifest).encode("utf-8"))


@contextmanager
def _loaded_objects_set_aside() -> Iterator[None]:
    """Python's cycle collector walks every object the process holds when it runs a full
    collection: with the model, the topic and the word list loaded, ~200,000 of them, over
    and over during a class (2 ms an essay measured, half of it in those walks). What is
    loaded by now stays for the batch, so it is set aside (``gc.freeze``) until the batch
    ends; forked workers then also leave those pages shared. A program that froze objects
    itself is left to manage its own."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# While the batch forks its workers: the pid they must outlive no longer than (0: not forking).
_GUARD = {"parent": 0}


@contextmanager
def _workers_die_with_us() -> Iterator[None]:
    """Worker processes would wait forever for more essays when the batch is killed
    (kill -9 leaves them behind); on Linux, have the kernel kill them with it instead."""
    if not sys.platform.startswith("linux"):
        yield
        return
    _register_guard()
    _GUARD["parent"] = os.getpid()
    try:
        yield
    finally:
        _GUARD["parent"] = 0


@functools.cache
def _register_guard() -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def in_child() -> None:
        if _GUARD["parent"]:
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
            if os.getppid() != _GUARD["parent"]:  # the batch died before prctl took effect
                os._exit(1)

    os.register_at_fork(after_in_child=in_child)


def _mark_in_processes(jobs: Iterator[Job], total: int, processes: int,
                       options: BatchOptions, topic: Topic,
                       rubric: Rubric) -> Iterator[tuple[Job, Marked]]:
    """Mark in ``processes`` worker processes, chunks of essays parsed, marked and rendered
    there; yields each job with its outcome, a chunk at a time as chunks finish."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # Forked workers start at once with the model this process has loaded.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    size = chunk_size(total, processes)
    setup = (options.topic, options.rubric, topic.sha256, rubric.sha256)
    with _workers_die_with_us():
        pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context(method),
                                   initializer=_worker_setup, initargs=setup)
        pending: dict[Any, list[Job]] = {}

        def submit_next() -> None:
            chunk = list(itertools.islice(jobs, size))
            if chunk:
                future = pool.submit(_worker_task, [j.item for j in chunk], options.force,
                                     options.essay_seconds)
                pending[future] = chunk

        try:
            with _ctrl_c_held():  # the first submit forks the workers
                for _ in range(IN_FLIGHT * processes):
                    submit_next()
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    chunk = pending.pop(future)
                    yield from zip(chunk, future.result(), strict=True)
                    submit_next()
        except BrokenProcessPool:  # from a result or from the next submit
            pool.shutdown(wait=False, cancel_futures=True)
            raise MarkerError("a marking process stopped unexpectedly (out of memory?); run "
                              "the same command again to go on from where it stopped, or use "
                              "--jobs 1") from None
        except BaseException:  # Ctrl-C or an error: drop the queued work, do not wait for it
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Holds Ctrl-C back from the worker processes while they are forked. A worker must
    never act on it (it is the batch's to handle), but one arriving between the fork and
    the worker's setup used to print a worker's traceback. A worker forked in here inherits
    the held-back signal and starts with Ctrl-C ignored (see _fork_hook); this process
    handles it as before."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    _fork_hook()
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@functools.cache
def _fork_hook() -> None:
    def in_child() -> None:
        # Forked with Ctrl-C held back: ignore it first, so one that came during the fork
        # is dropped, then let signals through again.
        if signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []):
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    os.register_at_fork(after_in_child=in_child)


_WORKER: dict[str, tuple[Topic, Rubric]] = {}


def _worker_setup(topic_ref: str | None, rubric_ref: str | None, topic_sha: str,
                  rubric_sha: str) -> None:
    """In a new worker process: the topic and rubric (a forked worker has them already).
    Ctrl-C is the batch's to handle: a worker finishes its essays and is then let go."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER["loaded"] = loaded(topic_ref, rubric_ref, topic_sha, rubric_sha)


def _worker_task(items: list[tuple[bytes, str, str | None, str | None]], force: bool,
                 seconds: float) -> list[Marked]:
    topic, rubric = _WORKER["loaded"]
    return mark_many(items, topic, rubric, force=force, render=True, seconds=seconds)


def _read_manifest(path: Path) -> dict[str, Any]:
    """The previous run's manifest; an unreadable one means starting afresh."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("schema") != SCHEMA \
            or not isinstance(data.get("students"), list):
        return {}
    data["students"] = [e for e in data["students"] if isinstance(e, dict) and "key" in e]
    return data


def _write(path: Path, data: bytes, *, durable: bool = True) -> None:
    try:
        atomic_write_bytes(path, data, durable=durable)
    except OSError as exc:
        raise MarkerError(f"{_shown(str(path))}: cannot write ({exc.strerror or exc})") from None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _facts(c: Chosen, data: dict[str, Any], html: str) -> _Facts:
    return _Facts(
        key=c.key, name=c.student.name, id=c.student.id, late=c.student.late, html=html,
        total=data["total"],
        marks={crit["id"]: crit["mark"] for crit in data["criteria"]},
        teacher=frozenset(crit["id"] for crit in data["criteria"] if crit.get("teacher_mark")),
        errors=[(cl["subject"] or "", cl["kind"], cl["correction"] or "")
                for cl in data["claims"] if cl["verdict"] == "contradicted"],
        missing=list(data["feedback"].get("missing") or []),
        feedback=feedback_line(data),
        text=data["text"],
    )


def feedback_line(data: dict[str, Any]) -> str:
    """The one thing to fix first, for grades.csv and LMS comment boxes."""
    first = data["feedback"].get("fix_first") or []
    return first[0] if first else ""


def _remove_stale(out: Path, old: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    """Delete reports this tool wrote for students no longer in the class (or now failed)."""
    kept = {p for e in entries for p in (e["outputs"] or {}).values()}
    for e in old.get("students", []):
        for rel in (e.get("outputs") or {}).values():
            if isinstance(rel, str) and rel.startswith("reports/") and "/" not in rel[8:] \
                    and rel not in kept:
                (out / rel).unlink(missing_ok=True)


# --- class files ---------------------------------------------------------------------------


def _write_class_files(out: Path, students: list[Chosen], entries: list[dict[str, Any]],
                       facts: list[_Facts], topic: Topic, rubric: Rubric,
                       options: BatchOptions, sheet: Worksheet | None, canvas: CanvasTarget,
                       problems: list[str]) -> list[str]:
    """summary.html, the CSVs and the LMS files; returns what could not go into them."""
    more: list[str] = []
    by_key = {c.key: c for c in students}
    grades = [Grade(f.name, f.id, f.total["mark"], f.total["max"], f.feedback,
                    by_key[f.key].student.anonymous) for f in facts]
    if sheet is not None:
        filled, unmatched = fill_worksheet(sheet, grades, keep_comments=options.keep_comments)
        _write(out / "moodle_grading_worksheet.csv", filled.encode("utf-8"))
        more += [f"{sheet.path}: no row for {g.name}" + (f" ({g.id})" if g.id else "")
                 for g in unmatched]
        if COMMENTS not in sheet.column:
            more.append(f"{sheet.path}: no '{COMMENTS}' column, so only the grades go back "
                        "(turn on feedback comments in the assignment's settings for more)")
    moodle = [f for f in facts if by_key[f.key].student.lms == "moodle" and f.id]
    if moodle:
        buffer = io.BytesIO()
        write_feedback_zip(buffer, ((f"{moodle_feedback_folder(f.name, f.id or '')}"
                                     "/feedback.html", out / f.html) for f in moodle))
        _write(out / "moodle_feedback_files.zip", buffer.getvalue())
    on_canvas = [g for g, f in zip(grades, facts, strict=True)
                 if by_key[f.key].student.lms == "canvas"]
    named = [g for g in on_canvas if not g.anonymous]
    if named:
        _write(out / "canvas_grades.csv", canvas_csv(named, canvas).encode("utf-8"))
    if canvas.source is not None:
        more += [f"{canvas.source}: no row for {g.name} ({g.id}); canvas_grades.csv has "
                 "their mark under their Canvas ID" for g in named if g.id not in canvas.roster]
    points = points_text(canvas.points, canvas.decimal)
    more += [f"canvas_grades.csv: anon_{g.id}: anonymous grading, which Canvas's gradebook "
             f"import does not take; enter {canvas_points(g, canvas)}/{points} in SpeedGrader"
             for g in on_canvas if g.anonymous]
    _write(out / "grades.csv", _grades_csv(entries, facts, rubric))
    _write(out / "errors.csv", _errors_csv(entries, problems + more))
    if not (out / OVERRIDES).exists():
        _write(out / OVERRIDES, (",".join(OVERRIDE_COLUMNS) + "\r\n").encode("utf-8"))
    html = render_summary(summary_view(students, entries, facts, topic, rubric,
                                       problems + more))
    _write(out / "summary.html", html.encode("utf-8"))
    return more


def _csv(rows: list[list[Any]]) -> bytes:
    """CSV for spreadsheets: UTF-8 with a BOM, so Excel shows names with accents right."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _grades_csv(entries: list[dict[str, Any]], facts: list[_Facts], rubric: Rubric) -> bytes:
    by_key = {f.key: f for f in facts}
    rows: list[list[Any]] = [["student", "id", *(c.name for c in rubric.criteria), "total",
                              "feedback"]]
    for e in entries:
        f = by_key.get(e["key"])
        if f is None:
            rows.append([e["name"], e["id"] or "", *([""] * len(rubric.criteria)), "",
                         f"Not marked: {e['error']}"])
        else:
            rows.append([f.name, f.id or "", *(f.marks.get(c.id, "") for c in rubric.criteria),
                         f.total["mark"], f.feedback])
    return _csv(rows)


def _errors_csv(entries: list[dict[str, Any]], problems: list[str]) -> bytes:
    rows: list[list[Any]] = [["file", "student", "reason"]]
    for e in entries:
        if e["status"] == "failed":
            who = e["name"] + (f" ({e['id']})" if e["id"] else "")
            rows.append([e["source"] or "", who, e["error"]])
    for problem in problems:
        where, _, reason = problem.partition(": ")
        rows.append([where, "", reason])
    return _csv(rows)


# --- the class summary --------------------------------------------------------------------


def summary_view(students: list[Chosen], entries: list[dict[str, Any]], facts: list[_Facts],
                 topic: Topic, rubric: Rubric, problems: list[str]) -> dict[str, Any]:
    """Everything summary.html shows, worked out from the per-student facts."""
    n = len(facts)
    totals = [f.total["mark"] for f in facts]
    similar = near_duplicates([f.text for f in facts])
    criteria = [{
        "name": c.name, "max": c.max,
        "mean": _round(statistics.fmean(f.marks[c.id] for f in facts)) if n else None,
        "median": _round(statistics.median(f.marks[c.id] for f in facts)) if n else None,
        "teacher": sum(c.id in f.teacher for f in facts),
    } for c in rubric.criteria]
    return {
        "topic": topic.title, "rubric": rubric.name, "version": __version__,
        "students": len(students), "marked": n,
        "failed": [e for e in entries if e["status"] == "failed"],
        "total_max": rubric.total,
        "mean": _round(statistics.fmean(totals)) if n else None,
        "median": _round(statistics.median(totals)) if n else None,
        "histogram": histogram(totals, rubric.total),
        "criteria": criteria,
        "columns": [c.id for c in rubric.criteria],
        "rows": [{"name": f.name, "id": f.id, "late": f.late, "href": f.html,
                  "marks": [{"mark": f.marks[c.id], "teacher": c.id in f.teacher}
                            for c in rubric.criteria], "total": f.total["mark"]}
                 for f in facts],
        "errors": common_errors(facts, topic),
        "missing": [{"label": label, "count": count} for label, count in sorted(
            Counter(m for f in facts for m in set(f.missing)).items(),
            key=lambda lc: (-lc[1], lc[0]))[:_SUMMARY_ROWS]],
        "similar": [{"a": facts[i], "b": facts[j], "similarity": f"{s:.2f}"}
                    for i, j, s in similar[:_SIMILAR_ROWS]],
        "similar_more": max(0, len(similar) - _SIMILAR_ROWS),
        "choices": [c for c in students if len(c.student.files) > 1],
        "problems": problems,
    }


def _round(value: float) -> str:
    return f"{value:.1f}"


def histogram(totals: list[int], top: int) -> list[dict[str, Any]]:
    """Counts of totals in at most about ten equal bins of a round width."""
    width = next(w for w in (1, 2, 5, 10, 20, 50, 100, 10**9) if top / w <= 10)
    bins = []
    for low in range(0, top + 1, width):
        high = min(low + width - 1, top)
        if top - high < width and high < top:  # fold a short last bin into this one
            high = top
        count = sum(low <= t <= high for t in totals)
        bins.append({"label": str(low) if low == high else f"{low}–{high}", "count": count,
                     "pct": round(100 * count / len(totals)) if totals else 0})
        if high == top:
            break
    return bins


def common_errors(facts: list[_Facts], topic: Topic) -> list[dict[str, Any]]:
    """The factual errors most students made, one row per fact (subject and kind)."""
    students: dict[tuple[str, str], set[str]] = defaultdict(set)
    wording: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for f in facts:
        for subject, kind, correction in f.errors:
            students[(subject, kind)].add(f.key)
            wording[(subject, kind)][correction] += 1
    ranked = sorted(students, key=lambda k: (-len(students[k]), k))[:_SUMMARY_ROWS]
    rows = []
    for subject, kind in ranked:
        entry = topic.knowledge.get(subject) if subject else None
        correction = min(wording[(subject, kind)].items(), key=lambda wc: (-wc[1], wc[0]))[0]
        rows.append({"fact": entry.name if entry else subject or "(no subject)", "kind": kind,
                     "count": len(students[(subject, kind)]), "correction": correction})
    return rows


_TWO_LETTER_WORD = re.compile(r"(?u)\b\w\w+\b")  # TfidfVectorizer's token_pattern


def near_duplicates(texts: list[str], threshold: float = NEAR_DUPLICATE,
                    block: int = 256) -> list[tuple[int, int, float]]:
    """Pairs (i, j, cosine) of texts whose TF-IDF vectors are this close, closest first.

    Compared a block of rows at a time, so memory grows with the class, not its square.
    """
    if sum(1 for text in texts if _TWO_LETTER_WORD.search(text.lower())) < 2:
        return []  # fewer than two texts with a word TF-IDF counts (it raises on none)
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)).fit_transform(texts)
    pairs = []
    for lo in range(0, len(texts), block):
        sims = (matrix[lo:lo + block] @ matrix.T).toarray()
        for row, col in zip(*(sims >= threshold).nonzero(), strict=True):
            i = lo + int(row)
            if i < col:
                pairs.append((i, int(col), round(float(sims[row, col]), 4)))
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))


def render_summary(view: dict[str, Any]) -> str:
    """The class summary as HTML in the reports' style (tables, inlined styles)."""
    html = jinja_env().get_template("summary.html.j2").render(s=view, p=PALETTE, link=LINK, bar=BAR)
    return css_inliner().inline(html)
