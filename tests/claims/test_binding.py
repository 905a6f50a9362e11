"""A detail is checked only against the thing the clause's grammar makes it about; what
states nothing is not checked at all."""

from __future__ import annotations

import pytest

from .helpers import about, claims_of, details, verdicts_of


def wrong(text: str) -> list[dict]:
    return [c for c in claims_of(text) if c["verdict"] == "contradicted"]


@pytest.mark.parametrize("text", [
    # a question or a heading
    "Why did the USSR sign the Treaty of Rapallo in 1925?",
    "Rapallo and Locarno, 1925",
    # a year in a citation
    "Rapallo broke the USSR's isolation (Carr, 1953).",
    "Rapallo broke the USSR's isolation [Kennan 1960: 12].",
    # listed beside the event, not its date
    "The key moments were 1927 and the Treaty of Rapallo.",
    # the other end of a span that starts with the event
    "From Rapallo to the summer of 1936 Germany was the USSR's main partner.",
    # another clause's date
    "Rapallo was a success, whereas in 1927 relations with Britain collapsed.",
    # the noun the date hangs on
    "Rapallo mattered more than the trade talks of 1925.",
    "Rapallo mattered more than Britain's election in October 1924.",
    # what became of the event later
    "The Treaty of Rapallo was renewed in 1926.",
    "The Nazi-Soviet Pact failed in June 1941.",
    # ... even written straight after the agreement's name
    "Hitler broke the Nazi-Soviet Pact in June 1941.",
    "On 28 November 1939 the USSR renounced the Soviet-Polish Non-Aggression Pact.",
    "The French Chamber ratified the Franco-Soviet Pact in February 1936.",
])
def test_nothing_is_called_wrong(text: str) -> None:
    assert wrong(text) == []


def test_a_count_counts_a_thing_of_its_own() -> None:
    assert wrong("The USSR joined the League of Nations in 1934 and had twelve years of "
                 "diplomacy behind it.") == []


def test_the_date_of_the_event_itself_is_still_checked() -> None:
    (claim,) = wrong("The Treaty of Rapallo was signed in 1925.")
    assert "16 April 1922" in claim["correction"]


@pytest.mark.parametrize("text", [
    # a citation with the book's title inside the brackets
    "Rapallo ended the isolation [Carr, The Bolshevik Revolution, 1953].",
    # a loss is not the size of a force
    "In the Winter War the Red Army lost 40 tanks on one day.",
    # an event named only by its kind and one side is a guess
    "In 1935 the USSR signed an alliance with France.",
])
def test_nothing_is_called_wrong_either(text: str) -> None:
    assert wrong(text) == []


@pytest.mark.parametrize(("text", "verdict"), [
    # a campaign's own verb dates its first day; a month may run into its first week
    ("The Red Army invaded Finland in December 1939.", "supported"),
    ("The Red Army invaded Finland in February 1940.", "contradicted"),
    ("The Red Army invaded Finland on 3 December 1939.", "contradicted"),
])
def test_an_invasion_is_dated_by_its_start(text: str, verdict: str) -> None:
    found = [c for c in claims_of(text) if c["subject"] == "winter_war"]
    assert [c["verdict"] for c in found] == [verdict]


def test_a_date_never_binds_across_lines_or_paragraphs() -> None:
    claims = claims_of("The key treaty years were listed as follows, 1941\n\n"
                       "Stalin and the Nazi-Soviet Pact were the climax.")
    assert all(c["verdict"] != "contradicted" for c in claims)
    assert all("\n" not in c["text"] for c in claims)


def test_dates_in_a_row_bind_to_nothing() -> None:
    assert wrong("Munich, Rapallo 1938 1939 were turning points.") == []


def test_a_word_salad_states_nothing() -> None:
    assert claims_of("Stalin Hitler pact pact signed signed in Berlin 1941.") == []


@pytest.mark.parametrize(("text", "verdict"), [
    ("The pact did not last, since on 22 June 1941 Germany attacked the USSR.", "supported"),
    ("The pact did not last, since on 22 June 1940 Germany attacked the USSR.",
     "contradicted"),
])
def test_a_date_opening_a_clause_dates_that_clause(text: str, verdict: str) -> None:
    """The parser may hang a date that opens a clause on the clause before; followed only by
    the subject of the verb naming an event, it is that event's date."""
    dated = [c for c in claims_of(text) if c["kind"] == "date"]
    assert [c["verdict"] for c in dated] == [verdict]


