"""Coverage: which of the topic's key-content items the essay addresses, weighted.

An item is covered when one of its knowledge refs is linked in the essay (an entity or a
claim) or one of its keywords appears. Items are weighted by the topic's weights and by
how close they are to the question the essay answers, so an essay on the 1939 pact is not
marked down for leaving out 1918. Each paragraph is also compared with the model answer's
paragraphs (LSA cosine) to say which part of the model answer it is closest to.
"""

from __future__ import annotations

from typing import Any

from ..topic import Event, KeyContent
from . import (
    Essay,
    Evidence,
    Span,
    agree,
    clip,
    named,
    phrase_pattern,
    plural,
    short,
    spoken_date,
)

NAME = "coverage"
# Shares of the (question-weighted) key content that score 0 and 1: no essay of exam length
# covers every item of a topic, and naming one or two items is not coverage.
_ZERO, _FULL = 0.1, 0.75
_MODEL_ANSWER_SHARE = 0.15  # weight of paragraph similarity to the model answer in the score
_SIMILAR = 0.6  # an LSA cosine this high means the paragraph covers that model paragraph


def measure(essay: Essay) -> Evidence:
    topic = essay.topic
    linked = _linked_ids(essay)
    relevance = _question_relevance(essay)
    found: dict[str, tuple[int, int, str]] = {}
    for item in topic.key_content:
        hit = _find(essay, item, linked)
        if hit is not None:
            found[item.id] = hit
    weights = {k.id: k.weight * relevance[k.id] for k in topic.key_content}
    total = sum(weights.values()) or 1.0
    covered_weight = sum(weights[i] for i in found)
    share = covered_weight / total

    sims = _paragraph_similarity(essay)
    model_share = (sum(1 for s in sims if s["similarity"] >= _SIMILAR) / len(sims)
                   if sims else 0.0)
    score = clip((1 - _MODEL_ANSWER_SHARE) * clip((share - _ZERO) / (_FULL - _ZERO))
                 + _MODEL_ANSWER_SHARE * model_share)

    missing = sorted((k for k in topic.key_content if k.id not in found),
                     key=lambda k: (-weights[k.id], k.id))
    covered = [k for k in topic.key_content if k.id in found]
    details: dict[str, Any] = {
        "question": essay.question[1],
        "covered": [{"id": k.id, "label": k.label, "weight": k.weight,
                     "found": found[k.id][2]} for k in covered],
        "missing": [{"id": k.id, "label": k.label, "weight": k.weight,
                     "question_weight": round(weights[k.id], 2)} for k in missing],
        "weighted_share": round(share, 3),
        "paragraphs": sims,
    }
    spans = sorted((Span(s, e, f"covers: {_label(topic, i)}") for i, (s, e, _) in found.items()),
                   key=lambda s: (s.start, s.end))

    reasons = []
    if covered:
        heaviest = sorted(covered, key=lambda k: (-weights[k.id], k.id))[:2]
        reasons.append(
            f"Covers {len(covered)} of {plural(len(topic.key_content), 'key-content item')} "
            f"({share:.0%} of the weight that matters for this question), including "
            + " and ".join(f"'{k.label}'" for k in heaviest) + ".")
    else:
        reasons.append(f"Covers none of the {len(topic.key_content)} key-content items of "
                       "the topic.")
    if missing:
        reasons.append("Leaves out " + "; ".join(f"'{k.label}'" for k in missing[:2]) + ".")
    close = [s for s in sims if s["similarity"] >= _SIMILAR]
    if sims:
        reasons.append(f"{len(close)} of {plural(len(sims), 'paragraph')} closely "
                       f"{agree(len(close), 'matches', 'match')} a paragraph of the model answer.")
    steps = [_step(topic, k) for k in missing[:3]]
    summary = f"{len(covered)}/{len(topic.key_content)} key-content items ({share:.0%} weighted)"
    return Evidence(NAME, round(score, 3), summary, details, tuple(spans), tuple(reasons),
                    tuple(steps))


