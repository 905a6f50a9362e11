"""`marker serve` under a class's load, against the batch command and the bare parse.

The essays are throughput.py's generated class (the project's own essays with paragraphs
and sentences shuffled). Three measurements:

* throughput — ``marker serve --workers 2`` (a subprocess on a free loopback port) checks
  N essays posted as files to ``/check`` by 16 concurrent clients, timed from the first post
  to the last report; against ``run_batch`` with ``jobs=2`` on the same N files (in this
  process, the model loaded first, as throughput.py times it). Target: >= 0.8 x.
* idle latency — one client posting the essays one after another to the idle server; the
  median time per report against the median time of the spaCy model alone (as installed,
  none of marker's components) parsing the same texts in this process. Target: <= 1.5 x.
* memory — resident memory of the server and its workers, summed, after every 100 of
  --requests posts (16 clients); flat means the last reading within 1.1 x of the first.

Exit status 1 when a target is missed (not with --smoke, which runs N = 6 and 40 requests
to check the script itself works). Numbers on a shared machine are noisy: the best of
--repeat runs counts for the two speeds.

    python benchmarks/serve_load.py [--smoke] [--essays 120] [--requests 500] [--repeat 2]
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).absolute().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from throughput import make_class, marker_run, raw_model  # noqa: E402

THROUGHPUT_TARGET = 0.8
LATENCY_TARGET = 1.5
MEMORY_TARGET = 1.1
CLIENTS = 16


class Served:
    """``marker serve --workers 2 --port 0`` in a subprocess, until stopped."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "marker", "serve", "--port", "0", "--workers", "2",
             "--max-queue", str(4 * CLIENTS)], cwd=ROOT, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert self.process.stderr is not None
        for line in self.process.stderr:
            if found := re.search(r"serving on http://127\.0\.0\.1:(\d+)/", line):
                self.port = int(found.group(1))
                break
        else:
            raise SystemExit("marker serve did not start")
        # Keep reading its access log, so the pipe never fills.
        threading.Thread(target=self.process.stderr.read, daemon=True).start()

    def post(self, body: tuple[bytes, str]) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            conn.request("POST", "/check", body=body[0], headers={"Content-Type": body[1]})
            answer = conn.getresponse()
            answer.read()
            return answer.status
        finally:
            conn.close()

    def memory_mb(self) -> float:
        """Resident memory of the server and its children (the workers), in MB."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids += [int(p) for p in children.read_text().split()]
        total = 0
        for pid in pids:
            status = Path(f"/proc/{pid}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        return total / 1024

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(60)


def form(name: str, data: bytes) -> tuple[bytes, str]:
    """A multipart form with the essay as its file, as the page's form sends it."""
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"'
            f"\r\nContent-Type: text/plain\r\n\r\n").encode() + data + \
        f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def load(server: Served, bodies: list[tuple[bytes, str]]) -> float:
    """Seconds for CLIENTS concurrent clients to get a report for every body."""
    start = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = list(pool.map(server.post, bodies))
    elapsed = time.perf_counter() - start
    if set(statuses) != {200}:
        raise SystemExit(f"not every essay was checked: {sorted(set(statuses))}")
    return elapsed


def idle_latency(server: Served, bodies: list[tuple[bytes, str]]) -> float:
    """Median seconds for one report when nothing else is being checked."""
    times = []
    for body in bodies:
        start = time.perf_counter()
        if server.post(body) != 200:
            raise SystemExit("an essay was not checked")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def parse_alone(texts: list[str]) -> float:
    """Median seconds for the spaCy model as installed to parse one of the texts."""
    model = raw_model()
    times = []
    for text in texts:
        start = time.perf_counter()
        model(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="N = 6, 40 requests; no targets")
    ap.add_argument("--essays", type=int, default=120, help="essays for the throughput run")
    ap.add_argument("--requests", type=int, default=500, help="posts for the memory run")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each speed measurement")
    args = ap.parse_args()
    n, requests = (6, 40) if args.smoke else (args.essays, args.requests)
    repeat = 1 if args.smoke else args.repeat
    missed = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        texts = make_class(folder, n)
        files = sorted(folder.iterdir())
        bodies = [form(f.name, f.read_bytes()) for f in files]
        warm = Path(tmp) / "warm"
        make_class(warm, 2)
        marker_run(warm, Path(tmp) / "warm-out", 1)  # the model, topic and rubric loaded here
        parse_alone(texts[:2])
        server = Served()
        try:
            load(server, bodies[:4])  # every worker has marked an essay
            batch = served = float("inf")
            for i in range(repeat):  # interleaved: the machine's load drifts
                batch = min(batch, marker_run(folder, Path(tmp) / f"out-{i}", 2))
                served = min(served, load(server, bodies))
            ratio = batch / served
            print(f"throughput, {n} essays: marker batch -j 2 {n / batch:.2f}/s, marker serve "
                  f"--workers 2 with {CLIENTS} clients {n / served:.2f}/s: {ratio:.2f} x")
            if ratio < THROUGHPUT_TARGET:
                missed.append(f"serve is {ratio:.2f} x batch -j 2")

            sample = bodies[:min(n, 30)]
            latency = min(idle_latency(server, sample) for _ in range(repeat))
            parse = min(parse_alone(texts[:len(sample)]) for _ in range(repeat))
            print(f"idle latency (median of {len(sample)}): {latency * 1000:.0f} ms; spaCy "
                  f"parse alone {parse * 1000:.0f} ms: {latency / parse:.2f} x")
            if latency / parse > LATENCY_TARGET:
                missed.append(f"idle latency is {latency / parse:.2f} x the parse")

            readings = []
            for done in range(0, requests, 100):
                batch_of = [bodies[i % n] for i in range(done, min(done + 100, requests))]
                load(server, batch_of)
                readings.append((done + len(batch_of), server.memory_mb()))
            print("memory (server + workers): " + ", ".join(
                f"{count} requests {mb:.0f} MB" for count, mb in readings))
            growth = readings[-1][1] / readings[0][1]
            print(f"memory after {readings[-1][0]} / after {readings[0][0]}: {growth:.2f} x")
            if growth > MEMORY_TARGET:
                missed.append(f"memory grows {growth:.2f} x over {requests} requests")
        finally:
            server.stop()
    for line in missed:
        print(f"target missed: {line}")
    return 0 if args.smoke or not missed else 1


if __name__ == "__main__":
    sys.exit(main())
