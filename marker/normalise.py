"""Repair essays pasted from PDFs and Word into clean paragraphs, with a map back to the raw text.

Feedback quotes the student's own words, so every character of the repaired text points back
at the raw character it came from. Only whitespace, soft hyphens, invisible zero-width marks,
the hyphens of words split across lines and page furniture (page numbers, running headers)
are ever dropped; the student's letters are never changed except by Unicode NFC composition.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

# Line breaks, as str.splitlines sees them; a form feed also starts a new page and U+2029
# is an explicit paragraph break.
_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# Runs of characters kept inside a line: everything but whitespace, soft hyphens, zero-width
# spaces and byte-order marks.
_RUN = re.compile(r"[^\s\u00ad\u200b\ufeff]+")
# A line already clean: runs separated by single plain spaces, nothing at either end.
_CLEAN = re.compile(r"[^\s\u00ad\u200b\ufeff]+(?: [^\s\u00ad\u200b\ufeff]+)*")
_SOFT_HYPHEN = "\u00ad"

_PAGE_NUMBER = re.compile(
    r"[-\u2013\u2014\s(\[]*(?:(?:page|pg\.?|p\.)\s*)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?[-\u2013\u2014\s)\]]*",
    re.IGNORECASE,
)
_LIST_MARKER = re.compile(r"(?:\d+[.)]|[\u2022\u25cf\u25aa*\u2013\u2014-])\s")
# A timeline entry: "1921 - the Comintern ...", "1917-1919: civil war" (a year, or a span of
# years, then a dash or colon): a line of its own, like a list item.
_TIMELINE_ENTRY = re.compile(r"\d{4}(?:\s*[-\u2013\u2014/]\s*\d{2,4})?\s*[-\u2013\u2014:]\s")
_WORD = re.compile(r"[^\W\d_]+")
# Both start only where a run of letters starts: trying every letter of a long run as a start
# made them quadratic (a 200,000-letter "word" took minutes).
_COMPOUND = re.compile(r"(?<![^\W\d_])[^\W\d_]+(?:[-\u2010][^\W\d_]+)+")
_HYPHEN_SPLIT = re.compile(r"(?<![^\W\d_])[^\W\d_]+(?=[-\u2010]$)")
_DIGITS = re.compile(r"\d+")
_INITIAL = re.compile(r"[A-Z]\.")
_VOWELS = frozenset("aeiouy")
_NON_LATIN = re.compile(r"[^\x00-\u024f]")  # beyond Latin Extended-B


def _words(text: str) -> frozenset[str]:
    """A word set written as one space-separated string, easier to read than a literal."""
    return frozenset(text.split())


_HYPHENS = "-\u2010"
_DASHES = "-\u2010\u2013\u2014"
_CLOSERS = "\"'\u2019\u201d)]}\u00bb"
_OPENERS = "\"'\u2018\u201c([{\u00ab"
_SENTENCE_END = ".?!\u2026"
# A paragraph cannot end on these, so text after them continues the same paragraph.
_CONTINUING_END = ",;(&/\u2013\u2014-"
_CONTINUING_START = ",;:)]}%"
# Function words that never end an English paragraph.
_CONNECTORS = _words(
    "a an and as at between but by for from in into its of on or than that the their to under "
    "which who whose with"
)
# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = _words("mr. mrs. ms. dr. st. gen. lt. col. capt. mt. no. vs. cf. e.g. i.e.")
# Prefixes that keep their hyphen when a compound is split after them ("self-\ndetermination").
_HYPHEN_PREFIXES = _words("self non quasi pseudo semi well")
_HEADER_MAX_LEN = 60


@dataclass(frozen=True)
class Normalised:
    """The repaired essay and the way back to the characters the student pasted."""

    text: str
    paragraphs: tuple[tuple[int, int], ...]
    raw_offsets: array

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map the span ``text[start:end]`` to the raw span it was repaired from."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) is outside the text (length {len(self.text)})")
        raw_start = self.raw_offsets[start]
        if start == end:
            return raw_start, raw_start
        last = self.raw_offsets[end - 1]
        # A character composed by NFC came from its decomposed sequence: cover that, but
        # never run into the next character's source.
        width = len(unicodedata.normalize("NFD", self.text[end - 1]))
        return raw_start, max(last + 1, min(last + width, self.raw_offsets[end]))


@dataclass(slots=True)
class _Line:
    """One raw line after whitespace clean-up: its text and where each character came from."""

    text: str
    offs: array
    start: int  # raw index of the line's first character
    brk: int  # raw index of the line break that ends it (len(raw) for the last line)
    page: int  # number of form feeds before the line
    para_break: bool  # a U+2029 paragraph separator came just before the line
    soft_end: bool  # the raw line ended in a soft hyphen: the word continues on the next line


def normalise(raw: str) -> Normalised:
    """Unwrap, de-hyphenate and de-furnish pasted essay text, keeping an exact offset map."""
    lines = _split_lines(raw)
    nonblank = [i for i, line in enumerate(lines) if line.text]
    page_numbers = {i for i in nonblank if _PAGE_NUMBER.fullmatch(lines[i].text)}
    candidates = [i for i in nonblank if i not in page_numbers]
    wrapped = _is_wrapped(lines, candidates)
    furniture = page_numbers | _running_headers(lines, nonblank, page_numbers, wrapped)
    content = [i for i in candidates if i not in furniture]
    return _assemble(raw, _Layout(raw, lines, content, wrapped).paragraphs())


def looks_english(text: str) -> bool:
    """Guess whether ``text`` is English, to refuse essays the English-only analysis would misread.

    Compares the share of English stop words with French, German and Spanish ones; texts too short
    to judge count as English, texts mostly in a non-Latin script do not.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    letters = "".join(words)
    latin = len(letters) - len(_NON_LATIN.findall(letters))
    if len(letters) >= 20 and latin < 0.7 * len(letters):
        return False
    if len(words) < 5:
        return True
    counts = Counter(words)

    def share(stop_words: frozenset[str]) -> float:
        return sum(counts[w] for w in stop_words) / len(words)

    english = share(_STOP_WORDS["en"])
    others = (share(words) for lang, words in _STOP_WORDS.items() if lang != "en")
    return english >= 0.15 and all(english > other for other in others)


