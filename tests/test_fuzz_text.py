"""Property and fuzz tests for everything after reading: the text repair, date parsing, claim
extraction and verification, the rubric's marks and the rendered report.

Essays are built from fragments of the project's own test essays (tests/data/essays and
tests/data/linking), recombined, re-dated, stripped of punctuation and salted with nasty
Unicode and markup. Marking costs ~0.2-0.5 s an essay, so the properties that mark use short
texts and tens of examples; ``--fuzz-large`` runs ten times as many, on longer texts.
Timings of pathological inputs (huge essays, walls of text) are tests marked slow.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import FUZZ_COUNTS, FUZZ_SCALE, VERDICTS, check_report, fuzz_settings
from hypothesis import assume, given
from hypothesis import strategies as st
from test_normalise import check_shape

from marker import nlp
from marker.claims import extract_claims
from marker.dates import (
    OPEN_END,
    OPEN_START,
    find_dates,
    find_relative,
    parse_date,
    resolve_relative,
)
from marker.errors import MarkerError
from marker.normalise import normalise
from marker.pipeline import MAX_CHARS, mark_text, prepare
from marker.read import Submission
from marker.render import VERDICT_SYMBOLS, VERDICT_WORDS, render_html, render_summary, render_text
from marker.verify import verify

DATA = Path(__file__).parent / "data"
TEMPLATES = Path(__file__).resolve().parents[1] / "marker" / "templates"


# --- fragments of the project's essays ------------------------------------------------------


def _sentences() -> tuple[str, ...]:
    """Every sentence of the test essays, after the same repair marking does."""
    found: list[str] = []
    for path in sorted([*(DATA / "essays").glob("*.txt"), *(DATA / "linking").glob("*.txt")]):
        text = normalise(path.read_text(encoding="utf-8")).text
        for para in text.split("\n\n"):
            found.extend(s for s in re.split(r"(?<=[.!?])\s+(?=[\"“(A-Z])", para) if s)
    return tuple(found)


SENTENCES = _sentences()
CLAUSES = tuple(c.strip(" .") for s in SENTENCES for c in re.split(r"[,;:]\s+", s) if c.strip())
_YEAR = re.compile(r"\b1[89]\d\d\b")


@st.composite
def sentence(draw: st.DrawFn) -> str:
    """A sentence of the essays, or clauses of several run together, perhaps re-dated."""
    if draw(st.booleans()):
        text = draw(st.sampled_from(SENTENCES))
    else:
        parts = draw(st.lists(st.sampled_from(CLAUSES), min_size=1, max_size=3))
        text = ", ".join(parts) + draw(st.sampled_from([".", ".", "?", "!", ""]))
    if draw(st.booleans()):  # a wrong (or right) year instead of the one written
        text = _YEAR.sub(lambda _: str(draw(st.integers(1890, 1960))), text)
    return text


def essays(max_paragraphs: int = 3, max_sentences: int = 3) -> st.SearchStrategy[str]:
    """Short essays of fragments: paragraphs of sentences, separated by blank lines."""
    paragraph = st.lists(sentence(), min_size=1, max_size=max_sentences * FUZZ_SCALE).map(" ".join)
    return st.lists(paragraph, min_size=1, max_size=max_paragraphs).map("\n\n".join)


def wall(text: str) -> str:
    """The essay as one lower-case paragraph without any punctuation."""
    return " ".join(re.sub(r"[^\w\s]", " ", text).lower().split())


# Characters and sequences that break naive text handling.
NASTY = (
    "שלום", "مرحبا بالعالم", "\u200fעברית\u200e", "\u202eevil\u202c", "\u2067isolate\u2069",
    "😀", "👨\u200d👩\u200d👧\u200d👦", "🇬🇧", "👍🏽", "❤️", "e\u0301", "a\u0308\u0304", "\u0301",
    "z\u0336\u0337\u0338\u0335", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "\u00a0", "\u2003", "\u3000", "\u2028", "\u2029", "\x85", "\v", "\f", "\u1100\u1161\u11a8",
    "각", "中文字", "\u212b", "ﬁ", "١٩٣٩", "１９３９", "Ribben-\ntrop", "1924-\n1930", " ", "\n",
    "\n\n", "\r\n", "\t", "-", "\u2014", ".", "Page 3", "Stalin", "1939", "August",
)
nasty_pieces = st.sampled_from(NASTY) | st.text(st.characters(blacklist_categories=("Cs",)),
                                              max_size=3)
nasty_text = st.lists(nasty_pieces, max_size=60 * FUZZ_SCALE).map("".join)


@st.composite
def salted_essays(draw: st.DrawFn) -> str:
    """A fragment essay with nasty Unicode dropped between some of its words."""
    words = draw(essays(2, 2)).split(" ")
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(words)))
        words.insert(at, draw(st.sampled_from(NASTY)))
    return " ".join(words)


any_essay = st.one_of(
    essays(),
    essays().map(wall),
    st.sampled_from(SENTENCES),  # one-sentence essays
    st.sampled_from(SENTENCES).map(lambda s: s.rstrip(".!?")),
    salted_essays(),
    nasty_text,
)


# --- the text repair ----------------------------------------------------------------------------


def letters(text: str) -> list[str]:
    """The letters and digits of ``text``, decomposed, so NFC composition does not count."""
    return sorted(ch for ch in unicodedata.normalize("NFD", text) if ch.isalnum())


@fuzz_settings(300)
@given(st.one_of(nasty_text, salted_essays()))
def test_normalise_nasty_unicode(raw: str) -> None:
    """Shape and idempotence hold for RTL text, emoji, combining and zero-width marks."""
    FUZZ_COUNTS["normalise: nasty unicode"] += 1
    result = normalise(raw)
    check_shape(raw, result)
    assert normalise(result.text).text == result.text
    for i, ch in enumerate(result.text):  # each character comes from its own kind in raw
        source = raw[result.raw_offsets[i]]
        same = unicodedata.normalize("NFD", ch)[0] == unicodedata.normalize("NFD", source)[0]
        # A mark NFC left over after composing ("ǟ" + U+0301) points into the same sequence.
        mark = unicodedata.combining(ch) > 0 and unicodedata.combining(source) > 0
        assert same or mark or (ch.isspace() and source.isspace()), (i, ch, source)
    for start, end in result.paragraphs:
        raw_start, raw_end = result.to_raw(start, end)
        assert 0 <= raw_start < raw_end <= len(raw)


@pytest.mark.parametrize(("raw", "offsets"), [
    ("\u1100\u1161\u11a8\u05e9\u05dc", [0, 3, 4, 5]),  # decomposed Hangul, then Hebrew
    ("x\u0cc6\u0cc2y \u1100\u1161\u1100\u1161\u11a8z", [0, 1, 3, 4, 5, 7, 10, 11]),
])
def test_composition_across_starters_maps_each_character_to_its_own_source(
        raw: str, offsets: list[int]) -> None:
    """normalise._nfc mapped a word with decomposed Hangul character by character, so the
    letters after a composed syllable pointed into the jamo ("ש" at raw "\u1161")."""
    assert list(normalise(raw).raw_offsets) == offsets


# A line starting with a lower-case letter other than "p" ("page 3") is never furniture.
student_line = st.tuples(
    st.sampled_from("abcdefghijklmnoqrstuvwxyz"), st.lists(nasty_pieces, max_size=20)
).map(lambda t: t[0] + re.sub("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]", " ", "".join(t[1])))


@fuzz_settings(200)
@given(st.lists(student_line, min_size=1, max_size=10),
       st.sampled_from(["\n", "\r\n", "\n\n", "\n\f", "\u2029", "\u2028"]))
def test_normalise_never_loses_a_letter_of_nasty_unicode(lines: list[str], sep: str) -> None:
    """Every letter and digit the student typed survives, whatever Unicode surrounds it."""
    FUZZ_COUNTS["normalise: letters kept"] += 1
    raw = sep.join(lines)
    assert letters(normalise(raw).text) == letters(raw)


def test_normalise_huge_pastes_are_fast_and_keep_every_letter() -> None:
    """A 40,000-word paste (x10 with --fuzz-large), a 200,000-character line without a
    space, and 5,000 one-word lines are repaired in seconds. (The 200,000-letter "word" took
    12 minutes: normalise._COMPOUND backtracked from every letter of it, O(n^2).)"""
    words = " ".join(SENTENCES).split()
    paste = " ".join(words[i % len(words)] for i in range(40_000 * FUZZ_SCALE))
    wrapped = "\n".join(paste[i:i + 70] for i in range(0, len(paste), 70))  # hard-wrapped
    lines = "\n".join(words[:5000])
    for raw in (paste, wrapped, "x" * 200_000, lines, "e\u0301\u200b" * 50_000):
        began = time.perf_counter()
        result = normalise(raw)
        elapsed = time.perf_counter() - began
        assert elapsed < 10 * FUZZ_SCALE, (len(raw), elapsed)
        assert normalise(result.text).text == result.text
        if raw not in (wrapped, lines):  # those have lines that are page numbers ("1939")
            assert letters(result.text) == letters(raw)


# --- dates -----------------------------------------------------------------------------------

DATE_WORDS = (
    "1939", "1917", "23", "August", "Aug.", "the", "mid-", "1930s", "early", "late", "by",
    "after", "before", "from", "to", "until", "between", "and", "-", "\u2013", "/", "05/06/1939",
    "1939-08-23", "(O.S.)", "N.S.", "25 October (7 November) 1917", "a year later",
    "two weeks after Munich", "the following year", "that same year", "shortly after",
    "within a month of", "c.", "around", "summer", "winter", "of", "31", "February", "0",
    "9999", "1000", "2099", "2100", "١٩٣٩", "１９３９", "\u200f", "\u202e", "\u00a0", "’", ",",
    ".", "e\u0301", "😀",
)
date_soup = st.lists(st.sampled_from(DATE_WORDS) | nasty_pieces, max_size=40 * FUZZ_SCALE).map(
    " ".join)


@fuzz_settings(300)
@given(st.one_of(date_soup, nasty_text, salted_essays()))
def test_dates_any_string(text: str) -> None:
    """No exception; every span and relative date is a slice of the text, in range."""
    FUZZ_COUNTS["dates: any string"] += 1
    spans = find_dates(text)
    for span in spans:
        assert 0 <= span.start_char < span.end_char <= len(text)
        assert text[span.start_char:span.end_char] == span.text
        assert span.start <= span.end
        # Years 1000-2099 are read; a winter may run into the next year ("winter 2099").
        assert OPEN_START.year - 1 <= span.start.year and span.end.year <= OPEN_END.year + 1
        assert span.start == OPEN_START if span.open_start else True
        assert span.end == OPEN_END if span.open_end else True
        assert span.precision in {"day", "month", "season", "year", "range", "decade", "approx"}
    assert [s.start_char for s in spans] == sorted(s.start_char for s in spans)
    for rel in find_relative(text):
        assert 0 <= rel.start_char < rel.end_char <= len(text)
        assert text[rel.start_char:rel.end_char] == rel.text
        assert rel.offset_days_min <= rel.offset_days_max
        if rel.anchor_text is not None:
            assert rel.anchor_start_char is not None and rel.anchor_end_char is not None
            assert text[rel.anchor_start_char:rel.anchor_end_char] == rel.anchor_text
        for anchor in spans[:3]:
            resolved = resolve_relative(rel, anchor)
            assert resolved.start <= resolved.end
    parsed = parse_date(text)
    assert parsed is None or parsed.start <= parsed.end


def test_thousands_of_dates_parse_in_linear_time() -> None:
    """5,000 dates, and long runs of digits and dashes, take well under a few seconds."""
    many = " ".join(f"On {1 + i % 28} August {1917 + i % 25} the pact was signed."
                    for i in range(5000))
    for text in (many, "1939-" * 5000, "1 " * 20_000, "between 1939 and " * 3000, "9" * 100_000):
        began = time.perf_counter()
        find_dates(text)
        find_relative(text)
        elapsed = time.perf_counter() - began
        assert elapsed < 5, (text[:30], elapsed)
    assert len(find_dates(many)) == 5000


# --- claims and verdicts ---------------------------------------------------------------------


def test_claims_any_text(topic: Any) -> None:
    """Extraction and verification never raise; every claim is a slice of ``text``."""
    fuzz_with_topic(topic, 100, any_essay, _check_claims)


def fuzz_with_topic(topic: Any, examples: int, strategy: st.SearchStrategy[Any],
                    check: Any) -> None:
    """Run ``check(topic, example)`` on generated examples (the topic stays out of reports)."""

    @fuzz_settings(examples)
    @given(strategy)
    def fuzz(example: Any) -> None:
        check(topic, example)

    fuzz()


def _check_claims(topic: Any, raw: str) -> None:
    FUZZ_COUNTS["claims: any text"] += 1
    text = normalise(raw).text
    assume(text.strip())
    doc = nlp.analyse(text, topic)
    claims = extract_claims(doc, topic)
    for claim in claims:
        assert 0 <= claim.start < claim.end <= len(text), claim
        assert text[claim.start:claim.end] == claim.text, claim
        assert isinstance(claim.stated, str) and isinstance(claim.kind, str)
        verdict = verify(claim, topic.knowledge)
        assert verdict.verdict in VERDICTS, verdict
        assert (verdict.correction is not None) == (verdict.verdict == "contradicted"), verdict
    starts = [(c.start, c.end) for c in claims]
    assert starts == sorted(starts)


# --- the rubric ----------------------------------------------------------------------------


def check_marks(data: dict[str, Any]) -> None:
    """Marks within 0..max, the total the sum of the criteria, evidence inside the text."""
    criteria = data["criteria"]
    assert criteria
    for c in criteria:
        assert isinstance(c["mark"], int) and not isinstance(c["mark"], bool), c
        assert 0 <= c["mark"] <= c["max"], c
        assert isinstance(c["band"], str) and c["band"], c
    assert data["total"]["mark"] == sum(c["mark"] for c in criteria)
    assert data["total"]["max"] == sum(c["max"] for c in criteria)
    for name, ev in data["evidence"].items():
        assert 0 <= ev["score"] <= 1, name
        for span in ev["spans"]:
            assert 0 <= span["start"] <= span["end"] <= len(data["text"]), (name, span)


def test_rubric_marks_random_essays(topic: Any) -> None:
    fuzz_with_topic(topic, 80, st.one_of(essays(), essays().map(wall), salted_essays()),
                    _check_rubric)


def _check_rubric(topic: Any, raw: str) -> None:
    FUZZ_COUNTS["rubric: marked essays"] += 1
    assume(re.search(r"[A-Za-z]{3}", normalise(raw).text))
    data = mark_text(raw, topic=topic).to_dict()
    check_report(data)
    check_marks(data)


# --- the rendered report ------------------------------------------------------------------------

INJECTIONS = (
    "<script>alert('xss')</script>", '<img src=x onerror="alert(1)">', '"><svg onload=alert(2)>',
    "' onmouseover='alert(3)", "{{ 7*7 }}", "{% for x in range(9) %}JINJA{% endfor %}",
    "{# hidden #}", "<!-- hidden -->", "</td></tr></table><b>bold</b>", "&lt;script&gt;",
    "<style>body{display:none}</style>", '<a href="javascript:alert(4)">link</a>',
    "<iframe src=//evil.example>", "${7*7}", "<![CDATA[x]]>", "</title><script>",
    "\u202e<script>", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<x-evil onclick=alert(5)>",
    "<textarea>", "&amp;", "<p style=\"color:red\">red</p>", "javascript:alert(6)",
)


@st.composite
def injected_essays(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A fragment essay with markup and template syntax between its sentences."""
    sentences = draw(st.lists(sentence(), min_size=1, max_size=5 * FUZZ_SCALE))
    used = draw(st.lists(st.sampled_from(INJECTIONS), min_size=1, max_size=4))
    for piece in used:
        sentences.insert(draw(st.integers(0, len(sentences))), piece)
    paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
    return "\n\n".join(paragraphs), used


