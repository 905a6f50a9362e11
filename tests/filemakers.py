"""Make small but real .docx, .pdf, .odt and .rtf files for tests.

Tests that read submissions need files produced by the same libraries (or the same
syntax) that students' word processors produce, not hand-made byte strings, so that
the readers are exercised on realistic structure: headers, footers, notes, tables.
Every function writes ``path`` and returns it as a :class:`Path`.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

import docx
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from fpdf import FPDF
from odfdo import Document, Header, Paragraph
from PIL import Image

_W_NS = nsdecls("w")

_FOOTNOTES_XML = (
    f"<w:footnotes {_W_NS}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    "</w:r></w:p></w:footnote>"
    '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}'
    "</w:t></w:r></w:p></w:footnote>"
    "</w:footnotes>"
)


def make_docx(
    path: str | os.PathLike[str],
    paragraphs: Sequence[str],
    header: str | None = None,
    footer: str | None = None,
    footnote: str | None = None,
    table: Sequence[Sequence[str]] | None = None,
) -> Path:
    """Write a Word document: body paragraphs, then an optional table (rows of cells).

    ``footnote`` becomes a real footnote (its own ``word/footnotes.xml`` part) anchored
    at the end of the first paragraph, as Word stores it.
    """
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=max(len(row) for row in table))
        for cells, row in zip(table, grid.rows, strict=False):
            for text, cell in zip(cells, row.cells, strict=False):
                cell.text = text
    section = document.sections[0]
    if header is not None:
        section.header.paragraphs[0].text = header
    if footer is not None:
        section.footer.paragraphs[0].text = footer
    if footnote is not None:
        _add_footnote(document, footnote)
    document.save(os.fspath(path))
    return Path(path)


def _add_footnote(document: docx.document.Document, text: str) -> None:
    """Add footnote 1 with ``text`` and reference it from the first body paragraph."""
    blob = _FOOTNOTES_XML.format(text=text).encode("utf-8")
    uri = PackURI("/word/footnotes.xml")
    part = Part(uri, CONTENT_TYPE.WML_FOOTNOTES, blob, document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    reference = parse_xml(f'<w:r {_W_NS}><w:footnoteReference w:id="1"/></w:r>')
    document.paragraphs[0]._p.append(reference)


def make_pdf(
    path: str | os.PathLike[str], paragraphs: Sequence[str], page_per_paragraph: bool = False
) -> Path:
    """Write a PDF with a text layer; text must fit Windows-1252 (the core fonts' range)."""
    _pdf_with_text(paragraphs, page_per_paragraph).output(os.fspath(path))
    return Path(path)


def make_encrypted_pdf(
    path: str | os.PathLike[str], paragraphs: Sequence[str], user_password: str = "secret"
) -> Path:
    """Write a PDF that needs ``user_password`` to open (RC4, so pypdf needs no extras).

    With ``user_password=""`` the PDF is encrypted but opens without a password, like a
    PDF that only restricts printing or editing.
    """
    pdf = _pdf_with_text(paragraphs)
    pdf.set_encryption(owner_password="owner-" + user_password, user_password=user_password)
    pdf.output(os.fspath(path))
    return Path(path)


def make_scanned_pdf(path: str | os.PathLike[str], pages: int = 1) -> Path:
    """Write a PDF whose pages are only images, like a scan without OCR."""
    image = Image.new("L", (120, 160), 255)
    for y in range(20, 150, 12):
        image.paste(0, (15, y, 105, y + 4))
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.image(image, x=10, y=10, w=180)
    pdf.output(os.fspath(path))
    return Path(path)


def _pdf_with_text(paragraphs: Sequence[str], page_per_paragraph: bool = False) -> FPDF:
    """Lay the paragraphs out with a blank line between them, new pages as needed."""
    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for index, text in enumerate(paragraphs):
        if page_per_paragraph and index:
            pdf.add_page()
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
    return pdf


def make_odt(
    path: str | os.PathLike[str],
    paragraphs: Sequence[str],
    header: str | None = None,
    footer: str | None = None,
    footnote: str | None = None,
    heading: str | None = None,
) -> Path:
    """Write an OpenDocument text: optional level-1 heading, then the paragraphs.

    ``header``/``footer`` go on the default master page (styles.xml, as LibreOffice
    stores them); ``footnote`` is a note inside the first paragraph.
    """
    document = Document("text")
    body = document.body
    body.clear()
    if heading is not None:
        body.append(Header(1, heading))
    for index, text in enumerate(paragraphs):
        paragraph = Paragraph(text)
        if index == 0 and footnote is not None:
            paragraph.insert_note(note_id="ftn1", citation="1", body=footnote)
        body.append(paragraph)
    if header is not None or footer is not None:
        master = document.get_style("master-page", "Standard")
        if header is not None:
            master.set_page_header(header)
        if footer is not None:
            master.set_page_footer(footer)
    buffer = io.BytesIO()
    document.save(buffer)
    Path(path).write_bytes(buffer.getvalue())
    return Path(path)


def make_rtf(
    path: str | os.PathLike[str],
    paragraphs: Sequence[str],
    header: str | None = None,
    footer: str | None = None,
    footnote: str | None = None,
) -> Path:
    """Write an RTF file as Word/WordPad do: 7-bit, cp1252 ``\\'xx`` and ``\\uN`` escapes."""
    parts = [r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\froman\fcharset0 Times New Roman;}}"]
    if header is not None:
        parts.append(r"{\header\pard\plain " + _rtf_escape(header) + r"\par}")
    if footer is not None:
        parts.append(r"{\footer\pard\plain " + _rtf_escape(footer) + r"\par}")
    for index, text in enumerate(paragraphs):
        note = ""
        if index == 0 and footnote is not None:
            note = r"{\super\chftn}{\footnote\pard\plain{\super\chftn} " + _rtf_escape(footnote)
            note += "}"
        parts.append(r"\pard\plain\f0\fs24 " + _rtf_escape(text) + note + r"\par")
    parts.append("}")
    Path(path).write_bytes("\r\n".join(parts).encode("ascii"))
    return Path(path)


def _rtf_escape(text: str) -> str:
    """Escape RTF syntax characters and everything outside ASCII."""
    out = []
    for char in text:
        if char in "\\{}":
            out.append("\\" + char)
        elif ord(char) < 128:
            out.append(char)
        else:
            try:
                out.append(f"\\'{char.encode('cp1252')[0]:02x}")
            except UnicodeEncodeError:
                code = ord(char)
                out.append(f"\\u{code - 65536 if code > 32767 else code}?")
    return "".join(out)
