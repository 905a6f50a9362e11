"""Calibration: a teacher's marks are read strictly, fitted, saved as JSON and used.

The round trip uses ten labelled essays and a "teacher" who is exactly two marks harsher
than the rubric on every criterion: calibrated marks must move toward the teacher's.
CSV problems are refused before any essay is marked, each with its own message.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from marker.calibrate import (
    MIN_ESSAYS,
    calibrate,
    default_path,
    read_marks,
    save_calibration,
)
from marker.calibration import load_calibration
from marker.errors import MarkerError
from marker.pipeline import mark_file
from marker.rubric import load_rubric

ESSAYS = Path(__file__).parent / "data" / "essays"
TRAIN = sorted(ESSAYS.glob("*.txt"))[2:]  # ten essays; 01 and 02 are kept out
HEADER = "file,knowledge,analysis,evidence,communication"


def write_csv(folder: Path, lines: list[str], name: str = "marks.csv") -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def harsher(topic, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Ten essays, a teacher two marks below the rubric, and the calibration fitted to it."""
    folder = tmp_path_factory.mktemp("calibration")
    essays = folder / "essays"
    essays.mkdir()
    rows = [HEADER]
    rubric_marks = {}
    for path in TRAIN:
        shutil.copy(path, essays / path.name)
        report = mark_file(str(path), topic=topic)
        marks = {c["id"]: c["mark"] for c in report.criteria}
        rubric_marks[path.name] = marks
        rows.append(",".join([path.name, *(str(max(0, marks[k] - 2)) for k in
                                           ("knowledge", "analysis", "evidence",
                                            "communication"))]))
    csv_path = write_csv(folder, rows)
    result = calibrate(csv_path, essays, "analytic-25", topic=topic)
    return {"folder": folder, "csv": csv_path, "essays": essays, "result": result,
            "rubric_marks": rubric_marks}


# --- the round trip --------------------------------------------------------------------


def test_calibration_learns_a_harsher_teacher(harsher: dict[str, Any]) -> None:
    result = harsher["result"]
    assert result.calibration.essays == len(TRAIN) == 10
    teacher_gap = rubric_gap = 0
    for row in result.rows:
        for cid, teacher in row["teacher"].items():
            teacher_gap += abs(row["calibrated"][cid] - teacher)
            rubric_gap += abs(row["rubric"][cid] - teacher)
    assert teacher_gap < rubric_gap  # cross-validated marks are closer to the teacher's
    assert set(result.rubric_agreement) == {"knowledge", "analysis", "evidence",
                                            "communication", "total"}
    assert result.calibrated_agreement["total"].adjacent >= \
        result.rubric_agreement["total"].adjacent
    lines = result.summary()
    assert lines[0].startswith("10 essays") and any(x.startswith("knowledge") for x in lines)


