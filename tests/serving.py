"""Helpers for the `marker serve` tests: the real server in a subprocess on a free loopback
port, with its own working, temporary, home and cache folders (so a test can watch them),
and a small HTTP client on the standard library."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from conftest import marker_env

WATCHED = ("cwd", "tmp", "home", "cache")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class Server:
    """A running ``marker serve``; ``log`` collects what it prints on stderr."""

    process: subprocess.Popen[str]
    url: str
    root: Path
    log: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 80

    def request(self, method: str, path: str, body: bytes = b"",
                headers: dict[str, str] | None = None, timeout: float = 120) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body or None, headers=headers or {})
            answer = conn.getresponse()
            return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()},
                            answer.read())
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str] | None = None,
             files: dict[str, tuple[str, bytes]] | None = None,
             headers: dict[str, str] | None = None) -> Response:
        """A multipart form post, as a browser sends the page's form."""
        body, content_type = multipart(fields or {}, files or {})
        return self.request("POST", path, body, {"Content-Type": content_type,
                                                 **(headers or {})})

    def post_urlencoded(self, path: str, fields: dict[str, str]) -> Response:
        return self.request("POST", path, urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def stop(self, sig: int = signal.SIGINT, timeout: float = 60) -> int:
        """Ctrl-C (to the whole process group, as a terminal does); the exit status."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode

    def workers(self) -> list[int]:
        """The pids of the server's marking workers (not multiprocessing's resource tracker)."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(child) for child in children if _is_worker(child)]


def _is_worker(pid: str) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = bytearray()
    for name, value in fields.items():
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                ).encode() + value.encode() + b"\r\n"
    for name, (filename, data) in files.items():
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                ).encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def start_server(root: Path, *args: str) -> Server:
    """``marker serve --port 0 ARGS`` in a process group of its own, once it is ready."""
    for name in WATCHED:
        (root / name).mkdir(parents=True, exist_ok=True)
    env = {**marker_env(), "TMPDIR": str(root / "tmp"), "HOME": str(root / "home"),
           "XDG_CACHE_HOME": str(root / "cache")}
    process = subprocess.Popen(
        [sys.executable, "-m", "marker", "serve", "--port", "0", *args], cwd=root / "cwd",
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, start_new_session=True)
    server = Server(process, "", root)
    ready = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            server.log.append(line.rstrip("\n"))
            if found := re.search(r"serving on (http://\S+)", line):
                server.url = found.group(1)
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(240) or not server.url:
        server.stop(signal.SIGKILL)
        raise AssertionError("marker serve did not start:\n" + "\n".join(server.log))
    return server


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``root``: size and modification time."""
    out = {}
    for path in [root, *root.rglob("*")]:
        info = path.lstat()
        out[str(path.relative_to(root))] = (info.st_size, info.st_mtime_ns)
    return out


def wait_until(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
