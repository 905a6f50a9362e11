"""Verdicts on claims: supported, contradicted or unverifiable — never a guess.

A claim is ``contradicted`` only when every value the knowledge accepts (where sources
disagree, all of them) is clearly incompatible with what the student wrote, after widening
approximate expressions generously. Anything the knowledge cannot settle is
``unverifiable``. Corrections are one plain sentence: what is right, and when.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from .claims import (
    AGREEMENTS,
    NATIONALITIES,
    Claim,
    fate,
    feature,
    is_titled,
    number,
    quote,
    terms,
    title_variants,
    view,
)
from .claims.details import AGREES, CONTRADICTS, UNCHECKED, Detail
from .claims.extract import INVITING_VERBS
from .claims.span import ends_agree, stated_ends
from .claims.verdict import CONTRADICTED, SUPPORTED, UNVERIFIABLE, Verdict
from .dates import MONTHS, OPEN_DAYS, UNTIL_WORDS, format_date, iso_span

if TYPE_CHECKING:
    from .topic import Knowledge

ERA_TOLERANCE = dt.timedelta(days=365)
SEQUENCE_TOLERANCE = dt.timedelta(days=30)
NEW_IN_OFFICE = dt.timedelta(days=2 * 365)
OPENING_DAYS = dt.timedelta(days=7)  # an invasion's first week is when it was launched


def verify(claim: Claim, knowledge: Knowledge) -> Verdict:
    """Check one claim against the knowledge. A claim with alternative readings is
    supported if any reading is, and contradicted only if every reading is."""
    check = _CHECKS.get(claim.kind)
    if check is None:
        return Verdict(UNVERIFIABLE)
    anchors = claim.detail.get("anchor_alternatives")
    if anchors:
        # The student's words do not say which event the anchor is ("after the
        # invasion"): right only if right for every reading, wrong only if wrong for all.
        claims = [dataclasses.replace(claim, detail={**claim.detail, "anchor": a,
                                                     "anchor_alternatives": None})
                  for a in anchors]
        verdicts = [verify(c, knowledge) for c in claims]
        if len({v.verdict for v in verdicts}) > 1:
            return Verdict(UNVERIFIABLE, note="It is not clear which event is meant.")
        return _first_fitting(verdicts, anchors, claim, knowledge)
    alternatives = claim.detail.get("alternatives")
    if not alternatives:
        return _capitalised(check(claim, knowledge))
    verdicts = [dataclasses.replace(check(dataclasses.replace(claim, subject=a), knowledge),
                                    subject=a) for a in alternatives]
    return _first_fitting(verdicts, alternatives, claim, knowledge)


def _capitalised(v: Verdict) -> Verdict:
    """Corrections are sentences."""
    if v.correction and v.correction[0].islower():
        return dataclasses.replace(v, correction=v.correction[0].upper() + v.correction[1:])
    return v


def _first_fitting(verdicts: list[Verdict], readings: list[str], claim: Claim,
                   knowledge: Knowledge) -> Verdict:
    """Supported if any reading is; contradicted only if all are."""
    for wanted in (SUPPORTED, UNVERIFIABLE):
        for v in verdicts:
            if v.verdict == wanted:
                return v
    # Every reading is wrong: correct the one nearest in time to what the student wrote.
    return min(zip(readings, verdicts, strict=True),
               key=lambda av: _distance(knowledge.get(av[0]), claim, knowledge))[1]


def _distance(event: Any, claim: Claim, knowledge: Knowledge) -> int:
    """How far a reading is from what the student wrote: from the stated date, or for "a
    year before Lenin died", from the stated gap to the anchor."""
    spans = event_intervals(event)
    if not spans:
        return 0
    if claim.when is not None:
        return min(abs((s[0] - claim.when.start).days) for s in spans)
    lo, hi = claim.detail.get("offset_min"), claim.detail.get("offset_max")
    anchors = event_intervals(knowledge.get(claim.detail.get("anchor") or ""))
    if lo is None or hi is None or not anchors:
        return 0
    gaps = [(s[0] - a[0]).days for s in spans for a in anchors]
    return min(0 if lo <= g <= hi else min(abs(g - lo), abs(g - hi)) for g in gaps)


# -- dates ------------------------------------------------------------------------------


Interval = tuple[dt.date, dt.date]


def event_intervals(event: Any) -> list[Interval]:
    """Every interval the knowledge accepts for an event (all accepted starts and ends)."""
    if event is None or getattr(event, "date", None) is None:
        return []
    starts = [event.date, *event.accepted_dates]
    ends = [e for e in [event.end, *event.accepted_ends] if e is not None] or [None]
    out = []
    for s in starts:
        for e in ends:
            out.append((s.start, max(s.end, e.end) if e is not None else s.end))
    return out


def _widen(claim: Claim) -> Interval:
    when = claim.when
    assert when is not None
    start, end = when.start, when.end
    if when.open_start or when.open_end:
        # "after 1937", "by 1937": the bound is the year itself, widened only when it is
        # vague in its own right ("by the late 1930s", "after the summer of 1936")
        vague = _inner_vague(when)
        if vague and when.open_start:
            end += dt.timedelta(days=183)
        if vague and when.open_end:
            start -= dt.timedelta(days=183)
        return start, end
    if when.approximate or when.precision in ("approx", "season", "decade"):
        start -= dt.timedelta(days=183)
        end += dt.timedelta(days=183)
    return start, end


def _inner_vague(when: Any) -> bool:
    """Whether the date inside an open expression is itself approximate."""
    inner = when.inner
    return inner is None or inner.approximate or inner.precision in ("approx", "season",
                                                                     "decade")


# Events that are an ending: their own day is when what they ended stopped.
ENDING_KINDS = frozenset({"organisation_dissolved", "abdication", "withdrawal"})


def _closed(when: Any) -> Interval | None:
    """"until June 1940" read as June 1940 itself (None when it is not an open date)."""
    if when.inner is None:
        return None
    start, end = when.inner.start, when.inner.end
    if _inner_vague(when):
        start, end = start - dt.timedelta(days=183), end + dt.timedelta(days=183)
    return start, end


def _overlaps(a: Interval, b: Interval) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _on(value: Any) -> str:
    """'on 13 April 1941' or 'in April 1941' / 'in 1941'."""
    return f"{'on' if value.precision == 'day' else 'in'} {format_date(value)}"


def event_when(event: Any) -> str:
    """When an event happened, in words ('on 13 April 1941', 'from 1936 to 1939', 'from 12
    to 25 August 1920')."""
    if event.end is not None and event.end.iso != event.date.iso:
        return f"from {_span(event.date, event.end, 'to')}"
    prefix = "on" if event.date.precision == "day" else "in"
    return f"{prefix} {format_date(event.date)}"


def _span(a: Any, b: Any, joint: str) -> str:
    """Two dates without saying the month or year twice: '2 and 6 March 1919', '14 June to
    6 August 1940', 'July to October 1962', '30 November 1939 to 13 March 1940'."""
    if a.precision == b.precision == "day" and a.start.year == b.start.year:
        if a.start.month == b.start.month:
            return f"{a.start.day} {joint} {format_date(b)}"
        return f"{a.start.day} {MONTHS[a.start.month - 1]} {joint} {format_date(b)}"
    if a.precision == b.precision == "month" and a.start.year == b.start.year:
        return f"{MONTHS[a.start.month - 1]} {joint} {format_date(b)}"  # "July to October 1962"
    return f"{format_date(a)} {joint} {format_date(b)}"


def event_name(event: Any) -> str:
    """The event's name for a sentence: without parenthetical qualifiers, with 'the'
    unless it is an operation's code name, starts with a possessive ("Stalin's report")
    or is itself a clause ("Stalin appointed General Secretary"). A person's name
    followed by a noun still takes it: "the Litvinov Protocol"."""
    name = re.sub(r"\s*\([^)]*\)", "", event.name).strip()
    if name[:1] in "'\"‘“":
        return "the policy of " + name.strip("'\"‘’“”")
    if _NO_ARTICLE.match(name) or _CLAUSE_NAME.search(name) or \
            name.lower().startswith("the "):
        return name
    return "the " + name


