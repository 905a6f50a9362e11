"""Zip member names without the UTF-8 flag: Canvas writes UTF-8 names without it (rubyzip's
default), an old Windows zip tool writes its code page; both come out as written."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lmsfixtures import canvas_name, unflagged_zip

from marker.lms import find_students, member_name, open_class

ESSAY = b"The Nazi-Soviet Pact was signed in August 1939."


def names(path: Path) -> dict[str, tuple[str, str | None, str | None]]:
    with open_class(path) as cls:
        return {c.key: (c.student.name, c.student.id, c.file.path if c.file else None)
                for c in find_students(cls)}


def test_canvas_utf8_names_without_the_flag(tmp_path: Path) -> None:
    member = canvas_name("Álvarez Núñez, Zoë", "2001", file_id="9001", file_name="Ensayo_1.docx")
    assert member == "álvareznúñezzoë_2001_9001_Ensayo_1.docx"
    path = unflagged_zip(tmp_path / "canvas.zip", {member: ESSAY})
    with zipfile.ZipFile(path) as archive:
        info = archive.infolist()[0]
        assert not info.flag_bits & 0x800 and info.filename.startswith("├í")  # as read raw
    assert names(path) == {"alvareznunezzoe_2001": ("álvareznúñezzoë", "2001", member)}
    with open_class(path) as cls:
        assert cls.read(cls.files[0]) == ESSAY


def test_code_page_437_names_stay_code_page_437(tmp_path: Path) -> None:
    path = unflagged_zip(tmp_path / "old.zip", {"Zoë Ñúñez.txt": ESSAY}, encoding="cp437")
    assert names(path) == {"zoe-nunez": ("Zoë Ñúñez", None, "Zoë Ñúñez.txt")}


def test_flagged_and_ascii_names_are_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "flagged.zip"
    with zipfile.ZipFile(path, "w") as archive:  # Python sets the flag for non-ASCII names
        archive.writestr("Zoë_7_assignsubmission_file/essay.txt", ESSAY)
        archive.writestr("plain.txt", ESSAY)
    with zipfile.ZipFile(path) as archive:
        assert [member_name(i) for i in archive.infolist()] == [
            "Zoë_7_assignsubmission_file/essay.txt", "plain.txt"]