@pytest.mark.parametrize(("text", "verdict"), [
    ("In March 1939 Germany occupied the remainder of Czechoslovakia.", "supported"),
    ("Hitler seized the rest of Czechoslovakia in 1937.", "contradicted"),
])
def test_the_rest_of_a_state_is_that_state(text: str, verdict: str) -> None:
    """"occupied the rest of X": the verb's object is X, for naming the event."""
    assert [c["verdict"] for c in claims_of(text) if c["kind"] == "date"] == [verdict]


@pytest.mark.parametrize("text, verdict", [
    # a trigger's object word: "seized power", "came to power"
    ("Lenin's party seized power in Petrograd in 1917, and the Bolsheviks took power "
     "in November 1917.", "supported"),
    ("The Bolsheviks seized power in 1919.", "contradicted"),
    # "declared war on X": X is the one acted on
    ("Britain and France declared war on Germany on 3 September 1939.", "supported"),
    ("France and Britain declared war on Germany in 1938.", "contradicted"),
    # the same words name the declaration of 1914 too: either year is right
    ("Britain declared war on Germany in 1914.", "supported"),
])
def test_idioms_name_their_event(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}


def test_a_trigger_word_must_be_there() -> None:
    """"seized Kazan" is not "seized power"."""
    assert claims_of("The Bolsheviks seized Kazan in 1919.") == []


def test_a_place_on_the_verbs_object_can_agree() -> None:
    """"seized power in Petrograd": the place hangs on "power", the verb's object."""
    (claim,) = claims_of("The Bolsheviks seized power in Petrograd in November 1917.")
    assert claim["verdict"] == "supported"
    assert {(d["slot"], d["status"]) for d in claim["details"]} >= {("place", "agrees")}


@pytest.mark.parametrize("text", [
    # the office is part of the event's own name
    "In January 1933 Hitler's appointment as Chancellor alarmed Moscow.",
    # the one person named held the office on the event's day
    "Chicherin, the foreign commissar, signed the Treaty of Rapallo in 1922.",
])
def test_an_office_the_clause_gives_is_checked_against_the_event_day(text: str) -> None:
    claims = claims_of(text)
    assert claims and all(c["verdict"] == "supported" for c in claims)


@pytest.mark.parametrize("text, verdict", [
    # the same verb again with its object left out has the first one's object
    ("In 1939 Germany invaded Poland from the west, and then the Red Army invaded on "
     "17 September 1939.", "supported"),
    ("In 1939 Germany invaded Poland from the west, and then the Red Army invaded on "
     "17 October 1939.", "contradicted"),
])
def test_a_left_out_object_is_the_one_before(text: str, verdict: str) -> None:
    dated = [c for c in claims_of(text) if "17" in c["text"]]
    assert [c["verdict"] for c in dated] == [verdict]


def test_a_purpose_clause_has_the_senders_subject() -> None:
    """"Britain sent troops to help the Whites": Britain helped."""
    (claim,) = claims_of("Britain sent troops to help the Whites in 1930.")
    assert claim["verdict"] == "contradicted"


@pytest.mark.parametrize("text, verdict", [
    # "at the time": the time of what the person does in the main clause
    ("In 1934 Molotov, who was the foreign commissar at that time, led the USSR into the "
     "League.", "contradicted"),
    ("In 1934 Litvinov, who was the foreign commissar at that time, led the USSR into the "
     "League.", "supported"),
    # a title several offices share means the one the person held
    ("Litvinov, who was foreign minister at the time, spoke at Geneva in 1936.", "supported"),
])
def test_an_office_held_at_the_time_of_the_deed(text: str, verdict: str) -> None:
    offices = [c for c in claims_of(text) if c["kind"] == "office"]
    assert [c["verdict"] for c in offices] == [verdict]


@pytest.mark.parametrize("text, verdict", [
    # a title given to someone doing a dated event is claimed for the event's days
    ("Walther Rathenau, then German Chancellor, signed the Treaty of Rapallo with Chicherin.",
     "contradicted"),
    ("Walther Rathenau, then German Foreign Minister, signed the Treaty of Rapallo.",
     "supported"),
    ("Eden, the Foreign Secretary, accompanied Chamberlain to the Munich Conference.",
     "contradicted"),
    ("Lord Halifax, the Foreign Secretary, was kept away from the Munich Conference.",
     "supported"),
    # an office with no full list of holders: another holder cannot be named
    ("Litvinov, the Soviet delegate to the League of Nations, signed the Treaty of Rapallo.",
     "unverifiable"),
])
def test_an_office_at_the_time_of_the_event_acted_in(text: str, verdict: str) -> None:
    assert verdicts_of(text, "office") == [verdict]


