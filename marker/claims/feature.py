"""What an event was like, told in the student's own words: "the mission went by slow
boat", "Drax had no authority to sign", "the Czech treaty bound the USSR only if France
acted first".

An event's ``features`` in the knowledge give the words that state each thing known about
it (a means, a lack, a condition), as phrases like a writer's views. A clause agrees with a
feature when it holds every word of one of its phrases (or the word's lemma); "no" in a
phrase stands for any denial ("not", "never", "without", "failed to"), and a phrase without
one is not read in a denied clause ("did not go by boat"). The event is one the sentence
names, or, when the sentence names no event and no time, one named in the two sentences
before it in its paragraph ("Britain sent a mission. It went by slow boat"). Of several
events, the clause must fit the features of only one (or say the same of each). A feature
is only ever confirmed: what an event was like is wider than any list of it, so anything
else says nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Claim
from .details import AGREES, Detail
from .verdict import SUPPORTED, UNVERIFIABLE, Verdict

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from ..topic import Knowledge, View
    from .base import Mention, SentenceContext

KINDS = ("feature",)
# Words that deny what their clause says ("failed to impose sanctions" imposed none).
DENIALS = {"no", "not", "n't", "nt", "never", "without", "nor", "neither", "nothing", "fail",
           "refuse", "lack", "decline"}
# The parts of a sentence that are clauses of their own: a feature is read in one of them.
CLAUSES = {"ROOT", "conj", "advcl", "relcl", "ccomp", "acl", "parataxis"}


def extract(ctx: SentenceContext, sent: Span, mentions: list[Mention]) -> list[Claim]:
    """A claim for each clause of the sentence that states a known feature of one event."""
    events = _events(ctx, sent, mentions)
    if not events:
        return []
    out = []
    for head in (t for t in sent if t.dep_ in CLAUSES and t.pos_ in ("VERB", "AUX")
                 and not _condition(t)):
        words = _clause_words(head)
        if not words:
            continue
        said = {w for t in words for w in (t.lower_, t.lemma_.lower())}
        denied = bool(said & DENIALS)
        if denied:
            said.add("no")
        fits = [(kb_id, i, f.said) for kb_id in events
                for i, f in enumerate(getattr(ctx.knowledge.get(kb_id), "features", ()))
                if _states(f, said, denied)]
        if len({kb_id for kb_id, _, _ in fits}) != 1 and len({s for _, _, s in fits}) != 1:
            continue  # the events it could be about differ in what it says
        kb_id, index, _ = fits[0]
        start, end = words[0].idx, words[-1].idx + len(words[-1])
        out.append(Claim(
            kind="feature", start=start, end=end, text=ctx.text[start:end], subject=kb_id,
            refs=(kb_id,), stated=ctx.text[start:end],
            detail={"feature": index, "clause_at": (head.idx, head.idx + len(head))},
        ))
    return out


def _events(ctx: SentenceContext, sent: Span, mentions: list[Mention]) -> list[str]:
    """The events with features the sentence is about: named in it, or, when it names no
    event and no time, named in one of the two sentences before it in its paragraph."""
    def with_features(found: list[Mention]) -> list[str]:
        return list(dict.fromkeys(m.kb_id for m in found if m.section == "events"
                                  and getattr(ctx.knowledge.get(m.kb_id), "features", ())))

    here = with_features(mentions)
    if here or any(m.section == "events" for m in mentions) \
            or ctx.dates_between(sent.start_char, sent.end_char) \
            or any(sent.start_char <= r.start_char < sent.end_char for r in ctx.relatives):
        return here  # "came three years later": another event, told from this one
    return with_features(ctx.events_before(sent))


def _clause_words(head: Token) -> list[Token]:
    """The clause's words: the head's subtree less the clauses hung on it (each read on its
    own), but with a condition or an infinitive kept ("only if France helped first", "no
    power to sign")."""
    inner = [c for c in head.subtree if c.i != head.i and c.dep_ in CLAUSES
             and c.pos_ in ("VERB", "AUX") and not _condition(c) and not _infinitive(c)]
    cut = {t.i for c in inner for t in c.subtree}
    words = [t for t in head.subtree if t.i not in cut and not t.is_punct and not t.is_space]
    while words and words[-1].dep_ == "cc":  # "went by boat and": the "and" is the next's
        words.pop()
    return words


def _infinitive(clause: Token) -> bool:
    """"no authority to sign": an infinitive hung on a noun completes it."""
    return clause.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to"
                                        for c in clause.children)


def _condition(clause: Token) -> bool:
    """"... if France helped first": a condition is part of the clause it is hung on."""
    return clause.dep_ in ("advcl", "ccomp") and any(
        m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in clause.children)


def _states(feature: View, said: set[str], denied: bool) -> bool:
    """All the words of one of the feature's phrases were said; a phrase that is no denial
    is not read in a denied clause."""
    for phrase in feature.words:
        words = {"no" if w in DENIALS else w for w in phrase.split()}
        if words <= said and (denied == ("no" in words)):
            return True
    return False


def check(claim: Claim, knowledge: Knowledge) -> Verdict:
    """Agrees: the extractor made the claim only for words that state a known feature."""
    event = knowledge.get(claim.subject or "")
    features = getattr(event, "features", ())
    index = claim.detail["feature"]
    if event is None or index >= len(features):
        return Verdict(UNVERIFIABLE)
    said = features[index].said
    detail = Detail("feature", claim.stated, claim.start, claim.end, AGREES, said)
    return Verdict(SUPPORTED, sources=tuple(event.sources), expected=said, details=(detail,))
