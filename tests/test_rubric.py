"""Rubrics: the shipped ones load, each kind of mistake is reported precisely, marks add up.

Broken rubrics are copies of rubrics/analytic-25.yaml with one edit each, so every test
shows which change causes which message.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from marker.errors import MarkerError
from marker.rubric import (
    DEFAULT_RUBRIC,
    check_rubric,
    list_rubrics,
    load_rubric,
    rubrics_root,
)

SHIPPED = Path(__file__).resolve().parents[1] / "rubrics"
ANALYTIC = SHIPPED / "analytic-25.yaml"


def broken(tmp_path: Path, old: str, new: str, name: str = "analytic-25") -> Path:
    """A copy of analytic-25.yaml with one exact, unique edit."""
    text = ANALYTIC.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture edit {old!r} must match exactly once"
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def only_problem(path: Path) -> str:
    problems = check_rubric(path)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return str(problems[0])


# --- the shipped rubrics ---------------------------------------------------------------


def test_shipped_rubrics_are_found_and_valid() -> None:
    assert rubrics_root() == SHIPPED
    assert list_rubrics() == ["analytic-25", "holistic-25"]
    for name in list_rubrics():
        assert check_rubric(name) == [], name


def test_analytic_rubric_loads_with_its_criteria_and_bands() -> None:
    rubric = load_rubric()
    assert rubric.id == DEFAULT_RUBRIC == "analytic-25"
    assert rubric.total == 25
    assert [(c.id, c.max) for c in rubric.criteria] == [
        ("knowledge", 7), ("analysis", 7), ("evidence", 6), ("communication", 5)]
    assert rubric.sha256 == hashlib.sha256(ANALYTIC.read_bytes()).hexdigest()
    for criterion in rubric.criteria:
        covered = sorted(m for b in criterion.bands for m in range(b.low, b.high + 1))
        assert covered == list(range(criterion.max + 1)), criterion.id
        assert all(b.descriptor for b in criterion.bands)
    assert {cap.when for cap in rubric.caps} == {
        "keyword_salad", "question_copy", "off_topic", "repetition", "frequent_errors",
        "frequent_slips"}


def test_holistic_rubric_has_five_bands_over_25() -> None:
    rubric = load_rubric("holistic-25")
    (criterion,) = rubric.criteria
    assert criterion.max == rubric.total == 25
    assert [b.marks for b in criterion.bands] == ["21-25", "16-20", "11-15", "6-10", "0-5"]
    assert criterion.band(13).marks == "11-15"


def test_load_by_path_and_cache_follows_edits(tmp_path: Path) -> None:
    path = broken(tmp_path, "name: Analytic marking (25 marks)", "name: My marking")
    assert load_rubric(str(path)).name == "My marking"
    path.write_text(path.read_text().replace("My marking", "Edited marking"), encoding="utf-8")
    assert load_rubric(path).name == "Edited marking"


# --- bad rubrics: one precise message each ---------------------------------------------


def test_maxima_that_do_not_sum_to_total(tmp_path: Path) -> None:
    path = broken(tmp_path, "total: 25", "total: 24")
    assert only_problem(path) == (
        "analytic-25.yaml: total: is 24 but the criteria maxima add up to 25 (knowledge 7 + "
        "analysis 7 + evidence 6 + communication 5) — make the maxima add up to total, or "
        "change total")


def test_band_gap(tmp_path: Path) -> None:
    path = broken(tmp_path, "      - marks: 2-3\n        descriptor: >-\n          Some relevant",
                  "      - marks: 3\n        descriptor: >-\n          Some relevant")
    assert only_problem(path) == (
        "analytic-25.yaml:knowledge: bands: no band covers mark 2 (the bands must cover 0-7) "
        "— widen a neighbouring band or add a band for those marks")


def test_band_overlap(tmp_path: Path) -> None:
    path = broken(tmp_path, "      - marks: 0-1\n        descriptor: Little relevant or",
                  "      - marks: 0-2\n        descriptor: Little relevant or")
    message = only_problem(path)
    assert message.startswith("analytic-25.yaml:knowledge: bands[3].marks: 0-2 overlaps "
                              "bands[2] at mark 2")


def test_band_above_max(tmp_path: Path) -> None:
    path = broken(tmp_path, "      - marks: 6-7\n        descriptor: >-\n          Detailed",
                  "      - marks: 6-8\n        descriptor: >-\n          Detailed")
    assert "bands[0].marks: '6-8' goes above the criterion's max 7" in only_problem(path)


def test_unknown_evidence_name(tmp_path: Path) -> None:
    path = broken(tmp_path, "evidence: {coverage: 3, accuracy: 3, specificity: 2}",
                  "evidence: {coverag: 3, accuracy: 3, specificity: 2}")
    assert only_problem(path) == (
        "analytic-25.yaml:knowledge: evidence.coverag: unknown evidence name — "
        "did you mean 'coverage'?")


def test_non_positive_weight(tmp_path: Path) -> None:
    path = broken(tmp_path, "evidence: {communication: 1, argument: 1}",
                  "evidence: {communication: 0, argument: 1}")
    assert "evidence.communication: weight must be a number above 0" in only_problem(path)


def test_malformed_yaml_gives_line_and_column(tmp_path: Path) -> None:
    path = broken(tmp_path, "total: 25", "total: [25")
    message = only_problem(path)
    assert message.startswith("analytic-25.yaml: invalid YAML at line ")
    assert ", column " in message and message.endswith("(indentation, colons, quotes)")


def test_unknown_cap_signal_and_criterion(tmp_path: Path) -> None:
    path = broken(tmp_path, "  - when: repetition\n    limit: {knowledge: 3, analysis: 3}",
                  "  - when: repetitions\n    limit: {knowledge: 3, analysis: 3}")
    assert only_problem(path) == ("analytic-25.yaml:caps[3]: when: 'repetitions' is not a "
                                  "signal — did you mean 'repetition'?")
    path = broken(tmp_path, "limit: {knowledge: 3, analysis: 3}",
                  "limit: {knowledge: 3, analyis: 3}")
    assert "caps[3]: limit.analyis: is not a criterion id of this rubric — did you mean " \
           "'analysis'?" in only_problem(path)


def test_cap_limit_above_max(tmp_path: Path) -> None:
    path = broken(tmp_path, "limit: {knowledge: 3, analysis: 3}",
                  "limit: {knowledge: 9, analysis: 3}")
    assert "limit.knowledge: 9 is not a mark from 0 to 7" in only_problem(path)


def test_id_must_match_file_name(tmp_path: Path) -> None:
    path = broken(tmp_path, "id: analytic-25", "id: analytic-26")
    assert "id: 'analytic-26' does not match the file name 'analytic-25.yaml'" in \
        only_problem(path)


def test_unknown_key_is_named(tmp_path: Path) -> None:
    path = broken(tmp_path, "    max: 5\n", "    maximum: 5\n")
    problems = [str(p) for p in check_rubric(path)]
    assert any("communication: maximum: unknown key — did you mean 'max'?" in p
               for p in problems)


def test_load_raises_one_line_error_naming_the_file(tmp_path: Path) -> None:
    path = broken(tmp_path, "total: 25", "total: 24")
    with pytest.raises(MarkerError) as info:
        load_rubric(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: total: is 24")


def test_missing_rubric_lists_the_shipped_ones() -> None:
    with pytest.raises(MarkerError, match="no such rubric — give a shipped rubric "
                                          r"\(analytic-25, holistic-25\)"):
        load_rubric("no-such-rubric")


def test_empty_rubric(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("\n", encoding="utf-8")
    assert only_problem(path).startswith("empty.yaml: is empty")


# --- marking with a rubric -------------------------------------------------------------


def test_marks_add_up_and_name_their_band(topic) -> None:
    from marker.pipeline import mark_text

    text = (Path(__file__).parent / "data" / "essays" / "10-weak-survival.txt").read_text()
    for name in list_rubrics():
        rubric = load_rubric(name)
        data = mark_text(text, topic=topic, rubric=name).to_dict()
        assert data["manifest"]["rubric"] == name
        assert data["manifest"]["rubric_sha256"] == rubric.sha256
        assert data["total"] == {"mark": sum(c["mark"] for c in data["criteria"]),
                                 "max": rubric.total}
        for crit, criterion in zip(data["criteria"], rubric.criteria, strict=True):
            assert crit["id"] == criterion.id and crit["max"] == criterion.max
            assert 0 <= crit["mark"] <= crit["max"]
            assert crit["band"] == criterion.band(crit["mark"]).descriptor
            assert 2 <= len(crit["reasons"]) <= 4
            assert 1 <= len(crit["next_steps"]) <= 3


def test_broken_rubric_refuses_before_marking(topic, tmp_path: Path) -> None:
    from marker.pipeline import mark_text

    path = broken(tmp_path, "total: 25", "total: 24")
    with pytest.raises(MarkerError, match="total: is 24"):
        mark_text("Lenin signed the Treaty of Brest-Litovsk in 1918.", topic=topic,
                  rubric=str(path))
