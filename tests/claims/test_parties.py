"""Who took part: each named party a detail; the leader idiom; unknown is not wrong."""

from __future__ import annotations

import pytest

from .helpers import about, claims_of, details, verdicts_of


@pytest.mark.parametrize("text", [
    "Stalin concluded the Nazi-Soviet Pact with Hitler in August 1939.",
    "In August 1939 Hitler made a pact with Stalin, the Nazi-Soviet Pact.",
    "Lenin signed the Treaty of Brest-Litovsk with Germany in March 1918.",
])
def test_a_leader_signs_what_their_government_signed(text: str) -> None:
    subject = "nazi_soviet_pact" if "Nazi" in text else "treaty_of_brest_litovsk"
    found = about(text, subject)
    assert all(c["verdict"] != "contradicted" for c in found)


def test_someone_who_neither_led_nor_signed_is_still_wrong() -> None:
    found = about("Bukharin signed the Nazi-Soviet Pact.", "nazi_soviet_pact")
    assert any(c["verdict"] == "contradicted" for c in found)


def test_a_state_the_knowledge_lists_agrees_and_a_person_it_does_not_stays_unchecked() -> None:
    (claim,) = about("In 1922 Germany and Zinoviev agreed the Treaty of Rapallo.",
                     "treaty_of_rapallo")
    got = details(claim)
    assert got["parties:Germany"] == "agrees"
    assert claim["verdict"] != "supported"


def test_holding_an_office_is_not_taking_part() -> None:
    """Stalin held an office in 1921: that does not make the NEP his. What says it was not
    is the leader check (Lenin led the state when it began), never the office."""
    (claim,) = about("In 1921 Stalin introduced the New Economic Policy.",
                     "new_economic_policy")
    assert details(claim).get("actor:Stalin") != "agrees"
    assert claim["verdict"] == "contradicted" and "Lenin led" in claim["correction"]


def test_a_later_member_is_wrong_among_the_makers_and_right_as_one_who_joined() -> None:
    (made,) = about("In 1936 Germany and Italy signed the Anti-Comintern Pact.",
                    "anti_comintern_pact")
    assert made["verdict"] == "contradicted"
    assert "Italy joined only on 6 November 1937" in made["correction"]
    joined = about("Italy joined the Anti-Comintern Pact in 1937.", "anti_comintern_pact")
    assert all(c["verdict"] != "contradicted" for c in joined)


@pytest.mark.parametrize("text, status", [
    ("Stalin announced socialism in one country.", "agrees"),
    ("Stalin and Bukharin put forward socialism in one country.", "agrees"),
    # one of its known opponents given as its author
    ("Trotsky proposed socialism in one country.", "contradicts"),
    # an author the knowledge does not list: not known to be wrong
    ("Molotov announced socialism in one country.", "unchecked"),
])
def test_a_doctrine_has_an_author(text: str, status: str) -> None:
    (claim,) = about(text, "socialism_in_one_country")
    name = text.split()[0]
    assert details(claim)[f"actor:{name}"] == status


def test_opposing_a_doctrine_is_not_authoring_it() -> None:
    from .helpers import claims_of

    assert [c for c in claims_of("Trotsky attacked socialism in one country.")
            if c["verdict"] == "contradicted"] == []


def test_doers_a_trigger_accepts_are_its_parties() -> None:
    (claim,) = about("Britain, France and Japan helped the Whites.", "allied_intervention")
    assert claim["verdict"] == "supported"
    assert set(details(claim).values()) == {"agrees"}


@pytest.mark.parametrize(("text", "subject", "verdict"), [
    # a purpose clause's doers and time are its sender's, however the list is parsed
    ("In 1919 the USA, Britain and Japan dispatched men to aid the White armies.",
     "allied_intervention", "supported"),
    ("In 1930 France sent soldiers to assist the Whites.", "allied_intervention",
     "contradicted"),
    # the verb's own words (the troops it sent, where to) are not something else it acts on
    ("During the Civil War, Japan and the USA sent troops to Russia.", "allied_intervention",
     "supported"),
    # the side students name for the Republic
    ("From 1936 the Soviet Union backed the Spanish Republicans.",
     "soviet_aid_to_spanish_republic", "supported"),
])
def test_who_sent_help_took_part(text: str, subject: str, verdict: str) -> None:
    (claim,) = about(text, subject)
    assert claim["verdict"] == verdict, claim["details"]
    assert all(d["status"] == "agrees" for d in claim["details"] if d["slot"] == "parties")


def test_a_sender_the_trigger_does_not_accept_names_no_intervention() -> None:
    assert not [c for c in claims_of("In 1919 Germany sent troops to help the Whites.")
                if c["subject"] == "allied_intervention"]


@pytest.mark.parametrize("text", [
    # the verb also acts on something the trigger did not check
    "France and Britain declared war on both Germany and the Soviet Union.",
    # denied: not a claim that they took part
    "Germany would not attack the USSR.",
])
def test_no_party_is_confirmed_for_what_was_not_checked(text: str) -> None:
    """No ✓ (a war declared on the USSR is corrected as something that never happened)."""
    from .helpers import claims_of

    assert [c for c in claims_of(text) if c["verdict"] == "supported"] == []


