"""Reading a class (plain folder, Moodle and Canvas exports, hostile zips) and the files that
go back to an LMS; plus the pure parts of batch marking (overrides, statistics). No spaCy.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
from pathlib import Path

import pytest

from marker.batch import (
    apply_overrides,
    check_overrides,
    histogram,
    near_duplicates,
    read_overrides,
    strip_overrides,
)
from marker.errors import MarkerError
from marker.lms import (
    CanvasTarget,
    Grade,
    InputFile,
    Limits,
    canvas_csv,
    choose_file,
    fill_worksheet,
    find_students,
    open_class,
    read_worksheet,
    student_key,
    unique_key,
)
from marker.rubric import load_rubric

ESSAY = b"The Nazi-Soviet Pact was signed in August 1939."


def make_zip(path: Path, members: dict[str, bytes | None],
             dates: dict[str, tuple[int, ...]] | None = None) -> Path:
    """A zip of ``members`` (None: a folder entry), each dated as given (default 2024-03-01)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            when = (dates or {}).get(name, (2024, 3, 1, 12, 0, 0))
            info = zipfile.ZipInfo(name, date_time=when)
            if data is None:
                info.external_attr = (0o40755 << 16) | 0x10
                archive.writestr(info, b"")
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
    return path


def students_in(path: Path) -> dict[str, tuple]:
    with open_class(path) as cls:
        return {c.key: (c.student.name, c.student.id, c.student.lms,
                        c.file.path if c.file else None, c.reason)
                for c in find_students(cls)}


# --- recognising students ----------------------------------------------------------------


def test_moodle_export(tmp_path: Path) -> None:
    found = students_in(make_zip(tmp_path / "moodle.zip", {
        "Jane Smith_1001_assignsubmission_file_/essay.docx": ESSAY,
        "Jane Smith_1002_assignsubmission_file/essay.pdf": ESSAY,  # Moodle 4.1+: no "_"
        "Ali Khan_1003_assignsubmission_onlinetext_/onlinetext.html": ESSAY,
        "Zoë Ñúñez_1004_assignsubmission_file_/draft.txt": ESSAY,
        "Zoë Ñúñez_1004_assignsubmission_file_/final.txt": ESSAY,
        "Zoë Ñúñez_1004_assignsubmission_file_/photo.jpg": ESSAY,
        "No File_1006_assignsubmission_file_/": None,
        "Flat Mode_1007_assignsubmission_file_my essay.odt": ESSAY,
    }, dates={"Zoë Ñúñez_1004_assignsubmission_file_/final.txt": (2024, 3, 2, 9, 0, 0),
              "Zoë Ñúñez_1004_assignsubmission_file_/photo.jpg": (2024, 3, 3, 9, 0, 0)}))
    assert found == {
        "ali-khan_1003": ("Ali Khan", "1003", "moodle",
                          "Ali Khan_1003_assignsubmission_onlinetext_/onlinetext.html",
                          "the only file handed in"),
        "flat-mode_1007": ("Flat Mode", "1007", "moodle",
                           "Flat Mode_1007_assignsubmission_file_my essay.odt",
                           "the only file handed in"),
        "jane-smith_1001": ("Jane Smith", "1001", "moodle",
                            "Jane Smith_1001_assignsubmission_file_/essay.docx",
                            "the only file handed in"),
        "jane-smith_1002": ("Jane Smith", "1002", "moodle",
                            "Jane Smith_1002_assignsubmission_file/essay.pdf",
                            "the only file handed in"),
        "no-file_1006": ("No File", "1006", "moodle", None, "no submission file"),
        "zoe-nunez_1004": ("Zoë Ñúñez", "1004", "moodle",
                           "Zoë Ñúñez_1004_assignsubmission_file_/final.txt",
                           "the newest of 2 text documents (also handed in: draft.txt; "
                           "photo.jpg)"),
    }


def test_moodle_file_and_online_text_are_one_student(tmp_path: Path) -> None:
    found = students_in(make_zip(tmp_path / "m.zip", {
        "Ann Lee_7_assignsubmission_file_/essay.docx": ESSAY,
        "Ann Lee_7_assignsubmission_onlinetext_/onlinetext.html": ESSAY,
    }, dates={"Ann Lee_7_assignsubmission_file_/essay.docx": (2024, 5, 1, 0, 0, 0)}))
    assert list(found) == ["ann-lee_7"]
    assert found["ann-lee_7"][3].endswith("essay.docx")


