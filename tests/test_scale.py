"""Marking a class on Dask workers (issue 9): the same bytes as a local batch, a worker
killed mid-run, and the one-line message when Dask is not installed."""

from __future__ import annotations

import os
import shutil
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ROOT, interrupt_marker, marker_env

from marker import batch as batch_module
from marker.batch import BatchOptions, Progress, run_batch
from marker.cli import main

distributed = pytest.importorskip("distributed")

DATA = ROOT / "tests" / "data"
ESSAYS = ["essays/01-excellent-survival.txt", "essays/08-weak-pact-noparas.txt",
          "linking/02-typos.txt", "linking/06-barbarossa.txt"]


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as c:
        yield c


@pytest.fixture(scope="module")
def klass(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("class")
    for i, rel in enumerate(ESSAYS):
        shutil.copy(DATA / rel, folder / f"student-{i}.txt")
    return folder


@pytest.fixture(scope="module")
def local(klass: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("local")
    assert run_batch(klass, out, BatchOptions(jobs=1)).exit_code == 0
    return files_of(out)


def test_dask_output_is_byte_identical(cluster: Any, klass: Path, local: dict[str, bytes],
                                       tmp_path: Path) -> None:
    result = run_batch(klass, tmp_path, BatchOptions(scheduler=cluster.scheduler_address))
    assert (result.exit_code, result.marked, result.failed) == (0, len(ESSAYS), [])
    assert files_of(tmp_path) == local


def test_a_killed_worker_costs_nothing(cluster: Any, klass: Path, local: dict[str, bytes],
                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written: Counter[str] = Counter()
    record = batch_module._Run._record

    def counting(self: Any, c: Any, *args: Any, **kwargs: Any) -> None:
        written[c.key] += 1
        record(self, c, *args, **kwargs)

    monkeypatch.setattr(batch_module._Run, "_record", counting)
    with distributed.Client(cluster) as client:
        pids = sorted(client.run(os.getpid).values())
    killed: list[int] = []

    def progress(p: Progress) -> None:
        if p.done == 1 and not killed:  # the other essays are on the workers now
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    result = run_batch(klass, tmp_path, BatchOptions(scheduler=cluster.scheduler_address),
                       progress)
    assert killed
    assert (result.exit_code, result.marked, result.failed) == (0, len(ESSAYS), [])
    assert sorted(written.values()) == [1] * len(ESSAYS)
    assert files_of(tmp_path) == local


def test_without_dask_the_options_say_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                                      klass: Path, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    for option in (["--dask-local", "2"], ["--scheduler", "tcp://127.0.0.1:8786"]):
        result = CliRunner().invoke(main, ["batch", str(klass), "-o", str(tmp_path / "o"),
                                           *option])
        assert result.exit_code == 1, result.output
        assert result.output.strip().splitlines() == [
            'marker: Dask is not installed; install it with: pip install "essay-marker[dask]"']
    assert not (tmp_path / "o").exists()


def test_chunks_are_sized_for_batching_and_balance() -> None:
    from marker.worker import MAX_CHUNK, chunk_size

    assert chunk_size(4, 2) == 1  # a tiny class: one essay per task, both workers busy
    assert chunk_size(30, 2) == 3
    assert chunk_size(300, 2) == chunk_size(50_000, 16) == MAX_CHUNK
    assert chunk_size(0, 0) == 1


def test_chunks_with_broken_submissions_match_a_local_batch(
        cluster: Any, klass: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Several essays per task, some of them unmarkable: each gets its own verdict, and
    every file written is the same as a local batch's."""
    mixed = tmp_path / "mixed"
    shutil.copytree(klass, mixed)
    (mixed / "student-empty.txt").write_bytes(b"")
    (mixed / "student-not-a-zip.docx").write_bytes(b"this is not a Word document")
    local_out, dask_out = tmp_path / "local", tmp_path / "dask"
    local_result = run_batch(mixed, local_out, BatchOptions(jobs=1))
    monkeypatch.setattr("marker.worker.chunk_size", lambda total, workers: 3)
    result = run_batch(mixed, dask_out, BatchOptions(scheduler=cluster.scheduler_address))
    assert (result.exit_code, result.marked, len(result.failed)) == (3, len(ESSAYS), 2)
    assert [f["error"] for f in result.failed] == [f["error"] for f in local_result.failed]
    assert files_of(dask_out) == files_of(local_out)


def test_ctrl_c_on_a_local_cluster_is_one_line(klass: Path, tmp_path: Path) -> None:
    """Ctrl-C reaches the workers too: they ignore it, the batch closes the cluster and says
    so in one line (no worker tracebacks or Dask warnings), and a re-run finishes."""
    import subprocess

    big = tmp_path / "class"
    big.mkdir()
    for i in range(12):
        shutil.copy(next(klass.iterdir()) if i % 2 else sorted(klass.iterdir())[-1],
                    big / f"student-{i:02d}.txt")
    out = tmp_path / "out"
    args = ["batch", str(big), "-o", str(out), "--dask-local", "2", "-q"]
    status, err = interrupt_marker(args, lambda _: bool(list(out.glob("reports/*.json"))))
    assert (status, err) == (130, "marker: interrupted\n")
    assert not list(out.rglob("*.tmp"))
    again = subprocess.run([sys.executable, "-m", "marker", *args], env=marker_env(),
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