_NO_ARTICLE = re.compile(r"^(?:Operation\b|\w+['’]s\b)")


def _verb(event: Any, name: str) -> str:
    """The verb for an event's fact, agreeing with its name ("the Locarno Treaties were
    signed"). The name's head noun decides before the kind: the Munich Agreement, filed
    as a conference, was signed; Molotov's visit to Berlin, also a conference, took place."""
    head = _head(name)
    if head in _DOCUMENTS:
        verb = "was signed"
    elif head in _MEETINGS:
        verb = "met"
    elif head in _VISITS:
        verb = "took place"
    else:
        verb = {
            "treaty": "was signed", "trade_agreement": "was signed", "battle": "was fought",
            "war": "lasted", "policy": "lasted", "conference": "met", "death": "happened",
            "organisation_founded": "was founded", "organisation_dissolved": "was dissolved",
        }.get((event.kind or "").lower(), "took place")
    return _agree(name, verb)


_DOCUMENTS = {"treaty", "pact", "agreement", "protocol", "accord", "convention"}
_MEETINGS = {"conference", "congress", "summit", "talks", "negotiations"}
_VISITS = {"visit", "trip", "journey", "tour"}


def _head_word(name: str) -> str:
    """The last word before "of", "with" and the like: "Battles of Khalkhin Gol" -> "battles"."""
    before = _OF.split(name)[0].split()
    return before[-1].lower().strip("'’\"”") if before else ""


def _head(name: str) -> str:
    """The head noun of a name, singular: "Battles of Khalkhin Gol" -> "battle"."""
    word = _head_word(name)
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if _plural_word(word):
        return word[:-1]
    return word


_OF = re.compile(r"\s+(?:of|between|with|at|in|on|to|for|from|against|ending)\s+")


def _plural_word(word: str) -> bool:
    return word.endswith("s") and not word.endswith(("ss", "us", "is", "'s", "’s"))


def _plural(name: str) -> bool:
    """Whether a name is plural: its head noun is ("the Locarno Treaties", "Anglo-Soviet
    relations", "the Battles of Khalkhin Gol"), or it joins two documents ("the Nazi-Soviet
    Pact and Secret Protocol")."""
    if re.search(rf"\b(?:{'|'.join(_DOCUMENTS)})\s+and\s+\w", _OF.split(name)[0],
                 re.IGNORECASE):
        return True
    if re.search(r"\band (?:his|her|their) \w+$", name):
        return True  # "Nicholas II and his family"
    return _plural_word(_head_word(name))


def _agree(subject: str, verb: str) -> str:
    """'was signed' -> 'were signed' after a plural subject."""
    return "were" + verb[3:] if verb.startswith("was ") and _plural(subject) else verb


_ACTION_NAMES = {
    "dissolution": "was dissolved", "founding": "was founded", "formation": "was formed",
    "creation": "was created", "death": "died", "assassination": "was assassinated",
    "publication": "was published", "restoration": "was restored",
    "remilitarisation": "was remilitarised", "annexation": "was annexed",
    "occupation": "was occupied", "expulsion": "was expelled",
}


def _event_fact(event: Any) -> str:
    """One plain clause: 'The Comintern was dissolved on 15 May 1943'. The topic's own
    wording (``clause``) comes first; otherwise it is made from the name and kind."""
    when = event_when(event)
    if getattr(event, "clause", None):
        return f"{event.clause} {_when_done(event, event.clause, when)}"
    name = re.sub(r"\s*\([^)]*\)", "", event.name).strip()
    action = _action(name)
    if action:
        subject, verb = action
        return f"{subject} {verb} {_when_done(event, verb, when)}"
    if _CLAUSE_NAME.search(name):
        # Names that are already clauses: "Litvinov dismissed; Molotov appointed ...".
        return f"{name[0].upper()}{name[1:]} {when}"
    name = event_name(event)
    verb = _verb(event, name)
    when = _when_done(event, verb, when)
    if verb == "lasted" and when.startswith("on "):
        verb = "began"
    return f"{name[0].upper()}{name[1:]} {verb} {when}"


def _action(name: str) -> tuple[str, str] | None:
    """A name of the form "Founding of X" as a subject and its verb: ("The Communist
    International", "was founded")."""
    m = re.match(r"(\w+) of (.+)$", name)
    if not (m and m.group(1).lower() in _ACTION_NAMES):
        return None
    subject = m.group(2)
    return f"{subject[0].upper()}{subject[1:]}", _agree(subject, _ACTION_NAMES[m.group(1).lower()])


def place_fact(event: Any, place: str) -> str:
    """Where an event happened, as one clause: 'The Nazi-Soviet Pact was signed in Moscow',
    'The Communist International was founded in Moscow'."""
    if getattr(event, "clause", None):
        return f"{event.clause} in {place}"
    action = _action(re.sub(r"\s*\([^)]*\)", "", event.name).strip())
    if action:
        return f"{action[0]} {action[1]} in {place}"
    name = event_name(event)
    verb = _verb(event, name)
    if verb.endswith("lasted"):
        verb = _agree(name, "took place")
    return f"{name[0].upper()}{name[1:]} {verb} in {place}"


def _when_done(event: Any, words: str, when: str) -> str:
    """``when``, or "between" the span's ends when ``words`` end with something done once:
    a treaty is signed on one day in that span, not over it."""
    return (_between(event) or when) if words.split()[-1] in _ONCE else when


# Things done once, at one moment: over a span of dates they happened "between" its ends.
_ONCE = {"signed", "founded", "dissolved", "formed", "created", "died", "assassinated",
         "published", "happened", "adopted", "issued", "appointed", "dismissed", "admitted",
         "expelled"}


def _between(event: Any) -> str | None:
    """'between 2 and 6 March 1919' for an event with a span of dates, else None."""
    if event.end is None or event.date is None or event.end.iso == event.date.iso:
        return None
    return f"between {_span(event.date, event.end, 'and')}"


_CLAUSE_NAME = re.compile(r";|\b(?!(?:United|Allied|Red|Fed)\b)\w+(?:ed|es|s)\s+"
                          r"(?:to|as|from|the)\b|"
                          r"\b(?:appointed|dismissed|admitted|expelled|becomes|leaves|joins|"
                          r"recognises|replaces|invades|dies|declares?)\b")


def _misconception_note(knowledge: Knowledge, *ids: str) -> str | None:
    for m in knowledge.misconceptions:
        if any(i in m.refs for i in ids):
            return m.correct
    return None


