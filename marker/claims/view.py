"""What a historian argues: "Geoffrey Roberts argues that the pact was defensive".

A writer's ``views`` in the knowledge give the words that state each of their known
arguments. A clause said to be a writer's view (the object of "argues", "believes",
"sees ... as"; "As Roberts argues, ...") agrees when it holds the words of one of them and
nothing before them that turns them round ("not", "less", "but", "wrongly"). Anything else is
left unchecked: a view is never called wrong, since what a historian argued is wider than
any list of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Claim
from .details import AGREES, UNCHECKED, Detail
from .fate import denied
from .verdict import SUPPORTED, UNVERIFIABLE, Verdict

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from ..topic import Knowledge
    from .base import Mention, SentenceContext

KINDS = ("view",)
VIEW_VERBS = {"argue", "say", "believe", "think", "claim", "suggest", "contend", "maintain",
              "stress", "insist", "show", "emphasise", "emphasize", "see", "regard", "view",
              "consider", "present", "portray", "treat", "conclude", "hold", "describe"}
# Verbs whose view is what their object is seen "as": "sees the pact as defensive".
AS_VERBS = {"see", "regard", "view", "consider", "present", "portray", "treat", "describe"}
# Words that turn a view's words round, or make them someone else's: left unchecked.
TURNS = {"not", "n't", "never", "no", "nor", "neither", "nothing", "rather", "instead",
         "than", "but", "although", "though", "yet", "wrong", "wrongly", "mistaken",
         "mistakenly", "myth", "false", "falsely", "less", "hardly", "barely", "critics",
         "reject", "rejects", "deny", "denies", "dismiss", "dismisses"}


def extract(ctx: SentenceContext, sent: Span, mentions: list[Mention]) -> list[Claim]:
    """A claim for each writer with known views whose view the sentence gives."""
    out = []
    for m in mentions:
        if m.section != "writers" or not getattr(ctx.knowledge.get(m.kb_id), "views", ()):
            continue
        found = _view_of(ctx.doc[m.end - 1])
        if found is None:
            continue
        words = [t for t in found if not t.is_punct and not t.is_space]
        if not words:
            continue
        v_start, v_end = words[0].idx, words[-1].idx + len(words[-1])
        start, end = min(m.start_char, v_start), max(m.end_char, v_end)
        # Only the words before anything that turns them round count ("defensive rather
        # than aggressive" states the view; "not defensive" does not).
        turn = next((i for i, t in enumerate(words) if t.lower_ in TURNS
                     or t.lemma_.lower() in TURNS), len(words))
        said = {t.lower_ for t in words[:turn]} | {t.lemma_.lower() for t in words[:turn]}
        out.append(Claim(
            kind="view", start=start, end=end, text=ctx.text[start:end], subject=m.kb_id,
            refs=(m.kb_id,), stated=ctx.text[v_start:v_end],
            detail={"view_at": (v_start, v_end), "words": tuple(sorted(said))},
        ))
    return out


def _view_of(name: Token) -> list[Token] | None:
    """The words of the view the sentence gives to the writer whose name ends at ``name``."""
    tok = name
    if tok.dep_ == "appos":
        tok = tok.head  # "the historian Geoffrey Roberts argues": read as an apposition
    if tok.dep_ == "pobj" and tok.head.lower_ in ("like", "as") \
            and tok.head.head.pos_ in ("NOUN", "PROPN"):
        tok = tok.head.head  # "historians like Roberts say ...": the historians say it
    if tok.dep_ != "nsubj" or any(c.dep_ == "conj" for c in tok.children):
        return None  # not the doer, or one of several (whose view is it?)
    verb = tok.head
    if verb.pos_ != "VERB" or verb.lemma_.lower() not in VIEW_VERBS or denied(verb):
        return None
    if verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as"
                                    for c in verb.children):
        # "As Roberts argues, the pact was defensive": the sentence it is said of
        inner = {t.i for t in verb.subtree}
        return [t for t in verb.head.subtree if t.i not in inner]
    for child in verb.children:
        # after the verb: a clause before it is the writer's own sentence run on into
        # this one ("This was a break, but Roberts says it was defensive")
        if child.dep_ in ("ccomp", "xcomp") and child.i > verb.i:
            return list(child.subtree)
    if verb.lemma_.lower() in AS_VERBS:
        for holder in (verb, *(c for c in verb.children if c.dep_ in ("dobj", "obj"))):
            for prep in holder.children:
                if prep.dep_ == "prep" and prep.lower_ == "as":
                    return list(prep.subtree)
    return None


def check(claim: Claim, knowledge: Knowledge) -> Verdict:
    """Agrees when the clause holds the words of one of the writer's known views and
    nothing turns them round; otherwise unchecked (never wrong)."""
    writer = knowledge.get(claim.subject or "")
    views = getattr(writer, "views", ())
    said = set(claim.detail["words"])
    match = next((v for v in views for phrase in v.words if set(phrase.split()) <= said),
                 None)
    v_start, v_end = claim.detail["view_at"]
    detail = Detail("view", claim.stated, v_start, v_end, AGREES if match else UNCHECKED,
                    match.said if match else None)
    return Verdict(SUPPORTED if match else UNVERIFIABLE,
                   sources=tuple(writer.sources) if match and writer else (),
                   expected=match.said if match else None, details=(detail,))
