"""Tests for the paste-repair step: unwrapping, de-hyphenation, page furniture, offset map."""

from __future__ import annotations

import re
import time
import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marker.normalise import Normalised, looks_english, normalise

WRAPPED = Path(__file__).parent / "data" / "wrapped"
SEED = Path(__file__).parents[2] / "shared" / "samples" / "seed_essay.txt"


def fixture(name: str) -> str:
    """A fixture exactly as pasted: bytes decoded without translating CRLF."""
    return (WRAPPED / name).read_bytes().decode("utf-8")


def paragraphs(result: Normalised) -> list[str]:
    return [result.text[s:e] for s, e in result.paragraphs]


def check_shape(raw: str, result: Normalised) -> None:
    """The invariants every result keeps, whatever the input."""
    text, offsets = result.text, result.raw_offsets
    assert offsets.typecode == "l"
    assert len(offsets) == len(text) + 1
    assert offsets[-1] == len(raw)
    assert all(0 <= o < len(raw) for o in offsets[:-1])
    assert all(a <= b for a, b in pairwise(offsets)), "offsets go backwards"
    assert "\n\n".join(paragraphs(result)) == text
    for para in paragraphs(result):
        assert para and para == para.strip() and "\n" not in para and "  " not in para
    assert unicodedata.is_normalized("NFC", text)


def check_mapped_chars(raw: str, result: Normalised) -> None:
    """Each character maps to itself in raw, or is whitespace standing in for whitespace."""
    for i, ch in enumerate(result.text):
        source = raw[result.raw_offsets[i]]
        assert ch == source or (ch.isspace() and source.isspace()), (i, ch, source)


ALL_FIXTURES = sorted(p.name for p in WRAPPED.glob("*.txt"))


def test_fixtures_are_present() -> None:
    assert len(ALL_FIXTURES) >= 4


# --- the real pasted essay --------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> tuple[str, Normalised]:
    if not SEED.is_file():
        pytest.skip(f"seed essay not available at {SEED}")
    raw = SEED.read_text(encoding="utf-8")
    return raw, normalise(raw)


def test_seed_has_five_single_line_paragraphs(seed: tuple[str, Normalised]) -> None:
    raw, result = seed
    paras = paragraphs(result)
    assert len(paras) == 5
    assert all("\n" not in p for p in paras)
    # No paragraph was cut mid-sentence: each ends a sentence.
    assert all(p.rstrip("”\"')")[-1] in ".?!" for p in paras)
    check_shape(raw, result)
    check_mapped_chars(raw, result)


def test_seed_keeps_the_date_range_hyphen(seed: tuple[str, Normalised]) -> None:
    _, result = seed
    assert "1924-1930" in result.text
    assert "1924- 1930" not in result.text


def test_seed_paragraph_continues_across_page_break(seed: tuple[str, Normalised]) -> None:
    _, result = seed
    joined = [p for p in paragraphs(result) if re.search(r"Britain and France.s reluctance", p)]
    assert len(joined) == 1


def test_seed_is_idempotent(seed: tuple[str, Normalised]) -> None:
    _, result = seed
    assert normalise(result.text).text == result.text


def test_seed_without_blank_lines_or_with_crlf_gives_the_same_text(
    seed: tuple[str, Normalised],
) -> None:
    raw, result = seed
    no_blank_lines = "\n".join(line for line in raw.splitlines() if line.strip())
    assert normalise(no_blank_lines).text == result.text
    assert normalise(raw.replace("\n", "\r\n")).text == result.text


# --- fixtures ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fixture_invariants_and_idempotence(name: str) -> None:
    raw = fixture(name)
    result = normalise(raw)
    check_shape(raw, result)
    check_mapped_chars(raw, result)
    again = normalise(result.text)
    assert again.text == result.text
    assert again.paragraphs == result.paragraphs


