"""Reading submissions: every format and encoding, and every way a file can be bad."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import random
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import odfdo
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from filemakers import (
    make_docx,
    make_encrypted_pdf,
    make_odt,
    make_pdf,
    make_rtf,
    make_scanned_pdf,
)
from pypdf.errors import DependencyError

from marker import read
from marker.errors import MarkerError
from marker.read import MAX_BYTES, MAX_WORDS, Submission, read_bytes, read_path

PILSUDSKI = "Józef Piłsudski’s “Miracle on the Vistula” (1920) stopped the Red Army."
CP1252_TEXT = "Stalin’s “socialism in one country” was not naïve — the régime’s élite knew it."
BODY = [
    "The Treaty of Brest-Litovsk gave Lenin a breathing space in 1918.",
    "Rapallo in 1922 ended the diplomatic isolation of Soviet Russia.",
    "The Nazi-Soviet Pact of August 1939 bought time but little else.",
]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


def expect_error(call: Callable[[], object], name: str, *fragments: str) -> str:
    """Run ``call``; its MarkerError must be one line, start with the file and say the problem."""
    with pytest.raises(MarkerError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(f"{name}: "), message
    for fragment in fragments:
        assert fragment in message, message
    return message


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def zip_bytes(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()


# --- text encodings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (PILSUDSKI.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + PILSUDSKI.encode("utf-8"), "utf-8-sig"),
        (b"\xff\xfe" + PILSUDSKI.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + PILSUDSKI.encode("utf-16-be"), "utf-16-be"),
        (((PILSUDSKI + "\n") * 3).encode("utf-16-le"), "utf-16-le"),  # no BOM
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le-no-bom"],
)
def test_unicode_text_files(tmp_path: Path, data: bytes, encoding: str) -> None:
    sub = read_path(write(tmp_path / "essay.txt", data))
    assert sub.raw_text.strip().splitlines()[0] == PILSUDSKI  # BOM removed, text exact
    assert sub.encoding == encoding
    assert sub.format == "txt"
    assert sub.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    "text", [CP1252_TEXT, "Józef Beck, the Polish foreign minister, said “no”."]
)
def test_windows_1252_text(tmp_path: Path, text: str) -> None:
    data = text.encode("cp1252")
    sub = read_path(write(tmp_path / "essay.txt", data))
    assert sub.raw_text == text
    assert sub.encoding == "cp1252"
    assert sub.sha256 == hashlib.sha256(data).hexdigest()


def test_other_legacy_encodings_are_detected(tmp_path: Path) -> None:
    text = "Иосиф Сталин и Вячеслав Молотов подписали пакт с Германией в августе 1939 года."
    sub = read_path(write(tmp_path / "essay.txt", text.encode("cp1251")))
    assert (sub.raw_text, sub.encoding) == (text, "cp1251")


def test_newlines_are_normalised(tmp_path: Path) -> None:
    sub = read_path(write(tmp_path / "essay.txt", b"one\r\ntwo\rthree\n\r\nfour"))
    assert sub.raw_text == "one\ntwo\nthree\n\nfour"


@pytest.mark.parametrize(("name", "fmt"), [("essay.md", "md"), ("essay.TEXT", "txt")])
def test_markdown_and_text_extensions(tmp_path: Path, name: str, fmt: str) -> None:
    sub = read_path(write(tmp_path / name, b"# Title\n\nBody text here."))
    assert sub.format == fmt
    assert sub.raw_text == "# Title\n\nBody text here."


def test_path_objects_and_path_as_given(tmp_path: Path) -> None:
    path = tmp_path / "essay.txt"
    path.write_bytes(b"Some text.")
    sub = read_path(path)
    assert sub == Submission(
        path=str(path),
        raw_text="Some text.",
        format="txt",
        sha256=hashlib.sha256(b"Some text.").hexdigest(),
        encoding="utf-8",
    )


# --- Word --------------------------------------------------------------------------


def test_docx_body_in_order_without_header_footer_footnote(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "essay.docx",
        [BODY[0], "", PILSUDSKI, BODY[1]],
        header="HEADER Candidate 1234",
        footer="FOOTER Page 1",
        footnote="FOOTNOTE Service, Lenin, p. 12",
        table=[["Cell A1", "Cell B1"], ["Cell A2", "Cell B2"]],
    )
    sub = read_path(path)
    assert sub.format == "docx"
    assert sub.encoding is None
    assert sub.raw_text == "\n\n".join(
        [BODY[0], PILSUDSKI, BODY[1], "Cell A1", "Cell B1", "Cell A2", "Cell B2"]
    )
    for furniture in ("HEADER", "FOOTER", "FOOTNOTE", "Candidate", "Service"):
        assert furniture not in sub.raw_text
    assert sub.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_docx_tracked_changes_and_text_boxes(tmp_path: Path) -> None:
    ns = nsdecls("w") + ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    document = docx.Document()
    paragraph = document.add_paragraph("Kept ")
    paragraph._p.append(parse_xml(f'<w:ins {ns} w:id="1"><w:r><w:t>inserted</w:t></w:r></w:ins>'))
    paragraph._p.append(
        parse_xml(f'<w:del {ns} w:id="2"><w:r><w:delText>deleted</w:delText></w:r></w:del>')
    )
    box = "<w:txbxContent><w:p><w:r><w:t>Box text</w:t></w:r></w:p></w:txbxContent>"
    paragraph._p.append(
        parse_xml(
            f"<w:r {ns}><mc:AlternateContent><mc:Choice>{box}</mc:Choice>"
            f"<mc:Fallback>{box}</mc:Fallback></mc:AlternateContent></w:r>"
        )
    )
    document.add_paragraph("Tab\there").add_run().add_break()
    path = tmp_path / "essay.docx"
    document.save(str(path))
    assert read_path(path).raw_text == "Kept inserted\n\nBox text\n\nTab\there\n"


# --- PDF ---------------------------------------------------------------------------


def test_pdf_pages_joined_by_form_feed(tmp_path: Path) -> None:
    """Pages are separated by a form feed so the normaliser can find running headers."""
    path = make_pdf(tmp_path / "essay.pdf", [BODY[0], CP1252_TEXT], page_per_paragraph=True)
    sub = read_path(path)
    assert sub.format == "pdf"
    assert sub.raw_text == f"{BODY[0]}\n\f\n{CP1252_TEXT}"
    assert sub.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_pdf_paragraphs_on_one_page(tmp_path: Path) -> None:
    sub = read_path(make_pdf(tmp_path / "essay.pdf", BODY))
    assert [line for line in sub.raw_text.splitlines() if line] == BODY


def test_pdf_encrypted_without_user_password_opens(tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "essay.pdf", BODY, user_password="")
    assert BODY[2] in read_path(path).raw_text


def test_short_pdf_without_images_is_not_called_scanned(tmp_path: Path) -> None:
    assert read_path(make_pdf(tmp_path / "essay.pdf", ["Short."])).raw_text == "Short."


def test_pypdf_warnings_do_not_leak(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    data = make_pdf(tmp_path / "essay.pdf", BODY).read_bytes()
    path = write(tmp_path / "broken.pdf", data[: len(data) // 2])
    expect_error(lambda: read_path(path), path, "the PDF is damaged")
    assert not [record for record in caplog.records if record.name.startswith("pypdf")]
    assert logging.getLogger("pypdf").level == logging.NOTSET  # restored


# --- OpenDocument, RTF, HTML -------------------------------------------------------


def test_odt_headings_and_body_without_header_footer_notes(tmp_path: Path) -> None:
    path = make_odt(
        tmp_path / "essay.odt",
        [BODY[0], "", PILSUDSKI, "Two  spaces\tand a tab"],
        header="HEADER Candidate 1234",
        footer="FOOTER Page 1",
        footnote="FOOTNOTE Service, Lenin, p. 12",
        heading="Soviet foreign policy",
    )
    sub = read_path(path)
    assert sub.format == "odt"
    assert sub.raw_text == "\n\n".join(
        ["Soviet foreign policy", BODY[0], PILSUDSKI, "Two  spaces\tand a tab"]
    )


def test_odt_lists_tables_sections_spans_and_frames(tmp_path: Path) -> None:
    document = odfdo.Document("text")
    body = document.body
    body.clear()
    section = odfdo.Section(name="S1")
    section.append(odfdo.Paragraph("In a section"))
    body.append(section)
    body.append(odfdo.List(["Item one", "Item two"]))
    table = odfdo.Table("T", width=2, height=1)
    table.set_value("A1", "Cell A")
    table.set_value("B1", "Cell B")
    body.append(table)
    paragraph = odfdo.Paragraph("Before ")
    paragraph.append(odfdo.Span("spanned", style="Emphasis"))
    paragraph.append(odfdo.Link("https://example.org", text=" linked"))
    paragraph.append(odfdo.Annotation("COMMENT by the teacher", creator="T"))
    paragraph.append(odfdo.Frame.text_frame("Box text", size=("5cm", "2cm"), position=("0", "0")))
    paragraph.append(odfdo.LineBreak())
    paragraph.append("after")
    body.append(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    sub = read_path(write(tmp_path / "essay.odt", buffer.getvalue()))
    assert sub.raw_text == "\n\n".join(
        [
            "In a section",
            "Item one",
            "Item two",
            "Cell A",
            "Cell B",
            "Before spanned linked\nafter",
            "Box text",
        ]
    )


def test_rtf_escapes_and_excluded_groups(tmp_path: Path) -> None:
    path = make_rtf(
        tmp_path / "essay.rtf",
        [PILSUDSKI, CP1252_TEXT, "Braces {like} these \\ too."],
        header="HEADER Candidate",
        footer="FOOTER Page",
        footnote="FOOTNOTE Service",
    )
    sub = read_path(path)
    assert sub.format == "rtf"
    assert sub.raw_text == f"{PILSUDSKI}\n\n{CP1252_TEXT}\n\nBraces {{like}} these \\ too."


@pytest.mark.parametrize(
    "data",
    [
        b"{\\rtf1\\ansi\\ansicpg1250 Pi\\'b3sudski\\par}",  # Central European code page
        "{\\rtf1\\ansi Piłsudski\\par}".encode(),  # raw UTF-8 in the file
    ],
)
def test_rtf_code_pages(tmp_path: Path, data: bytes) -> None:
    assert read_path(write(tmp_path / "essay.rtf", data)).raw_text == "Piłsudski"


def test_rtf_raw_windows_1252_bytes(tmp_path: Path) -> None:
    data = b"{\\rtf1\\ansi " + CP1252_TEXT.encode("cp1252") + b"\\par}"
    assert read_path(write(tmp_path / "essay.rtf", data)).raw_text == CP1252_TEXT


def test_rtf_raw_bytes_outside_windows_1252(tmp_path: Path) -> None:
    data = b"{\\rtf1\\ansi caf\xe9 \x81\\par}"  # 0x81 is undefined in cp1252: latin-1
    assert read_path(write(tmp_path / "essay.rtf", data)).raw_text.startswith("café")


HTML = """<!DOCTYPE html>
<html><head><title>Title not shown</title>
<style>p { color: red; }</style><script>var hidden = "script text";</script></head>
<body><h1>Soviet   foreign
policy</h1><p>Brest-Litovsk &amp; Rapallo &#8212; &ldquo;breathing space&rdquo;.</p>
<div>Line one<br>Line two</div>
<ul><li>First item</li><li>Second item</li></ul>
<table><tr><td>Cell A</td><td>Cell B</td></tr></table>
<template>Template text</template><noscript>Enable JavaScript</noscript>
</body></html>"""
HTML_TEXT = "\n\n".join(
    [
        "Soviet foreign policy",
        "Brest-Litovsk & Rapallo — “breathing space”.",
        "Line one",
        "Line two",
        "First item",
        "Second item",
        "Cell A Cell B",
    ]
)


@pytest.mark.parametrize("name", ["essay.html", "essay.HTM"])
def test_html_visible_text(tmp_path: Path, name: str) -> None:
    sub = read_path(write(tmp_path / name, HTML.encode()))
    assert sub.format == "html"
    assert sub.encoding == "utf-8"
    assert sub.raw_text == HTML_TEXT


@pytest.mark.parametrize("declared", ["windows-1252", "us-ascii", "no-such-charset"])
def test_html_declared_charset(tmp_path: Path, declared: str) -> None:
    """The declared charset is used when it fits; otherwise detection decides."""
    page = f'<html><head><meta charset="{declared}"></head><body><p>{CP1252_TEXT}</p></body></html>'
    sub = read_path(write(tmp_path / "essay.html", page.encode("cp1252")))
    assert sub.raw_text == CP1252_TEXT
    assert sub.encoding == "cp1252"


# --- stdin, unknown extensions, archive members ------------------------------------


def test_stdin_text() -> None:
    data = CP1252_TEXT.encode("cp1252")
    sub = read_path("-", stdin=io.BytesIO(data))
    assert (sub.path, sub.format, sub.raw_text) == ("-", "txt", CP1252_TEXT)
    assert sub.sha256 == hashlib.sha256(data).hexdigest()


def test_stdin_html_by_content() -> None:
    sub = read_path("-", stdin=io.BytesIO(HTML.encode()))
    assert (sub.format, sub.raw_text) == ("html", HTML_TEXT)


@pytest.mark.parametrize(
    ("maker", "fmt"), [(make_docx, "docx"), (make_pdf, "pdf"), (make_rtf, "rtf"), (make_odt, "odt")]
)
def test_stdin_documents_by_content(
    tmp_path: Path, maker: Callable[[Path, list[str]], Path], fmt: str
) -> None:
    data = maker(tmp_path / "essay", BODY).read_bytes()
    sub = read_path("-", stdin=io.BytesIO(data))
    assert sub.format == fmt
    assert [line for line in sub.raw_text.splitlines() if line] == BODY


def test_stdin_defaults_to_sys_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"From a pipe.")))
    assert read_path("-").raw_text == "From a pipe."


def test_no_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    expect_error(lambda: read_path("-"), "<stdin>", "no standard input")


def test_stdin_read_error() -> None:
    class Broken(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise OSError(5, "Input/output error")

    expect_error(lambda: read_path("-", stdin=Broken()), "<stdin>", "cannot read standard input")


def test_unknown_extension_and_no_extension_read_as_text(tmp_path: Path) -> None:
    assert read_path(write(tmp_path / "essay.xyz", b"Plain words.")).format == "txt"
    assert read_path(write(tmp_path / "ESSAY", b"Plain words.")).raw_text == "Plain words."


def test_unknown_extension_recognises_documents(tmp_path: Path) -> None:
    data = make_odt(tmp_path / "essay.odt", BODY).read_bytes()
    assert read_path(write(tmp_path / "essay.bin", data)).format == "odt"


def test_doc_that_is_really_rtf(tmp_path: Path) -> None:
    data = make_rtf(tmp_path / "essay.rtf", BODY).read_bytes()
    sub = read_path(write(tmp_path / "essay.doc", data))
    assert (sub.format, sub.raw_text) == ("rtf", "\n\n".join(BODY))


def test_read_bytes_archive_members(tmp_path: Path) -> None:
    data = make_docx(tmp_path / "essay.docx", BODY).read_bytes()
    sub = read_bytes(data, "class.zip!folder/Essay.DOCX")
    assert (sub.path, sub.format) == ("class.zip!folder/Essay.DOCX", "docx")
    assert read_bytes(b"Some text.", "class.zip!notes").format == "txt"


def test_word_limit_is_inclusive() -> None:
    assert len(read_bytes(b"word " * MAX_WORDS, "essay.txt").raw_text.split()) == MAX_WORDS


# --- bad files: the file system ----------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.txt")
    expect_error(lambda: read_path(path), path, "file not found")


def test_directory(tmp_path: Path) -> None:
    expect_error(lambda: read_path(tmp_path), str(tmp_path), "is a directory, not a file")


def test_not_a_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    expect_error(lambda: read_path(path), str(path), "is not a regular file")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "essay.txt", b"Some text.")
    os.chmod(path, 0)
    if os.access(path, os.R_OK):  # root reads anything: make open() refuse instead

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied", path)

        monkeypatch.setattr(read, "open", refuse, raising=False)
    expect_error(lambda: read_path(path), path, "permission denied")


def test_read_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "essay.txt", b"Some text.")

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(read, "open", failing, raising=False)
    expect_error(lambda: read_path(path), path, "cannot read the file (Input/output error)")


def test_file_larger_than_its_stat_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Like /proc files (size 0) or a file still being written: the read itself is capped."""
    path = write(tmp_path / "essay.txt", b"a" * (MAX_BYTES + 1))
    real_stat = os.stat
    monkeypatch.setattr(
        read.os,
        "stat",
        lambda name: os.stat_result((*real_stat(name)[:6], 0, *real_stat(name)[7:])),
    )
    expect_error(lambda: read_path(path), path, "is 20.1 MB; the limit is 20 MB")