@pytest.mark.parametrize("text, verdict", [
    # the state a land is taken from takes part in the taking
    ("In 1940 the USSR seized Bessarabia from Hungary.", "contradicted"),
    ("In June 1940 the USSR took Bessarabia from Romania.", "supported"),
])
def test_the_state_a_land_is_taken_from(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in claims_of(text)] == [verdict]


def test_a_state_taken_from_in_a_clause_the_claim_reaches_is_its_detail() -> None:
    """The date in the relative clause is the taking's; so is the state it names, which
    nothing checked here: no ✓ over it."""
    for text in ("In 1940 the USSR gained eastern Poland, the Baltic states, and Bessarabia, "
                 "which it seized from Bulgaria in 1940.",
                 "The USSR gained Bessarabia, which it seized from Bulgaria in 1940."):
        at = text.index("Bulgaria")
        assert not [c for c in claims_of(text)
                    if c["start"] <= at < c["end"] and c["verdict"] == "supported"]


@pytest.mark.parametrize("text, verdict", [
    # 'it', signed, is the one agreement the sentence before names
    ("In August 1939 the Nazi-Soviet Pact shocked Europe. It was signed by Litvinov and "
     "Ribbentrop in Moscow.", "contradicted"),
    ("In August 1939 the Nazi-Soviet Pact shocked Europe. It was signed by Molotov and "
     "Ribbentrop in Moscow.", "supported"),
    ("The Treaty of Brest-Litovsk ended the war with Germany in March 1918. Trotsky signed it "
     "for Russia.", "contradicted"),
])
def test_a_signed_it_is_the_agreement_before(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in claims_of(text) if c["start"] > text.index(".")] == [verdict]


@pytest.mark.parametrize("text, verdict", [
    # or the one event its own sentence names before it, when 'it' opens a clause of its own
    ("In 1922 the USSR made the Treaty of Rapallo with Germany, and it was signed by "
     "Litvinov.", "contradicted"),
    ("In 1922 the USSR made the Treaty of Rapallo with Germany, it was signed by Chicherin.",
     "supported"),
])
def test_a_signed_it_in_the_next_clause_is_the_agreement_before(text: str, verdict: str) -> None:
    at = text.index(" it ")
    assert [c["verdict"] for c in claims_of(text) if c["start"] > at] == [verdict]


@pytest.mark.parametrize("text", [
    # two events before it in its sentence, or one that is no agreement: not guessed
    "Germany invaded Poland after the Nazi-Soviet Pact, and it was signed by Molotov.",
    "The Winter War began in 1939, and it was signed by Molotov.",
])
def test_an_it_after_other_events_is_not_an_agreement(text: str) -> None:
    at = text.index(" it ")
    assert not [c for c in claims_of(text) if c["start"] > at]


@pytest.mark.parametrize("text", [
    # two agreements before it, or none: 'it' is not guessed
    "Germany signed the Treaty of Berlin, which renewed the Treaty of Rapallo. It was signed "
    "by Molotov.",
    "Britain and France guaranteed Poland. It was signed by Halifax.",
    # another paragraph
    "The Nazi-Soviet Pact shocked Europe.\n\nIt was signed by Litvinov.",
])
def test_an_unclear_it_is_not_an_agreement(text: str) -> None:
    assert not [c for c in claims_of(text) if c["start"] > text.index(".")]


@pytest.mark.parametrize("text, verdict", [
    # what an agreement is said to be: "a deal between A and B"
    ("The Nazi-Soviet Pact was a deal between Germany and Italy.", "contradicted"),
    ("In August 1939 the Nazi-Soviet Pact shocked Europe. It was a deal between Italy, "
     "Italy and the USSR.", "contradicted"),
    ("In August 1939 the Nazi-Soviet Pact shocked Europe. It was a deal between Germany and "
     "the USSR.", "supported"),
])
def test_a_deal_between_names_the_parties(text: str, verdict: str) -> None:
    assert verdicts_of(text, "party") == [verdict]


@pytest.mark.parametrize("text, subject", [
    ("Early in May 1935 Moscow put its name to a treaty of mutual assistance with France.",
     "franco_soviet_pact"),
    ("In April 1922 Berlin and Moscow signed the Treaty of Rapallo.",
     "treaty_of_rapallo"),
])
def test_a_capital_that_acts_is_its_government(text: str, subject: str) -> None:
    claims = about(text, subject)
    assert any(c["verdict"] == "supported" for c in claims), claims
    capital = "Moscow" if "Moscow put" in text else "Berlin"
    assert any(details(c).get(f"parties:{capital}") == "agrees" for c in claims)


def test_a_capital_is_never_a_reason_to_call_a_party_wrong() -> None:
    claims = about("In August 1939 Rome signed the Nazi-Soviet Pact.", "nazi_soviet_pact")
    assert all(details(c).get("parties:Rome") != "contradicts" for c in claims)


