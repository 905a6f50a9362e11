"""What an agreement settled: "the secret protocol divided Poland", "under Brest-Litovsk
Russia lost Finland and Ukraine", "at Munich the Sudetenland was handed to Germany".

An event's ``terms`` in the knowledge list what it did, each as verbs, the things they were
done to (``objects``), who may be said to have done it (``subjects``) and who may be said
to have received it (``to``). A clause that names the event and uses one of its verbs is a
claim about its terms: every thing it names as done to, every doer and every receiver
must be one the term lists for the ✓. The lists are what happened, not everything that
could be said, so anything else is left unchecked, never called wrong.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..tokens import where
from .base import STATE_ADJECTIVES, Claim, Mention
from .details import AGREES, UNCHECKED, Detail
from .fate import denied, stated_as_fact
from .place import fold_name
from .verdict import SUPPORTED, UNVERIFIABLE, Verdict

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from ..topic import AgreedTerm, Knowledge
    from .base import SentenceContext

KINDS = ("terms",)
# "a lot of land", "huge amounts of territory": the words after "of" are what was given.
_QUANTITY = {"lot", "lots", "load", "loads", "amount", "amounts", "deal", "part", "parts",
             "much", "most", "chunk", "chunks", "swathe", "swathes", "area", "areas"}
# Adjectives kept in a thing's name: "eastern Poland" is not Poland.
_DIRECTIONS = {"eastern", "western", "northern", "southern", "east", "west", "north", "south"}
# Words naming something in the clause already: no detail of their own.
_PRONOUNS = {"they", "it", "both", "them", "each", "other", "he", "she", "this", "which",
             "that", "who", "we"}
# "the two dictators", "both countries": the agreement's parties, named by the context.
_THE_PARTIES = re.compile(r"(the )?(two|both) \w+( of \w+)?|both( of them)?")
# "divided Poland in two": how, not what or whom.
_HALVES = {"two", "half", "halves"}
# "Soviet sphere", "German sphere of influence": the state the adjective names.
_SPHERE = {"sphere", "spheres", "zone", "zones", "orbit", "control", "hands"}


def extract(ctx: SentenceContext, sent: Span, mentions: list[Mention]) -> list[Claim]:
    """A claim for each verb of an agreement's terms in a sentence about the agreement."""
    verbs = _index(ctx.knowledge).verbs
    found = _candidates(ctx)
    said = [(tok, w) for i in found[bisect.bisect_left(found, sent.start):
                                    bisect.bisect_left(found, sent.end)]
            if (w := _verb_words(tok := ctx.doc[i])) in verbs]
    if not said:
        return []
    kb_id = _agreement(ctx, sent, mentions)
    if kb_id is None:
        return []
    event = ctx.knowledge.get(kb_id)
    event_words = {i for m in mentions if m.kb_id == kb_id for i in range(m.start, m.end)}
    linked = {i: m for m in mentions if m.section != "events" for i in range(m.start, m.end)}
    out = []
    for tok, words in said:
        refused = _refused(tok)
        terms = [t for t in event.terms if words in t.verbs and t.refused == refused]
        if not terms or not (refused or stated_as_fact(tok)):
            continue
        roles = (_refusal_roles if refused else _roles)(ctx, tok, linked, event_words)
        if roles is None:
            continue
        # "put their names to the pact", "took place": a verb of the terms about something
        # else. But a state or place it was done to that no term lists is a claim about
        # the terms, left unchecked ("the protocol divided France between them" is not
        # ticked for the names around it).
        if not any(p[0] in _names(ctx.knowledge, t.objects)
                   for t in terms for p in roles["objects"]) \
                and not any(ctx.knowledge.get(p[0]) is not None for p in roles["objects"]):
            continue
        ends = [(p[1], p[2]) for r in roles.values() for p in r if p[0] not in ("", "@event")]
        ends.append((tok.idx, tok.idx + len(tok)))
        start, end = min(a for a, _ in ends), max(b for _, b in ends)
        out.append(Claim(
            kind="terms", start=start, end=end, text=ctx.text[start:end], subject=kb_id,
            refs=(kb_id,), stated=words,
            detail={"verb_at": (tok.idx, tok.idx + len(tok)), "refused": refused,
                    **{role: tuple(parts) for role, parts in roles.items()}},
        ))
    return out


