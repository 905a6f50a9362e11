"""Claims as frames of details: what a clause states, what was checked, one verdict.

A claim's check (:mod:`marker.verify`) settles the detail its kind is about: a date, an
office, the parties. The clause may state more about the same thing: where it happened, who
did it, a second date, a number, a time relative to something else. Each is a *detail*;
one that no check settled is ``unchecked``. A claim is ``supported`` only when every detail
its clause states agrees, ``contradicted`` when one disagrees (the correction names that
detail), and otherwise ``unverifiable``: a ✓ promises that everything in the clause was
checked.

Claims about the same thing in the same clause are one claim with several details, so a
sentence never carries a ✓ and a ✗ for one statement.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..dates import OPEN_DAYS, resolve_relative
from ..verify import event_intervals, gap_fact, join_words, place_fact, verify
from .details import AGREES, CONTRADICTS, UNCHECKED, Detail
from .extract import (
    LISTED,
    REPORTING_VERBS,
    TAKING_VERBS,
    Claim,
    ExtractContext,
    claims_in,
    context,
    implicit_anchor,
    sender,
)
from .parties import involved
from .place import MAKING_VERBS, known_place, place_status
from .verdict import CONTRADICTED, SUPPORTED, UNVERIFIABLE, Verdict
from .view import held_view

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from ..dates import RelativeDate
    from ..topic import Knowledge, Topic
    from .base import Mention

STATUS_OF = {SUPPORTED: AGREES, CONTRADICTED: CONTRADICTS, UNVERIFIABLE: UNCHECKED}

# What each kind of claim checks, as a slot of the frame.
SLOT_OF_KIND = {"date": "time", "era": "time", "sequence": "order", "office": "office",
                "party": "parties", "number": "number", "attribution": "who",
                "quote": "speaker", "fate": "fate", "work": "work", "outcome": "outcome",
                "existence": "existence", "terms": "terms", "view": "view",
                "feature": "feature"}
SLOT_WORDS = {"statement": "what it says in between", "view": "the view given",
              "nationality": "the nationality", "time": "the date",
              "span": "the span of years", "relative": "the time",
              "order": "the order of events", "office": "the office",
              "parties": "who took part", "actor": "who did it", "place": "the place",
              "number": "the number", "who": "who the writer was", "work": "the book",
              "outcome": "what it achieved", "speaker": "who said it", "fate": "how they died",
              "existence": "that it happened", "terms": "what it settled",
              "feature": "what it was like",
              "words": "the words quoted"}
# The kind a merged claim is named by: the first of these it has (a dated statement is a
# date claim, whoever else it names).
LEAD_KINDS = ("existence", "date", "office", "sequence", "era", "number", "quote", "fate", "party",
              "outcome", "terms", "feature", "work", "attribution", "view")
# The labels of a verb that heads a clause (as extract.clause_head reads them).
CLAUSE_HEADS = ("ROOT", "conj", "advcl", "relcl", "ccomp", "xcomp", "acl", "pcomp", "csubj")
# Child clauses that state something else (about another thing): their details are not
# this claim's, unless the claim itself reaches into them.
OTHER_CLAUSES = {"relcl", "advcl", "ccomp", "parataxis", "csubj", "xcomp"}
PLACE_PREPS = {"in", "at", "near", "outside"}
DIRECTIONS = {"east", "west", "north", "south", "the east", "the west", "the north",
              "the south", "far east", "the far east"}
ESSAY_NOUNS = {"period", "phase", "stage", "reason", "factor", "way", "aim", "point", "cause",
               "consequence", "example", "theme", "part", "section", "argument", "view",
               "interpretation", "paragraph", "step", "strand", "question", "answer"}
NUMBER_LABELS = {"CARDINAL", "PERCENT", "QUANTITY", "MONEY"}


def checked_claims(doc: Doc, topic: Topic) -> list[dict[str, Any]]:
    """Every claim with its details and one verdict, as ``marker.report/1`` dicts."""
    ctx = context(doc, topic)
    verdicts = [(c, verify(c, topic.knowledge)) for c in claims_in(ctx)]
    checked = {id(c): list(v.details or _checked_details(ctx, c, v)) for c, v in verdicts}
    # Words another claim checks (its date, its office, its parties) are that claim's
    # details, not unchecked details of a neighbour in the same sentence.
    taken = {i for c, _ in verdicts for d in checked[id(c)]
             if (d.start, d.end) != (c.start, c.end) for i in range(d.start, d.end)}
    frames = [_frame(ctx, group, topic.knowledge, taken, checked)
              for group in _groups(ctx, verdicts)]
    frames.sort(key=lambda f: (f["start"], f["end"]))
    _names_of_their_own_claims(frames)
    _withhold_over_unchecked(frames)
    for i, f in enumerate(frames, start=1):
        f["id"] = f"c{i}"
        f["details"] = [d.to_dict() for d in f["details"]]
    return frames


def _names_of_their_own_claims(frames: list[dict[str, Any]]) -> None:
    """"Britain, Italy and France recognised the USSR in 1924" is three recognitions: each
    state agrees as the party of its own, and is no unchecked detail of the other two."""
    agreeing = {(d.start, d.end) for f in frames for d in f["details"]
                if d.status == AGREES and d.slot in ("parties", "actor")}
    for f in frames:
        kept = [d for d in f["details"] if not (
            d.status == UNCHECKED and d.slot in ("parties", "actor")
            and (d.start, d.end) in agreeing)]
        if len(kept) < len(f["details"]):
            f["details"] = kept
            _settle(f)


def _withhold_over_unchecked(frames: list[dict[str, Any]]) -> None:
    """A ✓ may not cover words that state something unchecked or wrong: "Stalin, who was
    premier at the time, sacked Litvinov in May 1939" gets no ✓ for the sacking while
    the clause inside it ("who was premier at the time") is not checked."""
    for f in frames:
        if f["verdict"] != SUPPORTED:
            continue
        inner = [g for g in frames if g is not f and g["verdict"] != SUPPORTED
                 and f["start"] <= g["start"] and g["end"] <= f["end"]]
        if inner:
            f["details"].extend(Detail("statement", g["text"], g["start"], g["end"],
                                       UNCHECKED) for g in inner)
            f["details"].sort(key=lambda d: (d.start, d.end))
            _settle(f)


def _groups(ctx: ExtractContext, verdicts: list[tuple[Claim, Verdict]]
            ) -> list[list[tuple[Claim, Verdict]]]:
    """Claims about one thing in one clause, together (text order kept)."""
    groups: dict[tuple[Any, ...], list[tuple[Claim, Verdict]]] = {}
    for claim, v in verdicts:
        key = (claim.subject, _clause_of(ctx, claim).i) if claim.subject else (id(claim),)
        groups.setdefault(key, []).append((claim, v))
    return list(groups.values())


def _clause_of(ctx: ExtractContext, claim: Claim) -> Token:
    """The verb heading the clause a claim is in (asked twice per claim: kept)."""
    known = ctx.clause_heads
    found = known.get((claim.start, claim.end))
    if found is None:
        heads, deps, pos, _ = ctx.parse
        words = ctx.token_range(*claim.detail.get("clause_at", (claim.start, claim.end)))
        # the claim's root: its first word whose head lies outside it (as Span.root would)
        i = next((j for j in words if not words.start <= heads[j] < words.stop
                  or heads[j] == j), words.start if words else 0)
        ids = _ids(ctx.doc)
        for _ in range(40):  # up to the verb heading the clause (as clause_head does)
            if (pos[i] in ids["verbs"] and deps[i] in ids["heads"]) or heads[i] == i:
                # "Britain sent troops to help the Whites in 1930": a purpose clause with no
                # subject of its own is part of its sender's statement
                if deps[i] in ids["purpose"] and (by := sender(ctx.doc[i])) is not None:
                    i = by.i
                    continue
                break
            i = heads[i]
        found = known[(claim.start, claim.end)] = ctx.doc[i]
    return found


def _frame(ctx: ExtractContext, group: list[tuple[Claim, Verdict]], knowledge: Knowledge,
           taken: set[int], checked: dict[int, list[Detail]]) -> dict[str, Any]:
    details = [d for claim, _ in group for d in checked[id(claim)]]
    first = group[0][0]
    # The characters other details already stand on (sets: a clause has many names).
    # A day without its year inside a sequence's words is a detail of its own: "invaded on
    # 27 September, two weeks later" checks the interval (and a year, which the sequence's
    # check reads), not the day.
    dated = {i for c, _ in group if c.kind == "sequence"
             for d in (*ctx.yearless, *ctx.yearless_months)
             if c.start <= d.start_char < c.end for i in range(d.start_char, d.end_char)}
    mine = set().union(*(set(range(d.start, d.end)) - (set() if d.slot in ("time", "span")
                                                        else dated) for d in details), *(
        set(range(c.start, c.end)) - dated for c, _ in group
        if c.kind == "sequence" or (c.kind == "party" and not c.detail.get("spans"))))
    if AGREES in {d.status for d in details} and CONTRADICTS not in {d.status for d in details} \
            and not all(c.detail.get("reference") for c, _ in group):
        # Only a claim that could still be confirmed needs the rest of its clause read:
        # a wrong detail decides the verdict, and with nothing checked there is no ✓. A
        # reference ("(Haslam, 1984)") says only who wrote what when, not the clause.
        refs = {r for c, _ in group for r in c.refs}
        details.extend(d for d in _stated_details(ctx, group, knowledge, refs)
                       if taken.isdisjoint(range(d.start, d.end))
                       and mine.isdisjoint(range(d.start, d.end)))
        details.extend(_immediacy(ctx, group, knowledge))
    details.sort(key=lambda d: (d.start, d.end))
    wrong = [(c, v) for c, v in group if v.verdict == CONTRADICTED]
    rank = {k: i for i, k in enumerate(LEAD_KINDS)}
    lead_claim, lead = min(wrong or group, key=lambda cv: rank.get(cv[0].kind, len(rank)))
    # The claim is the whole frame: its words run over every detail it states.
    start = min([c.start for c, _ in group] + [d.start for d in details])
    end = max([c.end for c, _ in group] + [d.end for d in details])
    corrections = list(dict.fromkeys(v.correction for _, v in wrong if v.correction))
    corrections.extend(_place_correction(knowledge, first.subject, d) for d in details
                       if d.slot == "place" and d.status == CONTRADICTS)
    corrections.extend(f"{d.expected}." for d in details
                       if d.slot == "relative" and d.status == CONTRADICTS and d.expected)
    # The event the verdict is about: of several readings of the words ("Germany invaded
    # the Soviet Union": 1918 or 1941), the one that decided it, and only its sources.
    subject = lead.subject or first.subject
    sources = list(dict.fromkeys(s for _, v in group for s in v.sources
                                 if v.subject is None or v.subject == subject))
    return _settle({
        "id": "",
        "text": ctx.text[start:end],
        "start": start,
        "end": end,
        "kind": lead_claim.kind,
        "kinds": list(dict.fromkeys(c.kind for c, _ in group)),
        "subject": subject,
        "refs": list(dict.fromkeys(r for c, _ in group for r in c.refs)),
        "stated": lead_claim.stated,
        "inherited": lead_claim.inherited,
        "verdict": UNVERIFIABLE,
        "correction": " ".join(corrections) if corrections else None,
        "expected": lead.expected,
        "note": lead.note,
        "sources": sources,
        "details": details,
        "checked": None,
    })


def _settle(frame: dict[str, Any]) -> dict[str, Any]:
    """The verdict from the details (one wrong: contradicted; all agree: supported; else
    not checked) and, with no verdict, the sentence saying what was checked."""
    statuses = {d.status for d in frame["details"]}
    if CONTRADICTS in statuses:
        frame["verdict"] = CONTRADICTED
    elif statuses == {AGREES}:
        frame["verdict"] = SUPPORTED
    else:
        frame["verdict"] = UNVERIFIABLE
    frame["checked"] = (_what_was_checked(frame["details"])
                        if frame["verdict"] == UNVERIFIABLE else None)
    return frame


def _place_correction(knowledge: Knowledge, subject: str | None, d: Detail) -> str:
    return f"{place_fact(knowledge.get(subject or ''), d.expected or '')}, not in {d.stated}."


def _what_was_checked(details: list[Detail]) -> str | None:
    """For a claim with no verdict: what agreed and what could not be checked, in words
    ("The date is right; the place (Petrograd) is not in the reference knowledge.")."""
    right = list(dict.fromkeys(SLOT_WORDS.get(d.slot, d.slot) for d in details
                               if d.status == AGREES))
    unknown = list(dict.fromkeys(f"{SLOT_WORDS.get(d.slot, d.slot)} ({d.stated})"
                                 for d in details if d.status == UNCHECKED))
    if not right or not unknown:
        return None
    right_words = join_words(right)
    verb = "are" if len(unknown) > 1 else "is"
    return (f"{right_words[0].upper()}{right_words[1:]} {'are' if len(right) > 1 else 'is'} "
            f"right; {join_words(unknown)} {verb} not in the reference knowledge, so this is "
            f"not marked correct.")


def _checked_details(ctx: ExtractContext, claim: Claim, v: Verdict) -> list[Detail]:
    """The details a claim's own check settled, placed on the words that state them."""
    status = STATUS_OF[v.verdict]
    slot = SLOT_OF_KIND.get(claim.kind, claim.kind)
    out = []
    if claim.kind == "office":
        right = AGREES if v.wrong and v.wrong != "office" else status
        out.extend(Detail("office", ctx.text[s:e], s, e, right, v.expected)
                   for s, e, *_ in ctx.offices if claim.start <= s < claim.end)
        slot = "time" if claim.when is not None else "office"
    if claim.when is not None and claim.kind in ("date", "office"):
        start, end = claim.when.start_char, claim.when.end_char
        if claim.when.precision == "range":
            slot = "span"
    else:
        at = ctx.text.find(claim.stated, claim.start, claim.end) if claim.stated else -1
        start, end = (at, at + len(claim.stated)) if at >= 0 else (claim.start, claim.end)
    if claim.kind != "office" or claim.when is not None or not out:
        # "Prime Minister Halifax in 1939": he never held it, so the year is not the error.
        said = UNCHECKED if v.wrong == "office" and slot == "time" else status
        out.append(Detail(slot, ctx.text[start:end], start, end, said, v.expected))
    if claim.kind == "attribution" and "year_at" in claim.detail:
        # "wrote The Great Terror in 1968": the year a book came out, checked with it
        start, end = claim.detail["year_at"]
        if not out[-1].start <= start < out[-1].end:
            when = CONTRADICTS if v.wrong == "time" else UNCHECKED if status == CONTRADICTS \
                else status
            if v.wrong == "time":
                out[-1] = dataclasses.replace(out[-1], status=AGREES)
            out.append(Detail("time", ctx.text[start:end], start, end, when, v.expected))
    return out


