"""What a historian argues: checked against the writer's known ``views``, confirmed only
when the clause given as their view states one of them, and never called wrong."""

from __future__ import annotations

import pytest

from .helpers import claims_of, details


def views(text: str) -> list[dict]:
    return [c for c in claims_of(text) if "view" in c["kinds"]]


@pytest.mark.parametrize("text", [
    "Geoffrey Roberts contends that the pact was a pragmatic step.",
    # an apposition, "sees ... as", "as X argues", "historians like X"
    "The historian Geoffrey Roberts sees the pact as a defensive measure.",
    "As Gorodetsky argues, Stalin was a realist who misread Hitler.",
    "Historians such as Robert Tucker think Stalin wanted a deal with Hitler.",
    # words after the view that turn something else round do not matter
    "Roberts argues that the pact was defensive rather than aggressive.",
])
def test_a_known_view_is_confirmed(text: str) -> None:
    (claim,) = views(text)
    assert claim["verdict"] == "supported", claim["details"]


@pytest.mark.parametrize(("text", "view"), [
    # turned round before the view's words
    ("Geoffrey Roberts argues that the pact was not defensive.",
     "that the pact was not defensive"),
    # another historian's view
    ("Geoffrey Roberts argues that Stalin wanted a deal with Hitler.",
     "that Stalin wanted a deal with Hitler"),
])
def test_anything_else_is_not_checked_and_never_called_wrong(text: str, view: str) -> None:
    (claim,) = views(text)
    assert claim["verdict"] == "unverifiable"
    assert details(claim)[f"view:{view}"] == "unchecked"


@pytest.mark.parametrize("text", [
    "Geoffrey Roberts never argued that the pact was defensive.",  # denied
    "Roberts and Tucker argue that the pact was defensive.",  # whose view?
])
def test_no_view_claim(text: str) -> None:
    assert views(text) == []


def test_a_sentence_run_on_before_the_saying_is_not_the_view() -> None:
    """"This was X, however historians like Roberts say Y": the parser may hang the first
    clause on "say"; only what follows the verb is the view, and the first clause is the
    student's own, outside the view's claim (no tick over it)."""
    (claim,) = views("This was a pragmatic turn, however Geoffrey Roberts says it was "
                     "an aggressive one.")
    assert claim["verdict"] == "unverifiable"
    assert "pragmatic" not in " ".join(d["stated"] for d in claim["details"]
                                       if d["status"] == "agrees")
    (claim,) = views("This was an aggressive turn, however Geoffrey Roberts says it was "
                     "defensive.")
    assert claim["verdict"] == "supported"
    assert "aggressive" not in claim["text"]


# What a leader held: a person's ``views`` (Hitler's Lebensraum, Stalin's socialism in one
# country, Lenin's world revolution), read only when the clause states one of them.
@pytest.mark.parametrize(("text", "who"), [
    ("Hitler argued in Mein Kampf that the Germans must conquer land in the east.", "hitler"),
    ("Hitler wrote that Germany needed Lebensraum.", "hitler"),
    ("Hitler wanted living space for the German people.", "hitler"),
    ("Poland feared Hitler, who had written that Germany must win land in the east.",
     "hitler"),
    ("Stalin believed in socialism in one country rather than world revolution.", "stalin"),
    ("Lenin thought that a world revolution would come soon.", "lenin"),
    ("Lenin expected that the revolution would spread westwards.", "lenin"),
])
def test_a_persons_known_view_is_confirmed(text: str, who: str) -> None:
    (claim,) = [c for c in views(text) if c["subject"] == who]
    assert claim["verdict"] == "supported", claim["details"]


@pytest.mark.parametrize("text", [
    "Hitler wrote that Germany had lost land in the east.",  # not the aim
    "Hitler never wanted living space in the east.",  # denied
    "Hitler did not want Lebensraum, some say.",
    "Lenin believed in socialism in one country.",  # someone else's
    "Stalin believed in world revolution.",
    "Stalin said that the Red Army was not ready.",  # what he said is another claim's
    "Stalin said that 'socialism in one country' was possible.",  # a quotation
])
def test_a_person_is_given_no_view_they_did_not_hold(text: str) -> None:
    assert [c for c in views(text) if c["subject"] in ("hitler", "stalin", "lenin")
            and c["verdict"] == "supported"] == []


def test_a_persons_view_with_a_date_is_not_ticked_for_the_date() -> None:
    """The year Mein Kampf was written is not a view: it stays unchecked (no tick)."""
    (claim,) = views("Hitler wrote in 1933 that Germany needed living space in the east.")
    assert claim["verdict"] == "unverifiable"
    assert details(claim)["time:1933"] == "unchecked"


def test_the_view_ends_before_a_clause_hung_on_it() -> None:
    (claim,) = views("Hitler wrote that he wanted Lebensraum in the east, which meant France.")
    assert claim["verdict"] == "supported"
    assert "France" not in claim["text"]


@pytest.mark.parametrize("text", [
    "Haslam argues that Litvinov's drive for collective security was sincere.",
    "Haslam maintains that the Kremlin dreaded a two-front war against Germany and Japan.",
    "Roberts contends that the pact came from the failure of collective security.",
    "Taylor saw the pact as a realistic answer to appeasement.",
    "Deutscher presents Stalin as a Russian statesman rather than a revolutionary.",
    "Robert Conquest argued that Stalin was paranoid.",
])
def test_more_historians_known_views(text: str) -> None:
    assert [c["verdict"] for c in views(text)] == ["supported"]


@pytest.mark.parametrize("text", [
    "Haslam argues that collective security was not genuine.",
    "Roberts argues that Stalin turned to Hitler to grab land.",
    "Deutscher argued that Stalin was paranoid.",
])
def test_a_view_turned_round_or_given_to_another_historian_is_unchecked(text: str) -> None:
    assert [c["verdict"] for c in views(text)] == ["unverifiable"]


def test_a_known_view_in_a_clause_about_something_else_agrees() -> None:
    # the clause's claim is the book; the view said beside it is the writer's own
    (claim,) = [c for c in claims_of("Isaac Deutscher, the author of a life of Stalin, later "
                                     "said that Stalin was a Russian statesman.")
                if c["subject"] == "isaac_deutscher"]
    assert claim["verdict"] == "supported"
    assert details(claim)["view:that Stalin was a Russian statesman"] == "agrees"


@pytest.mark.parametrize(("text", "who"), [
    ("But Trotsky wanted the permanent revolution.", "trotsky"),
    ("Bukharin defended the New Economic Policy.", "bukharin"),
])
def test_more_leaders_known_views(text: str, who: str) -> None:
    assert [(c["subject"], c["verdict"]) for c in views(text)] == [(who, "supported")]


@pytest.mark.parametrize("text", [
    "Bukharin argued against NEP.",  # turned round
    "Stalin believed in permanent revolution.",  # another's view: no claim for a leader
])
def test_a_leaders_view_turned_round_or_not_theirs_is_no_claim(text: str) -> None:
    assert [c for c in views(text) if c["verdict"] == "supported"] == []


@pytest.mark.parametrize(("text", "verdict"), [
    ("Lenin expected the revolution to spread quickly to Germany.", "supported"),
    ("Lenin believed that there would soon be revolutions in other countries.", "supported"),
])
def test_lenins_world_revolution(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in views(text)] == [verdict]


def test_a_view_denied_wherever_the_denial_stands_is_no_claim() -> None:
    assert views("Lenin believed that the revolution in Germany would fail.") == []
