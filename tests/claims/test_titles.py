"""A book's title is one only when written as one: many titles are also the names of
events or plain words ("The Great Terror", "Comrades", "The Dictators")."""

from __future__ import annotations

import pytest

from .helpers import claims_of


def verdicts(text: str) -> list[tuple[str, str]]:
    return [(c["kind"], c["verdict"]) for c in claims_of(text)]


@pytest.mark.parametrize("text", [
    # an event's name, a plain word or a phrase that is also a title
    "Stalin launched the Great Terror in 1936.",
    "Trotsky played a leading part in the Russian Revolution.",
    "Stalin told the comrades to work harder.",
    "Hitler and Stalin were the dictators of the age.",
])
def test_a_title_in_ordinary_prose_is_not_a_book(text: str) -> None:
    assert ("attribution", "contradicted") not in verdicts(text)


@pytest.mark.parametrize("text, verdict", [
    ("Stalin wrote The Great Terror.", "contradicted"),
    ("Conquest's The Great Terror showed the scale of the purges.", "supported"),
    ("Taylor, in 'The Great Terror', blamed Stalin.", "contradicted"),
    ("A. J. P. Taylor, in The Origins of the Second World War, blamed the West.", "supported"),
])
def test_a_title_written_as_one_is_checked(text: str, verdict: str) -> None:
    assert ("attribution", verdict) in verdicts(text)


def test_an_event_named_like_a_book_keeps_its_date_check() -> None:
    assert ("date", "contradicted") in verdicts("The Great Terror began in 1930.")


@pytest.mark.parametrize("text, verdict", [
    # what a writer was, said in a relative clause or with "was"
    ("George Kennan, who was a British diplomat, wrote the Long Telegram.", "contradicted"),
    ("George Kennan was an American diplomat.", "supported"),
    ("E. H. Carr, who was a British historian, wrote a lot.", "supported"),
])
def test_what_a_writer_was(text: str, verdict: str) -> None:
    assert ("attribution", verdict) in verdicts(text)


def test_a_denied_role_is_not_a_claim() -> None:
    assert verdicts("Taylor was not a Soviet historian.") == []


@pytest.mark.parametrize("text, verdict, correction", [
    ("Robert Conquest (The Great Terror, 1975) put the blame on Stalin.", "contradicted",
     "The Great Terror was published in 1968 (again in 1990), not 1975."),
    ("Robert Conquest, The Great Terror (1968), put the blame on Stalin.", "supported", None),
    ("E. H. Carr, The Twenty Years' Crisis, 1939, judged the League harshly.", "supported",
     None),
])
def test_the_year_a_citation_gives_a_book_is_checked(text: str, verdict: str,
                                                     correction: str | None) -> None:
    (claim,) = [c for c in claims_of(text) if c["kind"] == "attribution"]
    assert claim["verdict"] == verdict
    assert claim["correction"] == correction


def test_a_title_is_known_without_the_years_that_end_it() -> None:
    (claim,) = [c for c in claims_of("As Taylor showed in The Twenty Years' Crisis, the League "
                                     "was weak.") if c["kind"] == "attribution"]
    assert claim["verdict"] == "contradicted"
    assert "by E. H. Carr" in claim["correction"]


def test_a_title_cut_short_to_a_known_name_is_that_name() -> None:
    # Carr's "Socialism in One Country, 1924-1926" cut to its first words is the doctrine
    found = claims_of("Stalin's 'socialism in one country' turned the Comintern inward.")
    assert not [c for c in found if c["kind"] == "attribution"]


@pytest.mark.parametrize(("text", "verdict"), [
    ("Robert Service, who wrote a biography of Lenin, is critical of him.", "supported"),
    ("Isaac Deutscher wrote a biography of Stalin in exile.", "supported"),
    # many wrote lives of Stalin: one the knowledge does not list is not checked, not wrong
    ("Alan Bullock, who wrote a biography of Lenin, was an Oxford man.", "unverifiable"),
])
def test_a_biography_of_a_known_person_is_confirmed_never_corrected(text: str,
                                                                     verdict: str) -> None:
    (claim,) = [c for c in claims_of(text) if "attribution" in c["kinds"]]
    assert claim["verdict"] == verdict