def _stated_details(ctx: ExtractContext, group: list[tuple[Claim, Verdict]],
                    knowledge: Knowledge, refs: set[str]) -> Iterable[Detail]:
    """Details the group's clause states besides the ones its checks settled."""
    doc, text = ctx.doc, ctx.text
    indices, run = _clause_tokens(ctx, group)
    # A clause never runs into another paragraph (a list or a heading without a full stop
    # can leave the parser one sentence across several).
    para = ctx.paragraph_of(group[0][0].start)
    indices = [i for i in indices if ctx.paragraph_of(doc[i].idx) == para]
    if not indices:
        return
    last = doc[indices[-1]]
    lo, hi = doc[indices[0]].idx, last.idx + len(last)
    inside = set(indices)
    mentions = ctx.mentions_between(lo, hi)
    named = {i for m in mentions if m.kb_id in refs for i in range(m.start, m.end)}
    first_at = min(c.start for c, _ in group)
    last_at = max(c.end for c, _ in group)
    dates = ctx.dates_between(lo, hi)

    def listed(d: Any) -> bool:
        """"1936 and the Anschluss": two items of a list, not one's date."""
        return (0 <= first_at - d.end_char <= 12
                and LISTED.fullmatch(text[d.end_char:first_at]) is not None) or (
                0 <= d.start_char - last_at <= 12
                and LISTED.fullmatch(text[last_at:d.start_char]) is not None)

    for d in dates:
        if not listed(d) and _covers(ctx, inside, d.start_char, d.end_char):
            slot = "span" if d.precision == "range" else "time"
            yield Detail(slot, d.text, d.start_char, d.end_char,
                         AGREES if _within_figures_event(knowledge, group, d)
                         or _holds_the_event(knowledge, group, d) else UNCHECKED)
    # "in May Germany invaded", "on 22 June": a day or month without its year is a time the
    # clause states too. It agrees when it is the subject's own first day or month (the
    # year is the context's); otherwise, unless a claim of its own checked it, it is not
    # checked, and there is no tick.
    for d in (*ctx.yearless, *ctx.yearless_months):
        if lo <= d.start_char < hi and not listed(d) \
                and _covers(ctx, inside, d.start_char, d.end_char):
            yield Detail("time", d.text, d.start_char, d.end_char,
                         AGREES if _on_its_first_day(knowledge, group, d) else UNCHECKED)
    claimed = [(c.start, c.end) for c, _ in group]
    claimed.extend((m.start_char, m.end_char) for m in mentions
                   if m.kb_id == group[0][0].subject)
    for r in ctx.relatives:
        anchor = (r.anchor_start_char, r.anchor_end_char)
        if anchor[0] is not None and any(s < anchor[1] and anchor[0] < e for s, e in claimed):
            continue  # "soon after Hitler became Chancellor": dates something else by it
        if lo <= r.start_char < hi and _covers(ctx, inside, r.start_char, r.end_char):
            after = _counted_from(ctx, knowledge, group, r)
            yield Detail("relative", r.text, r.start_char, r.end_char,
                         AGREES if after else UNCHECKED, after)
    dated = [(d.start_char, d.end_char) for d in dates]
    subject = knowledge.get(group[0][0].subject or "")
    if getattr(subject, "section", None) == "figures":
        subject = knowledge.get(subject.subject or "")  # a figure is about its event
    about_a_person = getattr(subject, "section", None) in ("people", "writers")
    # "Stalin warned that the USSR was ...": a state a quotation's clause names is in what
    # was said, not a party to the saying
    about_words = getattr(subject, "section", None) == "quotations"
    mine = [m for m in mentions if m.kb_id == group[0][0].subject]
    own_tokens = {i for m in mine for i in range(m.start, m.end)}
    own_tokens.update(m.verb.i for m in mine if m.verb is not None)
    ents = ctx.ents_between(lo, hi)
    for ent in ents:
        e_start = ent.start
        if e_start not in inside or e_start in named or ent.end - 1 in named:
            continue
        if any(s <= ent.start_char < e for s, e in dated):
            continue
        detail = _entity_detail(ent, doc, text, knowledge) or _destination(
            ent, doc, text, knowledge, subject, own_tokens)
        if detail is None or (about_a_person and detail.slot in ("actor", "parties", "place")):
            continue  # who else acts in a clause about someone's office is the act's detail
        if about_words and detail.slot == "parties":
            continue
        if detail.slot == "place":
            own = _on_the_event(ent, doc, own_tokens)
            status, where = place_status(knowledge, subject, detail.stated,
                                         own or _on_the_object(ent, doc, own_tokens))
            if status == CONTRADICTS and not own:
                status = UNCHECKED
            if status == UNCHECKED and ent.kb_id_ and getattr(subject, "kind", None) \
                    not in MADE_IN_ONE_PLACE:
                # "fought in Spain": a state that took part is where a war happened, but
                # not where a treaty was signed or a conference met
                status = involved(knowledge, subject, ent.kb_id_)
            detail = dataclasses.replace(detail, status=status, expected=where)
        elif detail.slot in ("actor", "parties") and ent.kb_id_:
            detail = dataclasses.replace(detail, status=involved(knowledge, subject, ent.kb_id_))
        elif detail.slot == "parties" and (state := knowledge.state_seated_in(detail.stated)):
            # "Moscow signed": a capital that acts is its government
            detail = dataclasses.replace(detail, status=involved(knowledge, subject, state))
        yield detail
    people = [m for m in mentions if m.section == "people" and m.start in inside]
    for o_start, o_end, _, candidates in ctx.offices:
        if lo <= o_start < hi and _covers(ctx, inside, o_start, o_end):
            if set(ctx.token_range(o_start, o_end)) <= named:
                continue  # the event's own name says it: "Hitler's appointment as Chancellor"
            held = _held_then(knowledge, subject, people, candidates)
            yield Detail("office", text[o_start:o_end], o_start, o_end,
                         AGREES if held else UNCHECKED, held)
    lemmas = ctx.parse[3]
    ids = _ids(doc)
    reporting, order = ids["reporting"], ids["order"]
    if any(lemmas[i] in reporting for i in indices):
        yield from _views(ctx, [doc[i] for i in indices],
                          viewed=any(c.kind == "view" for c, _ in group))
    ordering = any(lemmas[i] in order for i in indices)
    for tok in [doc[i] for i in indices] if ordering else ():
        # "after that", "before the war": the order is a detail of its own; a sequence
        # claim checks it when the other event is known.
        if tok.lower_ in ORDER_WORDS and tok.dep_ in ("prep", "mark") and tok.i in inside:
            sub = list(tok.subtree) if tok.dep_ == "prep" else list(tok.head.subtree)
            pronoun = [t for t in doc[tok.i + 1:tok.i + 2] if t.lower_ in ("that", "this", "it")]
            if tok.dep_ == "mark" and pronoun:
                # "and straight after that he replaced ...": the words of the order only
                sub = [*tok.subtree, *pronoun]
            elif any(i in own_tokens for i in range(sub[0].i, sub[-1].i + 1)):
                continue  # "after Hitler became Chancellor": this event dates another
            start, end = sub[0].idx, sub[-1].idx + len(sub[-1])
            if not any(start <= s < end for s, _ in dated):
                yield Detail("order", text[start:end], start, end, UNCHECKED)
    if not any(c.when is not None or c.detail.get("anchor") for c, _ in group):
        for m in _THEN.finditer(text, lo, hi):
            yield Detail("time", m.group(0), m.start(), m.end(), UNCHECKED)
    if about_a_person:
        for ent in ents:
            if ent.label_ == "NORP" and ent.start in inside and _describes(doc, ent):
                yield Detail("nationality", text[ent.start_char:ent.end_char],
                             ent.start_char, ent.end_char, UNCHECKED)
    yield from _circumstances(ctx, inside, run, group)


