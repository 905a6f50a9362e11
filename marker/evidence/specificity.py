"""Specificity: precise, relevant detail — dates, names the knowledge knows, figures.

Counted per 100 words (so padding does not raise it) and by distinct items (so repeating
one name does not either), only in paragraphs that are on the topic: a date from another
subject is not evidence for this question.
"""

from __future__ import annotations

import re
from typing import Any

from ..regex import scanner
from . import Essay, Evidence, Paragraph, Span, clip, named, plural, short

NAME = "specificity"
# Precise details per 100 words, and distinct details, that score 0 and 1.
_DENSITY_ZERO, _DENSITY_FULL = 2.0, 10.0
_DISTINCT_ZERO, _DISTINCT_FULL = 5, 60
_DENSITY_SHARE = 0.3  # the rest of the score is the range of distinct details
_PRECISE_TYPES = ("person", "event", "organisation", "writer")
_FIGURE_LABELS = ("PERCENT", "CARDINAL", "QUANTITY", "MONEY")
_MONTH = scanner(r"\b(January|February|March|April|May|June|July|August|September|October|"
                    r"November|December)\b")
_YEAR = scanner(r"\b(1[0-9]{3})s?\b")
_DIGIT_OR_FRACTION = scanner(r"\d|\b(half|third|quarter|tenths?|fifths?|dozen)\b", re.I)


def measure(essay: Essay) -> Evidence:
    low, high = essay.topic.period[0].start.year - 25, essay.topic.period[1].end.year + 25
    on_topic = [p for p in essay.body if p.topicality >= 1]
    found: list[tuple[int, int, str, str]] = []  # start, end, kind, text
    question = essay.question[1]
    for ent in essay.ents:
        start, end = ent.start_char, ent.end_char
        para = _paragraph(on_topic, start)
        text = essay.text[start:end]  # ent.text would join its tokens afresh on every read
        # The question's own dates ("1917-1941") are not detail the student brings.
        if para is None or text in question or _in_echo(essay, para, start):
            continue
        if ent.label_ == "DATE" and _is_precise_date(text, low, high):
            found.append((start, end, "date", text))
        elif ent.label_ in _FIGURE_LABELS and _DIGIT_OR_FRACTION.search(text) \
                and not _YEAR.fullmatch(text.strip()):
            found.append((start, end, "figure", text))
    for ent in essay.linked:
        if ent.type in _PRECISE_TYPES and _paragraph(on_topic, ent.start) is not None:
            found.append((ent.start, ent.end, "name", ent.kb_id or ent.text))
    found.sort()
    kinds = {k: [f for f in found if f[2] == k] for k in ("date", "name", "figure")}
    distinct = {(kind, text.casefold()) for _, _, kind, text in found}
    words = max(essay.words, 1)
    density = len(found) / words * 100
    score = clip(_DENSITY_SHARE * _scale(density, _DENSITY_ZERO, _DENSITY_FULL)
                 + (1 - _DENSITY_SHARE) * _scale(len(distinct), _DISTINCT_ZERO, _DISTINCT_FULL))

    details: dict[str, Any] = {
        "dates": len(kinds["date"]), "names": len(kinds["name"]),
        "figures": len(kinds["figure"]), "distinct": len(distinct),
        "per_100_words": round(density, 2),
    }
    spans = tuple(Span(s, e, f"precise detail ({k})") for s, e, k, _ in found)
    examples = ", ".join(f"'{essay.text[s:e]}'" for s, e, _, _ in _spread(found, 3))
    where = "" if len(on_topic) == len(essay.body) else \
        f" (counted in the {plural(len(on_topic), 'on-topic paragraph')})"
    names = plural(len(kinds["name"]), "named person or event", "named people and events")
    reasons = [
        f"{len(found)} precise details{where} in {words} words ({density:.1f} per 100 words): "
        f"{plural(len(kinds['date']), 'date')}, {names}, "
        f"{plural(len(kinds['figure']), 'figure')}"
        + (f", e.g. {examples}." if examples else "."),
        f"{len(distinct)} different details in all.",
    ]
    steps = []
    thin = _thinnest(essay, on_topic, found)
    if thin is not None:
        steps.append(f"Support paragraph {thin.number} ('{short(thin.text, 50)}') with "
                     "specific dates, names and figures: it has "
                     f"{_count_in(found, thin)} precise details in {thin.words} words.")
    event = next((e for e in essay.linked if e.type == "event"
                  and _paragraph(on_topic, e.start) is not None), None)
    entry = essay.topic.knowledge.get(event.kb_id) if event is not None else None
    if not kinds["figure"] and entry is not None:
        steps.append(f"Use a figure (a number or a share) to show the scale of "
                     f"{named(essay.topic, entry)}, which you discuss.")
    summary = f"{density:.1f} precise details per 100 words, {len(distinct)} distinct"
    return Evidence(NAME, round(score, 3), summary, details, spans, tuple(reasons), tuple(steps))


def _in_echo(essay: Essay, para: Paragraph, start: int) -> bool:
    """Inside a sentence that restates the question."""
    return any(s.start_char in essay.echoes and s.start_char <= start < s.end_char
               for s in para.sentences)


def _scale(x: float, zero: float, full: float) -> float:
    return clip((x - zero) / (full - zero))


def _paragraph(paragraphs: list[Paragraph], start: int) -> Paragraph | None:
    return next((p for p in paragraphs if p.start <= start < p.end), None)


def _is_precise_date(text: str, low: int, high: int) -> bool:
    years = [int(y) for y in _YEAR.findall(text)]
    if years:
        return any(low <= y <= high for y in years)
    return bool(_MONTH.search(text))


def _spread(found: list[tuple[int, int, str, str]], n: int) -> list[tuple[int, int, str, str]]:
    """Up to n examples, one per kind first, in text order."""
    picked = []
    for kind in ("date", "name", "figure"):
        first = next((f for f in found if f[2] == kind), None)
        if first is not None:
            picked.append(first)
    return sorted(picked)[:n]


def _count_in(found: list[tuple[int, int, str, str]], para: Paragraph) -> int:
    return sum(1 for s, _, _, _ in found if para.start <= s < para.end)


def _thinnest(essay: Essay, on_topic: list[Paragraph], found: list[tuple[int, int, str, str]]
              ) -> Paragraph | None:
    """The on-topic middle paragraph with the least detail, if it is thin.

    The introduction and conclusion are left out: they frame and weigh, not narrate.
    """
    middle = essay.body[1:-1] if len(essay.body) >= 3 else essay.body
    candidates = [p for p in middle if p.words >= 40 and p in on_topic]
    if not candidates:
        return None
    para = min(candidates, key=lambda p: (_count_in(found, p) / p.words, -p.words))
    return para if _count_in(found, para) / para.words * 100 < _DENSITY_FULL / 2 else None