def named_by_terms(ctx: SentenceContext, mentions: list[Mention]) -> list[Mention]:
    """"In March 1940 Finland handed over the Karelian Isthmus": no agreement is named, but
    the deed, its doer and what it was done to are one agreement's terms alone. The verb
    then names that agreement, as a guess (``described``: a date that does not fit it is
    left unchecked, never called wrong)."""
    found = _candidates(ctx)
    if not found:
        return []
    index = _index(ctx.knowledge)
    # Only sentences that name a thing some term names, and no event, are read further.
    from spacy.attrs import LOWER

    telling = sorted([*where(ctx.doc, LOWER, index.telling),
                      *(m.start for m in mentions if m.kb_id in index.telling_ids)])
    if not telling:
        return []
    events = sorted(m.start for m in mentions if m.section == "events")
    starts = [s.start for s in ctx.sents]
    linked = {i: m for m in mentions if m.section != "events" for i in range(m.start, m.end)}
    out = []
    for i in found:
        k = bisect.bisect_right(starts, i) - 1
        lo, hi = starts[k], ctx.sents[k].end
        if bisect.bisect_left(telling, lo) == bisect.bisect_left(telling, hi):
            continue  # nothing telling
        tok = ctx.doc[i]
        clause = tok
        while clause.dep_ in ("xcomp", "ccomp") and clause.head.i != clause.i:
            clause = clause.head  # "refused to let ...": the refusing clause
        if bisect.bisect_left(events, clause.left_edge.i) < bisect.bisect_left(
                events, clause.right_edge.i + 1):
            continue  # an event is named in the deed's clause, whose terms extract reads
        left, right = tok.left_edge.i, tok.right_edge.i + 1
        if bisect.bisect_left(telling, left) == bisect.bisect_left(telling, right):
            continue  # the telling thing is not among the verb's words
        words = _verb_words(tok)
        if words not in index.verbs:
            continue
        refused = _refused(tok)
        if not (refused or stated_as_fact(tok)):
            continue
        roles = (_refusal_roles if refused else _roles)(ctx, tok, linked, set())
        if roles is None:
            continue
        fits = {event for event, term in index.by_verb[words]
                if term.refused == refused and _fits(ctx.knowledge, roles, term)}
        if len(fits) == 1:
            out.append(Mention(fits.pop(), "events", tok.i, tok.i + 1, tok.idx,
                               tok.idx + len(tok), tok.text, by_trigger=True, verb=tok,
                               described=True))
    return out


# Things many agreements did: naming only these picks out no agreement.
_COMMON_THINGS = {"land", "lands", "territory", "territories", "relations", "claims"}


def _fits(knowledge: Knowledge, roles: dict[str, list[_Part]], term: AgreedTerm) -> bool:
    """Every thing, doer and receiver named is the term's, at least one thing named is not
    a common one, and a doer or receiver is named (a bare "handed over the Sudetenland"
    could be anyone's deed)."""
    objects = [p[0] for p in roles["objects"]]
    people = [p[0] for p in roles["subjects"] + roles["to"] if p[0] not in ("", "@parties")]
    return bool(objects) and bool(people) \
        and any(o not in _COMMON_THINGS for o in objects) \
        and set(objects) <= _names(knowledge, term.objects) \
        and all(p[0] in _names(knowledge, term.subjects) for p in roles["subjects"]
                if p[0] not in ("", "@parties")) \
        and all(p[0] in _names(knowledge, term.to) for p in roles["to"]
                if p[0] not in ("", "@parties"))