def _counted_from(ctx: ExtractContext, knowledge: Knowledge,
                  group: list[tuple[Claim, Verdict]], r: RelativeDate) -> str | None:
    """"Germany invaded Poland on 1 September. Two weeks later the USSR invaded": a count of
    days, weeks, months or years with no anchor of its own, from the date or event told just
    before (:func:`implicit_anchor`), agrees when the subject's own date falls in it (as a
    student counts years: 1922 and "two years later" is 1924). What it counts from is read,
    not written, so a count that does not fit is left unchecked, never called wrong."""
    if r.anchor_text is not None or r.kind not in ("after", "before") \
            or r.offset_days_min <= 0 < r.offset_days_max or abs(r.offset_days_max) >= OPEN_DAYS:
        return None  # "soon after", "after that": no count
    anchor = implicit_anchor(ctx, r)
    subject = knowledge.get(group[0][0].subject or "")
    if anchor is None or subject is None or group[0][0].detail.get("alternatives"):
        return None
    if r.years is not None:
        year = anchor.start.year + r.years
        span = (dt.date(year, 1, 1), dt.date(year, 12, 31))
        if anchor.start.year != anchor.end.year:
            return None
    elif anchor.precision == "day":
        resolved = resolve_relative(r, anchor)
        span = (resolved.start, resolved.end)
    else:
        return None  # "two weeks later" than a year: no count can be checked
    if any(span[0] <= v.start and v.end <= span[1] for v in _starts(subject)):
        return f"{r.text} than {anchor.text}"
    return None


