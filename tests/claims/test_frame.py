"""A claim is a frame of details: supported only when every detail its clause states
agrees; one detail unchecked means no ✓, one wrong detail means ✗ naming it."""

from __future__ import annotations

import pytest

from marker.topic import DEFAULT_TOPIC, load_topic

from .helpers import about, claims_of, details


def test_an_unchecked_place_and_doer_withhold_the_tick() -> None:
    (claim,) = about("The Comintern was set up in Kiev by Bukharin in March 1919.",
                     "comintern_founded")
    assert claim["verdict"] == "unverifiable"
    got = details(claim)
    assert got["time:March 1919"] == "agrees"
    assert got["place:Kiev"] == "unchecked"
    assert got["actor:Bukharin"] == "unchecked"
    assert "not in the reference knowledge" in claim["checked"]


def test_every_detail_checked_and_right_gives_the_tick() -> None:
    (claim,) = about("Ribbentrop and Molotov put their names to the Nazi-Soviet Pact in "
                     "August 1939.", "nazi_soviet_pact")
    assert claim["verdict"] == "supported"
    assert set(details(claim).values()) == {"agrees"}


def test_claims_about_one_thing_in_one_clause_are_one_claim_with_one_verdict() -> None:
    found = about("In 1936 Poland and the USSR signed the Treaty of Rapallo.",
                  "treaty_of_rapallo")
    assert len(found) == 1
    (claim,) = found
    assert claim["verdict"] == "contradicted"
    assert {"date", "party"} <= set(claim["kinds"])


def test_a_date_another_claim_checks_is_not_a_neighbours_unchecked_detail() -> None:
    claims = claims_of("Germany signed the Treaty of Rapallo in April 1922 and the Treaty of "
                       "Berlin in 1926.")
    verdicts = {c["subject"]: c["verdict"] for c in claims if "date" in c["kinds"]}
    assert verdicts["treaty_of_rapallo"] == "supported"


def test_a_view_someone_is_said_to_hold_is_not_checked() -> None:
    claims = claims_of("The historian E. H. Carr says the Comintern was Trotsky's idea.")
    carr = [c for c in claims if c["subject"] == "eh_carr"]
    assert carr and all(c["verdict"] != "supported" for c in carr)


@pytest.mark.parametrize("text, status", [
    # seven months later is not 'straight after'
    ("Stalin dismissed Litvinov straight after the Munich Agreement.", "contradicts"),
    # under three months is
    ("Stalin dismissed Litvinov soon after the German occupation of Prague.", "agrees"),
    # between the two, 'soon' is a judgement the knowledge does not settle
    ("The Nazi-Soviet Pact was signed soon after the dismissal of Litvinov.", "unchecked"),
])
def test_straight_after_is_a_detail_of_its_own(text: str, status: str) -> None:
    (claim,) = [c for c in claims_of(text) if "sequence" in c["kinds"]]
    (soon,) = [d for d in claim["details"] if d["slot"] == "relative"]
    assert soon["status"] == status
    if status == "contradicts":
        assert "about 7 months after" in claim["correction"]


def test_details_are_in_the_json_with_slot_stated_status_expected() -> None:
    (claim,) = about("The Treaty of Rapallo was signed in 1922.", "treaty_of_rapallo")
    (detail,) = claim["details"]
    assert set(detail) == {"slot", "stated", "start", "end", "status", "expected"}
    assert detail["slot"] == "time" and detail["stated"] == "1922"
    assert detail["expected"].startswith("The Treaty of Rapallo was signed")


@pytest.mark.parametrize("text, verdict", [
    ("Marshal Tukhachevsky, the Red Army's Chief of Staff, was executed in June 1937.",
     "contradicted"),
    ("In 1927 Tukhachevsky, then Chief of Staff, warned of war.", "supported"),
])
def test_a_short_title_said_of_a_soviet_commander_is_the_soviet_office(text: str,
                                                                       verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}


def test_the_same_short_title_said_of_a_german_is_not_judged() -> None:
    found = claims_of("In 1922 Seeckt, the chief of staff, talked with Radek.")
    assert all(c["verdict"] != "contradicted" for c in found)


