"""Historiography: historians' views the essay attributes, and what the student makes of them.

A view is a named person with a reporting verb ("Pipes argues", "according to Pipes"), a
parenthetical citation ("(Gorodetsky)") or a quotation attributed to them. Whether the
person is a historian comes from the knowledge (category and description), never from the
essay's say-so: a politician called "historian" is reported, and a name the knowledge
cannot confirm counts for half, as unverified. A view earns most when the student's own
comment follows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..regex import scanner
from ..topic import Person, Writer
from . import Essay, Evidence, Span, clip, plural, ratio, short

NAME = "historiography"
_VIEWS_FULL = 3.0  # distinct historians with views that earn the full view score
_NAMED_FULL = 4  # distinct historians named at all
_COMMENTED_FULL = 2  # views followed by the student's own comment
_HISTORIANS = ("historian", "textbook_author")

REPORTING = frozenset({
    "argue", "say", "state", "claim", "suggest", "point", "describe", "believe", "write",
    "contend", "see", "stress", "emphasise", "emphasize", "present", "treat", "conclude",
    "maintain", "assert", "note", "observe", "call", "show", "insist", "put", "blame", "view",
    "regard", "interpret", "explain", "highlight", "draw", "depict", "portray", "characterise",
    "characterize", "label", "dismiss", "doubt", "question", "challenge", "agree", "disagree",
    "think", "consider", "find", "reveal", "demonstrate", "capture", "make", "set", "offer",
    "remind", "warn", "identify", "attribute",
})
_ACCORDING = re.compile(r"\b(according to|in the (view|words) of|as)\s+$", re.I)
_QUOTE = scanner(r"[“\"][^”\"]{12,}[”\"]|(?<!\w)[‘'][^’']{12,}[’'](?!\w)")
_SOURCE_WORDS = scanner(
    r"\b(historians?|writers?|authors?|scholars?|according to)\b[^.;]{0,12}$")
# In the citing sentence itself, only a clause that turns to the student's own voice.
_OWN_INLINE = scanner(
    r";\s|,\s*(but|yet|although|though|which makes|which suggests|which shows)\b|"
    r"\b(however|I (think|agree|disagree)|in my view|my own view)\b", re.I)
_OWN = scanner(
    r"\b(this (shows|suggests|means|is|was|view|interpretation|argument|makes)|I (think|agree|"
    r"disagree|would)|in my view|my own view|partly|convincing|persuasive|however|but|yet|"
    r"nonetheless|the evidence|supports?|fits?|overstates?|underestimates?|ignores?|"
    r"is right|is wrong|plausible|more likely|less likely|by contrast|others|which makes)\b",
    re.I)


@dataclass(frozen=True)
class _Citation:
    kb_id: str | None
    name: str
    start: int
    end: int
    sentence: Any
    view: bool
    quote: bool
    comment: str | None  # the student's own comment on the view, when one follows
    status: str  # historian | unverified | not_historian | unknown


def measure(essay: Essay) -> Evidence:
    misattributed = [c for c in essay.claims
                     if c["kind"] == "attribution" and c["verdict"] == "contradicted"]
    wrong_ids = {c.get("subject") for c in misattributed}
    cites = _citations(essay)
    # A view credited to the wrong person is not evidence of reading that historian.
    views = [c for c in cites if c.view and c.kb_id not in wrong_ids]
    by_person: dict[str, _Citation] = {}
    for c in views:
        by_person.setdefault(c.kb_id or c.name.casefold(), c)
    named = {c.kb_id or c.name.casefold(): c for c in cites}
    historians = [c for c in by_person.values() if c.status == "historian"]
    uncertain = [c for c in by_person.values() if c.status in ("unverified", "unknown")]
    not_historians = [c for c in named.values() if c.status == "not_historian"]
    commented = [c for c in views if c.comment and c.status != "not_historian"]
    named_historians = [c for c in named.values() if c.status == "historian"]

    credit = len(historians) + 0.5 * len(uncertain)
    score = clip(0.45 * ratio(credit, _VIEWS_FULL) + 0.2 * ratio(len(named_historians), _NAMED_FULL)
                 + 0.35 * ratio(len(commented), _COMMENTED_FULL)
                 - 0.1 * min(2, len(misattributed) + len(not_historians)))
    details: dict[str, Any] = {
        "views": [{"name": c.name, "kb_id": c.kb_id, "status": c.status, "quote": c.quote,
                   "commented": c.comment is not None} for c in by_person.values()],
        "historians_with_views": len(historians),
        "historians_named": len(named_historians),
        "unverified_or_unknown": len(uncertain),
        "not_historians": [c.name for c in not_historians],
        "commented": len(commented),
        "quotations": sum(1 for c in views if c.quote),
        "misattributed": [c["text"] for c in misattributed],
    }
    spans = tuple(Span(c.start, c.end, _note(c)) for c in sorted(cites, key=lambda c: c.start))

    reasons = []
    if historians:
        reasons.append(f"Gives the views of {plural(len(historians), 'historian')}: "
                       + ", ".join(c.name for c in historians[:4]) + ".")
    elif named_historians:
        reasons.append("Names " + ", ".join(c.name for c in named_historians[:3])
                       + " but does not say what they argue.")
    else:
        reasons.append("No historian's view is attributed.")
    if views:
        verb = "is" if len(commented) == 1 else "are"
        reasons.append(f"{len(commented)} of {plural(len(views), 'cited view')} {verb} followed by "
                       "the student's own comment"
                       + (f" (e.g. '{short(commented[0].comment or '', 60)}')."
                          if commented else "."))
    for c in not_historians[:1]:
        reasons.append(f"{c.name} is cited as an authority but was not mainly a historian: "
                       f"{_description(essay, c.kb_id)}")
    for c in uncertain[:1]:
        reasons.append(f"{c.name} could not be confirmed as a historian, so the view counts "
                       "for half.")
    for claim in misattributed[:1]:
        reasons.append(f"'{short(claim['text'], 50)}' is misattributed: {claim['correction']}")

    steps = []
    if not views:
        steps.append(_suggest_historian(essay))
    else:
        silent = [c for c in views if c.comment is None]
        if silent:
            c = silent[0]
            steps.append(f"After citing {c.name} ('{short(c.sentence.text, 50)}'), say whether "
                         "the evidence in your essay supports that view and why.")
        if len(historians) < 2:
            steps.append(_suggest_historian(essay))
    for c in not_historians[:1]:
        steps.append(f"Do not present {c.name} as a historian; cite a historian's view instead, "
                     "or say who he or she was.")
    summary = (f"{len(historians)} historians' views, {len(commented)} with own comment, "
               f"{len(named_historians)} historians named")
    return Evidence(NAME, round(score, 3), summary, details, spans, tuple(reasons[:4]),
                    tuple(s for s in steps if s)[:3])


def _status(essay: Essay, kb_id: str | None) -> str:
    entry = essay.topic.knowledge.get(kb_id) if kb_id else None
    if isinstance(entry, Writer):
        if entry.category in _HISTORIANS or "historian" in entry.roles:
            return "historian"
        return "unverified" if entry.category == "unverified" else "not_historian"
    if isinstance(entry, Person):
        return "historian" if entry.category == "historian" or "historian" in entry.roles \
            else "not_historian"
    return "unknown"


def _description(essay: Essay, kb_id: str | None) -> str:
    entry = essay.topic.knowledge.get(kb_id) if kb_id else None
    text = getattr(entry, "description", None) or getattr(entry, "category", None) or ""
    return text.rstrip(".") + "."


def _citations(essay: Essay) -> list[_Citation]:
    """Mentions of writers and historians, and of other people cited as sources.

    A politician who "warned" or "argued" is part of the story, not a source: people the
    knowledge does not list as historians count only when the essay cites them as one
    ("the historian X", "(X)", "according to X").
    """
    out = []
    sents = [s for _, s in essay.sentences()]
    seen: set[tuple[int, str]] = set()  # (sentence start, person): one citation per sentence
    for ent in essay.report.entities:
        sent = next((s for s in sents if s.start_char <= ent.start < s.end_char), None)
        if sent is None or (ent.label != "PERSON" and ent.type != "writer"):
            continue
        if ent.type in ("event", "state", "organisation"):
            continue
        status = _status(essay, ent.kb_id)
        if status in ("not_historian", "unknown") and not _cited_as_source(essay, ent, sent):
            continue
        key = (sent.start_char, ent.kb_id or ent.text.casefold())
        if key in seen:
            continue
        seen.add(key)
        view = _attributed(essay, ent.start, ent.end, sent)
        comment = _comment(essay, sent, sents, ent.end) if view else None
        out.append(_Citation(ent.kb_id, ent.name or ent.text, ent.start, ent.end, sent, view,
                             view and bool(_QUOTE.search(sent.text)), comment, status))
    return out


def _attributed(essay: Essay, start: int, end: int, sent: Any) -> bool:
    """The sentence gives this person's view: a reporting verb, 'according to', or '(Name)'."""
    if _cited(essay, start, end, sent):
        return True
    for tok in sent:
        if tok.idx >= end and tok.lemma_.lower() in REPORTING and tok.pos_ == "VERB" \
                and tok.idx - end < 160:
            return True
    return False