class _Page(HTMLParser):
    """What a browser would see: tags, attributes, comments and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attributes: list[tuple[str, str, str | None]] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attributes.extend((tag, name, value) for name, value in attrs)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _template_vocabulary() -> tuple[set[str], set[str]]:
    """Tag and attribute names the HTML template writes (css-inline adds style=, <tbody>)."""
    source = (TEMPLATES / "report.html.j2").read_text(encoding="utf-8")
    tags = {t.lower() for t in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", source)} | {"tbody"}
    attributes = {a.lower() for a in re.findall(r"\s([a-zA-Z-]+)=\"", source)} | {"style"}
    return tags, attributes


TEMPLATE_TAGS, TEMPLATE_ATTRIBUTES = _template_vocabulary()
BADGES = [f"{symbol}\xa0{VERDICT_WORDS[v]}" for v, symbol in VERDICT_SYMBOLS.items()] + [
    "✎\xa0spelling"]


def check_html(html: str, pieces: list[str], student: str) -> None:
    """No markup from the essay: only the template's tags and attributes, no script, no
    event handler; the essay's markup shows as text."""
    assert "<script" not in html.lower()
    page = _Page()
    page.feed(html)
    page.close()
    assert set(page.tags) <= TEMPLATE_TAGS, set(page.tags) - TEMPLATE_TAGS
    assert page.tags["style"] == 1 and page.tags["title"] == 1 and page.tags["body"] == 1
    for tag, name, value in page.attributes:
        assert name in TEMPLATE_ATTRIBUTES and not name.startswith("on"), (tag, name, value)
        assert "javascript:" not in (value or "").lower(), (tag, name, value)
    assert all(c.startswith(("[if mso]", "[endif]")) or c.endswith("[endif]")
               for c in page.comments), page.comments
    shown = " ".join("".join(page.text).split())
    for piece in pieces:
        assert " ".join(normalise(piece).text.split()) in shown, piece
    assert student in shown


