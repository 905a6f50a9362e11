"""Things that did not happen, stated as fact, are corrected; denied, wished or hedged,
they state nothing."""

from __future__ import annotations

import pytest

from .helpers import claims_of


def existence(text: str) -> list[str]:
    return [c["verdict"] for c in claims_of(text) if c["kind"] == "existence"]


@pytest.mark.parametrize("text", [
    "Angry at the Western powers, the USSR quit the League of Nations in 1938.",
    "Before the war the USSR left the League of Nations.",  # no comma after the opening
    "Stalin met Hitler in 1940 to divide Europe.",
    "Hitler and Stalin met to shake hands over the pact.",
    "Germany was expelled from the League of Nations.",
])
def test_what_did_not_happen_is_corrected(text: str) -> None:
    assert existence(text) == ["contradicted"]


@pytest.mark.parametrize("text", [
    "The USSR never left the League of Nations.",
    "Stalin refused to meet Hitler.",
    "Stalin may have hoped to meet Hitler one day.",
    "If the USSR had left the League, little would have changed.",
    "Germany left the League of Nations in 1933.",  # what did happen
    "The League expelled the USSR in December 1939.",
])
def test_denied_wished_or_real_events_are_not_corrected(text: str) -> None:
    assert existence(text) == []


def test_the_correction_says_what_did_happen() -> None:
    (claim,) = [c for c in claims_of("Stalin met Hitler in 1940.") if c["kind"] == "existence"]
    assert "never met" in claim["correction"] and "Molotov" in claim["correction"]


def test_an_expulsion_of_another_state_is_not_the_ussrs() -> None:
    """The League's expulsion of the USSR is not read into 'the League expelled Germany'."""
    dated = [c for c in claims_of("In 1933 the League expelled Germany.")
             if c["kind"] == "date"]
    assert dated == []


@pytest.mark.parametrize("text", [
    "Neither Britain nor France declared war on the USSR.",
    "Nor did the USA join the League of Nations.",
    "Neither Stalin nor Hitler ever met the other.",
])
def test_neither_and_nor_deny(text: str) -> None:
    assert [c for c in claims_of(text) if c["verdict"] == "contradicted"] == []


@pytest.mark.parametrize("text, verdict", [
    ("The League of Nations threw the USSR out in December 1939.", "supported"),
    ("In 1939 the Soviet Union got kicked out of the League of Nations.", "supported"),
    ("The League kicked Germany out in 1933.", "contradicted"),
])
def test_thrown_out_and_kicked_out_are_expelled(text: str, verdict: str) -> None:
    found = [c for c in claims_of(text) if c["verdict"] != "unverifiable"]
    assert found and all(c["verdict"] == verdict for c in found), found


@pytest.mark.parametrize("text", [
    "Once it had attacked Finland, the Soviet Union got itself expelled from the League.",
    "In secret the Reichswehr trained its pilots in the USSR.",
])
def test_a_known_deed_told_without_a_date_happened(text: str) -> None:
    assert "supported" in existence(text)


@pytest.mark.parametrize("text", [
    # a name alone states nothing happened
    "The expulsion of the USSR from the League mattered little.",
    # denied or hedged
    "The USSR was never expelled from the League of Nations.",
    "The USSR might have been expelled from the League of Nations.",
    # a deed more than one event's trigger reads (1920 or 1939): the date decides
    "The Red Army invaded Poland from the east.",
])
def test_no_existence_tick_for_a_name_a_denial_or_an_ambiguous_deed(text: str) -> None:
    assert "supported" not in existence(text)


def test_a_deed_with_a_date_is_the_date_claims() -> None:
    kinds = [c["kind"] for c in claims_of("The League expelled the USSR in December 1939.")]
    assert kinds and "existence" not in kinds


@pytest.mark.parametrize("text", [
    "Japan, the USA and Britain landed soldiers in Russia to back the Whites.",
    # the doers given as examples of a kind
    "Countries such as Britain, France and the USA sent soldiers to help the Whites.",
])
def test_the_intervention_told_by_its_doers(text: str) -> None:
    assert [c["subject"] for c in claims_of(text) if c["verdict"] == "supported"] == [
        "allied_intervention"]


def test_sending_troops_is_no_intervention_without_the_civil_war() -> None:
    found = claims_of("In 1939 Britain sent troops to France.")
    assert all(c["subject"] != "allied_intervention" for c in found)