_STOP_WORDS = {
    "en": _words(
        "the of and to in that is was were it for as with by on this be which from are his at "
        "an not had have but they their he its or would there been has also than who into "
        "these what all however after only could more we our"
    ),
    "fr": _words(
        "le la les de des du et est un une en que qui dans pour par sur au aux pas ne il elle "
        "ce cette se son sa ses plus avec était été ont sont mais comme leur"
    ),
    "de": _words(
        "der die das und ist nicht ein eine einer den dem des zu mit von sich auf für im war "
        "wurde auch es er sie dass als nach bei aus wie oder aber hat"
    ),
    "es": _words(
        "el la los las de del y que en un una es por para con no se su sus al lo como más pero "
        "fue era este esta entre"
    ),
}


# --- lines ------------------------------------------------------------------------------


def _split_lines(raw: str) -> list[_Line]:
    """Cut the raw text into cleaned lines, remembering form feeds and paragraph separators."""
    lines: list[_Line] = []
    start = page = 0
    para_break = False
    for m in _BREAK.finditer(raw):
        lines.append(_clean_line(raw, start, m.start(), page, para_break))
        brk = m.group()
        page += brk == "\f"
        para_break = brk == "\u2029"
        start = m.end()
    lines.append(_clean_line(raw, start, len(raw), page, para_break))
    return lines


def _clean_line(raw: str, start: int, end: int, page: int, para_break: bool) -> _Line:
    """Collapse whitespace runs to one space, drop invisible marks, strip the ends, compose NFC."""
    if _CLEAN.fullmatch(raw, start, end):  # most lines: nothing to collapse or drop
        text, offs = _nfc(raw[start:end], array("l", range(start, end)))
        return _Line(text, offs, start, end, page, para_break, False)
    pieces: list[str] = []
    offs = array("l")
    last = start
    for m in _RUN.finditer(raw, start, end):
        s = m.start()
        if pieces and s > last:
            space = _first_space(raw, last, s)
            if space >= 0:
                pieces.append(" ")
                offs.append(space)
        pieces.append(m.group())
        offs.extend(range(s, m.end()))
        last = m.end()
    soft_end = bool(pieces) and _SOFT_HYPHEN in raw[last:end]
    text, offs = _nfc("".join(pieces), offs)
    return _Line(text, offs, start, end, page, para_break, soft_end)


