"""How and when people died: checked only where the knowledge records it and only where
the verb and the record cannot both be right."""

from __future__ import annotations

import pytest

from .helpers import claims_of, details


def fates(text: str) -> list[dict]:
    return [c for c in claims_of(text) if c["kind"] == "fate"]


@pytest.mark.parametrize(("text", "verdict"), [
    ("In the purge of the high command Tukhachevsky was shot in June 1937.", "supported"),
    ("The NKVD executed Bukharin in 1938.", "supported"),
    ("Stalin had Trotsky murdered in Mexico in 1940.", "supported"),
    ("Worn out by illness, Lenin died in 1924.", "supported"),
    # how: the record says otherwise
    ("Voroshilov was executed in the purges.", "contradicted"),
    ("Trotsky was executed by the Soviet state.", "contradicted"),
    # when: the death date
    ("Tukhachevsky was shot in 1938.", "contradicted"),
    ("Lenin died in 1923.", "contradicted"),
])
def test_fates_are_checked(text: str, verdict: str) -> None:
    assert [c["verdict"] for c in fates(text)] == [verdict]


def test_the_correction_gives_the_record() -> None:
    (claim,) = fates("Voroshilov was executed in the purges.")
    assert "natural death" in claim["correction"] and "1969" in claim["correction"]


@pytest.mark.parametrize("text", [
    # wished, denied, hedged or conditional: not a statement that it happened
    "Stalin wanted to kill Trotsky for years.",
    "Voroshilov was never executed.",
    "Voroshilov might have been shot if the war had gone worse.",
    "Voroshilov was nearly shot in 1941.",
    # "shot down" is not a death
    "Zhukov's plane was not shot down.",
])
def test_what_is_not_stated_as_fact_is_not_checked(text: str) -> None:
    assert [c for c in fates(text) if c["verdict"] == "contradicted"] == []


def test_an_assassination_is_not_checked_against_the_weapon() -> None:
    """'shot' and an assassination can both be true: no ✓ and no ✗ for how."""
    (claim,) = fates("Trotsky was shot in Mexico.")
    assert claim["verdict"] == "unverifiable"


@pytest.mark.parametrize("text", [
    "Lenin was shot in 1918 and never fully recovered.",
    "In August 1918 Lenin was shot by an assassin.",
])
def test_shot_need_not_mean_killed(text: str) -> None:
    """Someone shot who lived on (or died otherwise) is no wrong fate and no wrong date."""
    assert [c["verdict"] for c in fates(text)] in ([], ["unverifiable"])


def test_a_place_the_record_does_not_give_is_unchecked() -> None:
    (claim,) = fates("Trotsky was murdered in Spain in 1940.")
    assert claim["verdict"] == "unverifiable"
    assert details(claim)["place:Spain"] == "unchecked"


def test_the_killing_is_one_claim_not_also_the_event_it_names() -> None:
    """'was shot' also names the Tukhachevsky affair: the death is the one claim."""
    claims = [c for c in claims_of("Tukhachevsky was shot in 1938.")
              if c["verdict"] != "unverifiable"]
    assert [c["kind"] for c in claims] == ["fate"]


@pytest.mark.parametrize(("text", "person", "verdict"), [
    # a name given as an example of those a verb of killing happened to
    ("During the Terror Stalin had many marshals shot, like Tukhachevsky.", "tukhachevsky",
     None),
    ("The NKVD killed lots of commanders, including Yakir.", "yakir", "supported"),
    # died in custody: "executed" is neither right nor wrong
    ("Stalin executed dozens of army chiefs such as Blyukher.", "blyukher", "unverifiable"),
    ("Stalin killed many generals, including Zhukov.", "zhukov", "contradicted"),
])
def test_an_example_shares_the_fate_of_those_it_is_an_example_of(
        text: str, person: str, verdict: str | None) -> None:
    fates = [c for c in claims_of(text) if "fate" in c["kinds"] and c["subject"] == person]
    assert [c["verdict"] for c in fates] == ([verdict] if verdict else [])


@pytest.mark.parametrize(("text", "verdict"), [
    # that someone died, said plainly, is true of everyone the knowledge dates a death for
    ("After Lenin died Stalin won the power struggle.", "supported"),
    # how or where is another matter, not checked here
    ("Lenin died peacefully in his bed.", "unverifiable"),
])
def test_a_plain_death(text: str, verdict: str) -> None:
    (claim,) = [c for c in claims_of(text) if c["subject"] == "lenin"]
    assert claim["verdict"] == verdict
