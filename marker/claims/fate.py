"""Fates: "Tukhachevsky was shot in 1937", "Zhukov was executed", "Bukharin died in 1938".

A person named as the one a verb of dying or killing happens to (the passive subject or the
object: "Stalin had Trotsky murdered") is checked against how and when the knowledge says
they died. How is checked only where the person's ``fate`` is recorded (the sources agree),
and only where the verb and the fate cannot both be right: "executed" is wrong for someone
who died in bed, but "shot" is not checked against an assassination (the weapon is not
recorded). When is checked against the death date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..dates import format_date
from .base import Claim
from .details import AGREES, CONTRADICTS, UNCHECKED, Detail
from .verdict import CONTRADICTED, SUPPORTED, UNVERIFIABLE, Verdict

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from ..dates import DateSpan
    from ..topic import Knowledge, Person
    from .base import Mention, SentenceContext

KINDS = ("fate",)
# verb lemma -> (fates it agrees with, fates it contradicts); any other fate: not checked.
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "execute": (frozenset({"executed"}), frozenset({"natural", "assassinated", "suicide",
                                                    "killed_in_war"})),
    "shoot": (frozenset({"executed"}), frozenset()),
    "kill": (frozenset({"executed", "assassinated", "killed_in_war"}), frozenset({"natural"})),
    "murder": (frozenset({"executed", "assassinated"}), frozenset({"natural"})),
    "assassinate": (frozenset({"assassinated"}), frozenset({"natural", "executed"})),
    "die": (frozenset(), frozenset()),
}
FATE_WORDS = {"executed": "was executed", "assassinated": "was assassinated",
              "suicide": "committed suicide", "died_in_custody": "died in custody",
              "killed_in_war": "was killed in the war", "natural": "died a natural death"}
# Verbs that need not mean death ("Lenin was shot in 1918" and lived): checked only for
# someone the knowledge says was executed, whom the verb then names.
NOT_FATAL = {"shoot"}
# What a bare "X died" may have beside its verb: its subject, tense, a conjunction, a mark.
_PLAIN_DEPS = {"nsubj", "aux", "auxpass", "mark", "cc", "conj", "punct", "advcl", "ccomp"}
# "wanted to kill", "tried to have him shot", "would be executed": not a statement of fact.
# Subordinate clauses of time or cause: what they say happened ("when Germany invaded").
FACT_MARKS = frozenset({"when", "after", "because", "since", "once", "as", "before", "until",
                        "while", "whereas"})
NOT_FACT = {"want", "try", "plan", "hope", "wish", "attempt", "threaten", "fear", "order",
            "intend", "plot", "seek", "expect", "fail", "refuse", "avoid", "escape", "survive"}


def extract(ctx: SentenceContext, sent: Span, mentions: list[Mention]) -> list[Claim]:
    """A claim for each person the sentence says was killed or died."""
    out = []
    for m in mentions:
        if m.section != "people":
            continue
        head = ctx.doc[m.end - 1]
        verb = _fate_verb(head)
        if verb is None or not stated_as_fact(verb):
            continue
        when = _date_on(ctx, sent, verb)
        place = _place_on(verb)
        ends = [(m.start_char, m.end_char), (verb.idx, verb.idx + len(verb))]
        ends.extend([(when.start_char, when.end_char)] if when else [])
        ends.extend([place] if place else [])
        start, end = min(a for a, _ in ends), max(b for _, b in ends)
        out.append(Claim(
            kind="fate", start=start, end=end, text=ctx.text[start:end], subject=m.kb_id,
            refs=(m.kb_id,), stated=verb.text, when=when,
            detail={"verb": verb.lemma_.lower(), "verb_at": (verb.idx, verb.idx + len(verb)),
                    "place_at": place,
                    # "after Lenin died": nothing said of how or where, only that they died
                    "plain": all(c.dep_ in _PLAIN_DEPS for c in verb.children)},
        ))
    return out


def _fate_verb(tok: Token) -> Token | None:
    """The verb of dying or killing this name is the sufferer of: "X was shot", "X died",
    "they executed X", "had X murdered"."""
    cur = _exemplified(tok)
    verb = cur.head
    lemma = verb.lemma_.lower()
    if lemma not in VERBS or verb.pos_ not in ("VERB", "AUX"):
        return None
    if any(c.dep_ == "prt" for c in verb.children):  # "shot down", "killed off"
        return None
    if lemma == "die":
        return verb if cur.dep_ == "nsubj" else None
    if cur.dep_ == "nsubjpass" or (cur.dep_ in ("dobj", "nsubj") and _is_object(cur, verb)):
        return verb
    return None


# "loads of his generals like Tukhachevsky": the word of quantity holds the role.
QUANTITY_WORDS = {"load", "loads", "lot", "lots", "many", "most", "thousands", "hundreds",
                  "dozens", "some", "all", "number", "majority", "half", "much"}


def _exemplified(tok: Token) -> Token:
    """The word whose role a name shares: itself, the first of a list it ends ("Zinoviev
    and Kamenev were shot"), or the noun it is an example of ("killed many generals, like
    Tukhachevsky", "officers including Yakir", "commanders such as Blyukher")."""
    cur = tok
    while cur.dep_ == "conj" and cur.head.i != cur.i:  # "Zinoviev and Kamenev were shot"
        cur = cur.head
    if cur.dep_ == "pobj" and cur.head.lower_ in ("like", "including", "as"):
        noun = cur.head.head
        if cur.head.lower_ == "as" and noun.lower_ == "such":
            noun = noun.head
        if noun.pos_ in ("NOUN", "PRON", "ADJ", "NUM") and noun.i != cur.i:
            cur = noun
            while cur.dep_ == "conj" and cur.head.i != cur.i:
                cur = cur.head
            if cur.dep_ == "pobj" and cur.head.lower_ == "of" \
                    and cur.head.head.lower_ in QUANTITY_WORDS:
                cur = cur.head.head
    return cur


def _is_object(tok: Token, verb: Token) -> bool:
    """The name is what the killing happened to: an object ("the NKVD shot X", "had X
    shot": X is the subject of the small clause under 'had')."""
    return tok.dep_ == "dobj" or (tok.dep_ == "nsubj" and verb.dep_ == "ccomp"
                                  and verb.head.lemma_.lower() in ("have", "get"))


def denied(verb: Token) -> bool:
    """"did not sign", "never signed", "Nor did ...", "Neither A nor B signed"."""
    return any(c.dep_ == "neg" or c.lower_ in ("never", "nor") for c in verb.children) or any(
        c.dep_ in ("nsubj", "nsubjpass") and any(g.lower_ == "neither" for g in c.children)
        for c in verb.children)


def stated_as_fact(verb: Token) -> bool:
    """Not denied, hoped for, feared or hedged ("was nearly shot", "may have died")."""
    if denied(verb) or any(c.lower_ in ("nearly", "almost") for c in verb.children):
        return False
    if any(c.dep_ == "aux" and c.lower_ in ("would", "could", "might", "may", "should", "will")
           for c in verb.children):
        return False
    cur = verb
    for _ in range(3):
        # "the pact failed when Germany invaded": a clause of time or cause is stated as
        # fact whatever its main verb; "hoped to invade" is not
        told = cur.dep_ == "advcl" and any(c.dep_ in ("mark", "advmod") and c.lower_ in FACT_MARKS
                                           for c in cur.children)
        if cur.dep_ in ("xcomp", "ccomp", "advcl") and not told \
                and cur.head.lemma_.lower() in NOT_FACT:
            return False
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in cur.children):
            return False
        if cur.head.i == cur.i:
            break
        cur = cur.head
    return True


