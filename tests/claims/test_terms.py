"""What an agreement settled: checked against the event's ``terms`` in the knowledge,
confirmed only when every thing, doer and receiver the clause names is one the terms list,
and never called wrong (the terms list what happened, not all that did not)."""

from __future__ import annotations

from pathlib import Path

import pytest

from marker.errors import MarkerError
from marker.topic import DEFAULT_TOPIC, load_topic

from .helpers import claims_of, details


def terms_claims(text: str) -> list[dict]:
    return [c for c in claims_of(text) if "terms" in c["kinds"]]


@pytest.mark.parametrize(("text", "subject"), [
    # the thing done to, as a name the knowledge links or as words
    ("Under the secret protocol the two dictators carved up Poland.", "nazi_soviet_pact"),
    ("With the Treaty of Brest-Litovsk Soviet Russia surrendered Finland and Ukraine.",
     "treaty_of_brest_litovsk"),
    ("At Rapallo the two states renounced reparations.", "treaty_of_rapallo"),
    # the receiver: an indirect object, "to X", or a sphere named by its state's adjective
    ("The secret protocol allotted Latvia and Estonia to Stalin.", "nazi_soviet_pact"),
    ("In the Munich Agreement the Sudetenland was transferred to Germany.",
     "munich_agreement"),
    ("The secret protocol placed Bessarabia in the Soviet sphere of influence.",
     "nazi_soviet_pact"),
    # the doer, when the parse leaves it outside the verb's subject
    ("In the secret protocol Germany and the Soviet Union partitioned Poland.",
     "nazi_soviet_pact"),
    # "a great deal of land including ...": the land and the examples
    ("By the Treaty of Brest-Litovsk the Bolsheviks gave up a great deal of territory, "
     "including the Baltic states.", "treaty_of_brest_litovsk"),
    # "in half": how it was divided, part of the division
    ("The secret protocol cut up Poland in half.", "nazi_soviet_pact"),
    ("The secret protocol of the Nazi-Soviet Pact split eastern Europe between the two "
     "dictators.", "nazi_soviet_pact"),
    # a thing the terms name by words, and who was left out
    ("At Locarno the Germans confirmed their western frontiers.", "locarno_treaties"),
    ("Daladier and Chamberlain shut out the Soviet Union at Munich.", "munich_agreement"),
])
def test_a_term_the_knowledge_lists_is_confirmed(text: str, subject: str) -> None:
    (claim,) = [c for c in terms_claims(text) if c["subject"] == subject]
    assert claim["verdict"] == "supported", claim["details"]


def test_the_agreement_may_be_named_in_a_sentence_just_before() -> None:
    text = ("The Peace of Brest-Litovsk was signed in March 1918. It was harsh: Soviet Russia "
            "lost Poland and Finland.")
    (claim,) = terms_claims(text)
    assert claim["subject"] == "treaty_of_brest_litovsk"
    assert claim["verdict"] == "supported"


@pytest.mark.parametrize("text", [
    # (only a common thing is named, so the deed alone names no agreement)
    # another paragraph
    "The Peace of Brest-Litovsk was signed in March 1918.\n\nSoviet Russia lost territory.",
    # a sentence with its own date is about its own time
    "The Peace of Brest-Litovsk was signed in March 1918. In 1940 the USSR lost territory.",
    # three sentences back
    "Brest-Litovsk was signed in 1918. Trotsky walked out. Lenin insisted. Russia lost "
    "territory.",
])
def test_no_agreement_is_assumed_from_further_away(text: str) -> None:
    assert terms_claims(text) == []


@pytest.mark.parametrize(("text", "unchecked"), [
    # the wrong receiver: Estonia went to the Soviet sphere
    ("The secret protocol handed Estonia to Germany.", "parties:Germany"),
    # a thing the terms do not list (Lithuania was added only in September)
    ("The secret protocol handed Latvia and Lithuania to the USSR.", "terms:Lithuania"),
    # the wrong doer of a loss
    ("Under the Munich Agreement Germany lost the Sudetenland.", "actor:Germany"),
    # a state no term lists: what was done to it stays unchecked, and the names around it
    # are no tick ("divided France between Hitler and Stalin" is not confirmed for them)
    ("The Nazi-Soviet Pact had a secret protocol which divided France between Hitler and "
     "Stalin.", "terms:France"),
])
def test_anything_else_is_not_checked_and_never_called_wrong(text: str,
                                                             unchecked: str) -> None:
    (claim,) = terms_claims(text)
    assert claim["verdict"] == "unverifiable"
    assert details(claim)[unchecked] == "unchecked"