def _check_date(claim: Claim, knowledge: Knowledge) -> Verdict:
    event = knowledge.get(claim.subject)
    intervals = event_intervals(event)
    if not intervals or claim.when is None:
        return Verdict(UNVERIFIABLE)
    sources = tuple(event.sources)
    aspect = claim.detail.get("aspect", "whole")
    if aspect == "start":
        intervals = [(d.start, d.end) for d in [event.date, *event.accepted_dates]]
    elif aspect == "opening":
        # "Invaded in December" for 30 November: a month or season may run into the first
        # week; a day must be the day.
        slack = OPENING_DAYS if claim.when.precision != "day" else dt.timedelta(0)
        intervals = [(d.start, d.end + slack) for d in [event.date, *event.accepted_dates]]
    elif aspect == "end" and event.end is not None:
        intervals = [(d.start, d.end) for d in [event.end, *event.accepted_ends]]
    elif aspect == "end":
        # "the pact lasted until June 1941": an agreement made on one day ends when the
        # knowledge says it stopped being in force, or its end is not known
        until = getattr(event, "in_force_until", None)
        if until is None and getattr(event, "kind", None) not in ENDING_KINDS:
            return Verdict(UNVERIFIABLE)
        # "the Comintern, which lasted until 1943": its dissolution is the day it ended
        intervals = [(until.start, until.end)] if until is not None else intervals
    ends = stated_ends(claim.when)
    if ends is not None and aspect == "whole" and ends[0][0].year != ends[1][0].year \
            and _sometime_between(claim, event):
        # "between 1939 and 1941 the USSR annexed the Baltic states": it happened then
        return Verdict(SUPPORTED, sources=sources, expected=_event_fact(event))
    if ends is not None and aspect == "whole" and event.end is not None \
            and event.end.iso != event.date.iso:
        return _check_event_span(claim, knowledge, event, ends)
    if ends is not None and aspect == "whole" and ends[0][0].year != ends[1][0].year:
        # "the pact lasted from 1939 to 1943": years of something made on one day are its
        # life, not its making; checked only where the knowledge says how long it lasted
        return _check_life(claim, knowledge, event, ends)
    stated = _widen(claim)
    when = claim.when
    if aspect == "end" and when.opened_by in UNTIL_WORDS \
            and (closed := _closed(when)) is not None:
        # "lasted until 1941": the end is 1941 itself, not any time up to it
        stated = closed
        ok = any(_overlaps(stated, i) for i in intervals)
    elif when.open_start:
        ok = any(i[0] <= stated[1] for i in intervals)
    elif when.open_end:
        ok = any(i[1] >= stated[0] for i in intervals)
    else:
        ok = any(_overlaps(stated, i) for i in intervals)
    fact = _start_fact(event) if aspect in ("start", "opening") else _event_fact(event)
    if aspect == "end" and getattr(event, "kind", None) not in ENDING_KINDS:
        name = event_name(event)
        end = event.end if event.end is not None else event.in_force_until
        fact = f"{name[0].upper()}{name[1:]} ended {_on(end)}"
    if ok:
        return Verdict(SUPPORTED, sources=sources, expected=fact)
    if claim.detail.get("described"):
        # "the alliance with France in 1935" was taken for the event it best describes;
        # a date that does not fit may mean another event of that description.
        return Verdict(UNVERIFIABLE, sources=sources, expected=fact)
    said = claim.when.as_said if claim.when is not None and claim.when.relative else claim.stated
    correction = f"{fact}, not {_as_stated(said)}."
    return Verdict(CONTRADICTED, correction, sources, fact,
                   _misconception_note(knowledge, event.id))


_LASTING = re.compile(r"\b(?:last|lasted|lasting|lasts|ran|run|runs|raged|continued|went\s+on)\b",
                     re.IGNORECASE)


def _sometime_between(claim: Claim, event: Any) -> bool:
    """"Between 1939 and 1941" with no verb of lasting holds an event when every date the
    knowledge accepts for its start and end lies within (and says nothing new when one
    does not: the years may be its life, checked as such)."""
    when = claim.when
    if when is None or not when.text.lower().startswith("between") \
            or _LASTING.search(claim.text):
        return False
    ends = [v for v in (event.date, *event.accepted_dates, event.end, *event.accepted_ends)
            if v is not None]
    return all(when.start <= v.start and v.end <= when.end for v in ends)


def _check_life(claim: Claim, knowledge: Knowledge, event: Any,
                ends: tuple[Interval, Interval]) -> Verdict:
    """A span of years said of an agreement made on one day: from its making to its end."""
    until = getattr(event, "in_force_until", None)
    if until is None:
        return Verdict(UNVERIFIABLE)
    name = event_name(event)
    fact = (f"{name[0].upper()}{name[1:]} lasted from {format_date(event.date)} "
            f"until {format_date(until)}")
    return _judge_span(claim, knowledge, event, ends, [(until.start, until.end)], fact)


def _check_event_span(claim: Claim, knowledge: Knowledge, event: Any,
                      ends: tuple[Interval, Interval]) -> Verdict:
    """"The Winter War of 1939-41": both ends must be right."""
    finishes = [(d.start, d.end) for d in [event.end, *event.accepted_ends]]
    name = event_name(event)
    fact = f"{name[0].upper()}{name[1:]} lasted from {_span(event.date, event.end, 'to')}"
    return _judge_span(claim, knowledge, event, ends, finishes, fact)


def _judge_span(claim: Claim, knowledge: Knowledge, event: Any,
                ends: tuple[Interval, Interval], finishes: list[Interval],
                fact: str) -> Verdict:
    """Both stated ends against the event's accepted starts and these ends. A wrong span is
    called wrong only when it is written on the event itself ("the war of 1939-41", "the
    war, which lasted from ..."); a span of something else in its clause is not its to
    judge."""
    starts = [(d.start, d.end) for d in [event.date, *event.accepted_dates]]
    sources = tuple(event.sources)
    if ends_agree(ends, starts, finishes):
        return Verdict(SUPPORTED, sources=sources, expected=fact)
    if not claim.detail.get("attached"):
        return Verdict(UNVERIFIABLE, sources=sources, expected=fact)
    return Verdict(CONTRADICTED, f"{fact}, not {_as_span(claim.stated)}.", sources, fact,
                   _misconception_note(knowledge, event.id))


def _as_span(stated: str) -> str:
    """'1939-41' stays as written after "not"; 'from 1939 to 1941' brings its own word."""
    return stated.strip() if stated.strip()[:1].isdigit() else _as_stated(stated)


def _as_stated(stated: str) -> str:
    """The student's date after "not": with "on" or "in" unless it brings its own word
    ("not since 1933", "not after 1938")."""
    s = stated.strip()
    if not s or _OWN_PREPOSITION.match(s):
        return s
    return f"on {s}" if _A_DAY.match(s) else f"in {s}"


_OWN_PREPOSITION = re.compile(
    r"(?:in|on|at|by|during|since|from|between|after|before|until|till|around|about|c\.|"
    r"circa|under|within|throughout|towards?)\b", re.IGNORECASE)
# "17 September 1939", "the 17th of September", "17-18 September", "September 17, 1939"
_A_DAY = re.compile(r"(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2}(?:st|nd|rd|th)?)?"
                    r"\s+[A-Za-z]|[A-Za-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}")


# -- eras and sequences ---------------------------------------------------------------------


def _check_era(claim: Claim, knowledge: Knowledge) -> Verdict:
    event = knowledge.get(claim.subject)
    intervals = event_intervals(event)
    if not intervals:
        return Verdict(UNVERIFIABLE)
    sources = tuple(event.sources)
    fact = _event_fact(event)
    detail = claim.detail
    if "leader" in detail:
        # A policy or treaty belongs to the leader in whose time it began; its ending to
        # the one in whose time it ended; keeping it going to any while it lasted.
        era = (dt.date.fromisoformat(detail["era_start"]), dt.date.fromisoformat(detail["era_end"]))
        aspect = detail.get("aspect", "start")
        if aspect == "end":
            points = [(d.start, d.end) for d in [event.end, *event.accepted_ends]
                      if d is not None]
        elif aspect == "during":
            points = intervals
        else:
            points = [(d.start, d.end) for d in [event.date, *event.accepted_dates]]
        if not points:
            return Verdict(UNVERIFIABLE)
        if any(_overlaps(era, i) for i in points):
            return Verdict(SUPPORTED, sources=sources, expected=fact)
        leader = knowledge.get(detail["leader"])
        who = _leader_at(knowledge, points[0][1] if aspect == "end" else points[0][0])
        when = "it ended" if aspect == "end" else "it began" if event.end is not None else ""
        tail = (f"; {when} when {who} led the Soviet state" if when else
                f", when {who} led the Soviet state") if who and aspect != "during" else ""
        lname = leader.name if leader is not None else detail["leader"]
        verdict = {"end": "it did not end in",
                   "during": "it began after" if points[0][0] > era[1] else "it was over before",
                   }.get(aspect, "it does not belong to")
        correction = f"{fact}{tail} — {verdict} {_short(lname)}'s time."
        return Verdict(CONTRADICTED, correction, sources, fact,
                       _misconception_note(knowledge, event.id))
    period = (dt.date.fromisoformat(detail["period_start"]) - ERA_TOLERANCE,
              dt.date.fromisoformat(detail["period_end"]) + ERA_TOLERANCE)
    if any(_overlaps(period, i) for i in intervals):
        return Verdict(SUPPORTED, sources=sources, expected=fact)
    span = f"{detail['period_start'][:4]}-{detail['period_end'][:4]}"
    correction = (f"{fact} — this paragraph is about {span}, so it is out of place here.")
    return Verdict(CONTRADICTED, correction, sources, fact,
                   _misconception_note(knowledge, event.id))


