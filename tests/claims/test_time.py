"""Times written without a year: the day and month are checked in the event's own year."""

from __future__ import annotations

import pytest

from marker.dates import find_yearless

from .helpers import claims_of


@pytest.mark.parametrize(("text", "day"), [
    ("on 3 May he went", "3 May"),
    ("on September 17 they", "September 17"),
    ("on the 1st of September the", "the 1st of September"),
    ("until July 3.", "July 3"),
])
def test_days_without_a_year_are_found(text: str, day: str) -> None:
    assert [d.text for d in find_yearless(text)] == [day]


@pytest.mark.parametrize("text", [
    "on 3 May 1939 he", "March 3, 1918 the", "In May he", "they march 3 miles", "on 31 June"])
def test_dates_with_a_year_or_no_day_are_not_yearless(text: str) -> None:
    assert find_yearless(text) == []


def _dated(text: str) -> list[str]:
    return [c["verdict"] for c in claims_of(text) if c["kind"] == "date"]


@pytest.mark.parametrize(("text", "verdicts"), [
    ("Molotov took over from Litvinov, who was dismissed on 3 May.", ["supported"]),
    ("Litvinov was dismissed on 13 May.", ["contradicted"]),
    ("The Red Army invaded Poland on 1 September.", ["contradicted"]),
    ("Operation Barbarossa began on 22 June.", ["supported"]),
    # a year elsewhere in the sentence and a day: both are times of one frame
    ("In 1939 Litvinov was dismissed on 3 May.", ["supported"]),
    ("In 1939 Litvinov was dismissed on 4 May.", ["contradicted"]),
    # an event over several years: which year is meant is not certain
    ("The Polish-Soviet War began on 25 April.", []),
])
def test_a_day_without_a_year_is_checked_in_the_events_year(text: str,
                                                             verdicts: list[str]) -> None:
    assert _dated(text) == verdicts
