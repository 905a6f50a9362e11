"""Times: days written without a year are checked in the event's own year; a timeline
entry's heading date dates its line."""

from __future__ import annotations

import pytest

from marker.dates import find_yearless

from .helpers import about, claims_of


@pytest.mark.parametrize(("text", "day"), [
    ("on 3 May he went", "3 May"),
    ("on September 17 they", "September 17"),
    ("on the 1st of September the", "the 1st of September"),
    ("until July 3.", "July 3"),
])
def test_days_without_a_year_are_found(text: str, day: str) -> None:
    assert [d.text for d in find_yearless(text)] == [day]


@pytest.mark.parametrize("text", [
    "on 3 May 1939 he", "March 3, 1918 the", "In May he", "they march 3 miles", "on 31 June"])
def test_dates_with_a_year_or_no_day_are_not_yearless(text: str) -> None:
    assert find_yearless(text) == []


def _dated(text: str) -> list[str]:
    return [c["verdict"] for c in claims_of(text) if c["kind"] == "date"]


@pytest.mark.parametrize(("text", "verdicts"), [
    ("Molotov took over from Litvinov, who was dismissed on 3 May.", ["supported"]),
    ("Litvinov was dismissed on 13 May.", ["contradicted"]),
    ("The Red Army invaded Poland on 1 September.", ["contradicted"]),
    ("Operation Barbarossa began on 22 June.", ["supported"]),
    # a year elsewhere in the sentence and a day: both are times of one frame
    ("In 1939 Litvinov was dismissed on 3 May.", ["supported"]),
    ("In 1939 Litvinov was dismissed on 4 May.", ["contradicted"]),
    # an event over several years: which year is meant is not certain
    ("The Polish-Soviet War began on 25 April.", []),
])
def test_a_day_without_a_year_is_checked_in_the_events_year(text: str,
                                                             verdicts: list[str]) -> None:
    assert _dated(text) == verdicts


@pytest.mark.parametrize("entry, subject", [
    ("1928 - The first Five-Year Plan got under way.", "first_five_year_plan"),
    ("March 1918: Lenin's government put its name to the Treaty of Brest-Litovsk.",
     "treaty_of_brest_litovsk"),
])
def test_a_timeline_entrys_heading_date_dates_its_line(entry: str, subject: str) -> None:
    text = f"Key dates\n\n1922 - Rapallo brought Germany and Russia together.\n{entry}\n"
    (claim,) = [c for c in about(text, subject) if "time" in {d["slot"] for d in c["details"]}]
    assert claim["verdict"] == "supported"


def test_a_wrong_timeline_date_is_corrected() -> None:
    text = "Timeline\n\n1930 - The first Five-Year Plan began.\n"
    claims = about(text, "first_five_year_plan")
    assert any(c["verdict"] == "contradicted" for c in claims)


def test_a_timeline_of_names_alone_dates_each_name() -> None:
    """Entries that are only a name in capitals ("1922 - Treaty of Rapallo") read like
    headings, but beside other dated entries they are a timeline: each dates its event."""
    text = ("Timeline\n\n1922 - Treaty of Rapallo with Germany\n\n1934 - Soviet Entry to "
            "the League\n\n1925 - Treaty of Berlin with Germany\n\n1939 - Nazi-Soviet Pact\n")
    verdicts = {c["subject"]: c["verdict"] for c in claims_of(text)
                if "time" in {d["slot"] for d in c["details"]}}
    assert verdicts["treaty_of_rapallo"] == "supported"
    assert verdicts["nazi_soviet_pact"] == "supported"
    assert verdicts["treaty_of_berlin_1926"] == "contradicted"  # 1926, not 1925


@pytest.mark.parametrize("text", [
    "1941: The End of the Pact\n\nGermany attacked in June.",
    "Soviet Foreign Policy\n\n1939: The Nazi-Soviet Pact\n\nStalin wanted time.",
])
def test_one_dated_heading_alone_states_nothing(text: str) -> None:
    assert not [c for c in claims_of(text) if c["subject"] == "nazi_soviet_pact"]


