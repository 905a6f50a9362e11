"""Argument: does the essay answer the question, or tell the story?

Measured as five observable things: a thesis in the introduction (a sentence on the
question's own subject that takes a position), body paragraphs that open with a point
rather than a narrative, judgement language, counter-arguments weighed, and a conclusion
that answers the question. Argument words count only in sentences that carry the topic's
content (a linked name, a date, a question word): connectives alone earn nothing, and a
sentence that restates the question is not an answer to it.
"""

from __future__ import annotations

import re
from typing import Any

from ..regex import scanner
from . import Essay, Evidence, Paragraph, Span, agree, clip, plural, ratio, short, stems

NAME = "argument"
_PARTS = {"thesis": 0.2, "openings": 0.2, "judgement": 0.1, "counter": 0.25, "conclusion": 0.25}
_FLAT_THESIS = 0.6  # a thesis that answers without qualifying ("although", "to some extent")
_COUNTER_FULL = 3  # paragraphs weighing another side that earn the full counter score

_I = re.IGNORECASE
STANCE = scanner(
    r"\b(argues?|argued|main(ly)?|chiefly|primarily|largely|above all|more than|less than|"
    r"rather than|extent|partly|dominant|consistent(ly)?|fundamental(ly)?|most important|"
    r"central|although|though|but|however|whereas|yet|a lot|a great deal|greatly|"
    r"significantly|considerably|little|much|never|always|only|because|was driven|"
    r"not so much|as much as)\b", _I)
ANALYTIC = scanner(
    r"\b(shows?|showed|suggests?|reveals?|demonstrates?|proves?|proof|evidence|clear(est|ly)?|"
    r"significan(t|ce)|important|importance|main|key|crucial|decisive|turning point|"
    r"challenge|reasons?|causes?|factors?|motives?|aims?|therefore|thus|however|"
    r"nonetheless|nevertheless|although|rather than|despite|whereas|consequences?|"
    r"led to|continuity|transformed|undermined?|strategy|priority|stage|phase|failure|"
    r"success|lesson|interpretation|argue|tension|balance|strongest|weakest|mattered)\b",
    _I)
QUALIFIED = scanner(
    r"\b(although|though|but|however|while|whereas|yet|rather than|more than|less than|"
    r"partly|to (some|a (large|great|considerable|limited|certain)) extent|for most|"
    r"as much as|not so much|never completely|above all)\b", _I)
JUDGEMENT = scanner(
    r"\b(most important|main reason|more important|less important|most significant|crucial|"
    r"decisive|clearest|above all|to a (large|great|considerable|limited|certain|lesser) "
    r"extent|largely|mainly|primarily|chiefly|partly|therefore|thus|hence|this shows|"
    r"this suggests|this means|which shows|shows that|suggests? that|demonstrates?|proves?|"
    r"in my view|I think|I agree|I disagree|my own view|convincing|persuasive|outweigh(ed|s)?|"
    r"the real|the key|the main|the strongest|the greatest|the biggest|mattered|matters|"
    r"more than|rather than|less than)\b", _I)
COUNTER = scanner(
    r"\b(however|on the other hand|nonetheless|nevertheless|by contrast|in contrast|"
    r"although|though|whereas|admittedly|despite|others argue|some historians|"
    r"it could be argued|critics|challenge to|qualification)\b|^yet\b", _I)
CONCLUDING = scanner(
    r"^(in conclusion|to conclude|overall|in summary|to sum up|in the end|ultimately|"
    r"in short|on balance|taken together|all in all|therefore|thus|so)\b|^[\w' -]{1,40}, then,",
    _I)
_YEAR = scanner(r"\b1[0-9]{3}s?\b")


