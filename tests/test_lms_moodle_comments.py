"""The Feedback comments column of Moodle's grading worksheet: Moodle stores what it imports
there as HTML, so marker writes escaped HTML (never a student's own markup), a paragraph a
line, after the comment a teacher already wrote (or, with --keep-comments, not at all)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lmsfixtures import ESSAYS, moodle_worksheet, moodle_zip, rows_of

from marker.cli import main
from marker.lms import Grade, fill_worksheet, moodle_comment, read_worksheet

STUDENTS = [("Jane Smith", "1001"), ("Ali Khan", "1002"), ("Zoë Ñúñez", "1003")]
TEACHER = '<p dir="ltr" style="text-align: left;">Good use of Litvinov &amp; Munich.</p>'
MARKUP = ("Stalin signed the pact with <b>Hitler</b> & the West, losses were < German ones "
          "<script>alert(1)</script>")


def batch(*args: str) -> Result:
    return CliRunner().invoke(main, ["batch", *args])


def filled(sheet: Path, grades: list[Grade], **options: bool) -> tuple[str, list[list[str]]]:
    text, unmatched = fill_worksheet(read_worksheet(sheet), grades, **options)
    assert unmatched == []
    path = sheet.with_name("filled.csv")
    path.write_bytes(text.encode("utf-8"))
    return text, rows_of(path)


# --- the library ---------------------------------------------------------------------------


def test_student_markup_is_escaped() -> None:
    comment = moodle_comment(Grade("Ali Khan", "1002", 14, 25, MARKUP))
    assert comment == (
        '<div class="marker-feedback"><p>Mark 14/25.</p><p>First to fix: Stalin signed the pact '
        "with &lt;b&gt;Hitler&lt;/b&gt; &amp; the West, losses were &lt; German ones "
        "&lt;script&gt;alert(1)&lt;/script&gt;</p></div>")


def test_each_line_is_a_paragraph() -> None:
    assert moodle_comment(Grade("A", "1", 3, 25, "Dates.\n\nAnd  evidence. ")) == (
        '<div class="marker-feedback"><p>Mark 3/25.</p><p>First to fix: Dates.</p>'
        "<p>And  evidence.</p></div>")


def test_worksheet_as_moodle_writes_it_goes_back_in_its_own_dialect(tmp_path: Path) -> None:
    sheet = moodle_worksheet(tmp_path / "Grades-HIST9B-Essay-42.csv", STUDENTS,
                             online_text={"1002": "<p>My <b>essay</b>, in full</p>"})
    raw = sheet.read_bytes()
    assert raw.startswith(b'\xef\xbb\xbfIdentifier,"Full name","Email address",Status,Grade,')
    assert b'\n"Participant 1001","Jane Smith",' in raw and b"\r" not in raw
    text, rows = filled(sheet, [Grade("Ali Khan", "1002", 14, 25, MARKUP)])
    assert text.startswith("\ufeff") and "\r" not in text
    assert rows[2][4] == "56.00" and rows[2][8] == "<p>My <b>essay</b>, in full</p>"
    assert rows[2][10] == moodle_comment(Grade("Ali Khan", "1002", 14, 25, MARKUP))
    assert rows[1] == rows_of(sheet)[1]  # a student marker did not mark: as it was


def test_teacher_comment_is_kept_and_marker_comment_goes_after(tmp_path: Path) -> None:
    sheet = moodle_worksheet(tmp_path / "w.csv", STUDENTS, comments={"1001": TEACHER})
    grade = Grade("Jane Smith", "1001", 20, 25, "Explain why.")
    _, rows = filled(sheet, [grade])
    assert rows[1][9] == f"{TEACHER}\n{moodle_comment(grade)}"


def test_keep_comments_leaves_a_teacher_comment_alone(tmp_path: Path) -> None:
    sheet = moodle_worksheet(tmp_path / "w.csv", STUDENTS, comments={"1001": TEACHER})
    grades = [Grade("Jane Smith", "1001", 20, 25, "Explain why."), Grade("Ali Khan", "1002", 9, 25)]
    _, rows = filled(sheet, grades, keep_comments=True)
    assert (rows[1][4], rows[1][9]) == ("80.00", TEACHER)
    assert rows[2][9] == moodle_comment(grades[1])


def test_marker_comment_from_an_earlier_upload_is_replaced_not_repeated(tmp_path: Path) -> None:
    old = moodle_comment(Grade("Jane Smith", "1001", 12, 25, "Old advice."))
    sheet = moodle_worksheet(tmp_path / "w.csv", STUDENTS,
                             comments={"1001": f"{TEACHER}\n{old}", "1002": old})
    grades = [Grade("Jane Smith", "1001", 20, 25, "New advice."), Grade("Ali Khan", "1002", 9, 25)]
    _, rows = filled(sheet, grades)
    assert rows[1][9] == f"{TEACHER}\n{moodle_comment(grades[0])}"
    assert rows[2][9] == moodle_comment(grades[1])


def test_an_emptied_editor_is_no_comment(tmp_path: Path) -> None:
    sheet = moodle_worksheet(tmp_path / "w.csv", STUDENTS, comments={"1001": "<p><br></p>"})
    grade = Grade("Jane Smith", "1001", 20, 25)
    assert filled(sheet, [grade])[1][1][9] == moodle_comment(grade)


def test_decimal_comma_of_the_worksheet_is_kept(tmp_path: Path) -> None:
    sheet = moodle_worksheet(tmp_path / "w.csv", STUDENTS, maximum="20,00")
    assert filled(sheet, [Grade("Jane Smith", "1001", 21, 25)])[1][1][4] == "16,80"


# --- the command ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def moodle(topic, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Result]:
    folder = tmp_path_factory.mktemp("moodle-comments")
    zipped = moodle_zip(folder / "HIST9B-Essay-42.zip", [
        ("Jane Smith", "1001", ESSAYS["pact"]), ("Ali Khan", "1002", ESSAYS["markup"]),
        ("Zoë Ñúñez", "1003", ESSAYS["short"])])
    sheet = moodle_worksheet(folder / "Grades-HIST9B-Essay-42.csv", STUDENTS,
                             comments={"1001": TEACHER})
    out = folder / "out"
    result = batch(str(zipped), "-o", str(out), "--jobs", "1", "-q", "--moodle-worksheet",
                   str(sheet))
    return zipped, sheet, out, result


def test_comments_in_the_worksheet_marker_writes(
        moodle: tuple[Path, Path, Path, Result]) -> None:
    _, sheet, out, result = moodle
    assert result.exit_code == 0, result.output
    rows = rows_of(out / "moodle_grading_worksheet.csv")
    assert rows[0] == rows_of(sheet)[0]
    jane, ali, zoe = rows[1:]
    assert jane[9].startswith(f'{TEACHER}\n<div class="marker-feedback"><p>Mark ')
    for row in (ali, zoe):
        assert row[9].startswith('<div class="marker-feedback"><p>Mark ')
    for row in rows[1:]:  # whatever the marker quotes, no markup of a student's is live
        body = row[9].removeprefix(TEACHER)
        assert "<b>" not in body and "<script" not in body
        assert set(body.replace("<p>", "").replace("</p>", "").replace(
            '<div class="marker-feedback">', "").replace("</div>", "")) & set("<>") == set()


def test_keep_comments_option(moodle: tuple[Path, Path, Path, Result], tmp_path: Path) -> None:
    zipped, sheet, out, _ = moodle
    again = tmp_path / "again"
    shutil.copytree(out, again)
    result = batch(str(zipped), "-o", str(again), "-q", "--moodle-worksheet", str(sheet),
                   "--keep-comments")
    assert result.exit_code == 0, result.output
    kept, before = rows_of(again / "moodle_grading_worksheet.csv"), rows_of(
        out / "moodle_grading_worksheet.csv")
    assert kept[1][9] == TEACHER and kept[1][4] == before[1][4]
    assert kept[2:] == before[2:]