@pytest.mark.parametrize("text, verdict", [
    # September 1934 to March 1936: eighteen months, but 1936 is two calendar years on
    ("The Soviet Union was admitted to the League of Nations in 1934. Two years later Hitler "
     "remilitarised the Rhineland.", "supported"),
    ("The Soviet Union was admitted to the League of Nations in 1934. Four years later Hitler "
     "remilitarised the Rhineland.", "contradicted"),
])
def test_years_later_may_count_calendar_years(text: str, verdict: str) -> None:
    (claim,) = about(text, "rhineland_remilitarisation")
    assert claim["verdict"] == verdict


@pytest.mark.parametrize(("text", "verdict"), [
    # 'it' acted on is the one organisation named before it in the sentence
    ("In 1934 the USSR entered the League of Nations, a year after Germany quit it.",
     "supported"),
    ("The USSR entered the League of Nations in 1934, a year before Germany quit it.",
     "contradicted"),
])
def test_it_in_an_anchor_clause_is_the_organisation_its_sentence_names(text: str,
                                                                       verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}


def test_an_anchor_named_through_it_is_no_statement_of_its_own() -> None:
    """"in the same year that Germany left it": whether Germany left is not the statement;
    when it left, against the main clause, is (1933, not 1934): no ✓."""
    found = claims_of("The USSR entered the League of Nations in the same year that Germany "
                      "quit it.")
    assert {c["verdict"] for c in found} == {"contradicted"}


@pytest.mark.parametrize("text, subject, verdict", [
    # "the same year as X" / "that X": the year of the event named right after it
    ("The Nazi-Soviet Pact was signed in the same year as the Munich Agreement.",
     "nazi_soviet_pact", "contradicted"),
    ("The Anschluss took place in the same year as the Munich Agreement.", "anschluss",
     "supported"),
    ("The USSR joined the League of Nations in 1934, the same year that Germany left it.",
     "ussr_joins_league", "contradicted"),
])
def test_the_same_year_as_an_event(text: str, subject: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in about(text, subject)}