def _on_its_first_day(knowledge: Knowledge, group: list[tuple[Claim, Verdict]],
                      yearless: Any) -> bool:
    """A day or month without a year ("in November", "on 17 September") is the subject
    event's: the month (and day, if given) on which it began, as the knowledge dates it."""
    # of several readings of the words ("the USSR invaded"), the one a check decided on
    decided = next((v.subject for _, v in group if v.subject), group[0][0].subject)
    event = knowledge.get(decided or "")
    when = getattr(event, "date", None)
    if when is None or when.precision == "year":
        return False
    if yearless.precision == "day":
        return when.precision == "day" and (when.start.month, when.start.day) == (
            yearless.start.month, yearless.start.day)
    return when.start.month == yearless.start.month


def _within_figures_event(knowledge: Knowledge, group: list[tuple[Claim, Verdict]],
                          date: Any) -> bool:
    """"In 1937-38 about 700,000 were shot": the time of a figure's count agrees when it
    lies within the event the figure counts (give or take half a year)."""
    figure = knowledge.get(group[0][0].subject or "")
    if getattr(figure, "section", None) != "figures" or date.open_start or date.open_end:
        return False
    slack = dt.timedelta(days=183)
    return any(s - slack <= date.start and date.end <= e + slack
               for s, e in event_intervals(knowledge.get(figure.subject or "")))


