"""The Report: everything marker found about one essay, and its renderings.

``Report.to_dict()`` is the stable ``marker.report/1`` JSON (docs/report-schema.md). The
HTML and plain-text renderings are made from that dict only, so every format says the
same thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from . import __version__

SCHEMA = "marker.report/1"


@dataclass(frozen=True)
class InputInfo:
    """Where the essay came from."""

    path: str
    sha256: str
    format: str
    words: int
    student: str | None = None
    student_id: str | None = None


@dataclass(frozen=True)
class Entity:
    """A named entity in the essay, linked to the knowledge when it is in it."""

    text: str
    start: int
    end: int
    label: str
    kb_id: str | None = None
    name: str | None = None
    type: str | None = None
    corrected_from: str | None = None
    candidates: tuple[str, ...] = ()
    link: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "kb_id": self.kb_id,
            "name": self.name,
            "type": self.type,
            "corrected_from": self.corrected_from,
            "candidates": list(self.candidates),
            "link": self.link,
        }


@dataclass
class Report:
    """One marked essay."""

    input: InputInfo
    text: str
    paragraphs: list[tuple[int, int]]
    entities: list[Entity]
    topic: dict[str, Any]
    manifest: dict[str, Any]
    claims: list[dict[str, Any]] = field(default_factory=list)
    criteria: list[dict[str, Any]] = field(default_factory=list)
    total: dict[str, Any] = field(default_factory=lambda: {"mark": None, "max": None})
    evidence: dict[str, Any] = field(default_factory=dict)
    feedback: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The ``marker.report/1`` document; key order is fixed for byte-identical output."""
        inp = {
            "path": self.input.path,
            "sha256": self.input.sha256,
            "format": self.input.format,
            "words": self.input.words,
        }
        if self.input.student is not None or self.input.student_id is not None:
            inp["student"] = self.input.student
            inp["student_id"] = self.input.student_id
        return {
            "schema": SCHEMA,
            "marker_version": __version__,
            "input": inp,
            "topic": self.topic,
            "text": self.text,
            "paragraphs": [{"start": s, "end": e} for s, e in self.paragraphs],
            "entities": [e.to_dict() for e in self.entities],
            "claims": self.claims,
            "criteria": self.criteria,
            "total": self.total,
            "evidence": self.evidence,
            "feedback": self.feedback,
            "manifest": self.manifest,
        }

    def to_json(self) -> str:
        return dumps(self.to_dict())


def dumps(data: dict[str, Any]) -> str:
    """Canonical JSON text of a report dict: UTF-8, compact (the C encoder: indenting
    made writing a class's reports and manifest several times slower), newline at end."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
