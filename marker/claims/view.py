"""What a historian argues, or a leader held: "Geoffrey Roberts argues that the pact was
defensive", "Hitler wrote in Mein Kampf that Germany needed living space in the east".

A writer's or person's ``views`` in the knowledge give the words that state each of their
known arguments or aims. A clause said to be someone's view (the object of "argues",
"believes", "sees ... as"; "As Roberts argues, ...") agrees when it holds the words of one
of them and nothing before them that turns them round ("not", "less", "but", "wrongly").
Anything else is left unchecked: a view is never called wrong, since what a historian
argued is wider than any list of it. What a person (not a writer) said is read as a view
only when it holds the words of one of their views: anything else they said is another
claim's business (what Stalin said at a meeting, a quotation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Claim
from .details import AGREES, UNCHECKED, Detail
from .fate import denied
from .verdict import SUPPORTED, UNVERIFIABLE, Verdict

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from ..topic import Knowledge, View
    from .base import Mention, SentenceContext

KINDS = ("view",)
VIEW_VERBS = {"argue", "say", "believe", "think", "claim", "suggest", "contend", "maintain",
              "stress", "insist", "show", "emphasise", "emphasize", "see", "regard", "view",
              "consider", "present", "portray", "treat", "conclude", "hold", "describe",
              "write", "expect", "want", "seek", "demand", "defend", "support", "favour",
              "favor", "advocate", "champion"}
# Verbs whose object is the view: "wanted living space in the east", "defended NEP".
OBJECT_VERBS = {"want", "seek", "demand", "defend", "support", "favour", "favor", "advocate",
                "champion"}
# Verbs whose view is what their object is seen "as": "sees the pact as defensive".
AS_VERBS = {"see", "regard", "view", "consider", "present", "portray", "treat", "describe"}
# Words that turn a view's words round, or make them someone else's: left unchecked.
TURNS = {"not", "n't", "never", "no", "nor", "neither", "nothing", "rather", "instead",
         "than", "but", "although", "though", "yet", "wrong", "wrongly", "mistaken",
         "mistakenly", "myth", "false", "falsely", "less", "hardly", "barely", "critics",
         "reject", "rejects", "deny", "denies", "dismiss", "dismisses", "against", "oppose",
         "attack", "criticise", "criticize", "condemn"}
# Words that deny the whole view wherever they stand ("the revolution in Germany would fail").
DENYING = {"fail", "collapse", "unlikely", "impossible", "doubt"}


def extract(ctx: SentenceContext, sent: Span, mentions: list[Mention]) -> list[Claim]:
    """A claim for each writer or person with known views whose view the sentence gives."""
    out = []
    for m in mentions:
        views = getattr(ctx.knowledge.get(m.kb_id), "views", ())
        if m.section not in ("writers", "people") or not views:
            continue
        said_by = _view_of(ctx.doc[m.end - 1])
        if said_by is None:
            continue
        verb, found = said_by
        # A clause hung inside the view ("..., which meant Russia", "so the USSR was
        # scared") states something else: the view ends before it.
        inside = {t.i for t in found}
        cut = min((t.left_edge.i for t in found if t.dep_ in ("relcl", "advcl")
                   and t.head.i in inside), default=None)
        words = [t for t in found if not t.is_punct and not t.is_space
                 and (cut is None or t.i < cut)]
        if not words:
            continue
        v_start, v_end = words[0].idx, words[-1].idx + len(words[-1])
        start, end = min(m.start_char, v_start), max(m.end_char, v_end)
        # Only the words before anything that turns them round count ("defensive rather
        # than aggressive" states the view; "not defensive" does not).
        said = said_words(words)
        if m.section == "people" and (_matching(views, said) is None
                                      or any(t.is_quote for t in found)):
            continue
        out.append(Claim(
            kind="view", start=start, end=end, text=ctx.text[start:end], subject=m.kb_id,
            refs=(m.kb_id,), stated=ctx.text[v_start:v_end],
            detail={"view_at": (v_start, v_end), "words": tuple(sorted(said)),
                    # the clause the view is given in is the verb's, not the name's
                    "clause_at": (verb.idx, verb.idx + len(verb))},
        ))
    return out


def _view_of(name: Token) -> tuple[Token, list[Token]] | None:
    """The verb giving a view to the writer whose name ends at ``name``, and its words."""
    tok = name
    if tok.dep_ == "appos":
        tok = tok.head  # "the historian Geoffrey Roberts argues": read as an apposition
    if tok.dep_ == "pobj" and tok.head.lower_ in ("like", "as") \
            and tok.head.head.pos_ in ("NOUN", "PROPN"):
        tok = tok.head.head  # "historians like Roberts say ...": the historians say it
    relative = next((c for c in tok.children if c.dep_ == "relcl" and any(
        s.dep_ == "nsubj" and s.lower_ == "who" for s in c.children)), None)
    if relative is not None:  # "Hitler, who had written in Mein Kampf that ..., hated"
        words = _view_of_verb(relative)
        if not words:
            return None
        comma = next((i for i, t in enumerate(words) if t.text == ","), len(words))
        return relative, words[:comma]
    if tok.dep_ != "nsubj" or any(c.dep_ == "conj" for c in tok.children):
        return None  # not the doer, or one of several (whose view is it?)
    words = _view_of_verb(tok.head)
    return (tok.head, words) if words else None


def _view_of_verb(verb: Token) -> list[Token] | None:
    """The words of the view the verb gives ("argues that ...", "sees it as ...")."""
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
    lemma = verb.lemma_.lower()
    for child in verb.children:
        if (lemma in OBJECT_VERBS and child.dep_ == "dobj" and child.i > verb.i) or (
                lemma == "believe" and child.dep_ == "prep" and child.lower_ == "in"):
            # "wanted living space", "believed in socialism in one country" (the parser
            # may hang the last words on the verb)
            after = [c for c in verb.children if c.i > child.i and c.dep_ == "prep"]
            return [t for c in (child, *after) for t in c.subtree]
    if lemma in AS_VERBS:
        for holder in (verb, *(c for c in verb.children if c.dep_ in ("dobj", "obj"))):
            for prep in holder.children:
                if prep.dep_ == "prep" and prep.lower_ == "as":
                    return list(prep.subtree)
    return None


def check(claim: Claim, knowledge: Knowledge) -> Verdict:
    """Agrees when the clause holds the words of one of the writer's known views and
    nothing turns them round; otherwise unchecked (never wrong)."""
    writer = knowledge.get(claim.subject or "")
    match = _matching(getattr(writer, "views", ()), set(claim.detail["words"]))
    v_start, v_end = claim.detail["view_at"]
    detail = Detail("view", claim.stated, v_start, v_end, AGREES if match else UNCHECKED,
                    match.said if match else None)
    return Verdict(SUPPORTED if match else UNVERIFIABLE,
                   sources=tuple(writer.sources) if match and writer else (),
                   expected=match.said if match else None, details=(detail,))


def said_words(words: list[Token]) -> set[str]:
    """The words (and their lemmas) before anything that turns them round: "defensive
    rather than aggressive" states the view; "not defensive" does not."""
    if any(t.lemma_.lower() in DENYING for t in words):
        return set()
    turn = next((i for i, t in enumerate(words) if t.lower_ in TURNS
                 or t.lemma_.lower() in TURNS), len(words))
    return {t.lower_ for t in words[:turn]} | {t.lemma_.lower() for t in words[:turn]}


def held_view(knowledge: Knowledge, kb_id: str, words: list[Token]) -> View | None:
    """The known view of this writer or person that the words state, if any."""
    return _matching(getattr(knowledge.get(kb_id), "views", ()), said_words(words))


def _matching(views: tuple[View, ...], said: set[str]) -> View | None:
    """The first view all of whose words, for one of its phrases, were said."""
    return next((v for v in views for phrase in v.words if set(phrase.split()) <= said), None)