def _leader_at(knowledge: Knowledge, day: dt.date) -> str | None:
    for era in getattr(knowledge, "eras", ()):
        if era.start.start <= day <= era.end.end:
            person = knowledge.get(era.leader)
            return _short(person.name) if person is not None else era.leader
    return None


def _short(name: str) -> str:
    """'Joseph Vissarionovich Stalin' -> 'Stalin'; 'Vladimir Lenin' -> 'Lenin'."""
    return name.split()[-1] if name else name


def _check_sequence(claim: Claim, knowledge: Knowledge) -> Verdict:
    event = knowledge.get(claim.subject)
    anchor = knowledge.get(claim.detail.get("anchor", ""))
    ev, an = event_intervals(event), event_intervals(anchor)
    if not ev or not an:
        return Verdict(UNVERIFIABLE)
    sources = tuple(dict.fromkeys([*event.sources, *anchor.sources]))
    fact = f"{_event_fact(event)}; {_clause(_event_fact(anchor))}"
    ok = _in_order(claim, ev, an)
    # "In 1924 they signed Rapallo. Three years later ...": the year written beside the
    # anchor may be what the student counted from; the verdict must hold for both readings
    readings = [_in_order(claim, ev, [(dt.date(y, 1, 1), dt.date(y, 12, 31))])
                for y in claim.detail.get("anchor_years", ())]
    if any(r != ok for r in readings):
        return Verdict(UNVERIFIABLE, sources=sources, expected=fact)
    if ok:
        return Verdict(SUPPORTED, sources=sources, expected=fact)
    if claim.detail.get("guessed"):
        # "Five years later Hitler invaded": which of his invasions is a guess, and the
        # knowledge need not hold them all; an order none fits is not called wrong
        return Verdict(UNVERIFIABLE, sources=sources, expected=fact)
    return Verdict(CONTRADICTED, f"{gap_fact(event, anchor)}.", sources, fact,
                   _misconception_note(knowledge, event.id))


def _in_order(claim: Claim, ev: list[Interval], an: list[Interval]) -> bool:
    """Whether the event's dates stand to the anchor's as the claim says."""
    relation = claim.detail.get("relation", "after")
    tol = SEQUENCE_TOLERANCE if claim.inherited else dt.timedelta(days=1)
    off_min, off_max = claim.detail.get("offset_min"), claim.detail.get("offset_max")
    step = {"same_year": 0, "following_year": 1, "previous_year": -1}.get(
        claim.detail.get("relative", ""))
    if step is not None:
        # "in the same year", "later that year", "the following year": calendar years, and
        # within the same one the order said
        return any(e[0].year <= a[1].year + step and a[0].year + step <= e[1].year
                   and (step or off_min < 0 or e[1] >= a[0] - tol)
                   and (step or off_max > 0 or e[0] <= a[1] + tol)
                   for a in an for e in ev)
    if off_min is not None and off_max is not None and abs(off_max) < OPEN_DAYS \
            and abs(off_min) < OPEN_DAYS and (off_min, off_max) != (0, 0):
        # "five days later", "a year after Munich": a window around anchor + offset,
        # widened by a fifth of the offset (at least 3 days, at most a quarter).
        lo, hi = sorted((off_min, off_max))
        slack = dt.timedelta(days=min(92, max(1, int(0.2 * max(abs(lo), abs(hi))))))
        years = claim.detail.get("offset_years")
        return any(
            _overlaps((a[0] + dt.timedelta(days=lo) - slack,
                       a[1] + dt.timedelta(days=hi) + slack), e)
            # "two years later" for 1934 -> 1936 counts calendar years, as students do
            or (years is not None and e[0].year - a[0].year == years
                and abs((e[0] - a[0]).days) > 365 * (abs(years) - 1) + 120)
            for a in an for e in ev
        )
    if relation == "before":
        return any(e[0] <= a[1] + tol for a in an for e in ev)
    return any(e[1] >= a[0] - tol for a in an for e in ev)


def gap_fact(event: Any, anchor: Any) -> str:
    """How far apart two events began: 'Litvinov was dismissed ... on 3 May 1939 — about 7
    months after the Munich Agreement was signed ...'."""
    e0, a0 = event_intervals(event)[0][0], event_intervals(anchor)[0][0]
    gap = _gap_words(abs((a0 - e0).days))
    order = "before" if e0 < a0 else "after"
    return f"{_start_fact(event)} — {gap} {order} {_clause(_start_fact(anchor))}"


def _start_fact(event: Any) -> str:
    """When an event began, as a clause: 'the Second World War began on 1 September 1939'.
    Something done once (signed, founded) has no start of its own: its fact says when."""
    fact = _event_fact(event)
    between = _between(event)
    if between and between in fact:
        return fact
    if event.end is not None and event.end.iso != event.date.iso:
        name = event_name(event)
        return f"{name[0].upper()}{name[1:]} began {_on(event.date)}"
    return fact


def _clause(sentence: str) -> str:
    """A fact sentence used inside another: 'The Second World War began' -> 'the Second...'."""
    return sentence[0].lower() + sentence[1:] if sentence.startswith("The ") else sentence


def _gap_words(days: int) -> str:
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 60:
        return f"about {round(days / 7)} weeks"
    if days < 700:
        return f"about {round(days / 30.4)} months"
    return f"about {round(days / 365.25)} years"


# -- offices ------------------------------------------------------------------------------


