"""Batch marking on Dask workers against a local batch (issue 9).

Generates the class of benchmarks/throughput.py (N essays, default 300) and marks it with
``run_batch`` in this process three ways: local ``--jobs 1``, ``--dask-local 1`` and
``--dask-local 2``. For each it prints essays/second end to end (everything a teacher
waits for, including starting the cluster and loading the model on each worker) and warm
(from the first essay marked to the last), and the speed-ups. Outputs of the Dask runs are
checked byte for byte against the local run.

Targets (warm rates): 2 workers >= 1.7 x 1 worker; Dask overhead (dask-local 1 against
jobs 1) <= 15 %. Exit status 1 when one is missed (not with --smoke: N = 6, to check that
the script works).

    python benchmarks/dask_scaling.py [--smoke] [--n 300]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from throughput import make_class  # noqa: E402

from marker.batch import BatchOptions, Progress, run_batch  # noqa: E402

SCALING_TARGET = 1.7
OVERHEAD_TARGET = 0.15


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def timed(source: Path, out: Path, options: BatchOptions) -> tuple[float, float]:
    """Essays/second (end to end, warm) of one batch run into a fresh folder."""
    first: list[float] = []
    last: list[float] = []

    def progress(p: Progress) -> None:
        if p.done == 1 and not first:
            first.append(time.perf_counter())
        if p.done == p.total:
            last.append(time.perf_counter())

    start = time.perf_counter()
    result = run_batch(source, out, options, progress)
    total = time.perf_counter() - start
    if result.failed or result.marked < 2:
        raise SystemExit(f"batch failed: {result.failed}")
    warm = (result.marked - 1) / (last[0] - first[0])
    return result.marked / total, warm


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="N = 6, no targets")
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    n = 6 if args.smoke else args.n
    runs = {"jobs 1": BatchOptions(jobs=1), "dask-local 1": BatchOptions(dask_local=1),
            "dask-local 2": BatchOptions(dask_local=2)}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "class"
        make_class(source, n)
        run_batch(source, Path(tmp) / "warmup", BatchOptions(jobs=1))  # model loaded here
        rates: dict[str, tuple[float, float]] = {}
        for name, options in runs.items():
            out = Path(tmp) / name.replace(" ", "-")
            rates[name] = timed(source, out, options)
            print(f"{name:>13}: {rates[name][0]:6.2f} essays/s end to end, "
                  f"{rates[name][1]:6.2f} warm  (N = {n})", flush=True)
        reference = files_of(Path(tmp) / "jobs-1")
        same = all(files_of(Path(tmp) / name.replace(" ", "-")) == reference
                   for name in runs if name != "jobs 1")
    print(f"outputs identical to the local batch: {same}")
    ok = same
    for i, label in enumerate(("end to end", "warm")):
        scaling = rates["dask-local 2"][i] / rates["dask-local 1"][i]
        overhead = rates["jobs 1"][i] / rates["dask-local 1"][i] - 1
        print(f"{label:>10}: 2 workers / 1 worker = {scaling:.2f}x (target >= "
              f"{SCALING_TARGET}), Dask overhead = {overhead:+.0%} (target <= "
              f"{OVERHEAD_TARGET:.0%})")
        if i == 1:
            ok = ok and scaling >= SCALING_TARGET and overhead <= OVERHEAD_TARGET
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    sys.exit(main())
