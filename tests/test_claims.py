"""Claim extraction and verification: every claim kind, right and wrong, and no false
accusations.

Sentences here are written for these tests; the measured evaluation on the labelled essay
set lives in benchmarks/claims_eval.py and is asserted at the end of this file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from marker.claims.verdict import VERDICTS
from marker.pipeline import mark_file, mark_text

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "samples" / "seed_essay.txt"


def claims_of(text: str) -> list[dict]:
    return mark_text(text).to_dict()["claims"]


def verdict(text: str, kind: str) -> tuple[str, str | None]:
    """The verdict and correction of the (single) claim of ``kind`` in ``text``."""
    found = [c for c in claims_of(text) if kind in c["kinds"]]
    assert found, f"no {kind} claim found in {text!r}: {claims_of(text)}"
    worst = sorted(found, key=lambda c: ["contradicted", "supported", "unverifiable"].index(
        c["verdict"]))[0]
    return worst["verdict"], worst["correction"]


# Each kind: (correct sentence, wrong sentence, words the correction must contain).
CASES = {
    "date": (
        "The Soviet-Japanese Neutrality Pact was signed in April 1941.",
        "The Japanese-Soviet Neutrality Pact was signed in September 1939.",
        ["13 April 1941"],
    ),
    "office": (
        "Litvinov, foreign commissar from 1930, championed collective security.",
        "Trotsky, foreign commissar in 1925, opposed the policy.",
        ["Chicherin"],
    ),
    "era": (
        "Stalin's policy of socialism in one country put Soviet interests first.",
        "Stalin's Treaty of Rapallo ended Soviet isolation.",
        ["16 April 1922", "Lenin"],
    ),
    "sequence": (
        "Molotov replaced Litvinov before the Nazi-Soviet Pact was signed.",
        "Molotov replaced Litvinov after the invasion of Poland.",
        ["3 May 1939"],
    ),
    "party": (
        "The Treaty of Rapallo was signed with Germany in 1922.",
        "The Treaty of Rapallo was signed with France in 1922.",
        ["France"],
    ),
    "number": (
        "In the Red Army purge three of the five marshals were removed.",
        "In the purges 90% of the officers were shot.",
        ["3.7-7.7%"],
    ),
    "attribution": (
        "The historian Gabriel Gorodetsky argued that Stalin misread Hitler.",
        "The historian Otto Bauer argued that strikes could not force peace.",
        ["politician"],
    ),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_kind_supports_the_right_claim(kind: str) -> None:
    right, _, _ = CASES[kind]
    assert verdict(right, kind)[0] == "supported"


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_kind_contradicts_the_wrong_claim_with_the_right_fact(kind: str) -> None:
    _, wrong, words = CASES[kind]
    result, correction = verdict(wrong, kind)
    assert result == "contradicted"
    assert correction is not None
    for word in words:
        assert word in correction


def test_two_claims_in_one_sentence_one_right_one_wrong() -> None:
    claims = claims_of(
        "Russia signed the Nazi-Soviet Pact in August 1939 and the Japanese-Soviet "
        "Neutrality Pact in September 1939."
    )
    dates = {c["subject"]: c["verdict"] for c in claims if c["kind"] == "date"}
    assert dates == {"nazi_soviet_pact": "supported",
                     "soviet_japanese_neutrality_pact": "contradicted"}


@pytest.mark.parametrize("text", [
    "The October Revolution took place on 25 October 1917.",  # Old Style date
    "The Battle of Warsaw began on 13 August 1920.",  # a date sources disagree on
    "The Nazi-Soviet Pact was signed in the early hours of 24 August 1939.",
    "The Comintern was dissolved in 1943, during the war.",  # outside 1917-41
    "The Nazi-Soviet Pact was signed in the summer of 1939.",  # season
    "Litvinov ran Soviet diplomacy in the early 1930s as foreign commissar.",  # decade part
    "The Munich Agreement was signed in September 1938. A year after Munich, Germany "
    "invaded Poland.",  # relative date anchored on a named event
    "The credit agreement was signed in August 1939. Four days later the Nazi-Soviet Pact "
    "followed.",
    "Between 1930 and 1939 Litvinov was Commissar for Foreign Affairs.",  # range
])
def test_tricky_correct_claims_are_never_contradicted(text: str) -> None:
    assert not [c for c in claims_of(text) if c["verdict"] == "contradicted"]


def test_paragraph_period_makes_an_undated_claim_checkable() -> None:
    text = ("From 1924-1930, the Soviet Union sought peace and trade. Stalin dissolved the "
            "Comintern to reassure the capitalist powers.")
    era = [c for c in claims_of(text) if "era" in c["kinds"] and c["inherited"]]
    assert era and era[0]["verdict"] == "contradicted"
    assert "1943" in era[0]["correction"]


def test_a_known_misconception_gives_the_note_but_detection_comes_from_facts() -> None:
    # Phrased unlike any misconception text: detected by comparing with the event's date.
    result, correction = verdict("Back in the autumn of 1939 Tokyo and Moscow concluded "
                                 "their Neutrality Pact.", "date")
    assert result == "contradicted"
    assert "13 April 1941" in correction


@pytest.mark.parametrize("text", [
    "Soviet foreign policy changed a great deal and survival always mattered most.",
    "Stalin was a cautious man. The West did not trust him.",
    "In 1066 the Normans came, and in 1815 Napoleon lost at Waterloo.",
    "The 32nd of Smarch 1939 was a strange day for diplomacy.",
    "In 1917 the Bolsheviks took power. In 1918 they signed a peace. In 1919 they founded a "
    "new International. In 1920 they fought Poland. In 1921 they traded with Britain. In "
    "1922 they signed a treaty at Rapallo. In 1924 Lenin died. In 1925 Stalin rose.",
])
def test_bad_input_essays_get_sensible_verdicts(text: str) -> None:
    report = mark_text(text).to_dict()
    for c in report["claims"]:
        assert c["verdict"] in VERDICTS
        assert 0 <= c["start"] < c["end"] <= len(report["text"])
        assert report["text"][c["start"]:c["end"]] == c["text"]
    assert not [c for c in report["claims"] if c["verdict"] == "contradicted"]


def test_claims_carry_sources_and_one_sentence_corrections() -> None:
    claims = claims_of("The Japanese-Soviet Neutrality Pact was signed in September 1939.")
    wrong = next(c for c in claims if c["verdict"] == "contradicted")
    assert wrong["sources"] and all(s.startswith(("http", "unverified")) for s in wrong["sources"])
    assert wrong["correction"].count(". ") == 0 and wrong["correction"].endswith(".")


@pytest.mark.skipif(not SEED.exists(), reason="../shared/samples/seed_essay.txt not present")
def test_seed_essay_incorrect_claims_flagged_and_correct_ones_not() -> None:
    """Every claim the audit labels incorrect is contradicted with the right correction,
    and no claim it labels correct is contradicted."""
    report = mark_file(str(SEED)).to_dict()
    text = report["text"]
    bad = [c for c in report["claims"] if c["verdict"] == "contradicted"]

    def flagged(fragment: str, *words: str) -> bool:
        i = text.find(fragment)
        assert i >= 0, fragment
        j = i + len(fragment)
        return any(c["start"] < j and i < c["end"] and all(w in (c["correction"] or "")
                                                           for w in words) for c in bad)

    assert flagged("historian Otto Bauer", "politician")
    assert flagged("Stalin dissolved the", "1943")
    assert flagged("normalise economic relations", "never ratified")
    assert flagged("new foreign commissar", "21 July 1930")
    assert flagged("90% of Russian officers", "3.7-7.7%")
    assert flagged("Litvinov was replaced by V. Molotov", "3 May 1939")
    assert flagged("Neutrality Pact in September 1939", "13 April 1941")
    assert len(bad) == 7
    for correct in ("Nazi-Soviet Non-Aggression Pact in August 1939", "WWII in 1939",
                    "popular front against fascism", "death of Lenin in 1924",
                    "Battle of Warsaw", "Under the new Commissar of Foreign Affairs, Maxim "
                    "Litvinov"):
        i = text.find(correct)
        assert i >= 0, correct
        j = i + len(correct)
        overlapping = [c for c in bad if c["start"] < j and i < c["end"]]
        assert not overlapping, (correct, overlapping)


@pytest.fixture(scope="module")
def evaluation() -> list[str]:
    """One run of benchmarks/claims_eval.py: tests/data, then ../shared/claims-dev."""
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "claims_eval.py")],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return [ln for ln in out.splitlines() if ln.strip().startswith("precision")]


def _scores(line: str) -> dict[str, float]:
    numbers = line.split()
    return {"precision": float(numbers[numbers.index("precision") + 1]),
            "recall": float(numbers[numbers.index("recall") + 1]),
            "false_confirmations": int(numbers[numbers.index("confirmations") + 1])}


def test_labelled_set_meets_the_targets(evaluation: list[str]) -> None:
    """benchmarks/claims_eval.py on the labelled essays: precision >= 0.98, no false
    confirmations, and recall at least what was last measured (issue target 0.90)."""
    scores = _scores(evaluation[0])
    assert scores["precision"] >= 0.98
    assert scores["false_confirmations"] == 0
    assert scores["recall"] >= 0.89


def test_essays_written_apart_from_the_code_meet_the_targets(evaluation: list[str]) -> None:
    """On ../shared/claims-dev (read, never copied): precision >= 0.95, at most two false
    confirmations, recall no lower than before claims became frames (0.26)."""
    if not (ROOT.parent / "shared" / "claims-dev" / "labels").is_dir():
        pytest.skip("../shared/claims-dev is not beside this checkout")
    scores = _scores(evaluation[1])
    assert scores["precision"] >= 0.95
    assert scores["false_confirmations"] <= 2
    assert scores["recall"] >= 0.26
