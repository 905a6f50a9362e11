"""Fuzzing the readers: whatever bytes a student hands in, marker gives a Submission or a
one-line MarkerError naming the file, never another exception.

Random bytes under every extension, bytes that start like a real format, real .docx, .pdf,
.odt and .rtf files (made with tests/filemakers.py) truncated, bit-flipped and spliced with a
seeded random generator, and random zip archives with .docx/.odt names. Every generated input
is counted in ``FUZZ_COUNTS`` (shown at the end of the run) and each test checks it made at
least its share, so a normal run reads well over 200 bad files. ``--fuzz-large`` multiplies
the examples and the file sizes by ten.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import FUZZ_COUNTS, FUZZ_SCALE, fuzz_settings
from filemakers import make_docx, make_odt, make_pdf, make_rtf
from hypothesis import given
from hypothesis import strategies as st

from marker.errors import MarkerError
from marker.normalise import normalise
from marker.read import MAX_BYTES, MAX_WORDS, Submission, read_bytes, read_path

DATA = Path(__file__).parent / "data"
EXTENSIONS = (".txt", ".md", ".docx", ".pdf", ".odt", ".rtf", ".html", ".htm", ".xyz", "")
FORMATS = {"txt", "md", "docx", "pdf", "odt", "rtf", "html"}


# --- the property every read must keep ------------------------------------------------


def shown(name: str) -> str:
    """The file as messages name it (stdin is "<stdin>")."""
    return "<stdin>" if name == "-" else name


def check_read(read: Callable[[], Submission], name: str, data: bytes, target: str) -> None:
    """``read()`` gives a sound Submission or a one-line MarkerError naming the file.

    Any other exception fails the test with what was being read, so a failure can be
    reproduced from the message alone.
    """
    FUZZ_COUNTS[target] += 1
    try:
        sub = read()
    except MarkerError as exc:
        message = str(exc)
        assert message == exc.message
        assert message.startswith(f"{shown(name)}: "), message
        assert len(message) > len(shown(name)) + 2, message
        assert "\n" not in message and "\r" not in message, message
        assert "Traceback" not in message
        return
    except Exception as exc:
        raise AssertionError(
            f"{target}: reading {name!r} ({len(data)} bytes, sha256 "
            f"{hashlib.sha256(data).hexdigest()[:16]}) raised {type(exc).__name__}: {exc}"
        ) from exc
    assert isinstance(sub, Submission)
    assert sub.path == name
    assert sub.format in FORMATS
    assert sub.sha256 == hashlib.sha256(data).hexdigest()
    assert sub.raw_text.strip() and "\r" not in sub.raw_text
    assert len(sub.raw_text.split()) <= MAX_WORDS
    normalise(sub.raw_text)  # whatever a reader returns, the repair step takes


def check_bytes(data: bytes, name: str, target: str) -> None:
    """Check reading ``data`` as a file called ``name`` (an archive member, say)."""
    check_read(lambda: read_bytes(data, name), name, data, target)


def check_stdin(data: bytes, target: str) -> None:
    """Check reading ``data`` from standard input, where the content decides the format."""
    check_read(lambda: read_path("-", stdin=io.BytesIO(data)), "-", data, target)


def run_counted(target: str, minimum: int, run: Callable[[], None]) -> None:
    """Run a fuzz loop and check it generated at least ``minimum`` inputs for ``target``."""
    before = FUZZ_COUNTS[target]
    run()
    assert FUZZ_COUNTS[target] - before >= minimum, (target, FUZZ_COUNTS[target] - before)


# --- random bytes -------------------------------------------------------------------------

PREFIXES = (
    b"", b"%PDF-1.4\n", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<", b"PK\x03\x04", b"PK\x05\x06",
    b"{\\rtf1\\ansi ", b"\xef\xbb\xbf{\\rtf1 ", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
    b"\xff\xfe\x00\x00", b"<!DOCTYPE html><html><body>", b'<meta charset="utf-8">',
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x89PNG\r\n\x1a\n", b"\x1f\x8b", b"The Treaty of ",
)
random_bytes = st.tuples(
    st.sampled_from(PREFIXES), st.binary(max_size=2048 * FUZZ_SCALE)
).map(b"".join)


def test_random_bytes_under_every_extension(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each example is read under all ten names, once from disk and once from stdin."""
    folder = tmp_path_factory.mktemp("random-bytes")
    target = "readers: random bytes x 10 extensions + stdin"

    @fuzz_settings(100)
    @given(random_bytes, st.sampled_from(EXTENSIONS))
    def fuzz(data: bytes, on_disk: str) -> None:
        for extension in EXTENSIONS:
            check_bytes(data, f"essay{extension}", target)
        path = folder / f"essay{on_disk}"
        path.write_bytes(data)
        check_read(lambda: read_path(path), str(path), data, target)
        check_stdin(data, target)

    run_counted(target, 100 * 12, fuzz)