@pytest.mark.parametrize(("text", "verdict"), [
    ("The early revolutionaries expected Europe to follow (Deutscher, The Prophet Unarmed, "
     "1959).", "supported"),
    ("The early revolutionaries expected Europe to follow (Deutscher, The Prophet Armed, "
     "1963).", "contradicted"),
])
def test_each_book_of_a_trilogy_has_its_own_year(text: str, verdict: str) -> None:
    (claim,) = [c for c in claims_of(text) if "attribution" in c["kinds"]]
    assert claim["verdict"] == verdict


def claims_on(text: str) -> list[dict]:
    return [c for c in claims_of(text) if c["kind"] == "attribution"]


@pytest.mark.parametrize("text, verdict", [
    # a reference list or a bracketed reference: surname, title, year
    ("Conquest, The Great Terror, 1968.", "supported"),
    ("Service, Lenin: A Biography, 2000.", "supported"),
    ("The Reichswehr trained in Russia [Carr, German-Soviet Relations between the Two "
     "World Wars, 1951].", "supported"),
    # a reference gives the edition read, which may be a later one: never wrong
    ("Conquest, The Great Terror, 1948.", "unverifiable"),
    # the title's own years before the year it came out
    ("Haslam, The Soviet Union and the Struggle for Collective Security in Europe, 1933-39 "
     "(1984).", "supported"),
])
def test_a_reference_names_its_writer_by_surname(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in claims_on(text)] == [verdict]


def test_a_reference_to_another_writers_surname_says_nothing() -> None:
    assert claims_on("Service, The Great Terror, 1968.") == []


def test_a_reference_says_nothing_about_the_clause_it_supports() -> None:
    (claim,) = claims_on("Stalin's purges were a defensive necessity (Service, Stalin: A "
                         "Biography, 2004).")
    assert claim["verdict"] == "supported"
    assert {d["slot"] for d in claim["details"]} == {"who"}


@pytest.mark.parametrize("text, verdict", [
    ("The USSR backed Popular Fronts from 1935 (Haslam, 1984).", "supported"),
    ("Litvinov was sincere [Haslam 1984, p. 52].", "supported"),
    ("Taylor blamed Hitler's opportunism (Taylor, 1961).", "supported"),
    # a year none of the listed works has: unchecked, never wrong
    ("The pact was defensive (Roberts, 1940).", "unverifiable"),
])
def test_an_author_date_reference_is_confirmed_never_corrected(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in claims_on(text)] == [verdict]


@pytest.mark.parametrize("text, verdict", [
    ("Robert Conquest wrote The Great Terror in 1968.", "supported"),
    ("Robert Conquest wrote The Great Terror in 1948.", "contradicted"),
    ("E. H. Carr wrote a multi-volume History of Soviet Russia.", "supported"),
])
def test_the_year_a_book_was_written_in(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in claims_on(text)] == [verdict]


def test_a_wrong_year_is_the_only_wrong_detail() -> None:
    (claim,) = claims_on("Robert Conquest wrote The Great Terror in 1948.")
    assert [(d["slot"], d["status"]) for d in claim["details"]] == [
        ("who", "agrees"), ("time", "contradicts")]


def test_in_a_year_after_a_topic_is_not_the_year_of_the_book() -> None:
    # "about ... in 1939" may date what the book is about
    assert "contradicted" not in [c["verdict"] for c in claims_on(
        "Taylor wrote about the Struggle for Mastery in Europe in 1939.")]


@pytest.mark.parametrize(("text", "verdict"), [
    # a later edition's year in a reference is not a mistake
    ("The West was to blame (Taylor, The Origins of the Second World War, 1964).",
     "unverifiable"),
    # the year of the writer's other book is a mix-up
    ("Conquest, The Great Terror, 1986.", "contradicted"),
])
def test_a_references_year_is_wrong_only_as_another_books(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in claims_on(text)] == [verdict]
