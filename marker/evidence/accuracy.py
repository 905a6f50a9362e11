"""Accuracy: how many of the essay's checkable claims the knowledge supports or contradicts.

Unverifiable claims are neutral: marker never guesses, so a fact it cannot check neither
earns nor loses credit. The score is the share of checked claims that are right, on a
scale from a third wrong (0) to one in seven wrong (1).
"""

from __future__ import annotations

from typing import Any

from . import Essay, Evidence, Span, agree, clip, plural, short, spoken_date

NAME = "accuracy"
# The share of checked claims that are right, from which the score runs 0..1: a history
# essay with a third of its facts wrong shows no secure knowledge; one wrong in ten is good.
_ZERO, _FULL = 0.35, 0.85


def measure(essay: Essay) -> Evidence:
    claims = essay.claims
    supported = [c for c in claims if c["verdict"] == "supported"]
    wrong = [c for c in claims if c["verdict"] == "contradicted"]
    unknown = [c for c in claims if c["verdict"] == "unverifiable"]
    checked = len(supported) + len(wrong)
    # Half a claim either way as a prior, so a few claims cannot give an extreme share.
    share = (len(supported) + 0.5) / (checked + 1.0)
    score = clip((share - _ZERO) / (_FULL - _ZERO))
    details: dict[str, Any] = {
        "supported": len(supported),
        "contradicted": len(wrong),
        "unverifiable": len(unknown),
        "share_right": round(share, 3),
        "contradicted_claims": [
            {"id": c["id"], "text": c["text"], "correction": c["correction"]} for c in wrong
        ],
    }
    spans = [Span(c["start"], c["end"], c["correction"] or "contradicted by the knowledge")
             for c in wrong]
    spans += [Span(c["start"], c["end"], "supported") for c in supported]
    spans.sort(key=lambda s: (s.start, s.end))

    reasons = []
    if checked:
        within = [c for c in supported if "\n" not in c["text"]]
        example = f" (e.g. '{short(within[0]['text'], 50)}')" if within else ""
        verb = "agrees" if len(supported) == 1 else "agree"
        reasons.append(f"{len(supported)} of {plural(checked, 'checked claim')} {verb} with the "
                       f"reference knowledge{example}.")
    else:
        reasons.append("The essay states no date, office, party or figure that could be "
                       "checked against the reference knowledge.")
    for claim in wrong[:2]:
        reasons.append(f"'{short(claim['text'], 60)}' is wrong: {claim['correction']}")
    if checked and not wrong:
        reasons.append("No checked claim is contradicted.")
    if unknown:
        reasons.append(f"{plural(len(unknown), 'claim')} could not be checked and "
                       f"{agree(len(unknown), 'counts', 'count')} neither way.")

    steps = [f"Correct '{short(c['text'], 60)}': {c['correction']}" for c in wrong[:3]]
    if not checked:
        steps.extend(_date_steps(essay))
    summary = (f"{len(supported)} supported, {len(wrong)} contradicted, "
               f"{len(unknown)} unverifiable claims")
    return Evidence(NAME, round(score, 3), summary, details, tuple(spans), tuple(reasons),
                    tuple(steps))


def _date_steps(essay: Essay) -> list[str]:
    """When nothing was checkable: ask for the dates of events the essay already names."""
    seen: set[str] = set()
    steps = []
    for ent in essay.linked:
        entry = essay.topic.knowledge.get(ent.kb_id or "")
        date = getattr(entry, "date", None)
        if entry is None or date is None or entry.id in seen:
            continue
        seen.add(entry.id)
        steps.append(f"Say when {ent.text} happened ({spoken_date(date)}) where you mention it, "
                     "so the facts can be checked.")
        if len(steps) == 2:
            break
    return steps
