"""Tests for marker.dates: every written form maps to the right interval, offsets are exact,
nonsense yields no invented dates, and nothing raises on arbitrary text."""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marker.dates import (
    OPEN_DAYS,
    OPEN_END,
    OPEN_START,
    DateSpan,
    find_dates,
    find_relative,
    find_yearless_months,
    iso_span,
    julian_to_gregorian,
    parse_date,
    resolve_relative,
)

D = date
FLAGS = ("approximate", "old_style", "open_start", "open_end")

# (sentence, matched text, start, end, precision, flags that must be set; the rest unset)
FORMS = [
    # years
    ("It happened in 1922.", "1922", D(1922, 1, 1), D(1922, 12, 31), "year", ()),
    ("1922", "1922", D(1922, 1, 1), D(1922, 12, 31), "year", ()),
    ("In 1939 people feared war.", "1939", D(1939, 1, 1), D(1939, 12, 31), "year", ()),
    ("The Origins of the Second World War (1961)", "1961", D(1961, 1, 1), D(1961, 12, 31),
     "year", ()),
    # month and year
    ("signed in August 1939", "August 1939", D(1939, 8, 1), D(1939, 8, 31), "month", ()),
    ("signed in Aug. 1939", "Aug. 1939", D(1939, 8, 1), D(1939, 8, 31), "month", ()),
    ("war in Sept 1939", "Sept 1939", D(1939, 9, 1), D(1939, 9, 30), "month", ()),
    ("in August of 1939", "August of 1939", D(1939, 8, 1), D(1939, 8, 31), "month", ()),
    ("in February, 1940", "February, 1940", D(1940, 2, 1), D(1940, 2, 29), "month", ()),
    # full dates
    ("on 23 August 1939", "23 August 1939", D(1939, 8, 23), D(1939, 8, 23), "day", ()),
    ("on 23rd August 1939", "23rd August 1939", D(1939, 8, 23), D(1939, 8, 23), "day", ()),
    ("on August 23, 1939", "August 23, 1939", D(1939, 8, 23), D(1939, 8, 23), "day", ()),
    ("on August 23rd, 1939", "August 23rd, 1939", D(1939, 8, 23), D(1939, 8, 23), "day", ()),
    ("on the 23rd of August 1939", "the 23rd of August 1939", D(1939, 8, 23), D(1939, 8, 23),
     "day", ()),
    ("on 23 Aug 1939", "23 Aug 1939", D(1939, 8, 23), D(1939, 8, 23), "day", ()),
    ("on 23/08/1939", "23/08/1939", D(1939, 8, 23), D(1939, 8, 23), "day", ()),
    ("on 23.08.1939", "23.08.1939", D(1939, 8, 23), D(1939, 8, 23), "day", ()),
    ("on 08/23/1939", "08/23/1939", D(1939, 8, 23), D(1939, 8, 23), "day", ()),
    ("on 05/06/1939", "05/06/1939", D(1939, 5, 6), D(1939, 6, 5), "approx", ("approximate",)),
    ("on 1939-08-23", "1939-08-23", D(1939, 8, 23), D(1939, 8, 23), "day", ()),
    # ranges
    ("from 1924-1930", "from 1924-1930", D(1924, 1, 1), D(1930, 12, 31), "range", ()),
    ("in 1924\u20131930", "1924\u20131930", D(1924, 1, 1), D(1930, 12, 31), "range", ()),
    ("in 1924 - 1930", "1924 - 1930", D(1924, 1, 1), D(1930, 12, 31), "range", ()),
    ("in 1924-30", "1924-30", D(1924, 1, 1), D(1930, 12, 31), "range", ()),
    ("the Winter War of 1939-40", "1939-40", D(1939, 1, 1), D(1940, 12, 31), "range", ()),
    ("the Winter War of 1939/40", "1939/40", D(1939, 1, 1), D(1940, 12, 31), "range", ()),
    ("policy from 1924 to 1930", "from 1924 to 1930", D(1924, 1, 1), D(1930, 12, 31),
     "range", ()),
    ("from 1918 until 1930", "from 1918 until 1930", D(1918, 1, 1), D(1930, 12, 31),
     "range", ()),
    ("between 1930 and 1939", "between 1930 and 1939", D(1930, 1, 1), D(1939, 12, 31),
     "range", ()),
    ("in 1930 to 1939", "1930 to 1939", D(1930, 1, 1), D(1939, 12, 31), "range", ()),
    ("in August-September 1939", "August-September 1939", D(1939, 8, 1), D(1939, 9, 30),
     "range", ()),
    ("between August and September 1939", "between August and September 1939",
     D(1939, 8, 1), D(1939, 9, 30), "range", ()),
    ("on 12-25 August 1920", "12-25 August 1920", D(1920, 8, 12), D(1920, 8, 25), "range", ()),
    ("on 12 to 25 August 1920", "12 to 25 August 1920", D(1920, 8, 12), D(1920, 8, 25),
     "range", ()),
    ("on August 12-25, 1920", "August 12-25, 1920", D(1920, 8, 12), D(1920, 8, 25), "range", ()),
    ("from 23 August to 1 September 1939", "from 23 August to 1 September 1939",
     D(1939, 8, 23), D(1939, 9, 1), "range", ()),
    ("from August 1939 to March 1940", "from August 1939 to March 1940", D(1939, 8, 1),
     D(1940, 3, 31), "range", ()),
    # decades
    ("in the 1920s", "the 1920s", D(1920, 1, 1), D(1929, 12, 31), "decade", ()),
    ("in the 1920's", "the 1920's", D(1920, 1, 1), D(1929, 12, 31), "decade", ()),
    ("in the early 1930s", "the early 1930s", D(1930, 1, 1), D(1934, 12, 31), "decade",
     ("approximate",)),
    ("in the mid-1930s", "the mid-1930s", D(1933, 1, 1), D(1937, 12, 31), "decade",
     ("approximate",)),
    ("in mid 1930s Europe", "mid 1930s", D(1933, 1, 1), D(1937, 12, 31), "decade",
     ("approximate",)),
    ("in the late 1930s", "the late 1930s", D(1936, 1, 1), D(1939, 12, 31), "decade",
     ("approximate",)),
    ("in the mid-to-late 1930s", "the mid-to-late 1930s", D(1933, 1, 1), D(1939, 12, 31),
     "decade", ("approximate",)),
    ("in the early twenties", "the early twenties", D(1920, 1, 1), D(1924, 12, 31), "decade",
     ("approximate",)),
    # parts of years and seasons
    ("in early 1939", "early 1939", D(1939, 1, 1), D(1939, 4, 30), "season", ("approximate",)),
    ("in mid-1939", "mid-1939", D(1939, 4, 1), D(1939, 9, 30), "season", ("approximate",)),
    ("in late 1939", "late 1939", D(1939, 9, 1), D(1939, 12, 31), "season", ("approximate",)),
    ("at the end of 1939", "the end of 1939", D(1939, 10, 1), D(1939, 12, 31), "season",
     ("approximate",)),
    ("at the beginning of 1941", "the beginning of 1941", D(1941, 1, 1), D(1941, 3, 31),
     "season", ("approximate",)),
    ("in the first half of 1941", "the first half of 1941", D(1941, 1, 1), D(1941, 6, 30),
     "season", ()),
    ("in the spring of 1940", "the spring of 1940", D(1940, 3, 1), D(1940, 5, 31), "season", ()),
    ("in spring 1940", "spring 1940", D(1940, 3, 1), D(1940, 5, 31), "season", ()),
    ("in the summer of 1939", "the summer of 1939", D(1939, 6, 1), D(1939, 8, 31), "season", ()),
    ("in autumn 1939", "autumn 1939", D(1939, 9, 1), D(1939, 11, 30), "season", ()),
    ("in the fall of 1939", "the fall of 1939", D(1939, 9, 1), D(1939, 11, 30), "season", ()),
    ("in winter 1939", "winter 1939", D(1939, 11, 1), D(1940, 3, 31), "season", ()),
    ("in the winter of 1939-40", "the winter of 1939-40", D(1939, 11, 1), D(1940, 3, 31),
     "season", ()),
    ("in late August 1939", "late August 1939", D(1939, 8, 16), D(1939, 8, 31), "month",
     ("approximate",)),
    ("at the end of February 1939", "the end of February 1939", D(1939, 2, 20), D(1939, 2, 28),
     "month", ("approximate",)),
    # Old Style / New Style
    ("on 25 October (7 November) 1917", "25 October (7 November) 1917", D(1917, 11, 7),
     D(1917, 11, 7), "day", ("old_style",)),
    ("on 7 November (25 October O.S.) 1917", "7 November (25 October O.S.) 1917",
     D(1917, 11, 7), D(1917, 11, 7), "day", ("old_style",)),
    ("on 7 November 1917 (25 October O.S.)", "7 November 1917 (25 October O.S.)",
     D(1917, 11, 7), D(1917, 11, 7), "day", ("old_style",)),
    ("on 25 October 1917 (O.S.)", "25 October 1917 (O.S.)", D(1917, 11, 7), D(1917, 11, 7),
     "day", ("old_style",)),
    ("on 25 October O.S. 1917", "25 October O.S. 1917", D(1917, 11, 7), D(1917, 11, 7), "day",
     ("old_style",)),
    ("on 23 February 1917 Old Style", "23 February 1917 Old Style", D(1917, 3, 8),
     D(1917, 3, 8), "day", ("old_style",)),
    ("on 19 February 1861 (O.S.)", "19 February 1861 (O.S.)", D(1861, 3, 3), D(1861, 3, 3),
     "day", ("old_style",)),
    ("on 7 November 1917 (N.S.)", "7 November 1917 (N.S.)", D(1917, 11, 7), D(1917, 11, 7),
     "day", ()),
    ("on 25 October (8 November) 1917", "25 October (8 November) 1917", D(1917, 11, 7),
     D(1917, 11, 8), "approx", ("approximate", "old_style")),
    # hedged
    ("around 1939", "around 1939", D(1939, 1, 1), D(1939, 12, 31), "year", ("approximate",)),
    ("about 1939", "about 1939", D(1939, 1, 1), D(1939, 12, 31), "year", ("approximate",)),
    ("born c. 1920", "c. 1920", D(1920, 1, 1), D(1920, 12, 31), "year", ("approximate",)),
    ("born c.1920", "c.1920", D(1920, 1, 1), D(1920, 12, 31), "year", ("approximate",)),
    ("circa 1920", "circa 1920", D(1920, 1, 1), D(1920, 12, 31), "year", ("approximate",)),
    ("approximately 1930", "approximately 1930", D(1930, 1, 1), D(1930, 12, 31), "year",
     ("approximate",)),
    ("roughly 1930", "roughly 1930", D(1930, 1, 1), D(1930, 12, 31), "year", ("approximate",)),
    ("some time in 1932", "some time in 1932", D(1932, 1, 1), D(1932, 12, 31), "year",
     ("approximate",)),
    ("in 1937 or so", "1937 or so", D(1937, 1, 1), D(1937, 12, 31), "year", ("approximate",)),
    ("around August 1939", "around August 1939", D(1939, 8, 1), D(1939, 8, 31), "month",
     ("approximate",)),
    # open-ended
    ("by 1941", "by 1941", OPEN_START, D(1941, 12, 31), "approx", ("approximate", "open_start")),
    ("by the mid-1930s", "by the mid-1930s", OPEN_START, D(1937, 12, 31), "approx",
     ("approximate", "open_start")),
    ("by the end of 1939", "by the end of 1939", OPEN_START, D(1939, 12, 31), "approx",
     ("approximate", "open_start")),
    ("before 1933", "before 1933", OPEN_START, D(1932, 12, 31), "approx",
     ("approximate", "open_start")),
    ("before August 1939", "before August 1939", OPEN_START, D(1939, 7, 31), "approx",
     ("approximate", "open_start")),
    ("until 1939", "until 1939", OPEN_START, D(1939, 12, 31), "approx",
     ("approximate", "open_start")),
    ("by about 1941", "by about 1941", OPEN_START, D(1941, 12, 31), "approx",
     ("approximate", "open_start")),
    ("after 1933", "after 1933", D(1933, 1, 1), OPEN_END, "approx", ("approximate", "open_end")),
    ("from 1935", "from 1935", D(1935, 1, 1), OPEN_END, "approx", ("approximate", "open_end")),
    ("since 1930", "since 1930", D(1930, 1, 1), OPEN_END, "approx", ("approximate", "open_end")),
    ("from 1935 onwards", "from 1935 onwards", D(1935, 1, 1), OPEN_END, "approx",
     ("approximate", "open_end")),
    ("1935 onwards", "1935 onwards", D(1935, 1, 1), OPEN_END, "approx",
     ("approximate", "open_end")),
    # a duration before "after"/"before" makes it relative: find_dates keeps just the date
    ("a year after 1938", "1938", D(1938, 1, 1), D(1938, 12, 31), "year", ()),
    ("the year after 1938", "1938", D(1938, 1, 1), D(1938, 12, 31), "year", ()),
    # invalid parts fall back to what is valid
    ("the 32nd of Smarch 1939", "1939", D(1939, 1, 1), D(1939, 12, 31), "year", ()),
    ("the 32nd of August 1939", "August 1939", D(1939, 8, 1), D(1939, 8, 31), "month", ()),
    ("31 February 1939", "February 1939", D(1939, 2, 1), D(1939, 2, 28), "month", ()),
    ("31/02/1939", "1939", D(1939, 1, 1), D(1939, 12, 31), "year", ()),
    ("1939-08-32", "1939", D(1939, 1, 1), D(1939, 12, 31), "year", ()),
    ("the summer of 1939-40", "the summer of 1939", D(1939, 6, 1), D(1939, 8, 31), "season", ()),
]