@pytest.mark.parametrize("text, verdict", [
    # a title several states share means the person's own country's office
    ("In 1938 Prime Minister Halifax wanted to avoid war.", "contradicted"),
    ("In 1938 Prime Minister Chamberlain wanted to avoid war.", "supported"),
    ("In 1939 Prime Minister Daladier wanted to avoid war.", "supported"),
])
def test_a_shared_title_is_the_office_of_the_persons_country(text: str, verdict: str) -> None:
    (office,) = [c for c in claims_of(text) if c["kind"] == "office"]
    assert office["verdict"] == verdict
    if verdict == "contradicted":  # he never held it: the office is wrong, not the year
        assert {d["slot"]: d["status"] for d in office["details"]} == {
            "time": "unchecked", "office": "contradicts"}
        assert "Chamberlain" in office["correction"]


@pytest.mark.parametrize("text, verdict", [
    # the object left out: any event of that doer and verb may be meant
    ("Germany invaded on 22 June 1941.", "supported"),
    ("The USSR joined in September 1934.", "supported"),
    # a date that fits none is not called wrong: which was meant is a guess
    ("Germany invaded in 1923.", "unverifiable"),
    ("The USSR joined in 1936.", "unverifiable"),
])
def test_a_verb_without_its_object(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in claims_of(text)] == [verdict]


def test_a_wished_deed_without_its_object_is_no_claim() -> None:
    assert claims_of("Germany wanted to invade in 1940.") == []


@pytest.mark.parametrize("text, verdict", [
    # a name in apposition is the verb's argument too
    ("London police raided Arcos, the Soviet trade company, in 1927.", "supported"),
    ("London police raided Arcos, the Soviet trade company, in 1929.", "contradicted"),
    # "turned on the Communists": the object of the particle is the trigger's word
    ("In April 1927, in Shanghai, Chiang Kai-shek turned on the communists.", "supported"),
    ("By the summer of 1920 the Red Army was advancing towards Warsaw.", "supported"),
])
def test_what_a_verb_acts_on(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}


@pytest.mark.parametrize("text, verdict", [
    # "walked out of X": X is what was left
    ("Japan pulled out of the League in 1933.", "supported"),
    ("Germany stormed out of the League in 1935.", "contradicted"),
    # left out, with the doer a trigger names
    ("Germany left in 1933.", "supported"),
])
def test_walking_out_of_something(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in claims_of(text)] == [verdict]


@pytest.mark.parametrize("text, verdict", [
    # a participle after the event's name and a comma is said of the event
    ("Poland and Russia made peace in the Treaty of Riga, signed on 18 March 1920.",
     "contradicted"),
    ("Poland and Russia made peace in the Treaty of Riga, signed on 18 March 1921.",
     "supported"),
    ("The Treaty of Rapallo, agreed in 1923, shocked the West.", "contradicted"),
])
def test_a_participle_after_the_name_dates_the_event(text: str, verdict: str) -> None:
    assert verdicts_of(text, "date") == [verdict]


@pytest.mark.parametrize("text, verdict", [
    # a bracketed year after an event's name is its date, not a citation
    ("Relations were renewed by the Treaty of Berlin (1929), which extended Rapallo.",
     "contradicted"),
    ("Then came the Treaty of Berlin (1926).", "supported"),
])
def test_a_bracketed_year_after_an_event_is_its_date(text: str, verdict: str) -> None:
    assert verdicts_of(text, "date") == [verdict]


def test_a_bracketed_year_after_a_writer_is_still_a_citation() -> None:
    assert claims_of("Haslam (1984) disagrees with Carr (1979) about the pact.") == []


@pytest.mark.parametrize("text, verdict", [
    # offices with one holder at a time whose holders the knowledge lists (Japan's premier,
    # the American president, Italy's and Poland's foreign ministers)
    ("Matsuoka, the Japanese Prime Minister, was in Moscow in April 1941 to sign a treaty.",
     "contradicted"),
    ("In 1938 Prince Konoe, the Japanese Prime Minister, feared the USSR.", "supported"),
    ("In 1920 Herbert Hoover, the American President, sent food to Russia.", "contradicted"),
    ("In 1935 Ciano, the Italian Foreign Minister, attacked the League.", "contradicted"),
    ("In 1938 Jozef Beck, the Polish Foreign Minister, distrusted the Soviets.", "supported"),
])
def test_a_one_holder_office_of_another_state(text: str, verdict: str) -> None:
    assert verdicts_of(text, "office") == [verdict]


