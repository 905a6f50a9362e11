"""Turn one submitted file into plain text, whatever a student handed in.

Students send .txt in odd encodings, Word and LibreOffice documents, PDFs, RTF and
saved web pages. Everything downstream wants one string of body text, so this module
extracts it, leaves out what is not the essay (headers, footers, notes, markup), and
turns every way a file can be wrong into a one-line :class:`MarkerError` naming the
file, instead of a library traceback.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import math
import os
import re
import stat
import sys
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, BinaryIO

import charset_normalizer
from striprtf.striprtf import rtf_to_text

from marker.errors import MarkerError

if TYPE_CHECKING:  # the readers are imported by the format that needs them (~0.2 s together)
    import odfdo
    import pypdf
    from lxml import etree

MAX_BYTES = 20 * 1024 * 1024
MAX_WORDS = 200_000

# A .docx/.odt is a zip; refuse ones that would unpack to far more than any essay needs.
_MAX_UNPACKED = 10 * MAX_BYTES
# Fewer letters than this per page on average means the "text" is a scanner's stamp.
_MIN_LETTERS_PER_PAGE = 50
# More control characters than this share means binary data that happened to decode.
_MAX_CONTROL_SHARE = 0.01

_FORMAT_OF_EXTENSION = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".docx": "docx",
    ".pdf": "pdf",
    ".odt": "odt",
    ".rtf": "rtf",
    ".html": "html",
    ".htm": "html",
}
_TEXT_FORMATS = frozenset({"txt", "md", "html"})

_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF-", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-format .doc (or password-protected Office) file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_ODF_KINDS = {
    "text": "an OpenDocument text document",
    "spreadsheet": "an OpenDocument spreadsheet",
    "presentation": "an OpenDocument presentation",
}
_CONTENT_TYPES = "[Content_Types].xml"
_DOCX_KIND = "a Word .docx document"
_WORD_KINDS = (  # by the main part's content type in [Content_Types].xml
    (b"wordprocessingml.document.main+xml", _DOCX_KIND),
    (b"ms-word.document.macroEnabled.main+xml", "a macro-enabled Word document (.docm)"),
    (b"ms-word.template.macroEnabledTemplate.main+xml", "a macro-enabled Word template (.dotm)"),
    (b"wordprocessingml.template.main+xml", "a Word template (.dotx)"),
)
_UNDECLARED_WORD = "a Word document with no declared content types"
_OOXML_KINDS = (
    ("xl/workbook.xml", "an Excel spreadsheet"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
)
_ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"  # also matches -template, -master

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
_HTML_START = re.compile(r"\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Submission:
    """One essay as read from disk, stdin or an archive, before any normalising."""

    path: str  # as given by the user; "-" for stdin; for archive members "archive.zip!member"
    raw_text: str  # extracted text; blank lines between paragraphs where the format knows them
    format: str  # "txt" | "md" | "docx" | "pdf" | "odt" | "rtf" | "html"
    sha256: str  # hex sha256 of the input BYTES, so a report can prove which file it marked
    encoding: str | None = None  # detected encoding for text formats


def text_submission(text: str, path: str = "<text>") -> Submission:
    """Essay text given directly (not read from a file), as a Submission of its UTF-8 bytes."""
    return Submission(path=path, raw_text=text, format="txt", encoding="utf-8",
                      sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def read_path(path: str | os.PathLike[str], *, stdin: BinaryIO | None = None) -> Submission:
    """Read a file named on the command line; "-" reads stdin and detects the format by content."""
    name = os.fsdecode(path)
    if name == "-":
        return read_bytes(_read_stdin(stdin), name)
    return read_bytes(_read_file(name), name)


def read_bytes(data: bytes, name: str) -> Submission:
    """Read bytes already in memory (e.g. a zip member); ``name``'s extension decides the format."""
    shown = _shown(name)
    if len(data) > MAX_BYTES:
        raise _too_big(shown, len(data))
    if not data:
        raise MarkerError(f"{shown}: the file is empty")
    extension = _extension(name)
    fmt = _FORMAT_OF_EXTENSION.get(extension)
    decoded = None
    if fmt is None:
        fmt, decoded = _guess_format(data, name, extension)
    encoding = None
    if fmt in _TEXT_FORMATS:
        if decoded is None:
            hint = _html_encoding_hint(data) if fmt == "html" else None
            decoded = _decode_or_refuse(data, shown, hint)
        text, encoding = decoded
        if fmt == "html":
            text = _html_text(text)
    elif fmt == "docx":
        text = _docx_text(data, shown)
    elif fmt == "pdf":
        text = _pdf_text(data, shown)
    elif fmt == "odt":
        text = _odt_text(data, shown)
    else:
        text = _rtf_text(data, shown)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise MarkerError(f"{shown}: the file contains no text")
    words = len(text.split())
    if words > MAX_WORDS:
        raise MarkerError(f"{shown}: {words:,} words; the limit is {MAX_WORDS:,}")
    digest = hashlib.sha256(data).hexdigest()
    return Submission(path=name, raw_text=text, format=fmt, sha256=digest, encoding=encoding)


