"""Date expressions in essay text, turned into day intervals.

Students date their claims in many ways: "23 August 1939", "the mid-1930s", "1939-40",
"by 1941", "25 October (7 November) 1917", "a year after Munich". To check a claim
against the reference knowledge, each expression becomes the interval of days it can
mean (:class:`DateSpan`), with a precision so the checker knows how exact the student
was. Everything is plain regular expressions over the raw string, so it is fast, runs
offline and keeps exact character offsets for feedback.

Conventions, chosen to be generous to the student and explicit for the checker:

* Expressions are matched on a copy of the text where Unicode dashes become ``-``,
  Unicode spaces become a space and curly apostrophes become ``'`` (one character for
  one, so offsets are unchanged); ``DateSpan.text`` is always the original slice.
* ``precision`` is one of ``day``, ``month``, ``season`` (a named part of a year:
  seasons, "early 1939", "the end of 1939"), ``year``, ``range`` (two endpoints),
  ``decade`` (including "the early 1930s") or ``approx`` (open-ended expressions such
  as "by 1941", and ambiguous numeric dates such as "05/06/1939").
* Hedges ("around", "c.", "circa", "some time in", "or so") set ``approximate`` but do
  not widen the span: how much slack to give is the checker's call.
* Open-ended expressions ("by", "before", "until", "after", "from", "since",
  "onwards") set ``open_start``/``open_end``; the open side is :data:`OPEN_START` or
  :data:`OPEN_END`. "by X" and "until X" end at the end of X; "before X" ends the day
  before X starts; "after X", "from X" and "since X" start at the start of X (generous).
  This holds for every kind of X, so "by the mid-1930s" is open at the start too.
* Old Style (Julian) dates are converted to New Style with the real calendar
  difference (12 days in the 19th century, 13 from March 1900), and ``old_style`` is
  set. A dual date "25 October (7 November) 1917" gives the New Style day; if the two
  halves disagree the span covers both New Style readings and is ``approx``.
* Yearless dates ("on 23 August") are not returned: the year would be a guess.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Protocol, TypeVar

from .regex import scanner

OPEN_START = date(1000, 1, 1)
"""Start of an open-started span ("by 1941"): the earliest year this module reads."""
OPEN_END = date(2099, 12, 31)
"""End of an open-ended span ("from 1935"): the latest year this module reads."""
OPEN_DAYS = 100_000
"""A relative offset this large (either sign) means "no bound" ("after Lenin's death")."""


@dataclass(frozen=True)
class DateSpan:
    """The interval of days one date expression can mean, and how it was written."""

    start: date  # earliest day the expression can mean
    end: date  # latest day, inclusive
    precision: str  # day | month | season | year | range | decade | approx
    text: str  # the matched text, a slice of the searched string
    start_char: int
    end_char: int
    approximate: bool = False  # hedged ("around 1939") or vague ("the early 1930s")
    old_style: bool = False  # an Old Style (Julian) date was given and converted
    relative: str | None = None  # set by resolve_relative: what was resolved, and how
    open_start: bool = False  # no real lower bound ("by 1941"): start is OPEN_START
    open_end: bool = False  # no real upper bound ("from 1935"): end is OPEN_END
    # a range's two ends as written ("from 1930 until May 1939": 1930, then May 1939)
    ends: tuple[tuple[date, date], tuple[date, date]] | None = None
    # an open expression's word and the date it opens ("until" and June 1940)
    opened_by: str = ""
    inner: DateSpan | None = None

    @property
    def as_said(self) -> str:
        """The date as a correction repeats it: a resolved "the following year" names the
        year it was read as ("1935 (the following year)")."""
        if self.relative and self.precision == "year":
            words = self.text.strip()
            return f"{self.start.year} ({words[:1].lower()}{words[1:]})"
        return self.text


@dataclass(frozen=True)
class RelativeDate:
    """A date given relative to another event ("a year after Munich", "five days later").

    Offsets are signed days from the anchor ("a year earlier" is about -402..-329);
    ``resolve_relative`` adds them to the anchor's span. ``kind`` is ``after``,
    ``before``, ``within`` (0..n days after), ``same_year``, ``following_year`` or
    ``previous_year``; for the last three the result is also clipped to that calendar
    year. ``anchor_text`` is the event named in the expression, or None when implicit.
    """

    text: str
    start_char: int
    end_char: int
    offset_days_min: int
    offset_days_max: int
    kind: str
    anchor_text: str | None
    anchor_start_char: int | None = None  # where anchor_text sits in the searched string
    anchor_end_char: int | None = None
    # "two years later": students count calendar years (1934 -> 1936), so the signed
    # number of years is kept too; None when the words are not a plain count of years.
    years: int | None = None


# ---------------------------------------------------------------------------- lexicon

_FLAGS = re.IGNORECASE | re.ASCII  # ASCII: case folding must not turn "ſ" into "s"

_NORMALISE = str.maketrans(
    {
        **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"},
        **{c: " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
           "\u2007\u2008\u2009\u200a\u202f\u205f\u3000"},
        "\u2018": "'",
        "\u2019": "'",
    }
)

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_WORDS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
_OS = r"(?:O\.\s?S\b\.?|Old[\s-]Style\b|Julian\b(?:\s+calendar\b)?)"
_NS = r"(?:N\.\s?S\b\.?|New[\s-]Style\b|Gregorian\b(?:\s+calendar\b)?)"
_KW = r"(?:\b(?P<kw>from|between)\s+)?"
_SEP = r"(?P<sep>\s*-\s*|\s+(?:to|until|till|through|and)\s+)"

_COUNT_NOUN = re.compile(
    r"\s+(?:tanks|aircraft|planes|aeroplanes|airplanes|guns|ships|men|women|troops|soldiers"
    r"|officers|sailors|divisions|km|kilometres|kilometers|miles|votes|people|deaths|dead"
    r"|casualties|prisoners|workers|peasants|delegates|members|roubles|rubles|marks|dollars"
    r"|pounds|tons|tonnes|hectares|villages)\b",
    _FLAGS,
)
_YEAR_PREPOSITION = re.compile(r"\b(?:in|during|since|until|till|before|after)\s+$", _FLAGS)


def _mon(group: str) -> str:
    return rf"\b(?P<{group}>{_MONTH_WORDS})\b\.?"


def _day(group: str) -> str:
    return rf"(?<![\w.,£$€¥])(?P<{group}>[0-9]{{1,2}})(?:st|nd|rd|th)?\b"


def _year(group: str) -> str:
    """A 4-digit year 1000-2099 standing alone: not in 1,922 / 19221 / £1922 / 1939%."""
    return (
        rf"(?<![\w£$€¥#])(?<![0-9][.,])(?P<{group}>1[0-9]{{3}}|20[0-9]{{2}})"
        r"(?![\w%])(?![.,][0-9])(?!\s*(?:%|per\s?cent\b|percent\b))"
    )


def _dm(suffix: str) -> str:
    """Day and month without a year, either order: "the 23rd of August", "August 23"."""
    return (
        rf"(?:(?:\bthe\s+)?{_day('d' + suffix)}(?:\s+of)?\s+{_mon('m' + suffix)}"
        rf"|{_mon('n' + suffix)}\s+{_day('e' + suffix)})"
    )


def _cal(group: str) -> str:
    """A calendar marker after a date: "(O.S.)", "[N.S.]", " Old Style"."""
    return (
        rf"(?:\s*[(\[]\s*(?P<{group}>{_OS}|{_NS})\s*[)\]]"
        rf"|\s+(?P<{group}x>{_OS}|{_NS}))"
    )


# ---------------------------------------------------------------------------- calendar


def _ymd(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date:
    return date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)


def _shift(d: date, days: int) -> date:
    """``d + days``, clamped to what :class:`date` can hold."""
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def julian_to_gregorian(y: int, m: int, d: int) -> date | None:
    """The New Style date of an Old Style (Julian) one, or None if it is no Julian day.

    Goes through the Julian day number, so 29 February 1900 (Julian only) works and the
    12/13-day difference changes on the right day.
    """
    if not 1 <= m <= 12:
        return None
    length = 29 if y % 4 == 0 and m == 2 else _month_end(2001, m).day  # 2001: a common year
    if not 1 <= d <= length:
        return None
    a = (14 - m) // 12
    yy, mm = y + 4800 - a, m + 12 * a - 3
    jdn = d + (153 * mm + 2) // 5 + 365 * yy + yy // 4 - 32083
    try:
        return date.fromordinal(jdn - 1721425)
    except ValueError:
        return None


# ---------------------------------------------------------------------------- absolute rules


@dataclass(frozen=True)
class _Val:
    """What a rule read from one match, before offsets and hedges are added."""

    start: date
    end: date
    precision: str
    approximate: bool = False
    old_style: bool = False


# (pattern, builder, a pattern the text must contain for the rule to be tried at all)
_Rule = tuple[re.Pattern[str], Callable[[re.Match[str], str], _Val | None], re.Pattern[str] | None]
_Ends = tuple[date, date]


def _month_no(m: re.Match[str], group: str) -> int:
    return _MONTHS.index(m.group(group).lower()[:3]) + 1


def _dm_read(m: re.Match[str], suffix: str) -> tuple[int, int]:
    """(day, month) from a match of ``_dm(suffix)``."""
    if m.group("d" + suffix):
        return int(m.group("d" + suffix)), _month_no(m, "m" + suffix)
    return int(m.group("e" + suffix)), _month_no(m, "n" + suffix)


def _cal_read(m: re.Match[str], *groups: str) -> str | None:
    """"os", "ns" or None for the first calendar marker present among ``groups``."""
    for g in groups:
        for name in (g, g + "x"):
            value = m.groupdict().get(name)
            if value:
                return "os" if value[0].lower() in "oj" else "ns"
    return None


def _day_ends(y: int, month: int, day: int) -> _Ends | None:
    d = _ymd(y, month, day)
    return (d, d) if d else None


def _month_ends(y: int, month: int) -> _Ends:
    return date(y, month, 1), _month_end(y, month)


def _year_ends(y: int) -> _Ends:
    return date(y, 1, 1), date(y, 12, 31)


def _range(m: re.Match[str], first: _Ends | None, last: _Ends | None) -> _Val | None:
    """A range from two endpoints, if in order and the connective fits the keyword."""
    if first is None or last is None or first[0] > last[0] or first[1] > last[1]:
        return None
    kw = (m.groupdict().get("kw") or "").lower()
    if m.group("sep").strip().lower() == "and" and kw != "between":
        return None  # "12 and 25 August" is two days; "between 12 and 25 August" a range
    return _Val(first[0], last[1], "range")


def _b_year(m: re.Match[str], norm: str) -> _Val | None:
    if _COUNT_NOUN.match(norm, m.end()) and not _YEAR_PREPOSITION.search(
        norm, max(0, m.start() - 10), m.start()
    ):
        return None  # "1500 tanks", but not "in 1939 people feared war"
    return _Val(*_year_ends(int(m.group("y"))), "year")


def _b_month_year(m: re.Match[str], _norm: str) -> _Val:
    return _Val(*_month_ends(int(m.group("y")), _month_no(m, "m")), "month")


def _b_day(m: re.Match[str], _norm: str) -> _Val | None:
    day, month = _dm_read(m, "")
    ends = _day_ends(int(m.group("y")), month, day)
    return _Val(*ends, "day") if ends else None


def _b_numeric(m: re.Match[str], _norm: str) -> _Val | None:
    """23/08/1939; if both day-first and month-first are valid and differ, cover both."""
    a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("y"))
    readings = [d for d in (_ymd(y, b, a), _ymd(y, a, b)) if d]
    if not readings:
        return None
    lo, hi = min(readings), max(readings)
    return _Val(lo, hi, "day") if lo == hi else _Val(lo, hi, "approx", approximate=True)


def _b_iso(m: re.Match[str], _norm: str) -> _Val | None:
    ends = _day_ends(int(m.group("y")), int(m.group("mo")), int(m.group("d")))
    return _Val(*ends, "day") if ends else None


def _b_old_style(m: re.Match[str], _norm: str) -> _Val | None:
    """One day with a calendar marker: "25 October 1917 (O.S.)", "7 November 1917 N.S."."""
    day, month = _dm_read(m, "")
    y = int(m.group("y1") or m.group("y2"))
    if _cal_read(m, "c1", "c2") == "ns":
        ends = _day_ends(y, month, day)
        return _Val(*ends, "day") if ends else None
    new = julian_to_gregorian(y, month, day)
    return _Val(new, new, "day", old_style=True) if new else None


def _b_dual(m: re.Match[str], _norm: str) -> _Val | None:
    """Two calendars at once: "25 October (7 November) 1917", "7 November (25 October O.S.) 1917".

    A marker says which half is Old Style; without one, the earlier-looking half is.
    """
    (d1, m1), (d2, m2) = _dm_read(m, "1"), _dm_read(m, "2")
    y1 = int(m.group("y"))
    y2 = int(m.groupdict().get("yb") or y1)
    k1, k2 = _cal_read(m, "k1"), _cal_read(m, "k2")
    first_os, second_os = k1 == "os" or k2 == "ns", k2 == "os" or k1 == "ns"
    if first_os == second_os:
        first_os = (m1, d1) < (m2, d2)
    os_part, ns_part = ((y1, m1, d1), (y2, m2, d2)) if first_os else ((y2, m2, d2), (y1, m1, d1))
    converted, stated = julian_to_gregorian(*os_part), _ymd(*ns_part)
    if converted is None or stated is None:
        return None
    if converted == stated:
        return _Val(stated, stated, "day", old_style=True)
    lo, hi = min(converted, stated), max(converted, stated)
    return _Val(lo, hi, "approx", approximate=True, old_style=True)


_DECADE_PARTS = {"early": (0, 4), "mid": (3, 7), "middle": (3, 7), "late": (6, 9)}
_DECADE_WORDS = ("twenties", "thirties", "forties", "fifties", "sixties", "seventies",
                 "eighties", "nineties")


def _decade(m: re.Match[str], first_year: int, always_approximate: bool) -> _Val:
    p1, p2 = m.group("p1"), m.group("p2") or m.group("p1")
    lo = first_year + (_DECADE_PARTS[p1.lower()][0] if p1 else 0)
    hi = first_year + (_DECADE_PARTS[p2.lower()][1] if p2 else 9)
    approximate = bool(p1) or always_approximate
    return _Val(date(lo, 1, 1), date(hi, 12, 31), "decade", approximate=approximate)


def _b_decade(m: re.Match[str], _norm: str) -> _Val:
    return _decade(m, int(m.group("dec")), always_approximate=False)


def _b_decade_word(m: re.Match[str], _norm: str) -> _Val:
    """ "the early thirties": the 20th century is assumed, so always approximate."""
    return _decade(m, 1920 + 10 * _DECADE_WORDS.index(m.group("word").lower()), True)


# part -> (first month, last month, approximate) / (first day, last day)
_YEAR_PARTS = {
    "early": (1, 4, True), "early part": (1, 4, True), "beginning": (1, 3, True),
    "start": (1, 3, True), "mid": (4, 9, True), "middle": (4, 9, True), "late": (9, 12, True),
    "latter part": (9, 12, True), "end": (10, 12, True), "close": (10, 12, True),
    "first half": (1, 6, False), "second half": (7, 12, False), "latter half": (7, 12, False),
}
_MONTH_PARTS = {
    "early": (1, 15), "early part": (1, 15), "beginning": (1, 10), "start": (1, 10),
    "mid": (8, 23), "middle": (8, 23), "late": (16, 31), "latter part": (16, 31),
    "end": (20, 31), "close": (20, 31), "first half": (1, 15), "second half": (16, 31),
    "latter half": (16, 31),
}
_PART = (
    r"(?:(?:\bthe\s+)?\b(?P<part>early|mid|middle|late)[\s-]+"
    r"|\bthe\s+(?P<part2>beginning|start|end|middle|close|first\s+half|second\s+half"
    r"|latter\s+half|early\s+part|latter\s+part)\s+of\s+)"
)


def _part_key(m: re.Match[str]) -> str:
    return " ".join((m.group("part") or m.group("part2")).lower().split())


def _b_year_part(m: re.Match[str], _norm: str) -> _Val:
    first, last, approximate = _YEAR_PARTS[_part_key(m)]
    y = int(m.group("y"))
    return _Val(date(y, first, 1), _month_end(y, last), "season", approximate=approximate)


def _b_month_part(m: re.Match[str], _norm: str) -> _Val:
    first, last = _MONTH_PARTS[_part_key(m)]
    y, month = int(m.group("y")), _month_no(m, "m")
    end = _month_end(y, month)
    end = end.replace(day=min(last, end.day))
    return _Val(date(y, month, first), end, "month", approximate=True)


_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11)}


def _b_season(m: re.Match[str], _norm: str) -> _Val | None:
    """Seasons by northern-hemisphere months; winter Y is generous: Nov Y to Mar Y+1."""
    y, season, y2 = int(m.group("y")), m.group("season").lower(), m.groupdict().get("y2")
    if y2 and y2 not in (str(y + 1), f"{(y + 1) % 100:02d}"):
        return None  # "winter 1939-40" must name two years that follow on
    if season == "winter":
        return _Val(date(y, 11, 1), date(y + 1, 3, 31), "season")
    first, last = _SEASONS[season]
    return _Val(date(y, first, 1), _month_end(y, last), "season")


def _b_year_range(m: re.Match[str], _norm: str) -> _Val | None:
    """1924-1930, 1924-30, 1939/40 (later year must be later)."""
    y1, tail = int(m.group("y1")), m.group("y2")
    y2 = int(tail) if len(tail) == 4 else y1 // 100 * 100 + int(tail)
    if not y1 < y2 <= 2099:
        return None
    return _range(m, _year_ends(y1), _year_ends(y2))


def _b_month_range(m: re.Match[str], _norm: str) -> _Val | None:
    y = int(m.group("y"))
    return _range(m, _month_ends(y, _month_no(m, "m1")), _month_ends(y, _month_no(m, "m2")))


def _b_day_month_range(m: re.Match[str], _norm: str) -> _Val | None:
    """23 August - 1 September 1939."""
    y = int(m.group("y"))
    (d1, m1), (d2, m2) = _dm_read(m, "1"), _dm_read(m, "2")
    return _range(m, _day_ends(y, m1, d1), _day_ends(y, m2, d2))


def _b_day_range(m: re.Match[str], _norm: str) -> _Val | None:
    """12-25 August 1920, August 12-25, 1920."""
    y, month = int(m.group("y")), _month_no(m, "m")
    d1, d2 = int(m.group("d1")), int(m.group("d2"))
    return _range(m, _day_ends(y, month, d1), _day_ends(y, month, d2))


def _rule(pattern: str, build: Callable[[re.Match[str], str], _Val | None],
          needs: str | None = None) -> _Rule:
    """A rule; ``needs`` is what every match contains, found much faster than a failing
    search of the whole pattern (most essays have no Old Style dates or brackets). Every
    date begins a word (its first part is a word or a number standing alone)."""
    return (scanner(pattern, _FLAGS, word_start=True), build,
            scanner(needs, _FLAGS) if needs else None)


_RULES: tuple[_Rule, ...] = (
    _rule(_year("y"), _b_year),
    _rule(rf"{_mon('m')}(?:\s+of)?,?\s+{_year('y')}", _b_month_year),
    _rule(rf"{_dm('')},?\s+{_year('y')}", _b_day),
    _rule(r"(?<![\w.,/-])(?P<a>[0-9]{1,2})(?P<s>[/.-])(?P<b>[0-9]{1,2})(?P=s)"
          r"(?P<y>1[0-9]{3}|20[0-9]{2})(?![\w%])(?![.,][0-9])", _b_numeric),
    _rule(rf"{_year('y')}-(?P<mo>[0-9]{{2}})-(?P<d>[0-9]{{2}})(?![\w-])", _b_iso),
    _rule(rf"{_dm('')}(?:{_cal('c1')},?\s+{_year('y1')}|,?\s+{_year('y2')}{_cal('c2')})",
          _b_old_style, needs=rf"{_OS}|{_NS}"),
    _rule(rf"{_dm('1')}(?:\s+(?P<k1>{_OS}|{_NS}))?\s*[(\[]\s*{_dm('2')}"
          rf"(?:\s+(?P<k2>{_OS}|{_NS}))?\s*[)\]],?\s+{_year('y')}", _b_dual, needs=r"[(\[]"),
    _rule(rf"{_dm('1')},?\s+{_year('y')}(?:\s+(?P<k1>{_OS}|{_NS}))?\s*[(\[]\s*{_dm('2')}"
          rf"(?:,?\s+(?P<yb>1[0-9]{{3}}|20[0-9]{{2}}))?(?:\s+(?P<k2>{_OS}|{_NS}))?\s*[)\]]",
          _b_dual, needs=r"[(\[]"),
    _rule(r"(?:\bthe\s+)?(?:\b(?P<p1>early|mid|middle|late)(?:[\s-]+to[\s-]+(?P<p2>early|mid|late))?"
          r"[\s-]*)?(?<![\w£$€¥#])(?P<dec>1[0-9]{2}0|20[0-9]0)'?s\b", _b_decade),
    _rule(r"\bthe\s+(?:(?P<p1>early|mid|middle|late)(?:[\s-]+to[\s-]+(?P<p2>early|mid|late))?"
          rf"[\s-]+)?(?P<word>{'|'.join(_DECADE_WORDS)})\b", _b_decade_word, needs=r"ties\b"),
    _rule(rf"{_PART}{_year('y')}", _b_year_part),
    _rule(rf"{_PART}{_mon('m')},?\s+{_year('y')}", _b_month_part),
    _rule(rf"(?:\bthe\s+)?\b(?P<season>spring|summer|autumn|fall|winter)(?:\s+of)?,?\s+{_year('y')}",
          _b_season, needs=r"\b(?:spring|summer|autumn|fall|winter)\b"),
    _rule(rf"(?:\bthe\s+)?\b(?P<season>winter)(?:\s+of)?,?\s+{_year('y')}"
          r"\s*[-/]\s*(?P<y2>[0-9]{4}|[0-9]{2})(?![\w%])", _b_season, needs=r"\bwinter\b"),
    _rule(rf"{_KW}{_year('y1')}\s*(?P<sep>[-/])\s*(?P<y2>[0-9]{{4}}|[0-9]{{2}})(?![\w%])(?![.,-][0-9])",
          _b_year_range, needs=r"[0-9]{4}\s*[-/]\s*[0-9]{2}"),
    _rule(rf"{_KW}{_mon('m1')}{_SEP}{_mon('m2')},?\s+{_year('y')}", _b_month_range),
    _rule(rf"{_KW}{_dm('1')}{_SEP}{_dm('2')},?\s+{_year('y')}", _b_day_month_range),
    _rule(rf"{_KW}(?:\bthe\s+)?{_day('d1')}{_SEP}(?:the\s+)?{_day('d2')}(?:\s+of)?\s+{_mon('m')}"
          rf",?\s+{_year('y')}", _b_day_range),
    _rule(rf"{_KW}{_mon('m')}\s+{_day('d1')}{_SEP}{_day('d2')},?\s+{_year('y')}", _b_day_range),
)


# ---------------------------------------------------------------------------- selection


class _Located(Protocol):
    @property
    def start_char(self) -> int: ...

    @property
    def end_char(self) -> int: ...


_L = TypeVar("_L", bound=_Located)


def _non_overlapping(found: Sequence[_L]) -> list[_L]:
    """Longest match wins (then the earlier one); the result is in text order."""
    taken: list[_L] = []  # in text order, so only the neighbours can overlap a newcomer
    starts: list[int] = []
    for c in sorted(found, key=lambda s: (s.start_char - s.end_char, s.start_char)):
        i = bisect_left(starts, c.start_char)
        left_overlaps = i > 0 and taken[i - 1].end_char > c.start_char
        if left_overlaps or (i < len(starts) and starts[i] < c.end_char):
            continue
        taken.insert(i, c)
        starts.insert(i, c.start_char)
    return taken


_RANGE_GAP = re.compile(r"\s*-\s*|\s+(?:to|until|till|through|and)\s+", _FLAGS)
_RANGE_LEAD = re.compile(r"\b(?P<kw>from|between)\s+$", _FLAGS)


def _join(a: DateSpan, b: DateSpan, text: str, norm: str) -> DateSpan | None:
    """ "X to Y", "X - Y", "from X until Y", "between X and Y" as one range, if they are.

    Only two plain expressions in order are joined; "1939-1925" stays two years.
    """
    gap = _RANGE_GAP.fullmatch(norm, a.end_char, b.start_char)
    if not gap or "range" in (a.precision, b.precision) or a.start > b.start or a.end > b.end:
        return None
    lead = _RANGE_LEAD.search(norm, max(0, a.start_char - 10), a.start_char)
    between = lead is not None and lead.group("kw").lower() == "between"
    if gap.group().strip().lower() == "and" and not between:
        return None
    first = lead.start() if lead else a.start_char
    return DateSpan(a.start, b.end, "range", text[first:b.end_char], first, b.end_char,
                    a.approximate or b.approximate, a.old_style or b.old_style,
                    ends=((a.start, a.end), (b.start, b.end)))


def _merge_ranges(spans: list[DateSpan], text: str, norm: str) -> list[DateSpan]:
    """Neighbouring expressions joined into ranges where :func:`_join` says so."""
    out: list[DateSpan] = []
    i = 0
    while i < len(spans):
        joined = _join(spans[i], spans[i + 1], text, norm) if i + 1 < len(spans) else None
        out.append(joined or spans[i])
        i += 2 if joined else 1
    return out


_QTY = (
    r"half\s+an?|a\s+few|a\s+couple\s+of|couple\s+of|a\s+number\s+of|several|many|some|an|a|one|two|three"
    r"|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|[0-9]{1,3}"
)
_UNIT = r"days?|weeks?|fortnights?|months?|years?|decades?"
_DURATION_BEFORE = re.compile(
    rf"(?:\b(?:{_QTY})\s+(?:{_UNIT})|\bthe\s+(?:year|month|week|day))\s*$", _FLAGS
)
_PREFIX = re.compile(
    r"(?:\b(?P<open>no\s+later\s+than|not\s+later\s+than|no\s+earlier\s+than|not\s+earlier\s+than"
    r"|not\s+before|by|before|prior\s+to|until|till|up\s+to|up\s+until|after|from|since)\s+)?"
    r"(?:\b(?P<approx>around|about|circa|ca\.|c\.|approximately|approx\.|roughly"
    r"|some\s*time\s+(?:in|around|during)|in\s+or\s+around|in\s+about|at\s+about)\s*)?$",
    _FLAGS,
)
_SUFFIX = re.compile(r"\s*(?:(?P<onwards>onwards?)|(?P<approx>or\s+so|or\s+thereabouts))\b", _FLAGS)
_UP_TO_END = {"no later than", "not later than", "by", "until", "till", "up to", "up until"}
# Of those, the words that say where something stopped ("lasted until 1939").
UNTIL_WORDS = frozenset({"until", "till", "up to", "up until"})
_UP_TO_BEFORE = {"before", "prior to"}


def _hedge(span: DateSpan, text: str, norm: str, lo: int, hi: int) -> DateSpan:
    """Add the words around ``span`` that hedge it or leave it open on one side.

    ``lo``..``hi`` is the room between the neighbouring expressions.
    """
    start_char, end_char = span.start_char, span.end_char
    start, end, precision = span.start, span.end, span.precision
    approximate, open_start, open_end = span.approximate, span.open_start, span.open_end
    opened_by = ""
    pre = _PREFIX.search(norm, max(lo, start_char - 40), start_char)
    if pre and pre.group("open"):
        word = " ".join(pre.group("open").lower().split())
        duration = _DURATION_BEFORE.search(norm, max(0, pre.start() - 40), pre.start())
        if word in ("after", "before") and duration:
            word = ""  # "a year after 1938" is a relative date, see find_relative
        if word and precision != "range":
            opened_by = word
            approximate, precision, start_char = True, "approx", pre.start()
            if word in _UP_TO_END or word in _UP_TO_BEFORE:
                open_start = True
                end = end if word in _UP_TO_END else _shift(start, -1)
                start = min(OPEN_START, end)
            else:
                open_end = True
                end = max(OPEN_END, start)
    if pre and pre.group("approx"):
        approximate, start_char = True, min(start_char, pre.start("approx"))
    post = _SUFFIX.match(norm, end_char, hi)
    if post and post.group("approx"):
        approximate, end_char = True, post.end()
    elif post and precision != "range":
        approximate, open_end, precision, end_char = True, True, "approx", post.end()
        end = max(OPEN_END, start)
    if (start_char, end_char, start, end, precision, approximate, open_start, open_end) == (
            span.start_char, span.end_char, span.start, span.end, span.precision,
            span.approximate, span.open_start, span.open_end):
        return span  # nothing around it: most dates (a new frozen dataclass costs ~5 us)
    return replace(span, start=start, end=end, precision=precision, text=text[start_char:end_char],
                   start_char=start_char, end_char=end_char, approximate=approximate,
                   open_start=open_start, open_end=open_end, opened_by=opened_by,
                   inner=span if opened_by else None)


# ---------------------------------------------------------------------------- public: absolute


def find_dates(text: str) -> list[DateSpan]:
    """All absolute date expressions in ``text``, in order, not overlapping.

    Every rule proposes candidates; invalid ones ("31 February 1939") are dropped, so a
    shorter valid reading ("February 1939") takes their place; the longest survives.
    """
    norm = text.translate(_NORMALISE)
    found: list[DateSpan] = []
    for pattern, build, needs in _RULES:
        if needs is not None and not needs.search(norm):
            continue
        for m in pattern.finditer(norm):
            v = build(m, norm)
            if v is not None:
                found.append(DateSpan(v.start, v.end, v.precision, text[m.start():m.end()],
                                      m.start(), m.end(), v.approximate, v.old_style))
    spans = _merge_ranges(_non_overlapping(found), text, norm)
    out: list[DateSpan] = []
    for i, span in enumerate(spans):
        lo = out[-1].end_char if out else 0
        hi = spans[i + 1].start_char if i + 1 < len(spans) else len(norm)
        out.append(_hedge(span, text, norm, lo, hi))
    return out


# The date that heads a timeline entry ("1928 - ", "December 1939 - ", "1932-33: ").
ENTRY_DATE = re.compile(
    r"(?:(?:\d{1,2}[ \t]+)?[A-Z][a-z]+\.?[ \t]+(?:\d{1,2},?[ \t]+)?)?\d{4}"
    r"(?:[ \t]*[-\u2013\u2014/][ \t]*\d{2,4})?[ \t]*[-\u2013\u2014:][ \t]")


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def format_date(value: Any) -> str:
    """A knowledge DateValue (or DateSpan) as words: '13 April 1941', 'April 1941', '1941'."""
    d: date = value.start
    if value.precision == "day":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if value.precision == "month":
        return f"{MONTHS[d.month - 1]} {d.year}"
    return str(d.year)


_PARSE_LEAD = re.compile(r"\s*(?:(?:in|on|during|at)\s+)?", _FLAGS)
_PARSE_TAIL = re.compile(r"\s*[.,;:]?\s*")


def parse_date(text: str) -> DateSpan | None:
    """``text`` read as one date expression, or None.

    Surrounding spaces, a leading "in"/"on"/"during"/"at" and one trailing punctuation
    mark are allowed, so fields and short answers parse as written.
    """
    spans = find_dates(text)
    if len(spans) != 1:
        return None
    norm = text.translate(_NORMALISE)
    span = spans[0]
    lead = _PARSE_LEAD.fullmatch(norm, 0, span.start_char)
    return span if lead and _PARSE_TAIL.fullmatch(norm, span.end_char) else None


_ISO = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)


def iso_span(iso: str) -> tuple[date, date]:
    """First and last day of a knowledge-file date: "1939", "1939-08" or "1939-08-23".

    Raises ValueError for anything else, so a bad topic pack is caught at load time.
    """
    m = _ISO.fullmatch(iso.strip())
    try:
        if m is None:
            raise ValueError
        y, month, day = m.group(1), m.group(2), m.group(3)
        if day:
            d = date(int(y), int(month), int(day))
            return d, d
        if month:
            return _month_ends(int(y), int(month))
        return _year_ends(int(y))
    except ValueError:
        raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {iso!r}") from None


# ---------------------------------------------------------------------------- relative

_NUMBERS: dict[str, float] = {
    "half a": 0.5, "half an": 0.5, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
}
_VAGUE = {
    "a few": (2, 10), "a couple of": (2, 3), "couple of": (2, 3), "a number of": (2, 10),
    "several": (3, 9), "some": (2, 9), "many": (3, 30),
}
_UNIT_DAYS = {
    "day": 1.0, "week": 7.0, "fortnight": 14.0, "month": 30.44, "year": 365.25, "decade": 3652.5,
}
# unit -> (slack as a share of the duration, at least this many days): "a year" is 329..402
_UNIT_SLACK = {
    "day": (0.0, 0), "week": (0.2, 2), "fortnight": (0.15, 2), "month": (0.2, 10),
    "year": (0.1, 30), "decade": (0.2, 365),
}
# qualifier -> how it bends the slackened (lo, hi); nominal (lo, hi) passed too
_QUALIFIERS: dict[str, Callable[[float, float, float, float], tuple[float, float]]] = {
    "less than": lambda n0, n1, t0, t1: (0, t1),
    "fewer than": lambda n0, n1, t0, t1: (0, t1),
    "under": lambda n0, n1, t0, t1: (0, t1),
    "within": lambda n0, n1, t0, t1: (0, t1),
    "nearly": lambda n0, n1, t0, t1: (0.75 * t0, t1),
    "almost": lambda n0, n1, t0, t1: (0.75 * t0, t1),
    "just under": lambda n0, n1, t0, t1: (0.75 * t0, t1),
    "more than": lambda n0, n1, t0, t1: (n0, 2 * t1),
    "over": lambda n0, n1, t0, t1: (n0, 2 * t1),
    "just over": lambda n0, n1, t0, t1: (n0, 1.25 * t1),
    "about": lambda n0, n1, t0, t1: (0.8 * t0, 1.2 * t1),
    "around": lambda n0, n1, t0, t1: (0.8 * t0, 1.2 * t1),
    "roughly": lambda n0, n1, t0, t1: (0.8 * t0, 1.2 * t1),
    "approximately": lambda n0, n1, t0, t1: (0.8 * t0, 1.2 * t1),
    "some": lambda n0, n1, t0, t1: (0.8 * t0, 1.2 * t1),
}
_QUAL = (
    r"(?:(?P<qual>just\s+over|just\s+under|less\s+than|fewer\s+than|more\s+than|under|over|nearly"
    r"|almost|about|around|roughly|approximately|some|just|only|barely|exactly)\s+)?"
)


def _duration(qty: str | None, unit: str, qual: str | None,
              half: bool = False) -> tuple[int, int]:
    """Generous bounds, in days, for "two years", "a few months", "nearly a year";
    ``half`` adds half a unit ("two and a half years", "a year and a half")."""
    qty_key = " ".join((qty or "").lower().split())
    if not qty_key:
        q0, q1 = 1, 9  # "within weeks"
    elif qty_key in _VAGUE:
        q0, q1 = _VAGUE[qty_key]
    else:
        q0 = q1 = (_NUMBERS.get(qty_key) or int(qty_key)) + (0.5 if half else 0)
    unit = unit.lower().rstrip("s")
    per, (share, floor) = _UNIT_DAYS[unit], _UNIT_SLACK[unit]
    n0, n1 = q0 * per, q1 * per
    t0, t1 = n0 - max(floor, share * n0), n1 + max(floor, share * n1)
    bend = _QUALIFIERS.get(" ".join((qual or "").lower().split()))
    if bend:
        t0, t1 = bend(n0, n1, t0, t1)
    return max(0, math.floor(t0)), min(OPEN_DAYS, math.ceil(t1))


@dataclass(frozen=True)
class _Rel:
    """What a relative rule read, before its anchor is looked for."""

    kind: str
    lo: int
    hi: int
    anchor: str = "none"  # none | optional | required: may a named event follow?
    date_anchor: bool = True  # False: "after 1933" is find_dates' business, drop it here
    years: int | None = None  # RelativeDate.years


_BACKWARD = {"earlier", "before", "previously", "beforehand", "prior to"}


def _r_quantity(m: re.Match[str], _norm: str) -> _Rel | None:
    """ "two years later", "about four months after the revolution", "a week earlier"."""
    half = bool(m.group("half1") or m.group("half2"))
    if half and " ".join(m.group("qty").lower().split()) in _VAGUE:
        return None  # "a few and a half years": no reading
    lo, hi = _duration(m.group("qty"), m.group("unit"), m.group("qual"), half)
    direction = " ".join(m.group("dir").lower().split())
    anchor = "optional" if direction in ("after", "before", "prior to") else "none"
    qty = " ".join((m.group("qty") or "").lower().split())
    count = _NUMBERS.get(qty) or (int(qty) if qty.isdigit() else None)
    # "half a year", "a year and a half" are no count of calendar years
    whole = count is not None and float(count).is_integer() and not half
    years = int(count) if whole and m.group("unit").lower().startswith("year") \
        and not m.group("qual") else None
    if direction in _BACKWARD:
        return _Rel("before", -hi, -lo, anchor, years=-years if years else None)
    return _Rel("after", lo, hi, anchor, years=years)


def _r_within(m: re.Match[str], _norm: str) -> _Rel:
    """ "within a fortnight", "within weeks", "within a year of Munich"."""
    _, hi = _duration(m.group("qty"), m.group("unit"), "within")
    return _Rel("within", 0, hi, "optional" if m.group("of") else "none")


_NEXT_UNIT = {"day": (1, 1), "week": (1, 13), "month": (1, 62), "year": (1, 730)}


def _r_next(m: re.Match[str], _norm: str) -> _Rel:
    """ "the following year", "the next day", "the year before", "the month after Munich"."""
    unit = (m.group("u1") or m.group("u2")).lower()
    word = (m.group("pos") or m.group("dir")).lower()
    forward = word in ("following", "next", "subsequent", "after")
    lo, hi = _NEXT_UNIT[unit]
    anchor = "optional" if m.group("dir") else "none"
    kinds = ("following_year", "previous_year") if unit == "year" else ("after", "before")
    return _Rel(kinds[0], lo, hi, anchor) if forward else _Rel(kinds[1], -hi, -lo, anchor)


def _r_same_year(m: re.Match[str], _norm: str) -> _Rel:
    """ "that year", "the same year", "later that year", "earlier in the same year"."""
    when = (m.group("when") or "").lower()
    return _Rel("same_year", -366 if when != "later" else 0, 366 if when != "earlier" else 0)


_SOON = {"immediately": 14, "directly": 14, "just": 31}


def _r_soon(m: re.Match[str], _norm: str) -> _Rel:
    """ "shortly after", "soon after X", "just before X", "not long afterwards"."""
    hi = _SOON.get(m.group("how").lower(), 183)
    direction = m.group("dir").lower()
    anchor = "optional" if direction in ("after", "before") else "none"
    if direction in ("before", "beforehand", "earlier"):
        return _Rel("before", -hi, 0, anchor, date_anchor=False)
    return _Rel("after", 0, hi, anchor, date_anchor=False)


_NOT_TEMPORAL = {"look", "looks", "looked", "looking", "named", "called", "take", "takes", "took",
                 "taken", "taking", "the", "a", "an", "is", "was", "were", "are", "as"}
_LAST_WORD = re.compile(r"(\w+)\W*$", _FLAGS)
_CLAUSE_START = re.compile(r"(?:^|[.,;:!?(\[-])\s*$")


def _r_plain(m: re.Match[str], norm: str) -> _Rel | None:
    """ "after Lenin's death", "before the Nazi-Soviet Pact", "Following Munich, ..."."""
    word = " ".join(m.group("dir").lower().split())
    before = norm[max(0, m.start() - 20):m.start()]
    prev = _LAST_WORD.search(before)
    if prev and prev.group(1).lower() in _NOT_TEMPORAL:
        return None  # "looked after", "named after", "the following points"
    if word == "following" and not _CLAUSE_START.search(before):
        return None  # "following" is a preposition only at the start of a clause
    if word in ("before", "prior to"):
        return _Rel("before", -OPEN_DAYS, 0, "required", date_anchor=False)
    return _Rel("after", 0, OPEN_DAYS, "required", date_anchor=False)


_THAT_FOLLOWERS = frozenset({"he", "she", "it", "they", "we", "the", "a", "an", "his", "her",
                             "its", "their", "there", "in", "on", "at"})
_NEXT_WORD = re.compile(r"\s*(\w+|[^\w\s])")


def _r_after_that(m: re.Match[str], norm: str) -> _Rel | None:
    """ "After that, Stalin ...", "straight after this he ...": after what was last told
    ("that" standing alone, not "that treaty")."""
    nxt = _NEXT_WORD.match(norm, m.end())
    word = nxt.group(1) if nxt else ""
    if word.isalpha() and word.lower() not in _THAT_FOLLOWERS and not word[0].isupper():
        return None
    hi = _SOON.get((m.group("how") or "").lower(), 183 if m.group("how") else OPEN_DAYS)
    if m.group("dir").lower() == "before":
        return _Rel("before", -hi, 0, "none", date_anchor=False)
    return _Rel("after", 0, hi, "none", date_anchor=False)


_RelRule = tuple[re.Pattern[str], Callable[[re.Match[str], str], _Rel | None]]


def _relrule(pattern: str, build: Callable[[re.Match[str], str], _Rel | None]) -> _RelRule:
    return scanner(pattern, _FLAGS), build


_REL_RULES: tuple[_RelRule, ...] = (
    # "two years later", "two and a half years after", "a year and a half before"
    _relrule(rf"\b{_QUAL}(?P<qty>{_QTY})(?P<half1>\s+and\s+a\s+half)?\s+(?P<unit>{_UNIT})"
             r"(?P<half2>\s+and\s+a\s+half)?\s+(?P<dir>later|earlier|afterwards?"
             r"|after|before|previously|beforehand|prior\s+to|thereafter)\b", _r_quantity),
    _relrule(rf"\bwithin\s+(?:(?P<qty>{_QTY})\s+)?(?P<unit>{_UNIT})\b(?:\s+(?P<of>of)\b)?",
             _r_within),
    _relrule(r"\bthe\s+(?:(?P<pos>following|next|subsequent|previous|preceding|prior)\s+"
             r"(?P<u1>day|week|month|year)|(?P<u2>day|week|month|year)\s+(?P<dir>after|before))\b",
             _r_next),
    _relrule(r"\b(?:(?P<when>later|earlier)\s+(?:in\s+)?)?(?:that\s+same|that|the\s+same)\s+year\b",
             _r_same_year),
    _relrule(r"\b(?P<how>shortly|soon|not\s+long|just|immediately|directly)\s+"
             r"(?P<dir>afterwards?|after|thereafter|later|before|beforehand|earlier)\b", _r_soon),
    _relrule(r"\b(?:(?P<how>straight|just|immediately|directly|shortly|soon)\s+)?"
             r"(?P<dir>after|before)\s+(?:that|this)\b", _r_after_that),
    _relrule(r"\b(?P<dir>after|before|prior\s+to|following)\s", _r_plain),
)

_ANCHOR_CUT = re.compile(r"[,;:!?()\[\]\"]|\.(?=\s|$)|\s-+\s|--")
_WORD = re.compile(r"\S+")
_ANCHOR_MAX_WORDS = 6
_STOP_WORDS = frozenset({
    "and", "or", "but", "nor", "when", "while", "whilst", "which", "who", "whom", "whose", "that",
    "as", "because", "since", "although", "though", "so", "then", "thus", "until", "till",
    "after", "before", "if", "where", "whereas", "there", "it", "he", "she", "they", "we", "i",
    "you", "him", "them", "us", "was", "were", "had", "has", "have", "is", "are", "be", "been",
    "being", "did", "do", "does", "would", "could", "should", "will", "shall", "can", "may",
    "might", "must", "all", "another", "long", "not", "also", "however", "therefore", "later",
    "earlier", "soon", "made", "became", "came", "took", "gave", "went", "saw", "led", "left",
    "began", "got", "brought", "put", "set",
})
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "its", "their", "our", "this", "these",
                          "those"})
_PREPOSITIONS = frozenset({"of", "in", "on", "at", "to", "for", "with", "by", "from", "against",
                           "over", "between"})


def _anchor(norm: str, pos: int) -> tuple[int, int] | None:
    """Where the event named after "after"/"before"/"of" starts and ends, if any.

    Heuristic: up to six words, stopping at punctuation, at a clause word (conjunctions,
    pronouns, auxiliaries, a few common verbs), at a lowercase "-ed" verb, or at a new
    determiner that does not follow a preposition ("after Munich the Soviet Union...").
    Trailing prepositions and determiners are dropped.
    """
    cut = _ANCHOR_CUT.search(norm, pos, pos + 200)
    words: list[re.Match[str]] = []
    for w in _WORD.finditer(norm, pos, cut.start() if cut else pos + 200):
        low = w.group().lower()
        previous = words[-1].group().lower() if words else ""
        if (
            len(words) == _ANCHOR_MAX_WORDS
            or low in _STOP_WORDS
            or (low in _DETERMINERS and words and previous not in _PREPOSITIONS)
            or (words and low.endswith("ed") and low == w.group() and previous not in _DETERMINERS)
        ):
            break
        words.append(w)
    while words and words[-1].group().lower() in _PREPOSITIONS | _DETERMINERS:
        words.pop()
    return (words[0].start(), words[-1].end()) if words else None


def _starts_with_date(text: str) -> bool:
    spans = find_dates(text)
    return bool(spans) and spans[0].start_char == 0


def find_relative(text: str) -> list[RelativeDate]:
    """All relative date expressions in ``text``, in order, not overlapping.

    Plain "after X"/"before X" with a date as X ("after 1933") are left to
    :func:`find_dates`, which reads them as open-ended; with a duration ("a year after
    1938") they are relative and :func:`find_dates` gives just the year.
    """
    norm = text.translate(_NORMALISE)
    found: list[RelativeDate] = []
    for pattern, build in _REL_RULES:
        for m in pattern.finditer(norm):
            rel = build(m, norm)
            if rel is None:
                continue
            where = _anchor(norm, m.end()) if rel.anchor != "none" else None
            if where is None and rel.anchor == "required":
                continue
            if where and not rel.date_anchor and _starts_with_date(text[where[0]:where[1]]):
                continue
            end = where[1] if where else m.end()
            found.append(RelativeDate(
                text[m.start():end], m.start(), end, rel.lo, rel.hi, rel.kind,
                text[where[0]:where[1]] if where else None,
                where[0] if where else None, where[1] if where else None, rel.years,
            ))
    return _non_overlapping(found)


def _bound(days: int) -> str:
    return "open" if abs(days) >= OPEN_DAYS else f"{days:+d}"


def resolve_relative(rel: RelativeDate, anchor: DateSpan) -> DateSpan:
    """The span ``rel`` means once its anchor is known: the anchor span shifted by the offsets.

    ``same_year``/``following_year``/``previous_year`` are also clipped to that calendar
    year. Offsets of :data:`OPEN_DAYS` give an open side.
    """
    open_start, open_end = rel.offset_days_min <= -OPEN_DAYS, rel.offset_days_max >= OPEN_DAYS
    lo = OPEN_START if open_start else _shift(anchor.start, rel.offset_days_min)
    hi = OPEN_END if open_end else _shift(anchor.end, rel.offset_days_max)
    years = {"same_year": 0, "following_year": 1, "previous_year": -1}
    if rel.kind in years:
        lo = max(lo, date(anchor.start.year + years[rel.kind], 1, 1))
        hi = min(hi, date(anchor.end.year + years[rel.kind], 12, 31))
    if lo == hi:
        precision = "day"
    elif (lo.month, lo.day, hi.month, hi.day) == (1, 1, 12, 31) and lo.year == hi.year:
        precision = "year"
    else:
        precision = "approx"
    return DateSpan(
        lo, hi, precision, rel.text, rel.start_char, rel.end_char,
        approximate=anchor.approximate or precision == "approx",
        old_style=anchor.old_style,
        relative=f"{rel.kind} {_bound(rel.offset_days_min)}..{_bound(rel.offset_days_max)} days"
        f" from {anchor.text}",
        open_start=open_start or anchor.open_start,
        open_end=open_end or anchor.open_end,
    )


# A day and month with no year: "on 3 May", "September 17th", "the 1st of September".
_YEARLESS = scanner(
    rf"(?:(?<![\w.,])(?:the\s+)?(?P<d1>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+"
    rf"(?P<m1>{_MONTH_WORDS})\b"
    rf"|\b(?P<m2>{_MONTH_WORDS})\b\.?\s+(?:the\s+)?(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?\b)"
    rf"(?!\s*,?\s*(?:[0-9]|in\s+[0-9]|of\s+[0-9]))",
    _FLAGS, word_start=True,
)
YEARLESS_YEAR = 1904  # a leap year: "29 February" is a day; checks give it the event's year


_YEARLESS_MONTH = scanner(
    r"\b(?:(?:in|by|until|till|since|during|from|that)(?:\s+(?:early|late|mid))?"
    rf"|(?:early|late)\s+in)[\s-]+(?P<m>{'|'.join(MONTHS)})\b"
    r"(?!\s*,?\s*(?:[0-9]|in\s+[0-9]|of\s+[0-9]))", re.ASCII, word_start=True,
)


def find_yearless_months(text: str) -> list[DateSpan]:
    """Months written without a year after a word of time ("in May", "by late August"):
    a time the sentence states that only its context dates. Capitalised, so "may" the verb
    is never one; dated in YEARLESS_YEAR like :func:`find_yearless`."""
    norm = text.translate(_NORMALISE)
    out = []
    for m in _YEARLESS_MONTH.finditer(norm):
        first, last = _month_ends(YEARLESS_YEAR, _MONTHS.index(m.group("m").lower()[:3]) + 1)
        out.append(DateSpan(first, last, "month", text[m.start("m"):m.end()], m.start("m"),
                            m.end()))
    return out


def find_yearless(text: str) -> list[DateSpan]:
    """Days written without a year ("on 3 May"), dated in YEARLESS_YEAR: the year is the
    event's own (the student leaves it to the context), so only the day and month can be
    checked. A month name needs a capital ("March 3", not "march 3")."""
    norm = text.translate(_NORMALISE)
    out = []
    for m in _YEARLESS.finditer(norm):
        month_word = m.group("m1") or m.group("m2")
        if not month_word[0].isupper():
            continue
        day = int(m.group("d1") or m.group("d2"))
        try:
            when = date(YEARLESS_YEAR, _MONTHS.index(month_word.lower()[:3]) + 1, day)
        except ValueError:
            continue
        out.append(DateSpan(when, when, "day", text[m.start():m.end()], m.start(), m.end()))
    return out
