"""What a claim and a name in the essay are, shared by every kind's module."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ..dates import DateSpan


@dataclass(frozen=True)
class Claim:
    """One checkable statement in the essay."""

    kind: str
    start: int
    end: int
    text: str
    subject: str | None
    refs: tuple[str, ...]
    stated: str
    when: DateSpan | None = None
    inherited: bool = False
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Mention:
    """An entity mention, or an event named by a verb phrase ("dissolved the Comintern")."""

    kb_id: str
    section: str
    start: int  # token indices
    end: int
    start_char: int
    end_char: int
    text: str
    candidates: tuple[str, ...] = ()
    by_trigger: bool = False
    verb: Token | None = None
    agent: str | None = None  # the trigger's matched doer ("Germany" in "Germany invaded")
    described: bool = False  # linked by a description ("the alliance with France"): a guess
    head_i: int | None = None  # where the mention joins the sentence (see _mention_head)
    # named through a pronoun ("after Germany walked out of it"): an anchor for another
    # clause, never a statement of its own
    anchor_only: bool = False

    @property
    def root(self) -> int:
        return self.start