@pytest.mark.parametrize("text, verdict", [
    # Beck was Foreign Minister; Składkowski was premier in 1939
    ("In 1939 the Polish Prime Minister, Colonel Beck, turned down Soviet troops.",
     "contradicted"),
    ("In 1927 Piłsudski, the Polish Prime Minister, distrusted Moscow.", "supported"),
    # Eden went to Moscow in March 1935 as Lord Privy Seal; Simon was Foreign Secretary
    ("In March 1935 Eden, then Foreign Secretary, travelled to Moscow.", "contradicted"),
    ("Eden went to Moscow again in December 1941, by then Foreign Secretary.", "supported"),
])
def test_a_title_is_checked_for_the_day_of_the_deed(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


@pytest.mark.parametrize("text, verdict", [
    # the year is stated, but the title is claimed for the day of the deed within it
    ("In 1922 the German Chancellor Rathenau put his name to the Treaty of Rapallo.",
     "contradicted"),
    ("In 1939 the German Foreign Minister Ribbentrop signed the Nazi-Soviet Pact.",
     "supported"),
])
def test_a_title_with_a_stated_year_is_checked_on_the_deeds_day(text: str,
                                                                 verdict: str) -> None:
    office = [c for c in claims_of(text) if c["kind"] == "office"]
    assert office and office[0]["verdict"] == verdict, office


@pytest.mark.parametrize("text, subject, other", [
    ("Two and a half years after the Munich Agreement, Germany invaded the Soviet Union.",
     "operation_barbarossa", "german_offensive_february_1918"),
    ("Germany invaded the Soviet Union in 1939.", "operation_barbarossa",
     "german_offensive_february_1918"),
])
def test_a_claim_is_about_the_reading_that_decided_it(text: str, subject: str,
                                                      other: str) -> None:
    """Words with two readings (Germany invading in 1918 and in 1941): the claim, its
    sources and the class summary's row are the reading the verdict rests on."""
    [claim] = claims_of(text)
    assert claim["subject"] == subject and other in claim["refs"]
    knowledge = load_topic(DEFAULT_TOPIC).knowledge
    assert set(claim["sources"]) >= set(knowledge.get(subject).sources)
    assert not set(claim["sources"]) & set(knowledge.get(other).sources)


@pytest.mark.parametrize("text, verdict", [
    # a month or day without its year is a stated time: the subject's own first month
    # agrees, any other is not checked here (and takes the tick away)
    ("After taking eastern Poland in 1939, in November the Soviet Union attacked Finland.",
     "supported"),
    ("After taking eastern Poland in 1939, in July the Soviet Union attacked Finland.",
     "unverifiable"),
    ("Early in 1941 Stalin still trusted the pact, but in May Germany invaded.",
     "unverifiable"),
])
def test_a_month_without_its_year_is_a_detail(text: str, verdict: str) -> None:
    claim = [c for c in claims_of(text) if c["kind"] != "office" and c["subject"] != "poland"]
    assert [c["verdict"] for c in claim] == [verdict]
    assert any(d["slot"] == "time" and d["stated"] in ("November", "July", "May")
               for d in claim[0]["details"])


@pytest.mark.parametrize(("text", "verdict"), [
    # a title given to doers of the event a participle describes is claimed for its day
    ("The Hoare-Laval Pact of December 1935, drawn up by the British Foreign Secretary "
     "Samuel Hoare and the French Prime Minister Pierre Laval, failed.", "supported"),
    ("The Munich Agreement, signed by the British Foreign Secretary Samuel Hoare, gave "
     "away the Sudetenland.", "contradicted"),
])
def test_a_title_in_the_event_a_participle_describes(text: str, verdict: str) -> None:
    offices = [c["verdict"] for c in claims_of(text) if "office" in c["kinds"]]
    assert offices and set(offices) == {verdict}


def test_a_bare_foreign_minister_is_the_persons_own_countrys() -> None:
    (claim,) = [c for c in claims_of("Poland, whose foreign minister was Colonel Beck, "
                                     "refused.") if "office" in c["kinds"]]
    assert claim["verdict"] == "supported"


@pytest.mark.parametrize(("text", "verdict"), [
    # a title given to someone doing something, with no date of its own: held at the time
    # the sentence before tells of
    ("Collective security ran from about 1933 to 1939. It is mostly linked with Maxim "
     "Litvinov, the Commissar for Foreign Affairs.", "supported"),
    ("In the early 1930s the USSR was worried. So Litvinov, the Soviet foreign minister, "
     "tried to build alliances.", "supported"),
    # not held then: never called wrong, only not checked
    ("In 1941 things changed. Litvinov, the Commissar for Foreign Affairs, flew to "
     "Washington.", "unverifiable"),
    # "first" is not checked by the time told
    ("In 1917 the Bolsheviks took power. Litvinov, the first Commissar for Foreign Affairs, "
     "published the treaties.", "unverifiable"),
])
def test_a_title_at_the_time_the_essay_tells_of(text: str, verdict: str) -> None:
    (claim,) = [c for c in claims_of(text) if c["subject"] == "litvinov"]
    assert claim["verdict"] == verdict


def test_a_title_never_held_is_still_wrong_with_a_time_told() -> None:
    (claim,) = [c for c in claims_of("In May 1939 Molotov took over. Lord Halifax, the British "
                                     "Prime Minister, refused to go to Moscow.")
                if c["subject"] == "halifax"]
    assert claim["verdict"] == "contradicted"