@pytest.mark.parametrize(("sentence", "text", "start", "end", "precision", "flags"), FORMS)
def test_forms(sentence: str, text: str, start: date, end: date, precision: str,
               flags: tuple[str, ...]) -> None:
    spans = find_dates(sentence)
    assert len(spans) == 1, spans
    span = spans[0]
    assert (span.text, span.start, span.end, span.precision) == (text, start, end, precision)
    assert sentence[span.start_char:span.end_char] == span.text
    assert {f for f in FLAGS if getattr(span, f)} == set(flags)


@pytest.mark.parametrize("text", [
    "", "99999", "1,922 men", "19221", "£1922", "$1939", "1939%", "1939 per cent", "1.1939",
    "1500 tanks", "1200 aircraft", "2000 troops", "0999", "2100", "3000", "'39",
    "the 32nd of Smarch", "Smarch 32", "25 October O.S.", "on 23 August", "\u00e9\u0301\U0001f600",
    "\U0001d7cf\U0001d7d7\U0001d7d1\U0001d7d7",
])
def test_no_dates(text: str) -> None:
    assert find_dates(text) == []


def test_reversed_range_is_two_years() -> None:
    spans = find_dates("1939-1925")
    assert [(s.text, s.precision) for s in spans] == [("1939", "year"), ("1925", "year")]
    assert [s.text for s in find_dates("1939 to 1925")] == ["1939", "1925"]