# --- getting the bytes -------------------------------------------------------------


def _read_file(name: str) -> bytes:
    """Read a file, checking what it is and its size before reading it all."""
    shown = _shown(name)
    try:
        info = os.stat(name)
        if stat.S_ISDIR(info.st_mode):
            raise MarkerError(f"{shown}: is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise MarkerError(f"{shown}: is not a regular file")
        if info.st_size > MAX_BYTES:
            raise _too_big(shown, info.st_size)
        with open(name, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        raise MarkerError(f"{shown}: file not found") from None
    except PermissionError:
        raise MarkerError(f"{shown}: permission denied (cannot read the file)") from None
    except OSError as exc:
        raise MarkerError(f"{shown}: cannot read the file ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:  # it grew after the stat
        raise _too_big(shown, len(data))
    return data


def _read_stdin(stdin: BinaryIO | None) -> bytes:
    """Read at most one byte past the limit, so a huge pipe is refused without buffering it."""
    if stdin is None:
        if sys.stdin is None:
            raise MarkerError("<stdin>: there is no standard input to read")
        stdin = sys.stdin.buffer
    try:
        data = stdin.read(MAX_BYTES + 1)
    except OSError as exc:
        raise MarkerError(f"<stdin>: cannot read standard input ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        limit = MAX_BYTES // 2**20
        raise MarkerError(f"<stdin>: the input is more than {limit} MB; the limit is {limit} MB")
    return data


def _too_big(shown: str, size: int) -> MarkerError:
    """Round the size up, so a file just over the limit never reads as "20.0 MB"."""
    megabytes = math.ceil(size / 2**20 * 10) / 10
    limit = MAX_BYTES // 2**20
    return MarkerError(f"{shown}: the file is {megabytes:.1f} MB; the limit is {limit} MB")


def _shown(name: str) -> str:
    """The name for messages: one line even if the file name holds control characters."""
    if name == "-":
        return "<stdin>"
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in name)


def _extension(name: str) -> str:
    """Lower-case extension of the file, or of the member for "archive.zip!member" names."""
    member = name.rsplit("!", 1)[-1]
    return os.path.splitext(os.path.basename(member))[1].lower()


# --- knowing what the bytes are ----------------------------------------------------


def _guess_format(data: bytes, name: str, extension: str) -> tuple[str, tuple[str, str] | None]:
    """Format by content for stdin, unknown extensions and .doc; text comes back decoded."""
    container = _container_format(data)
    if container:
        return container, None
    if extension == ".doc":
        raise MarkerError(
            f"{_shown(name)}: old binary Word .doc files are not supported; "
            "open it in Word or LibreOffice and save it as .docx"
        )
    try:
        decoded = _decode(data)
    except _NotText as exc:
        if name == "-":
            raise MarkerError(_binary_message(_shown(name), exc.detail)) from None
        kind = f"'{extension}'" if extension else "(no extension)"
        message = f"{_shown(name)}: unknown file type {kind} and the content is not text"
        raise MarkerError(message) from None
    return ("html" if _HTML_START.match(decoded[0]) else "txt"), decoded


def _container_format(data: bytes) -> str | None:
    """Recognise the document formats we read from their first bytes (and zip contents)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if _is_rtf(data):
        return "rtf"
    kind = _zip_kind(data)
    if kind == "a Word .docx document":
        return "docx"
    if kind == _ODF_KINDS["text"]:
        return "odt"
    return None


def _describe(data: bytes) -> str | None:
    """What the bytes look like, with an article ("a PNG image"), or None if unknown."""
    kind = _magic_kind(data)
    if kind:
        return kind
    if _is_rtf(data):
        return "an RTF document"
    try:
        _decode(data)
    except _NotText:
        return None
    return "plain text"


def _is_rtf(data: bytes) -> bool:
    """RTF starts with "{\\rtf", perhaps after a BOM or blank lines some tools add."""
    return data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf")


def _magic_kind(data: bytes) -> str | None:
    """Recognise common binary files by their first bytes."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[4:8] == b"ftyp":
        return "an HEIC image" if data[8:12] in (b"heic", b"heix", b"mif1") else "a video file"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "a WebP image"
    if data.startswith(_ZIP_MAGIC):
        return _zip_kind(data) or "a damaged zip archive"
    return None


def _zip_kind(data: bytes) -> str | None:
    """Tell Office, OpenDocument and plain zip archives apart by their members."""
    if not data.startswith(_ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
            types = archive.read(_CONTENT_TYPES) if _CONTENT_TYPES in names else b""
    except Exception:  # damaged zips raise zlib.error, ValueError ("negative seek"), ...
        return None
    if "word/document.xml" in names:
        return _word_kind(types)
    for member, kind in _OOXML_KINDS:
        if member in names:
            return kind
    if mimetype.startswith(b"application/vnd.oasis.opendocument."):
        family = mimetype.rsplit(b".", 1)[1].split(b"-")[0].decode("ascii", "replace")
        return _ODF_KINDS.get(family, "an OpenDocument file")
    return "a zip archive"


def _word_kind(content_types: bytes) -> str:
    """Which kind of Word file a package is, by its main part's declared content type:
    python-docx reads only a .docx document, and a .docm or template renamed .docx is a
    Word file all the same."""
    for marker, kind in _WORD_KINDS:
        if marker in content_types:
            return kind
    return _UNDECLARED_WORD


def _wrong_content(shown: str, extension: str, data: bytes, expected: str) -> MarkerError:
    """Say what a mislabelled file really is, so the user can fix its name or re-save it."""
    kind = _describe(data)
    what = f"it is {kind}, not {expected}" if kind else f"it is not {expected}"
    return MarkerError(f"{shown}: not a valid {extension} file ({what})")


# --- text files --------------------------------------------------------------------


class _NotText(Exception):
    """The bytes are not text; ``detail`` says why or what they seem to be ("PNG image")."""

    def __init__(self, detail: str | None) -> None:
        super().__init__(detail)
        self.detail = detail


def _binary_message(shown: str, detail: str | None) -> str:
    if detail is None:
        return f"{shown}: looks like a binary file, not text"
    return f"{shown}: looks like a binary file ({detail}), not text"


def _decode_or_refuse(data: bytes, shown: str, hint: str | None) -> tuple[str, str]:
    try:
        return _decode(data, hint)
    except _NotText as exc:
        raise MarkerError(_binary_message(shown, exc.detail)) from None


def _decode(data: bytes, hint: str | None = None) -> tuple[str, str]:
    """Decode text of unknown encoding: BOMs, strict UTF-8, ``hint``, then charset-normalizer.

    Returns the text (BOM removed) and the encoding's Python codec name.
    """
    kind = _magic_kind(data)
    if kind:
        raise _NotText(re.sub(r"^an? ", "", kind))
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is not None:
        try:
            text = data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError:
            label = encoding.removesuffix("-sig").upper()
            raise _NotText(f"invalid {label} after a byte-order mark") from None
    elif b"\x00" in data:
        text, encoding = _decode_utf16_without_bom(data)
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _decode_legacy(data, hint)
    if len(_CONTROL_CHARS.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise _NotText(None)
    return text, encoding


def _decode_utf16_without_bom(data: bytes) -> tuple[str, str]:
    """NUL bytes are fine only in UTF-16/32 text, which some Windows tools write without a BOM."""
    match = charset_normalizer.from_bytes(data).best()
    if match is None or not match.encoding.startswith(("utf_16", "utf_32")):
        raise _NotText("it contains NUL bytes")
    return str(match), codecs.lookup(match.encoding).name


def _decode_legacy(data: bytes, hint: str | None) -> tuple[str, str]:
    """Use the declared charset if it fits, else charset-normalizer preferring Windows-1252.

    On short English texts charset-normalizer often ranks cp1250 (or cp1257) level with
    cp1252 and then decodes "naïve" as "naďve"; cp1252 is by far the likelier here.
    """
    if hint:
        try:
            return data.decode(hint), hint
        except UnicodeDecodeError:
            pass
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise _NotText(None)
    best = matches[0]
    for match in matches:
        if match.chaos > best.chaos or match.coherence < best.coherence:
            break
        if "cp1252" in match.could_be_from_charset:
            best = match
            break
    if "cp1252" in best.could_be_from_charset:
        return data.decode("cp1252"), "cp1252"
    return str(best), codecs.lookup(best.encoding).name


# --- HTML --------------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """Collects the text a browser would show, one paragraph per block element."""

    _BLOCKS = frozenset(
        {
            "address", "article", "aside", "blockquote", "body", "br", "dd", "div", "dl", "dt",
            "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
            "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
        }
    )  # fmt: skip
    _HIDDEN = frozenset({"script", "style", "template", "title", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self._end_paragraph()
        elif tag in ("td", "th"):
            self._pieces.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._pieces.append(data)

    def close(self) -> None:
        super().close()
        self._end_paragraph()

    def _end_paragraph(self) -> None:
        text = " ".join("".join(self._pieces).split())
        if text:
            self.paragraphs.append(text)
        self._pieces = []


def _html_text(markup: str) -> str:
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    return "\n\n".join(parser.paragraphs)


def _html_encoding_hint(data: bytes) -> str | None:
    """The charset a web page declares, if Python knows it (old Word exports use windows-1252)."""
    found = _META_CHARSET.search(data[:4096])
    if not found:
        return None
    try:
        info = codecs.lookup(found.group(1).decode("ascii"))
    except LookupError:
        return None
    # Not codecs that are no text encoding ("base64", "rot13": bytes.decode refuses them), nor
    # ones no page is written in, which fail on any byte or rewrite backslashes and plus signs.
    if not getattr(info, "_is_text_encoding", True) or info.name in _PSEUDO_ENCODINGS:
        return None
    return info.name


_PSEUDO_ENCODINGS = frozenset(
    {"undefined", "unicode-escape", "raw-unicode-escape", "utf-7", "idna", "punycode"}
)


# --- Word --------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"  # python-docx's qn("w:")
_W_P = _W + "p"
_W_DEL = _W + "del"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W_TEXT = {
    _W + "t": None,
    _W + "tab": "\t",
    _W + "br": "\n",
    _W + "cr": "\n",
    _W + "noBreakHyphen": "-",
}


def _docx_text(data: bytes, shown: str) -> str:
    """Body paragraphs (tables included) in order; headers, footers and notes are other parts."""
    _check_zip(data, shown, ".docx")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = list(_docx_paragraphs(document.element.body))
    except (KeyError, ValueError) as exc:
        kind = _zip_kind(data)
        if kind in (_DOCX_KIND, _UNDECLARED_WORD):  # a .docx by its members, yet unreadable
            raise MarkerError(f"{shown}: the .docx file is damaged ({_reason(exc)})") from None
        if kind in {k for _, k in _WORD_KINDS}:  # Word, but not a document python-docx reads
            raise MarkerError(f"{shown}: not a valid .docx file (it is {kind}); open it in "
                              "Word and save it as a .docx document") from None
        raise _wrong_content(shown, ".docx", data, "a Word document") from None
    except Exception as exc:  # python-docx/lxml raise many types on damaged XML
        raise MarkerError(f"{shown}: the .docx file is damaged ({_reason(exc)})") from None
    return "\n\n".join(text for text in paragraphs if text.strip())


def _docx_paragraphs(element: etree._Element) -> Iterator[str]:
    """Walk the body in document order; skip mc:Fallback copies of text boxes."""
    for child in element:
        if child.tag == _W_P:
            yield from _docx_paragraph(child)
        elif child.tag != _MC_FALLBACK:
            yield from _docx_paragraphs(child)


def _docx_paragraph(paragraph: etree._Element) -> Iterator[str]:
    """A paragraph's text (tracked insertions in, deletions out), then its text boxes' text."""
    pieces: list[str] = []
    nested: list[etree._Element] = []

    def collect(element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if tag == _W_P:
                nested.append(child)
            elif tag in _W_TEXT:
                pieces.append(_W_TEXT[tag] or child.text or "")
            elif tag not in (_W_DEL, _MC_FALLBACK):
                collect(child)

    collect(paragraph)
    yield "".join(pieces)
    for inner in nested:
        yield from _docx_paragraph(inner)


def _check_zip(data: bytes, shown: str, extension: str) -> None:
    """An office document must be a sound zip that does not unpack to something huge."""
    if not data.startswith(_ZIP_MAGIC):
        raise _wrong_content(shown, extension, data, "a zip archive")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception:  # BadZipFile, and NotImplementedError for a "zip file version 6.4"
        message = f"{shown}: not a valid {extension} file (its zip archive is damaged)"
        raise MarkerError(message) from None
    if unpacked > _MAX_UNPACKED:
        raise MarkerError(
            f"{shown}: the document unpacks to {unpacked / 2**20:,.0f} MB, "
            f"more than the {_MAX_UNPACKED // 2**20} MB allowed"
        )


def _reason(exc: Exception) -> str:
    """A library's error text squeezed onto one short line, for the end of our message."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


# --- PDF ---------------------------------------------------------------------------


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs recoverable damage as warnings, which would reach stderr; that is for errors."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _pdf_text(data: bytes, shown: str) -> str:
    """The text layer, pages joined by blank lines; page furniture is left for the normaliser."""
    if b"%PDF-" not in data[:1024]:
        raise _wrong_content(shown, ".pdf", data, "a PDF document")
    import pypdf
    from pypdf.errors import DependencyError

    with _quiet_pypdf():
        try:
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
                raise MarkerError(f"{shown}: the PDF is encrypted; save a copy without a password")
            text = "\n\f\n".join(page.extract_text() for page in reader.pages)
            scanned = _looks_scanned(reader, text)
        except MarkerError:
            raise
        except DependencyError:
            raise MarkerError(
                f"{shown}: the PDF is encrypted with AES, which needs the 'cryptography' package; "
                "save a copy without protection"
            ) from None
        except Exception as exc:  # pypdf raises many types on damaged files
            message = f"{shown}: the PDF is damaged and cannot be read ({_reason(exc)})"
            raise MarkerError(message) from None
    if scanned:
        raise MarkerError(
            f"{shown}: the PDF has no text layer (it looks scanned); "
            "save it as text or run OCR first"
        )
    return text


def _looks_scanned(reader: pypdf.PdfReader, text: str) -> bool:
    """Images and (almost) no text: a scan, perhaps with a scanner app's stamp on each page.

    A short PDF without images is just short; it is left for the later checks.
    """
    letters = sum(ch.isalnum() for ch in text)
    if letters >= _MIN_LETTERS_PER_PAGE * max(1, len(reader.pages)):
        return False
    return any(len(page.images) for page in reader.pages)


# --- OpenDocument ------------------------------------------------------------------

# Inside a paragraph these hold notes, comments and deleted text, not the essay.
_ODF_SKIPPED = frozenset(
    {
        "text:note",
        "office:annotation",
        "text:tracked-changes",
        "text:sequence-decls",
        "text:variable-decls",
    }
)
_ODF_PARAGRAPHS = frozenset({"text:p", "text:h"})
_ODF_CHARACTERS = {"text:tab": "\t", "text:line-break": "\n"}


def _odt_text(data: bytes, shown: str) -> str:
    """Body paragraphs and headings in order; headers and footers live in styles.xml."""
    _check_zip(data, shown, ".odt")
    import odfdo

    try:
        document = odfdo.Document(io.BytesIO(data))
        is_text = document.mimetype.startswith(_ODT_MIMETYPE)
        paragraphs = list(_odt_blocks(document.body)) if is_text else []
    except KeyError:  # no mimetype or content.xml: some other zip
        raise _wrong_content(shown, ".odt", data, "an OpenDocument text document") from None
    except Exception as exc:  # odfdo/lxml raise many types on damaged XML
        raise MarkerError(f"{shown}: the .odt file is damaged ({_reason(exc)})") from None
    if not is_text:
        raise _wrong_content(shown, ".odt", data, "an OpenDocument text document")
    return "\n\n".join(text for text in paragraphs if text.strip())


def _odt_blocks(element: odfdo.Element) -> Iterator[str]:
    """Walk sections, lists and tables in document order down to their paragraphs."""
    for child in element.children:
        if child.tag in _ODF_PARAGRAPHS:
            yield from _odt_paragraph(child)
        elif child.tag not in _ODF_SKIPPED:
            yield from _odt_blocks(child)


def _odt_paragraph(paragraph: odfdo.Element) -> Iterator[str]:
    """ODF collapses whitespace and spells extra spaces as <text:s text:c="n"/>."""
    pieces: list[str] = []
    nested: list[odfdo.Element] = []

    def collect(element: odfdo.Element) -> None:
        pieces.append(_collapse(element.text))
        for child in element.children:
            tag = child.tag
            if tag in _ODF_PARAGRAPHS:
                nested.append(child)
            elif tag == "text:s":
                pieces.append(" " * (child.get_attribute_integer("text:c") or 1))
            elif tag in _ODF_CHARACTERS:
                pieces.append(_ODF_CHARACTERS[tag])
            elif tag not in _ODF_SKIPPED:
                collect(child)
            pieces.append(_collapse(child.tail or ""))

    collect(paragraph)
    yield "".join(pieces).strip(" ")
    for inner in nested:
        yield from _odt_paragraph(inner)


def _collapse(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text)


# --- RTF ---------------------------------------------------------------------------


def _rtf_text(data: bytes, shown: str) -> str:
    """striprtf drops header, footer and footnote groups; each \\par becomes a paragraph."""
    if not _is_rtf(data):
        raise _wrong_content(shown, ".rtf", data, "an RTF document")
    try:
        text = rtf_to_text(_rtf_source(data), errors="replace")
    except Exception as exc:  # striprtf is a regex scanner; odd code pages and numbers break it
        raise MarkerError(f"{shown}: the RTF file cannot be read ({_reason(exc)})") from None
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _rtf_source(data: bytes) -> str:
    """RTF is 7-bit with \\'xx escapes, but some writers leave raw UTF-8 or ANSI bytes in it."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")