def _first_space(raw: str, start: int, end: int) -> int:
    """Index of the first whitespace character in ``raw[start:end]``, or -1."""
    for i in range(start, end):
        if raw[i].isspace():
            return i
    return -1


def _nfc(text: str, offs: array) -> tuple[str, array]:
    """Compose ``text`` to NFC, pointing each new character at the start of its source sequence."""
    if unicodedata.is_normalized("NFC", text):
        return text, offs
    out: list[str] = []
    new = array("l")
    pos = 0
    # A space never composes with its neighbours, so words normalise independently.
    for word in text.split(" "):
        if out:
            out.append(" ")
            new.append(offs[pos - 1])
        composed = unicodedata.normalize("NFC", word)
        chunks = _starter_chunks(word)
        if "".join(unicodedata.normalize("NFC", word[a:b]) for a, b in chunks) != composed:
            chunks = [(0, len(word))]  # composition across several chunks: map the word
        for a, b in chunks:
            part = unicodedata.normalize("NFC", word[a:b])
            out.append(part)
            new.extend(offs[pos + a + min(k, b - a - 1)] for k in range(len(part)))
        pos += len(word) + 1
    return "".join(out), new


def _starter_chunks(word: str) -> list[tuple[int, int]]:
    """Split ``word`` before each character that does not combine with the one before.

    Neighbours that compose across the split anyway (Hangul jamo, two-part Indic vowels) are
    one chunk, so each composed character maps to the start of its own source sequence.
    """
    bounds = [i for i, ch in enumerate(word) if i == 0 or not unicodedata.combining(ch)]
    chunks: list[tuple[int, int]] = []
    for a, b in zip(bounds, [*bounds[1:], len(word)], strict=True):
        if chunks:
            first = chunks[-1][0]
            joined = unicodedata.normalize("NFC", word[first:b])
            if joined != unicodedata.normalize("NFC", word[first:a]) + unicodedata.normalize(
                    "NFC", word[a:b]):
                chunks[-1] = (first, b)
                continue
        chunks.append((a, b))
    return chunks


# --- furniture --------------------------------------------------------------------------


def _is_wrapped(lines: list[_Line], candidates: list[int]) -> bool:
    """Whether the text is hard-wrapped (PDF) rather than one line per paragraph (Word).

    In wrapped text most lines run on into the next one mid-sentence; a Word paragraph ends a
    sentence and the only unpunctuated lines are short headings.
    """
    if not candidates:
        return False
    long_line = 0.6 * max(len(lines[i].text) for i in candidates)
    pairs = wrap_like = 0
    for a, b in pairwise(candidates):
        if b != a + 1:
            continue
        pairs += 1
        first, second = lines[a].text, lines[b].text
        if not _ends_sentence_lax(first) and (second[0].islower() or len(first) >= long_line):
            wrap_like += 1
    return pairs > 0 and wrap_like >= 0.3 * pairs


def _running_headers(
    lines: list[_Line], nonblank: list[int], page_numbers: set[int], wrapped: bool
) -> set[int]:
    """Raw line indices of running headers and footers.

    A header is a short unpunctuated line repeated identically (digits aside) at least three
    times, spread out, next to page boundaries when those are known; or, with form feeds, a
    line at the top or bottom of every page. Only PDF-like text has them: Word pastes do not.
    """
    has_pages = lines[-1].page > 0
    if not (wrapped or has_pages or page_numbers):
        return set()
    near = _near_page_boundary(lines, nonblank, page_numbers)
    groups: dict[str, list[int]] = {}
    for pos, i in enumerate(nonblank):
        text = lines[i].text
        if i not in page_numbers and _header_candidate(text):
            groups.setdefault(_DIGITS.sub("#", text), []).append(pos)
    pages_with_text = {lines[i].page for i in nonblank}
    found: set[int] = set()
    for positions in groups.values():
        gaps = [b - a for a, b in pairwise(positions)]
        if not gaps or min(gaps) < 2:
            continue  # a running header is never on consecutive lines
        close = sum(near[p] for p in positions)
        boundaries_known = has_pages or bool(page_numbers)
        repeated = (
            len(positions) >= 3
            and sum(gaps) >= 4 * len(gaps)  # spread through the text
            and (not boundaries_known or 2 * close >= len(positions))
        )
        pages = [lines[nonblank[p]].page for p in positions]
        every_page = (
            has_pages
            and close == len(positions) >= 2
            and len(set(pages)) == len(pages)
            and set(pages) == pages_with_text
        )
        if repeated or every_page:
            found.update(nonblank[p] for p in positions)
    return found


