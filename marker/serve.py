"""``marker serve``: the page a school hosts itself, where students check a draft.

A student pastes an essay or picks a file and gets the report ``marker mark`` would write,
in the browser; nothing is stored. The stack is Starlette (routing, requests, responses)
behind uvicorn (the HTTP server, its graceful shutdown on Ctrl-C); the form is parsed here
with python-multipart, in memory, because Starlette spools uploads over 1 MB to a
temporary file and an essay must never touch the disk.

Essays are marked in ``workers`` processes, each of which loads the spaCy model, topic and
rubric once; the web process only reads requests and answers. At most ``workers`` essays
are marked at once and at most ``max_queue`` wait; beyond that a request gets 503 with
``Retry-After`` at once, so a class pressing Check together cannot pile up memory.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import math
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

import jinja2
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from .errors import MarkerError
from .read import MAX_BYTES, read_bytes
from .report import dumps
from .rubric import Rubric, load_rubric
from .topic import DEFAULT_TOPIC, Topic, load_topic
from .worker import TooSlow, time_limit

MAX_BODY = MAX_BYTES + 2**20
"""Largest request body read: a 20 MB file plus the form around it and a pasted text."""

PASTED = "pasted text"
"""The name a pasted essay goes by in its report and in messages."""

HEADERS = (
    ("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; "
                                "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cache-control", "no-store"),
)
"""On every response: no scripts or outside resources may run or load (the pages have
none), nothing is sniffed, no address leaks to the sites a report links to, and neither
the browser nor a proxy keeps a copy of a student's report."""

_WARM_UP = "The war in Europe began in September 1939, and it ended in 1945."
_GRACE = 10.0  # seconds a worker may overrun its own time limit before the web gives up
_MAX_FIELDS = 20


@dataclass(frozen=True)
class ServeOptions:
    """What ``marker serve`` was asked for; ``workers`` None means one per core."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int | None = None
    show_mark: bool = True
    topic: str | None = None
    rubric: str | None = None
    access_code: str | None = None
    max_queue: int = 32
    essay_seconds: float = 60.0  # per essay, from reading the file to the rendered report


class Outcome(NamedTuple):
    """A worker's answer: HTTP status and the report (200) or a one-line reason."""

    status: int
    body: str


class Refused(Exception):
    """A request answered with a one-line reason and an HTTP status, not a report."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


def exposure_warning(options: ServeOptions) -> str | None:
    """A warning when the page is reachable from other machines and anyone there may use it."""
    if options.access_code or _is_loopback(options.host):
        return None
    return (f"serving on {options.host}: anyone who can reach this machine can use the page; "
            "give --access-code CODE to ask students for a code")


def _is_loopback(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return False
    return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


# --- the worker processes ------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _worker_setup(topic_ref: str | None, rubric_ref: str | None, topic_sha: str,
                  rubric_sha: str, seconds: float, parent: int) -> None:
    """In each new worker: the model, topic and rubric, loaded once and warmed up by
    marking one sentence. Ctrl-C is the server's to handle, and a worker dies with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _die_with(parent)
    from .pipeline import mark_text
    from .render import render_html
    from .worker import loaded

    topic, rubric = loaded(topic_ref, rubric_ref, topic_sha, rubric_sha)
    _WORKER.update(topic=topic, rubric=rubric, seconds=seconds)
    render_html(mark_text(_WARM_UP, topic=topic, rubric=rubric).to_dict())


def _die_with(parent: int) -> None:
    """On Linux, have the kernel kill this worker when the server dies (even by kill -9)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the server died before prctl took effect
        os._exit(1)


def _worker_pid() -> int:
    time.sleep(0.05)  # long enough that one idle worker cannot take every start-up probe
    return os.getpid()


def check_essay(data: bytes, name: str, fmt: str, show_mark: bool) -> Outcome:
    """In a worker: the report of one file's bytes (``fmt`` html or json), exactly as
    ``marker mark`` writes it, or the one-line reason ``marker mark`` would print."""
    from .pipeline import mark_submission
    from .render import render_html

    seconds = _WORKER["seconds"]
    try:
        with time_limit(seconds):
            report = mark_submission(read_bytes(data, name), topic=_WORKER["topic"],
                                     rubric=_WORKER["rubric"]).to_dict()
            if fmt == "html":
                return Outcome(200, render_html(report, show_mark=show_mark))
            return Outcome(200, dumps(report if show_mark else without_marks(report)))
    except MarkerError as exc:
        return Outcome(400, exc.message)
    except TooSlow:
        return Outcome(422, _too_slow(name, seconds))
    except Exception as exc:  # a bug: say so without echoing anything of the essay
        return Outcome(500, f"{name}: marker could not check this essay "
                            f"({type(exc).__name__}); please tell your teacher")


def without_marks(data: dict[str, Any]) -> dict[str, Any]:
    """The ``marker.report/1`` dict with every mark left out (null), the band words kept:
    what ``--no-mark`` shows through the JSON endpoint, as the page shows no marks."""
    criteria = [{**c, "mark": None, "band_marks": None, "score": None}
                for c in data["criteria"]]
    return {**data, "criteria": criteria, "total": {**data["total"], "mark": None}}


def _too_slow(name: str, seconds: float) -> str:
    return f"{name}: took longer than {seconds:g} s to check; try a shorter text"


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Holds Ctrl-C back while worker processes are started: they inherit the held-back
    signal and drop it once set up (Ctrl-C is the server's, not a worker's, to act on)."""
    if not hasattr(signal, "pthread_sigmask") or \
            threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# --- the marking queue ---------------------------------------------------------------------