def measure(essay: Essay) -> Evidence:
    body = essay.body  # never empty: read_essay keeps at least one paragraph
    question = essay.question[1]
    several = len(body) >= 3
    intro = list(body[0].sentences if several else body[0].sentences[:3])
    thesis = next((s for s in intro if _takes_position(essay, s)), None)

    middle = body[1:-1] if several else ()
    openings = [(p, p.sentences[0]) for p in middle if p.sentences]
    substantive = {p.number for p in body if _substantive(essay, p)}
    pointed = [(p, s) for p, s in openings if _argues(essay, p, s, substantive)]
    narrative = [(p, s) for p, s in openings if not _argues(essay, p, s, substantive)]

    judged = _paragraphs_with(essay, JUDGEMENT, substantive)
    countered = _paragraphs_with(essay, COUNTER, substantive)
    conclusion = _conclusion(essay, several)

    qualified = thesis is not None and bool(QUALIFIED.search(thesis.text))
    parts = {
        "thesis": (1.0 if qualified else _FLAT_THESIS) if thesis is not None else 0.0,
        "openings": len(pointed) / len(openings) if openings else 0.0,
        "judgement": len(judged) / len(body),
        "counter": ratio(len(countered), _COUNTER_FULL),
        "conclusion": 1.0 if conclusion is not None else 0.0,
    }
    score = clip(sum(_PARTS[k] * v for k, v in parts.items()))
    details: dict[str, Any] = {
        "question": question,
        "thesis": _where(thesis),
        "thesis_qualified": qualified,
        "paragraph_openings": {"argument": len(pointed), "narrative": len(narrative)},
        "judgement_paragraphs": [p.number for p, _ in judged],
        "counter_argument_paragraphs": [p.number for p, _ in countered],
        "conclusion": _where(conclusion),
        "parts": {k: round(v, 3) for k, v in parts.items()},
    }
    spans = []
    if thesis is not None:
        spans.append(Span(thesis.start_char, thesis.end_char, "thesis"))
    spans += [Span(s.start_char, s.end_char, "opens with a point") for _, s in pointed]
    spans += [Span(s.start_char, s.end_char, "opens with narrative") for _, s in narrative]
    spans += [Span(s.start_char, s.end_char, "weighs another side") for _, s in countered]
    spans += [Span(s.start_char, s.end_char, "judgement") for _, s in judged]
    if conclusion is not None:
        spans.append(Span(conclusion.start_char, conclusion.end_char, "conclusion"))
    spans.sort(key=lambda s: (s.start, s.end, s.note))

    reasons, steps = [], []
    if thesis is not None:
        reasons.append(f"The introduction takes a {'qualified ' if qualified else ''}position "
                       f"on the question: '{short(thesis.text, 90)}'")
        if not qualified:
            steps.append(f"Qualify your thesis ('{short(thesis.text, 50)}'): say how far it "
                         "holds and where it does not.")
    else:
        reasons.append("The introduction does not state an answer to the question.")
        steps.append(f"Open with a one-sentence answer to '{question}' that the rest of the "
                     "essay argues.")
    if conclusion is not None:
        reasons.append(f"The conclusion answers the question: '{short(conclusion.text, 80)}'")
    else:
        reasons.append(f"No conclusion: the last paragraph ('{short(body[-1].text, 60)}') does "
                       "not sum up an answer to the question.")
        steps.append(f"End with a conclusion that answers '{question}' by weighing the points "
                     "your paragraphs make.")
    if openings:
        reasons.append(f"{len(pointed)} of {plural(len(openings), 'body paragraph')} "
                       f"{agree(len(pointed), 'opens', 'open')} with a point rather than a "
                       "narrative.")
        if narrative:
            para, sent = narrative[0]
            steps.append(f"Rewrite the opening of paragraph {para.number} "
                         f"('{short(sent.text, 60)}') as a point that answers the question, "
                         "then use the events as evidence for it.")
    elif not several:
        reasons.append(f"The essay is written as {plural(len(body), 'block')} of text, so its "
                       "points are not set out paragraph by paragraph.")
    reasons.append(f"Judgement language in {len(judged)} of {plural(len(body), 'paragraph')}; "
                   f"another side weighed in {len(countered)}"
                   + (f" (e.g. '{short(countered[0][1].text, 60)}')." if countered else "."))
    if not countered:
        steps.append("Weigh the other side: say where the evidence you give points against "
                     f"your answer to '{question}', and why your answer still holds.")
    summary = ", ".join(f"{k} {v:.0%}" if k in ("openings", "judgement", "counter")
                        else f"{k} {'yes' if v else 'no'}" for k, v in parts.items())
    return Evidence(NAME, round(score, 3), summary, details, tuple(spans), tuple(reasons[:4]),
                    tuple(steps))


