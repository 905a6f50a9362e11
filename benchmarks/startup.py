"""One essay, whole process: ``marker mark`` / ``marker check`` against a bare spaCy run.

The bare run is a Python process that imports spaCy, loads the same model and parses the
same (normalised) text: the floor for marking one essay. Each marker command is run in
interleaved pairs with it (marker, bare, marker, bare, ...) and the medians of --pairs
pairs are compared: the machine this runs on is shared, and one run of the same work can
be much slower than the next, so single runs say little. Wall time is measured around
each process; peak memory is that process's own maximum resident set (``os.wait4``).
marker's modules are byte-compiled first, as installing marker does.

Modes:

* warm — the compiled topic is already in the cache (the second and later runs);
* cold — every marker run gets an empty cache folder (the first run after installing or
  after editing the topic).

Targets (issue 21): warm <= 1.3 x the bare run, cold <= 2 x; on a warm cache, peak <=
250 MiB and no more than 70 MiB above the bare run. Exit status 1 when a target is missed (not with
--smoke, which runs one pair to check the script itself).

    python benchmarks/startup.py [--pairs 7] [--essay examples/sample_essay.txt] [--smoke]
                                 [--importtime]

--importtime also prints the cumulative import time of the heaviest top-level packages
in a warm ``marker mark`` (``python -X importtime``).

Findings (issue 21, December 2026, a 2-core machine; medians of interleaved pairs with the
bare run measured beside each; marker byte-compiled):

    sample essay                  first pass (5 pairs)      now (7 pairs)
    marker mark, warm cache       1.64 x, 181 MiB (+24)     1.24 x, 180 MiB (+23)
    marker check, warm cache      1.53 x, 182 MiB (+24)     1.27 x, 181 MiB (+24)
    marker mark, empty cache      2.76 x, 266 MiB (+109)    1.63 x, 185 MiB (+28)
    marker check, empty cache     2.73 x, 266 MiB (+108)    1.67 x, 184 MiB (+27)
    (bare spaCy: 1.5-1.6 s and 157 MiB; before the compiled topic, 3.5 x and 300 MiB)

    import time, warm `marker mark`     before ms   after ms
    scikit-learn (with scipy, numpy)      1406          0   fitted once, in a child
    spacy                                  966        681
    marker.pipeline (read, claims, ...)    568        146   readers lazy, rules parsed once
    numpy                                (in sklearn)   56
    marker.calibrate / .calibration        124          8
    marker.render                           56          2   Jinja2, css-inline lazy
    marker.cli                              --         37

Where the start-up went, and what was done: reading and validating the topic's YAML (1.2
s: libyaml, and skipped when the compiled topic is cached); importing scikit-learn and
fitting the TF-IDF/LSA model (1.4 s + 0.3 s: numpy arrays from the cache; on a first run
a forked child fits while the parent loads spaCy, so the import leaves the critical
path); the linker's 6,500 pattern Docs (0.5 s: word tuples cached); the spelling word
list, vocabulary and near-miss buckets (0.11 s: cached as text); the Word/PDF/ODT readers
(imported by their format); each date and claim rule parsed four times to guard it (now
once); and the interpreter's teardown of the pipeline and topic after the report is
written (0.22 s, as long as the analysis: mark and check now end the process at once,
their output flushed). What is left above the bare run on a warm cache is marker's own
work on the essay (claims 0.06 s, marks 0.14 s, HTML 0.05 s) and its imports.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from marker.nlp import model_name  # noqa: E402
from marker.normalise import normalise  # noqa: E402

MIB = 1024 * 1024
TARGETS = {"warm": 1.3, "cold": 2.0}
PEAK_MIB = 250
ABOVE_BARE_MIB = 70

BARE = """
import sys
import spacy
nlp = spacy.load(sys.argv[1])
nlp(open(sys.argv[2], encoding="utf-8").read())
"""


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"{' '.join(args)} failed: {process.stderr.read().decode()}")
    process.stderr.close()
    return seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def marker_args(command: str, essay: Path, out: Path) -> list[str]:
    args = [sys.executable, "-m", "marker", command, str(essay), "-o", str(out)]
    return args


def measure(command: str, mode: str, essay: Path, pairs: int, work: Path,
            env: dict[str, str]) -> dict[str, float]:
    """Medians of ``pairs`` interleaved (marker, bare) runs."""
    text = work / "normalised.txt"
    text.write_text(normalise(essay.read_text(encoding="utf-8")).text, encoding="utf-8")
    bare = [sys.executable, "-c", BARE, model_name(), str(text)]
    cache = work / "cache"
    marker_env = {**env, "MARKER_CACHE_DIR": str(cache)}
    if mode == "warm":
        run(marker_args(command, essay, work / "report.html"), marker_env)  # fills the cache
    rows: list[tuple[float, float, float, float]] = []
    for _ in range(pairs):
        if mode == "cold":
            shutil.rmtree(cache, ignore_errors=True)
        m_time, m_rss = run(marker_args(command, essay, work / "report.html"), marker_env)
        b_time, b_rss = run(bare, env)
        rows.append((m_time, m_rss, b_time, b_rss))
    med = [statistics.median(col) for col in zip(*rows, strict=True)]
    return {"marker_s": med[0], "marker_mib": med[1], "bare_s": med[2], "bare_mib": med[3],
            "ratio": statistics.median(r[0] / r[2] for r in rows)}


def import_times(essay: Path, work: Path, env: dict[str, str]) -> list[tuple[str, float]]:
    """Cumulative import milliseconds per top-level package in a warm ``marker mark``."""
    marker_env = {**env, "MARKER_CACHE_DIR": str(work / "cache")}
    args = marker_args("mark", essay, work / "report.html")
    run(args, marker_env)
    done = subprocess.run([sys.executable, "-X", "importtime", *args[1:]], env=marker_env,
                          capture_output=True, text=True, check=True)
    totals: dict[str, float] = {}
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)$", line)
        if m and len(m[2]) == 1:  # top-level imports only (one space of indent)
            name = m[3].partition(".")[0] if not m[3].startswith("marker") else m[3]
            totals[name] = totals.get(name, 0.0) + int(m[1]) / 1000
    return sorted(totals.items(), key=lambda kv: -kv[1])[:15]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--essay", type=Path, default=ROOT / "examples" / "sample_essay.txt")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--importtime", action="store_true")
    opts = parser.parse_args()
    pairs = 1 if opts.smoke else opts.pairs
    # marker's modules byte-compiled, as installing it does (spaCy's already are): a
    # checkout run with PYTHONDONTWRITEBYTECODE would otherwise compile them on every run.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "marker")],
                   check=True, stdout=subprocess.DEVNULL)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
    missed = []
    print(f"{opts.essay.name}: medians of {pairs} interleaved pairs (marker, bare spaCy)")
    print(f"{'command':14}{'mode':6}{'marker s':>10}{'bare s':>8}{'ratio':>7}"
          f"{'marker MiB':>12}{'bare MiB':>10}{'above':>7}")
    with tempfile.TemporaryDirectory(prefix="marker-startup-") as tmp:
        work = Path(tmp)
        for command in ("mark", "check"):
            for mode in ("warm", "cold"):
                r = measure(command, mode, opts.essay, pairs, work, env)
                above = r["marker_mib"] - r["bare_mib"]
                print(f"{'marker ' + command:14}{mode:6}{r['marker_s']:10.2f}{r['bare_s']:8.2f}"
                      f"{r['ratio']:7.2f}{r['marker_mib']:12.0f}{r['bare_mib']:10.0f}"
                      f"{above:7.0f}", flush=True)
                if r["ratio"] > TARGETS[mode]:
                    missed.append(f"{command} {mode}: {r['ratio']:.2f} x > {TARGETS[mode]} x")
                if mode == "warm" and (r["marker_mib"] > PEAK_MIB or above > ABOVE_BARE_MIB):
                    missed.append(f"{command} {mode}: {r['marker_mib']:.0f} MiB, "
                                  f"{above:.0f} above the bare run")
        if opts.importtime:
            print("\nimport time, warm `marker mark` (cumulative ms, top-level packages):")
            for name, ms in import_times(opts.essay, work, env):
                print(f"  {name:28}{ms:8.0f}")
    print(f"targets: warm <= {TARGETS['warm']} x, cold <= {TARGETS['cold']} x; warm peak <= "
          f"{PEAK_MIB} MiB and <= {ABOVE_BARE_MIB} MiB above the bare run")
    for line in missed:
        print(f"missed: {line}")
    return 1 if missed and not opts.smoke else 0


if __name__ == "__main__":
    sys.exit(main())