def _cited(essay: Essay, start: int, end: int, sent: Any) -> bool:
    """'according to X', 'as X argues' or a parenthetical '(X)' / '(X & Y)'."""
    text = essay.text
    before = text[sent.start_char:start]
    if _ACCORDING.search(before):
        return True
    return bool(re.search(r"\([^()]{0,40}$", before)
                and re.match(r"[^()]{0,40}\)", text[end:sent.end_char]))


def _cited_as_source(essay: Essay, ent: Any, sent: Any) -> bool:
    before = essay.text[max(sent.start_char, ent.start - 30):ent.start].lower()
    return bool(_SOURCE_WORDS.search(before)) or _cited(essay, ent.start, ent.end, sent)


def _comment(essay: Essay, sent: Any, sents: list[Any], end: int) -> str | None:
    """The student's own comment on a view: the rest of the sentence or the next one."""
    inline = _OWN_INLINE.search(essay.text[end:sent.end_char])
    if inline:
        return essay.text[end + inline.start():sent.end_char].strip(" ,;:")
    i = next((k for k, s in enumerate(sents) if s.start_char == sent.start_char), None)
    if i is None or i + 1 >= len(sents):
        return None
    nxt = sents[i + 1]
    same_paragraph = "\n" not in essay.text[sent.end_char:nxt.start_char]
    cites_again = any(nxt.start_char <= e.start < nxt.end_char and e.type == "writer"
                      for e in essay.report.entities)
    return nxt.text if same_paragraph and not cites_again and _OWN.search(nxt.text) else None


def _note(c: _Citation) -> str:
    kinds = {"historian": "historian", "unverified": "could not be verified as a historian",
             "not_historian": "not a historian", "unknown": "not in the knowledge"}
    what = "view" if c.view else "named only"
    return f"{c.name}: {what}, {kinds[c.status]}" + (", own comment follows" if c.comment else "")


def _suggest_historian(essay: Essay) -> str:
    """A historian from the topic's historiography item the essay does not cite yet."""
    cited = {e.kb_id for e in essay.linked}
    for item in essay.topic.key_content:
        for ref in item.refs:
            entry = essay.topic.knowledge.get(ref)
            if isinstance(entry, Writer) and ref not in cited and entry.category in _HISTORIANS:
                return (f"Bring in a historian's view on '{essay.question[1]}', e.g. "
                        f"{entry.name} ({(entry.description or entry.category).rstrip('.')}), "
                        "and say whether your evidence supports it.")
    return ""
