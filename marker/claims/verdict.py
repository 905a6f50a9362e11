"""The verdict on a claim: supported, contradicted or unverifiable — never a guess.

Kept apart from :mod:`marker.verify` so that each kind's module in this package can return
one without importing the checks of every other kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from .details import Detail

SUPPORTED, CONTRADICTED, UNVERIFIABLE = "supported", "contradicted", "unverifiable"
VERDICTS = (SUPPORTED, CONTRADICTED, UNVERIFIABLE)


@dataclass(frozen=True)
class Verdict:
    """What the knowledge says about one claim."""

    verdict: str
    correction: str | None = None
    sources: tuple[str, ...] = ()
    expected: str | None = None
    note: str | None = None
    details: tuple[Detail, ...] = ()  # when a check settles several details at once
    wrong: str | None = None  # the one slot found wrong when the rest of the claim is right
    subject: str | None = None  # of a claim with alternative readings: the one that decided