def _agreement(ctx: SentenceContext, sent: Span, mentions: list[Mention]) -> str | None:
    """The one agreement with terms the sentence is about: named in it, or, when the
    sentence names no event and no date, in one of the two sentences before it in its
    paragraph ("The treaty was signed in March 1918. Russia lost Finland and Ukraine")."""
    def named(found: list[Mention]) -> set[str]:
        return {m.kb_id for m in found if m.section == "events"
                and getattr(ctx.knowledge.get(m.kb_id), "terms", ())}

    here = named(mentions)
    if here or any(m.section == "events" for m in mentions) \
            or ctx.dates_between(sent.start_char, sent.end_char):
        return next(iter(here)) if len(here) == 1 else None
    found = named(ctx.events_before(sent))
    return next(iter(found)) if len(found) == 1 else None


def _candidates(ctx: SentenceContext) -> list[int]:
    """Where the essay has a word whose lemma starts a verb of some agreement's terms: read
    from the lemma column once per essay, not word by word in every sentence."""
    found = ctx.memo.get("terms")
    if found is None:
        from spacy.attrs import LEMMA  # loaded with the parse already

        found = ctx.memo["terms"] = where(ctx.doc, LEMMA, _index(ctx.knowledge).first_words)
    return found


@dataclass
class _Index:
    """The knowledge's terms, indexed once per knowledge."""

    verbs: frozenset[str]  # every verb of every term
    first_words: set[int]  # the string ids of their first words (lemmas)
    by_verb: dict[str, list[tuple[str, AgreedTerm]]]  # verb -> (event id, term)
    telling: set[int]  # string ids of the words of the things terms name (not common ones)
    telling_ids: frozenset[str]  # the knowledge ids among those things
    names: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict)


def _index(knowledge: Knowledge) -> _Index:
    """Worked out once per knowledge (a Knowledge is large to hash: kept by identity)."""
    cached = _INDEXES.get(id(knowledge))
    if cached is not None and cached[0] is knowledge:
        return cached[1]
    from spacy.strings import get_string_id

    by_verb: dict[str, list[tuple[str, AgreedTerm]]] = {}
    things: set[str] = set()
    for event in knowledge.events:
        for term in getattr(event, "terms", ()):
            for verb in term.verbs:
                by_verb.setdefault(verb, []).append((event.id, term))
            things.update(term.objects)
    ids = frozenset(t for t in things if knowledge.get(t) is not None)
    words = {w for t in things - ids for w in fold_name(t).split()} - _COMMON_THINGS - _SMALL
    index = _Index(frozenset(by_verb), {get_string_id(v.split()[0]) for v in by_verb},
                   by_verb, {get_string_id(w) for w in words}, ids)
    _INDEXES[id(knowledge)] = (knowledge, index)
    return index


_INDEXES: dict[int, tuple[Any, _Index]] = {}
# Words too small to tell a thing by ("east of Poland").
_SMALL = {"of", "the", "a", "an", "in", "to", "with", "each", "other", "against", "half"}


def _verb_words(tok: Token) -> str | None:
    """"gave up" -> "give up", "divided" -> "divide"; None for a word that is no verb."""
    if tok.pos_ != "VERB":
        return None
    particle = next((c.lower_ for c in tok.children if c.dep_ == "prt"), None)
    lemma = tok.lemma_.lower()
    return f"{lemma} {particle}" if particle else lemma


# A part is (what it names: a knowledge id or its folded words, start_char, end_char).
_Part = tuple[str, int, int]


