"""Moodle blind marking and the worksheet's required columns: a worksheet with no identity
columns is matched by participant id; one without Identifier, Grade or Last modified (grade)
(what Moodle's importer needs), or from another assignment, is refused in one line before
anything is written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lmsfixtures import ESSAYS, moodle_folder, moodle_worksheet, moodle_zip, rows_of

from marker.cli import main
from marker.errors import MarkerError
from marker.lms import (
    Grade,
    check_worksheet,
    fill_worksheet,
    find_students,
    open_class,
    read_worksheet,
)

# Under blind marking a folder is "Participant_<unique id>_…", the same id as the worksheet's.
CLASS = [("Jane Smith", "4711021", ESSAYS["pact"]), ("Ali Khan", "4711022", ESSAYS["short"])]
STUDENTS = [(name, ident) for name, ident, _ in CLASS]


def batch(*args: str) -> Result:
    return CliRunner().invoke(main, ["batch", *args])


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the library ---------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["3.11", "4.1"])
def test_blind_submissions_are_participants(tmp_path: Path, version: str) -> None:
    zipped = moodle_zip(tmp_path / "s.zip", CLASS, blind=True, version=version)
    with zipfile.ZipFile(zipped) as archive:
        assert archive.namelist()[0] == moodle_folder("", "4711021", blind=True,
                                                      version=version) + "/essay.txt"
    with open_class(zipped) as cls:
        found = [(c.key, c.student.name, c.student.id) for c in find_students(cls)]
    assert found == [("participant_4711021", "Participant", "4711021"),
                     ("participant_4711022", "Participant", "4711022")]


def test_blind_worksheet_is_matched_by_participant_id(tmp_path: Path) -> None:
    sheet = moodle_worksheet(tmp_path / "w.csv", STUDENTS, blind=True)
    read = read_worksheet(sheet)
    assert "Full name" not in read.column and "Email address" not in read.column
    grades = [Grade("Participant", "4711022", 10, 25), Grade("Participant", "999", 1, 25)]
    text, unmatched = fill_worksheet(read, grades)
    (tmp_path / "out.csv").write_text(text, encoding="utf-8")
    rows = rows_of(tmp_path / "out.csv")
    assert rows[0][:3] == ["Identifier", "Status", "Grade"]
    assert rows[2][0] == "Participant 4711022" and rows[2][2] == "40.00"
    assert rows[1][2] == "" and unmatched == [grades[1]]


@pytest.mark.parametrize("column", ["Identifier", "Grade", "Last modified (grade)"])
def test_a_column_moodle_needs_is_required(tmp_path: Path, column: str) -> None:
    sheet = moodle_worksheet(tmp_path / "w.csv", STUDENTS, blind=True, drop=column)
    with pytest.raises(MarkerError) as caught:
        read_worksheet(sheet)
    assert caught.value.message == (
        f"{sheet}: the worksheet has no '{column}' column, which Moodle needs to take it back; "
        "download the grading worksheet from Moodle again")


def test_without_feedback_comments_only_grades_go_back(tmp_path: Path) -> None:
    sheet = read_worksheet(moodle_worksheet(tmp_path / "w.csv", STUDENTS,
                                            drop="Feedback comments"))
    text, _ = fill_worksheet(sheet, [Grade("Jane Smith", "4711021", 20, 25, "Dates.")])
    assert "80.00" in text and "marker-feedback" not in text


def test_worksheet_of_another_assignment_is_refused(tmp_path: Path) -> None:
    sheet = read_worksheet(moodle_worksheet(tmp_path / "w.csv", [("Jane Smith", "5000001")],
                                            blind=True))
    with pytest.raises(MarkerError, match=r"w\.csv: none of the 2 students of this class has a "
                                          "row in the worksheet; is it the worksheet of another "
                                          "assignment\\?$"):
        check_worksheet(sheet, [("Participant", "4711021"), ("Participant", "4711022")])
    check_worksheet(sheet, [("Participant", "5000001"), ("Participant", "4711022")])


def test_same_names_with_other_participant_ids_are_another_assignment(tmp_path: Path) -> None:
    # Moodle numbers participants per assignment: the same class in another assignment's
    # worksheet has the same names and other numbers, and Moodle reads only the numbers.
    sheet = read_worksheet(moodle_worksheet(tmp_path / "w.csv", [("Jane Smith", "5000001"),
                                                                  ("Ali Khan", "5000002")]))
    with pytest.raises(MarkerError, match="is it the worksheet of another assignment"):
        check_worksheet(sheet, STUDENTS)
    check_worksheet(sheet, [("Jane Smith", None)])  # a plain folder: matched by name


# --- the command ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def blind(topic, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Result]:
    folder = tmp_path_factory.mktemp("blind")
    zipped = moodle_zip(folder / "HIST9B-Essay-42.zip", CLASS, blind=True)
    sheet = moodle_worksheet(folder / "Grades-HIST9B-Essay-42.csv", STUDENTS, blind=True)
    out = folder / "out"
    result = batch(str(zipped), "-o", str(out), "--jobs", "1", "-q", "--moodle-worksheet",
                   str(sheet))
    return zipped, sheet, out, result


def test_blind_class_round_trip(blind: tuple[Path, Path, Path, Result]) -> None:
    _, sheet, out, result = blind
    assert result.exit_code == 0, result.output
    assert "not applied" not in result.stderr
    totals = {row[1]: int(row[-2]) for row in rows_of(out / "grades.csv")[1:]}
    rows = rows_of(out / "moodle_grading_worksheet.csv")
    assert rows[0] == rows_of(sheet)[0]
    assert {r[0]: r[2] for r in rows[1:]} == {
        f"Participant {i}": f"{totals[i] * 4:.2f}" for i in ("4711021", "4711022")}
    with zipfile.ZipFile(out / "moodle_feedback_files.zip") as archive:
        assert archive.namelist() == [
            "Participant_4711021_assignsubmission_file_/feedback.html",
            "Participant_4711022_assignsubmission_file_/feedback.html"]


@pytest.mark.parametrize(("sheet_of", "words"), [
    (lambda p: moodle_worksheet(p, [("Jane Smith", "5000001")], blind=True),
     "none of the 2 students of this class has a row in the worksheet"),
    (lambda p: moodle_worksheet(p, STUDENTS, blind=True, drop="Last modified (grade)"),
     "has no 'Last modified (grade)' column"),
])
def test_bad_worksheet_writes_nothing(blind: tuple[Path, Path, Path, Result], tmp_path: Path,
                                      sheet_of, words: str) -> None:
    zipped, _, out, _ = blind
    before = files_of(out)
    for target in (tmp_path / "fresh", out):
        result = batch(str(zipped), "-o", str(target), "-q", "--moodle-worksheet",
                       str(sheet_of(tmp_path / "other.csv")))
        assert result.exit_code == 1, result.output
        message = result.stderr.strip()
        assert "\n" not in message and message.startswith("marker: ") and words in message
    assert not (tmp_path / "fresh").exists() and files_of(out) == before