def test_and_without_between_is_not_a_range() -> None:
    assert [s.text for s in find_dates("in 1930 and 1939")] == ["1930", "1939"]


def test_unicode_spaces_and_dashes_keep_offsets() -> None:
    text = "On 23\u00a0August\u00a01939, and in 1939\u20141940."
    spans = find_dates(text)
    assert [s.text for s in spans] == ["23\u00a0August\u00a01939", "1939\u20141940"]
    assert all(text[s.start_char:s.end_char] == s.text for s in spans)


def test_paragraph_in_order_without_overlaps() -> None:
    text = (
        "The Bolsheviks seized power on 25 October (7 November) 1917, and the Civil War "
        "(1918-21) followed. Chicherin ran foreign affairs from 1918 to 1930; Litvinov, "
        "appointed on 21 July 1930, was dismissed in May 1939. In the summer of 1939 talks "
        "with Britain failed, and by the mid-1930s collective security was already in "
        "trouble. The pact of 23 August 1939 was followed around 1940 by the annexations "
        "of June-August 1940, and the Winter War lasted from 30 November 1939 to 13 March 1940."
    )
    spans = find_dates(text)
    assert [s.text for s in spans] == [
        "25 October (7 November) 1917", "1918-21", "from 1918 to 1930", "21 July 1930",
        "May 1939", "the summer of 1939", "by the mid-1930s", "23 August 1939", "around 1940",
        "June-August 1940", "from 30 November 1939 to 13 March 1940",
    ]
    assert [s.precision for s in spans] == [
        "day", "range", "range", "day", "month", "season", "approx", "day", "year", "range",
        "range",
    ]
    assert spans[0].old_style and spans[0].start == D(1917, 11, 7)
    assert spans[-1].start == D(1939, 11, 30) and spans[-1].end == D(1940, 3, 13)
    for a, b in pairwise(spans):
        assert a.end_char <= b.start_char
    assert all(text[s.start_char:s.end_char] == s.text for s in spans)