text_like = st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=400 * FUZZ_SCALE
)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252",
             "latin-1", "cp1250", "koi8-r", "shift_jis", "gb18030", "mac-roman")


def test_text_in_any_encoding() -> None:
    """Text encoded every way (with characters the encoding lacks replaced) as .txt/.html."""
    target = "readers: random text in 13 encodings"

    @fuzz_settings(60)
    @given(text_like, st.sampled_from(ENCODINGS), st.sampled_from(("essay.txt", "essay.html")))
    def fuzz(text: str, encoding: str, name: str) -> None:
        check_bytes(text.encode(encoding, errors="replace"), name, target)

    run_counted(target, 60, fuzz)


# Every codec name Python knows, text or not ("base64", "rot13", "undefined", "idna").
CODEC_NAMES = (
    "utf-8", "utf-16", "utf-32", "windows-1252", "iso-8859-1", "koi8-r", "shift_jis", "big5",
    "base64", "hex", "zlib", "bz2", "uu", "quopri", "rot13", "undefined", "idna", "punycode",
    "unicode_escape", "raw_unicode_escape", "utf-7", "mbcs", "charmap", "ascii", "nonsense",
)


def test_web_pages_declaring_any_charset() -> None:
    """A page's <meta charset> may name any codec, even ones that are not text encodings."""
    target = "readers: web pages declaring any charset"

    @fuzz_settings(40)
    @given(st.sampled_from(CODEC_NAMES), st.binary(max_size=300 * FUZZ_SCALE),
           st.sampled_from((".html", ".htm", "")))
    def fuzz(charset: str, body: bytes, extension: str) -> None:
        page = (b'<!DOCTYPE html><html><head><meta charset="' + charset.encode() + b'"></head>'
                b"<body><p>Caf\xe9 and the Treaty of Rapallo \xff\xfe " + body + b"</p></body>")
        check_bytes(page, f"page{extension}", target)

    run_counted(target, 40, fuzz)


# --- damaged real documents ---------------------------------------------------------------


def essay_paragraphs(count: int) -> list[str]:
    """Paragraphs of the project's own test essays (Windows-1252 safe, for the PDF fonts)."""
    paragraphs: list[str] = []
    for path in sorted((DATA / "essays").glob("*.txt")):
        for para in path.read_text(encoding="utf-8").split("\n\n"):
            para = " ".join(para.split())
            if para and para.encode("cp1252", errors="ignore").decode("cp1252") == para:
                paragraphs.append(para)
    return paragraphs[:count]


