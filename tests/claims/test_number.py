"""Numbers: matched to the figure they count, checked against its accepted range."""

from __future__ import annotations

import pytest

from .helpers import claims_of, verdicts_of


@pytest.mark.parametrize(("text", "verdict"), [
    ("In the purges 90% of the Red Army's officers were shot.", "contradicted"),
    ("In the purge three of the five Soviet marshals were killed.", "supported"),
])
def test_a_number_is_checked_against_its_figure(text: str, verdict: str) -> None:
    found = [c for c in claims_of(text) if "number" in c["kinds"]]
    assert [c["verdict"] for c in found] == [verdict]


@pytest.mark.parametrize(("text", "verdict"), [
    # "all N": N of the N, when the clause says what befell them
    ("By 1938 Stalin had had all five of the Soviet marshals shot.", "contradicted"),
    ("All five marshals were purged in 1937-38.", "contradicted"),
    # the death tolls students cite: a whole-era or inflated figure is not this event's
    ("Around 20 million people died of starvation in the famine of 1932-33 in Ukraine.",
     "contradicted"),
    ("In the famine of 1932-33 about 6 million people died of hunger.", "supported"),
    ("During the Great Terror some 12 million people were killed.", "contradicted"),
    ("During the Great Terror about 1.5 million people were killed.", "supported"),
    ("The Comintern raised the International Brigades: 250,000 foreign volunteers.",
     "contradicted"),
    ("The Comintern raised the International Brigades: 35,000 foreign volunteers.",
     "supported"),
    # a term of years belongs to the pact the sentence names
    ("In April 1941 Japan and the USSR signed a Neutrality Pact meant to last for ten years.",
     "contradicted"),
])
def test_the_figures_students_cite(text: str, verdict: str) -> None:
    assert verdicts_of(text, "number") == [verdict]


def test_the_time_of_a_count_agrees_when_it_lies_within_the_counted_event() -> None:
    (claim,) = claims_of("In the famine of 1932-33 about 6 million people died of hunger.")
    assert claim["verdict"] == "supported"
    (other,) = claims_of("In 1926 about 6 million people died of hunger in the famine.")
    assert other["verdict"] == "unverifiable"  # the count fits; the year is not the famine's


@pytest.mark.parametrize("text", [
    # another famine's death toll is not this one's
    "In the Volga famine of 1921 about 1 million people starved to death.",
    "In 1935 all five marshals of the Soviet Union were appointed.",
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


@pytest.mark.parametrize("text, verdict", [
    # men lost may be the dead or all casualties: wrong only when it fits neither
    ("In the Winter War the Red Army lost about 5,000 men.", "contradicted"),
    ("In the Winter War the Red Army lost about 130,000 men.", "supported"),
])
def test_men_lost_in_a_war_are_its_losses(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


@pytest.mark.parametrize("text", [
    # whose men is not said: not checked
    "In the Winter War they lost about 5,000 men.",
    # a war with casualties but no death toll known: 'lost 8,000 men' may be the dead
    "At Khalkhin Gol in 1939 the Red Army lost around 8,000 men.",
    # another war in the paragraph: the men may be that war's
    "The Winter War was costly. In the Second World War the USSR lost 27 million people.",
])
def test_men_lost_are_not_checked_when_unclear(text: str) -> None:
    assert all(c["verdict"] != "contradicted" for c in claims_of(text)), claims_of(text)


@pytest.mark.parametrize("text, verdicts", [
    # how long a person held office is no treaty's term, whatever the paragraph names
    ("Chicherin was foreign commissar for twelve years and Litvinov for nine.",
     {"unverifiable"}),
    ("The Nazi-Soviet Pact was concluded in 1939. Litvinov had served for nine years.",
     {"supported"}),
    # a treaty's term, said of it or of 'it' just after naming it, is checked
    ("The Nazi-Soviet Pact was signed for twenty years.", {"contradicted"}),
    ("In August 1939 Stalin signed the Nazi-Soviet Pact. It was meant to last ten years.",
     {"supported"}),
])
def test_a_term_of_years_belongs_to_what_the_sentence_is_about(text: str,
                                                              verdicts: set[str]) -> None:
    assert {c["verdict"] for c in claims_of(text)} == verdicts


@pytest.mark.parametrize("text, verdicts", [
    # "Soviet" says whose dead, not which war's: no Winter War toll for the war with Germany
    ("More than 20 million Soviet citizens died in the war with Germany.", set()),
    ("About 25 million Soviet people died fighting Germany between 1941 and 1945.", set()),
    # the war named, the same words are checked
    ("The Red Army lost about 126,000 dead in the Winter War.", {"supported"}),
    ("In the Winter War about 2 million Soviet soldiers died.", {"contradicted"}),
])
def test_a_nationality_does_not_say_which_war(text: str, verdicts: set[str]) -> None:
    assert {c["verdict"] for c in claims_of(text) if c["kind"] == "number"} == verdicts


@pytest.mark.parametrize(("text", "verdict"), [
    # a number in words with its scale is a number
    ("On 22 June 1941 some three million German troops invaded.", "supported"),
    ("On 22 June 1941 about 3 million German troops invaded.", "supported"),
    ("On 22 June 1941 about one million German troops invaded.", "contradicted"),
])
def test_the_invading_army_of_1941(text: str, verdict: str) -> None:
    found = [c["verdict"] for c in claims_of(text) if c["subject"] == "axis_troops_barbarossa"]
    assert found == [verdict]


def test_the_red_army_is_not_the_invaders() -> None:
    found = claims_of("When the Germans invaded in June 1941, the Red Army lost three million men.")
    assert all(c["subject"] != "axis_troops_barbarossa" for c in found)