def _header_candidate(text: str) -> bool:
    """Short, unpunctuated, starting like a title and holding a letter: could be a header."""
    first = text.lstrip(_OPENERS)[:1]
    return (
        len(text) <= _HEADER_MAX_LEN
        and not first.islower()
        and not _ends_sentence_lax(text)
        and _WORD.search(text) is not None
    )


def _near_page_boundary(
    lines: list[_Line], nonblank: list[int], page_numbers: set[int]
) -> list[bool]:
    """For each non-blank line: is it among the first or last two lines of its page?

    Pages are cut by form feeds and page-number lines (and the ends of the text).
    """
    n = len(nonblank)

    def runs(order: range) -> list[int]:
        dist = [0] * n
        run = 0
        prev = -1
        for p in order:
            i = nonblank[p]
            cut = (
                prev < 0
                or lines[i].page != lines[nonblank[prev]].page
                or nonblank[prev] in page_numbers
            )
            run = 0 if cut else run + 1
            dist[p] = run
            prev = p
        return dist

    before = runs(range(n))
    after = runs(range(n - 1, -1, -1))
    return [b <= 1 or a <= 1 for b, a in zip(before, after, strict=True)]


# --- paragraphs -------------------------------------------------------------------------


@dataclass(slots=True)
class _Paragraph:
    """A paragraph being built: its first and last raw lines and the pieces joined so far."""

    first: _Line
    last: _Line
    pieces: list[tuple[str, array]]


