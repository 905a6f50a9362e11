"""Marking a class on Dask workers: ``marker batch --scheduler tcp://host:8786`` or
``--dask-local N``.

The client reads the submissions and sends them to the workers in chunks of up to four
(bytes, display name, student's name) as one task each; the worker reads, parses them
together with ``nlp.pipe``, marks and renders them with :func:`marker.worker.mark_many`,
and sends back plain ``marker.report/1`` dicts with their report files (never spaCy
objects), so the client only writes. The model, topic and rubric are
loaded once per worker process, by path or name (checked against the client's content
hashes), never shipped from the client. At most two chunks per worker are in flight, so the
client never holds the whole class, and a chunk is retried twice if its worker dies. Dask
is optional: ``pip install "essay-marker[dask]"``.
"""

from __future__ import annotations

import itertools
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import MarkerError

if TYPE_CHECKING:
    from distributed import Client

    from .rubric import Rubric
    from .topic import Topic
    from .worker import Job, Marked

INSTALL_HINT = 'Dask is not installed; install it with: pip install "essay-marker[dask]"'
RETRIES = 2


def require_dask() -> None:
    """Raise the one-line install hint unless ``distributed`` can be imported."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise MarkerError(INSTALL_HINT) from None


@contextmanager
def dask_client(scheduler: str | None, local_workers: int | None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a new local cluster."""
    require_dask()
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise MarkerError(f"{scheduler}: cannot reach the Dask scheduler ({exc})") from None
        with client:
            yield client
        return
    settings = {
        # Dask's sampling profiler costs pure-Python tasks like these several per cent.
        "distributed.worker.profile.enabled": False,
        # Dask makes glibc give freed memory back to the system at once; spaCy frees and
        # allocates large arrays all the time, and marking ran 18 % slower for it (measured).
        "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    }
    with dask.config.set(settings), _workers_ignore_ctrl_c():
        # Dask's own log lines are not for a teacher: when Ctrl-C closes the cluster it warns
        # about every task cut short, and a worker whose heartbeat finds the scheduler gone
        # logs an error with a traceback. What goes wrong in a task reaches marker as the
        # task's exception and is reported per essay.
        cluster = LocalCluster(n_workers=max(1, local_workers or 1), threads_per_worker=1,
                               processes=True, dashboard_address="127.0.0.1:0",  # loopback
                               silence_logs=logging.CRITICAL)
    with cluster, Client(cluster) as client:
        yield client


@contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Start the local workers with Ctrl-C ignored (they inherit it), so that Ctrl-C stops
    the batch with one line and the cluster is closed, not each worker with a traceback."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class RemoteOptions(Protocol):
    """What marking on Dask reads of a batch's options (``batch.BatchOptions``)."""

    @property
    def topic(self) -> str | None: ...
    @property
    def rubric(self) -> str | None: ...
    @property
    def scheduler(self) -> str | None: ...
    @property
    def dask_local(self) -> int | None: ...
    @property
    def force(self) -> bool: ...


def mark_remotely(jobs: Iterator[Job], total: int, options: RemoteOptions, topic: Topic,
                  rubric: Rubric) -> Iterator[tuple[Job, Marked]]:
    """Each job with its outcome, a chunk at a time in the order the chunks finish;
    ``total`` is how many jobs there are."""
    from distributed import as_completed

    from .worker import IN_FLIGHT, Marked, chunk_size

    topic_ref, rubric_ref = _portable(options.topic), _portable(options.rubric)
    with dask_client(options.scheduler, options.dask_local) as client:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        size = chunk_size(total, workers)
        pending: dict[Any, list[Job]] = {}
        finished = as_completed()

        def submit_next() -> bool:
            chunk = list(itertools.islice(jobs, size))
            if not chunk:
                return False
            future = client.submit(
                mark_chunk, [j.item for j in chunk], topic_ref, rubric_ref, topic.sha256,
                rubric.sha256, force=options.force, pure=False, retries=RETRIES)
            pending[future] = chunk
            finished.add(future)
            return True

        for _ in range(IN_FLIGHT * workers):
            if not submit_next():
                break
        for future in finished:
            chunk = pending.pop(future)
            try:
                results = future.result()
            except Exception as exc:  # the worker died too often, or Dask itself failed
                results = [Marked(None, f"{job.name}: could not be marked on the Dask "
                                        f"cluster ({type(exc).__name__}: {exc})")
                           for job in chunk]
            future.release()
            yield from zip(chunk, results, strict=True)
            submit_next()


def _portable(ref: str | None) -> str | None:
    """A topic or rubric given as a path made absolute (workers may start elsewhere)."""
    if ref and Path(ref).exists():
        return str(Path(ref).resolve())
    return ref


def mark_chunk(items: list[tuple[bytes, str, str | None, str | None]], topic_ref: str | None,
               rubric_ref: str | None, topic_sha: str, rubric_sha: str, *,
               force: bool) -> list[Marked]:
    """The task run on a worker: each essay's report and its rendered files, or the one-line
    error a local batch would give."""
    from .worker import Marked, loaded, mark_many

    try:
        topic, rubric = loaded(topic_ref, rubric_ref, topic_sha, rubric_sha)
    except MarkerError as exc:
        return [Marked(None, exc.message)] * len(items)
    return mark_many(items, topic, rubric, force=force, render=True)
