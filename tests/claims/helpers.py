"""Shared by the claim tests: the claims of a text, their verdicts by kind, and the claims
naming one subject."""

from __future__ import annotations

from marker.pipeline import mark_text


def claims_of(text: str) -> list[dict]:
    return mark_text(text).to_dict()["claims"]


def verdicts_of(text: str, kind: str) -> list[str]:
    """The verdicts of the claims of one kind (among their kinds) in a text."""
    return [c["verdict"] for c in claims_of(text) if kind in c["kinds"]]


def about(text: str, subject: str) -> list[dict]:
    found = [c for c in claims_of(text) if c["subject"] == subject]
    assert found, f"no claim about {subject} in {text!r}: {claims_of(text)}"
    return found


def details(claim: dict) -> dict[str, str]:
    """slot:stated -> status."""
    return {f"{d['slot']}:{d['stated']}": d["status"] for d in claim["details"]}
