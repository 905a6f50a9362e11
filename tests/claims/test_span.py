"""A span agrees only when both its ends do; overlap is not agreement."""

from __future__ import annotations

import datetime as dt

import pytest

from marker.claims.span import ends_agree, stated_ends
from marker.dates import parse_date

from .helpers import about, claims_of, details


@pytest.mark.parametrize(("text", "verdict"), [
    ("The Spanish Civil War (1936-1939) drew in Germany and Italy.", "supported"),
    ("The Spanish Civil War (1936-1937) drew in Germany and Italy.", "contradicted"),
    ("The Winter War, which lasted from 1939 to 1942, went badly at first.", "contradicted"),
    ("The Winter War of 1939-40 exposed the Red Army's weakness.", "supported"),
])
def test_a_span_written_on_the_event_is_checked_at_both_ends(text: str, verdict: str) -> None:
    subject = "spanish_civil_war" if "Spanish" in text else "winter_war"
    found = about(text, subject)
    assert [c["verdict"] for c in found] == [verdict]
    if verdict == "contradicted":
        assert "lasted from" in found[0]["correction"]


def test_a_span_of_something_else_in_the_clause_is_not_the_events() -> None:
    found = about("Between 1936 and 1937 Soviet tanks were sent to Spain during the "
                  "Spanish Civil War.", "spanish_civil_war")
    assert all(c["verdict"] == "unverifiable" for c in found)


@pytest.mark.parametrize(("text", "verdict"), [
    ("Chicherin was foreign commissar from 1918 to 1930.", "supported"),
    ("Chicherin was foreign commissar from 1918 to 1934.", "contradicted"),
])
def test_a_term_of_a_one_holder_office_is_checked_at_both_ends(text: str, verdict: str) -> None:
    (claim,) = about(text, "chicherin")
    assert claim["verdict"] == verdict
    statuses = {d["slot"]: d["status"] for d in claim["details"]}
    assert statuses["office"] == "agrees"


def test_each_end_is_read_at_the_precision_written() -> None:
    years = stated_ends(parse_date("1936-1938"))
    assert years == ((dt.date(1936, 1, 1), dt.date(1936, 12, 31)),
                     (dt.date(1938, 1, 1), dt.date(1938, 12, 31)))
    assert not ends_agree(years, [(dt.date(1936, 7, 17),) * 2], [(dt.date(1939, 4, 1),) * 2])
    assert stated_ends(parse_date("1938")) is None
    assert stated_ends(parse_date("from 1935")) is None


@pytest.mark.parametrize("text, verdict", [
    # made on one day, it lasted until the invasion of June 1941
    ("The Nazi-Soviet Pact held from 1939 to 1941.", "supported"),
    ("The Nazi-Soviet Pact, which lasted from 1939 to 1944, bought Stalin time.",
     "contradicted"),
    # how long Rapallo lasted is not in the knowledge: no tick for the years
    ("The Treaty of Rapallo lasted from 1922 to 1933.", "unverifiable"),
])
def test_years_said_of_an_agreement_are_its_life(text: str, verdict: str) -> None:
    dated = [c for c in claims_of(text) if "span" in {d["slot"] for d in c["details"]}
             or c["kind"] == "date"]
    assert dated and dated[0]["verdict"] == verdict, dated


def test_a_timeline_entrys_span_is_its_events() -> None:
    text = "Timeline\n\n1918-1919 - The Russian Civil War between Reds and Whites.\n"
    (claim,) = [c for c in claims_of(text) if c["subject"] == "russian_civil_war"]
    assert claim["verdict"] == "contradicted"


def test_each_end_of_a_span_is_read_at_its_own_precision() -> None:
    """"from 1930 until May 1939": 1930 is the whole year, May 1939 the month (the start
    was read as January 1930, a false accusation)."""
    assert {c["verdict"] for c in claims_of(
        "Litvinov was foreign commissar from 1930 until May 1939.")} == {"supported"}
    assert "contradicted" in {c["verdict"] for c in claims_of(
        "Litvinov was foreign commissar from 1930 until May 1937.")}


@pytest.mark.parametrize("text, verdict", [
    # a range right after the event's name, or on a verb that carries the event out, is the
    # event's own course
    ("Stalin's first five year plan from 1928 to 1935 built up heavy industry.",
     "contradicted"),
    ("Stalin's first five year plan from 1928 to 1932 built up heavy industry.", "supported"),
    ("He started the first five year plan from 1928 to 1935.", "contradicted"),
    ("The USSR fought the Winter War from 1939 to 1941.", "contradicted"),
    ("The USSR fought the Winter War from 1939 to 1940.", "supported"),
    ("The Spanish Civil War 1936-41 divided Europe.", "contradicted"),
])
def test_a_range_on_the_name_or_its_conduct_is_the_events_span(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text) if any(
        d["slot"] == "span" for d in c["details"])}


@pytest.mark.parametrize(("text", "verdict"), [
    # "between" with no verb of lasting: it happened within those years
    ("Between 1939 and 1941 the USSR annexed the Baltic states.", "supported"),
    ("Between 1939 and 1940 the USSR fought the Winter War.", "supported"),
    # a verb of lasting: the years are its span, and this one is wrong
    ("The Winter War lasted between 1939 and 1941.", "contradicted"),
])
def test_between_two_years(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in claims_of(text)] == [verdict]


def test_another_time_in_the_clause_that_holds_the_event_agrees() -> None:
    (claim,) = claims_of("In the 1920s the USSR was friends with Germany because of Rapallo, "
                         "which was signed in 1922.")
    assert claim["verdict"] == "supported"
    assert details(claim)["time:the 1920s"] == "agrees"


def test_another_time_that_does_not_hold_the_event_stays_unchecked() -> None:
    (claim,) = claims_of("In the 1930s the USSR was friends with Germany because of Rapallo, "
                         "which was signed in 1922.")
    assert details(claim)["time:the 1930s"] == "unchecked"