def _place_on(verb: Token) -> tuple[int, int] | None:
    """Where the verb says it happened ("murdered in Mexico"): a place name after in/at."""
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "at", "near", "outside"):
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and pobj.ent_type_ in ("GPE", "LOC", "FAC"):
                    words = [t for t in pobj.subtree if t.ent_type_ == pobj.ent_type_]
                    return words[0].idx, words[-1].idx + len(words[-1])
    return None


def _date_on(ctx: SentenceContext, sent: Span, verb: Token) -> DateSpan | None:
    """A date hung on the verb itself ("was shot in June 1937")."""
    calendar = [d for d in ctx.calendar_years if sent.start_char <= d.start_char < sent.end_char]
    for d in [*ctx.dates_between(sent.start_char, sent.end_char), *calendar]:
        tok = next((t for t in sent if t.idx >= d.start_char), None)
        for _ in range(4):
            if tok is None:
                break
            if tok.i == verb.i:
                return d
            if tok.head.i == tok.i and verb.dep_ == "relcl" and verb.head.i == tok.i \
                    and tok.pos_ == "NOUN":
                return d  # "The next year Kirov was shot": parsed as a year and its clause
            if tok.head.i == tok.i or tok.pos_ in ("VERB", "AUX"):
                break
            tok = tok.head
    return None