def test_split_words_crlf_and_whitespace() -> None:
    raw = fixture("split_words.txt")
    assert "\r\n" in raw and "\u00ad" in raw and "\t" in raw and "\u00a0" in raw
    result = normalise(raw)
    text = result.text
    assert len(result.paragraphs) == 2
    for word in ("Ribbentrop", "collective", "Narkomindel", "foreign warnings"):
        assert word in text
    for hyphenated in ("Brest-Litovsk", "anti-Comintern", "1939-1941"):
        assert hyphenated in text
    # "non-aggression" appears unbroken elsewhere, so the split one keeps its hyphen.
    assert text.count("non-aggression pact") == 2
    for junk in ("\r", "\t", "\u00a0", "\u00ad", "  ", "- ", " -"):
        assert junk not in text


def test_pdf_pages_drop_headers_and_join_across_page_breaks() -> None:
    raw = fixture("pdf_pages.txt")
    assert raw.count("\f") == 2
    result = normalise(raw)
    text = result.text
    assert len(result.paragraphs) == 3
    assert "Year 12" not in text and "Page" not in text and "\f" not in text
    assert "the Soviet Union signed" in text  # a sentence running on over a page break
    assert "collective hopes" in text  # a word split over a page break


def test_running_header_and_footer_without_form_feeds() -> None:
    result = normalise(fixture("running_header.txt"))
    text = result.text
    assert len(result.paragraphs) == 4
    assert "Year 12" not in text and "Jane Citizen" not in text
    assert "but Stalin was by then" in text
    assert "hoped to win." in text


def test_no_blank_lines_uses_short_lines_and_typical_width() -> None:
    result = normalise(fixture("no_blank_lines.txt"))
    paras = paragraphs(result)
    assert len(paras) == 3
    assert paras[0].endswith("kept the regime in power.")
    assert paras[1].startswith("The Red Army's defeat")
    # Short only because the next word was long: not a paragraph end.
    assert "economy of the country. Collectivisation" in paras[1]
    assert paras[2].startswith("By 1933")
    assert "commissars" in paras[1]  # split word around a page number
    for furniture in ("- 2 -", "Page 2", "2/3"):
        assert furniture not in result.text
    assert not re.search(r"(^|\s)3(\s|$)", result.text)


def test_unwrapped_text_keeps_one_paragraph_per_line() -> None:
    raw = fixture("unwrapped.txt")
    result = normalise(raw)
    assert paragraphs(result) == [line.strip() for line in raw.splitlines()]


# --- individual rules -------------------------------------------------------------------

WIDE = "The Soviet government looked for allies among the western powers in"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Molotov met von Ribben-\ntrop in Moscow.", "Molotov met von Ribbentrop in Moscow."),
        ("the policy of collec-\ntive security", "the policy of collective security"),
        ("the Treaty of Brest-\nLitovsk in 1918", "the Treaty of Brest-Litovsk in 1918"),
        ("From 1924-\n1930, the USSR", "From 1924-1930, the USSR"),
        ("the anti-\nComintern Pact", "the anti-Comintern Pact"),
        (
            "a non-aggression pact. The non-\naggression pact",
            "a non-aggression pact. The non-aggression pact",
        ),
        (
            "cooperation mattered, and co-\noperation grew",
            "cooperation mattered, and cooperation grew",
        ),
        ("national self-\ndetermination", "national self-determination"),
        ("Stalin\u2014\nwho trusted nobody", "Stalin\u2014who trusted nobody"),
        ("Ribben\u00ad\ntrop", "Ribbentrop"),
        ("Ribben\u00adtrop signed", "Ribbentrop signed"),
    ],
)
def test_line_break_hyphens(raw: str, expected: str) -> None:
    result = normalise(raw)
    assert result.text == expected
    check_shape(raw, result)
    check_mapped_chars(raw, result)


@pytest.mark.parametrize(
    "number", ["3", "- 3 -", "Page 2", "page 2 of 3", "2/3", "[4]", "\u2013 12 \u2013"]
)
def test_page_numbers_are_dropped(number: str) -> None:
    raw = f"{WIDE}\n{number}\nthe hope of containing Germany."
    assert normalise(raw).text == f"{WIDE} the hope of containing Germany."


