"""The detail: one thing a clause states, and whether the knowledge settled it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

AGREES, CONTRADICTS, UNCHECKED = "agrees", "contradicts", "unchecked"


@dataclass(frozen=True)
class Detail:
    """One thing a clause states about what it is about, and whether it was checked."""

    slot: str  # time | span | relative | order | actor | parties | place | office | number ...
    stated: str  # the student's words
    start: int  # offsets in the normalised text
    end: int
    status: str  # agrees | contradicts | unchecked
    expected: str | None = None  # the knowledge's value, when checked

    def to_dict(self) -> dict[str, Any]:
        return {"slot": self.slot, "stated": self.stated, "start": self.start,
                "end": self.end, "status": self.status, "expected": self.expected}
