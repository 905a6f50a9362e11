"""Quotations: well-known words given to the wrong speaker (or day) are corrected; a
historian quoting them or a denial says nothing about who said them, and a 'he' only
confirms the one person named just before (never corrects)."""

from __future__ import annotations

import pytest

from .helpers import claims_of, details, verdicts_of


def quotes(text: str) -> list[dict]:
    return [c for c in claims_of(text) if c["kind"] == "quote"]


@pytest.mark.parametrize("text, verdict", [
    ('In 1931 Stalin warned: "We are fifty or a hundred years behind the advanced '
     'countries."', "supported"),
    ('Molotov warned in 1931 that Russia lay "fifty or a hundred years behind the advanced '
     'countries".', "contradicted"),
    ("Litvinov told the League that peace is indivisible.", "supported"),
    ("It was Molotov who told the League that peace is indivisible.", "contradicted"),
    ('As Stalin put it in March 1930, the party was "dizzy with success".', "supported"),
    ("Chamberlain called Czechoslovakia a far away country of people of whom we know "
     "nothing.", "supported"),
])
def test_the_speaker_is_checked(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in quotes(text)] == [verdict]


def test_the_correction_names_who_said_it() -> None:
    (claim,) = quotes("Trotsky declared that peace is indivisible.")
    assert "Litvinov" in claim["correction"]


def test_a_day_that_is_recorded_is_checked() -> None:
    (claim,) = quotes('On 10 March 1935 Stalin said the West wanted others to "pull the '
                      'chestnuts out of the fire".')
    assert claim["verdict"] == "contradicted"


@pytest.mark.parametrize("text", [
    # a historian quoting the words
    'Haslam argues that "peace is indivisible" was more than a slogan.',
    # a pronoun: who "he" is, is not settled here
    "He said that peace is indivisible.",
    # denied
    "Molotov never said that peace is indivisible.",
])
def test_no_speaker_claim_without_a_speaker(text: str) -> None:
    assert [c for c in quotes(text) if c["verdict"] == "contradicted"] == []


def test_a_cleft_denial_says_nothing_about_the_speaker() -> None:
    assert quotes("It was not Stalin who said that peace is indivisible.") == []


@pytest.mark.parametrize("text, verdict", [
    # "made a speech saying ...": who made the speech said the words, on the speech's date
    ('In 1939 Molotov gave a speech warning that Moscow would refuse to "pull the chestnuts '
     'out of the fire" for anyone.', "contradicted"),
    ('Litvinov made his best-known speech saying that "peace is indivisible".', "supported"),
    ('Stalin made his speech to the Party Congress in March 1936 saying Moscow refused to '
     '"pull the chestnuts out of the fire".', "contradicted"),
])
def test_the_maker_of_a_speech_says_its_words(text: str, verdict: str) -> None:
    assert verdicts_of(text, "quote") == [verdict]


def test_a_state_named_in_what_was_said_is_no_party_to_the_saying() -> None:
    (claim,) = quotes('In 1931 Stalin told managers that the USSR lay "fifty or a hundred '
                      'years behind the advanced countries".')
    assert claim["verdict"] == "supported"
    assert "parties" not in {d["slot"] for d in claim["details"]}


@pytest.mark.parametrize("text, verdicts", [
    # the right speaker named as the subject of a verb of their own does not make the
    # grammar doubtful: the words are still given to the other person
    ('The economy was weak, Lenin once said that "we are fifty or a hundred years behind the '
     'advanced countries", and so Stalin needed peace.', ["contradicted"]),
    ('Litvinov was the great champion of collective security, although it was Stalin who '
     'declared at Geneva that "peace is indivisible".', ["contradicted"]),
    # ... but as the subject of a verb of saying it does
    ('As Litvinov argued, Stalin declared that "peace is indivisible".', []),
])
def test_a_person_doing_something_else_is_no_reading_of_the_speaker(text: str,
                                                                    verdicts: list[str]) -> None:
    assert [c["verdict"] for c in claims_of(text) if "quote" in c["kinds"]] == verdicts


