"""Canvas anonymous grading: files named "anon_<anonymous id>_…" are students, marked and
listed by their anonymous id; Canvas's gradebook import cannot take them, so each is listed
to enter in SpeedGrader, with the mark."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lmsfixtures import ESSAYS, canvas_name, rows_of, text_entry, unflagged_zip

from marker.cli import main
from marker.lms import find_students, open_class

PACT = canvas_name(None, "", anonymous_id="x7Kq2", file_id="9001", file_name="My essay.txt")
LATE = canvas_name(None, "", anonymous_id="Pq3Zr", late=True)


def batch(*args: str) -> Result:
    return CliRunner().invoke(main, ["batch", *args])


@pytest.fixture(scope="module")
def anonymous(topic, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Result]:
    folder = tmp_path_factory.mktemp("anonymous")
    zipped = unflagged_zip(folder / "History_9B-Essay_1_submissions.zip", {
        PACT: ESSAYS["pact"].encode(), LATE: text_entry(ESSAYS["short"])})
    out = folder / "out"
    return zipped, out, batch(str(zipped), "-o", str(out), "--jobs", "1", "-q")


def test_anonymous_file_names_are_students(tmp_path: Path) -> None:
    assert (PACT, LATE) == ("anon_x7Kq2_9001_My essay.txt", "LATE_anon_Pq3Zr_text.html")
    zipped = unflagged_zip(tmp_path / "s.zip", {PACT: b"x", LATE: b"y",
                                                "anon_Pq3Zr_9002_notes.png": b"z"})
    with open_class(zipped) as cls:
        found = {c.key: (c.student.name, c.student.id, c.student.anonymous, c.student.late,
                         len(c.student.files)) for c in find_students(cls)}
    assert found == {"anon_Pq3Zr": ("anon", "Pq3Zr", True, True, 2),
                     "anon_x7Kq2": ("anon", "x7Kq2", True, False, 1)}


def test_anonymous_students_are_marked_and_listed_by_anonymous_id(
        anonymous: tuple[Path, Path, Result]) -> None:
    _, out, result = anonymous
    assert result.exit_code == 0, result.output
    grades = {row[1]: row for row in rows_of(out / "grades.csv")[1:]}
    assert set(grades) == {"x7Kq2", "Pq3Zr"} and all(row[0] == "anon" for row in grades.values())
    assert sorted(p.name for p in (out / "reports").glob("*.html")) == [
        "anon_Pq3Zr.html", "anon_x7Kq2.html"]


def test_anonymous_marks_are_listed_to_enter_in_speedgrader(
        anonymous: tuple[Path, Path, Result]) -> None:
    _, out, result = anonymous
    total = {row[1]: row[-2] for row in rows_of(out / "grades.csv")[1:]}
    assert not (out / "canvas_grades.csv").exists()  # the import would drop them anyway
    wanted = [f"anon_{i}: anonymous grading, which Canvas's gradebook import does not take; "
              f"enter {total[i]}/25 in SpeedGrader" for i in ("Pq3Zr", "x7Kq2")]
    errors = rows_of(out / "errors.csv")
    assert errors[1:] == [["canvas_grades.csv", "", w] for w in wanted]
    summary = html.unescape((out / "summary.html").read_text(encoding="utf-8"))
    assert all(w in summary for w in wanted)
    assert [line for line in result.stderr.splitlines() if "SpeedGrader" in line] == [
        f"marker: not applied: canvas_grades.csv: {w}" for w in wanted]


def test_speedgrader_marks_are_scaled_to_the_points(anonymous: tuple[Path, Path, Result],
                                                    tmp_path: Path) -> None:
    zipped, out, _ = anonymous
    again = tmp_path / "again"
    shutil.copytree(out, again)
    result = batch(str(zipped), "-o", str(again), "-q", "--canvas-points", "50")
    assert result.exit_code == 0 and "0 marked, 2 unchanged" in result.stderr
    total = {row[1]: int(row[-2]) for row in rows_of(out / "grades.csv")[1:]}
    assert f"enter {total['x7Kq2'] * 2}/50 in SpeedGrader" in result.stderr