def test_a_year_on_its_own_line_is_not_a_page_number() -> None:
    raw = f"{WIDE}\n1939\nthe pact was signed."
    assert "1939" in normalise(raw).text


def test_blank_and_whitespace_only_lines_end_paragraphs() -> None:
    raw = "Lenin wanted peace.\n \t \nStalin wanted security.\n\nMolotov wanted time."
    assert paragraphs(normalise(raw)) == [
        "Lenin wanted peace.",
        "Stalin wanted security.",
        "Molotov wanted time.",
    ]


def test_sentence_continuing_after_blank_lines_joins_the_paragraph() -> None:
    raw = f"{WIDE}\nEurope, and above all with Britain\n\n\n \n\nand France, who hesitated."
    assert len(normalise(raw).paragraphs) == 1


def test_full_line_stopping_mid_sentence_before_a_form_feed_joins() -> None:
    raw = (
        f"{WIDE}\nEurope, but the plan depended on the goodwill of the Soviet\n\f\nUnion's allies."
    )
    result = normalise(raw)
    assert len(result.paragraphs) == 1
    assert "the Soviet Union's allies." in result.text


def test_header_on_each_of_two_pages_is_dropped() -> None:
    page = f"Year 12 History \u2014 Essay\n{WIDE}\nEurope, and the plan failed."
    result = normalise(f"{page}\n\f{page}")
    assert "Year 12" not in result.text
    assert result.text.count(WIDE) == 2


def test_repeated_headings_in_word_text_are_kept() -> None:
    raw = "\n".join(
        f"Source {n}\nA Soviet poster from {1920 + n} praising the Red Army." for n in (1, 2, 3)
    )
    assert paragraphs(normalise(raw)) == raw.splitlines()


def test_word_headings_stay_separate() -> None:
    raw = "Introduction\nLenin accepted Brest-Litovsk in 1918.\nConclusion\nSurvival came first."
    assert len(normalise(raw).paragraphs) == 4


def test_paragraph_separator_character() -> None:
    assert len(normalise("Lenin wanted peace.\u2029Stalin wanted security.").paragraphs) == 2


def test_whitespace_inside_lines_collapses() -> None:
    raw = "  Lenin \t and\u00a0\u00a0 Trotsky\u2003disagreed.   "
    result = normalise(raw)
    assert result.text == "Lenin and Trotsky disagreed."
    check_mapped_chars(raw, result)


def test_curly_quotes_and_dashes_are_kept() -> None:
    raw = "Stalin called it \u201csocialism in one country\u201d \u2013 a \u2018slogan\u2019."
    assert normalise(raw).text == raw


def test_nfc_composition_maps_to_the_whole_source_sequence() -> None:
    raw = "Marshal Pe\u0301tain met Stalin."
    result = normalise(raw)
    assert result.text == "Marshal P\u00e9tain met Stalin."
    start = result.text.index("P\u00e9tain")
    raw_start, raw_end = result.to_raw(start, start + 2)
    assert raw[raw_start:raw_end] == "Pe\u0301"
    check_shape(raw, result)


def test_empty_and_blank_input() -> None:
    for raw in ("", "   \n\n\t\f\n"):
        result = normalise(raw)
        assert result.text == "" and result.paragraphs == ()
        assert list(result.raw_offsets) == [len(raw)]


def test_to_raw_spans_cover_the_source() -> None:
    raw = fixture("split_words.txt")
    result = normalise(raw)
    sources = {
        "Ribbentrop": "Ribben-\r\ntrop",
        "Brest-Litovsk": "Brest-\r\nLitovsk",
        "foreign warnings": "for\u00ad\r\neign warnings",
        "Narkomindel": "Narkom\u00adindel",
        "Bolsheviks needed": "Bolsheviks\u00a0\u00a0needed",
    }
    for repaired, source in sources.items():
        start = result.text.index(repaired)
        raw_start, raw_end = result.to_raw(start, start + len(repaired))
        assert raw[raw_start:raw_end] == source
    assert result.to_raw(3, 3) == (result.raw_offsets[3],) * 2
    with pytest.raises(ValueError):
        result.to_raw(5, len(result.text) + 1)