def _roles(ctx: SentenceContext, verb: Token, linked: dict[int, Mention],
           event_words: set[int]) -> dict[str, list[_Part]] | None:
    """The doers, the things done to and the receivers the verb's clause names; None when
    the clause names a state or person in no role this reading knows (not checked)."""
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
    roles: dict[str, list[_Part]] = {"subjects": [], "objects": [], "to": [], "halves": []}
    placed: set[int] = set()

    def put(role: str, head: Token) -> None:
        for conjunct in _conjuncts(head):
            for part, words in _parts(ctx, conjunct, linked, event_words):
                roles[role].append(part)
                placed.update(words)
            for prep in conjunct.children:  # "divided Poland between Germany and the USSR"
                if role == "objects" and prep.dep_ == "prep" and prep.lower_ in ("between",
                                                                                 "among"):
                    placed.add(prep.i)
                    for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                        put("to", pobj)

    for child in verb.children:
        dep = child.dep_
        if dep in ("nsubj", "csubj") or (dep == "agent" and passive):
            for pobj in ([child] if dep != "agent" else
                         [c for c in child.children if c.dep_ == "pobj"]):
                put("subjects", pobj)
        elif dep in ("dobj", "nsubjpass"):
            put("objects", child)
        elif dep == "prep" and child.lower_ in ("including", "like"):
            for pobj in _objects_of_prep(child):  # "lost much, including Finland"
                placed.add(child.i)
                put("objects", pobj)
        elif dep == "dative":  # "gave the USSR ...", or "gave ... to Hitler" read so
            for head in ([c for c in child.children if c.dep_ == "pobj"]
                         if child.pos_ == "ADP" else [child]):
                put("to", head)
        elif dep == "prep" and child.lower_ in ("to", "into", "in", "between", "under",
                                                "among", "within"):
            for pobj in (c for c in child.children if c.dep_ == "pobj"):
                if child.lower_ == "in" and pobj.lower_ in _HALVES:  # "split Poland in two"
                    roles["halves"].append(("@how", child.idx, pobj.idx + len(pobj)))
                    placed.update((child.i, pobj.i))
                    continue
                sphere = _sphere_of(ctx, pobj, linked)
                if sphere is not None:
                    roles["to"].append(sphere)
                    placed.update(t.i for t in pobj.subtree)
                elif child.lower_ in ("to", "between", "among"):
                    put("to", pobj)
    # Names the parse left outside any role ("In the secret protocol Germany and the USSR
    # divided Poland" is read as one phrase): before the verb, its doers; after, unread.
    clause = _clause(verb)
    for i in sorted(set(linked) - placed - event_words):
        if i not in clause:
            continue
        m = linked[i]
        if m.start != i:
            continue
        if i < verb.i and m.section in ("states", "people", "organisations"):
            roles["subjects"].append((m.kb_id, m.start_char, m.end_char))
            placed.update(range(m.start, m.end))
        else:
            return None
    return roles


# Verbs that refuse what their clause would allow: "refused to let the Red Army cross".
_REFUSING = {"refuse", "decline"}


def _refused(verb: Token) -> bool:
    """A permission refused: "would not let", "did not allow", "refused to let"."""
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in _REFUSING:
        return not denied(verb.head)
    return denied(verb)


def _refusal_roles(ctx: SentenceContext, verb: Token, linked: dict[int, Mention],
                   event_words: set[int]) -> dict[str, list[_Part]] | None:
    """Who refused (the subject of the verb, or of "refused" above it) and whom they would
    not let (its object, or the subject of the clause it governs: "let the Red Army
    cross"); None without both."""
    roles: dict[str, list[_Part]] = {"subjects": [], "objects": [], "to": [], "halves": []}
    doer = verb.head if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in _REFUSING \
        else verb
    heads = {"subjects": [c for c in doer.children if c.dep_ == "nsubj"],
             "objects": [c for c in verb.children if c.dep_ == "dobj"] + [
                 s for c in verb.children if c.dep_ in ("ccomp", "xcomp")
                 for s in c.children if s.dep_ == "nsubj"]}
    for role, found in heads.items():
        for head in found:
            for conjunct in _conjuncts(head):
                roles[role].extend(part for part, _ in _parts(ctx, conjunct, linked,
                                                               event_words))
    return roles if roles["subjects"] and roles["objects"] else None


