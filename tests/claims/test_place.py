"""Where it happened: checked against the event's places in the knowledge."""

from __future__ import annotations

import pytest

from marker.claims.place import known_place, place_status
from marker.topic import DEFAULT_TOPIC, load_topic

from .helpers import about, claims_of, details


@pytest.mark.parametrize(("text", "subject", "verdict", "words"), [
    ("The Treaty of Rapallo was signed at Rapallo in April 1922.", "treaty_of_rapallo",
     "supported", None),
    ("The Treaty of Rapallo was signed in Paris in April 1922.", "treaty_of_rapallo",
     "contradicted", "signed in Rapallo, not in Paris"),
    ("The Munich Agreement was signed in Prague in September 1938.", "munich_agreement",
     "contradicted", "not in Prague"),
    ("In 1929 the Litvinov Protocol was signed in Moscow.", "litvinov_protocol",
     "supported", None),
])
def test_a_place_on_the_event_is_checked(text: str, subject: str, verdict: str,
                                         words: str | None) -> None:
    (claim,) = about(text, subject)
    assert claim["verdict"] == verdict
    if words:
        assert words in claim["correction"]


def test_a_place_of_another_act_in_the_clause_is_not_the_events() -> None:
    (claim,) = about("In Paris, Blum welcomed the Treaty of Rapallo in 1922.",
                     "treaty_of_rapallo")
    assert claim["verdict"] != "contradicted"


def test_a_place_the_knowledge_does_not_know_stays_unchecked() -> None:
    (claim,) = about("The Treaty of Rapallo was signed in Santa Margherita in 1922.",
                     "treaty_of_rapallo")
    assert claim["verdict"] == "unverifiable"
    assert details(claim)["place:Santa Margherita"] == "unchecked"


def test_a_state_listed_among_the_places_accepts_its_names() -> None:
    knowledge = load_topic(DEFAULT_TOPIC).knowledge
    pact = knowledge.get("nazi_soviet_pact")
    assert place_status(knowledge, pact, "the Soviet Union", own=True)[0] == "agrees"
    assert place_status(knowledge, pact, "Berlin", own=True)[0] == "contradicts"
    assert place_status(knowledge, pact, "Berlin", own=False)[0] == "unchecked"
    assert known_place(knowledge, "Petrograd") and not known_place(knowledge, "Atlantis")


@pytest.mark.parametrize("text, verdict", [
    # a participle after the name says where the event was made; a party is not its place
    ("Moscow feared the Locarno Treaties, signed in Italy in 1925.", "contradicted"),
    # a state that fought a war is where it happened
    ("The Spanish Civil War was fought in Spain from 1936.", "supported"),
])
def test_a_party_is_not_where_a_treaty_was_made(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in claims_of(text)] == [verdict]


def test_a_name_after_in_and_a_year_is_the_subject_not_a_place() -> None:
    """"In 1939 Germany and the USSR signed ...": the parser may read "in Germany"."""
    (claim,) = claims_of("In 1939 Germany and the USSR signed the Nazi-Soviet Pact.")
    assert claim["verdict"] == "supported"
    assert {d["slot"] for d in claim["details"]} == {"time", "parties"}


def test_a_place_the_event_itself_went_to_agrees_and_another_is_only_unchecked() -> None:
    text = "In August 1939 the British and French military mission arrived in {}."
    (right,) = about(text.format("Moscow"), "anglo_french_military_mission_1939")
    assert details(right)["place:Moscow"] == "agrees"
    # it landed at Leningrad on the way: not the talks' place, but not wrong either
    (other,) = about(text.format("Leningrad"), "anglo_french_military_mission_1939")
    assert details(other)["place:Leningrad"] == "unchecked"
    assert other["verdict"] == "unverifiable"


@pytest.mark.parametrize(("text", "verdict"), [
    # where someone was sent is a detail of the sending: no ✓ over a destination that is
    # not checked, and never called wrong ("Central Asia" holds Alma-Ata)
    ("In 1929 Trotsky was deported to Siberia.", "unverifiable"),
    ("In 1929 Trotsky was deported to Turkey.", "supported"),
    ("In 1929 Trotsky was deported to Central Asia.", "unverifiable"),
])
def test_a_destination_agrees_or_stays_unchecked(text: str, verdict: str) -> None:
    assert {c["verdict"] for c in claims_of(text)} == {verdict}


@pytest.mark.parametrize(("text", "verdict"), [
    # training done by Germany's forces in the USSR is the secret cooperation after Rapallo,
    # and where it was done is its place
    ("In the 1920s the Reichswehr secretly trained in the USSR at Kazan.", "supported"),
    # the Reichswehr trained in the USSR only in the cooperation, which ended in 1933
    ("In 1936 the Reichswehr secretly trained in the USSR at Kazan.", "contradicted"),
    # done by Germany with the USSR left out: a guess at the event, a year that does not
    # fit it is not checked, never wrong
    ("In 1936 Germany secretly trained at Kazan.", "unverifiable"),
])
def test_where_the_reichswehr_trained(text: str, verdict: str) -> None:
    (claim,) = about(text, "german_soviet_military_cooperation")
    assert claim["verdict"] == verdict
