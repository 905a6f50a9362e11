"""The one-way flow: read → normalise → analyse → claims → verify → score → Report.

``mark_text`` is the pure function batch marking, email and scale-out call around: the
same text, topic and rubric always give the same Report.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import nlp
from .claims.frame import checked_claims
from .errors import MarkerError
from .evidence import fit_ahead
from .normalise import Normalised, looks_english, normalise
from .read import Submission, _shown, read_path, text_submission
from .report import Entity, InputInfo, Report
from .rubric import Rubric, load_rubric, mark_report
from .topic import DEFAULT_TOPIC, Topic, load_topic

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from .calibration import Calibration

_WORD = re.compile(r"\b\w[\w'’-]*\b")


def count_words(text: str) -> int:
    """Words as a teacher counts them: runs of letters/digits with inner apostrophes/hyphens."""
    return len(_WORD.findall(text))


def mark_file(path: str, *, topic: Topic | str | None = None, force: bool = False,
              rubric: Rubric | str | None = None,
              calibration: Calibration | None = None) -> Report:
    """Read a file (or ``-`` for stdin) and mark it."""
    return mark_submission(read_path(path), topic=topic, force=force, rubric=rubric,
                           calibration=calibration)


def mark_submission(sub: Submission, *, topic: Topic | str | None = None,
                    force: bool = False, rubric: Rubric | str | None = None,
                    calibration: Calibration | None = None) -> Report:
    """Mark an already-read submission."""
    topic = _topic(topic)
    rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    norm = prepare(sub, force=force)
    fit_ahead(topic)  # a first run: the model is fitted on the other core during analysis
    doc = nlp.analyse(norm.text, topic)
    return build_report(sub, norm, doc, topic, rubric=rubric, calibration=calibration)


def mark_text(text: str, *, topic: Topic | str | None = None, path: str = "<text>",
              force: bool = True, rubric: Rubric | str | None = None,
              calibration: Calibration | None = None) -> Report:
    """Mark essay text given directly (tests, the Python API)."""
    return mark_submission(text_submission(text, path), topic=topic, force=force,
                           rubric=rubric, calibration=calibration)


MAX_CHARS = 1_000_000
"""Longest repaired text analysed: spaCy's ``Language.max_length`` (about 165,000 words)."""


def prepare(sub: Submission, *, force: bool = False) -> Normalised:
    """Repair the pasted text and refuse what cannot be marked."""
    norm = normalise(sub.raw_text)
    shown = _shown(sub.path)  # "<stdin>" for "-", one line whatever the file name holds
    if not norm.text.strip():
        raise MarkerError(f"{shown}: contains no text")
    if len(norm.text) > MAX_CHARS:  # spaCy's model refuses longer texts (ValueError E088)
        raise MarkerError(f"{shown}: {len(norm.text):,} characters is too long to analyse; "
                          f"the limit is {MAX_CHARS:,}")
    if not force and not looks_english(norm.text):
        raise MarkerError(
            f"{shown}: the text does not look like English; use --force to mark it anyway"
        )
    return norm


def build_report(sub: Submission, norm: Normalised, doc: Doc, topic: Topic, *,
                 rubric: Rubric | str | None = None,
                 calibration: Calibration | None = None) -> Report:
    """Everything after the spaCy pass: a pure function of its inputs."""
    entities = [_entity(ent, norm.text, topic) for ent in doc.ents
                if ent.label_ not in _UNSHOWN]
    report = Report(
        claims=checked_claims(doc, topic),
        input=InputInfo(path=sub.path, sha256=sub.sha256, format=sub.format,
                        words=count_words(norm.text)),
        text=norm.text,
        paragraphs=list(norm.paragraphs),
        entities=entities,
        topic={"id": topic.id, "title": topic.title,
               "question": topic.questions[0][1] if topic.questions else None},
        manifest=manifest(topic),
    )
    mark_report(report, doc, topic, rubric, calibration)
    return report


# Numeric and temporal NER labels are shown through claims, not as entities.
_UNSHOWN = {"CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY", "TIME", "DATE"}


def _entity(ent, text: str, topic: Topic) -> Entity:
    """``text`` is the essay's: a slice of it is the entity's text (Span.text joins the
    tokens afresh), and ``ent._`` is read once (each read builds a new accessor)."""
    kb_id = ent.kb_id_ or None
    entry = topic.knowledge.get(kb_id) if kb_id else None
    start, end, extra = ent.start_char, ent.end_char, ent._
    return Entity(
        text=text[start:end],
        start=start,
        end=end,
        label=ent.label_,
        kb_id=kb_id,
        name=entry.name if entry is not None else None,
        type=_TYPES.get(entry.section) if entry is not None else None,
        corrected_from=extra.corrected_from,
        candidates=tuple(extra.candidates or ()),
        link=extra.link,
    )


_TYPES = {"events": "event", "people": "person", "writers": "writer", "states": "state",
          "organisations": "organisation"}


def manifest(topic: Topic) -> dict[str, object]:
    """Versions and hashes that determine the report: same manifest, same report."""
    info = nlp.model_info(topic)
    return {
        **info,
        "topic": topic.id,
        "knowledge_sha256": topic.sha256,
        "rubric": None,
        "rubric_sha256": None,
    }


def _topic(topic: Topic | str | None) -> Topic:
    if topic is None:
        return load_topic(DEFAULT_TOPIC)
    if isinstance(topic, str):
        return load_topic(topic)
    return topic
