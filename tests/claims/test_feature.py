"""What an event was like, in the student's own words: confirmed when a clause about the
event holds the words of one of its known features, never called wrong."""

from __future__ import annotations

import pytest

from .helpers import claims_of


def features(text: str) -> list[tuple[str, str]]:
    return [(c["subject"], c["verdict"]) for c in claims_of(text) if "feature" in c["kinds"]]


@pytest.mark.parametrize("text, event", [
    ("The Anglo-French mission went to Russia by boat.", "anglo_french_military_mission_1939"),
    # a denial in the phrase: any denial of the clause will do
    ("The Anglo-French mission lacked the authority to sign a deal.",
     "anglo_french_military_mission_1939"),
    ("The Anglo-French mission did not have the power to make decisions.",
     "anglo_french_military_mission_1939"),
    # a condition hung on the clause is part of it
    ("The Soviet-Czech pact only obliged the USSR to help if France helped first.",
     "soviet_czechoslovak_pact"),
    ("The Lytton Report criticised Japan.", "lytton_report"),
])
def test_a_known_feature_is_confirmed(text: str, event: str) -> None:
    assert (event, "supported") in features(text)


def test_the_event_may_be_named_in_the_sentence_before() -> None:
    text = ("In August 1939 Britain and France sent the Anglo-French military mission to "
            "Moscow. It travelled on a slow steamer and had no authority to sign anything.")
    assert features(text) == [("anglo_french_military_mission_1939", "supported")] * 2


@pytest.mark.parametrize("text", [
    # denied, where the feature is no denial
    "The Anglo-French mission did not go by boat.",
    "When Italy invaded Abyssinia, the League failed to impose sanctions.",
    # the words of a feature about something else
    "The Anglo-French mission showed that Britain had no power to stop Hitler.",
    "The Popular Front collapsed when socialists quarrelled with communists.",
    # another event, told from this one, in the sentence after it
    "Rapallo was signed at Genoa. Recognition by Britain came two years later.",
    # no event with features named nearby
    "The delegation travelled by slow boat.",
])
def test_no_feature_claim(text: str) -> None:
    assert features(text) == []


def test_a_feature_is_never_wrong() -> None:
    assert "contradicted" not in {v for _, v in features(
        "The Anglo-French mission flew to Moscow with full powers to sign.")}


def test_each_clause_is_read_on_its_own() -> None:
    found = [c for c in claims_of("The Anglo-French mission went by boat and took ages to "
                                  "get there.") if "feature" in c["kinds"]]
    assert [c["text"] for c in found] == ["The Anglo-French mission went by boat",
                                          "took ages to get there"]


def test_a_name_cued_only_by_its_paragraph_is_a_guess() -> None:
    # "military mission" is the 1939 mission only where its paragraph says so; cued by
    # another sentence, a date that does not fit it is not called wrong
    found = claims_of("In 1939 talks began in Moscow. In 1919 a French military mission "
                      "went to help Denikin.")
    assert "contradicted" not in {c["verdict"] for c in found}
    assert features("In 1939 talks began in Moscow. The military mission went by boat.") == [
        ("anglo_french_military_mission_1939", "supported")]