def test_parse_date() -> None:
    assert parse_date("1939") == find_dates("1939")[0]
    span = parse_date("  in August 1939. ")
    assert span is not None and (span.start, span.end) == (D(1939, 8, 1), D(1939, 8, 31))
    assert span.text == "August 1939"
    by = parse_date("by 1941")
    assert by is not None and by.open_start
    assert parse_date("1939 and 1940") is None
    assert parse_date("the pact of 1939") is None
    assert parse_date("Smarch") is None
    assert parse_date("") is None


def test_iso_span() -> None:
    assert iso_span("1939") == (D(1939, 1, 1), D(1939, 12, 31))
    assert iso_span("1940-02") == (D(1940, 2, 1), D(1940, 2, 29))
    assert iso_span("1939-08-23") == (D(1939, 8, 23), D(1939, 8, 23))
    for bad in ("", "39", "1939-13", "1939-02-30", "August 1939", "1939-8-1"):
        with pytest.raises(ValueError, match="ISO"):
            iso_span(bad)


def test_julian_to_gregorian() -> None:
    assert julian_to_gregorian(1917, 10, 25) == D(1917, 11, 7)
    assert julian_to_gregorian(1918, 1, 31) == D(1918, 2, 13)  # the day before the switch
    assert julian_to_gregorian(1900, 2, 29) == D(1900, 3, 13)  # a Julian-only leap day
    assert julian_to_gregorian(1812, 8, 26) == D(1812, 9, 7)  # Borodino, 12 days
    assert julian_to_gregorian(1917, 2, 30) is None


