"""Relevance and gaming: is this an answer to the question at all?

Four signals, each a measured share of the essay, raised only past a clear threshold so
an honest essay is never accused: paragraphs about something other than the topic
(off_topic), sentences that restate the question (question_copy), the same sentence
written again (repetition), and lists of names and dates without sentences
(keyword_salad). Rubric caps name these signals.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from . import Essay, Evidence, Span, agree, clip, plural, short

NAME = "relevance"
_OFF_TOPIC_SHARE = 0.5  # of the body's words in off-topic paragraphs
_ECHO_SENTENCES = 3  # sentences restating the question...
_ECHO_SHARE = 0.25  # ...or this share of the words
_REPEATED_SHARE = 0.15  # of the words in sentences written more than once
_SALAD_SHARE = 0.3  # of the words in lists without sentences
_MIN_WORDS = 20  # shorter paragraphs are not judged off-topic on their own


def measure(essay: Essay) -> Evidence:
    body_words = sum(p.words for p in essay.body) or 1
    off = [p for p in essay.body if p.topicality < 1 and p.words >= _MIN_WORDS]
    off_share = sum(p.words for p in off) / body_words
    echoes = [s for _, s in essay.sentences() if s.start_char in essay.echoes]
    echo_share = sum(_words(s.text) for s in echoes) / body_words
    repeated = _repeated(essay)
    repeated_share = sum(_words(s.text) for s in repeated) / body_words
    salad = [s for _, s in essay.sentences() if _is_list(s)]
    salad_share = sum(_words(s.text) for s in salad) / body_words

    signals: list[dict[str, Any]] = []
    question = essay.question[1]
    if off_share >= _OFF_TOPIC_SHARE:
        signals.append({"signal": "off_topic", "evidence": (
            f"{len(off)} of {plural(len(essay.body), 'paragraph')} ({off_share:.0%} of the "
            f"words) {agree(len(off), 'is', 'are')} about something other than the question's "
            f"topic, e.g. paragraph {off[0].number} ('{short(off[0].text, 50)}')")})
    if len(echoes) >= _ECHO_SENTENCES or (echoes and echo_share >= _ECHO_SHARE):
        signals.append({"signal": "question_copy", "evidence": (
            f"{plural(len(echoes), 'sentence')} ({echo_share:.0%} of the words) "
            f"{agree(len(echoes), 'restates', 'restate')} the "
            f"question instead of answering it, e.g. '{short(echoes[0].text, 60)}'")})
    if repeated_share >= _REPEATED_SHARE:
        signals.append({"signal": "repetition", "evidence": (
            f"{plural(len(repeated), 'sentence')} ({repeated_share:.0%} of the words) "
            f"{agree(len(repeated), 'repeats', 'repeat')} "
            f"earlier ones, e.g. '{short(repeated[0].text, 60)}'")})
    if salad_share >= _SALAD_SHARE:
        signals.append({"signal": "keyword_salad", "evidence": (
            f"{salad_share:.0%} of the words are lists of names and dates without sentences, "
            f"e.g. '{short(salad[0].text, 60)}'")})

    score = clip((1 - off_share) * (1 - clip(echo_share)) * (1 - clip(repeated_share))
                 * (1 - clip(salad_share)))
    details: dict[str, Any] = {
        "signals": signals,
        "off_topic_share": round(off_share, 3),
        "off_topic_paragraphs": [p.number for p in off],
        "paragraph_topicality": [{"paragraph": p.number, "topicality": p.topicality}
                                 for p in essay.body],
        "question_restated": len(echoes),
        "repeated_sentences": len(repeated),
        "list_share": round(salad_share, 3),
    }
    spans = [Span(p.start, p.end, "off the topic") for p in off]
    spans += [Span(s.start_char, s.end_char, "restates the question") for s in echoes]
    spans += [Span(s.start_char, s.end_char, "repeats an earlier sentence") for s in repeated]
    spans += [Span(s.start_char, s.end_char, "a list, not a sentence") for s in salad]
    spans.sort(key=lambda s: (s.start, s.end, s.note))

    reasons = [s["evidence"] + "." for s in signals]
    if not off:
        reasons.append(f"All {plural(len(essay.body), 'paragraph')} stay close to the topic's "
                       "material.")
    elif not any(s["signal"] == "off_topic" for s in signals):
        reasons.append(f"Paragraph {off[0].number} ('{short(off[0].text, 50)}') drifts away "
                       "from the topic.")
    steps = []
    if off:
        steps.append(f"Cut or refocus paragraph {off[0].number} ('{short(off[0].text, 40)}') "
                     f"so that it answers '{question}'.")
    if echoes:
        steps.append(f"Replace the {plural(len(echoes), 'sentence')} that "
                     f"{agree(len(echoes), 'restates', 'restate')} the question "
                     "with your answer to it and the evidence for that answer.")
    if salad:
        steps.append(f"Turn the list '{short(salad[0].text, 40)}' into sentences that explain "
                     "what each event shows about the question.")
    if repeated:
        steps.append(f"Remove the repeated sentence '{short(repeated[0].text, 40)}'.")
    summary = (", ".join(s["signal"] for s in signals) or "on topic") + \
        f"; {off_share:.0%} of the words off the topic"
    return Evidence(NAME, round(score, 3), summary, details, tuple(spans), tuple(reasons[:4]),
                    tuple(steps[:3]))


def _words(text: str) -> int:
    return len(re.findall(r"\b\w[\w'’-]*\b", text))


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _repeated(essay: Essay) -> list[Any]:
    """Second and later copies of a sentence of six words or more."""
    counts: Counter[str] = Counter()
    out = []
    for _, sent in essay.sentences():
        key = _key(sent.text)
        if len(key.split()) < 6:
            continue
        counts[key] += 1
        if counts[key] > 1:
            out.append(sent)
    return out


def _is_list(sent: Any) -> bool:
    """Names, dates and commas with (almost) no verbs: a list posing as a sentence."""
    tokens = [t for t in sent if not t.is_space]
    words = [t for t in tokens if not t.is_punct]
    if len(words) < 6:
        return False
    # Each test only when the one before passed: nearly every sentence has its verbs.
    if sum(1 for t in words if t.pos_ in ("VERB", "AUX")) / len(words) >= 0.05:
        return False
    if (sum(1 for t in tokens if t.text in (",", ";")) + 1) / len(words) < 0.2:
        return False
    function = sum(1 for t in words if t.pos_ in ("DET", "PRON", "SCONJ", "AUX", "PART"))
    return function / len(words) < 0.12