@pytest.mark.parametrize("text, verdict", [
    # "lasted until X" says when it ended, not a time inside it
    ("The Spanish Civil War lasted until 1939.", "supported"),
    ("The Spanish Civil War lasted until 1941.", "contradicted"),
    ("The Winter War went on until March 1940.", "supported"),
    ("The Winter War went on until June 1940.", "contradicted"),
    # an agreement made on one day ends when the knowledge says it stopped being in force
    ("The Nazi-Soviet Pact lasted until June 1941.", "supported"),
    ("The Nazi-Soviet Pact lasted until 1942.", "contradicted"),
])
def test_lasted_until_is_the_end(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


@pytest.mark.parametrize("text, verdict", [
    # "after 1937" and "by 1937" are bounds at that year, not half a year around it
    ("The Spanish Civil War began after 1937.", "contradicted"),
    ("The Spanish Civil War began after 1935.", "supported"),
    # "was over by" says when it ended
    ("The Spanish Civil War was over by 1937.", "contradicted"),
    ("The Spanish Civil War was over by 1940.", "supported"),
    # a term begun "after 1929" may have begun any time after it
    ("Litvinov became foreign commissar after 1929.", "supported"),
    ("Litvinov became foreign commissar after 1935.", "contradicted"),
])
def test_open_bounds_are_their_year(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in claims_of(text)}, claims_of(text)


@pytest.mark.parametrize("text, subject, verdict", [
    # "the same year", "the following year", "the year before" name calendar years, counted
    # from the one year written or dated in the sentence before
    ("The USSR joined the League of Nations in 1934. Germany had left the League in the "
     "same year.", "germany_leaves_league", "contradicted"),
    ("Germany left the League of Nations in 1933. In the same year Hitler became chancellor.",
     "hitler", "supported"),
    ("Germany left the League of Nations in 1933. The following year Hitler became chancellor.",
     "hitler", "contradicted"),
    ("The USSR joined the League of Nations in September 1934. The following year Kirov was "
     "murdered.", "kirov", "contradicted"),
    ("In 1930 Litvinov replaced Chicherin. In the same year Molotov became premier.",
     "molotov", "supported"),
    ("Hitler became chancellor in January 1933. The year before, Stalin launched the Second "
     "Five-Year Plan.", "second_five_year_plan", "contradicted"),
    ("Hitler became chancellor in January 1933. The year before, Stalin had launched "
     "collectivisation.", "collectivisation", "supported"),
    ("The Munich Agreement was signed in 1938. The following year the Nazi-Soviet Pact was "
     "signed.", "nazi_soviet_pact", "supported"),
    ("The Munich Agreement was signed in 1938. In the same year the Nazi-Soviet Pact was "
     "signed.", "nazi_soviet_pact", "contradicted"),
])
def test_calendar_years_counted_from_the_sentence_before(text: str, subject: str,
                                                         verdict: str) -> None:
    claims = about(text, subject)
    assert verdict in {c["verdict"] for c in claims}
    if verdict == "contradicted":
        assert "supported" not in {c["verdict"] for c in claims}


def test_a_corrected_calendar_year_names_the_year_it_was_read_as() -> None:
    (claim,) = about("Germany left the League of Nations in 1933. The following year Hitler "
                     "became chancellor.", "hitler")
    assert "not in 1934 (the following year)" in claim["correction"]


@pytest.mark.parametrize("text", [
    # two years before it: which one "the following year" counts from is not clear
    "In 1934, after Hitler came to power in 1933, the USSR joined the League of Nations. The "
    "following year Kirov was murdered.",
    # an event noun the knowledge does not know may be what it counts from
    "The USSR joined the League of Nations in 1934 and held a congress of writers. The "
    "following year Kirov was murdered.",
])
def test_no_calendar_year_when_what_it_counts_from_is_unclear(text: str) -> None:
    claims = about(text, "kirov")
    assert "contradicted" not in {c["verdict"] for c in claims}


@pytest.mark.parametrize("text, verdict", [
    # the student dated the anchor 1924 (it was 1922): "N years later" may count from either,
    # so it is wrong only when wrong from both and right only when right from both
    ("In 1924 they signed the Treaty of Rapallo with Germany. Three years later they signed "
     "the Treaty of Berlin.", "contradicted"),
    ("In 1924 they signed the Treaty of Rapallo with Germany. Two years later they signed "
     "the Treaty of Berlin.", "unverifiable"),
    ("In 1922 they signed the Treaty of Rapallo with Germany. Four years later they signed "
     "the Treaty of Berlin.", "supported"),
])
def test_years_later_hold_from_the_year_written_and_the_event(text: str, verdict: str) -> None:
    (claim,) = about(text, "treaty_of_berlin_1926")
    assert claim["verdict"] == verdict


@pytest.mark.parametrize("text", [
    # the anchor may mean two events (the 1921 trade agreement or the 1924 recognition)
    "Lenin died in the same year that Britain recognised the USSR.",
    # the clause says something else about the event than that it happened
    "The Red Army lost the Battle of Warsaw in the same year as the Treaty of Riga was being "
    "prepared.",
])
def test_the_same_year_as_an_unclear_event_is_not_called_wrong(text: str) -> None:
    assert "contradicted" not in {c["verdict"] for c in claims_of(text)}


@pytest.mark.parametrize("text, verdict", [
    # "N years later X after Y": Y dates X's order, not the distance, which counts from the
    # event before; words that may name several events count from each
    ("In 1924 Britain and Italy recognised the Soviet Union, but two years later Britain broke "
     "off relations after the Arcos raid.", "contradicted"),
    ("In 1924 Britain and Italy recognised the Soviet Union, but three years later Britain "
     "broke off relations after the Arcos raid.", "unverifiable"),
])
def test_years_later_beside_an_after_phrase(text: str, verdict: str) -> None:
    claims = [c for c in about(text, "anglo_soviet_break_1927") if "later" in c["text"]]
    assert [c["verdict"] for c in claims] == [verdict]


@pytest.mark.parametrize("text, verdict", [
    # "which followed ..." hung by the parser on the state in "with Austria": a state does
    # not follow, the event the phrase is on does
    ("Germany's Anschluss with Austria, which came a few weeks after the Munich Agreement, "
     "worried Litvinov.", "contradicted"),
    ("Nazi Germany's Anschluss with Austria, which took place months before Munich, "
     "frightened Stalin.", "supported"),
    ("Germany's Anschluss with Austria, which happened half a year before the Munich "
     "Agreement, worried Litvinov.", "supported"),  # half a year is not one year
])
def test_a_timing_clause_on_an_events_phrase_is_the_events(text: str, verdict: str) -> None:
    assert verdict in {c["verdict"] for c in about(text, "anschluss")}


@pytest.mark.parametrize("text, verdict", [
    # "and a half" is part of the distance: it is checked, never dropped to a bare "after"
    ("A year and a half after the Munich Agreement, the Nazi-Soviet Pact was signed.",
     "contradicted"),
    ("Two and a half years after the Munich Agreement, Germany invaded the Soviet Union.",
     "supported"),
    ("The Winter War ended about a year and a half after the Munich conference.", "supported"),
])
def test_a_distance_with_a_half(text: str, verdict: str) -> None:
    assert {c["verdict"] for c in claims_of(text)} == {verdict}


@pytest.mark.parametrize("text, verdict", [
    ("In August 1939 Stalin signed the Nazi-Soviet Pact. Straight after that he replaced "
     "Litvinov with Molotov.", "contradicted"),
    ("Stalin replaced Litvinov with Molotov in May 1939. After that, he signed the "
     "Nazi-Soviet Pact.", "supported"),
])
def test_after_that_orders_against_the_event_before(text: str, verdict: str) -> None:
    second = text[text.index(".") + 2:]
    assert [c["verdict"] for c in claims_of(text) if c["start"] >= text.index(second)] == [
        verdict]


@pytest.mark.parametrize("text, verdict", [
    # a treaty concluded is a treaty made; a war that concluded ended
    ("The Nazi-Soviet Pact was concluded in 1939.", "supported"),
    ("The Nazi-Soviet Pact was concluded in 1938.", "contradicted"),
    ("The Winter War concluded in March 1940.", "supported"),
    ("The Winter War concluded in 1939.", "contradicted"),
])
def test_concluded_is_made_of_a_treaty_and_ended_of_a_war(text: str, verdict: str) -> None:
    assert {c["verdict"] for c in claims_of(text)} == {verdict}


@pytest.mark.parametrize(("text", "verdict", "status"), [
    ("Germany invaded Poland on 1 September 1939 and the Red Army invaded from the east on "
     "17 September, two weeks later.", "supported", "agrees"),
    ("Litvinov became foreign commissar in 1930. Four years later the USSR joined the League "
     "of Nations.", "supported", "agrees"),
    # two days, not two weeks: what the count is from is read, so it is never wrong
    ("Germany invaded Poland on 1 September 1939. Two weeks later Britain and France "
     "declared war on Germany.", "unverifiable", "unchecked"),
    ("Litvinov became foreign commissar in 1930. Two years later the USSR joined the League "
     "of Nations.", "unverifiable", "unchecked"),
])
def test_a_count_from_what_was_told_just_before(text: str, verdict: str, status: str) -> None:
    last = claims_of(text)[-1]
    assert last["verdict"] == verdict
    assert [d["status"] for d in last["details"] if d["slot"] == "relative"] == [status]


@pytest.mark.parametrize(("text", "verdict"), [
    ("In 1920 the Comintern drew up the 21 conditions.", "supported"),
    ("In 1922 the Comintern drew up the 21 conditions.", "contradicted"),
])
def test_the_twenty_one_conditions_are_dated(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in claims_of(text)] == [verdict]


@pytest.mark.parametrize(("text", "verdict"), [
    # a date on "made ... accept" is the accepting's
    ("In 1920 the Comintern made foreign parties accept the 21 conditions.", "supported"),
    ("In 1922 the Comintern made foreign parties accept the 21 conditions.", "contradicted"),
])
def test_a_date_on_what_made_someone_act_dates_the_act(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in claims_of(text)] == [verdict]
