"""Shared fixtures and checks: the topic and spaCy model loaded once, the CLI run in-process,
the marker.report/1 shape check, --runslow for tests marked slow, and --fuzz-large for a
bigger fuzz campaign (the fuzz tests' scale and input counts live here).
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

from marker import __version__

ROOT = Path(__file__).resolve().parents[1]
VERDICTS = {"supported", "contradicted", "unverifiable"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False,
                     help="also run tests marked @pytest.mark.slow")
    parser.addoption("--fuzz-large", action="store_true", default=False,
                     help="fuzz and property tests: about 10x the examples, bigger files")


FUZZ_SCALE = 1
"""How much the fuzz tests scale their examples and file sizes: 10 with --fuzz-large."""
FUZZ_COUNTS: Counter[str] = Counter()
"""Inputs the fuzz tests generated, by target; printed at the end of the run."""


def pytest_configure(config: pytest.Config) -> None:
    global FUZZ_SCALE
    FUZZ_SCALE = 10 if config.getoption("--fuzz-large") else 1
    # Compiled topics go to a folder of this run's (inherited by the marker processes the
    # tests start), never to the user's cache.
    folder = tempfile.mkdtemp(prefix="marker-cache-")
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    os.environ["MARKER_CACHE_DIR"] = folder


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FUZZ_COUNTS:
        terminalreporter.section("fuzz inputs generated")
        for target, count in sorted(FUZZ_COUNTS.items()):
            terminalreporter.write_line(f"{count:7,}  {target}")
        terminalreporter.write_line(f"{sum(FUZZ_COUNTS.values()):7,}  in all")


def fuzz_settings(examples: int) -> settings:
    """Hypothesis settings for fuzz tests: reproducible, no deadline, ``examples`` x the scale."""
    return settings(max_examples=examples * FUZZ_SCALE, deadline=None, derandomize=True,
                    database=None, suppress_health_check=list(HealthCheck))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def topic():
    """The default topic, with its spaCy pipeline built: the one model load of the session.

    Everything marking in-process (the Python API and the in-process CLI) reuses it,
    because marker caches the pipeline per topic and process.
    """
    from marker import nlp
    from marker.topic import DEFAULT_TOPIC, load_topic

    loaded = load_topic(DEFAULT_TOPIC)
    nlp.topic_pipeline(loaded)
    nlp.base_model()
    return loaded


CliRun = Callable[..., Result]


@pytest.fixture
def cli(topic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRun:
    """Run ``marker ARGS...`` in-process (CliRunner) with the working directory ``tmp_path``.

    ``cli("mark", "essay.txt", input=b"...")``; stdout and stderr are kept apart
    (``result.stdout``, ``result.stderr``). Exceptions are caught, so tests must check
    ``result.exception`` to tell a clean exit from a crash.
    """
    from marker.cli import main

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None) -> Result:
        return runner.invoke(main, list(args), input=input)

    return run


def marker_env() -> dict[str, str]:
    """This environment with the checkout first on PYTHONPATH, for ``python -m marker``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def interrupt_marker(args: list[str], ready: Callable[[subprocess.Popen[bytes]], bool]
                     ) -> tuple[int, str]:
    """Start ``python -m marker ARGS`` in a process group of its own, wait until ``ready``
    says so (or it ends), press Ctrl-C (SIGINT to the whole group, as a terminal does);
    the exit status and what it printed on stderr."""
    import signal
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "marker", *args], env=marker_env(), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None and not ready(process):
            time.sleep(0.01)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return process.returncode, err.decode()


@pytest.fixture(scope="session")
def run_marker() -> Callable[..., subprocess.CompletedProcess[bytes]]:
    """Run ``python -m marker ARGS`` in a fresh process (installed or from this checkout).

    ``run_marker("mark", "x.txt", cwd=..., env={"PYTHONIOENCODING": "ascii"})``; output
    comes back as bytes. Each call costs a model load, so use it sparingly.
    """

    def run(*args: str, cwd: str | os.PathLike[str] | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
        full = {**marker_env(), **(env or {})}
        return subprocess.run([sys.executable, "-m", "marker", *args], cwd=cwd, env=full,
                              capture_output=True, timeout=120, check=False)

    return run


def check_report(data: dict[str, Any]) -> None:
    """The marker.report/1 shape, with every offset pointing into ``text``."""
    for key in ("schema", "marker_version", "input", "topic", "text", "paragraphs", "entities",
                "claims", "criteria", "total", "manifest"):
        assert key in data, key
    assert data["marker_version"] == __version__
    assert set(data["input"]) >= {"path", "sha256", "format", "words"}
    assert re.fullmatch(r"[0-9a-f]{64}", data["input"]["sha256"])
    assert data["input"]["format"] in {"txt", "md", "docx", "pdf", "odt", "rtf", "html"}
    assert isinstance(data["input"]["words"], int) and data["input"]["words"] > 0
    assert set(data["topic"]) >= {"id", "title", "question"}
    text = data["text"]
    assert isinstance(text, str) and text.strip()

    # Paragraphs tile the text, separated by exactly one blank line, with no other breaks.
    paras = data["paragraphs"]
    assert paras and all(set(p) >= {"start", "end"} for p in paras)
    assert paras[0]["start"] == 0 and paras[-1]["end"] == len(text)
    for before, after in itertools.pairwise(paras):
        assert text[before["end"]:after["start"]] == "\n\n"
    for p in paras:
        assert p["start"] < p["end"] and "\n" not in text[p["start"]:p["end"]]
    assert "\n\n".join(text[p["start"]:p["end"]] for p in paras) == text

    for e in data["entities"]:
        assert set(e) >= {"text", "start", "end", "label", "kb_id"}
        assert 0 <= e["start"] < e["end"] <= len(text)
        assert text[e["start"]:e["end"]] == e["text"], e
        assert isinstance(e["label"], str) and e["label"]

    claims = data["claims"]
    assert [c["id"] for c in claims] == [f"c{i}" for i in range(1, len(claims) + 1)]
    for c in claims:
        assert set(c) >= {"id", "text", "start", "end", "kind", "subject", "stated", "verdict",
                          "correction", "sources"}
        assert 0 <= c["start"] < c["end"] <= len(text)
        assert text[c["start"]:c["end"]] == c["text"], c
        assert c["verdict"] in VERDICTS, c
        assert isinstance(c["kind"], str) and c["kind"], c
        assert isinstance(c["sources"], list) and all(isinstance(s, str) for s in c["sources"])
        if c["verdict"] == "contradicted":
            assert isinstance(c["correction"], str) and c["correction"].strip(), c
        else:
            assert c["correction"] is None, c
    starts = [c["start"] for c in claims]
    assert starts == sorted(starts), "claims are numbered in text order"

    assert isinstance(data["criteria"], list)
    assert set(data["total"]) >= {"mark", "max"}
    manifest = data["manifest"]
    assert set(manifest) >= {"model", "model_package", "model_version", "spacy_version",
                             "knowledge_sha256", "rubric_sha256"}
    import spacy

    assert manifest["spacy_version"] == spacy.__version__
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["knowledge_sha256"])