def _holds_the_event(knowledge: Knowledge, group: list[tuple[Claim, Verdict]],
                     date: Any) -> bool:
    """"In the 1920s the USSR was friends with Germany because of Rapallo, signed in 1922":
    another time in the clause agrees when the subject began within it on every date the
    knowledge accepts (it is consistent with it, whatever else it dates); otherwise it is
    not checked."""
    event = knowledge.get(group[0][0].subject or "")
    if getattr(event, "section", None) != "events" or group[0][0].detail.get("alternatives"):
        return False
    starts = _starts(event)
    return bool(starts) and all(date.start <= v.start and v.end <= date.end for v in starts)


def _starts(event: Any) -> list[Any]:
    """Every date the knowledge accepts for when an event began."""
    return [v for v in (getattr(event, "date", None), *getattr(event, "accepted_dates", ()))
            if v is not None]


# Kinds of event made at one place: a state that took part is not thereby its place.
MADE_IN_ONE_PLACE = {"treaty", "agreement", "trade_agreement", "pact", "alliance", "armistice",
                     "conference", "meeting", "congress"}
ORDER_WORDS = {"after", "before", "following", "preceding"}
# "at the time" and the like date a clause by its context, which is not checked here.
_THEN = re.compile(r"\b(?:at\s+(?:the|that|this)\s+(?:time|point|stage|moment)|by\s+then|"
                   r"by\s+that\s+time)\b", re.IGNORECASE)
