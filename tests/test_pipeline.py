"""The Python API: mark_text / mark_file / mark_submission, prepare, the Report they build.

Everything reuses the session's one spaCy pipeline (the ``topic`` fixture).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import ROOT, check_report

from marker import nlp
from marker.errors import MarkerError
from marker.normalise import normalise
from marker.pipeline import (
    build_report,
    count_words,
    manifest,
    mark_file,
    mark_submission,
    mark_text,
    prepare,
)
from marker.read import Submission
from marker.render import render
from marker.report import Report

ESSAY = (
    "In 1922 Chicherin signed the Treaty of Rapallo with Germany, which ended the isolation "
    "of Soviet Russia. Lenin had accepted the Treaty of Brest-Litovsk in March 1918.\n\n"
    "In 1924 Chicherin signed the Treaty of Rapallo with Germany.\n\n"
    "In the 1930s Litvinov worked for collective security, but Molotov signed the "
    "Nazi-Soviet Pact in August 1939."
)
FRENCH = (
    "La politique étrangère de l'Union soviétique entre 1917 et 1941 a été marquée par la "
    "volonté de survivre dans un monde hostile, et les dirigeants ont signé le traité de "
    "Rapallo avec l'Allemagne en 1922."
)
# Manifest entries that depend only on the model and topic (not on the rubric).
_STABLE = ("model", "model_package", "model_version", "spacy_version", "topic", "knowledge_sha256")
# One essay per kind (excellent, hard-wrapped, no paragraphs, off-topic) and every pasted one.
ESSAY_FILES = [ROOT / "tests" / "data" / "essays" / name for name in (
    "01-excellent-survival.txt", "05-sound-pact-wrapped.txt", "08-weak-pact-noparas.txt",
    "12-offtopic-survival.txt")] + sorted((ROOT / "tests" / "data" / "wrapped").glob("*.txt"))


def submission(text: str, path: str = "essay.txt", fmt: str = "txt") -> Submission:
    data = text.encode("utf-8")
    return Submission(path=path, raw_text=text, format=fmt,
                      sha256=hashlib.sha256(data).hexdigest(), encoding="utf-8")


# --- mark_text / mark_file / mark_submission -----------------------------------------


def test_mark_text_gives_a_full_report(topic) -> None:
    report = mark_text(ESSAY)
    assert isinstance(report, Report)
    data = report.to_dict()
    check_report(data)
    assert data["input"] == {"path": "<text>", "format": "txt", "words": count_words(ESSAY),
                             "sha256": hashlib.sha256(ESSAY.encode("utf-8")).hexdigest()}
    assert data["text"] == ESSAY
    assert data["topic"]["id"] == topic.id and data["topic"]["title"] == topic.title
    assert json.loads(report.to_json()) == data


def test_wrong_date_is_contradicted_with_a_correction(topic) -> None:
    claims = mark_text(ESSAY).to_dict()["claims"]
    rapallo = [c for c in claims if c["subject"] == "treaty_of_rapallo" and c["kind"] == "date"]
    assert [(c["stated"], c["verdict"]) for c in rapallo] == [
        ("1922", "supported"), ("1924", "contradicted")]
    wrong = rapallo[1]
    assert "1922" in wrong["correction"] and wrong["sources"]
    assert ESSAY[wrong["start"]:wrong["end"]] == wrong["text"]


def test_entities_are_linked_and_typed(topic) -> None:
    entities = mark_text(ESSAY).to_dict()["entities"]
    by_id = {e["kb_id"]: e for e in entities if e["kb_id"]}
    assert {"chicherin", "lenin", "litvinov", "molotov", "treaty_of_rapallo"} <= set(by_id)
    assert by_id["lenin"]["type"] == "person" and by_id["lenin"]["name"]
    assert by_id["treaty_of_rapallo"]["type"] == "event"
    assert by_id["germany"]["type"] == "state"
    for e in entities:
        assert e["label"] not in {"DATE", "CARDINAL", "ORDINAL", "TIME", "PERCENT"}
        if e["kb_id"] is None:
            assert e["name"] is None and e["type"] is None


def test_same_text_same_json(topic) -> None:
    first = mark_text(ESSAY).to_json()
    assert mark_text(ESSAY).to_json() == first
    assert mark_text(ESSAY, topic=topic).to_json() == first
    assert mark_text(ESSAY, topic=topic.id).to_json() == first


def test_build_report_is_pure(topic) -> None:
    sub = submission(ESSAY)
    norm = prepare(sub)
    doc = nlp.analyse(norm.text, topic)
    assert build_report(sub, norm, doc, topic).to_dict() == \
        build_report(sub, norm, doc, topic).to_dict()


def test_mark_file_matches_mark_submission_and_render(topic, tmp_path: Path) -> None:
    path = tmp_path / "essay.txt"
    path.write_text(ESSAY, encoding="utf-8")
    from_file = mark_file(str(path))
    from_sub = mark_submission(submission(ESSAY, path=str(path)), topic=topic)
    assert from_file.to_json() == from_sub.to_json()
    assert render(from_file, "json") == from_file.to_json()


def test_submission_format_and_hash_are_kept(topic) -> None:
    sub = Submission(path="a.docx", raw_text=ESSAY, format="docx", sha256="ab" * 32)
    data = mark_submission(sub).to_dict()
    assert data["input"]["format"] == "docx"
    assert data["input"]["sha256"] == "ab" * 32
    assert data["input"]["path"] == "a.docx"


def test_offsets_index_the_repaired_text_of_pasted_text(topic) -> None:
    """Hard-wrapped text is repaired; the report's offsets refer to the repaired text."""
    raw = ("In 1922 Chicherin signed the Treaty of\nRapallo with Germany. Ribben-\ntrop met "
           "Molotov in August 1939\nin Moscow.\n\n\n  Litvinov   worked for collective\n"
           "security.\n")
    data = mark_text(raw).to_dict()
    check_report(data)
    assert data["text"] != raw
    assert "Treaty of Rapallo" in data["text"] and "Ribbentrop" in data["text"]
    assert len(data["paragraphs"]) == 2
    assert data["input"]["words"] == count_words(data["text"])


