"""Shared fixtures: the topic and spaCy model loaded once, the CLI run in-process, --runslow."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False,
                     help="also run tests marked @pytest.mark.slow")


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


@pytest.fixture(scope="session")
def run_marker() -> Callable[..., subprocess.CompletedProcess[bytes]]:
    """Run ``python -m marker ARGS`` in a fresh process (installed or from this checkout).

    ``run_marker("mark", "x.txt", cwd=..., env={"PYTHONIOENCODING": "ascii"})``; output
    comes back as bytes. Each call costs a model load, so use it sparingly.
    """

    def run(*args: str, cwd: str | os.PathLike[str] | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
        full = dict(os.environ)
        full["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT), full.get("PYTHONPATH")) if p)
        full.update(env or {})
        return subprocess.run([sys.executable, "-m", "marker", *args], cwd=cwd, env=full,
                              capture_output=True, timeout=120, check=False)

    return run