def _clause(verb: Token) -> set[int]:
    """The verb's words, without the clauses hung on it (they state other things)."""
    inner = {t.i for c in verb.children if c.dep_ in ("relcl", "advcl", "ccomp", "conj",
                                                     "parataxis", "xcomp")
             for t in c.subtree}
    return {t.i for t in verb.subtree} - inner


def _conjuncts(head: Token) -> list[Token]:
    out, todo = [], [head]
    while todo:
        tok = todo.pop(0)
        out.append(tok)
        todo.extend(c for c in tok.children if c.dep_ == "conj")
    return out


def _parts(ctx: SentenceContext, tok: Token, linked: dict[int, Mention],
           event_words: set[int]) -> list[tuple[_Part, set[int]]]:
    """What one conjunct names: the event itself, a linked name, or its own words;
    "land including Ukraine" names both the land and Ukraine."""
    if tok.i in event_words:
        return [(("@event", tok.idx, tok.idx + len(tok)), {tok.i})]
    if tok.lower_ in _PRONOUNS:
        return [(("", tok.idx, tok.idx + len(tok)), {tok.i})]
    words = list(tok.subtree)
    if _THE_PARTIES.fullmatch(" ".join(t.lower_ for t in words)):
        return [(("@parties", words[0].idx, words[-1].idx + len(words[-1])),
                 {t.i for t in words})]
    if tok.lemma_.lower() in _QUANTITY:
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
        if pobj is not None:
            out = [(p, {tok.i, of.i, *w}) for p, w in _parts(ctx, pobj, linked, event_words)]
            return out + _examples(ctx, tok, linked, event_words)
    # the conjunct's own words: without its conjuncts and the examples hung on it
    nested = [c for c in tok.children if c.dep_ == "conj" or c.dep_ == "cc"
              or (c.dep_ == "prep" and c.lower_ in ("including", "like", "except"))
              or (c.dep_ == "prep" and c.lower_ in ("such", "between", "among"))]
    own = sorted({t.i for t in tok.subtree} - {t.i for c in nested for t in c.subtree})
    doc = tok.doc
    out: list[tuple[_Part, set[int]]] = []
    m = linked.get(tok.i)
    words = [doc[i] for i in own if doc[i].dep_ not in ("det", "poss", "punct", "case")
             and not (doc[i].pos_ == "ADJ" and doc[i].is_lower
                      and doc[i].lower_ not in _DIRECTIONS)
             and not doc[i].like_num]
    shown = [i for i in own if not doc[i].is_punct] or own
    lo, hi = doc[shown[0]], doc[shown[-1]]
    if m is not None and all(m.start <= i < m.end for i in (w.i for w in words)):
        out.append(((m.kb_id or fold_name(m.text), m.start_char, m.end_char), set(own)))
    else:
        out.append((((fold_name(" ".join(w.text for w in words))), lo.idx, hi.idx + len(hi)),
                    set(own)))
    return out + _examples(ctx, tok, linked, event_words)


def _examples(ctx: SentenceContext, tok: Token, linked: dict[int, Mention],
              event_words: set[int]) -> list[tuple[_Part, set[int]]]:
    """"land including Ukraine", "territory such as Latvia": the examples named."""
    out = []
    for c in tok.children:
        if c.dep_ != "prep" or c.lower_ not in ("including", "like", "such"):
            continue
        for pobj in _objects_of_prep(c):
            for conjunct in _conjuncts(pobj):
                out.extend((p, w | {c.i}) for p, w in _parts(ctx, conjunct, linked,
                                                             event_words))
    return out


def _objects_of_prep(prep: Token) -> list[Token]:
    """"including Ukraine", "such as Latvia"."""
    found = [c for c in prep.children if c.dep_ == "pobj"]
    for c in prep.children:
        if c.dep_ == "prep":  # "such as": such -> as -> pobj
            found.extend(g for g in c.children if g.dep_ == "pobj")
    return found