def _label(topic: Any, item_id: str) -> str:
    return next(k.label for k in topic.key_content if k.id == item_id)


def _linked_ids(essay: Essay) -> dict[str, tuple[int, int]]:
    """Every knowledge id the essay links, with where it first does."""
    ids: dict[str, tuple[int, int]] = {}
    for ent in essay.linked:
        ids.setdefault(ent.kb_id or "", (ent.start, ent.end))
    for claim in essay.claims:
        for ref in [claim.get("subject"), *claim.get("refs", [])]:
            if ref:
                ids.setdefault(ref, (claim["start"], claim["end"]))
    return ids


def _find(essay: Essay, item: KeyContent, linked: dict[str, tuple[int, int]]
          ) -> tuple[int, int, str] | None:
    """Where the essay first addresses an item, and by what (a name or a keyword)."""
    hits = []
    for ref in item.refs:
        if ref in linked:
            start, end = linked[ref]
            hits.append((start, end, essay.text[start:end]))
    for keyword in item.keywords:
        if not all(word in essay.lowered for word in keyword.lower().split()):
            continue  # most keywords are absent: the pattern would find nothing
        match = phrase_pattern(keyword).search(essay.text)
        if match:
            hits.append((match.start(), match.end(), match.group(0)))
    return min(hits) if hits else None


_RELEVANCE: dict[tuple[str, str], dict[str, float]] = {}
_RELEVANCE_KEPT = 64


def _question_relevance(essay: Essay) -> dict[str, float]:
    """0.5..1.5 per item: how close its content is to the question answered (LSA cosine).
    Depends only on the topic and the question, so it is computed once per pair."""
    topic = essay.topic
    key = (topic.sha256, essay.question[1])
    cached = _RELEVANCE.get(key)
    if cached is None:
        if len(_RELEVANCE) >= _RELEVANCE_KEPT:  # a question per student (marker serve)
            _RELEVANCE.clear()
        docs = [_item_text(topic, k) for k in topic.key_content]
        sims = essay.model.embed(docs) @ essay.model.embed([essay.question[1]]).T
        cached = _RELEVANCE[key] = {
            k.id: round(0.5 + clip(float(s)), 3)
            for k, s in zip(topic.key_content, sims[:, 0], strict=True)}
    return cached


def _item_text(topic: Any, item: KeyContent) -> str:
    parts = [item.label, item.why or "", *item.keywords]
    for ref in item.refs:
        entry = topic.knowledge.get(ref)
        if entry is not None:
            parts.append(entry.name)
            parts.append(getattr(entry, "significance", None) or "")
    return ". ".join(p for p in parts if p)


def _paragraph_similarity(essay: Essay) -> list[dict[str, Any]]:
    """For each body paragraph, the closest model-answer paragraph and the cosine."""
    if not essay.body or not essay.topic.essay_paragraphs:
        return []
    sims = essay.reference
    out = []
    for para, row in zip(essay.body, sims, strict=True):
        best = int(row.argmax())
        out.append({"paragraph": para.number, "closest_model_paragraph": best + 1,
                    "similarity": round(float(row[best]), 3),
                    "model_opening": short(essay.topic.essay_paragraphs[best], 60)})
    return out


def _step(topic: Any, item: KeyContent) -> str:
    """'Add <item> (e.g. <its first dated event>, <date>) and explain its significance: <why>.'"""
    events = [e for e in (topic.knowledge.get(r) for r in item.refs)
              if isinstance(e, Event) and e.date is not None]
    example = (f" (e.g. {named(topic, events[0])}, {spoken_date(events[0].date)})"
               if events else "")
    why = f": {item.why}" if item.why else ""
    label = "the" + item.label[3:] if item.label.startswith("The ") else item.label
    return f"Add {label}{example} and explain its significance for the question{why}."
