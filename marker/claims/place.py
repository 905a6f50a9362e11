"""Where it happened: "the pact was signed in Moscow", "the Comintern, founded in Kiev".

A place the clause gives for an event agrees when it is one of the event's places in the
knowledge (or lies in a state listed there: "signed in Russia"). It contradicts only when
the knowledge lists where the event happened, the place is one the knowledge knows (some
event's place, or a state), and the place hangs on the event itself or the verb that
makes it ("signed in Berlin"), not on another act in the clause ("in Berlin, Hitler
welcomed the pact"). Anything else is unchecked.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .details import AGREES, CONTRADICTS, UNCHECKED

if TYPE_CHECKING:
    from ..topic import Knowledge

# Verbs whose place is the event's own place.
MAKING_VERBS = {"sign", "conclude", "found", "set", "establish", "hold", "meet", "take",
                "agree", "negotiate", "fight", "create", "form", "launch", "murder", "kill",
                "assassinate", "shoot", "massacre", "execute", "convene", "open", "seize",
                "begin", "start", "stage", "try", "put", "happen", "occur", "break", "train",
                "test"}


def place_status(knowledge: Knowledge, subject: Any, stated: str, own: bool
                 ) -> tuple[str, str | None]:
    """(status, the event's places in words) for a place stated for ``subject``; ``own``
    says whether the place hangs on the event or its making verb."""
    places = getattr(subject, "places", ())
    if not places:
        return UNCHECKED, None
    accepted = _names(knowledge, places)
    where = fold_name(stated)
    shown = _shown(knowledge, places)
    if where in accepted:
        return (AGREES if own else UNCHECKED), shown
    if own and where in _known_places(knowledge):
        return CONTRADICTS, shown
    return UNCHECKED, shown


def known_place(knowledge: Knowledge, name: str) -> bool:
    """Whether the knowledge names this place (some event's place, or a state)."""
    return fold_name(name) in _known_places(knowledge)


def _names(knowledge: Knowledge, places: tuple[str, ...]) -> set[str]:
    out = set()
    for place in places:
        entry = knowledge.get(place)
        if getattr(entry, "section", None) == "states":
            out.update(fold_name(n) for n in (entry.name, *entry.aliases))
        else:
            out.add(fold_name(place))
    return out


def _shown(knowledge: Knowledge, places: tuple[str, ...]) -> str:
    """The first place (and its state) as feedback names them: 'Moscow', 'Locarno'."""
    first = knowledge.get(places[0])
    return first.name if getattr(first, "section", None) == "states" else places[0]


def _known_places(knowledge: Knowledge) -> frozenset[str]:
    """Every place the knowledge names: events' places and states' names (worked out once
    per knowledge; a Knowledge is large to hash, so it is kept by identity)."""
    cached = _KNOWN.get(id(knowledge))
    if cached is not None and cached[0] is knowledge:
        return cached[1]
    out: set[str] = set()
    for event in knowledge.events:
        out.update(_names(knowledge, event.places))
    for state in knowledge.states:
        out.update(fold_name(n) for n in (state.name, *state.aliases))
    _KNOWN[id(knowledge)] = (knowledge, frozenset(out))
    return _KNOWN[id(knowledge)][1]


_KNOWN: dict[int, tuple[Any, frozenset[str]]] = {}


def fold_name(name: str) -> str:
    """A name as compared: lower case, one space for spaces and dashes, no leading 'the'."""
    return re.sub(r"^the\s+", "", re.sub(r"[\s-]+", " ", name.strip().lower()))