def test_moodle_export_unpacked_inside_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "History 9B-Essay-123" / "Ann Lee_7_assignsubmission_file_"
    folder.mkdir(parents=True)
    (folder / "essay.txt").write_bytes(ESSAY)
    (tmp_path / "History 9B-Essay-123" / "Bo Chan_8_assignsubmission_file_").mkdir()
    found = students_in(tmp_path)
    assert found["ann-lee_7"][3] == \
        "History 9B-Essay-123/Ann Lee_7_assignsubmission_file_/essay.txt"
    assert found["bo-chan_8"][4] == "no submission file"


def test_canvas_export(tmp_path: Path) -> None:
    found = students_in(make_zip(tmp_path / "canvas.zip", {
        "smithjane_LATE_2001_9001_essay.docx": ESSAY,
        "leeann_2003_text.html": ESSAY,
        "kimbo_2004_9003_notes.png": ESSAY,
        "kimbo_2004_9004_Essay-1.txt": ESSAY,
        "parkjo_2005_link.html": ESSAY,  # a URL submission
        # Canvas keeps "_" in a name but joins "_<digits>_", so the first is the user id.
        "o_briensam_2006_9006_essay_2_final.docx": ESSAY,
    }))
    assert {k: v[:4] for k, v in found.items()} == {
        "kimbo_2004": ("kimbo", "2004", "canvas", "kimbo_2004_9004_Essay-1.txt"),
        "leeann_2003": ("leeann", "2003", "canvas", "leeann_2003_text.html"),
        "o-briensam_2006": ("o_briensam", "2006", "canvas",
                            "o_briensam_2006_9006_essay_2_final.docx"),
        "parkjo_2005": ("parkjo", "2005", "canvas", "parkjo_2005_link.html"),
        "smithjane_2001": ("smithjane", "2001", "canvas", "smithjane_LATE_2001_9001_essay.docx"),
    }
    assert found["kimbo_2004"][4] == (
        "the only text document (also handed in: kimbo_2004_9003_notes.png)")
    with open_class(tmp_path / "canvas.zip") as cls:
        late = {c.key: c.student.late for c in find_students(cls)}
    assert late == {"kimbo_2004": False, "leeann_2003": False, "o-briensam_2006": False,
                    "parkjo_2005": False, "smithjane_2001": True}


def test_plain_folder_stems_are_students(tmp_path: Path) -> None:
    (tmp_path / "Jane Smith.docx").write_bytes(ESSAY)
    (tmp_path / "Jane Smith.jpg").write_bytes(ESSAY)
    (tmp_path / "jane smith.txt").write_bytes(ESSAY)  # another student, same slug
    (tmp_path / ".DS_Store").write_bytes(b"x")
    (tmp_path / "~$ne Smith.docx").write_bytes(b"x")  # Word's lock file
    found = students_in(tmp_path)
    assert {k: v[:4] for k, v in found.items()} == {
        "jane-smith": ("Jane Smith", None, None, "Jane Smith.docx"),
        "jane-smith-2": ("jane smith", None, None, "jane smith.txt"),
    }


def test_keys_are_ascii_slugs_and_unique() -> None:
    assert student_key("Zoë Ñúñez-O'Brien", "42") == "zoe-nunez-o-brien_42"
    assert student_key("李雷", None) == "student"
    assert student_key("../../etc/passwd", None) == "etc-passwd"
    taken: set[str] = set()
    assert [unique_key(k, taken) for k in ("a", "a", "a_1", "a")] == ["a", "a-2", "a_1", "a-3"]
    # Canvas's anonymous ids differ by case alone; a file system may not tell them apart.
    assert [unique_key(k, taken) for k in ("anon_x7Kq2", "anon_X7kQ2")] == [
        "anon_x7Kq2", "anon_X7kQ2-2"]


def test_choose_file_prefers_text_documents_then_the_newest() -> None:
    old, new = InputFile("a/old.docx", 10, 100), InputFile("a/new.pdf", 10, 200)
    img = InputFile("a/scan.jpg", 10, 300)
    assert choose_file([]) == (None, "no submission file")
    assert choose_file([img]) == (img, "the only file handed in")
    assert choose_file([old, new, img]) == (
        new, "the newest of 2 text documents (also handed in: old.docx; scan.jpg)")
    same = InputFile("a/same.pdf", 10, 100)
    assert choose_file([same, old])[0] == old  # equal dates: .docx before .pdf