def _sphere_of(ctx: SentenceContext, pobj: Token, linked: dict[int, Mention]) -> _Part | None:
    """"the Soviet sphere", "Germany's sphere of influence": the state it belongs to."""
    if pobj.lemma_.lower() not in _SPHERE and pobj.lower_ not in _SPHERE:
        return None
    for c in pobj.children:
        if c.dep_ in ("amod", "poss", "compound", "nmod"):
            m = linked.get(c.i)
            state = m.kb_id if m is not None else STATE_ADJECTIVES.get(c.lower_)
            if state:
                return (state, c.idx, pobj.idx + len(pobj))  # "Soviet sphere"
    return None




def check(claim: Claim, knowledge: Knowledge) -> Verdict:
    """Supported when one of the event's terms has the verb and every thing done to, doer
    and receiver the clause names; otherwise what matched is shown and the rest is left
    unchecked (the terms list what happened, not all that did not)."""
    event = knowledge.get(claim.subject or "")
    terms = getattr(event, "terms", ())
    best: list[Detail] | None = None
    for term in terms:
        if claim.stated not in term.verbs or term.refused != claim.detail["refused"]:
            continue
        details = _details(claim, term, knowledge, event.parties)
        if best is None or _agreeing(details) > _agreeing(best):
            best = details
    if best is None:
        return Verdict(UNVERIFIABLE)
    v_start, v_end = claim.detail["verb_at"]
    verdict = SUPPORTED if all(d.status == AGREES for d in best) else UNVERIFIABLE
    expected = next((t.said for t in terms if claim.stated in t.verbs and t.said
                     and t.refused == claim.detail["refused"]), None)
    best.append(Detail("terms", claim.text[v_start - claim.start:v_end - claim.start],
                       v_start, v_end, AGREES, expected))  # a verb of this term
    return Verdict(verdict, sources=tuple(event.sources), expected=expected,
                   details=tuple(sorted(best, key=lambda d: d.start)))


def _agreeing(details: list[Detail]) -> int:
    return sum(d.status == AGREES for d in details)


def _details(claim: Claim, term: AgreedTerm, knowledge: Knowledge,
             parties: tuple[str, ...]) -> list[Detail]:
    allowed = {"objects": _names(knowledge, term.objects),
               "subjects": _names(knowledge, term.subjects) | {"@event"},
               "to": _names(knowledge, term.to)}
    slots = {"objects": "terms", "subjects": "actor", "to": "parties"}
    out = [Detail("terms", claim.text[s - claim.start:e - claim.start], s, e,
                  AGREES if "divide" in term.verbs else UNCHECKED)
           for _, s, e in claim.detail["halves"]]
    for role, parts in ((r, claim.detail[r]) for r in ("objects", "subjects", "to")):
        for name, start, end in parts:
            if name == "" or (name == "@event" and role == "subjects"):
                continue  # a pronoun or the agreement itself
            stated = claim.text[start - claim.start:end - claim.start]
            if name == "@parties":  # "the two dictators": right of an agreement of two
                status = AGREES if len(parties) == 2 else UNCHECKED
            else:
                status = AGREES if name in allowed[role] else UNCHECKED
            out.append(Detail(slots[role], stated, start, end, status))
    return out


def _names(knowledge: Knowledge, names: tuple[str, ...]) -> frozenset[str]:
    """Ids as they are, words folded; an id also stands for its names (kept per list)."""
    known = _index(knowledge).names
    found = known.get(names)
    if found is None:
        found = known[names] = frozenset(_named(knowledge, names))
    return found


def _named(knowledge: Knowledge, names: tuple[str, ...]) -> set[str]:
    out = set()
    for name in names:
        entry = knowledge.get(name)
        if entry is not None:
            out.add(name)
            out.update(fold_name(n) for n in (entry.name, *entry.aliases))
        else:
            out.add(fold_name(name))
    return out