@pytest.mark.parametrize("text, verdict", [
    # the first holder of an organisation's one-holder office
    ("Lenin hoped for revolution in Europe, so the Comintern was created in 1919, its first "
     "leader was Trotsky and it met in Moscow.", "contradicted"),
    ("In 1919 Lenin founded the Comintern to spread revolution. Zinoviev was its first "
     "chairman.", "supported"),
    ("Stalin was the first chairman of the Comintern.", "contradicted"),
])
def test_the_first_holder_of_an_organisations_office(text: str, verdict: str) -> None:
    assert verdicts_of(text, "office") == [verdict]


@pytest.mark.parametrize("text", [
    # 'its' with two organisations to choose from, or none with a one-holder office
    "The Bolsheviks and the Comintern worked together. Trotsky was its first chairman.",
    "The NKVD grew fast under Yagoda. Yezhov was its first chief.",
])
def test_an_unclear_first_holder_is_not_checked(text: str) -> None:
    assert "contradicted" not in verdicts_of(text, "office")


@pytest.mark.parametrize("text, verdict", [
    # a relative clause with 'which' as its subject is said of the event it hangs on
    ("Hitler's Anschluss with Austria, which came soon after the Munich Agreement, alarmed "
     "Stalin.", "contradicted"),
    ("The Winter War against Finland, which happened before the Nazi-Soviet Pact, showed the "
     "Red Army's weakness.", "contradicted"),
    ("The Winter War, which began after the Nazi-Soviet Pact, showed the Red Army's "
     "weakness.", "supported"),
])
def test_a_which_clause_orders_the_event_it_hangs_on(text: str, verdict: str) -> None:
    assert verdicts_of(text, "sequence") == [verdict]


@pytest.mark.parametrize("text, verdict", [
    # every holder of a one-holder office the knowledge names has their term listed
    ("In 1926 Tukhachevsky, Chief of the General Staff, planned to modernise the army.",
     "supported"),
    ("In June 1937 Tukhachevsky, the Chief of the General Staff, was shot.", "contradicted"),
])
def test_a_one_holder_office_lists_all_its_holders(text: str, verdict: str) -> None:
    assert verdicts_of(text, "office") == [verdict]


def test_a_timeline_entry_is_a_sentence_of_its_own() -> None:
    """A line after a heading, "YEAR - what happened", is not joined to the heading and the
    paragraph break ends the heading's sentence."""
    text = ("Key dates:\n1921 - The Comintern was set up in Moscow.\n"
            "1926 - Germany and the USSR signed the Treaty of Berlin.")
    assert verdicts_of(text, "date") == ["contradicted", "supported"]


@pytest.mark.parametrize("text", [
    # the date is the saying's, not the event's
    "In 1961 Taylor called the Nazi-Soviet Pact a defensive move.",
    "In 1965 Deutscher described the Treaty of Rapallo as a masterstroke.",
])
def test_a_date_on_a_saying_is_not_the_events(text: str) -> None:
    assert "contradicted" not in verdicts_of(text, "date")


def test_another_name_in_brackets_is_not_a_view() -> None:
    text = ("In 1939 Germany and the USSR signed the Molotov-Ribbentrop Pact (also called the "
            "Nazi-Soviet Pact).")
    assert verdicts_of(text, "date") == ["supported"]


@pytest.mark.parametrize("text, verdict", [
    ("In July 1936 the Spanish Civil War broke out.", "supported"),
    ("The Winter War broke out in the autumn of 1941.", "contradicted"),
])
def test_a_war_that_broke_out_began_then(text: str, verdict: str) -> None:
    dated = [c for c in claims_of(text) if "time" in {d["slot"] for d in c["details"]}]
    assert dated and dated[0]["verdict"] == verdict, dated


@pytest.mark.parametrize("text, verdict", [
    ("In 1935 the Comintern instructed foreign communists to build Popular Fronts.",
     "supported"),
    ("In 1930 the Comintern told the French communists to join a Popular Front.",
     "contradicted"),
])
def test_the_makers_directive_dates_its_policy(text: str, verdict: str) -> None:
    assert verdicts_of(text, "date") == [verdict]