class _Layout:
    """Groups content lines into paragraphs and repairs the line breaks inside them."""

    def __init__(self, raw: str, lines: list[_Line], content: list[int], wrapped: bool) -> None:
        self.raw = raw
        self.lines = lines
        self.content = content
        self.wrapped = wrapped
        self.fits_below = self._fit_threshold() if wrapped else 0.0
        blank_runs = Counter(self._blanks(a, b) for a, b in pairwise(content))
        del blank_runs[0]
        self.usual_blanks = blank_runs.most_common(1)[0][0] if blank_runs else 0

    @functools.cached_property
    def words(self) -> set[str]:
        """Every word of the essay, lowercased: the dictionary a split word is checked in
        (worked out only when a line ends in a hyphen)."""
        return {w.lower() for i in self.content for w in _WORD.findall(self.lines[i].text)}

    @functools.cached_property
    def compounds(self) -> set[str]:
        """Hyphenated pairs the essay uses elsewhere ("non-aggression"), lowercased."""
        return {
            f"{a}-{b}".lower()
            for i in self.content
            for m in _COMPOUND.finditer(self.lines[i].text)
            for a, b in pairwise(re.split("[-\u2010]", m.group()))
        }

    def _fit_threshold(self) -> float:
        """Length below which a line plus the next word would clearly have fitted on the line.

        Measured on lines that certainly wrapped (no sentence end, lowercase next line), so it
        adapts to proportional fonts; falls back to the 75th-percentile line length.
        """
        lines, content = self.lines, self.content
        typical = _percentile(sorted(len(lines[i].text) for i in content), 0.75)
        wrapped_widths = sorted(
            _would_be(lines[a].text, lines[b].text)
            for a, b in pairwise(content)
            if b == a + 1 and not _ends_sentence_lax(lines[a].text) and lines[b].text[0].islower()
        )
        width = _percentile(wrapped_widths, 0.1) if len(wrapped_widths) >= 5 else typical
        width = min(max(width, 0.75 * typical), 1.1 * typical)
        return width - max(2.0, 0.05 * typical)

    def _blanks(self, a: int, b: int) -> int:
        """Number of blank lines between raw lines ``a`` and ``b``."""
        return sum(1 for i in range(a + 1, b) if not self.lines[i].text)

    def paragraphs(self) -> list[_Paragraph]:
        """Group the content lines into paragraphs, joining the lines of each."""
        result: list[_Paragraph] = []
        prev = -1
        for i in self.content:
            line = self.lines[i]
            if result and not self._breaks(result[-1], prev, i):
                self._join(result[-1], line)
            else:
                result.append(_Paragraph(line, line, [(line.text, line.offs)]))
            prev = i
        return result

    def _breaks(self, paragraph: _Paragraph, a: int, b: int) -> bool:
        """Whether a paragraph ends between content lines ``a`` and ``b``."""
        lines = self.lines
        first, second = lines[a], lines[b]
        if paragraph.first is first and _heading(first.text) and (
                not self.wrapped or _would_be(first.text, second.text) < self.fits_below):
            return True  # "2. 1921-1928 peaceful coexistence": a heading, even before "lenin"
        if _heading(second.text) and _ends_sentence_lax(first.text) and (
                not self.wrapped or second.text[0].isdigit()):
            return True  # a sentence ends and a heading of its own follows ("2. The NEP")
        if self._blanks(a, b) and not _left_open(first.text) and (
                not self.wrapped or _would_be(first.text, second.text) < self.fits_below):
            return True  # a short line, a blank line: a title or a paragraph's end, whatever
            # case the next line starts in ("soviet foreign policy 1917-1941", then "in 1917")
        if _continues(_tail(paragraph.pieces), second.text):
            return False
        if _TIMELINE_ENTRY.match(second.text):
            return True  # "1921 - the Comintern ...": an entry of its own
        if any(lines[i].para_break for i in range(a + 1, b + 1)):
            return True
        if not self.wrapped:
            return True
        blanks = self._blanks(a, b)
        page_break = (
            b > a + 1 + blanks  # page furniture was dropped in between
            or second.page != first.page
            or (blanks >= 3 and blanks > self.usual_blanks)
        )
        ends = _ends_sentence_lax(first.text)
        short = _would_be(first.text, second.text) < self.fits_below
        if blanks and not page_break:
            # A blank line ends the paragraph, unless a full line stopped mid-sentence.
            return ends or short
        return ends and short and _starts_capital(second.text)

    def _join(self, paragraph: _Paragraph, line: _Line) -> None:
        """Append ``line`` to ``paragraph``: after a space, or glued across a split word."""
        prev = paragraph.last
        paragraph.last = line
        pieces = paragraph.pieces
        text, offs = pieces[-1]
        nxt = line.text
        glue = prev.soft_end and nxt[0].isalpha()
        if not glue and _ends_attached_dash(text) and nxt[0].isalnum():
            glue = True
            if text[-1] in _HYPHENS and nxt[0].islower() and self._split_word(text, nxt):
                pieces[-1] = (text[:-1], offs[:-1])
        if not glue:
            pieces.append((" ", array("l", [_first_space(self.raw, offs[-1] + 1, prev.brk + 1)])))
        pieces.append((nxt, line.offs))

    def _split_word(self, text: str, nxt: str) -> bool:
        """Whether a line-end hyphen before a lowercase continuation merely split a word.

        The text itself is the dictionary: a hyphenated form used elsewhere keeps its hyphen,
        a joined form used elsewhere is joined; otherwise join unless the first part is a
        prefix that keeps its hyphen or the joined word is implausible.
        """
        left_match = _HYPHEN_SPLIT.search(text)
        right_match = _WORD.match(nxt)
        if left_match is None or right_match is None:
            return False
        left, right = left_match.group().lower(), right_match.group().lower()
        if f"{left}-{right}" in self.compounds:
            return False
        if left + right in self.words:
            return True
        return left not in _HYPHEN_PREFIXES and _plausible_word(left + right)