def _check_office(claim: Claim, knowledge: Knowledge) -> Verdict:
    """A person in an office at a time. "Never held it" is only said when the office has
    one holder at a time and the knowledge names someone else for the stated time (or for
    the whole topic period when no time is stated): a person's list of offices is not
    exhaustive, but the list of holders of a one-holder office can be."""
    person = knowledge.get(claim.subject)
    office_ids = claim.detail.get("offices") or [claim.detail["office"]]
    if len(office_ids) > 1 and person is not None:
        # "Molotov, foreign minister": of the offices the title can name, the one this
        # person ever held is meant.
        held = [o for o in office_ids if any(t.office == o for t in getattr(person, "offices", ()))]
        own = held or _offices_of_nationality(knowledge, office_ids, person)
        if len(own) == 1:
            office_ids = own
    offices = [knowledge.get(o) for o in office_ids]
    if person is None or not all(offices) or not hasattr(person, "offices"):
        return Verdict(UNVERIFIABLE)
    sources = tuple(person.sources)
    pname = _short(person.name)
    others = [knowledge.get(c) for c in claim.detail.get("candidates", []) if c != person.id]
    if any(o is not None and hasattr(o, "offices") and _fits_any(o, office_ids, claim)
           for o in others):
        return Verdict(UNVERIFIABLE, note="The name could mean more than one person.")
    terms = [t for t in person.offices if t.office in office_ids]
    title = _office_name(offices[0])
    if claim.detail.get("first"):
        return _check_first_holder(claim, knowledge, person, offices[0], title)
    if claim.detail.get("at") and (claim.when is None or _within_stated(
            knowledge.get(claim.detail["at"]), claim)):
        # "In 1933 President Hoover recognised the USSR": the title is claimed for the day
        # of the deed, which the stated year contains
        return _check_office_at_event(claim, knowledge, person, offices, terms, title)
    if claim.detail.get("appointment"):
        return _check_appointment(claim, knowledge, person, terms, title, sources)
    if terms and claim.detail.get("anchor"):
        return _check_office_anchor(claim, knowledge, pname, terms, title, sources)
    if terms:
        fact = f"{pname} was {title} " + " and ".join(_term_words(t) for t in terms)
        if claim.detail.get("start") and claim.when is not None:
            window = _start_window(claim)
            if any(_overlaps(window, (s.start, s.end)) for t in terms
                   for s in [t.start, *t.accepted_starts]):
                return Verdict(SUPPORTED, sources=sources, expected=fact)
            correction = (f"{pname} became {title} {_on(terms[0].start)}, "
                          f"not {_as_stated(claim.when.as_said)}.")
            return Verdict(CONTRADICTED, correction, sources, fact)
        ends = stated_ends(claim.when)
        if ends is not None and ends[0][0].year != ends[1][0].year:
            return _check_term_span(claim, offices, pname, title, terms, ends, sources, fact)
        if _fits_any(person, office_ids, claim):
            if claim.when is None and claim.detail.get("acting"):
                # A title given to someone doing something, at a time not stated: true
                # of some time is not true of that one, unless it was held at the time
                # the essay is telling of ("In the early 1930s ... Litvinov, the foreign
                # commissar, ..."), which confirms it and never calls it wrong.
                told = claim.detail.get("context")
                if told and any(_overlaps((dt.date.fromisoformat(told[0]),
                                           dt.date.fromisoformat(told[1])), _term_bounds(t))
                                for t in terms):
                    return Verdict(SUPPORTED, sources=sources, expected=fact)
                return Verdict(UNVERIFIABLE, sources=sources, expected=fact)
            if claim.when is not None and claim.detail.get("acting") and not any(
                    _within_term(t, claim) for t in terms):
                # "In 1935 Eden, as Foreign Secretary, went to Moscow": he held it for
                # part of 1935, which may not be when he acted.
                return Verdict(UNVERIFIABLE, sources=sources, expected=fact)
            return Verdict(SUPPORTED, sources=sources, expected=fact)
    holders = _holders(knowledge, offices, claim)
    if not holders:
        return Verdict(UNVERIFIABLE)
    period = claim.detail.get("period") or ["", ""]
    when = _as_stated(claim.when.as_said) if claim.when else \
        f"between {period[0][:4]} and {period[1][:4]}"
    if terms:
        fact = f"{pname} was {title} only " + " and ".join(_term_words(t) for t in terms)
    else:
        fact = f"{pname} was never {title}"
    correction = f"{fact}; {when} the post was held by {join_words(holders)}."
    return Verdict(CONTRADICTED, correction, sources, fact, wrong=None if terms else "office")


def _offices_of_nationality(knowledge: Knowledge, office_ids: list[str],
                            person: Any) -> list[str]:
    """"Prime Minister Halifax": a title several states' offices share means the office of
    the person's own country, named by its adjective ("British Prime Minister")."""
    words = set(re.findall(r"[a-z]+", str(getattr(person, "nationality", "") or "").lower()))
    out = []
    for oid in office_ids:
        office = knowledge.get(oid)
        names = [getattr(office, "name", ""), *getattr(office, "aliases", ())]
        if words & {w for n in names for w in re.findall(r"[a-z]+", n.lower())}:
            out.append(oid)
    return out


def _check_first_holder(claim: Claim, knowledge: Knowledge, person: Any, office: Any,
                        title: str) -> Verdict:
    """"Lenin was the Comintern's first chairman": the earliest holder the knowledge lists,
    when that term begins within a year of the organisation's founding (else the list may
    not reach back far enough to say who was first)."""
    org = knowledge.get(claim.detail["first"])
    terms = sorted(((t.start.start, p, t) for p in knowledge.people for t in p.offices
                    if t.office == office.id), key=lambda x: x[0])
    founded = getattr(org, "founded", None)
    if not terms or founded is None or \
            (terms[0][0] - founded.start).days > 365:
        return Verdict(UNVERIFIABLE)
    _, first, term = terms[0]
    fact = f"The first {title} was {_short(first.name)} ({_term_words(term)})"
    sources = tuple(dict.fromkeys([*first.sources, *person.sources]))
    if first.id == person.id:
        return Verdict(SUPPORTED, sources=sources, expected=fact)
    return Verdict(CONTRADICTED, f"{fact}, not {_short(person.name)}.", sources, fact,
                   wrong="office")


def _within_stated(event: Any, claim: Claim) -> bool:
    """The event happened wholly within the time the clause states."""
    spans = event_intervals(event)
    return bool(spans) and claim.when is not None and all(
        claim.when.start <= s[0] and s[1] <= claim.when.end for s in spans)


def _check_office_at_event(claim: Claim, knowledge: Knowledge, person: Any,
                           offices: list[Any], terms: list[Any], title: str) -> Verdict:
    """"The German Chancellor Rathenau signed the Treaty of Rapallo": a title given to
    someone acting in a dated event is claimed for the event's days. Wrong only when the
    office has one holder at a time and the knowledge names another holder then."""
    event = knowledge.get(claim.detail["at"])
    spans = event_intervals(event)
    sources = tuple(person.sources)
    pname = _short(person.name)
    if not spans:
        return Verdict(UNVERIFIABLE)
    first, last = min(s[0] for s in spans), max(s[1] for s in spans)
    if any(_overlaps(_term_bounds(t), (first, last)) for t in terms):
        fact = f"{pname} was {title} " + " and ".join(_term_words(t) for t in terms)
        return Verdict(SUPPORTED, sources=sources, expected=fact)
    if len(offices) != 1 or not offices[0].single_holder:
        return Verdict(UNVERIFIABLE)
    holders = [p for p in knowledge.people if p.id != person.id and any(
        t.office == offices[0].id and (b := _term_bounds(t))[0] <= first and last <= b[1]
        for t in p.offices)]
    if len(holders) != 1:
        return Verdict(UNVERIFIABLE)
    fact = (f"{pname} was {title} only " + " and ".join(_term_words(t) for t in terms)
            if terms else f"{pname} was never {title}")
    correction = (f"{fact}; {event_when(event)}, at the time of {event_name(event)}, "
                  f"the post was held by {_short(holders[0].name)}.")
    return Verdict(CONTRADICTED, correction, tuple(dict.fromkeys([*sources, *event.sources])),
                   fact, wrong=None if terms else "office")


def _check_term_span(claim: Claim, offices: list[Any], pname: str, title: str,
                     terms: list[Any], ends: tuple[Interval, Interval],
                     sources: tuple[str, ...], fact: str) -> Verdict:
    """"Litvinov, foreign commissar from 1933 to 1939": the term's two ends. Wrong only for
    an office with one holder at a time, whose holders the knowledge lists in full."""
    for t in terms:
        starts = [(d.start, d.end) for d in [t.start, *t.accepted_starts]]
        finishes = [(d.start, d.end) for d in [t.end, *t.accepted_ends] if d is not None] \
            or [None]
        if ends_agree(ends, starts, finishes):
            return Verdict(SUPPORTED, sources=sources, expected=fact)
    if not all(o.single_holder for o in offices):
        return Verdict(UNVERIFIABLE, sources=sources, expected=fact)
    assert claim.when is not None
    return Verdict(CONTRADICTED, f"{fact}, not {_as_span(claim.when.as_said)}.", sources, fact,
                   wrong="span")