TIME_MARKS = {"when", "until", "till", "once", "after", "before"}  # not "as", "while"


def _circumstances(ctx: ExtractContext, inside: set[int], run: range,
                   group: list[tuple[Claim, Verdict]]) -> Iterable[Detail]:
    """A clause saying when ("in 1924, when the Conservatives were in power") states the
    event's circumstances: unchecked unless a claim of the group reaches into it."""
    doc = ctx.doc
    heads, deps, _, _ = ctx.parse
    claimed = [(c.start, c.end) for c, _ in group]
    clauses = _ids(doc)["when"]
    for i in run:
        if deps[i] not in clauses or heads[i] not in inside or i in inside:
            continue
        tok = doc[i]
        marks = [g.lower_ for g in tok.children if g.dep_ in ("mark", "advmod")]
        if not TIME_MARKS.intersection(marks):
            continue
        start, end = tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)
        if not any(s < end and start < e for s, e in claimed):
            slot = "order" if ORDER_WORDS.intersection(marks) else "time"
            yield Detail(slot, ctx.text[start:end], start, end, UNCHECKED)


def _ids(doc: Doc) -> dict[str, Any]:
    """Word and label ids of the model's vocabulary, looked up once per vocabulary."""
    strings = doc.vocab.strings
    found = _IDS.get(id(strings))
    if found is None or found["strings"] is not strings:
        add = strings.add
        found = _IDS[id(strings)] = {
            "strings": strings,
            "reporting": frozenset(map(add, REPORTING_VERBS)),
            "order": frozenset(map(add, ORDER_WORDS)),
            "when": frozenset(map(add, ("advcl", "relcl"))),
            "other": frozenset(map(add, OTHER_CLAUSES)),
            "conj": add("conj"),
            "verbs": frozenset(map(add, ("VERB", "AUX"))),
            "heads": frozenset(map(add, CLAUSE_HEADS)),
            "purpose": frozenset(map(add, ("xcomp", "advcl"))),
        }
    return found


_IDS: dict[int, dict[str, Any]] = {}


