"""Numbers: matched to the figure they count, checked against its accepted range."""

from __future__ import annotations

import pytest

from .helpers import claims_of


@pytest.mark.parametrize(("text", "verdict"), [
    ("In the purges 90% of the Red Army's officers were shot.", "contradicted"),
    ("Three of the five marshals of the Soviet Union were killed in the purge.", "supported"),
])
def test_a_number_is_checked_against_its_figure(text: str, verdict: str) -> None:
    found = [c for c in claims_of(text) if "number" in c["kinds"]]
    assert [c["verdict"] for c in found] == [verdict]


@pytest.mark.parametrize("text", [
    "In 1934 the USSR joined the League and had twelve years of diplomacy behind it.",
    "On the first day of Barbarossa the air force lost 900 aircraft on the ground.",
])
def test_a_count_of_another_thing_is_not_checked(text: str) -> None:
    assert not [c for c in claims_of(text) if "number" in c["kinds"]]


def test_number_scans_are_skipped_only_where_they_cannot_match() -> None:
    """_number_claims skips a pattern when the sentence lacks the words it needs: every
    fraction holds one of the fraction words, every counted unit one of the unit words."""
    import re

    from marker.claims.number import _COUNT_UNITS, _FRACTION_WORDS, FRACTIONS, WORD_COUNT

    assert all(any(w in key for w in _FRACTION_WORDS) for key in FRACTIONS)
    units = re.search(r"\(\?:(years\?[^)]*)\)", WORD_COUNT.pattern).group(1).split("|")
    assert units and all(any(u in unit for u in _COUNT_UNITS) for unit in units)
