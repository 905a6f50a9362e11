"""Regular expressions that scan long texts quickly.

Python's ``re`` tries a pattern at every position of the text unless the pattern starts
with something it can skip to. Patterns that open with an optional word ("(the )?",
"(from|between )?") or a look-behind get no such help, and over a whole essay a rule
that never matches still costs a third of a millisecond. :func:`scanner` puts a
look-ahead for the characters a match can start with in front of the pattern: at most
positions that one check fails and the rest of the pattern is never tried. What the
pattern matches is unchanged, because every match starts with one of those characters.
"""

from __future__ import annotations

import re
from typing import Any

try:  # re's own parser (private, the same in 3.11-3.13); without it nothing is guarded
    from re import _constants as _c
    from re import _parser
except ImportError:  # pragma: no cover - a Python whose re is organised differently
    _parser = None

_MAX_RANGE = 256  # a character range wider than this is not worth listing


def scanner(pattern: str, flags: int = 0, *, word_start: bool = False) -> re.Pattern[str]:
    """``re.compile(pattern, flags)`` with a first-character look-ahead when one can be
    worked out (see the module's docstring); the pattern itself when not. The look-ahead
    is compiled with the same flags, so case folding treats it as it treats the pattern.

    ``word_start`` is the caller's word that every match begins a word (a letter or digit
    with none before it); a pattern opening with ``\b`` says so itself. A word boundary
    is then tested first: inside a word it fails at once, where a letter the look-ahead
    allows would send the engine into the pattern.

    The pattern is parsed once here and compiled once (with its guard): compiling the
    date and claim rules is most of what importing marker costs."""
    items = _parse(pattern, flags)
    first = _first_characters(items)
    if first is None:
        return re.compile(pattern, flags)
    opens_with_boundary = bool(items) and items[0] == (_c.AT, _c.AT_BOUNDARY)
    lead = r"\b" if word_start or opens_with_boundary else ""
    return re.compile(f"{lead}(?=[{first}])(?:{pattern})", flags)


def first_characters(pattern: str, flags: int = 0) -> str | None:
    """The body of a character class holding every character a match of ``pattern`` can
    start with, or None when that is any character, the pattern can match the empty
    string, or it uses something this reading does not follow (back-references,
    conditionals, inline flags)."""
    return _first_characters(_parse(pattern, flags))


def _parse(pattern: str, flags: int) -> list[tuple[object, object]] | None:
    """``re``'s parse of the pattern, or None when there is no parser to use or the
    pattern sets flags of its own (an inline "(?x)" must stay at the very start)."""
    if _parser is None:
        return None
    parsed = _parser.parse(pattern, flags)
    if parsed.state.flags != _parser.parse("", flags).state.flags:
        return None
    return parsed.data


def _first_characters(items: list[tuple[object, object]] | None) -> str | None:
    if items is None:
        return None
    try:
        chars, nullable = _first(items)
    except _Unknown:
        return None
    if nullable or not chars:
        return None
    return "".join(sorted(c if c.startswith("\\") and len(c) == 2 else re.escape(c)
                          for c in chars))


class _Unknown(Exception):
    """A construct whose first characters are not worked out (any character may start)."""


def _first(items: list[tuple[object, object]]) -> tuple[set[str], bool]:
    """(first characters, can be empty) of a sequence of parsed items."""
    chars: set[str] = set()
    for op, av in items:
        got, nullable = _first_of(op, av)
        chars |= got
        if not nullable:
            return chars, False
    return chars, True


def _first_of(op: object, av: Any) -> tuple[set[str], bool]:
    if op is _c.LITERAL:
        return {chr(av)}, False
    if op is _c.IN:
        return _class(av), False
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return set(), True  # zero width: the next item decides
    if op is _c.BRANCH:
        chars, nullable = set(), False
        for alternative in av[1]:
            got, empty = _first(alternative.data)
            chars |= got
            nullable = nullable or empty
        return chars, nullable
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            raise _Unknown
        return _first(sub.data)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        low, _high, sub = av
        chars, nullable = _first(sub.data)
        return chars, nullable or low == 0
    if op is _c.ATOMIC_GROUP:
        return _first(av.data)
    raise _Unknown  # ANY, NOT_LITERAL, GROUPREF, GROUPREF_EXISTS, ...


_CATEGORIES = {"CATEGORY_DIGIT": "\\d", "CATEGORY_WORD": "\\w", "CATEGORY_SPACE": "\\s"}


def _class(items: list[tuple[object, object]]) -> set[str]:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE:
            low, high = av
            if high - low > _MAX_RANGE:
                raise _Unknown
            chars.update(chr(c) for c in range(low, high + 1))
        elif op is _c.CATEGORY and str(av) in _CATEGORIES:
            chars.add(_CATEGORIES[str(av)])
        else:  # NEGATE, other categories
            raise _Unknown
    return chars