def test_report_never_turns_essay_text_into_markup(topic: Any) -> None:
    """Markup, scripts and template syntax in the essay (and its file name) render as text,
    in the HTML (parsed and compared) and in the plain text."""
    fuzz_with_topic(topic, 80, st.tuples(injected_essays(), st.sampled_from(INJECTIONS)),
                    _check_injected)


def _check_injected(topic: Any, example: tuple[tuple[str, list[str]], str]) -> None:
    FUZZ_COUNTS["report: essays with markup"] += 1
    (raw, pieces), in_name = example
    student = f"{in_name.replace('/', '')}.txt"
    data = mark_text(raw, topic=topic, path=student).to_dict()
    check_html(render_html(data), pieces, student)
    check_html(render_html(data, show_mark=False), pieces, student)
    assert student in render_text(data)  # plain text: as written, neither escaped nor run
    assert student in render_summary(data, show_mark=False)


def test_report_renders_any_essay(topic: Any) -> None:
    """Whatever the essay, HTML and text render, and the HTML shows the whole essay."""
    fuzz_with_topic(topic, 60, any_essay, _check_rendered)


def _check_rendered(topic: Any, raw: str) -> None:
    FUZZ_COUNTS["report: any essay rendered"] += 1
    assume(normalise(raw).text.strip())
    data = mark_text(raw, topic=topic).to_dict()
    page = _Page()
    page.feed(render_html(data))
    shown = "".join(page.text)
    for badge in BADGES:
        shown = shown.replace(badge, "")
    for para in data["paragraphs"]:  # every word of every paragraph is on the page
        for word in data["text"][para["start"]:para["end"]].split()[:50]:
            assert word.replace("\x00", "") in shown, word  # HTML parsers drop NUL
    assert render_text(data).startswith("FEEDBACK ON YOUR ESSAY")