# (sentence, matched text, kind, offset interval it must include, anchor)
RELATIVES = [
    ("A year later, it fell.", "A year later", "after", (330, 400), None),
    ("one year later", "one year later", "after", (330, 400), None),
    ("two years later", "two years later", "after", (700, 760), None),
    ("Five days later", "Five days later", "after", (5, 5), None),
    ("a few months later", "a few months later", "after", (60, 150), None),
    ("a week later", "a week later", "after", (6, 8), None),
    ("a fortnight later", "a fortnight later", "after", (13, 15), None),
    ("a month after", "a month after", "after", (28, 33), None),
    ("a year earlier", "a year earlier", "before", (-400, -330), None),
    ("just two days afterwards", "just two days afterwards", "after", (2, 2), None),
    ("The following year, it joined.", "The following year", "following_year", (1, 365), None),
    ("the next year", "the next year", "following_year", (1, 365), None),
    ("the previous year", "the previous year", "previous_year", (-365, -1), None),
    ("in the same year", "the same year", "same_year", (-300, 300), None),
    ("that year", "that year", "same_year", (-300, 300), None),
    ("later that year", "later that year", "same_year", (0, 300), None),
    ("the next day", "the next day", "after", (1, 1), None),
    ("within a fortnight", "within a fortnight", "within", (0, 14), None),
    ("within a week", "within a week", "within", (0, 7), None),
    ("within weeks", "within weeks", "within", (0, 42), None),
    ("within a year of Munich", "within a year of Munich", "within", (0, 365), "Munich"),
    ("A year after Munich the Soviet Union changed course.", "A year after Munich", "after",
     (330, 400), "Munich"),
    ("two years after the revolution, Lenin", "two years after the revolution", "after",
     (700, 760), "the revolution"),
    ("after Lenin's death the struggle began", "after Lenin's death", "after", (0, 10_000),
     "Lenin's death"),
    ("before the Nazi-Soviet Pact was signed", "before the Nazi-Soviet Pact", "before",
     (-10_000, 0), "the Nazi-Soviet Pact"),
    ("Two years after the Comintern was set up", "Two years after the Comintern", "after",
     (700, 760), "the Comintern"),
    ("only about four months after the revolution", "about four months after the revolution",
     "after", (110, 130), "the revolution"),
    ("barely two months before the German invasion", "barely two months before the German invasion",
     "before", (-70, -55), "the German invasion"),
    ("shortly after, it fell", "shortly after", "after", (0, 60), None),
    ("soon after the Munich Agreement", "soon after the Munich Agreement", "after", (0, 60),
     "the Munich Agreement"),
    ("the day before the invasion of Poland", "the day before the invasion of Poland", "before",
     (-1, -1), "the invasion of Poland"),
    ("the year after Munich", "the year after Munich", "following_year", (1, 365), "Munich"),
    ("Following Munich, Stalin", "Following Munich", "after", (0, 10_000), "Munich"),
    ("a year after 1938", "a year after 1938", "after", (330, 400), "1938"),
    # a fraction of a unit is that fraction, not one whole unit ("half a year" is no year)
    ("half a year before the invasion", "half a year before the invasion", "before",
     (-200, -170), "the invasion"),
    ("Half an hour", None, None, None, None),
    ("two and a half years after the revolution", "two and a half years after the revolution",
     "after", (880, 940), "the revolution"),
    ("a year and a half later, Stalin", "a year and a half later", "after", (520, 580), None),
]