def test_forty_thousand_words_in_well_under_a_second() -> None:
    pages = [fixture(name) for name in ALL_FIXTURES]
    raw = "\n\f".join(pages * 200)
    assert len(raw.split()) > 40_000
    # Measured at about 0.15 s; the bound leaves room for a busy 2-core CI machine while
    # still catching an accidentally quadratic step (which takes minutes here).
    started = time.process_time()
    normalise(raw)
    assert time.process_time() - started < 2.0


# --- language check ---------------------------------------------------------------------

ENGLISH = [
    "Lenin signed the Treaty of Brest-Litovsk because the army had collapsed.",
    "Stalin purged the Red Army officers in 1937.",
    "The Nazi-Soviet Pact gave Stalin time, but he used it badly and was surprised in 1941.",
]
FOREIGN = [
    "La politique étrangère de l'Union soviétique entre 1917 et 1941 visait d'abord la survie "
    "du régime. Lénine a signé le traité de Brest-Litovsk pour obtenir une pause.",
    "Die Außenpolitik der Sowjetunion zwischen 1917 und 1941 diente vor allem dem Überleben des "
    "Regimes. Lenin unterzeichnete den Vertrag von Brest-Litowsk, um Zeit zu gewinnen.",
    "La política exterior de la Unión Soviética entre 1917 y 1941 buscaba sobre todo la "
    "supervivencia del régimen. Lenin firmó el tratado de Brest-Litovsk para ganar tiempo.",
    "Внешняя политика Советского Союза была направлена прежде всего на выживание режима. "
    "Ленин подписал Брестский мир, чтобы получить передышку.",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_is_english(text: str) -> None:
    assert looks_english(text)


@pytest.mark.parametrize("text", FOREIGN)
def test_other_languages_are_not_english(text: str) -> None:
    assert not looks_english(text)


def test_latin_script_ends_at_latin_extended_b() -> None:
    """Letters up to U+024F are Latin; from U+0250 (IPA) on, they count against English."""
    assert looks_english("abcdefghijklm " + "\u024f" * 7)
    assert not looks_english("abcdefghijklm " + "\u0250" * 7)
    assert looks_english("abcdefghijklmn " + "\u0250" * 6)  # 14 of 20 letters: 0.7 exactly


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fixtures_look_english(name: str) -> None:
    assert looks_english(normalise(fixture(name)).text)


# --- properties -------------------------------------------------------------------------

# Characters that exercise every rule; none changes under NFC.
PIECES = [
    "a", "e", "t", "T", "S", "Page", "page", "3", "19", "-", "\u2014", ".", ",", "\u201d", " ",
    "  ", "\t", "\u00a0", "\u00ad", "\n", "\n", "\n", "\r\n", "\n\n", "\n \n", "\f", "\u2029",
    "the", "and", "Ribben-", "trop", "Year 12 History", "\u00e9",
]  # fmt: skip
soup = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(soup)
def test_property_shape_idempotence_and_mapping(raw: str) -> None:
    result = normalise(raw)
    check_shape(raw, result)
    check_mapped_chars(raw, result)
    assert normalise(result.text).text == result.text


@FAST
@given(soup)
def test_property_clean_lines_taken_as_they_are_change_nothing(raw: str) -> None:
    """Lines with nothing to collapse or drop skip the character-by-character pass: the
    result, offsets included, is the one that pass gives."""
    from marker import normalise as module

    quick = normalise(raw)
    general = module._CLEAN
    try:
        module._CLEAN = re.compile(r"(?!)")  # never matches: every line the long way
        assert normalise(raw) == quick
    finally:
        module._CLEAN = general


@FAST
@given(soup)
def test_property_lines_are_kept_whole_or_dropped_whole(raw: str) -> None:
    """Only page furniture loses letters, and furniture goes as whole short lines."""
    result = normalise(raw)
    mapped = set(result.raw_offsets)
    start = 0
    for line in re.split(r"(\r\n|[\n\r\f\u2029])", raw):
        alnum = [start + i for i, ch in enumerate(line) if ch.isalnum()]
        kept = [i for i in alnum if i in mapped]
        assert kept in ([], alnum), repr(line)
        if alnum and not kept:
            assert len(" ".join(line.split())) <= 60
        start += len(line)


IN_LINE = [p for p in PIECES if not re.search(r"[\n\r\f\u2029]", p)]
# A line starting with a lowercase letter other than "p" ("page 3") can never be furniture.
lowercase_line = st.tuples(
    st.sampled_from("abcdefghijklmnoqrstuvwxyz"),
    st.lists(st.sampled_from(IN_LINE), max_size=12),
).map(lambda t: t[0] + "".join(t[1]))


@FAST
@given(st.lists(lowercase_line, max_size=12), st.sampled_from(["\n", "\r\n", "\n\n", "\n\f"]))
def test_property_without_furniture_every_letter_is_kept(lines: list[str], sep: str) -> None:
    raw = sep.join(lines)
    result = normalise(raw)
    assert sorted(ch for ch in result.text if ch.isalnum()) == sorted(
        ch for ch in raw if ch.isalnum()
    )


@FAST
@given(st.text(max_size=80))
def test_property_any_unicode(raw: str) -> None:
    result = normalise(raw)
    check_shape(raw, result)
    assert normalise(result.text).text == result.text
    for start, end in result.paragraphs:
        raw_start, raw_end = result.to_raw(start, end)
        assert 0 <= raw_start < raw_end <= len(raw)


@pytest.mark.parametrize("raw", [
    "Key dates:\n1921 - the Comintern was set up\n1926 - the Treaty of Berlin",
    "Timeline\n1917-1921: civil war\n1922 – Rapallo",
])
def test_timeline_entries_stay_on_their_own_lines(raw: str) -> None:
    """A line that opens with a year (or span of years) and a dash or colon is an entry of
    its own, like a list item, never the end of the line before."""
    assert normalise(raw).text.split("\n\n") == raw.split("\n")


_BODY = ("the soviet leaders hoped at first that revolution would spread across europe and "
         "that the workers of germany would rise up to follow the example of russia.")


@pytest.mark.parametrize("heading", ["3. 1928-1933 the turn to the left", "conclusion",
                                     "Key Dates"])
def test_a_heading_line_is_a_paragraph_of_its_own(heading: str) -> None:
    """A numbered title or a word or two on a line of its own heads what follows, even when
    the student writes the next line without a capital: it never joins that sentence."""
    raw = f"The USSR changed its aims many times between 1917 and 1941.\n\n{heading}\n{_BODY}"
    paragraphs = normalise(raw).text.split("\n\n")
    assert heading in paragraphs
    assert _BODY in paragraphs


@pytest.mark.parametrize("raw", [
    # a line that carries on: a sentence split after "the", or a list item's own sentence
    f"The USSR changed its aims, and the\nworkers of germany rose. {_BODY}",
    "1. The first aim was world revolution, which the leaders\nof the party hoped for.",
])
def test_lines_that_carry_a_sentence_on_are_not_headings(raw: str) -> None:
    assert "\n\n" not in normalise(raw).text


def test_a_numbered_heading_after_a_full_stop_starts_a_paragraph() -> None:
    raw = f"The USSR changed its aims many times.\n2. 1921-1928 trade and peace\n{_BODY}"
    assert normalise(raw).text.split("\n\n") == raw.split("\n")


def test_a_short_line_before_a_blank_line_ends_its_paragraph() -> None:
    """A title or a paragraph's last line, then a blank line: the next paragraph begins
    there even when the student starts it without a capital."""
    raw = f"soviet foreign policy 1917-1941\n\n{_BODY}"
    assert normalise(raw).text.split("\n\n") == ["soviet foreign policy 1917-1941", _BODY]
    # a line left open (a joining word, a comma) still runs on across the blank line
    assert "\n\n" not in normalise(f"The pact was signed by the\n\n{_BODY}").text
