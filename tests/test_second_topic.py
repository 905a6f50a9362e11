"""A second topic proves the pack is data-only: a copy of the Cuban Missile Crisis fixture
pack in a temporary folder marks an essay through the CLI with ``--topic PATH``, linking to
that pack's entries and checking its dates, with no code for the topic anywhere.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from marker.cli import main
from marker.topic import load_topic

MINI = Path(__file__).parent / "data" / "topics" / "mini-topic"

# Written for this test: one right date (the U-2 photographs, 14 October 1962) and one wrong
# (the Bay of Pigs invasion was in April 1961, not 1959).
ESSAY = """Why did the Cuban Missile Crisis end without war?

The crisis grew out of the failed Bay of Pigs invasion, which took place in 1959. Khrushchev
then decided to protect Castro by sending missiles to Cuba in Operation Anadyr. A U-2 flight
photographed the missile sites on 14 October 1962, and Kennedy chose a naval quarantine of
Cuba rather than an air strike.

The crisis ended because both sides gave something. Kruschev withdrew the missiles, and
Kennedy promised not to invade Cuba. Graham Allison later showed how the organisations on
both sides shaped each decision.
"""


def copy_pack(root: Path) -> Path:
    folder = root / "topics" / "mini-topic"
    shutil.copytree(MINI, folder)
    return folder


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    return copy_pack(tmp_path)


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """The essay marked once through the CLI against a fresh copy of the pack."""
    root = tmp_path_factory.mktemp("second-topic")
    folder = copy_pack(root)
    essay = root / "crisis.txt"
    essay.write_text(ESSAY, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["mark", str(essay), "--topic", str(folder), "--format", "json", "-o", "-"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), folder


@pytest.fixture
def report(marked: tuple[dict[str, Any], Path]) -> dict[str, Any]:
    return marked[0]


def test_entities_link_to_the_second_topic(marked: tuple[dict[str, Any], Path]) -> None:
    report, folder = marked
    ids = {e.id for s in ("events", "people", "writers", "states", "organisations")
           for e in load_topic(folder).knowledge.by_section(s)}
    linked = {e["text"]: e["kb_id"] for e in report["entities"] if e["kb_id"]}
    assert set(linked.values()) <= ids
    assert linked["Bay of Pigs invasion"] == "bay_of_pigs"
    assert linked["Khrushchev"] == "nikita_khrushchev"
    assert linked["Operation Anadyr"] == "operation_anadyr"
    assert linked["U-2 flight"] == "u2_photographs"
    assert linked["Kennedy"] == "john_f_kennedy"
    assert linked["Graham Allison"] == "graham_allison"
    assert linked["Cuba"] == "cuba"


def test_a_listed_wrong_form_is_corrected(report: dict[str, Any]) -> None:
    (kruschev,) = [e for e in report["entities"] if e["text"] == "Kruschev"]
    assert (kruschev["kb_id"], kruschev["corrected_from"]) == ("nikita_khrushchev", "Kruschev")


def test_dates_are_checked_against_the_second_topic(report: dict[str, Any]) -> None:
    verdicts = {c["subject"]: c for c in report["claims"] if c["kind"] == "date"}
    assert verdicts["bay_of_pigs"]["verdict"] == "contradicted"
    assert "1961" in verdicts["bay_of_pigs"]["correction"]
    assert verdicts["u2_photographs"]["verdict"] == "supported"


def test_the_manifest_names_the_second_topic(marked: tuple[dict[str, Any], Path]) -> None:
    report, folder = marked
    assert report["manifest"]["topic"] == "mini-topic"
    assert report["manifest"]["knowledge_sha256"] == load_topic(folder).sha256


def test_topic_check_passes_the_pack(pack: Path) -> None:
    result = CliRunner().invoke(main, ["topic", "check", str(pack)])
    assert result.exit_code == 0, result.output


def test_topic_check_reports_a_bad_date(pack: Path) -> None:
    knowledge = pack / "knowledge.yaml"
    text = knowledge.read_text(encoding="utf-8")
    assert text.count('date: "1961-04-17"') == 1
    knowledge.write_text(text.replace('date: "1961-04-17"', 'date: "1961-13-17"'),
                         encoding="utf-8")
    result = CliRunner().invoke(main, ["topic", "check", str(pack)])
    assert result.exit_code == 1
    assert "knowledge.yaml:bay_of_pigs: date: '1961-13-17' is not an ISO date" in result.output