def test_someone_elses_order_does_not_date_the_policy() -> None:
    # the date is when Trotsky said it, whatever it was worth
    assert verdicts_of("In 1930 Trotsky told communists to form Popular Fronts.", "date") == []


@pytest.mark.parametrize("text, verdict", [
    ("In May 1939 Molotov took over from Litvinov at the Narkomindel.", "supported"),
    ("Litvinov took over from Chicherin in 1926.", "contradicted"),
])
def test_taking_over_from_someone_is_succeeding_them(text: str, verdict: str) -> None:
    found = [c for c in claims_of(text) if c["verdict"] != "unverifiable"]
    assert found and all(c["verdict"] == verdict for c in found), found


def test_taking_something_else_from_someone_is_not() -> None:
    assert claims_of("In 1937 Stalin took advice from Litvinov.") == []


@pytest.mark.parametrize("text, verdict", [
    ("On 23 August 1939 Ribbentrop arrived in Moscow.", "supported"),
    ("Late in September 1939 Ribbentrop came to Moscow again.", "supported"),
    ("Hitler sent Ribbentrop to Moscow in June 1939.", "contradicted"),
    ("Ribbentrop flew to Moscow two days after Litvinov was dismissed.", "contradicted"),
])
def test_ribbentrops_journeys_to_moscow(text: str, verdict: str) -> None:
    found = [c for c in claims_of(text) if c["verdict"] != "unverifiable"]
    assert found and found[0]["verdict"] == verdict, found


@pytest.mark.parametrize("text", [
    # true of the 1924 recognition, not of the 1921 trade agreement the verb may also mean
    "Britain recognised the USSR soon after Lenin died.",
    "Britain recognised the USSR a few days after Lenin's death.",
])
def test_an_order_true_of_one_reading_of_the_verb_is_never_wrong(text: str) -> None:
    assert all(c["verdict"] != "contradicted" for c in claims_of(text)), claims_of(text)


def test_an_order_wrong_for_every_reading_is_still_wrong() -> None:
    found = claims_of("Britain recognised the USSR four years after Lenin died.")
    assert any(c["verdict"] == "contradicted" for c in found)


def test_giving_recognition_is_recognising() -> None:
    assert verdicts_of("In 1930 France gave diplomatic recognition to the USSR.",
                       "date") == ["contradicted"]


def test_a_wrong_order_is_corrected_with_the_reading_nearest_what_was_said() -> None:
    # "a year before": the 1924 recognition (11 days after) is nearer than the 1921
    # trade agreement (three years before) the verb may also mean
    (claim,) = [c for c in claims_of("Britain recognised the USSR in February 1924, a "
                                     "year before Lenin died.") if c["kind"] == "sequence"]
    assert claim["verdict"] == "contradicted"
    assert claim["correction"].startswith("Britain recognised the USSR de jure on 1 February")


def test_taking_over_something_else_from_someone_is_another_deed() -> None:
    assert all(c["verdict"] != "contradicted" for c in
               claims_of("In 1935 Molotov took over the trade talks from Litvinov."))