@pytest.mark.parametrize("text", [
    "The Munich Agreement did not give the Sudetenland to the USSR.",  # denied
    "Hitler hoped the secret protocol would give him Poland.",  # hoped for
    "In Moscow Molotov and Ribbentrop put their signatures to the Nazi-Soviet Pact.",  # "put"
    # nothing the terms list is named: the verb says something else
    "At Locarno Germany did accept borders in the east by arbitration.",
    # two agreements in one sentence: whose terms is unclear
    "After Munich and the Nazi-Soviet Pact, Poland was divided.",
])
def test_no_claim_about_the_terms(text: str) -> None:
    assert terms_claims(text) == []


def test_a_date_and_the_terms_in_one_clause_make_one_claim() -> None:
    (claim,) = claims_of("In September 1938 the Munich Agreement handed the Sudetenland to "
                         "Hitler.")
    assert claim["verdict"] == "supported"
    assert {"date", "terms"} <= set(claim["kinds"])
    assert details(claim)["terms:Sudetenland"] == "agrees"


def test_terms_are_validated_on_load(tmp_path) -> None:
    import shutil

    pack = tmp_path / DEFAULT_TOPIC
    shutil.copytree(Path(__file__).resolve().parents[2] / "reference_essay" / DEFAULT_TOPIC,
                    pack)
    main = pack / "knowledge.yaml"
    main.write_text(main.read_text(encoding="utf-8").replace(
        "subjects: [czechoslovakia]", "subjects: [czechoslovakiaa]", 1), encoding="utf-8")
    with pytest.raises(MarkerError) as err:
        load_topic(pack)
    assert "munich_agreement" in str(err.value) and "czechoslovakiaa" in str(err.value)
    main.write_text(main.read_text(encoding="utf-8").replace(
        "subjects: [czechoslovakiaa]", "subjects: [czechoslovakia]", 1).replace(
        "refused: true", 'refused: "yes"', 1), encoding="utf-8")
    with pytest.raises(MarkerError) as err:
        load_topic(pack)
    assert "anglo_french_soviet_talks_1939" in str(err.value)
    assert "refused" in str(err.value) and "true or false" in str(err.value)


@pytest.mark.parametrize(("text", "subject", "verdict"), [
    # no agreement named: the deed, its doer and what it was done to are one agreement's
    ("In March 1940 Finland ceded the Karelian Isthmus and Viipuri.",
     "moscow_peace_treaty_1940", "supported"),
    ("In September 1938 France and Britain gave the Sudetenland to Hitler.",
     "munich_agreement", "supported"),
    # a guess at the agreement: a year that does not fit is not checked, never wrong
    ("In 1944 Finland ceded the Karelian Isthmus.", "moscow_peace_treaty_1940",
     "unverifiable"),
])
def test_a_deed_that_is_one_agreements_terms_names_it(text: str, subject: str,
                                                      verdict: str) -> None:
    (claim,) = claims_of(text)
    assert (claim["subject"], claim["verdict"]) == (subject, verdict), claim["details"]


@pytest.mark.parametrize("text", [
    "In 1920 Russia lost territory.",  # only a common thing: many agreements did that
    "In 1939 someone handed over the Sudetenland.",  # no doer the terms know
    "Britain lost the Sudetenland in 1938.",  # a doer the terms do not list
])
def test_a_deed_picks_out_no_agreement_without_a_telling_thing_and_doer(text: str) -> None:
    assert [c for c in claims_of(text) if c["verdict"] != "unverifiable"] == []
    assert terms_claims(text) == []


# A permission refused: the 1939 talks' terms say who would not let whom through.
@pytest.mark.parametrize("text", [
    "Poland flatly refused to let Soviet forces march through its lands.",
    "The Poles would not allow the Red Army to enter their country.",
    "Poland declined to allow the Red Army onto Polish soil.",
    "The negotiations broke down because Poland would not let the Red Army pass through.",
])
def test_a_refusal_the_knowledge_lists_is_confirmed(text: str) -> None:
    (claim,) = terms_claims(text)
    assert claim["subject"] == "anglo_french_soviet_talks_1939"
    assert claim["verdict"] == "supported", claim["details"]


@pytest.mark.parametrize("text", [
    "Poland let the Red Army cross its territory.",  # no refusal
    "Poland did not refuse to let the Red Army cross.",  # the refusal denied
    "Britain refused to let Soviet troops cross its territory.",  # another refuser
    "Poland refused to let German troops cross its territory.",  # another army
    "Germany would not let the Red Army into Poland.",
])
def test_no_refusal_is_confirmed_that_the_knowledge_does_not_list(text: str) -> None:
    assert [c for c in terms_claims(text) if c["verdict"] == "supported"] == []


def test_a_deed_in_its_own_clause_names_its_agreement_beside_another_event() -> None:
    # the first clause names the mission; the refusal's own clause names no event
    found = claims_of("The Anglo-French military mission reached Moscow in August 1939, but "
                      "the Poles would not let Soviet forces march through their lands.")
    assert ("anglo_french_soviet_talks_1939", "supported") in [
        (c["subject"], c["verdict"]) for c in found]