@pytest.fixture(scope="module")
def real_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """One real document of each kind, with headers, footers, notes and a table."""
    folder = tmp_path_factory.mktemp("real")
    paragraphs = essay_paragraphs(4 * FUZZ_SCALE)
    made = {
        "docx": make_docx(folder / "e.docx", paragraphs, header="Candidate 4471",
                          footer="Page 1", footnote="Carr, p. 12.",
                          table=[["Year", "Event"], ["1939", "Nazi-Soviet Pact"]]),
        "pdf": make_pdf(folder / "e.pdf", paragraphs, page_per_paragraph=True),
        "odt": make_odt(folder / "e.odt", paragraphs, header="Candidate 4471",
                        footer="Page 1", footnote="Carr, p. 12.", heading="The Pact"),
        "rtf": make_rtf(folder / "e.rtf", paragraphs, header="Candidate 4471",
                        footnote="Carr, p. 12."),
    }
    files = {kind: path.read_bytes() for kind, path in made.items()}
    for kind, data in files.items():  # the undamaged files read cleanly
        assert read_bytes(data, f"essay.{kind}").raw_text.strip()
    return files


def mutations(data: bytes, rng: random.Random) -> Iterator[tuple[str, bytes]]:
    """Damage ``data`` one way each time: truncate, flip bits, overwrite, cut or repeat a run."""
    data = data or b" "
    while True:
        size = len(data)
        pos = rng.randrange(size)
        run = rng.randint(1, 64)
        how = rng.choice(("truncate", "truncate-tail", "flip", "flip", "overwrite", "cut",
                          "repeat", "zero"))
        if how == "truncate":
            yield f"truncated at {pos}", data[:pos]
        elif how == "truncate-tail":  # where zip directories and PDF xref tables live
            cut = size - rng.randint(1, max(1, min(size - 1, 600)))
            yield f"truncated at {cut}", data[:cut]
        elif how == "flip":
            damaged = bytearray(data)
            bits = [(rng.randrange(size), rng.randrange(8)) for _ in range(rng.randint(1, 8))]
            for at, bit in bits:
                damaged[at] ^= 1 << bit
            yield f"bits flipped at {bits}", bytes(damaged)
        elif how == "overwrite":
            noise = rng.randbytes(run)
            yield f"{run} random bytes at {pos}", data[:pos] + noise + data[pos + run:]
        elif how == "cut":
            yield f"{run} bytes cut at {pos}", data[:pos] + data[pos + run:]
        elif how == "repeat":
            yield f"{run} bytes repeated at {pos}", data[:pos + run] + data[pos:]
        else:
            yield f"{run} bytes zeroed at {pos}", data[:pos] + bytes(run) + data[pos + run:]


