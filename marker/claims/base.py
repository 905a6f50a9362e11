"""What a claim and a name in the essay are, shared by every kind's module."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from ..dates import DateSpan
    from ..topic import Knowledge


# A state named by its adjective ("German troops", "the Soviet sphere"), where the linker
# leaves the adjective unlinked.
STATE_ADJECTIVES = {"german": "germany", "soviet": "ussr", "russian": "ussr",
                    "japanese": "japan", "italian": "italy", "british": "britain",
                    "french": "france", "polish": "poland", "finnish": "finland",
                    "american": "usa", "romanian": "romania", "nazi": "germany"}


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


class SentenceContext(Protocol):
    """What a kind's own module (fate, number, quote) reads of the essay-wide indexes that
    ``extract`` builds, so that those modules need not import ``extract`` back."""

    doc: Doc
    knowledge: Knowledge
    text: str
    sents: list[Span]

    @property
    def lower(self) -> str: ...

    @property
    def memo(self) -> dict[str, Any]: ...

    @property
    def calendar_years(self) -> list[DateSpan]: ...

    def dates_between(self, start: int, end: int) -> list[DateSpan]: ...

    def mentions_between(self, start: int, end: int) -> list[Mention]: ...

    def events_before(self, sent: Span) -> list[Mention]: ...

    def person_antecedent(self, tok: Token) -> Mention | None: ...

    def linked_in_paragraph(self, para: int) -> set[str]: ...

    def paragraph_of(self, char: int) -> int: ...
