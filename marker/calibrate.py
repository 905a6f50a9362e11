"""Calibration: learning one teacher's standard from essays they have already marked.

The teacher gives a CSV of their marks (format below) and the folder of those essays.
marker marks each essay, then fits, per criterion, a ridge regression from the evidence
scores the rubric names for that criterion to the teacher's marks, with non-negative
weights (more evidence never lowers a mark) and a ridge strength chosen by cross-validated
error. Agreement is reported cross-validated (five folds, fixed shuffle), against the
uncalibrated rubric, so the teacher sees whether calibrating helped before using it.

The result is saved as plain JSON (no pickle): intercept and weight per evidence name for
each criterion, which anyone can read and check by hand.

Marks CSV format (UTF-8, comma-separated, one header row)::

    file,knowledge,analysis,evidence,communication
    essay01.txt,6,5,4,4
    essay02.docx,3,3,2,3

``file`` is the essay's file name inside the essays folder; then one column per criterion
id of the rubric (any order), holding whole marks from 0 to that criterion's max. At
least 10 essays, and each criterion needs more than one distinct mark.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .calibration import Calibration, CriterionFit, whole_mark
from .errors import MarkerError
from .rubric import Rubric, load_rubric

if TYPE_CHECKING:
    from .topic import Topic

MIN_ESSAYS = 10
_ALPHAS = (0.01, 0.1, 1.0, 10.0)  # ridge strengths tried; the best cross-validated error wins
_FOLDS = 5


@dataclass(frozen=True)
class Agreement:
    """How well marks agree with the teacher's on one criterion (or the totals)."""

    qwk: float
    exact: float
    adjacent: float

    def to_dict(self) -> dict[str, float]:
        return {"qwk": round(self.qwk, 3), "exact": round(self.exact, 3),
                "adjacent": round(self.adjacent, 3)}


@dataclass(frozen=True)
class CalibrationResult:
    """The fitted calibration and the evidence that it helps."""

    calibration: Calibration
    rubric_agreement: Mapping[str, Agreement]  # criterion id (and "total") -> uncalibrated
    calibrated_agreement: Mapping[str, Agreement]  # the same, cross-validated calibrated
    rows: tuple[dict[str, Any], ...]  # per essay: file, teacher, rubric, calibrated marks

    def summary(self) -> list[str]:
        """Plain lines for the CLI: agreement per criterion, before and after calibrating."""
        lines = [f"{self.calibration.essays} essays; agreement with the teacher "
                 "(calibrated figures are cross-validated)",
                 f"{'criterion':16}{'QWK':>14}{'exact':>16}{'adjacent':>16}"]
        for key, before in self.rubric_agreement.items():
            after = self.calibrated_agreement[key]
            lines.append(f"{key:16}{before.qwk:6.2f} -> {after.qwk:4.2f}"
                         f"{before.exact:8.0%} -> {after.exact:4.0%}"
                         f"{before.adjacent:8.0%} -> {after.adjacent:4.0%}")
        return lines


# --- reading the marks -----------------------------------------------------------------