class Marking:
    """The worker processes and the queue in front of them (used from the event loop)."""

    def __init__(self, options: ServeOptions, topic: Topic, rubric: Rubric,
                 workers: int) -> None:
        self.options, self.topic, self.rubric, self.workers = options, topic, rubric, workers
        self._pool: ProcessPoolExecutor | None = None
        self._free = asyncio.Semaphore(workers)  # a worker free to take an essay
        self._waiting = 0
        self._seconds_each = 1.0  # a running mean of how long an essay takes, for Retry-After

    def start(self) -> None:
        """Start the workers and wait until each has loaded the model (several seconds), so
        the first students do not wait for it."""
        self._pool = self._new_pool()
        seen: set[int] = set()
        while len(seen) < self.workers:
            with _ctrl_c_held():
                probes = [self._pool.submit(_worker_pid) for _ in range(self.workers)]
            try:
                seen.update(p.result() for p in probes)
            except BrokenProcessPool:
                raise MarkerError("the marking processes could not start; try "
                                  "'marker mark' on an essay to see why") from None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _new_pool(self) -> ProcessPoolExecutor:
        o = self.options
        setup = (o.topic, o.rubric, self.topic.sha256, self.rubric.sha256, o.essay_seconds,
                 os.getpid())
        # Spawned, not forked: the web process has an event loop and threads, and never
        # loads the model itself.
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_setup, initargs=setup)

    def busy(self) -> bool:
        """No room: every worker marking and the queue full."""
        return self._free.locked() and self._waiting >= self.options.max_queue

    def retry_after(self) -> int:
        """Seconds until the queue has likely moved on enough to try again."""
        return max(1, math.ceil((self._waiting + 1) * self._seconds_each / self.workers))

    async def check(self, data: bytes, name: str, fmt: str,
                    gone: Callable[[], Awaitable[bool]] | None = None) -> Outcome:
        """Mark one essay in a worker when one is free; Refused 503 when there is no room.
        ``gone`` tells whether the student has left meanwhile (then the essay is not marked)."""
        if self.busy():
            raise Refused(503, _BUSY, self.retry_after())
        self._waiting += 1
        try:
            await self._free.acquire()
        finally:
            self._waiting -= 1
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Outcome] = loop.create_future()
        started = time.monotonic()
        try:
            if gone is not None and await gone():
                raise Refused(400, "the request was given up")
            pool, job = self._submit(check_essay, data, name, fmt, self.options.show_mark)
        except BaseException:
            self._free.release()
            raise
        job.add_done_callback(
            lambda done: loop.call_soon_threadsafe(self._finished, done, answer, started))
        seconds = self.options.essay_seconds
        try:
            return await asyncio.wait_for(answer, seconds + _GRACE if seconds > 0 else None)
        except TimeoutError:  # stuck where the worker's own timer cannot interrupt it
            return Outcome(422, _too_slow(name, seconds))
        except BrokenProcessPool:  # its worker was killed (out of memory?) while marking it
            self._restart(pool)
            return Outcome(500, "a marking process stopped unexpectedly; please try again")

    def _submit(self, *task: Any) -> tuple[ProcessPoolExecutor, Future[Outcome]]:
        """The task sent to the pool, which is started afresh if a worker has died since."""
        pool = self._pool
        assert pool is not None
        try:
            with _ctrl_c_held():  # a new pool starts its workers here
                return pool, pool.submit(*task)
        except BrokenProcessPool:
            pool = self._restart(pool)
            with _ctrl_c_held():
                return pool, pool.submit(*task)

    def _restart(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        """A new pool in place of a broken one (its workers load as they are started)."""
        if self._pool is broken:
            broken.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
        return self._pool

    def _finished(self, job: Future[Outcome], answer: asyncio.Future[Outcome],
                  started: float) -> None:
        """On the event loop when a worker is done: free its place, pass on the answer."""
        self._free.release()
        self._seconds_each = 0.8 * self._seconds_each + 0.2 * (time.monotonic() - started)
        if answer.done():  # the request gave up waiting
            return
        if job.exception() is not None:
            answer.set_exception(job.exception())  # type: ignore[arg-type]
        else:
            answer.set_result(job.result())


_BUSY = "the server is busy checking other essays; please try again in a moment"


# --- the web app ---------------------------------------------------------------------------

def create_app(marking: Marking, log: Callable[[str], None] | None = None) -> Guard:
    """The ASGI app: the page, the two check endpoints and a health check, behind Guard."""
    options = marking.options
    page = _env().get_template("serve.html.j2")

    def form_page(status: int = 200, error: str | None = None, text: str = "",
                  retry_after: int | None = None) -> HTMLResponse:
        html = page.render(topic=marking.topic.title, questions=marking.topic.questions,
                           error=error, text=text, code_needed=bool(options.access_code),
                           show_mark=options.show_mark)
        headers = {"retry-after": str(retry_after)} if retry_after else None
        return HTMLResponse(html, status_code=status, headers=headers)

    async def index(request: Request) -> Response:
        return form_page()

    async def check(request: Request) -> Response:
        text = ""
        try:
            form = await _read_form(request, marking)
            text = form.fields.get("text", "")
            data, name = _essay(form, request, options)
            outcome = await marking.check(data, name, "html", request.is_disconnected)
        except Refused as exc:
            return form_page(exc.status, exc.message, text, exc.retry_after)
        if outcome.status != 200:
            return form_page(outcome.status, outcome.body, text)
        return HTMLResponse(outcome.body)

    async def api_check(request: Request) -> Response:
        try:
            form = await _read_form(request, marking)
            data, name = _essay(form, request, options)
            outcome = await marking.check(data, name, "json", request.is_disconnected)
        except Refused as exc:
            headers = {"retry-after": str(exc.retry_after)} if exc.retry_after else None
            return JSONResponse({"error": exc.message}, exc.status, headers=headers)
        if outcome.status != 200:
            return JSONResponse({"error": outcome.body}, outcome.status)
        return Response(outcome.body, media_type="application/json")

    async def back_to_the_form(request: Request) -> Response:
        return RedirectResponse(".", 303)  # a report page reloaded or bookmarked

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok\n")

    app = Starlette(routes=[
        Route("/", index, methods=["GET"]),
        Route("/check", check, methods=["POST"]),
        Route("/check", back_to_the_form, methods=["GET"]),
        Route("/api/check", api_check, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ])
    return Guard(app, log)


class Guard:
    """ASGI middleware: the security headers on every response, an access line per request
    (method, path, status, milliseconds: never content), and a one-line 500 for a bug."""

    def __init__(self, app: Any, log: Callable[[str], None] | None) -> None:
        self.app, self.log = app, log

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [0]

        async def send_guarded(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      *((k.encode(), v.encode()) for k, v in HEADERS)]
            await send(message)

        failed = ""
        try:
            await self.app(scope, receive, send_guarded)
        except Exception as exc:  # a bug: its message may quote the essay, so only its type
            failed = f" ({type(exc).__name__})"
            if not status[0]:
                await PlainTextResponse("marker could not answer this request\n",
                                        500)(scope, receive, send_guarded)
        finally:
            if self.log:
                ms = (time.perf_counter() - started) * 1000
                path = scope["path"].encode("unicode_escape").decode("ascii")[:200]
                self.log(f"{scope['method']} {path} {status[0]} {ms:.0f} ms{failed}")


@dataclass
class _Form:
    fields: dict[str, str]
    file: tuple[str, bytes] | None = None  # (name, bytes) of a chosen file


async def _read_form(request: Request, marking: Marking) -> _Form:
    """The posted form, read into memory (never spooled to disk), refused early when the
    queue is full or the body too big."""
    if marking.busy():
        raise Refused(503, _BUSY, marking.retry_after())
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY:
        raise Refused(413, _TOO_BIG)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise Refused(413, _TOO_BIG)
        chunks.append(chunk)
    return _parse_form(request.headers.get("content-type", ""), b"".join(chunks))


_TOO_BIG = f"the upload is over {MAX_BYTES // 2**20} MB; the limit is {MAX_BYTES // 2**20} MB"


def _parse_form(content_type: str, body: bytes) -> _Form:
    kind, params = parse_options_header(content_type)
    if kind == b"application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True,
                              max_num_fields=_MAX_FIELDS)
        except ValueError:
            raise Refused(400, "the form has too many fields") from None
        return _Form(dict(pairs))
    if kind == b"multipart/form-data" and params.get(b"boundary"):
        return _multipart(params[b"boundary"], body)
    raise Refused(400, "send the essay as a form: a 'text' field or a 'file' upload")


def _multipart(boundary: bytes, body: bytes) -> _Form:
    """A multipart form's fields and its first file, parsed in memory."""
    parts: list[tuple[dict[bytes, bytes], bytearray]] = []
    name, value = bytearray(), bytearray()

    def header_end() -> None:
        parts[-1][0][bytes(name).lower()] = bytes(value)
        name.clear()
        value.clear()

    callbacks: Any = {
        "on_part_begin": lambda: parts.append(({}, bytearray())),
        "on_header_field": lambda data, start, end: name.extend(data[start:end]),
        "on_header_value": lambda data, start, end: value.extend(data[start:end]),
        "on_header_end": header_end,
        "on_part_data": lambda data, start, end: parts[-1][1].extend(data[start:end]),
    }
    try:
        parser = MultipartParser(boundary, callbacks)
        parser.write(body)
        parser.finalize()
    except (FormParserError, IndexError):
        raise Refused(400, "the form could not be read; please send it again") from None
    if len(parts) > _MAX_FIELDS:
        raise Refused(400, "the form has too many fields")
    form = _Form({})
    for headers, data in parts:
        _, disposition = parse_options_header(headers.get(b"content-disposition", b""))
        field_name = disposition.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in disposition:
            filename = _file_name(disposition[b"filename"].decode("utf-8", "replace"))
            if field_name == "file" and form.file is None and (data or filename):
                form.file = (filename or "upload", bytes(data))
        else:
            form.fields[field_name] = data.decode("utf-8", "replace")
    return form


def _file_name(raw: str) -> str:
    """The file's own name (browsers may send a path), on one line."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable()).strip()[:200]


def _essay(form: _Form, request: Request, options: ServeOptions) -> tuple[bytes, str]:
    """The essay to mark, as bytes and a name: the chosen file, else the pasted text."""
    if options.access_code:
        given = form.fields.get("access_code") or request.headers.get("x-access-code") or ""
        if not hmac.compare_digest(given.encode(), options.access_code.encode()):
            raise Refused(403, "the access code is not right; ask your teacher for it")
    if form.file is not None:
        name, data = form.file
        if len(data) > MAX_BYTES:
            try:  # refused before it is read, with marker mark's own words
                read_bytes(data, name)
            except MarkerError as exc:
                raise Refused(413, exc.message) from None
        return data, name
    text = form.fields.get("text", "")
    if not text.strip():
        raise Refused(400, "there is no essay: paste your essay or choose a file")
    return text.encode("utf-8"), PASTED


def _env() -> jinja2.Environment:
    """The page's template, always escaped: a student's text can hold <script> or {{ }}."""
    return jinja2.Environment(loader=jinja2.PackageLoader("marker", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


# --- running it ----------------------------------------------------------------------------

def serve(options: ServeOptions, *, ready: Callable[[str], None] | None = None,
          log: Callable[[str], None] | None = None) -> None:
    """Serve until Ctrl-C (or SIGTERM), then finish the requests in hand and stop.

    ``ready`` is told the address once the workers are loaded and the port is open;
    ``log`` gets one access line per request. Raises MarkerError for a bad topic, rubric
    or address, before anything starts.
    """
    import uvicorn

    from . import nlp
    from .batch import default_jobs

    topic = load_topic(options.topic or DEFAULT_TOPIC)
    rubric = load_rubric(options.rubric)
    nlp.model_name()  # a missing model is said here, not by a worker
    sock = _listen(options.host, options.port)
    marking = Marking(options, topic, rubric, workers=options.workers or default_jobs())
    try:
        marking.start()
        config = uvicorn.Config(create_app(marking, log), log_config=None, access_log=False,
                                lifespan="off", server_header=False,
                                timeout_graceful_shutdown=max(options.essay_seconds, 5) + _GRACE)
        server = uvicorn.Server(config)
        if ready:
            host, port = sock.getsockname()[:2]
            shown = f"[{host}]" if ":" in host else host
            ready(f"http://{shown}:{port}/")
        with _stopped_quietly():
            server.run(sockets=[sock])
    finally:
        marking.close()
        sock.close()


@contextmanager
def _stopped_quietly() -> Iterator[None]:
    """uvicorn finishes the requests in hand on Ctrl-C or SIGTERM, then sends the signal
    again; here that is how the server is meant to stop, so it returns normally."""
    quiet = {sig: signal.signal(sig, lambda signum, frame: None)
             for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in quiet.items():
            signal.signal(sig, handler)


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket (port 0: any free port), or a one-line reason it cannot be had."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise MarkerError(f"{host}: cannot serve on this address ({exc.strerror or exc})") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)  # from now on connections wait for uvicorn, never refused
    except OSError as exc:
        sock.close()
        raise MarkerError(f"{host}:{port}: cannot listen there ({exc.strerror or exc})") from None
    return sock