def _start_window(claim: Claim) -> Interval:
    """When a term is said to have begun: "in 1939" (widened), "since/from 1935" (that year,
    widened by half a year either way), "after 1929" (any time from then)."""
    assert claim.when is not None
    half = dt.timedelta(days=183)
    if claim.when.opened_by in ("after", "later than", "not before"):
        return claim.when.start, claim.when.end  # "became commissar after 1929": any time
    if claim.when.open_end:
        return claim.when.start - half, claim.when.start + dt.timedelta(days=365) + half
    return _widen(claim)


def _check_office_anchor(claim: Claim, knowledge: Knowledge, pname: str, terms: list[Any],
                         title: str, sources: tuple[str, ...]) -> Verdict:
    """"Stalin became General Secretary after Lenin died"."""
    anchor = knowledge.get(claim.detail["anchor"])
    spans = event_intervals(anchor)
    if not spans:
        return Verdict(UNVERIFIABLE)
    after = claim.detail.get("relation") == "after"
    tol = dt.timedelta(days=30)
    first = min(s.start for s in [terms[0].start, *terms[0].accepted_starts])
    fact = f"{pname} became {title} {_on(terms[0].start)}"
    if claim.detail.get("start"):
        ok = any((s.start >= a[0] - tol) if after else (s.end <= a[1] + tol)
                 for t in terms for s in [t.start, *t.accepted_starts] for a in spans)
    else:
        ok = any((t.end is None or t.end.end >= a[0] - tol) if after else (first <= a[1] + tol)
                 for t in terms for a in spans)
    if ok:
        return Verdict(SUPPORTED, sources=sources, expected=fact)
    order = "before" if after else "after"
    correction = f"{fact}, {order} {_clause(_start_fact(anchor))}."
    return Verdict(CONTRADICTED, correction, tuple(dict.fromkeys([*sources, *anchor.sources])),
                   fact)


def _check_appointment(claim: Claim, knowledge: Knowledge, person: Any, terms: list[Any],
                       title: str, sources: tuple[str, ...]) -> Verdict:
    """"A new foreign commissar was brought in" in 1933 or later: when did the term begin?"""
    pname = _short(person.name)
    if not terms or claim.when is None:
        return Verdict(UNVERIFIABLE)
    fact = f"{pname} became {title} {_on(terms[0].start)}"
    when_start = claim.when.start
    when_end = claim.when.end if not claim.when.open_end else dt.date(2100, 1, 1)
    for t in terms:
        starts = [t.start, *t.accepted_starts]
        if any(when_start - NEW_IN_OFFICE <= s.end and s.start <= when_end for s in starts):
            return Verdict(SUPPORTED, sources=sources, expected=fact)
    correction = (f"{pname} was not newly appointed then: he had been {title} since "
                  f"{format_date(terms[0].start)}, before {claim.when.as_said}.")
    return Verdict(CONTRADICTED, correction, sources, fact)


def _fits_any(person: Any, office_ids: list[str], claim: Claim) -> bool:
    return any(_fits_office(person, o, claim) for o in office_ids)


def _office_name(office: Any) -> str:
    return re.sub(r"\s*\([^)]*\)", "", office.name)


def _fits_office(person: Any, office_id: str, claim: Claim) -> bool:
    """Did the person hold the office at (some accepted reading of) the stated time?"""
    for t in person.offices:
        if t.office != office_id:
            continue
        if claim.when is None:
            return True
        t_start, t_end = _term_bounds(t)
        if claim.when.open_end:
            w_start, w_end = _start_window(claim)  # "from 1935": held it from about then
        else:
            w_start, w_end = _widen(claim)
        if claim.when.open_start:
            w_start = dt.date(1000, 1, 1)
        if t_start <= w_end and w_start <= t_end:
            return True
    return False


def _term_bounds(term: Any) -> tuple[dt.date, dt.date]:
    """The first and last day a term may have covered, by its widest accepted dates (a
    term with no end runs on)."""
    start = min(s.start for s in [term.start, *term.accepted_starts])
    end = max((e.end for e in [term.end, *term.accepted_ends] if e is not None),
              default=dt.date(2100, 1, 1))
    return start, end


def _within_term(term: Any, claim: Claim) -> bool:
    """The whole stated time lies inside the term (by its widest accepted dates)."""
    assert claim.when is not None
    start, end = _term_bounds(term)
    return start <= claim.when.start and claim.when.end <= end


def _holders(knowledge: Knowledge, offices: list[Any], claim: Claim) -> list[str]:
    """Who held a one-holder office at the stated time, or — when no time is stated —
    throughout the topic's period, if the knowledge's holders cover it without gaps."""
    if len(offices) != 1 or not offices[0].single_holder:
        return []
    office_id = offices[0].id
    if claim.when is not None:
        if claim.when.open_end or claim.when.open_start:
            return []
        return [_short(p.name) for p in knowledge.people
                if p.id != claim.subject and _fits_office(p, office_id, claim)][:2]
    period = claim.detail.get("period")
    if not period:
        return []
    p_start, p_end = (dt.date.fromisoformat(period[0]), dt.date.fromisoformat(period[1]))
    terms = sorted(
        (*_term_bounds(t), _short(p.name))
        for p in knowledge.people for t in p.offices if t.office == office_id
        and p.id != claim.subject
    )
    covered, names = p_start, []
    for t_start, t_end, name in terms:
        if covered >= p_end:
            break
        if t_end < covered:
            continue
        if t_start > covered + dt.timedelta(days=92):
            return []  # a gap: someone the knowledge does not list may have held it
        covered = max(covered, t_end)
        if name not in names:
            names.append(name)
    return names if covered >= p_end else []


def _office_title(knowledge: Knowledge, term: Any) -> str:
    office = knowledge.get(term.office)
    title = getattr(term, "title", None) or (office.name if office is not None else term.office)
    return re.sub(r"\s*\([^)]*\)", "", title)


def _term_words(term: Any) -> str:
    if term.end is None:
        return f"from {format_date(term.start)}"
    return f"from {format_date(term.start)} to {format_date(term.end)}"


# -- parties ------------------------------------------------------------------------------


# Ways of taking part in a treaty or meeting short of signing it.
TAKING_PART_VERBS = frozenset({"negotiate", "attend", "discuss", "talk", "meet", "lead",
                               "represent", "participate"})


