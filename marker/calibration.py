"""A teacher's calibration as saved in its JSON, and reading it back.

Kept apart from :mod:`marker.calibrate` (the fitting, which marks essays through the
pipeline) so that the pipeline and the rubric can use a calibration without importing the
code that makes one: imports run one way.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from .errors import MarkerError

if TYPE_CHECKING:
    from .evidence import Evidence

SCHEMA = "marker.calibration/1"


class _Criterion(Protocol):
    """What a calibration reads of a rubric criterion (``rubric.Criterion``)."""

    @property
    def id(self) -> str: ...
    @property
    def max(self) -> int: ...
    @property
    def evidence(self) -> Mapping[str, float]: ...


class _Rubric(Protocol):
    """What a calibration reads of a rubric (``rubric.Rubric``)."""

    @property
    def id(self) -> str: ...
    @property
    def criteria(self) -> tuple[_Criterion, ...]: ...


@dataclass(frozen=True)
class CriterionFit:
    """mark = intercept + sum(weight x evidence score), rounded and clipped to 0..max."""

    intercept: float
    weights: Mapping[str, float]

    def predict(self, scores: Mapping[str, float]) -> float:
        return self.intercept + sum(w * scores[name] for name, w in self.weights.items())


@dataclass(frozen=True)
class Calibration:
    """A teacher's standard for one rubric, as saved in the calibration JSON."""

    rubric: str
    rubric_sha256: str
    essays: int
    criteria: Mapping[str, CriterionFit]
    agreement: Mapping[str, Any] = field(default_factory=dict)
    sha256: str = ""
    path: str = "<calibration>"

    def check_rubric(self, rubric: _Rubric) -> None:
        """Refuses a rubric this calibration was not fitted for (other id or criteria)."""
        if rubric.id != self.rubric:
            raise MarkerError(
                f"{self.path}: calibrated for rubric '{self.rubric}', not '{rubric.id}' — mark "
                f"with --rubric {self.rubric}, or calibrate again with --rubric {rubric.id}")
        for criterion in rubric.criteria:
            fit = self.criteria.get(criterion.id)
            if fit is None or not set(fit.weights) <= set(criterion.evidence):
                raise MarkerError(
                    f"{self.path}: criterion '{criterion.id}' of {rubric.id} has changed since "
                    "this calibration was made — calibrate again with the edited rubric")

    def mark(self, criterion: _Criterion, evidence: Mapping[str, Evidence]) -> int:
        scores = {name: evidence[name].score for name in criterion.evidence}
        return whole_mark(self.criteria[criterion.id].predict(scores), criterion.max)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "rubric": self.rubric,
            "rubric_sha256": self.rubric_sha256,
            "essays": self.essays,
            "criteria": {
                cid: {"intercept": fit.intercept, "weights": dict(fit.weights)}
                for cid, fit in self.criteria.items()
            },
            "agreement": dict(self.agreement),
        }



def whole_mark(value: float, top: int) -> int:
    """A fitted mark rounded half up and clipped to 0..top."""
    return min(top, max(0, math.floor(value + 0.5)))


def load_calibration(path: str | Path) -> Calibration:
    """Reads a calibration JSON, checking every field; MarkerError names what is wrong."""
    target = Path(path)
    try:
        data = target.read_bytes()
    except OSError as exc:
        raise MarkerError(f"{target}: cannot read the calibration ({exc.strerror}) — give the "
                          "path of a file written by `marker calibrate`") from exc
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MarkerError(f"{target}: is not a calibration (not valid JSON: {exc}) — give a file "
                          "written by `marker calibrate`") from exc
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
        raise MarkerError(f"{target}: is not a marker calibration (schema is not '{SCHEMA}') — "
                          "give a file written by `marker calibrate`")

    def bad(where: str, what: str) -> MarkerError:
        return MarkerError(f"{target}: {where}: {what} — calibrate again to rewrite the file")

    if not isinstance(raw.get("rubric"), str) or not isinstance(raw.get("rubric_sha256"), str):
        raise bad("rubric", "missing or not text")
    essays = raw.get("essays")
    if isinstance(essays, bool) or not isinstance(essays, int) or essays < 1:
        raise bad("essays", "must be a positive whole number")
    fits = raw.get("criteria")
    if not isinstance(fits, dict) or not fits:
        raise bad("criteria", "missing or empty")
    criteria = {}
    for cid, spec in fits.items():
        if not isinstance(spec, dict) or not _number(spec.get("intercept")) \
                or not isinstance(spec.get("weights"), dict):
            raise bad(f"criteria.{cid}", "needs a numeric intercept and a weights mapping")
        for name, weight in spec["weights"].items():
            if not _number(weight):
                raise bad(f"criteria.{cid}.weights.{name}", "must be a number")
        criteria[cid] = CriterionFit(float(spec["intercept"]), MappingProxyType(
            {n: float(w) for n, w in spec["weights"].items()}))
    return Calibration(raw["rubric"], raw["rubric_sha256"], essays, MappingProxyType(criteria),
                       MappingProxyType(raw.get("agreement") or {}),
                       hashlib.sha256(data).hexdigest(), str(target))


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