def test_too_big_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "essay.txt"
    with open(path, "wb") as handle:
        handle.truncate(int(25.3 * 2**20))  # sparse: no 25 MB written

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(read, "open", no_reading, raising=False)
    expect_error(lambda: read_path(path), str(path), "is 25.3 MB; the limit is 20 MB")


def test_too_big_bytes_and_stdin() -> None:
    data = b"a" * (MAX_BYTES + 1)
    expect_error(
        lambda: read_bytes(data, "a.zip!essay.txt"), "a.zip!essay.txt", "the limit is 20 MB"
    )
    expect_error(lambda: read_path("-", stdin=io.BytesIO(data)), "<stdin>", "the limit is 20 MB")


def test_file_name_with_newline_keeps_message_on_one_line(tmp_path: Path) -> None:
    path = str(tmp_path / "bad\nname.txt")
    expect_error(lambda: read_path(path), str(tmp_path / "bad\\nname.txt"), "file not found")


# --- bad files: content ------------------------------------------------------------


@pytest.mark.parametrize("name", ["essay.txt", "essay.docx", "essay.pdf", "essay.rtf"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, b"")
    expect_error(lambda: read_path(path), path, "the file is empty")


def test_whitespace_only(tmp_path: Path) -> None:
    path = write(tmp_path / "essay.txt", b" \r\n\t\n  ")
    expect_error(lambda: read_path(path), path, "contains no text")


def test_docx_with_only_empty_paragraphs(tmp_path: Path) -> None:
    path = str(make_docx(tmp_path / "essay.docx", ["", "   "], header="Header only"))
    expect_error(lambda: read_path(path), path, "contains no text")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PNG, "(PNG image)"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(32), "(JPEG image)"),
        (b"GIF89a" + bytes(32), "(GIF image)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "(PDF document)"),
        (zip_bytes({"a.txt": "x"}), "(zip archive)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(32), "(old-format .doc"),
        (b"Looks like text\x00\x00\x01 but has NULs", "(it contains NUL bytes)"),
        (b"\xff\xfe" + b"\x00\xd8" + b"a\x00", "(invalid UTF-16-LE after a byte-order mark)"),
        (bytes(range(1, 32)) * 40, ", not text"),
        (bytes(b for b in random.Random(5).randbytes(4096) if b), ", not text"),
        (b"\x00\x00\x00\x18ftypheic" + bytes(32), "(HEIC image)"),
        (b"RIFF\x00\x10\x00\x00WEBPVP8 " + bytes(32), "(WebP image)"),
        (b"PK\x03\x04" + bytes(64), "(damaged zip archive)"),
    ],
    ids=[
        "png",
        "jpeg",
        "gif",
        "pdf",
        "zip",
        "ole2",
        "nul",
        "bad-utf16",
        "control-chars",
        "random",
        "heic",
        "webp",
        "damaged-zip",
    ],
)
def test_binary_renamed_to_txt(tmp_path: Path, data: bytes, kind: str) -> None:
    path = write(tmp_path / "essay.txt", data)
    message = expect_error(lambda: read_path(path), path, "looks like a binary file", kind)
    assert message.endswith(", not text")


def test_binary_renamed_to_html(tmp_path: Path) -> None:
    path = write(tmp_path / "essay.html", PNG)
    expect_error(lambda: read_path(path), path, "looks like a binary file (PNG image), not text")


def test_binary_on_stdin() -> None:
    expect_error(
        lambda: read_path("-", stdin=io.BytesIO(PNG)),
        "<stdin>",
        "looks like a binary file (PNG image), not text",
    )


@pytest.mark.parametrize(("name", "kind"), [("photo.xyz", "'.xyz'"), ("photo", "(no extension)")])
def test_unknown_type_not_text(tmp_path: Path, name: str, kind: str) -> None:
    path = write(tmp_path / name, PNG)
    expect_error(
        lambda: read_path(path), path, f"unknown file type {kind} and the content is not text"
    )


def test_old_word_doc(tmp_path: Path) -> None:
    path = write(tmp_path / "essay.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    expect_error(lambda: read_path(path), path, "old binary Word .doc", "save it as .docx")


def test_too_many_words(tmp_path: Path) -> None:
    path = write(tmp_path / "essay.txt", b"word " * 250_312)
    expect_error(lambda: read_path(path), path, "250,312 words; the limit is 200,000")


# --- bad Word files ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (random.Random(7).randbytes(2048), "not a valid .docx file (it is not a zip archive)"),
        (b"Just some text, saved as .docx", "(it is plain text, not a zip archive)"),
        (b"%PDF-1.4\n...", "(it is a PDF document, not a zip archive)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old-format .doc (or password-protected"),
        (zip_bytes({"notes.txt": "x"}), "(it is a zip archive, not a Word document)"),
        (
            zip_bytes(
                {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}
            ),
            "(it is an OpenDocument text document, not a Word document)",
        ),
    ],
    ids=["random", "text", "pdf", "ole2", "zip", "odt"],
)
def test_docx_wrong_content(tmp_path: Path, data: bytes, problem: str) -> None:
    path = write(tmp_path / "essay.docx", data)
    expect_error(lambda: read_path(path), path, problem)


_DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _repackaged(docx_data: bytes, content_type: bytes | None = None,
                drop: str | None = None) -> bytes:
    """The same Word package with its main part declared as ``content_type``, or a member
    left out."""
    members = {}
    with zipfile.ZipFile(io.BytesIO(docx_data)) as source:
        for name in source.namelist():
            if name != drop:
                members[name] = source.read(name)
    if content_type is not None:
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            _DOCX_MAIN, content_type)
    return zip_bytes(members)


@pytest.mark.parametrize(
    ("content_type", "drop", "message"),
    [
        (b"application/vnd.ms-word.document.macroEnabled.main+xml", None,
         "not a valid .docx file (it is a macro-enabled Word document (.docm)); open it in "
         "Word and save it as a .docx document"),
        (b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
         None, "(it is a Word template (.dotx)); open it in Word and save it as a .docx"),
        (None, "word/styles.xml", "the .docx file is damaged (\"There is no item named "
         "'word/styles.xml' in the archive\")"),
        (None, "[Content_Types].xml", "the .docx file is damaged"),
    ],
    ids=["docm", "dotx", "part-missing", "no-content-types"],
)
def test_a_word_package_python_docx_refuses_is_named_for_what_it_is(
        tmp_path: Path, content_type: bytes | None, drop: str | None, message: str) -> None:
    good = make_docx(tmp_path / "good.docx", BODY).read_bytes()
    path = write(tmp_path / "essay.docx", _repackaged(good, content_type, drop))
    error = expect_error(lambda: read_path(path), path, message)
    assert "not a Word document" not in error