def _check_party(claim: Claim, knowledge: Knowledge) -> Verdict:
    """Who took part or signed, each named party a detail of its own: it agrees when the
    knowledge lists it (or it led a state that took part: a head of government "signs"
    what the government signed), contradicts when the knowledge says it did not or its
    list is complete without it, and is unchecked otherwise."""
    event = knowledge.get(claim.subject)
    if event is None:
        return Verdict(UNVERIFIABLE)
    sources = tuple(event.sources)
    parties = set(event.parties)
    signatories = set(getattr(event, "signatories", ()) or ())
    if claim.detail.get("negated"):
        return _check_not_party(claim, knowledge, event)
    non_signatories = set(event.non_signatories) | set(event.non_parties)
    joined = {j.party: j for j in event.joined}
    verbs = set(claim.detail.get("verbs", ()))
    joining = bool(verbs & JOINING)
    statuses: list[str] = []
    for pid, section in zip(claim.detail["parties"], claim.detail["sections"], strict=False):
        if pid in joined:
            # A later member: right as one who joined, wrong among those who made it.
            statuses.append(AGREES if joining else CONTRADICTS)
        elif pid in parties or pid in signatories or _led_a_party(knowledge, pid, event):
            statuses.append(AGREES)
        elif section == "unknown_people":
            statuses.append(CONTRADICTS if event.signatories_complete else UNCHECKED)
        elif pid in non_signatories:
            # who did not sign may still have negotiated or attended ("Trotsky negotiated
            # at Brest-Litovsk"): only signing, or no verb of taking part, is contradicted
            statuses.append(UNCHECKED if verbs & TAKING_PART_VERBS else CONTRADICTS)
        elif _answered_for_a_party(knowledge, pid, event):
            statuses.append(UNCHECKED)
        elif section == "states":
            statuses.append(CONTRADICTS if event.parties_complete else UNCHECKED)
        elif event.signatories_complete:
            statuses.append(CONTRADICTS)
        else:
            statuses.append(UNCHECKED)
    wrong = [p for p, s in zip(claim.detail["parties"], statuses, strict=False)
             if s == CONTRADICTS]
    fact_bits = []
    day = event.date.start if event.date is not None else None
    name = event_name(event)
    its, it_was = ("their", "they were") if _plural(name) else ("its", "it was")
    if event.parties_complete and parties:
        fact_bits.append(
            f"{its} parties were {join_words(_names(knowledge, list(event.parties), day))}")
    if signatories:
        who = join_words(_names(knowledge, list(event.signatories)))
        fact_bits.append(f"{it_was} signed by {who}" if event.signatories_complete
                         else f"{its} signatories included {who}")
    late = [joined[p] for p, st in zip(claim.detail["parties"], statuses, strict=False)
            if p in joined and st == CONTRADICTS]
    if late:
        fact_bits.append("; ".join(f"{join_words(_names(knowledge, [j.party]))} joined only "
                                   f"{_on(j.date)}" for j in late))
    fact = f"{name[0].upper()}{name[1:]}: " + " and ".join(fact_bits) if fact_bits else None
    details = _party_details(claim, statuses, fact)
    if not wrong:
        if not fact_bits and AGREES not in statuses:
            return Verdict(UNVERIFIABLE, details=details)
        verdict = SUPPORTED if set(statuses) == {AGREES} else UNVERIFIABLE
        return Verdict(verdict, sources=sources, expected=fact, details=details)
    bad = join_words(_names(knowledge, wrong))
    correction = (f"{fact} — not {bad}." if fact else f"{bad} did not take part in {name}.")
    return Verdict(CONTRADICTED, correction, sources, fact,
                   _misconception_note(knowledge, event.id), details=details)


JOINING = {"join", "accede", "adhere", "enter"}


def _led_a_party(knowledge: Knowledge, pid: str, event: Any) -> bool:
    """The person led one of the event's states when it happened ("Stalin signed the
    pact"): teachers accept a leader as the doer of what their government did."""
    person = knowledge.get(pid)
    if event.date is None or not getattr(person, "led", ()):
        return False
    day = event.date.start
    return any(era.state in event.parties and era.start.start <= day <= era.end.end
               for era in person.led)


def _answered_for_a_party(knowledge: Knowledge, pid: str, event: Any) -> bool:
    """The person was foreign minister of one of an agreement's states when it was signed
    ("Litvinov signed the pact with France", which his ambassador signed): a teacher may
    let the minister stand for the signature, so it is neither ticked nor called wrong."""
    person = knowledge.get(pid)
    if event.date is None or getattr(event, "kind", None) not in AGREEMENTS:
        return False
    day = event.date.start
    for term in getattr(person, "offices", ()):
        office = knowledge.get(term.office)
        if getattr(office, "foreign_affairs", False) and office.state in event.parties \
                and term.start.start <= day and (term.end is None or day <= term.end.end):
            return True
    return False


def _party_details(claim: Claim, statuses: list[str], fact: str | None) -> tuple[Detail, ...]:
    spans = claim.detail.get("spans") or []
    out = []
    for (start, end), status, section in zip(spans, statuses, claim.detail["sections"],
                                             strict=False):
        slot = "parties" if section == "states" else "actor"
        words = claim.text[start - claim.start:end - claim.start]
        out.append(Detail(slot, words, start, end, status, fact))
    return tuple(out)


def _check_not_party(claim: Claim, knowledge: Knowledge, event: Any) -> Verdict:
    """"the Kellogg-Briand Pact, which the USSR refused to join": wrong if it was a party."""
    took_part = [p for p in claim.detail["parties"] if p in event.parties]
    name = event_name(event)
    if not took_part:
        # "the USSR was not invited to Munich": right when the knowledge lists every party
        # (or names this one as a party it is often wrongly said to be); people are left
        # alone (a leader is said to do what their government did)
        states = [p for p, section in zip(claim.detail["parties"], claim.detail["sections"],
                                          strict=False) if section == "states"]
        joined = {j.party for j in event.joined}
        # only "not invited": "refused to join" also says it was asked, which is not checked
        verbs = set(claim.detail.get("verbs", ()))
        if verbs and verbs <= INVITING_VERBS and states \
                and len(states) == len(claim.detail["parties"]) and all(
                (event.parties_complete or p in event.non_parties) and p not in joined
                for p in states):
            who = join_words(_names(knowledge, states, event.date.start if event.date else None))
            return Verdict(SUPPORTED, sources=tuple(event.sources),
                           expected=f"{who[0].upper()}{who[1:]} took no part in {name}")
        return Verdict(UNVERIFIABLE)
    who = join_words(_names(knowledge, took_part, event.date.start if event.date else None))
    fact = f"{who[0].upper()}{who[1:]} took part in {name}"
    note = getattr(event, "date_note", None)
    correction = f"{fact} ({_event_fact(event)})." if not note else f"{fact}: {note}"
    return Verdict(CONTRADICTED, correction, tuple(event.sources), fact)


def _names(knowledge: Knowledge, ids: list[str], day: dt.date | None = None) -> list[str]:
    """Display names; a state is named as it was called on ``day`` ("Soviet Russia" before
    the USSR was formed)."""
    out = []
    for i in ids:
        entry = knowledge.get(i)
        if getattr(entry, "section", "") == "states":
            out.append(state_name(entry, day))
            continue
        if i.startswith("person:"):
            out.append(i.split(":", 1)[1])
            continue
        e = knowledge.get(i)
        out.append(_short(e.name) if getattr(e, "section", "") == "people" else
                   (e.name if e is not None else i))
    return out


def state_name(state: Any, day: dt.date | None) -> str:
    """The state's name for a sentence, avoiding names its ``alias_periods`` say are
    anachronistic on ``day``, with 'the' where English needs it."""
    late: set[str] = set()
    for period in state.data.get("alias_periods", ()) or ():
        if day is not None and day < iso_span(str(period["from"]))[0]:
            late.update(a.lower() for a in period["aliases"])
    chosen = next((n for n in (state.name, *state.aliases) if n.lower() not in late), state.name)
    return f"the {chosen}" if _NEEDS_THE.match(chosen) else chosen


_NEEDS_THE = re.compile(r"^(Soviet Union|United |Ottoman|USSR|Weimar Republic|Third Reich)")