def test_long_essay_full_of_markup_is_shortened_safely(topic: Any) -> None:
    """Over the e-mail budget the report drops paragraphs; what stays is still escaped."""
    body = []
    for i, s in enumerate(SENTENCES[:400]):
        body.append(s)
        if i % 7 == 0:
            body.append(INJECTIONS[i % len(INJECTIONS)])
    raw = "\n\n".join(" ".join(body[i:i + 8]) for i in range(0, len(body), 8))
    data = mark_text(raw, topic=topic, path="long.txt").to_dict()
    html = render_html(data)
    assert "paragraph" in html and "<script" not in html.lower()
    check_html(html, [], "long.txt")


# --- pathological essays (timings; run with --runslow) -------------------------------------


def test_paragraph_with_thousands_of_names_renders_quickly(topic: Any) -> None:
    """render.annotate looked at every claim and name of a paragraph for every stretch of it
    (O(n^2): 19 s for a 4,000-sentence paragraph of names); a sweep makes it linear."""
    base = mark_text("Stalin met Hitler.", topic=topic).to_dict()
    count = 6_000 * FUZZ_SCALE
    width = len("Stalin met Hitler. ")
    text = ("Stalin met Hitler. " * count).rstrip()
    entities = [{**e, "start": e["start"] + i * width, "end": e["end"] + i * width}
                for i in range(count) for e in base["entities"]]
    entities[1]["corrected_from"] = "Hitlor"
    data = {**base, "text": text, "paragraphs": [{"start": 0, "end": len(text)}],
            "entities": entities}
    began = time.perf_counter()
    html = render_html(data, max_bytes=None)
    assert time.perf_counter() - began < 5 * FUZZ_SCALE
    assert html.count('class="nm"') >= 2 * count and "Hitlor" in html


