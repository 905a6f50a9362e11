"""Spans of time: "the Winter War of 1939-41", "foreign commissar from 1933 to 1939".

A span states two things, when something began and when it ended, and it agrees with the
knowledge only when both ends do: an overlap is not agreement ("1936-1938" overlaps the
Spanish Civil War, which ended in 1939). Each end is read at the precision it was written:
"1936-1938" is any day of 1936 to any day of 1938; "May to December 1939" is month-wide.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..dates import DateSpan

Interval = tuple[dt.date, dt.date]


def stated_ends(when: DateSpan | None) -> tuple[Interval, Interval] | None:
    """The windows of a span's first and last ends, or None if ``when`` is not a span with
    two written ends (a single date, "from 1935", "around 1936-38")."""
    if when is None or when.precision != "range" or when.open_start or when.open_end \
            or when.approximate:
        return None
    if when.ends is not None:  # each end at the precision it was written
        return when.ends
    s, e = when.start, when.end
    if (s.month, s.day, e.month, e.day) == (1, 1, 12, 31):
        return (s, dt.date(s.year, 12, 31)), (dt.date(e.year, 1, 1), e)
    if s.day == 1 and e.day == calendar.monthrange(e.year, e.month)[1]:
        s_last = calendar.monthrange(s.year, s.month)[1]
        return (s, dt.date(s.year, s.month, s_last)), (dt.date(e.year, e.month, 1), e)
    return (s, s), (e, e)


def ends_agree(ends: tuple[Interval, Interval], starts: Iterable[Interval],
               finishes: Iterable[Interval | None]) -> bool:
    """Both stated ends fit some accepted start and end (an end of None: still going)."""
    first, last = ends
    ok_start = any(a[0] <= first[1] and first[0] <= a[1] for a in starts)
    ok_end = any((b is None and last[1] >= first[0])
                 or (b is not None and b[0] <= last[1] and last[0] <= b[1]) for b in finishes)
    return ok_start and ok_end