def join_words(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# -- attributions -------------------------------------------------------------------------


def roles_of(entry: Any) -> set[str]:
    """What a person or writer was: their category, listed roles, and role words in their
    description that are not negated ("not primarily a historian")."""
    roles = {str(getattr(entry, "category", "") or "").lower()}
    roles.update(r.lower() for r in getattr(entry, "roles", ()) or ())
    desc = str(getattr(entry, "description", "") or "").lower()
    for word in ("historian", "journalist", "politician", "diplomat", "economist", "writer",
                 "theorist", "biographer", "author"):
        for m in re.finditer(rf"\b{word}s?\b", desc):
            if not re.search(r"\b(not|rather than|never|nor)\b[\w\s,-]{0,25}$", desc[: m.start()]):
                roles.add(word)
    if "biographer" in roles or "author" in roles:
        roles.add("writer")
    return roles


def _listed_title(written: str, owners: list[Any]) -> str:
    """The title as the knowledge lists it ("Stumbling Colossus"), not as typed: the claim
    found it as one of the same variants (:func:`title_variants`), in any case and spacing."""
    wanted = " ".join(written.lower().split())
    return next((title for work in _works(owners) for title in title_variants(work)
                 if " ".join(title.lower().split()) == wanted), written)


def _work_years(work: str) -> list[int]:
    """The years a listed work gives in brackets: "The Great Terror (1968)" -> [1968]."""
    return [int(y) for y in re.findall(r"\((?:[^()]*?)((?:18|19|20)\d\d)\)", work)]


def _works(owners: list[Any]) -> list[str]:
    return [work for owner in owners for work in getattr(owner, "works", ()) or ()]


def _published(written: str, owners: list[Any]) -> list[int]:
    """The years the knowledge gives for the work of this title ("The Great Terror (1968)"
    and its "Reassessment (1990)"), in order; empty when it gives none."""
    return sorted({y for work in _works(owners) if is_titled(work, written)
                   for y in _work_years(work)})


def _other_works_year(owners: list[Any], title: str, year: int) -> bool:
    """Whether ``year`` is when another listed work of these writers came out."""
    return any(year in _work_years(work) for work in _works(owners)
               if not is_titled(work, title))


def _check_work(claim: Claim, knowledge: Knowledge) -> Verdict:
    """A book credited to a writer: contradicted only when the knowledge lists the title
    under someone else and not under this writer (or the person they are the same as)."""
    entry = knowledge.get(claim.subject)
    owners = [knowledge.get(o) for o in claim.detail["owners"]]
    owners = [o for o in owners if o is not None]
    if entry is None or not owners:
        return Verdict(UNVERIFIABLE)
    mine = {entry.id} | ({entry.same_as} if getattr(entry, "same_as", None) else set())
    if claim.detail.get("one_of_many"):  # "a biography of Stalin": many wrote one
        return Verdict(SUPPORTED, sources=tuple(entry.sources),
                       expected=f"{entry.name} wrote {claim.detail['work']}") \
            if entry.id in {o.id for o in owners} else Verdict(UNVERIFIABLE)
    title = _listed_title(claim.detail["work"], owners)
    by = join_words([o.name for o in owners])
    sources = tuple(dict.fromkeys(s for o in owners for s in o.sources))
    fact = f"{title} is by {by}"
    if mine & {o.id for o in owners} or any(
            getattr(o, "same_as", None) and o.same_as in mine for o in owners):
        stated = claim.detail.get("year")
        years = _published(claim.detail["work"], owners)
        off = stated is not None and bool(years) and all(abs(stated - y) > 1 for y in years)
        if off and claim.detail.get("reference") and not _other_works_year(owners, title,
                                                                           stated):
            # "Taylor, The Origins of the Second World War, 1964": a reference gives the
            # edition the student read, which may be a later one; only another book's year
            # ("The Great Terror, 1986", the year of The Harvest of Sorrow) is a mix-up
            return Verdict(UNVERIFIABLE, sources=sources, expected=fact,
                           note="A reference may give a later edition's year.")
        if off:
            when = str(years[0]) if len(years) == 1 else \
                f"{years[0]} (again in {join_words([str(y) for y in years[1:]])})"
            return Verdict(CONTRADICTED, f"{title} was published in {when}, not {stated}.",
                           sources, f"{fact}, published in {when}", wrong="time")
        if stated is not None and not years:
            return Verdict(UNVERIFIABLE, note="When it was published is not in the reference "
                                              "knowledge.")
        return Verdict(SUPPORTED, sources=sources, expected=fact)
    for other in claim.detail.get("candidates", []):
        if other in {o.id for o in owners}:
            return Verdict(UNVERIFIABLE, note="The name could mean more than one person.")
    return Verdict(CONTRADICTED, f"{fact}, not {entry.name}.", sources, fact)


def _check_cited_year(claim: Claim, knowledge: Knowledge) -> Verdict:
    """"(Haslam, 1984)": agrees when a listed work of the writer came out that year (or the
    next: editions and printings differ); otherwise unchecked, never wrong."""
    entry = knowledge.get(claim.subject or "")
    year = claim.detail["cited_year"]
    for work in getattr(entry, "works", ()) or ():
        if any(abs(y - year) <= 1 for y in _work_years(work)):
            return Verdict(SUPPORTED, sources=tuple(entry.sources),
                           expected=f"{entry.name}, {work}")
    return Verdict(UNVERIFIABLE, note="Which of the writer's works this is, is not in the "
                                      "reference knowledge.")


def _nationality_ok(entry: Any, stated: str) -> bool | None:
    """None when the knowledge does not know the nationality."""
    known = str(getattr(entry, "nationality", "") or "").lower()
    if not known or "unverified" in known:
        return None
    words = NATIONALITIES.get(stated, (stated,))
    return any(re.search(rf"\b{re.escape(w)}\b", known) for w in words)


def _check_attribution(claim: Claim, knowledge: Knowledge) -> Verdict:
    if "work" in claim.detail:
        return _check_work(claim, knowledge)
    if "cited_year" in claim.detail:
        return _check_cited_year(claim, knowledge)
    entry = knowledge.get(claim.subject)
    if entry is None:
        return Verdict(UNVERIFIABLE)
    nat = claim.detail.get("nationality")
    if nat and _nationality_ok(entry, nat) is False and not claim.detail.get("candidates"):
        return Verdict(
            CONTRADICTED,
            f"{entry.name} was not {'an' if nat[0] in 'aeiou' else 'a'} {nat.capitalize()} "
            f"{claim.detail['role']}: {entry.name} was {entry.nationality}.",
            tuple(entry.sources), f"{entry.name}: {entry.nationality}",
        )
    roles = roles_of(entry)
    if "unverified" in roles:
        return Verdict(UNVERIFIABLE, note="Who this writer is could not be verified.")
    stated = claim.detail["role"]
    sources = tuple(entry.sources)
    desc = getattr(entry, "description", None) or ""
    fact = f"{entry.name}: {desc}" if desc else entry.name
    if stated in roles or (stated == "writer" and roles & {"historian", "journalist"}):
        return Verdict(SUPPORTED, sources=sources, expected=fact)
    for other in claim.detail.get("candidates", []):
        o = knowledge.get(other)
        if o is not None and stated in roles_of(o):
            return Verdict(UNVERIFIABLE, note="The name could mean more than one person.")
    article = "an" if stated[0] in "aeiou" else "a"
    correction = f"{entry.name} was not {article} {stated}" + (
        f": {desc.rstrip('.')}." if desc else ".")
    return Verdict(CONTRADICTED, correction, sources, fact,
                   _misconception_note(knowledge, entry.id))


def _check_outcome(claim: Claim, knowledge: Knowledge) -> Verdict:
    """An effect attributed to an agreement that never came into force."""
    event = knowledge.get(claim.subject)
    if event is None or getattr(event, "ratified", None) is not False:
        return Verdict(UNVERIFIABLE)
    name = event_name(event)
    verb = _verb(event, name)
    fact = f"{name[0].upper()}{name[1:]} {verb} {event_when(event)} but never ratified"
    correction = f"{fact}, so {'they' if _plural(name) else 'it'} did not come into force."
    return Verdict(CONTRADICTED, correction, tuple(event.sources), fact,
                   _misconception_note(knowledge, event.id))


def _check_existence(claim: Claim, knowledge: Knowledge) -> Verdict:
    """A thing the knowledge says did not happen is wrong; a known one told as a deed
    happened."""
    event = knowledge.get(claim.subject)
    if event is None:
        return Verdict(UNVERIFIABLE)
    if getattr(event, "happened", True):
        return Verdict(SUPPORTED, sources=tuple(event.sources), expected=event_name(event))
    return Verdict(CONTRADICTED, event.correct, tuple(event.sources), event.correct,
                   _misconception_note(knowledge, event.id))


_CHECKS = {
    "outcome": _check_outcome,
    "date": _check_date,
    "era": _check_era,
    "sequence": _check_sequence,
    "office": _check_office,
    "party": _check_party,
    "number": number.check,
    "quote": quote.check,
    "fate": fate.check,
    "terms": terms.check,
    "view": view.check,
    "feature": feature.check,
    "existence": _check_existence,
    "attribution": _check_attribution,
}
