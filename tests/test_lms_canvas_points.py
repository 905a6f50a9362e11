"""Canvas points: marks scaled to the assignment's points, the Points Possible row that gives
a column its points, a gradebook exported from Canvas read for points, names and SIS ids,
and every bad option refused in one line with nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lmsfixtures import ESSAYS, canvas_gradebook, canvas_name, rows_of, text_entry, unflagged_zip

from marker.cli import main
from marker.errors import MarkerError
from marker.lms import CanvasTarget, Grade, canvas_csv, canvas_target, read_gradebook

SMITH = canvas_name("Smith, Jane", "2001", file_id="9001", file_name="essay.txt")
OKAFOR = canvas_name("Okafor, Ade", "2002", late=True)
LEE = canvas_name("Lee, Ann", "2003", file_id="9003", file_name="Essay 1.txt")
ASSIGNMENTS = [("Quiz 1", "4450", "10.00"), ("Essay 1", "4455", "100.00")]
STUDENTS = [("Okafor, Ade", "2002", "S-2002", "aokafor", "9B", ["7.00", ""]),
            ("Smith, Jane", "2001", "S-2001", "jsmith", "9B", ["9.50", "N/A"])]


def batch(*args: str) -> Result:
    return CliRunner().invoke(main, ["batch", *args])


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def canvas(topic, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, int]]:
    """A Canvas class marked once; the tests re-run it (nothing marked again) with options."""
    folder = tmp_path_factory.mktemp("canvas")
    zipped = unflagged_zip(folder / "History_9B-Essay_1_submissions.zip", {
        SMITH: ESSAYS["pact"].encode(), OKAFOR: text_entry(ESSAYS["short"]),
        LEE: ESSAYS["markup"].encode()})
    out = folder / "out"
    result = batch(str(zipped), "-o", str(out), "--jobs", "1", "-q")
    assert result.exit_code == 0, result.output
    totals = {row[1]: int(row[-2]) for row in rows_of(out / "grades.csv")[1:]}
    return zipped, out, totals


def rerun(canvas: tuple[Path, Path, dict[str, int]], tmp_path: Path, *options: str
          ) -> tuple[Path, Result]:
    zipped, out, _ = canvas
    again = tmp_path / "again"
    shutil.copytree(out, again)
    return again, batch(str(zipped), "-o", str(again), "-q", *options)


# --- the library ---------------------------------------------------------------------------


def test_marks_are_scaled_to_the_points_and_the_row_gives_them() -> None:
    grades = [Grade("smithjane", "2001", 21, 25), Grade("okaforade", "2002", 17, 25)]
    lines = canvas_csv(grades, CanvasTarget("Essay 1 (4455)", 100)).splitlines()
    assert lines == ["Student,ID,SIS User ID,SIS Login ID,Section,Essay 1 (4455)",
                     "    Points Possible,,,,,100", "smithjane,2001,,,,84", "okaforade,2002,,,,68"]
    assert canvas_csv(grades, CanvasTarget("Essay", 40)).splitlines()[2:] == [
        "smithjane,2001,,,,33.6", "okaforade,2002,,,,27.2"]


def test_the_new_column_essay_is_worth_the_rubric_total() -> None:
    assert canvas_target(None, None, None, 25) == CanvasTarget("Essay", 25)
    assert canvas_target("Essay 1 (4455)", 100, None, 25) == CanvasTarget("Essay 1 (4455)", 100)


def test_a_named_column_without_points_is_refused() -> None:
    with pytest.raises(MarkerError, match=r"^--canvas-assignment 'Essay 1 \(4455\)': marker does "
                                          "not know this assignment's points; give "):
        canvas_target("Essay 1 (4455)", None, None, 25)


@pytest.mark.parametrize("points", [0, -5, float("inf")])
def test_points_must_be_more_than_zero(points: float) -> None:
    with pytest.raises(MarkerError, match=f"^--canvas-points {points}: .* more than 0$"):
        canvas_target(None, points, None, 25)


def test_gradebook_gives_points_names_and_sis_ids(tmp_path: Path) -> None:
    path = canvas_gradebook(tmp_path / "gb.csv", ASSIGNMENTS, STUDENTS, bom=True)
    for name in ("Essay 1", "Essay 1 (4455)"):
        target = read_gradebook(str(path), name)
        assert (target.column, target.points, target.delimiter, target.decimal) == (
            "Essay 1 (4455)", 100, ",", ".")
    assert target.roster["2001"].name == "Smith, Jane"
    assert target.roster["2002"].sis_user_id == "S-2002"
    assert target.roster["2002"].sis_login_id == "aokafor"
    lines = canvas_csv([Grade("smithjane", "2001", 20, 25), Grade("leeann", "2003", 5, 25)],
                       target).splitlines()
    assert lines[1:] == ["    Points Possible,,,,,100", '"Smith, Jane",2001,S-2001,jsmith,9B,80',
                         "leeann,2003,,,,20"]


def test_gradebook_with_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    path = canvas_gradebook(tmp_path / "gb.csv", [("Aufsatz 1", "4455", "12,50")],
                            [(*s[:5], s[5][1:]) for s in STUDENTS], semicolon=True)
    target = canvas_target("Aufsatz 1", None, str(path), 25)
    assert (target.points, target.delimiter, target.decimal) == (12.5, ";", ",")
    assert canvas_csv([Grade("smithjane", "2001", 21, 25)], target).splitlines()[1:] == [
        "    Points Possible;;;;;12,5", "Smith, Jane;2001;S-2001;jsmith;9B;10,5"]


@pytest.mark.parametrize(("assignment", "points", "words"), [
    ("Essay 9", None, "gb.csv: no column 'Essay 9' in the gradebook (it has: Quiz 1 (4450), "
                      "Essay 1 (4455))"),
    (None, None, "gb.csv: name the assignment's column with --canvas-assignment"),
    ("Essay 1", 50, "gb.csv: 'Essay 1 (4455)' is worth 100 points there, not 50"),
])
def test_gradebook_options_that_do_not_fit_are_refused(tmp_path: Path, assignment: str | None,
                                                       points: float | None, words: str) -> None:
    path = canvas_gradebook(tmp_path / "gb.csv", ASSIGNMENTS, STUDENTS)
    with pytest.raises(MarkerError) as caught:
        canvas_target(assignment, points, str(path), 25)
    assert words in caught.value.message and "\n" not in caught.value.message


def test_gradebook_points_of_zero_or_none(tmp_path: Path) -> None:
    students = [(*s[:5], s[5][1:]) for s in STUDENTS]
    path = canvas_gradebook(tmp_path / "gb.csv", [("Essay 1", "4455", "0.00")], students)
    with pytest.raises(MarkerError, match="'Essay 1 \\(4455\\)' is worth 0 points"):
        canvas_target("Essay 1", None, str(path), 25)
    path = canvas_gradebook(tmp_path / "gb.csv", [("Essay 1", "4455", "")], students)
    with pytest.raises(MarkerError, match="the Points Possible row has no points for"):
        canvas_target("Essay 1", None, str(path), 25)
    assert canvas_target("Essay 1", 30, str(path), 25).points == 30


def test_not_a_gradebook(tmp_path: Path) -> None:
    (tmp_path / "roster.csv").write_text("name,email\nJane,j@school.example\n")
    with pytest.raises(MarkerError, match="not a gradebook exported from Canvas"):
        read_gradebook(str(tmp_path / "roster.csv"), "Essay 1")


# --- the command ---------------------------------------------------------------------------


def test_canvas_points_option(canvas: tuple[Path, Path, dict[str, int]], tmp_path: Path) -> None:
    out, result = rerun(canvas, tmp_path, "--canvas-assignment", "Essay 1 (4455)",
                        "--canvas-points", "100")
    assert result.exit_code == 0, result.output
    totals = canvas[2]
    assert rows_of(out / "canvas_grades.csv") == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Essay 1 (4455)"],
        ["    Points Possible", "", "", "", "", "100"],
        *([name, i, "", "", "", str(totals[i] * 4)] for name, i in (
            ("leeann", "2003"), ("okaforade", "2002"), ("smithjane", "2001")))]


def test_default_column_has_the_rubric_points(canvas: tuple[Path, Path, dict[str, int]]) -> None:
    rows = rows_of(canvas[1] / "canvas_grades.csv")
    assert rows[0][-1] == "Essay" and rows[1] == ["    Points Possible", "", "", "", "", "25"]


def test_canvas_gradebook_option(canvas: tuple[Path, Path, dict[str, int]],
                                 tmp_path: Path) -> None:
    book = canvas_gradebook(tmp_path / "History 9B Grades.csv", ASSIGNMENTS, STUDENTS, bom=True)
    out, result = rerun(canvas, tmp_path, "--canvas-gradebook", str(book),
                        "--canvas-assignment", "Essay 1")
    assert result.exit_code == 0, result.output
    totals = canvas[2]
    assert rows_of(out / "canvas_grades.csv")[1:] == [
        ["    Points Possible", "", "", "", "", "100"],
        ["leeann", "2003", "", "", "", str(totals["2003"] * 4)],
        ["Okafor, Ade", "2002", "S-2002", "aokafor", "9B", str(totals["2002"] * 4)],
        ["Smith, Jane", "2001", "S-2001", "jsmith", "9B", str(totals["2001"] * 4)]]
    assert f"marker: not applied: {book}: no row for leeann (2003); canvas_grades.csv has " \
           "their mark under their Canvas ID" in result.stderr.splitlines()


@pytest.mark.parametrize(("options", "words"), [
    (["--canvas-assignment", "Essay 9"], "no column 'Essay 9' in the gradebook"),
    (["--canvas-assignment", "Essay 1", "--canvas-points", "0"], "--canvas-points 0: "),
    (["--canvas-points", "-1"], "--canvas-points -1: "),
    (["--canvas-assignment", "Essay 1 (4455)"], "marker does not know this assignment's points"),
])
def test_bad_canvas_options_write_nothing(canvas: tuple[Path, Path, dict[str, int]],
                                          tmp_path: Path, options: list[str], words: str) -> None:
    book = canvas_gradebook(tmp_path / "gb.csv", ASSIGNMENTS, STUDENTS)
    if "--canvas-points" not in options and "Essay 1 (4455)" not in options:
        options = [*options, "--canvas-gradebook", str(book)]
    zipped, marked, _ = canvas
    fresh, again = tmp_path / "fresh", tmp_path / "again"
    shutil.copytree(marked, again)
    before = files_of(again)
    for out in (fresh, again):
        result = batch(str(zipped), "-o", str(out), "-q", *options)
        assert result.exit_code == 1, result.output
        message = result.stderr.strip()
        assert "\n" not in message and message.startswith("marker: ") and words in message
        assert "Traceback" not in result.output
    assert not fresh.exists() and files_of(again) == before
