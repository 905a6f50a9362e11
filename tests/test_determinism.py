"""The same essay always gets the same report, byte for byte.

Marked twice in one process (with other essays in between, so no cache or index built while
marking can leak from one essay into the next), and in separate ``python -m marker`` processes
with different ``PYTHONHASHSEED`` values, so iterating a set or a dict of sets in an order
that depends on string hashing shows up as a difference.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import FUZZ_COUNTS, ROOT, CliRun, fuzz_settings
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_text import SENTENCES, essays, salted_essays, wall

from marker.pipeline import mark_file, mark_text
from marker.render import render

SAMPLE = ROOT / "examples" / "sample_essay.txt"


def fragment_essay(seed: int, paragraphs: int = 4) -> str:
    """A fixed essay of sentences from the project's test essays, chosen by ``seed``."""
    rng = random.Random(seed)
    return "\n\n".join(" ".join(rng.sample(SENTENCES, 4)) for _ in range(paragraphs))


def test_same_file_twice_in_process_gives_identical_json(topic: Any) -> None:
    first = render(mark_file(str(SAMPLE), topic=topic), "json")
    mark_text(fragment_essay(1), topic=topic)  # another essay in between
    assert render(mark_file(str(SAMPLE), topic=topic), "json") == first


def test_random_essays_marked_twice_in_process_are_identical(topic: Any) -> None:
    """Random fragment essays: the report dicts and their JSON are equal each time."""

    @fuzz_settings(40)
    @given(st.one_of(essays(), essays().map(wall), salted_essays()),
           st.sampled_from(SENTENCES))
    def fuzz(raw: str, between: str) -> None:
        FUZZ_COUNTS["determinism: essays marked twice in-process"] += 1
        first = mark_text(raw, topic=topic)
        mark_text(between, topic=topic)
        second = mark_text(raw, topic=topic)
        assert second.to_dict() == first.to_dict()
        assert second.to_json() == first.to_json()

    fuzz()


def _marker_env(seed: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["PYTHONHASHSEED"] = seed
    return env


def test_separate_processes_with_different_hash_seeds_give_identical_json(
        tmp_path: Path, cli: CliRun) -> None:
    """Three essays (the sample and two fragment essays), each marked in-process and by two
    ``python -m marker mark ... --format json -o -`` processes with PYTHONHASHSEED 1 and 2."""
    names = ["sample.txt", "fragments-1.txt", "fragments-2.txt"]
    (tmp_path / names[0]).write_bytes(SAMPLE.read_bytes())
    (tmp_path / names[1]).write_text(fragment_essay(11), encoding="utf-8")
    (tmp_path / names[2]).write_text(fragment_essay(12, paragraphs=6), encoding="utf-8")
    runs = {
        (name, seed): subprocess.Popen(
            [sys.executable, "-m", "marker", "mark", name, "--format", "json", "-o", "-"],
            cwd=tmp_path, env=_marker_env(seed), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for name in names for seed in ("1", "2")
    }
    outputs = {}
    for key, proc in runs.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, (key, err.decode(errors="replace"))
        outputs[key] = out
    for name in names:
        FUZZ_COUNTS["determinism: essays compared across processes"] += 1
        in_process = cli("mark", name, "--format", "json", "-o", "-")
        assert in_process.exit_code == 0, in_process.output
        assert outputs[name, "1"] == outputs[name, "2"], f"{name}: PYTHONHASHSEED changes it"
        assert in_process.stdout_bytes == outputs[name, "1"], f"{name}: in-process differs"