def _words(n: int) -> str:
    """``n`` words of real essay text, in paragraphs of 150 words."""
    words = " ".join(SENTENCES).split()
    out = [words[i % len(words)] for i in range(n)]
    return "\n\n".join(" ".join(out[i:i + 150]) for i in range(0, n, 150))


# Input, and the most seconds marking it may take. Measured on a 2-core machine: 5,000
# words 3.5 s, 40,000 words ~90 s (claims and linking are O(n^2) in sentences or entities).
PATHOLOGICAL = {
    "5,000-word essay": (lambda: _words(5_000), 30),
    "40,000-word essay": (lambda: _words(40_000), 300),
    "50,000-character sentence without punctuation": (
        lambda: wall(" ".join(SENTENCES))[:50_000], 60),
    "2,000 dated sentences": (lambda: " ".join(
        f"On {1 + i % 28} August {1917 + i % 25} the treaty was signed." for i in range(2_000)),
        60),
    "3,000 names in one paragraph": (lambda: " ".join(
        f"{a} met {b} and {c}." for a, b, c in zip(
            ["Stalin", "Litvinov", "Molotov", "Trotsky", "Chicherin"] * 200,
            ["Hitler", "Ribbentrop", "Chamberlain", "Lenin", "Zinoviev"] * 200,
            ["Kamenev", "Bukharin", "Beneš", "Daladier", "Matsuoka"] * 200, strict=True)), 60),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_essays_are_marked_in_reasonable_time(topic: Any, name: str) -> None:
    make, limit = PATHOLOGICAL[name]
    raw = make()
    began = time.perf_counter()
    data = mark_text(raw, topic=topic).to_dict()
    marked = time.perf_counter() - began
    html = render_html(data)
    rendered = time.perf_counter() - began - marked
    check_report(data)
    check_marks(data)
    print(f"\n{name}: {len(raw):,} characters marked in {marked:.1f} s, "
          f"HTML ({len(html):,} bytes) in {rendered:.1f} s")
    assert marked < limit and rendered < 10, (name, marked, rendered)


def test_text_longer_than_the_model_takes_is_refused_in_one_line() -> None:
    """A 200,000-word essay passes the reader's limits but is over 1,000,000 characters,
    which spaCy refuses with ValueError E088: pipeline.prepare says so first."""
    sub = Submission(path="long.txt", raw_text="word " * (MAX_CHARS // 5 + 1), format="txt",
                     sha256="0" * 64)
    with pytest.raises(MarkerError, match=r"^long\.txt: 1,000,004 characters is too long to "
                                          r"analyse; the limit is 1,000,000$"):
        prepare(sub, force=True)
    at_limit = Submission(path="x.txt", raw_text="word " * (MAX_CHARS // 5), format="txt",
                          sha256="0" * 64)
    assert len(prepare(at_limit, force=True).text) == MAX_CHARS - 1