# --- refusing hostile or broken input ----------------------------------------------------


def refused(path: Path, limits: Limits | None = None) -> str:
    with pytest.raises(MarkerError) as caught, open_class(path, limits or Limits()):
        pass
    message = caught.value.message
    assert "\n" not in message and message.startswith(str(path))
    return message


def test_not_a_zip(tmp_path: Path) -> None:
    bad = tmp_path / "class.zip"
    bad.write_bytes(b"PK\x03\x04 but not really a zip")
    assert "neither a folder nor a zip archive" in refused(bad)
    assert "not found" in refused(tmp_path / "missing.zip")


@pytest.mark.parametrize(("member", "words"), [
    ("../evil.txt", "points outside the archive"),
    ("Jane_1_assignsubmission_file_/../../evil.txt", "points outside the archive"),
    ("/etc/evil.txt", "absolute path"),
    ("C:/evil.txt", "absolute path"),
])
def test_zip_slip_is_refused(tmp_path: Path, member: str, words: str) -> None:
    path = make_zip(tmp_path / "class.zip", {"ok.txt": ESSAY, member: ESSAY})
    assert words in refused(path)


def test_symlink_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "class.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("essay.txt")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    assert "is a symbolic link" in refused(path)


def test_zip_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    chunk = bytes(2**20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("essay.txt", "w", force_zip64=True) as member:
        for _ in range(300):  # 300 MB of zeros, about 300 KB packed
            member.write(chunk)
    assert path.stat().st_size < 2 * 2**20
    assert "expands 1,0" in refused(path)  # about 1,000 times


def test_too_many_members_or_bytes(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "class.zip", {f"s{i}.txt": ESSAY for i in range(5)})
    assert "the zip has 5 members; the limit is 4" in refused(path, Limits(members=4))
    assert "unpacks to more than 0 MB" in refused(path, Limits(total_bytes=100))


def test_member_over_the_file_limit_fails_alone(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "class.zip", {"big.txt": b"a " * (11 * 2**20), "ok.txt": ESSAY})
    with open_class(path, Limits(ratio=10**6)) as cls:  # not a bomb: one big essay
        big = next(f for f in cls.files if f.path == "big.txt")
        with pytest.raises(MarkerError, match=r"class.zip!big.txt: the file is 22.0 MB; "):
            cls.read(big)
        assert cls.read(next(f for f in cls.files if f.path == "ok.txt")) == ESSAY


def test_unreadable_file_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(ESSAY)
    with open_class(tmp_path) as cls:
        (tmp_path / "a.txt").unlink()
        with pytest.raises(MarkerError, match=r"a\.txt: cannot read the file"):
            cls.read(cls.files[0])


# --- the Moodle worksheet and Canvas CSV -------------------------------------------------

HEADER = ("Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
          "Last modified (submission),Last modified (grade),Feedback comments")


def worksheet(tmp_path: Path, header: str = HEADER) -> Path:
    rows = [header,
            'Participant 1001,Jane Smith,j@example.org,"Submitted for grading",,100.00,Yes,'
            '"Friday, 1 March 2024, 9:00 AM",-,',
            "Participant 1002,Jane Smith,j2@example.org,Submitted,,100.00,Yes,-,-,",
            "Participant 1050,Ali Khan,a@example.org,No submission,,100.00,Yes,-,-,",
            "Participant 1099,Not In Class,n@example.org,No submission,,100.00,Yes,-,-,old"]
    path = tmp_path / "worksheet.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(rows) + "\r\n").encode("utf-8"))
    return path


def test_worksheet_round_trip(tmp_path: Path) -> None:
    sheet = read_worksheet(worksheet(tmp_path))
    grades = [Grade("Jane Smith", "1001", 20, 25),
              Grade("Jane Smith", "1002", 10, 25, "Dates, with a \"quote\", and more."),
              Grade("ali khan", None, 5, 25, "by name"),  # no id (a folder): by name
              Grade("Ghost", "5", 1, 25, "nowhere"),
              Grade("Ali Khan", "77", 5, 25, "another id")]  # a participant of another
    # assignment: never matched by name
    text, unmatched = fill_worksheet(sheet, grades)
    assert text.startswith("\ufeffIdentifier,") and text.count("\r\n") == 5
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows[0] == HEADER.split(",")
    assert rows[1][4] == "80.00"
    assert rows[1][9] == '<div class="marker-feedback"><p>Mark 20/25.</p></div>'
    assert rows[1][7] == "Friday, 1 March 2024, 9:00 AM"
    assert rows[2][4] == "40.00" and rows[2][9] == (
        '<div class="marker-feedback"><p>Mark 10/25.</p><p>First to fix: Dates, with a '
        '"quote", and more.</p></div>')
    assert rows[3][4] == "20.00" and "<p>First to fix: by name</p>" in rows[3][9]
    assert rows[4] == ["Participant 1099", "Not In Class", "n@example.org", "No submission", "",
                       "100.00", "Yes", "-", "-", "old"]
    assert unmatched == [grades[3], grades[4]]


def test_worksheet_in_another_language_is_refused(tmp_path: Path) -> None:
    path = worksheet(tmp_path, "Identificador,Nombre completo,Dirección de correo,Estado,"
                               "Calificación,Calificación máxima,Se puede cambiar,a,b,"
                               "Comentarios de retroalimentación")
    with pytest.raises(MarkerError) as caught:
        read_worksheet(path)
    assert "another language" in caught.value.message
    assert "Identificador, Nombre completo" in caught.value.message


def test_worksheet_missing_columns_is_refused(tmp_path: Path) -> None:
    path = worksheet(tmp_path, HEADER.replace(",Grade,", ",Note,"))
    with pytest.raises(MarkerError, match="has no 'Grade' column, which Moodle needs"):
        read_worksheet(path)
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(MarkerError, match="the worksheet is empty"):
        read_worksheet(tmp_path / "empty.csv")
    (tmp_path / "latin1.csv").write_bytes(HEADER.encode() + b"\nP 1,J\xe9r\xf4me,,,,,,,,\n")
    with pytest.raises(MarkerError, match="not UTF-8"):
        read_worksheet(tmp_path / "latin1.csv")


def test_canvas_csv() -> None:
    text = canvas_csv([Grade("smithjane", "2001", 18, 25, "x"), Grade("kimbo", "2002", 7, 25)],
                      CanvasTarget("Essay 1 (4455)", 25))
    assert text.splitlines() == ["Student,ID,SIS User ID,SIS Login ID,Section,Essay 1 (4455)",
                                 "    Points Possible,,,,,25",
                                 "smithjane,2001,,,,18", "kimbo,2002,,,,7"]
    assert canvas_csv([], CanvasTarget("Essay", 25)).startswith(
        "Student,ID,SIS User ID,SIS Login ID,Section,Essay\r\n")


# --- overrides, pure ---------------------------------------------------------------------


def _students(tmp_path: Path):
    path = make_zip(tmp_path / "m.zip", {
        "Jane Smith_1_assignsubmission_file_/a.txt": ESSAY,
        "Jane Smith_2_assignsubmission_file_/a.txt": ESSAY,
        "Ali Khan_3_assignsubmission_file_/a.txt": ESSAY,
    })
    with open_class(path) as cls:
        return find_students(cls)


def test_overrides_are_checked(tmp_path: Path) -> None:
    rubric = load_rubric(None)
    first = rubric.criteria[0]
    (tmp_path / "overrides.csv").write_text(
        "\ufeffStudent,Criterion,Mark,Comment\n"
        f"jane-smith_1,{first.id},{first.max},Excellent use of dates\n"
        f"Ali Khan,{first.name.upper()},0,\n"
        f"3,{first.id},1,again\n"
        f"Jane Smith,{first.id},1,\n"
        f"Nobody,{first.id},1,\n"
        f"jane-smith_2,knowlege,1,\n"
        f"jane-smith_2,{first.id},{first.max + 1},\n"
        f"jane-smith_2,{first.id},2.5,\n"
        "\n", encoding="utf-8")
    rows = read_overrides(tmp_path / "overrides.csv")
    found, problems = check_overrides(rows, _students(tmp_path), rubric, "o.csv")
    assert {k: [(o.row, o.criterion, o.mark, o.comment) for o in v] for k, v in found.items()} \
        == {"jane-smith_1": [(2, first.id, first.max, "Excellent use of dates")],
            "ali-khan_3": [(3, first.id, 0, "")]}
    assert problems == [
        f"o.csv:4: repeats the override of {first.id} for ali-khan_3 in line 3; only line 3 "
        "is used",
        "o.csv:5: 2 students match 'Jane Smith'; write the key instead (jane-smith_1 or "
        "jane-smith_2)",
        "o.csv:6: no student 'Nobody' in this class (use the key from grades.csv or "
        "manifest.json, e.g. jane-smith_12345)",
        f"o.csv:7: no criterion 'knowlege' in rubric {rubric.id} (criteria: "
        + ", ".join(c.id for c in rubric.criteria) + ")",
        f"o.csv:8: mark '{first.max + 1}' for {first.id} is not a whole number from 0 to "
        f"{first.max}",
        f"o.csv:9: mark '2.5' for {first.id} is not a whole number from 0 to {first.max}",
    ]


def test_overrides_header_is_required(tmp_path: Path) -> None:
    assert read_overrides(tmp_path / "none.csv") == []
    (tmp_path / "o.csv").write_text("name,points\nJane,3\n")
    with pytest.raises(MarkerError, match="must be the header student,criterion,mark,comment"):
        read_overrides(tmp_path / "o.csv")


def test_apply_and_strip_overrides_round_trip(tmp_path: Path) -> None:
    rubric = load_rubric(None)
    first = rubric.criteria[0]
    data = {"criteria": [{"id": c.id, "name": c.name, "mark": 1, "max": c.max,
                          "band": c.band(1).descriptor, "band_marks": c.band(1).marks,
                          "score": 0.1, "reasons": ["Marker's reason."], "next_steps": []}
                         for c in rubric.criteria],
            "total": {"mark": len(rubric.criteria), "max": rubric.total}}
    found, _ = check_overrides(
        [{"student": "ali-khan_3", "criterion": first.id, "mark": str(first.max),
          "comment": "Well argued.", "row": "2"}], _students(tmp_path), rubric)
    changed = apply_overrides(data, found["ali-khan_3"], rubric)
    crit = changed["criteria"][0]
    assert crit["mark"] == first.max and crit["marker_mark"] == 1
    assert crit["teacher_mark"] is True and crit["teacher_comment"] == "Well argued."
    assert crit["reasons"] == ["Teacher's comment: Well argued.", "Marker's reason."]
    assert crit["band"] == first.band(first.max).descriptor
    assert changed["total"] == {"mark": len(rubric.criteria) - 1 + first.max,
                                "max": rubric.total}
    assert data["criteria"][0]["mark"] == 1, "the input is not changed"
    assert strip_overrides(changed, rubric) == data


# --- class statistics --------------------------------------------------------------------


def test_histogram_bins() -> None:
    bins = histogram([0, 4, 5, 24, 25, 25], 25)
    assert [(b["label"], b["count"]) for b in bins] == [
        ("0–4", 2), ("5–9", 1), ("10–14", 0), ("15–19", 0), ("20–25", 3)]
    assert [b["label"] for b in histogram([3], 7)] == [str(i) for i in range(8)]
    assert histogram([], 25)[0]["pct"] == 0


def test_near_duplicates() -> None:
    base = ("Stalin signed the Nazi-Soviet Pact in August 1939 to buy time, while Litvinov's "
            "collective security had failed at Munich, and the purges had weakened the army.")
    other = ("Lenin accepted the Treaty of Brest-Litovsk in March 1918 because the old army "
             "had collapsed and the Bolsheviks needed a breathing space to win the civil war.")
    third = ("Rapallo in 1922 ended Soviet isolation: Chicherin made a deal with Germany, and "
             "secret military cooperation followed for a decade.")
    copy = base.replace("buy time", "gain time")
    pairs = near_duplicates([base, other, copy, third])
    assert [(i, j) for i, j, _ in pairs] == [(0, 2)]
    assert 0.5 < pairs[0][2] < 1
    assert near_duplicates([base]) == []
    # Texts without a word of two letters: nothing to compare (TF-IDF would raise).
    assert near_duplicates(["a", "I", "?"]) == []
    assert near_duplicates(["a", base]) == []


def test_folder_symlink_to_nowhere_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(ESSAY)
    os.symlink(tmp_path / "missing.txt", tmp_path / "b.txt")
    assert list(students_in(tmp_path)) == ["a"]


def test_folder_with_too_many_files(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"s{i}.txt").write_bytes(ESSAY)
    assert "more than 4 files; is this the folder of one class?" in refused(
        tmp_path, Limits(members=4))