def _assemble(raw: str, paragraphs: list[_Paragraph]) -> Normalised:
    """Concatenate the paragraphs, separated by blank lines, into the text and its offset map."""
    out: list[str] = []
    offsets = array("l")
    spans: list[tuple[int, int]] = []
    prev: _Paragraph | None = None
    for paragraph in paragraphs:
        text = "".join(p for p, _ in paragraph.pieces)
        offs = array("l")
        for _, o in paragraph.pieces:
            offs.extend(o)
        text, offs = _nfc(text, offs)
        if _PAGE_NUMBER.fullmatch(text):
            continue  # page furniture that only appeared once split words were joined
        if prev is not None:
            out.append("\n\n")
            offsets.append(prev.last.brk)
            offsets.append(paragraph.first.start - 1)
        start = len(offsets)
        out.append(text)
        offsets.extend(offs)
        spans.append((start, len(offsets)))
        prev = paragraph
    offsets.append(len(raw))
    return Normalised("".join(out), tuple(spans), offsets)


# --- small text tests -------------------------------------------------------------------


_HEADING_WORDS = 8


def _heading(line: str) -> bool:
    """A line of its own that heads what follows: a numbered title of a few words ("2. The
    NEP years") or one or two words ("Conclusion"), with nothing that carries it on."""
    text = line.strip()
    words = text.split()
    if not words or not text[0].isalnum() or text[-1] in ".!?,;:-\u2013\u2014(" \
            or words[-1].lower() in _CONNECTORS:
        return False
    numbered = _LIST_MARKER.match(text) is not None and text[0].isdigit()
    return len(words) <= 2 or (numbered and len(words) <= _HEADING_WORDS)


def _left_open(line: str) -> bool:
    """Ends where a sentence cannot: a comma, a dash or hyphen, a joining word."""
    text = line.rstrip()
    return not text or text[-1] in ",;:(-\u2013\u2014" or \
        text.rsplit(" ", 1)[-1].lower() in _CONNECTORS


def _continues(tail: str, nxt: str) -> bool:
    """Whether ``nxt`` carries on a sentence ``tail`` left unfinished: no paragraph ends there."""
    if _ends_attached_dash(tail):
        return True  # a word or a range split at its hyphen
    if _LIST_MARKER.match(nxt) or _TIMELINE_ENTRY.match(nxt) or _ends_sentence_strict(tail):
        return False
    if nxt[0].islower() or nxt[0].isdigit() or nxt[0] in _CONTINUING_START:
        return True
    return tail[-1] in _CONTINUING_END or tail.rsplit(" ", 1)[-1] in _CONNECTORS


def _ends_attached_dash(text: str) -> bool:
    """Ends with a hyphen or dash stuck to the word before it ("Ribben-", "1924-", "Stalin—")."""
    return len(text) >= 2 and text[-1] in _DASHES and not text[-2].isspace()


def _tail(pieces: list[tuple[str, array]]) -> str:
    """The end of the paragraph built so far: enough to hold its last word."""
    tail = ""
    for text, _ in reversed(pieces):
        tail = text + tail
        if " " in tail or len(tail) >= 40:
            break
    return tail


def _ends_sentence_strict(text: str) -> bool:
    """Ends with ., ?, ! or an ellipsis, perhaps followed by closing quotes or brackets."""
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def _ends_sentence_lax(text: str) -> bool:
    """Looks like a sentence end: terminal punctuation (not an abbreviation) or a closing quote."""
    if text[-1] in '"\u201d':
        return True
    if not _ends_sentence_strict(text):
        return False
    token = text.rstrip(_CLOSERS).rsplit(" ", 1)[-1]
    return token.lower() not in _ABBREVIATIONS and not _INITIAL.fullmatch(token)


def _starts_capital(text: str) -> bool:
    stripped = text.lstrip(_OPENERS)
    return bool(stripped) and stripped[0].isupper()


def _would_be(line: str, nxt: str) -> int:
    """Length ``line`` would have had with the next line's first word on it."""
    return len(line) + 1 + len(nxt.split(" ", 1)[0])


def _plausible_word(word: str) -> bool:
    return len(word) <= 30 and (not word.isascii() or any(ch in _VOWELS for ch in word))


def _percentile(ordered: list[int], q: float) -> float:
    return ordered[int(q * (len(ordered) - 1))] if ordered else 0.0
