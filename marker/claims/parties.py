"""Who took part: settling a state or person a clause names beside what it is about.

A name the clause gives as a doer or partner ("Britain and France at Munich", "Lenin's
NEP", "Chamberlain signed") agrees when the knowledge lists it as a party, signatory,
leader or doer of the event, or when the person led a state that took part when it
happened (an office in that state is not enough: Stalin held one in 1921, and the NEP
was not his). Anything else stays unchecked here:
saying a name is *wrong* is left to the party check, which reads the verb.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .details import AGREES, UNCHECKED

if TYPE_CHECKING:
    from ..topic import Knowledge


def involved(knowledge: Knowledge, subject: Any, kb_id: str) -> str:
    """``agrees`` when the entry ``kb_id`` took part in ``subject``, else ``unchecked``."""
    if subject is None or not kb_id:
        return UNCHECKED
    if subject.section == "people":
        # An office claim's person: the state they served, or who they replaced.
        states = {getattr(knowledge.get(t.office), "state", None) for t in subject.offices}
        return AGREES if kb_id in states else UNCHECKED
    if subject.section == "organisations":
        return UNCHECKED
    if subject.section != "events":
        return UNCHECKED
    listed = {*subject.parties, *subject.signatories,
              *(t.entity for t in subject.triggers),
              *(a for t in subject.triggers for a in t.agents)}
    if subject.leader:
        listed.add(subject.leader)
    if kb_id in listed:
        return AGREES
    person = knowledge.get(kb_id)
    if getattr(person, "section", None) != "people" or subject.date is None:
        return UNCHECKED
    day = subject.date.start
    states = set(subject.parties)
    if any(e.state in states and _during(day, e.start, e.end) for e in person.led):
        return AGREES
    return UNCHECKED


def _during(day: dt.date, start: Any, end: Any) -> bool:
    return start.start <= day and (end is None or day <= end.end)