def test_docx_truncated_zip(tmp_path: Path) -> None:
    data = make_docx(tmp_path / "good.docx", BODY).read_bytes()
    path = write(tmp_path / "essay.docx", data[: len(data) // 2])
    expect_error(
        lambda: read_path(path), path, "not a valid .docx file (its zip archive is damaged)"
    )


def test_docx_damaged_xml(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx", BODY).read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, content[:80] if info.filename == "word/document.xml" else content)
    path = write(tmp_path / "essay.docx", buffer.getvalue())
    expect_error(lambda: read_path(path), path, "the .docx file is damaged (")


def test_docx_that_unpacks_too_big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "_MAX_UNPACKED", 1000)
    path = str(make_docx(tmp_path / "essay.docx", BODY))
    expect_error(lambda: read_path(path), path, "the document unpacks to", "MB allowed")


# --- bad PDFs ----------------------------------------------------------------------


def test_scanned_pdf(tmp_path: Path) -> None:
    path = str(make_scanned_pdf(tmp_path / "essay.pdf", pages=2))
    expect_error(
        lambda: read_path(path),
        path,
        "the PDF has no text layer (it looks scanned); save it as text or run OCR first",
    )


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = str(make_encrypted_pdf(tmp_path / "essay.pdf", BODY))
    expect_error(lambda: read_path(path), path, "the PDF is encrypted")


def test_pdf_encryption_needing_a_missing_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def needs_aes(*args: object) -> None:
        raise DependencyError("cryptography is required for AES algorithm")

    monkeypatch.setattr("pypdf.PdfReader.decrypt", needs_aes)
    path = str(make_encrypted_pdf(tmp_path / "essay.pdf", BODY, user_password=""))
    expect_error(lambda: read_path(path), path, "the PDF is encrypted with AES", "'cryptography'")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"%PDF-1.4\nthis is not really a PDF at all", "the PDF is damaged and cannot be read ("),
        (
            b"An essay saved as text, named .pdf",
            "not a valid .pdf file (it is plain text, not a PDF",
        ),
        (PNG, "not a valid .pdf file (it is a PNG image, not a PDF document)"),
        (random.Random(3).randbytes(512), "not a valid .pdf file (it is not a PDF document)"),
        (b"{\\rtf1 hello}", "(it is an RTF document, not a PDF document)"),
    ],
    ids=["garbage", "text", "png", "random", "rtf"],
)
def test_pdf_bad_content(tmp_path: Path, data: bytes, problem: str) -> None:
    path = write(tmp_path / "essay.pdf", data)
    expect_error(lambda: read_path(path), path, problem)