@pytest.mark.parametrize("path", ESSAY_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_test_essay_gives_a_consistent_report(topic, path: Path) -> None:
    report = mark_file(str(path))
    data = report.to_dict()
    check_report(data)
    assert data["input"]["words"] == count_words(data["text"])
    assert data["input"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    expected = manifest(topic)
    assert {k: data["manifest"][k] for k in _STABLE} == {k: expected[k] for k in _STABLE}


# --- prepare: what is refused ----------------------------------------------------------


def test_prepare_refuses_non_english_unless_forced() -> None:
    with pytest.raises(MarkerError) as caught:
        prepare(submission(FRENCH, path="essai.txt"))
    message = str(caught.value)
    assert message.startswith("essai.txt: ") and "English" in message and "--force" in message
    assert caught.value.exit_code == 1
    assert prepare(submission(FRENCH), force=True).text == FRENCH


def test_prepare_names_stdin_and_stays_one_line() -> None:
    with pytest.raises(MarkerError, match=r"^<stdin>: .*English"):
        prepare(submission(FRENCH, path="-"))
    with pytest.raises(MarkerError) as caught:
        prepare(submission(FRENCH, path="odd\nname.txt"))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n", "\u200b\ufeff"])
def test_prepare_refuses_no_text(text: str) -> None:
    with pytest.raises(MarkerError, match=r"^essay\.txt: .*no text"):
        prepare(submission(text), force=True)


def test_mark_text_forces_by_default_but_can_refuse(topic) -> None:
    assert mark_text(FRENCH).to_dict()["text"] == FRENCH
    with pytest.raises(MarkerError, match="English"):
        mark_text(FRENCH, force=False)


def test_unknown_topic_is_a_marker_error() -> None:
    with pytest.raises(MarkerError, match="no-such-topic"):
        mark_text(ESSAY, topic="no-such-topic")


# --- small pieces --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("Lenin", 1),
        ("the Treaty of Brest-Litovsk", 4),
        ("Stalin’s “socialism in one country”", 5),
        ("Lenin's NEP (1921–1928) failed.", 5),
        ("From 1924-1930, Stalin rose.", 4),
        ("  spaced\n\nout\ttext  ", 3),
        ("— … ; !", 0),
    ],
)
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words


def test_manifest(topic) -> None:
    import spacy

    info = manifest(topic)
    assert info["topic"] == topic.id
    assert info["knowledge_sha256"] == topic.sha256
    assert info["spacy_version"] == spacy.__version__
    assert info["model_package"] in nlp.MODEL_NAMES
    assert set(info) >= {*_STABLE, "rubric", "rubric_sha256"}
    assert list(info)[:len(_STABLE)] == list(_STABLE)


def test_normalised_text_is_what_gets_marked(topic) -> None:
    raw = "Molotov signed the\nNazi-Soviet Pact in August 1939."
    assert mark_text(raw).to_dict()["text"] == normalise(raw).text