def check(claim: Claim, knowledge: Knowledge) -> Verdict:
    """How, against the recorded fate; when, against the death date."""
    person: Person | None = knowledge.get(claim.subject or "")  # type: ignore[assignment]
    if person is None or person.died is None:
        return Verdict(UNVERIFIABLE)
    verb = claim.detail["verb"]
    v_start, v_end = claim.detail["verb_at"]
    agree, wrong = VERBS[verb]
    fate = person.fate
    died = _died_words(person)
    sources = tuple(person.sources)
    details = []
    if verb in NOT_FATAL and fate not in agree:
        return Verdict(UNVERIFIABLE)
    if verb != "die":
        status = (AGREES if fate in agree else CONTRADICTS if fate in wrong else UNCHECKED)
        details.append(Detail("fate", claim.stated, v_start, v_end, status,
                              FATE_WORDS.get(fate or "")))
        if status == CONTRADICTS:
            return Verdict(
                CONTRADICTED,
                f"{person.name} was not {claim.stated}; {person.name.split()[-1]} "
                f"{FATE_WORDS[fate or 'natural']} {died}.",
                sources, f"{person.name} {FATE_WORDS[fate or 'natural']} {died}",
                details=tuple(details), wrong="fate")
    if claim.detail.get("place_at"):
        p_start, p_end = claim.detail["place_at"]
        stated = claim.text[p_start - claim.start:p_end - claim.start]
        where = person.death_place or ""
        known = stated.lower() in where.lower() if where else False
        details.append(Detail("place", stated, p_start, p_end, AGREES if known else UNCHECKED,
                              where or None))
    d = claim.when
    if d is not None:
        ends = [person.died, *getattr(person, "accepted_died", ())]
        right = any(d.start <= v.end and v.start <= d.end for v in ends)
        if not right and not d.approximate and not d.open_start and not d.open_end:
            details.append(Detail("time", d.text, d.start_char, d.end_char, CONTRADICTS, died))
            return Verdict(CONTRADICTED, f"{person.name} died {died}, not {d.as_said}.",
                           sources, f"{person.name} died {died}",
                           details=tuple(sorted(details, key=lambda x: x.start)), wrong="time")
        details.append(Detail("time", d.text, d.start_char, d.end_char,
                              AGREES if right else UNCHECKED, died))
    if not details and verb == "die" and claim.detail.get("plain"):
        # "after Lenin died": that the person died is true of everyone the knowledge dates
        details.append(Detail("fate", claim.stated, v_start, v_end, AGREES, died))
    if not details:
        return Verdict(UNVERIFIABLE)
    statuses = {x.status for x in details}
    verdict = SUPPORTED if statuses == {AGREES} else UNVERIFIABLE
    return Verdict(verdict, sources=sources, expected=f"{person.name} died {died}",
                   details=tuple(sorted(details, key=lambda x: x.start)))


def _died_words(person: Person) -> str:
    """'on 12 June 1937'."""
    assert person.died is not None
    return f"{'on' if person.died.precision == 'day' else 'in'} {format_date(person.died)}"