def _views(ctx: ExtractContext, tokens: list[Token], viewed: bool) -> Iterable[Detail]:
    """What someone is said to argue ("Taylor says the pact was Stalin's fault"): unless it
    is one of the views the knowledge gives its sayer, a view is a detail the knowledge does
    not hold, so it leaves the claim unchecked. Of a view claim's own verb, a clause before
    it is no view but the student's own sentence run on into this one (as the view claim
    reads it)."""
    for tok in tokens:
        if tok.lemma_.lower() not in REPORTING_VERBS:
            continue
        if tok.lemma_.lower() == "call" and not any(
                c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
            continue  # "the pact (also called the Molotov-Ribbentrop Pact)": another name
        for child in tok.children:
            if viewed and child.i < tok.i:
                continue
            if child.dep_ in ("ccomp", "xcomp", "oprd") or (
                    child.dep_ == "dobj" and child.lower_ in ("that", "it")):
                sub = list(child.subtree)
                start, end = sub[0].idx, sub[-1].idx + len(sub[-1])
                held = next((v for m in _sayers(ctx, tok)
                             if (v := held_view(ctx.knowledge, m.kb_id, sub)) is not None), None)
                yield Detail("view", ctx.text[start:end], start, end,
                             AGREES if held else UNCHECKED, held.said if held else None)


def _sayers(ctx: ExtractContext, verb: Token) -> list[Mention]:
    """The writer or person who is the subject of a verb of saying, when one is named."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or any(c.dep_ == "conj" for c in subject.children):
        return []
    return [m for m in ctx.mentions_between(subject.left_edge.idx, subject.idx + len(subject))
            if m.section in ("writers", "people") and m.end - 1 == subject.i]


SOON_WORDS = {"soon", "straight", "immediately", "shortly", "just", "right", "directly",
              "quickly", "promptly"}
SOON_DAYS = 92
FAR_DAYS = 183  # "straight after" something more than half a year before is wrong


def _immediacy(ctx: ExtractContext, group: list[tuple[Claim, Verdict]],
               knowledge: Knowledge) -> Iterable[Detail]:
    """"Straight after Munich", "soon after the pact": the order is one detail and the
    closeness another, which agrees when the two events were under three months apart and
    is wrong when they were more than half a year apart (on every accepted date)."""
    for claim, _ in group:
        if claim.kind != "sequence":
            continue
        # every reading of the event and of the anchor ("Britain recognised the USSR": the
        # 1921 agreement or the 1924 recognition): close if any pair is, far only if all are
        events = claim.detail.get("alternatives") or [claim.subject or ""]
        anchors = claim.detail.get("anchor_alternatives") or [claim.detail.get("anchor") or ""]
        pairs = [(knowledge.get(e), knowledge.get(a)) for e in events for a in anchors]
        pairs = [(e, a) for e, a in pairs if event_intervals(e) and event_intervals(a)]
        for m in _SOON.finditer(ctx.text, claim.start, claim.end):
            if not pairs:
                continue
            gaps = [(min(max(0, (e[0] - a[1]).days, (a[0] - e[1]).days)
                         for e in event_intervals(ev) for a in event_intervals(an)), ev, an)
                    for ev, an in pairs]
            apart, event, anchor = min(gaps, key=lambda g: g[0])
            if apart <= SOON_DAYS:
                yield Detail("relative", m.group(0), m.start(), m.end(), AGREES)
            elif apart > FAR_DAYS:
                yield Detail("relative", m.group(0), m.start(), m.end(), CONTRADICTS,
                             f"{gap_fact(event, anchor)}, not {m.group(0).lower()} it")
            else:
                yield Detail("relative", m.group(0), m.start(), m.end(), UNCHECKED)


_SOON = re.compile(rf"\b(?:{'|'.join(sorted(SOON_WORDS))})\s+(?:after|before|following)\b",
                   re.IGNORECASE)


def _entity_detail(ent: Any, doc: Doc, text: str, knowledge: Knowledge) -> Detail | None:
    """A name or number in the clause as a detail: a person who acts, a place, the states
    taking part, a number."""
    words = text[ent.start_char:ent.end_char]
    entry = knowledge.get(ent.kb_id_) if ent.kb_id_ else None
    section = getattr(entry, "section", None)
    head = _outside_head(doc, ent.start, ent.end)
    prep = head.head if head.dep_ == "pobj" else None
    if ent.label_ in NUMBER_LABELS:
        if words.lower() in ("one", "a", "an", "once") or (words.isdigit() and len(words) == 4):
            return None
        if head.head.lemma_.lower() in ESSAY_NOUNS:
            return None  # "three periods", "two reasons": the essay's own structure
        return Detail("number", words, ent.start_char, ent.end_char, UNCHECKED)
    if prep is not None and prep.lower_ in PLACE_PREPS and head.pos_ == "PROPN" \
            and not _year_between(doc, prep.i, ent.start) \
            and section in (None, "states") and words.lower() not in DIRECTIONS \
            and (ent.label_ in ("GPE", "LOC", "FAC") or known_place(knowledge, words)):
        return Detail("place", words, ent.start_char, ent.end_char, UNCHECKED)
    role = _role(head)
    if role is None:
        return None
    if section == "people" or (section is None and ent.label_ == "PERSON"):
        return Detail("actor", words, ent.start_char, ent.end_char, UNCHECKED)
    if section == "states" or (section is None and ent.label_ in ("GPE", "NORP")):
        return Detail("parties", words, ent.start_char, ent.end_char, UNCHECKED)
    return None


# Kinds of event that take someone somewhere: "to <place>" on their verb says where.
DESTINATION_KINDS = {"exile", "deportation", "visit", "relocation", "evacuation", "mission"}


def _destination(ent: Any, doc: Doc, text: str, knowledge: Knowledge, subject: Any,
                 own_tokens: set[int]) -> Detail | None:
    """"Trotsky was deported to Siberia": where the event took its person, a place detail
    that agrees when the knowledge lists it and is otherwise not checked (Alma-Ata is also
    'Central Asia'), so that a ✓ never covers a destination nobody checked."""
    if getattr(subject, "kind", None) not in DESTINATION_KINDS \
            or ent.label_ not in ("GPE", "LOC", "FAC"):
        return None
    head = _outside_head(doc, ent.start, ent.end)
    if head.dep_ != "pobj" or head.head.lower_ not in ("to", "into") \
            or head.head.head.i not in own_tokens:
        return None
    status, where = place_status(knowledge, subject, text[ent.start_char:ent.end_char], True)
    return Detail("place", text[ent.start_char:ent.end_char], ent.start_char, ent.end_char,
                  AGREES if status == AGREES else UNCHECKED, where)


def _year_between(doc: Doc, prep: int, start: int) -> bool:
    """"In 1939 Germany and the USSR signed ...": the parser may hang the name on "in"
    through the year; the preposition is the year's, and the name the sentence's subject."""
    return any(t.like_num or t.ent_type_ == "DATE" for t in doc[prep + 1:start])


def _describes(doc: Doc, ent: Any) -> bool:
    """A nationality said of the person: "Deutscher, a Polish writer", "he was British"."""
    head = _outside_head(doc, ent.start, ent.end)
    noun = head.head if head.dep_ in ("amod", "compound") else head
    return noun.dep_ in ("appos", "attr", "acomp") or head.dep_ in ("appos", "attr", "acomp")


def _on_the_event(ent: Any, doc: Doc, event_tokens: set[int]) -> bool:
    """The place hangs on the event's words ("the conference at Munich") or on the verb
    that makes it ("signed in Berlin", "was founded in Kiev")."""
    head = _outside_head(doc, ent.start, ent.end)
    if head.dep_ != "pobj":
        return False
    attach = head.head.head
    if attach.i in event_tokens:
        return True
    if attach.pos_ not in ("VERB", "AUX") or attach.lemma_.lower() not in MAKING_VERBS:
        return False
    if any(c.i in event_tokens or any(t.i in event_tokens for t in c.subtree)
           for c in attach.children if c.dep_ in ("nsubj", "nsubjpass", "dobj", "obj")):
        return True
    # "the Locarno Treaties, signed in Italy": a participle with no subject straight after
    # the event's name and a comma (as extract reads a date there)
    edge = attach.left_edge.i
    return attach.tag_ == "VBN" and edge >= attach.i - 1 and edge >= 2 \
        and doc[edge - 1].text == "," and doc[edge - 2].i in event_tokens \
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in attach.children)


def _held_then(knowledge: Knowledge, event: Any, people: list[Any],
               offices: tuple[str, ...]) -> str | None:
    """"In January 1933 Hitler's appointment as Chancellor alarmed Moscow", "Chicherin, the foreign
    commissar, signed Rapallo": the one person the clause names held the office on the
    event's day (a term that begins that day counts). Said how, when it did; else None."""
    if getattr(event, "section", None) != "events" or event.date is None \
            or len({m.kb_id for m in people}) != 1:
        return None
    person = knowledge.get(people[0].kb_id)
    day = event.date.start
    for term in getattr(person, "offices", ()):
        end = term.end.end if term.end is not None else None
        if term.office in offices and term.start.start <= day and (end is None or day <= end):
            office = knowledge.get(term.office)
            return f"{person.name} was {getattr(office, 'name', term.office)} then"
    return None


def _on_the_object(ent: Any, doc: Doc, event_tokens: set[int]) -> bool:
    """"seized power in Petrograd", "signed the pact in Moscow", "the mission arrived in
    Moscow": the place hangs on the object of the event's verb, or on a verb the event is
    the subject of. Enough to agree, not to be called wrong (the parser may
    have hung it there for another reason)."""
    head = _outside_head(doc, ent.start, ent.end)
    attach = head.head.head
    if head.dep_ != "pobj":
        return False
    if attach.dep_ in ("dobj", "obj") and attach.head.i in event_tokens:
        return True
    # "the mission arrived in Moscow", "the talks resumed in Moscow": done by the event
    return attach.pos_ in ("VERB", "AUX") and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.i in event_tokens for c in attach.children)