@pytest.mark.parametrize(("sentence", "text", "kind", "inside", "anchor"), RELATIVES)
def test_relative_forms(sentence: str, text: str | None, kind: str | None,
                        inside: tuple[int, int] | None, anchor: str | None) -> None:
    rels = find_relative(sentence)
    if text is None:
        assert rels == []
        return
    assert len(rels) == 1, rels
    rel = rels[0]
    assert (rel.text, rel.kind, rel.anchor_text) == (text, kind, anchor)
    assert sentence[rel.start_char:rel.end_char] == rel.text
    assert rel.offset_days_min <= inside[0] and inside[1] <= rel.offset_days_max
    if anchor is not None:
        assert sentence[rel.anchor_start_char:rel.anchor_end_char] == anchor


@pytest.mark.parametrize("text", [
    "after 1933", "shortly after 1933", "looked after their own survival", "named after Lenin",
    "the following points", "sooner or later", "after all", "after that treaty, nothing",
    "Smarch later", "",
])
def test_not_relative(text: str) -> None:
    assert find_relative(text) == []


def _day(text: str) -> DateSpan:
    span = parse_date(text)
    assert span is not None
    return span


def test_resolve_a_year_later() -> None:
    rel = find_relative("A year later")[0]
    span = resolve_relative(rel, _day("30 September 1938"))
    assert span.start <= D(1939, 9, 30) <= span.end
    assert D(1939, 8, 15) <= span.start <= D(1939, 9, 5)
    assert D(1939, 10, 25) <= span.end <= D(1939, 11, 15)
    assert span.approximate and span.precision == "approx"
    assert span.relative and span.relative.startswith("after +")


def test_resolve_five_days_later() -> None:
    span = resolve_relative(find_relative("five days later")[0], _day("23 August 1939"))
    assert D(1939, 8, 27) <= span.start <= D(1939, 8, 28) <= span.end <= D(1939, 8, 29)


@pytest.mark.parametrize("anchor", ["1 January 1938", "31 December 1938", "1938", "mid-1938"])
def test_resolve_following_year(anchor: str) -> None:
    span = resolve_relative(find_relative("the following year")[0], _day(anchor))
    assert (span.start, span.end, span.precision) == (D(1939, 1, 1), D(1939, 12, 31), "year")


def test_resolve_open_and_same_year() -> None:
    after = resolve_relative(find_relative("after Lenin's death")[0], _day("21 January 1924"))
    assert (after.start, after.end, after.open_end) == (D(1924, 1, 21), OPEN_END, True)
    assert find_relative("after Lenin's death")[0].offset_days_max == OPEN_DAYS
    later = resolve_relative(find_relative("later that year")[0], _day("16 March 1921"))
    assert (later.start, later.end) == (D(1921, 3, 16), D(1921, 12, 31))
    earlier = resolve_relative(find_relative("a year earlier")[0], _day("1939"))
    assert earlier.start <= D(1938, 1, 1) and D(1938, 12, 31) <= earlier.end < D(1939, 3, 1)


_VOCAB = [
    "1939", "1917", "2099", "1000", "0999", "19", "39", "-", "\u2013", "/", ".", ",", "(", ")",
    "[", "O.S.", "N.S.", "Old Style", "August", "Aug.", "Sept", "May", "the", "of", "early",
    "mid-", "late", "1930s", "twenties", "spring", "winter", "by", "before", "after", "from",
    "to", "between", "and", "around", "c.", "onwards", "a", "two", "year", "years", "later",
    "days", "within", "following", "same", "Munich", "Lenin's death", "23rd", "32", "31", "12",
    "7", "%", "£", "tanks", "\u00a0", " ", "\n", "ſ", "\U0001d7cf",
]