def test_a_he_who_said_it_is_the_person_named_just_before() -> None:
    (claim,) = [c for c in claims_of(
        "Stalin drove industry on. In February 1931 he told managers that they were "
        "\"fifty or a hundred years behind the advanced countries\".")
        if "quote" in c["kinds"]]
    assert claim["verdict"] == "supported"
    assert details(claim)["speaker:he"] == "agrees"


@pytest.mark.parametrize("text", [
    # 'he' is someone who did not say it: who 'he' is was worked out, so nothing is said
    "Chamberlain was wary. In 1931 he said that Britain was \"fifty or a hundred years "
    "behind the advanced countries\".",
    # two people named before: 'he' is unclear
    "Stalin and Molotov argued. In 1931 he said that they were \"fifty or a hundred years "
    "behind the advanced countries\".",
])
def test_a_he_is_never_a_reason_to_call_the_speaker_wrong(text: str) -> None:
    assert not [c for c in claims_of(text) if "quote" in c["kinds"]]


@pytest.mark.parametrize("text", [
    'Lenin defended the peace of Brest-Litovsk as a "breathing space" for the revolution.',
    "Lenin justified the harsh treaty as a ‘breathing-space’.",
    'Trotsky\'s formula of "neither war nor peace" was his answer at Brest-Litovsk.',
    'Chamberlain returned from Munich promising "peace for our time".',
])
def test_a_slogan_in_quotation_marks_confirms_its_speaker(text: str) -> None:
    assert [c["verdict"] for c in quotes(text)] == ["supported"]


@pytest.mark.parametrize("text", [
    # the same words as ordinary prose
    "Lenin thought the army needed a breathing space after the battle.",
    "The treaties brought peace for our time to Europe, said Chamberlain.",
    # another speaker: others repeated or attacked the words, so nothing is said
    'Bukharin denounced the "breathing space" that Lenin wanted.',
    'Daladier told the crowds at Le Bourget that it was "peace for our time".',
    "Lenin condemned Trotsky's 'neither war nor peace' as a gamble.",
])
def test_a_slogan_out_of_quotation_marks_or_given_to_another_says_nothing(text: str) -> None:
    assert quotes(text) == []


@pytest.mark.parametrize("text", [
    # a saying raised to the subject of a passive
    "Trotsky is said to have remarked that he would issue a few revolutionary proclamations "
    "to the peoples of the world and close the office.",
    # "remind" is a saying; a noun of saying whose words the parser hung on its verb
    'Litvinov, who used to remind the delegates that "peace is indivisible", lost his post.',
    'Stalin gave his famous warning in 1931 that "we are fifty or a hundred years behind the '
    'advanced countries".',
])
def test_more_ways_of_giving_words_to_a_speaker(text: str) -> None:
    assert [c["verdict"] for c in quotes(text)] == ["supported"]


def test_a_raised_saying_gives_the_words_to_the_wrong_speaker() -> None:
    (claim,) = quotes("Lenin is supposed to have said that he would issue a few "
                      "revolutionary proclamations to the peoples of the world.")
    assert claim["verdict"] == "contradicted" and "Trotsky" in claim["correction"]


def test_a_private_letter_is_quoted_with_its_writer() -> None:
    (claim,) = quotes('In a letter of March 1939 Chamberlain confessed to "the most profound '
                      'distrust of Russia".')
    assert claim["verdict"] == "supported"
    assert details(claim)["time:March 1939"] == "agrees"


def test_another_verbs_date_is_not_the_sayings() -> None:
    (claim,) = quotes('He launched the five year plans from 1928 to build up industry so the USSR '
                      'could defend itself, Lenin said "we are fifty or a hundred years behind the '
                      'advanced countries".')
    assert claim["verdict"] == "contradicted"
    assert claim["text"].startswith("Lenin said")


def test_a_date_hung_on_the_quoted_words_is_the_sayings() -> None:
    (claim,) = quotes('Churchill famously called Russia "a riddle wrapped in a mystery inside an '
                      'enigma" in 1945.')
    assert claim["verdict"] == "contradicted"
