"""How feedback states a fact from the knowledge: every correction and timeline row is built
from these sentences, so they must read as plain, true English ("the Locarno Treaties
were signed", not "was signed"; "Hitler became Führer", not "Hitler becomes Führer")."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from marker.topic import DEFAULT_TOPIC, DateValue, load_topic
from marker.verify import _as_stated, _event_fact, _listed_title, _plural, _start_fact


@pytest.fixture(scope="module")
def facts() -> dict[str, str]:
    topic = load_topic(DEFAULT_TOPIC)
    return {e.id: _event_fact(e) for e in topic.knowledge.events if e.date is not None}


@pytest.mark.parametrize(("event_id", "sentence"), [
    # A plural name takes a plural verb; two documents joined by "and" are plural.
    ("locarno_treaties", "The Locarno Treaties were signed between 16 October and 1 December 1925"),
    ("nazi_soviet_pact", "The Nazi-Soviet Pact and Secret Protocol were signed on 23 August 1939"),
    ("anglo_soviet_relations_restored_1929",
     "Anglo-Soviet relations were restored on 3 October 1929"),
    # A person's name followed by a noun still takes "the".
    ("litvinov_protocol", "The Litvinov Protocol was signed on 9 February 1929"),
    # The head noun decides the verb before the kind (both of these are filed as conferences).
    ("munich_agreement", "The Munich Agreement was signed between 29 and 30 September 1938"),
    # Something done once, over a span of days, happened "between" its ends.
    ("comintern_founded", "The Communist International was founded between 2 and 6 March 1919"),
    # The topic's own wording, where the name is a headline.
    ("hitler_becomes_fuhrer", "Hitler became Führer on 2 August 1934"),
    ("britain_france_declare_war",
     "Britain and France declared war on Germany on 3 September 1939"),
    ("stalin_general_secretary", "Stalin was appointed General Secretary on 3 April 1922"),
])
def test_fact_sentences(facts: dict[str, str], event_id: str, sentence: str) -> None:
    assert facts[event_id] == sentence


def test_molotovs_visit_took_place(facts: dict[str, str]) -> None:
    visit = next(f for f in facts.values() if f.startswith("Molotov's visit to Berlin"))
    assert visit == "Molotov's visit to Berlin took place from 12 to 13 November 1940"


def test_no_fact_reads_as_a_headline_or_disagrees(facts: dict[str, str]) -> None:
    for event_id, fact in facts.items():
        assert fact[0].isupper() or fact[0] in "'‘", (event_id, fact)
        assert not re.search(r"\b(?:becomes|leaves|joins|declare|dies)\b", fact), (event_id, fact)
        # Countries take no article; the USSR does ("The USSR was admitted", not "USSR ...").
        assert not re.match(r"(?:The (?:Britain|Germany|France)|USSR)\b", fact), fact
        subject = re.split(r" (?:was|were) ", fact)[0]
        if " was " in fact and fact.index(" was ") == len(subject):
            assert not _plural(subject), (event_id, fact)
        if " were " in fact and fact.index(" were ") == len(subject):
            assert _plural(subject), (event_id, fact)


@pytest.mark.parametrize(("name", "plural"), [
    ("the Locarno Treaties", True), ("the Battles of Khalkhin Gol", True),
    ("Anglo-Soviet relations", True), ("the Nazi-Soviet Pact and Secret Protocol", True),
    ("the Soviet 'mutual assistance' pacts with the Baltic states", True),
    ("the German-Soviet Boundary and Friendship Treaty", False), ("the Anschluss", False),
    ("the Treaty of Brest-Litovsk", False), ("the Munich crisis", False),
    ("the Sixth Congress of the Comintern", False), ("Operation Barbarossa", False),
])
def test_plural_names(name: str, plural: bool) -> None:
    assert _plural(name) is plural


def test_a_topic_without_clauses_still_reads_well() -> None:
    """A new topic's events with no ``clause``: built from name and kind alone."""
    def event(name: str, kind: str, date: str, end: str | None = None) -> SimpleNamespace:
        return SimpleNamespace(name=name, kind=kind, date=DateValue.parse(date),
                               end=DateValue.parse(end) if end else None, clause=None)

    assert _event_fact(event("Geneva Accords", "treaty", "1954-07-21")) == \
        "The Geneva Accords were signed on 21 July 1954"
    assert _event_fact(event("Yalta Conference", "conference", "1945-02-04", "1945-02-11")) == \
        "The Yalta Conference met from 4 to 11 February 1945"
    assert _event_fact(event("Operation Anadyr", "military_operation", "1962-07", "1962-10")) \
        == "Operation Anadyr took place from July to October 1962"
    assert _event_fact(event("Khrushchev visit to the United States", "conference",
                             "1959-09-15", "1959-09-27")).startswith(
        "The Khrushchev visit to the United States took place from")


@pytest.mark.parametrize(("stated", "shown"), [
    ("1926", "in 1926"), ("September 1939", "in September 1939"),
    ("the 1920s", "in the 1920s"), ("early 1939", "in early 1939"),
    ("17 September 1939", "on 17 September 1939"),
    ("17-18 September 1939", "on 17-18 September 1939"),
    ("August 23, 1939", "on August 23, 1939"), ("since 1933", "since 1933"),
    ("after 1938", "after 1938"),
])
def test_the_students_date_after_not(stated: str, shown: str) -> None:
    """"..., not in the 1920s" / "not on 1 September 1939" / "not since 1933"."""
    assert _as_stated(stated) == shown


def test_a_book_is_named_as_the_knowledge_lists_it() -> None:
    glantz = SimpleNamespace(works=("Stumbling Colossus: The Red Army on the Eve of World War "
                                    "(1998)", "Colossus Reborn"))
    assert _listed_title("stumbling  colossus", [glantz]) == "Stumbling Colossus"
    assert _listed_title("STUMBLING COLOSSUS: the red army on the eve of world war",
                         [glantz]) == "Stumbling Colossus: The Red Army on the Eve of World War"
    assert _listed_title("Colossus", [glantz]) == "Colossus"  # not listed: as written


def test_something_done_once_has_no_start_of_its_own() -> None:
    """"The Founding of the Communist International began on 2 March 1919" read badly."""
    comintern = load_topic(DEFAULT_TOPIC).knowledge.get("comintern_founded")
    assert _start_fact(comintern) == \
        "The Communist International was founded between 2 and 6 March 1919"


def test_the_topics_own_clauses_are_used(facts: dict[str, str]) -> None:
    said = set(facts.values())
    for sentence in ("Hitler was appointed Chancellor of Germany on 30 January 1933",
                     "Britain recognised the USSR de jure on 1 February 1924",
                     "The USSR was expelled from the League of Nations on 14 December 1939",
                     "'Socialism in one country' was put forward by Stalin and adopted between "
                     "December 1924 and April 1925"):
        assert sentence in said
