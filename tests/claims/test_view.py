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
    clause on "say"; only what follows the verb is the view, and the first clause stays an
    unchecked detail, so there is no tick over it."""
    (claim,) = views("This was a pragmatic turn, however Geoffrey Roberts says it was "
                     "an aggressive one.")
    assert claim["verdict"] == "unverifiable"
    assert "pragmatic" not in " ".join(d["stated"] for d in claim["details"]
                                       if d["status"] == "agrees")