# --- bad OpenDocument and RTF files ------------------------------------------------


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"Plain text named .odt", "not a valid .odt file (it is plain text, not a zip archive)"),
        (
            zip_bytes({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
            "(it is an OpenDocument spreadsheet, not an OpenDocument text document)",
        ),
        (zip_bytes({"notes.txt": "x"}), "(it is a zip archive, not an OpenDocument text document)"),
        (
            zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x"}),
            "the .odt file is damaged (",
        ),
    ],
    ids=["text", "spreadsheet", "zip", "damaged"],
)
def test_odt_bad_content(tmp_path: Path, data: bytes, problem: str) -> None:
    path = write(tmp_path / "essay.odt", data)
    expect_error(lambda: read_path(path), path, problem)


def test_rtf_that_is_not_rtf(tmp_path: Path) -> None:
    path = write(tmp_path / "essay.rtf", b"Plain text named .rtf")
    expect_error(lambda: read_path(path), path, "(it is plain text, not an RTF document)")


def test_rtf_unreadable_code_page(tmp_path: Path) -> None:
    data = b"{\\rtf1{\\fonttbl{\\f0\\fcharset78 Osaka;}}\\f0 \\'82\\'a0\\par}"  # Mac Japanese
    path = write(tmp_path / "essay.rtf", data)
    expect_error(lambda: read_path(path), path, "the RTF file cannot be read (unknown encoding")