def _check(text: str) -> None:
    for span in find_dates(text):
        assert 0 <= span.start_char < span.end_char <= len(text)
        assert text[span.start_char:span.end_char] == span.text
        assert span.start <= span.end
    for rel in find_relative(text):
        assert 0 <= rel.start_char < rel.end_char <= len(text)
        assert text[rel.start_char:rel.end_char] == rel.text
        assert rel.offset_days_min <= rel.offset_days_max
        resolved = resolve_relative(rel, DateSpan(D(1939, 8, 23), D(1939, 8, 23), "day", "", 0, 0))
        assert resolved.start <= resolved.end
    span = parse_date(text)
    assert span is None or span.start <= span.end


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_VOCAB), max_size=14).map(" ".join)
       | st.lists(st.sampled_from(_VOCAB), max_size=14).map("".join))
def test_never_raises_on_date_like_text(text: str) -> None:
    _check(text)


def test_the_quick_checks_before_rules_never_change_what_is_found(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules are skipped when the text lacks what every match holds (a bracket, "O.S.", a
    season), and each rule is tried only where a match can start: the dates found must be
    exactly those found with every rule tried everywhere."""
    import random

    from marker import dates

    fragments = ["7 November (25 October O.S.) 1917", "on 3 March 1918 [O.S. 18 February]",
                 "25 October 1917 (7 November 1917 New Style)", "2 (15) March 1917",
                 "the winter of 1939-40", "winter 1939/40", "in the spring of 1941",
                 "the mid-to-late thirties", "1924-30", "1939/40", "the Fall of 1941",
                 "Aug. 23, 1939 (Gregorian)", "[1939]", "(in 1922)", "23/08/1939",
                 "between 12 and 25 August 1920", "23 August - 1 September 1939"]
    words = "the treaty was signed in and Stalin ( ) [ ] , . ; of - / spring winter".split()
    rng = random.Random(7)
    texts = [" ".join(rng.choice(fragments) if rng.random() < 0.4 else rng.choice(words)
                      for _ in range(rng.randint(1, 12))) for _ in range(400)]
    quick = [(dates.find_dates(t), dates.find_relative(t)) for t in texts]
    assert all(p.pattern.startswith("\\b(?=[") for p, _, _ in dates._RULES)
    monkeypatch.setattr(dates, "_RULES", tuple((_plain(p), b, None) for p, b, _ in dates._RULES))
    monkeypatch.setattr(dates, "_REL_RULES", tuple((_plain(p), b) for p, b in dates._REL_RULES))
    assert [(dates.find_dates(t), dates.find_relative(t)) for t in texts] == quick
    assert sum(len(d) for d, _ in quick) > 800


def _plain(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The rule without the word boundary and first-character look-ahead
    :func:`marker.regex.scanner` adds."""
    text = pattern.pattern.removeprefix("\\b")
    if text.startswith("(?=["):  # "(?=[chars])(?:pattern)"; "]" inside the class is escaped
        text = text[text.index("])(?:") + 5:-1]
    return re.compile(text, pattern.flags)


@pytest.mark.parametrize("text, expected", [
    # "after that" standing alone is after what was last told; "that treaty" is not
    ("Straight after that he replaced Litvinov.", [("Straight after that", "after")]),
    ("After that, Stalin turned to Germany.", [("After that", "after")]),
    ("Soon after this the USSR joined the League.", [("Soon after this", "after")]),
    ("After that treaty the USSR was safe.", []),
])
def test_after_that_is_relative_to_what_was_last_told(text: str, expected: list) -> None:
    assert [(r.text, r.kind) for r in find_relative(text)] == expected


@pytest.mark.parametrize("text, months", [
    ("but in May Germany invaded", ["May"]),
    ("by late August the talks had failed", ["August"]),
    ("in mid-June the army moved", ["June"]),
    ("in May 1939 Litvinov went", []),  # a date with its year is find_dates'
    ("the USSR may join, in may", []),  # the verb, and no capital
    ("in March, 1921", []),
])
def test_months_without_their_year(text: str, months: list[str]) -> None:
    found = find_yearless_months(text)
    assert [d.text for d in found] == months
    assert all(text[d.start_char:d.end_char] == d.text and d.precision == "month"
               for d in found)