@pytest.mark.parametrize("text, verdict", [
    # Barbarossa began on 22 June 1941; the drive on Moscow only at the end of September
    ("Hitler opened Operation Typhoon on 22 June 1941.", "contradicted"),
    ("Early in October 1941 Operation Typhoon brought the Germans towards Moscow.",
     "supported"),
])
def test_the_drive_on_moscow_is_not_barbarossa(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


@pytest.mark.parametrize("text, verdict", [
    ("Litvinov spoke for collective security. In May 1939 he was dismissed.", "supported"),
    ("Trotsky argued for permanent revolution. In 1931 he was deported from the USSR.",
     "contradicted"),
])
def test_he_is_the_one_person_the_sentence_before_names(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


def test_he_after_two_people_is_left_alone() -> None:
    found = claims_of("Stalin distrusted Litvinov and Chicherin. In 1937 he was dismissed.")
    assert all(c["verdict"] != "contradicted" for c in found)


@pytest.mark.parametrize("text, verdict", [
    # 'he' as a subject continues the only person its sentence has named
    ("Trotsky lost the argument, and in January 1929 he was deported from the USSR.",
     "supported"),
    ("Trotsky lost the argument, and in 1931 he was deported from the USSR.", "contradicted"),
    # 'him' is never its own verb's subject: the other person named
    ("Stalin outmanoeuvred Trotsky and threw him out of the USSR in 1929.", "supported"),
    ("Stalin outmanoeuvred Trotsky and threw him out of the USSR in 1932.", "contradicted"),
])
def test_a_pronoun_stands_for_the_one_person_it_can_be_in_its_sentence(
        text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


@pytest.mark.parametrize("text", [
    "Lenin appointed Trotsky, and in 1931 he was deported from the USSR.",
    "Stalin admired Kirov, and he was murdered in 1929.",
])
def test_a_pronoun_with_two_people_before_it_is_left_alone(text: str) -> None:
    assert all(c["verdict"] != "contradicted" for c in claims_of(text)), claims_of(text)


@pytest.mark.parametrize("text, verdict", [
    # the same verb names the expulsion from the Party (1927) and the deportation (1929);
    # "from the USSR" says which
    ("In 1929 Trotsky was expelled from the USSR.", "supported"),
    ("In 1927 Trotsky was expelled from the USSR.", "contradicted"),
    # said without where from, either is meant: neither date is wrong
    ("In 1927 Trotsky was expelled.", "supported"),
    ("In 1929 Trotsky was expelled.", "supported"),
])
def test_where_from_picks_among_the_events_one_verb_names(text: str, verdict: str) -> None:
    assert {c["verdict"] for c in claims_of(text)} == {verdict}, claims_of(text)


@pytest.mark.parametrize("text, verdict", [
    # a clause of time is stated as fact even when the main clause says something failed
    ("In the end the pact failed when Germany invaded on 22 June 1941.", "supported"),
    ("In the end the pact failed when Germany invaded on 22 June 1942.", "unverifiable"),
])
def test_a_clause_of_time_is_a_fact_whatever_its_main_verb(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


def test_a_deed_hoped_for_is_not_stated() -> None:
    assert claims_of("Stalin hoped that Germany would invade Britain in 1941.") == [] or all(
        c["verdict"] != "contradicted" for c in claims_of(
            "Stalin hoped that Germany would invade Britain in 1941."))


@pytest.mark.parametrize(("text", "verdict"), [
    # "Name, then the Title, did X": the parser may take the title for the subject; the
    # name is the doer, and the title is claimed for the day of the deed
    ("Eden, at that time the Foreign Secretary, went to Moscow in 1935.", "contradicted"),
    ("Eden, then the Lord Privy Seal, went to Moscow in 1935.", None),
    ("Eden, then the Foreign Secretary, flew to Moscow in 1941.", "supported"),
    ("Ribbentrop, the German Foreign Minister, flew to Moscow in August 1939.", "supported"),
])
def test_a_title_between_commas_is_the_doers_on_the_day_of_the_deed(text: str,
                                                                     verdict: str | None) -> None:
    verdicts = {c["verdict"] for c in claims_of(text)}
    if verdict is None:
        assert "contradicted" not in verdicts
    else:
        assert verdict in verdicts and (verdict == "contradicted") == ("contradicted" in verdicts)


@pytest.mark.parametrize(("text", "verdict"), [
    # a title in a relative clause hung on the name is the name's, whatever else the
    # clause says before it
    ("Stalin, who had crushed the Left and become General Secretary in 1928, ruled alone.",
     "contradicted"),
    ("Chicherin, who knew many languages and was foreign commissar from 1918, went to Genoa.",
     "supported"),
])
def test_a_title_in_a_relative_clause_on_the_name_is_the_names(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}


@pytest.mark.parametrize("text, verdict", [
    # what a giving verb gives "to" is acted on: Soviet arms for the Spanish Republic
    ("The USSR sent tanks and advisers to the Spanish Republic from October 1936.",
     "supported"),
    ("In 1937 Stalin sent more aircraft to Spain.", "supported"),
    ("In 1935 the USSR sent tanks to Spain.", "contradicted"),
    # "the Republic" is Spain's in a sentence or paragraph about Spain
    ("In Spain the USSR sent tanks to the Republic from October 1936.", "supported"),
])
def test_what_is_sent_to_someone_names_the_aid(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


def test_the_republic_without_spain_is_not_spain() -> None:
    assert all(c["verdict"] == "supported" for c in claims_of(
        "The Weimar Republic signed the Treaty of Rapallo with the USSR in 1922."))
    assert claims_of("In 1935 the USSR sent tanks to the Republic.") == []


@pytest.mark.parametrize("text, verdict", [
    ("In April 1939 Litvinov proposed a Triple Alliance of the USSR, Britain and France.",
     "supported"),
    ("In 1937 Litvinov proposed a Triple Alliance with Britain and France.", "contradicted"),
    # the alliance of 1882 is another thing
    ("Germany, Austria-Hungary and Italy signed the Triple Alliance in 1882.", "supported"),
])
def test_the_triple_alliance_is_read_by_its_paragraph(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


@pytest.mark.parametrize("text, verdict", [
    # an army moving "into" a country entered it
    ("The Red Army crossed into eastern Poland on 17 September 1939.", "supported"),
    ("The Red Army crossed into eastern Poland on 1 September 1939.", "contradicted"),
    # 'it' after a sentence whose subject is a thing is the one state that sentence names
    ("The pact left the USSR free to expand. It invaded eastern Poland on 17 September 1939.",
     "supported"),
    ("The pact left the USSR free to expand. It invaded eastern Poland on 1 September 1939.",
     "contradicted"),
])
def test_moving_into_and_it_after_a_thing(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


def test_it_after_two_states_is_left_alone() -> None:
    assert claims_of("The pact alarmed Britain and the USSR. It invaded Poland on 1 September "
                     "1939.") == [] or all(
        c["verdict"] != "contradicted" for c in claims_of(
            "The pact alarmed Britain and the USSR. It invaded Poland on 1 September 1939."))


@pytest.mark.parametrize("text, verdict", [
    # a relative clause's 'he'/'it' is the main clause's doer: its deed is checked too
    ("In 1940 Stalin also took Bessarabia, which he seized from Hungary.", "contradicted"),
    ("The USSR took Bessarabia, which it seized from Romania in 1940.", "supported"),
])
def test_a_relative_clause_with_a_pronoun_doer(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


@pytest.mark.parametrize("text, verdict", [
    # "N years after" + a clause: the main clause is dated from the clause's event
    ("The USSR was expelled from the League in December 1939, five years after it had "
     "joined it.", {"supported"}),
    ("The USSR was expelled from the League in December 1939, two years after it had "
     "joined it.", {"contradicted"}),
    # "expelled" may name the deportation or the expulsion from the Party: an event is
    # not dated by itself, and a distance from a guessed event is not checked
    ("Trotsky was deported two years after he was expelled.", set()),
    ("Trotsky was deported after he was expelled.", {"supported"}),
])
def test_years_after_a_clause(text: str, verdict: set[str]) -> None:
    assert {c["verdict"] for c in claims_of(text) if "sequence" in c["kinds"]} == verdict, \
        claims_of(text)


@pytest.mark.parametrize("text, verdict", [
    # "the pact with X" is the pact just named when X took part in it
    ("The Nazi-Soviet Pact shocked the world. Voroshilov signed the pact with Ribbentrop.",
     "contradicted"),
    ("The Nazi-Soviet Pact shocked the world. Molotov signed the pact with Ribbentrop in "
     "August 1939.", "supported"),
])
def test_the_pact_with_one_who_signed_it_is_the_pact_just_named(text: str,
                                                                verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


def test_the_pact_with_a_state_not_in_it_is_another_pact() -> None:
    found = claims_of("The Anti-Comintern Pact was signed in 1936. Much later Molotov signed "
                      "the pact with France in May 1935.")
    assert all(c["subject"] != "anti_comintern_pact" or c["verdict"] != "contradicted"
               for c in found), found


@pytest.mark.parametrize("text, verdict", [
    # founded "with X as its chairman": X is named its first chairman
    ("The Comintern was founded in 1919 with Trotsky as its chairman.", "contradicted"),
    ("In 1919 the Comintern was set up with Zinoviev as its chairman.", "supported"),
])
def test_founded_with_someone_as_its_chairman(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


def test_as_its_chairman_later_is_not_its_first() -> None:
    assert all(c["verdict"] != "contradicted" for c in claims_of(
        "By 1926 the Comintern worked with Bukharin as its chairman."))


@pytest.mark.parametrize("text, verdict", [
    # a treaty called a pact: the other head when the one written fits nothing
    ("In May 1935 the USSR signed a mutual assistance pact with Czechoslovakia.", "supported"),
    ("In May 1937 the USSR signed a mutual assistance pact with Czechoslovakia.",
     "contradicted"),
    ("In May 1935 the USSR signed mutual assistance pacts with France and Czechoslovakia.",
     "supported"),
])
def test_a_treaty_called_a_pact(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


@pytest.mark.parametrize("text, verdict", [
    # "used it as an excuse to remilitarise": who used the occasion did the deed, so the
    # deed is named and dated
    ("Hitler used the Franco-Soviet pact as an excuse to remilitarise the Rhineland in 1936.",
     "supported"),
    ("Hitler used the Franco-Soviet pact as an excuse to remilitarise the Rhineland in 1938.",
     "contradicted"),
])
def test_the_user_of_an_occasion_is_the_doer(text: str, verdict: str) -> None:
    dated = [c for c in about(text, "rhineland_remilitarisation") if any(
        d["slot"] == "time" and d["stated"].startswith("19") for d in c["details"])]
    assert [c["verdict"] for c in dated] == [verdict]


def test_an_implicit_anchor_keeps_every_reading_of_the_verb() -> None:
    """"Hitler invaded anyway on 22 June 1941, less than two years later": the verb alone
    names each of Hitler's invasions; the order after the pact was checked against the
    first of them only (the Anschluss, before the pact) and called wrong."""
    claims = claims_of("The Nazi-Soviet Pact was signed in August 1939. Hitler invaded "
                       "regardless on 22 June 1941, less than two years later.")
    assert [c["verdict"] for c in claims] == ["supported", "supported"]
    assert claims[1]["subject"] == "operation_barbarossa"


@pytest.mark.parametrize(("day", "verdict"), [("17", "supported"), ("27", "unverifiable")])
def test_a_direction_is_not_what_was_invaded_and_a_day_in_a_sequence_is_checked(
        day: str, verdict: str) -> None:
    """"The Red Army invaded from the east": the east is no object, so the verb names the
    Soviet invasion of the Poland just mentioned; the day inside the interval ("on 27
    September, two weeks later") is a detail of its own, never covered by the interval's
    tick."""
    claims = claims_of("Germany invaded Poland on 1 September 1939. The USSR invaded "
                       f"from the east on {day} September, two weeks later.")
    (soviet,) = [c for c in claims if c["subject"] == "soviet_invasion_of_poland"]
    assert soviet["verdict"] == verdict
    assert details(soviet)[f"time:{day} September"] == (
        "agrees" if verdict == "supported" else "unchecked")


@pytest.mark.parametrize(("text", "subject", "verdict"), [
    # a state's forces act for it, named by its adjective or by its leader
    ("On 22 June 1941 German soldiers attacked the USSR.", "operation_barbarossa", "supported"),
    ("Hitler's forces invaded on 22 June 1941.", "operation_barbarossa", "supported"),
    ("On 17 September 1940 Soviet troops invaded Poland.", "soviet_invasion_of_poland",
     "contradicted"),
])
def test_a_states_forces_do_what_the_state_does(text: str, subject: str, verdict: str) -> None:
    (claim,) = [c for c in claims_of(text) if c["subject"] == subject]
    assert claim["verdict"] == verdict


def test_an_order_no_reading_of_a_bare_verb_fits_is_not_called_wrong() -> None:
    """"Five years later Hitler invaded": which invasion is a guess, and the knowledge need
    not list every one of his (an order none of them fits is left unchecked)."""
    claims = claims_of("The Nazi-Soviet Pact was signed in August 1939. Five years later "
                       "Hitler invaded.")
    assert "contradicted" not in [c["verdict"] for c in claims]


@pytest.mark.parametrize("text", [
    # a name that only describes ("pact with France", "non-aggression pact with Poland")
    # is not the Soviet agreement when another state made it
    "In 1925 Germany signed a pact with France.",
    "In 1921 Poland signed a pact with France.",
    "In 1934 Germany signed a non-aggression pact with Poland.",
    # an agreement made decades before by other sides is not the one described
    "The USSR made an alliance with Germany in 1939.",
    "The USSR made an alliance with Poland in 1932.",
])
def test_an_agreement_described_is_one_the_doer_made(text: str) -> None:
    assert wrong(text) == []


@pytest.mark.parametrize(("text", "verdict"), [
    # when the doer was a side, the description still names it, and its date is checked
    ("The USSR signed a pact with France in 1936.", "contradicted"),
    ("The USSR signed a non-aggression pact with Poland in 1934.", "contradicted"),
    # a treaty of mutual assistance is an alliance
    ("The USSR made an alliance with France in 1935.", "supported"),
    ("In 1935 the Soviets made an alliance with Czechoslovakia.", "supported"),
])
def test_an_agreement_described_by_a_side_is_checked(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in claims_of(text)] == [verdict]