@pytest.mark.parametrize("kind", ["docx", "pdf", "odt", "rtf"])
def test_damaged_real_documents(real_files: dict[str, bytes], kind: str) -> None:
    """Byte-level damage: the zip/PDF/RTF structure breaks in every possible place."""
    target = f"readers: damaged real .{kind}"
    count = 60 * FUZZ_SCALE
    rng = random.Random(f"damage-{kind}")
    original = real_files[kind]

    def run() -> None:
        for _, (how, data) in zip(range(count), mutations(original, rng), strict=False):
            try:
                check_bytes(data, f"essay.{kind}", target)
            except AssertionError as exc:
                raise AssertionError(f".{kind} {how}: {exc}") from exc
        # The same damage on stdin, where the format is found from the content.
        for _, (how, data) in zip(range(count // 3), mutations(original, rng), strict=False):
            try:
                check_stdin(data, target)
            except AssertionError as exc:
                raise AssertionError(f"stdin .{kind} {how}: {exc}") from exc

    run_counted(target, count + count // 3, run)


def rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The archive with every member passed through ``change`` (None drops the member)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info, content)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_damaged_members_in_sound_zips(real_files: dict[str, bytes], kind: str) -> None:
    """Member-level damage inside a valid zip: broken XML, missing or swapped parts."""
    target = f"readers: sound .{kind} zips with damaged members"
    count = 40 * FUZZ_SCALE
    rng = random.Random(f"members-{kind}")
    original = real_files[kind]
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        members = archive.namelist()

    def run() -> None:
        for _ in range(count):
            victim = rng.choice(members)
            how = rng.choice(("damage", "damage", "drop", "empty", "swap"))
            other = rng.choice(members)

            def change(name: str, content: bytes, victim: str = victim, how: str = how,
                       other: str = other) -> bytes | None:
                if name != victim:
                    return content
                if how == "drop":
                    return None
                if how == "empty":
                    return b""
                if how == "swap":
                    with zipfile.ZipFile(io.BytesIO(original)) as archive:
                        return archive.read(other)
                return next(mutations(content, rng))[1]

            data = rezip(original, change)
            try:
                check_bytes(data, f"essay.{kind}", target)
                check_bytes(data, "essay.unknown", target)
            except AssertionError as exc:
                raise AssertionError(f".{kind}: {how} {victim} ({other}): {exc}") from exc

    run_counted(target, 2 * count, run)


# --- random zip archives ----------------------------------------------------------------

MEMBER_NAMES = ("mimetype", "[Content_Types].xml", "word/document.xml", "_rels/.rels",
                "word/_rels/document.xml.rels", "content.xml", "styles.xml",
                "META-INF/manifest.xml", "xl/workbook.xml", "ppt/presentation.xml", "essay.txt")
MEMBER_CONTENT = st.one_of(
    st.binary(max_size=200 * FUZZ_SCALE),
    st.sampled_from((
        b"application/vnd.oasis.opendocument.text", b"application/vnd.oasis.opendocument.",
        b"application/vnd.oasis.opendocument.spreadsheet", b"application/vnd.oasis.opendocument",
        b"<?xml version='1.0'?><w:document xmlns:w='x'><w:body/></w:document>",
        b"<office:document-content/>", b"<not xml", b"\xff\xfe<\x00",
    )),
)
COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


@st.composite
def random_zips(draw: st.DrawFn) -> bytes:
    """A zip of office-like members, then perhaps truncated or with a byte changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in draw(st.lists(st.sampled_from(MEMBER_NAMES), max_size=6, unique=True)):
            archive.writestr(name, draw(MEMBER_CONTENT),
                             compress_type=draw(st.sampled_from(COMPRESSION)))
    data = out.getvalue()
    damage = draw(st.sampled_from(("none", "truncate", "byte")))
    if damage == "truncate":
        data = data[:draw(st.integers(0, len(data)))]
    elif damage == "byte" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    return data


def test_random_zips_named_as_documents() -> None:
    """Random zips as .docx, .odt, an unknown extension and stdin (found by content)."""
    target = "readers: random zips as .docx/.odt/unknown/stdin"

    @fuzz_settings(100)
    @given(random_zips())
    def fuzz(data: bytes) -> None:
        for name in ("essay.docx", "essay.odt", "essay.bin"):
            check_bytes(data, name, target)
        check_stdin(data, target)

    run_counted(target, 100 * 4, fuzz)


# --- names and limits ------------------------------------------------------------------------


def test_file_names_with_control_characters_stay_on_one_line() -> None:
    """Whatever the (archive member) name holds, the message is one line."""

    @fuzz_settings(30)
    @given(st.text(max_size=30), st.sampled_from(EXTENSIONS), random_bytes)
    def fuzz(stem: str, extension: str, data: bytes) -> None:
        name = f"class.zip!{stem}{extension}"
        FUZZ_COUNTS["readers: odd member names"] += 1
        try:
            read_bytes(data, name)
        except MarkerError as exc:
            assert "\n" not in str(exc) and "\r" not in str(exc)

    fuzz()


def test_size_limit_boundary() -> None:
    """Exactly 20 MB is read; one byte more is refused, on disk, in memory and on stdin."""
    data = b"a" * (MAX_BYTES - 5) + b" end."
    assert len(read_bytes(data, "big.txt").raw_text) == MAX_BYTES
    assert read_path("-", stdin=io.BytesIO(data)).path == "-"
    with pytest.raises(MarkerError, match=r"^big\.txt: the file is 20\.1 MB; the limit is 20 MB$"):
        read_bytes(data + b"!", "big.txt")
    with pytest.raises(MarkerError, match=r"^<stdin>: the input is more than 20 MB"):
        read_path("-", stdin=io.BytesIO(data + b"!"))


def test_word_limit_boundary() -> None:
    """200,000 words are read; 200,001 are refused with the count in the message."""
    assert len(read_bytes(b"word " * MAX_WORDS, "e.txt").raw_text.split()) == MAX_WORDS
    with pytest.raises(MarkerError, match=r"^e\.txt: 200,001 words; the limit is 200,000$"):
        read_bytes(b"word " * (MAX_WORDS + 1), "e.txt")
    # The words of a document count the same way.
    with pytest.raises(MarkerError, match=r"^e\.rtf: 200,001 words; the limit is 200,000$"):
        read_bytes(b"{\\rtf1 " + b"word " * (MAX_WORDS + 1) + b"}", "e.rtf")


# --- crashes the fuzzing found (regressions) ---------------------------------------------


def small_zip(members: dict[str, bytes]) -> bytes:
    """A deflated zip of ``members`` (name: content)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


ODT_LIKE = {"mimetype": b"application/vnd.oasis.opendocument.text" * 4, "content.xml": b"<x/>"}


@pytest.mark.parametrize("charset", ["base64", "rot13", "hex", "zlib", "undefined", "idna",
                                     "unicode_escape", "utf-7"])
def test_page_declaring_a_codec_that_is_no_text_encoding(charset: str) -> None:
    """read._html_encoding_hint passed "base64" to bytes.decode (LookupError, "undefined":
    UnicodeError); escape codecs and UTF-7 would rewrite the text. They are ignored."""
    page = f'<meta charset="{charset}"><p>Caf\xe9 \\u0041 +AGE- na\xefve</p>'.encode("latin-1")
    assert "\\u0041 +AGE- na" in read_bytes(page, "page.html").raw_text


@pytest.mark.parametrize("name", ["essay.bin", "-"])
def test_zip_with_a_corrupt_compressed_mimetype(name: str) -> None:
    """read._zip_kind let zlib.error escape while sniffing an unknown file's content."""
    data = bytearray(small_zip(ODT_LIKE))
    data[data.index(b"mimetype") + len(b"mimetype")] = 0xFF  # an invalid deflate block type
    with pytest.raises(MarkerError, match=rf"^{re.escape(shown(name))}: "):
        read_path(name, stdin=io.BytesIO(bytes(data))) if name == "-" else read_bytes(
            bytes(data), name)


@pytest.mark.parametrize("name", ["essay.bin", "-"])
def test_zip_with_bytes_cut_before_its_directory(name: str) -> None:
    """read._zip_kind let zipfile's "ValueError: negative seek value" escape."""
    data = small_zip({**ODT_LIKE, "essay.txt": b"Some text. " * 50})
    cut = data.index(b"PK\x01\x02") - 19
    damaged = data[:cut] + data[cut + 19:]
    with pytest.raises(MarkerError, match=rf"^{re.escape(shown(name))}: "):
        read_path(name, stdin=io.BytesIO(damaged)) if name == "-" else read_bytes(damaged, name)


@pytest.mark.parametrize("extension", [".docx", ".odt"])
def test_zip_needing_a_newer_zip_version(extension: str) -> None:
    """read._check_zip let zipfile's NotImplementedError ("zip file version 6.4") escape."""
    data = bytearray(small_zip({**ODT_LIKE, "word/document.xml": b"<x/>"}))
    at = data.index(b"PK\x01\x02")
    data[at + 6] = 64  # "version needed to extract" of the first member: 6.4
    with pytest.raises(MarkerError, match=rf"^essay\{extension}: not a valid \{extension} file "
                                          r"\(its zip archive is damaged\)$"):
        read_bytes(bytes(data), f"essay{extension}")