def read_marks(marks_csv: str | Path, essays_dir: str | Path, rubric: Rubric
               ) -> list[tuple[Path, dict[str, int]]]:
    """The teacher's marks, checked: each problem is one precise MarkerError."""
    path = Path(marks_csv)
    folder = Path(essays_dir)
    if not path.is_file():
        raise MarkerError(f"{path}: no such marks file — give the path of a CSV of marks")
    if not folder.is_dir():
        raise MarkerError(f"{folder}: no such folder of essays — give the folder holding the "
                          "essays named in the CSV")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MarkerError(f"{path}: is not UTF-8 (bad byte at offset {exc.start}) — save the "
                          "CSV as UTF-8") from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise MarkerError(f"{path}: is empty — write a header row: file,"
                          + ",".join(c.id for c in rubric.criteria))
    names = [h.strip() for h in header]
    ids = [c.id for c in rubric.criteria]
    if names[0] != "file":
        raise MarkerError(f"{path}: header: the first column is '{names[0]}', not 'file' — "
                          "put the essay file names in a first column headed 'file'")
    for name in names[1:]:
        if name not in ids:
            close = difflib.get_close_matches(name, ids, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"use the ids {', '.join(ids)}"
            raise MarkerError(f"{path}: header: column '{name}' is not a criterion of "
                              f"{rubric.id} — {hint}")
    missing = [i for i in ids if i not in names]
    if missing:
        raise MarkerError(f"{path}: header: no column for {', '.join(missing)} — add one column "
                          f"per criterion of {rubric.id}: {', '.join(ids)}")
    maxima = {c.id: c.max for c in rubric.criteria}
    rows: list[tuple[Path, dict[str, int]]] = []
    seen: dict[str, int] = {}
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(names):
            raise MarkerError(f"{path}: row {line}: has {len(values)} values but the header has "
                              f"{len(names)} columns — give a file name and one mark per column")
        cells = dict(zip(names, (v.strip() for v in values), strict=True))
        name = cells["file"]
        if not name:
            raise MarkerError(f"{path}: row {line}: column file is empty — write the essay's "
                              "file name")
        if name in seen:
            raise MarkerError(f"{path}: row {line}: {name} is listed twice (rows {seen[name]} "
                              f"and {line}) — keep one row per essay")
        seen[name] = line
        marks = {}
        for cid in ids:
            marks[cid] = _mark(path, line, name, cid, cells[cid], maxima[cid])
        essay = folder / name
        if not essay.is_file():
            raise MarkerError(f"{path}: row {line}: essay '{name}' not found in {folder} — check "
                              "the file name (it is relative to the essays folder)")
        rows.append((essay, marks))
    if len(rows) < MIN_ESSAYS:
        raise MarkerError(f"{path}: has {len(rows)} marked essays; calibration needs at least "
                          f"{MIN_ESSAYS} — mark more essays and add them to the CSV")
    for cid in ids:
        values = {m[cid] for _, m in rows}
        if len(values) == 1:
            raise MarkerError(f"{path}: column {cid}: every essay has mark {values.pop()} — "
                              "calibration needs essays with different marks on each criterion")
    return rows


def _mark(path: Path, line: int, name: str, cid: str, cell: str, top: int) -> int:
    try:
        value = float(cell)
    except ValueError:
        value = math.nan
    if not cell or math.isnan(value) or value != int(value):
        shown = f"'{cell}'" if cell else "empty"
        raise MarkerError(f"{path}: row {line} ({name}): column {cid}: {shown} is not a whole "
                          f"mark — write a whole number from 0 to {top}")
    if not 0 <= value <= top:
        raise MarkerError(f"{path}: row {line} ({name}): column {cid}: {int(value)} is outside "
                          f"0-{top} — write a mark from 0 to {top}")
    return int(value)


# --- fitting ---------------------------------------------------------------------------


def calibrate(marks_csv: str | Path, essays_dir: str | Path,
              rubric: Rubric | str | None = None, *,
              topic: Topic | str | None = None) -> CalibrationResult:
    """Marks the teacher's essays, fits their standard and reports agreement before/after."""
    from .pipeline import mark_file

    rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    rows = read_marks(marks_csv, essays_dir, rubric)
    scores, rubric_marks = [], []
    for essay, _ in rows:
        report = mark_file(str(essay), topic=topic, rubric=rubric)
        scores.append({name: ev["score"] for name, ev in report.evidence.items()})
        rubric_marks.append({c["id"]: c["mark"] for c in report.criteria})
    teacher = [marks for _, marks in rows]
    return fit(rubric, [e.name for e, _ in rows], scores, teacher, rubric_marks)


def fit(rubric: Rubric, files: list[str], scores: list[Mapping[str, float]],
        teacher: list[Mapping[str, int]], rubric_marks: list[Mapping[str, int]]
        ) -> CalibrationResult:
    """The calibration and its cross-validated agreement, from already-measured essays."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # tiny problems: extra BLAS threads only cost time
        return _fit(rubric, files, scores, teacher, rubric_marks)


def _fit(rubric: Rubric, files: list[str], scores: list[Mapping[str, float]],
         teacher: list[Mapping[str, int]], rubric_marks: list[Mapping[str, int]]
         ) -> CalibrationResult:
    import numpy as np
    from sklearn.model_selection import KFold

    n = len(files)
    folds = list(KFold(n_splits=min(_FOLDS, n), shuffle=True, random_state=0).split(range(n)))
    criteria: dict[str, CriterionFit] = {}
    cv_marks: list[dict[str, int]] = [{} for _ in range(n)]
    for criterion in rubric.criteria:
        names = list(criterion.evidence)
        x = np.array([[s[name] for name in names] for s in scores])
        y = np.array([t[criterion.id] for t in teacher], dtype=float)
        criteria[criterion.id] = _fit_one(x, y, names)
        for train, test in folds:
            fold_fit = _fit_one(x[train], y[train], names)
            for i in test:
                cv_marks[i][criterion.id] = whole_mark(fold_fit.predict(scores[i]), criterion.max)
    before = _agreement(rubric, teacher, rubric_marks)
    after = _agreement(rubric, teacher, cv_marks)
    calibration = Calibration(
        rubric=rubric.id, rubric_sha256=rubric.sha256, essays=n,
        criteria=MappingProxyType(criteria),
        agreement=MappingProxyType({
            key: {"rubric": before[key].to_dict(), "calibrated": after[key].to_dict()}
            for key in before
        }),
    )
    table = tuple(
        {"file": f, "teacher": dict(t), "rubric": dict(r), "calibrated": c}
        for f, t, r, c in zip(files, teacher, rubric_marks, cv_marks, strict=True)
    )
    return CalibrationResult(calibration, MappingProxyType(before), MappingProxyType(after),
                             table)


def _fit_one(x: Any, y: Any, names: list[str]) -> CriterionFit:
    """Non-negative ridge regression; the strength with the least cross-validated error."""
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import KFold

    best: tuple[float, float] | None = None
    if len(y) > 2:
        folds = list(KFold(n_splits=min(_FOLDS, len(y)), shuffle=True, random_state=0)
                     .split(x))
        for alpha in _ALPHAS:
            error = 0.0
            for train, test in folds:
                model = Ridge(alpha=alpha, positive=True).fit(x[train], y[train])
                error += float(((model.predict(x[test]) - y[test]) ** 2).sum())
            if best is None or error < best[0] - 1e-9:
                best = (error, alpha)
    alpha = best[1] if best else 1.0
    model = Ridge(alpha=alpha, positive=True).fit(x, y)
    # Rounded as saved, so a fit in memory and the same fit read back mark identically.
    weights = {name: round(float(w), 6) for name, w in zip(names, model.coef_, strict=True)}
    return CriterionFit(round(float(model.intercept_), 6), MappingProxyType(weights))


def _agreement(rubric: Rubric, teacher: list[Mapping[str, int]],
               marks: list[Mapping[str, int]]) -> dict[str, Agreement]:
    from sklearn.metrics import cohen_kappa_score

    def measure(a: list[int], b: list[int], top: int) -> Agreement:
        qwk = 1.0 if a == b else float(cohen_kappa_score(
            a, b, weights="quadratic", labels=list(range(top + 1))))
        exact = sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
        adjacent = sum(abs(x - y) <= 1 for x, y in zip(a, b, strict=True)) / len(a)
        return Agreement(qwk if not math.isnan(qwk) else 0.0, exact, adjacent)

    out = {}
    for criterion in rubric.criteria:
        out[criterion.id] = measure([t[criterion.id] for t in teacher],
                                    [m[criterion.id] for m in marks], criterion.max)
    out["total"] = measure([sum(t.values()) for t in teacher], [sum(m.values()) for m in marks],
                           rubric.total)
    return out


# --- saving and loading ----------------------------------------------------------------


def default_path(rubric: Rubric, marks_csv: str | Path) -> Path:
    """Beside the rubric file, unless it is a shipped rubric: then beside the marks CSV."""
    from .rubric import rubrics_root

    shipped = rubric.path.parent.resolve() == rubrics_root().resolve()
    folder = Path(marks_csv).resolve().parent if shipped else rubric.path.parent
    return folder / f"{rubric.id}.calibration.json"


def save_calibration(result: CalibrationResult | Calibration, path: str | Path) -> Path:
    """Writes the calibration as canonical JSON (same fit, same bytes); returns the path."""
    calibration = result.calibration if isinstance(result, CalibrationResult) else result
    target = Path(path)
    text = json.dumps(calibration.to_dict(), indent=2, sort_keys=False) + "\n"
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise MarkerError(f"{target}: cannot write the calibration ({exc.strerror}) — choose "
                          "another path with -o") from exc
    return target