def _role(tok: Token) -> str | None:
    """'doer' or 'party' when a name acts in the clause: the subject, the agent of a
    passive ("by Molotov"), or a partner ("with Germany", "between A and B")."""
    cur = tok
    for _ in range(3):
        if cur.dep_ == "conj":
            cur = cur.head
            continue
        break
    if cur.dep_ in ("nsubj", "nsubjpass") or cur.dep_ == "poss":
        return "doer"
    if cur.dep_ == "pobj" and cur.head.lower_ in ("by", "with", "between", "against"):
        return "party"
    if cur.dep_ == "pobj" and cur.head.lower_ == "from" and cur.head.head.lemma_ in TAKING_VERBS:
        return "party"  # "seized Bessarabia from Romania"
    if cur.dep_ == "pobj" and _year_between(cur.doc, cur.head.i, cur.left_edge.i + 1) \
            and cur.left_edge.like_num:
        return "doer"  # "In 1939 Germany and the USSR signed": misread as "in Germany"
    return None


def _outside_head(doc: Doc, start: int, end: int) -> Token:
    """The token of a span whose head lies outside it (how the span joins the sentence)."""
    for t in doc[start:end]:
        if not start <= t.head.i < end or t.head is t:
            return t
    return doc[start]


def _covers(ctx: ExtractContext, inside: set[int], start: int, end: int) -> bool:
    return any(i in inside for i in ctx.token_range(start, end))


def _clause_tokens(ctx: ExtractContext, group: list[tuple[Claim, Verdict]]
                   ) -> tuple[list[int], range]:
    """The tokens of the clause the group's claims are in (as indices), and the run of its
    head's subtree: the subtree without the clauses that hang off it (they state other
    things), plus the claims' own words, less any clause inside them that neither begins
    nor ends a claim ("Litvinov, who was foreign commissar, was dismissed in 1939": the
    relative clause is not the dismissal's). A subtree is a run of tokens (the parse is
    projective), so clauses are cut as ranges."""
    doc = ctx.doc
    _, deps, pos, _ = ctx.parse
    own: set[int] = set()
    edges: set[int] = set()
    for claim, _ in group:
        found = ctx.token_range(claim.start, claim.end)
        if found:
            own.update(found)
            edges.update((found.start, found.stop - 1))
    if not own:
        return [], range(0)
    ids = _ids(doc)
    other, conj, verbs = ids["other"], ids["conj"], ids["verbs"]
    for i in range(min(own), max(own) + 1):
        if deps[i] in other and i in own:
            tok = doc[i]
            inner = set(range(tok.left_edge.i, tok.right_edge.i + 1))
            if not inner & edges:
                own -= inner
    head = _clause_of(ctx, group[0][0])
    run = range(head.left_edge.i, head.right_edge.i + 1)
    keep = set(run)
    for i in run:
        if i != head.i and i not in own and (
                deps[i] in other or (deps[i] == conj and pos[i] in verbs)):
            tok = doc[i]
            keep.difference_update(range(tok.left_edge.i, tok.right_edge.i + 1))
    keep |= own
    return sorted(keep), run
