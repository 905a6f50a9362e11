"""The first-character look-ahead never changes what a pattern finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marker.regex import first_characters, scanner


@pytest.mark.parametrize(("pattern", "flags", "first"), [
    (r"(?:\bthe\s+)?(?<![\w])(?P<d>[0-9]{1,2})\s+(?:may|june)", 0, "0123456789t"),
    (r"(?:from|between)?\s*19[0-9]{2}", 0, "1\\sbf"),
    (r"x|\n|-|]|\\", 0, "\\\n\\-\\\\\\]x"),
    (r"(?:a|b)+c", 0, "ab"),
])
def test_first_characters(pattern: str, flags: int, first: str) -> None:
    assert first_characters(pattern, flags) == first


@pytest.mark.parametrize("pattern", [
    "a*",            # can match the empty string: any position may match
    "(?:x)?",        # the same
    "[^a]b",         # a negated class: almost any character
    ".b",            # any character
    r"(a)?\1",       # a back-reference that may come first
    "(?i)abc",       # inline flags must stay first
    "(?i:a)b",       # scoped flags
    "[\u0100-\uffff]",  # too wide a range to list
])
def test_no_guard_when_the_first_character_is_not_known(pattern: str) -> None:
    assert first_characters(pattern) is None
    assert scanner(pattern).pattern == pattern


def test_case_folding_is_the_patterns_own() -> None:
    """The look-ahead is compiled with the pattern's flags, so "The" is found by "the"."""
    p = scanner(r"(?:\bthe\s+)?winter", re.IGNORECASE)
    assert p.pattern.startswith("(?=[")
    assert [m.group() for m in p.finditer("THE Winter and the WINTER")] == ["THE Winter",
                                                                          "the WINTER"]


_PARTS = [r"\bthe\s+", r"(?:from|between)\s+", r"[0-9]{1,2}", r"19[0-9]{2}", r"(?<![\w])",
          r"(?:may|june|july)", r"\s*-\s*", r"(?:st|nd)?", r"\b", r",?\s+", "x*", "(?:a|b|)"]
_TEXT = st.lists(st.sampled_from(["the ", "from ", "between ", "1939", "12", "May", "june",
                                  " - ", "x", "a", "b", ", ", "nd ", "st", "\n", "(", "é"]),
                 max_size=20).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_PARTS), st.booleans()), min_size=1, max_size=5),
       st.lists(_TEXT, min_size=1, max_size=5), st.booleans())
def test_scanner_finds_exactly_what_the_pattern_finds(parts: list[tuple[str, bool]],
                                                      texts: list[str], fold: bool) -> None:
    pattern = "".join(f"(?:{p})?" if optional else p for p, optional in parts)
    flags = re.IGNORECASE if fold else 0
    plain, fast = re.compile(pattern, flags), scanner(pattern, flags)
    for text in texts:
        found = [(m.span(), m.groups()) for m in fast.finditer(text)]
        assert found == [(m.span(), m.groups()) for m in plain.finditer(text)]


def test_a_word_boundary_is_tested_first_when_every_match_begins_a_word() -> None:
    """A pattern opening with \\b, or one whose caller says every match begins a word, is
    tried only at word starts: the same matches, far fewer attempts inside words."""
    opens = scanner(r"\b(?:early|late)\s+19[0-9]{2}", re.IGNORECASE)
    promised = scanner(r"(?:\bthe\s+)?(?<![\w])(?:[0-9]{1,2})\s+(?:may|june)", re.IGNORECASE,
                       word_start=True)
    assert opens.pattern.startswith(r"\b(?=[") and promised.pattern.startswith(r"\b(?=[")
    text = "In early 1939 and on 3 May, the 12 June and Lately 1940 x13 May"
    assert [m.group() for m in opens.finditer(text)] == ["early 1939"]
    assert [m.group() for m in promised.finditer(text)] == ["3 May", "the 12 June"]
    assert scanner(r"(?:the\s+)?winter").pattern.startswith("(?=[")  # no promise, no boundary
