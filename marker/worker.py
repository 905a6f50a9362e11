"""Marking essays away from the batch's own process: the work one worker process or Dask
task does, and what it hands back.

:mod:`marker.batch` (worker processes) and :mod:`marker.scale` (Dask) both send essays
here; neither imports the other. Everything takes plain, picklable arguments, and the
model, topic and rubric are loaded once per process.
"""

from __future__ import annotations

import functools
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from . import nlp
from .errors import MarkerError
from .pipeline import build_report, prepare
from .read import Submission, read_bytes
from .render import render_html, render_text, report_view
from .report import dumps
from .rubric import Rubric, load_rubric
from .topic import DEFAULT_TOPIC, Topic, load_topic

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from .normalise import Normalised

MAX_CHUNK = 4  # essays per task for a worker process or a Dask worker
IN_FLIGHT = 2  # tasks queued per worker: one being marked, one waiting


@dataclass(frozen=True)
class Job:
    """One submission to mark in another process; ``tag`` is the caller's and stays home."""

    tag: Any
    data: bytes
    name: str
    student: str | None
    student_id: str | None

    @property
    def item(self) -> tuple[bytes, str, str | None, str | None]:
        """What a worker needs: plain bytes and names (picklable, never spaCy objects)."""
        return self.data, self.name, self.student, self.student_id


@dataclass(frozen=True)
class Marked:
    """One essay's outcome in :func:`mark_many`: its report dict, or why there is none."""

    report: dict[str, Any] | None
    error: str | None = None
    files: tuple[str, str, str] | None = None  # (JSON, HTML, text) of the report as marked


def mark_many(items: list[tuple[bytes, str, str | None, str | None]], topic: Topic,
              rubric: Rubric, *, force: bool = False, render: bool = False,
              seconds: float = 0.0) -> list[Marked]:
    """The outcome for each (file bytes, file name, student, student id), in order: the
    essays parsed together with ``nlp.pipe``, each then marked within ``seconds`` (0: no
    limit; enforced on a process's main thread) and, with ``render``, its report files made.

    The whole job of a worker process or a Dask task; one unreadable or unmarkable essay
    never costs the others.
    """
    results = [Marked(None, "")] * len(items)
    ready: list[tuple[int, Submission, Normalised]] = []
    for i, (data, name, _, _) in enumerate(items):
        try:
            sub = read_bytes(data, name)
            ready.append((i, sub, prepare(sub, force=force)))
        except MarkerError as exc:
            results[i] = Marked(None, exc.message)
    docs = nlp.topic_pipeline(topic).pipe(norm.text for _, _, norm in ready)
    for (i, sub, norm), doc in zip(ready, docs, strict=True):
        _, _, student, student_id = items[i]
        try:
            with time_limit(seconds):
                data = report_dict(sub, norm, doc, topic, rubric, student=student,
                                   student_id=student_id)
                results[i] = Marked(data, files=report_files(data) if render else None)
        except TooSlow:
            results[i] = Marked(None, too_slow(sub.path, seconds))
        except Exception as exc:  # a bug must not cost the teacher the other essays
            results[i] = Marked(None, bug(sub.path, exc))
    return results


def report_files(data: dict[str, Any]) -> tuple[str, str, str]:
    """The JSON, HTML and plain-text reports of a report dict."""
    return (dumps(data), *report_pages(data))


def report_pages(data: dict[str, Any]) -> tuple[str, str]:
    """The HTML and plain-text reports (one view worked out for both)."""
    view = report_view(data)
    return render_html(data, view=view), render_text(data, view=view)


def chunk_size(total: int, workers: int) -> int:
    """Essays per task sent to a worker: enough for nlp.pipe to batch, few enough that
    every worker gets several tasks (30 essays on two workers: 3 each; 300: 4)."""
    return max(1, min(MAX_CHUNK, total // (4 * max(1, workers))))


def too_slow(path: str, seconds: float) -> str:
    return f"{path}: took longer than {seconds:g} s to mark; skipped"


def bug(path: str, exc: Exception) -> str:
    return (f"{path}: marker could not mark this essay ({type(exc).__name__}: {exc}); "
            "please report it")


def report_dict(sub: Submission, norm: Normalised, doc: Doc, topic: Topic, rubric: Rubric, *,
                student: str | None = None, student_id: str | None = None) -> dict[str, Any]:
    """Everything after the spaCy pass, as the report dict: a pure function of its inputs."""
    report = build_report(sub, norm, doc, topic, rubric=rubric)
    report.input = replace(report.input, student=student, student_id=student_id)
    return report.to_dict()


def topic_of(ref: Topic | str | None) -> Topic:
    return ref if isinstance(ref, Topic) else load_topic(ref or DEFAULT_TOPIC)


def rubric_of(ref: Rubric | str | None) -> Rubric:
    return ref if isinstance(ref, Rubric) else load_rubric(ref)


@functools.lru_cache(maxsize=8)
def loaded(topic_ref: str | None, rubric_ref: str | None, topic_sha: str,
           rubric_sha: str) -> tuple[Topic, Rubric]:
    """The topic and rubric in a worker process, loaded once per reference and checked
    against the content hashes of the ones the batch was started with."""
    topic, rubric = topic_of(topic_ref), rubric_of(rubric_ref)
    for what, ref, have, want in (("topic", topic_ref, topic.sha256, topic_sha),
                                  ("rubric", rubric_ref, rubric.sha256, rubric_sha)):
        if have != want:
            raise MarkerError(f"{ref or 'the default ' + what}: this worker's {what} "
                              "differs from the one the batch started with; install the "
                              "same one on every worker")
    return topic, rubric


class TooSlow(Exception):
    """An essay hit the per-essay time limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop marking one essay after ``seconds`` so a pathological text cannot hang a class.
    Uses the interval timer where the platform has one (not on Windows: no limit there)."""
    if seconds <= 0 or not hasattr(signal, "setitimer") or \
            threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TooSlow

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