def _answers(essay: Essay, sentences: list[Any]) -> bool:
    """Sentences that together take a position on the question's own subject."""
    said = [s for s in sentences if not s.text.strip().endswith("?")]
    on_question = not essay.focus or any(essay.focus & set(stems(s.text)) for s in said)
    return on_question and any(STANCE.search(s.text) for s in said)


def _where(sent: Any) -> dict[str, Any] | None:
    if sent is None:
        return None
    return {"start": sent.start_char, "end": sent.end_char, "text": sent.text}


def _has_content(essay: Essay, sent: Any) -> bool:
    """A sentence about the topic: a linked name, a year, or one of the question's words."""
    if _YEAR.search(sent.text) or essay.focus & set(stems(sent.text)):
        return True
    return any(sent.start_char <= e.start < sent.end_char for e in essay.linked)


def _takes_position(essay: Essay, sent: Any) -> bool:
    """A thesis: a sentence on the question's own subject that takes a position.

    A sentence in the question's own words counts when it takes a position ("Survival was
    the main aim"): a flat answer is still an answer. Restating the question many times is
    the relevance family's business (question_copy).
    """
    if sent.text.strip().endswith("?"):
        return False  # a question takes no position
    on_question = bool(essay.focus & set(stems(sent.text))) or not essay.focus
    return on_question and bool(STANCE.search(sent.text))


def _substantive(essay: Essay, para: Paragraph) -> bool:
    """An on-topic paragraph whose sentences carry content, so its argument words count."""
    if para.topicality < 1:
        return False
    content = sum(1 for s in para.sentences
                  if s.start_char not in essay.echoes and _has_content(essay, s))
    return content >= min(2, len(para.sentences))


def _argues(essay: Essay, para: Paragraph, sent: Any, substantive: set[int]) -> bool:
    """A paragraph opening that makes a point, in a paragraph that then gives content."""
    if sent.start_char in essay.echoes or para.number not in substantive:
        return False
    return bool(ANALYTIC.search(sent.text) or essay.focus & set(stems(sent.text)))


def _paragraphs_with(essay: Essay, pattern: re.Pattern[str],
                     substantive: set[int]) -> list[tuple[Paragraph, Any]]:
    """Substantive paragraphs with a sentence (not restating the question) using the pattern."""
    out = []
    for para in essay.body:
        if para.number not in substantive:
            continue
        hit = next((s for s in para.sentences
                    if s.start_char not in essay.echoes and pattern.search(s.text)), None)
        if hit is not None:
            out.append((para, hit))
    return out


def _conclusion(essay: Essay, several: bool) -> Any:
    """The sentence that opens a conclusion answering the question, or None.

    With a concluding phrase ("In conclusion", "Overall", "Survival, then, ...") the last
    paragraph (or, in an essay without paragraphs, one of its last three sentences) is a
    conclusion when it takes a position on the question. Without one, the last paragraph
    counts only when it opens with a position on the question and adds at most one new date
    (a body paragraph adds events; a conclusion weighs them).
    """
    last = essay.body[-1]
    sentences = list(last.sentences if several else last.sentences[-3:])
    if not sentences:
        return None
    for i, sent in enumerate(sentences):
        if CONCLUDING.search(sent.text.strip()) and _answers(essay, sentences[i:]):
            return sent
    first = sentences[0]
    if several and _takes_position(essay, first) and len(_YEAR.findall(last.text)) <= 1:
        return first
    return None
