"""Accuracy: how many of the essay's checked claims are wrong, for the essay's length.

Only verdicts count. A claim marker could not check neither earns nor loses credit, and a
detail it left unchecked costs nothing: marker never guesses. What costs is a contradicted
claim, in proportion to how many there are per 1,000 words (a teacher reads the rate, not
the count: two slips in a long essay are "rare and minor", six in a short one are not),
and by how central it is: an error about an event the question turns on (the topic's key
content) weighs more than one about a detail at the edge of the story.

The score runs from 1 with no errors to 0 at ``_ZERO_RATE`` weighted errors per 1,000
words. At ``CLEAR_RATE`` or more clear errors per 1,000 words the score is held low and the
``frequent_errors`` signal is raised, which a rubric cap can turn into "not the top band";
the reasons name the errors.
"""

from __future__ import annotations

from typing import Any

from . import Essay, Evidence, Span, agree, clip, plural, short, spoken_date

NAME = "accuracy"
# Weighted errors per 1,000 words at which accuracy is worth nothing: about one wrong fact
# in every hundred and fifty words shows no secure knowledge.
_ZERO_RATE = 8.0
# Clear errors per 1,000 words from which knowledge cannot be called "accurate".
CLEAR_RATE = 4.0
_CEILING_AT_CLEAR = 0.45  # the most accuracy can be worth at that rate
CORE_WEIGHT = 1.25  # an error about key content, against 1 for any other
# A short essay's length counts as at least this many words, so one slip in a paragraph
# does not read as a storm of errors.
_MIN_WORDS = 400


def measure(essay: Essay) -> Evidence:
    claims = essay.claims
    supported = [c for c in claims if c["verdict"] == "supported"]
    wrong = [c for c in claims if c["verdict"] == "contradicted"]
    unknown = [c for c in claims if c["verdict"] == "unverifiable"]
    checked = len(supported) + len(wrong)
    core = _core_refs(essay)
    weights = [CORE_WEIGHT if set(c.get("refs") or [c["subject"]]) & core else 1.0
               for c in wrong]
    thousands = max(essay.words, _MIN_WORDS) / 1000
    rate = len(wrong) / thousands
    weighted_rate = sum(weights) / thousands
    score = clip(1 - weighted_rate / _ZERO_RATE)
    if rate >= CLEAR_RATE:
        score = min(score, _CEILING_AT_CLEAR)
    signals = [{"signal": "frequent_errors", "evidence": (
        f"{plural(len(wrong), 'checked claim')} {agree(len(wrong), 'is', 'are')} wrong, "
        f"{rate:.1f} per 1,000 words")}] if rate >= CLEAR_RATE else []
    details: dict[str, Any] = {
        "signals": signals,
        "supported": len(supported),
        "contradicted": len(wrong),
        "unverifiable": len(unknown),
        "errors_per_1000_words": round(rate, 2),
        "weighted_errors_per_1000_words": round(weighted_rate, 2),
        "contradicted_claims": [
            {"id": c["id"], "text": c["text"], "correction": c["correction"],
             "central": w > 1} for c, w in zip(wrong, weights, strict=True)
        ],
    }
    spans = [Span(c["start"], c["end"], c["correction"] or "contradicted by the knowledge")
             for c in wrong]
    spans += [Span(c["start"], c["end"], "supported") for c in supported]
    spans.sort(key=lambda s: (s.start, s.end))
    summary = (f"{len(supported)} supported, {len(wrong)} contradicted "
               f"({rate:.1f} per 1,000 words), {len(unknown)} unverifiable claims")
    return Evidence(NAME, round(score, 3), summary, details, tuple(spans),
                    tuple(_reasons(supported, wrong, weights, unknown, rate)),
                    tuple(_steps(essay, wrong, checked)))


def _core_refs(essay: Essay) -> set[str]:
    """The knowledge entries the topic's key content is about."""
    return {r for item in essay.topic.key_content for r in item.refs}


def _reasons(supported: list[dict], wrong: list[dict], weights: list[float],
             unknown: list[dict], rate: float) -> list[str]:
    checked = len(supported) + len(wrong)
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
    if wrong:
        # one reason that names the errors, so a criterion quoting it says what cost marks
        central = sum(w > 1 for w in weights)
        about = f", {central} about key events" if central else ""
        verdict = (f"; with {CLEAR_RATE:g} or more per 1,000 words the knowledge cannot be "
                   "called accurate") if rate >= CLEAR_RATE else ""
        first = f"'{short(wrong[0]['text'], 45)}' ({wrong[0]['correction'] or 'contradicted'})"
        others = [f"'{short(c['text'], 45)}'" for c in wrong[1:3]]
        more = f" and {len(wrong) - 3} more" if len(wrong) > 3 else ""
        also = f"; also {', '.join(others)}{more}" if others else ""
        # first: what cost marks comes before what earned them
        reasons.insert(0, f"{plural(len(wrong), 'claim')} {agree(len(wrong), 'is', 'are')} "
                          f"wrong ({rate:.1f} per 1,000 words{about}{verdict}): {first}{also}.")
    for c in wrong[1:3]:
        reasons.append(f"'{short(c['text'], 60)}' is wrong: {c['correction']}")
    if checked and not wrong:
        reasons.append("No checked claim is contradicted.")
    if unknown:
        reasons.append(f"{plural(len(unknown), 'claim')} could not be checked and "
                       f"{agree(len(unknown), 'counts', 'count')} neither way.")
    return reasons


def _steps(essay: Essay, wrong: list[dict], checked: int) -> list[str]:
    steps = [f"Correct '{short(c['text'], 60)}': {c['correction']}" for c in wrong[:3]]
    if not checked:
        steps.extend(_date_steps(essay))
    return steps


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