@pytest.mark.parametrize("text, verdict", [
    ("At the Munich Conference in September 1938, Germany, France, the Soviet Union and "
     "Britain agreed to hand over the Sudetenland.", "contradicted"),
    ("At the Munich Conference in September 1938, Germany, France, Italy and Britain "
     "agreed to hand over the Sudetenland.", "supported"),
])
def test_who_agreed_at_a_conference_took_part_in_it(text: str, verdict: str) -> None:
    party = [c for c in about(text, "munich_agreement") if "party" in c["kinds"]]
    assert party and party[0]["verdict"] == verdict, party


@pytest.mark.parametrize(("text", "verdict"), [
    # a right year does not make the wrong leader right
    ("Stalin introduced the New Economic Policy in March 1921.", "contradicted"),
    ("In 1921 Lenin introduced the New Economic Policy.", "supported"),
])
def test_the_leader_who_began_a_policy_is_checked_beside_its_date(text: str,
                                                                  verdict: str) -> None:
    found = about(text, "new_economic_policy")
    assert verdict in {c["verdict"] for c in found}
    if verdict == "contradicted":
        (wrong,) = [c for c in found if c["verdict"] == "contradicted"]
        assert "Lenin" in wrong["correction"] and "Stalin" in wrong["correction"]


@pytest.mark.parametrize(("text", "verdict"), [
    # ending a policy belongs to the leader in whose time it ended, not began
    ("Stalin abolished the New Economic Policy.", "supported"),
    ("In 1928 Stalin scrapped the New Economic Policy.", None),
    ("Lenin abandoned the New Economic Policy.", "contradicted"),
    # keeping it going: any leader while it lasted
    ("Stalin continued the New Economic Policy for a few years.", "supported"),
])
def test_a_leader_who_ended_or_kept_a_policy_is_checked_against_when_it_ended_or_lasted(
        text: str, verdict: str | None) -> None:
    verdicts = {c["verdict"] for c in claims_of(text)
                if c["subject"] == "new_economic_policy"}
    assert "contradicted" not in verdicts if verdict != "contradicted" else verdicts
    if verdict is not None:
        assert verdict in verdicts


@pytest.mark.parametrize("text, verdict", [
    # the foreign minister of a signing state at the time may stand for its signature:
    # never called wrong (nor ticked); anyone else not among the signers is wrong
    ("In May 1935 Litvinov signed a pact with France.", "unverifiable"),
    ("Molotov signed the Franco-Soviet pact in 1935.", "contradicted"),
    ("Litvinov signed the Nazi-Soviet Pact in 1939.", "contradicted"),
])
def test_a_foreign_minister_may_stand_for_the_signature(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in claims_of(text) if "actor" in {
        d["slot"] for d in c["details"]}] == [verdict]


@pytest.mark.parametrize("text, verdict", [
    # who did not sign may have negotiated: only signing is contradicted
    ("Trotsky negotiated at Brest-Litovsk in early 1918 before resigning.", "unverifiable"),
    ("Trotsky negotiated the Treaty of Brest-Litovsk.", "unverifiable"),
    ("Trotsky signed the Treaty of Brest-Litovsk in March 1918.", "contradicted"),
])
def test_negotiating_is_not_signing(text: str, verdict: str) -> None:
    assert {c["verdict"] for c in claims_of(text)} == {verdict}


@pytest.mark.parametrize("text, subject, verdict", [
    # "Hitler's foreign minister" is the man who served Hitler, not Hitler
    ("Ribbentrop was Hitler's foreign minister in 1939.", "ribbentrop", "supported"),
    ("Litvinov was Stalin's foreign commissar in 1935.", "litvinov", "supported"),
    # a post or office of someone's is theirs
    ("Stalin's post as General Secretary gave him power from 1922.", "stalin", "supported"),
])
def test_a_possessive_before_a_title_is_whom_it_served(text: str, subject: str,
                                                       verdict: str) -> None:
    assert [(c["subject"], c["verdict"]) for c in claims_of(text)] == [(subject, verdict)]


@pytest.mark.parametrize(("text", "verdict"), [
    # the invited took part; one left out of a complete list of parties took no part
    ("The Soviet Union was not invited to the Munich Conference.", "supported"),
    ("Hitler met Chamberlain at Munich. The USSR was not even invited to the conference.",
     "supported"),
    ("The USSR was invited to the Munich Conference.", "contradicted"),
    ("Britain was not invited to the Munich Conference.", "contradicted"),
])
def test_who_was_invited_took_part(text: str, verdict: str) -> None:
    (claim,) = [c for c in claims_of(text) if c["subject"] == "munich_agreement"
                and "party" in c["kinds"]]
    assert claim["verdict"] == verdict


def test_refusing_to_join_is_not_confirmed_by_a_list_of_parties() -> None:
    """"refused to join" also says the state was asked, which nothing checks."""
    claims = claims_of("The USSR refused to join the Munich Conference.")
    assert "supported" not in [c["verdict"] for c in claims if "party" in c["kinds"]]