def test_saved_as_plain_json_and_loaded_back(harsher: dict[str, Any], tmp_path: Path) -> None:
    result = harsher["result"]
    path = save_calibration(result, tmp_path / "analytic-25.calibration.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == "marker.calibration/1" and data["rubric"] == "analytic-25"
    assert set(data["criteria"]) == {"knowledge", "analysis", "evidence", "communication"}
    assert set(data["criteria"]["knowledge"]["weights"]) == {"coverage", "accuracy",
                                                             "specificity"}
    assert all(w >= 0 for c in data["criteria"].values() for w in c["weights"].values())
    again = save_calibration(result, tmp_path / "again.json")
    assert again.read_bytes() == path.read_bytes()  # same fit, same bytes
    loaded = load_calibration(path)
    assert loaded.criteria["analysis"].weights == result.calibration.criteria["analysis"].weights
    assert len(loaded.sha256) == 64


def test_marking_with_the_calibration_moves_toward_the_teacher(harsher: dict[str, Any],
                                                                tmp_path: Path, topic) -> None:
    calibration = load_calibration(save_calibration(harsher["result"], tmp_path / "c.json"))
    held_out = ESSAYS / "01-excellent-survival.txt"
    plain = mark_file(str(held_out), topic=topic).to_dict()
    calibrated = mark_file(str(held_out), topic=topic, calibration=calibration).to_dict()
    assert calibrated["total"]["mark"] < plain["total"]["mark"]
    assert calibrated["total"]["mark"] == sum(c["mark"] for c in calibrated["criteria"])
    assert calibrated["manifest"]["calibration_sha256"] == calibration.sha256
    moved = [c for c, p in zip(calibrated["criteria"], plain["criteria"], strict=True)
             if c["mark"] != p["mark"]]
    assert moved
    for crit in moved:
        assert crit["reasons"][0].startswith("Calibrated to the teacher's marking (10 essays)")
    train = harsher["essays"] / TRAIN[-1].name
    teacher = {k: max(0, v - 2) for k, v in harsher["rubric_marks"][TRAIN[-1].name].items()}
    marks = {c["id"]: c["mark"] for c in
             mark_file(str(train), topic=topic, calibration=calibration).to_dict()["criteria"]}
    rubric = harsher["rubric_marks"][TRAIN[-1].name]
    assert sum(abs(marks[k] - teacher[k]) for k in teacher) < \
        sum(abs(rubric[k] - teacher[k]) for k in teacher)


def test_calibration_is_refused_for_another_rubric(harsher: dict[str, Any], tmp_path: Path,
                                                   topic) -> None:
    calibration = load_calibration(save_calibration(harsher["result"], tmp_path / "c.json"))
    with pytest.raises(MarkerError, match="calibrated for rubric 'analytic-25', not "
                                          "'holistic-25'"):
        mark_file(str(TRAIN[0]), topic=topic, rubric="holistic-25", calibration=calibration)


def test_default_path_is_beside_a_teachers_rubric(tmp_path: Path) -> None:
    shipped = load_rubric("analytic-25")
    assert default_path(shipped, tmp_path / "marks.csv") == \
        tmp_path / "analytic-25.calibration.json"
    own = tmp_path / "rubrics" / "mine.yaml"
    own.parent.mkdir()
    own.write_text(Path(shipped.path).read_text().replace("id: analytic-25", "id: mine"),
                   encoding="utf-8")
    assert default_path(load_rubric(own), tmp_path / "x" / "marks.csv") == \
        own.parent / "mine.calibration.json"


# --- bad marks files: refused before marking, one precise message each ------------------


@pytest.fixture
def ten(tmp_path: Path) -> Path:
    """A folder of ten (unmarked) essay files e00.txt ... e09.txt."""
    for i in range(MIN_ESSAYS):
        (tmp_path / f"e{i:02}.txt").write_text("An essay.", encoding="utf-8")
    return tmp_path


def rows(n: int = MIN_ESSAYS) -> list[str]:
    return [HEADER] + [f"e{i:02}.txt,{i % 7},{(i + 1) % 7},{i % 6},{i % 5}" for i in range(n)]


def refused(csv_path: Path, folder: Path) -> str:
    with pytest.raises(MarkerError) as info:
        read_marks(csv_path, folder, load_rubric("analytic-25"))
    message = str(info.value)
    assert "\n" not in message
    return message


def test_valid_marks_are_read(ten: Path) -> None:
    marks = read_marks(write_csv(ten, rows()), ten, load_rubric("analytic-25"))
    assert len(marks) == 10 and marks[3][1] == {"knowledge": 3, "analysis": 4, "evidence": 3,
                                               "communication": 3}


def test_missing_column(ten: Path) -> None:
    lines = [line.rsplit(",", 1)[0] for line in rows()]
    path = write_csv(ten, lines)
    assert refused(path, ten) == (f"{path}: header: no column for communication — add one "
                                  "column per criterion of analytic-25: knowledge, analysis, "
                                  "evidence, communication")


def test_unknown_column(ten: Path) -> None:
    lines = rows()
    lines[0] = lines[0].replace("analysis", "analyis")
    path = write_csv(ten, lines)
    assert refused(path, ten) == (f"{path}: header: column 'analyis' is not a criterion of "
                                  "analytic-25 — did you mean 'analysis'?")


def test_first_column_must_be_file(ten: Path) -> None:
    lines = rows()
    lines[0] = lines[0].replace("file", "essay")
    path = write_csv(ten, lines)
    assert "header: the first column is 'essay', not 'file'" in refused(path, ten)


def test_non_numeric_mark(ten: Path) -> None:
    lines = rows()
    lines[4] = "e03.txt,4,B+,3,3"
    path = write_csv(ten, lines)
    assert refused(path, ten) == (f"{path}: row 5 (e03.txt): column analysis: 'B+' is not a "
                                  "whole mark — write a whole number from 0 to 7")


def test_mark_out_of_range(ten: Path) -> None:
    lines = rows()
    lines[2] = "e01.txt,1,2,1,9"
    path = write_csv(ten, lines)
    assert refused(path, ten) == (f"{path}: row 3 (e01.txt): column communication: 9 is "
                                  "outside 0-5 — write a mark from 0 to 5")


def test_essay_not_found(ten: Path) -> None:
    lines = rows()
    lines[6] = lines[6].replace("e05.txt", "e5.txt")
    path = write_csv(ten, lines)
    assert refused(path, ten) == (f"{path}: row 7: essay 'e5.txt' not found in {ten} — check "
                                  "the file name (it is relative to the essays folder)")


def test_too_few_essays(ten: Path) -> None:
    path = write_csv(ten, rows(9))
    assert refused(path, ten) == (f"{path}: has 9 marked essays; calibration needs at least "
                                  "10 — mark more essays and add them to the CSV")


def test_criterion_with_one_value(ten: Path) -> None:
    lines = [HEADER] + [f"e{i:02}.txt,{i % 7},{i % 7},{i % 6},3" for i in range(10)]
    path = write_csv(ten, lines)
    assert refused(path, ten) == (f"{path}: column communication: every essay has mark 3 — "
                                  "calibration needs essays with different marks on each "
                                  "criterion")


def test_duplicate_essay(ten: Path) -> None:
    lines = rows()
    lines[5] = lines[2]
    path = write_csv(ten, lines)
    assert refused(path, ten) == (f"{path}: row 6: e01.txt is listed twice (rows 3 and 6) — "
                                  "keep one row per essay")


def test_missing_files_and_folders(ten: Path) -> None:
    assert "no such marks file" in refused(ten / "nope.csv", ten)
    path = write_csv(ten, rows())
    assert "no such folder of essays" in refused(path, ten / "nope")


def test_bad_calibration_files(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(MarkerError, match="is not a calibration"):
        load_calibration(path)
    path.write_text(json.dumps({"schema": "other"}), encoding="utf-8")
    with pytest.raises(MarkerError, match="is not a marker calibration"):
        load_calibration(path)
    path.write_text(json.dumps({"schema": "marker.calibration/1", "rubric": "analytic-25",
                                "rubric_sha256": "x", "essays": 10, "criteria": {
                                    "knowledge": {"intercept": 0, "weights": {"coverage": "a"}}
                                }}), encoding="utf-8")
    with pytest.raises(MarkerError, match=r"criteria\.knowledge\.weights\.coverage: must be a "
                                          "number"):
        load_calibration(path)
