"""Rubrics: marking schemes as data, and turning measured evidence into explained marks.

A rubric (``rubrics/*.yaml``) is written and edited by teachers, so loading validates
everything with the precise location and fix of each problem. Marking is then plain
arithmetic a teacher can redo by hand: a criterion's mark is its maximum times the
weighted average of the evidence scores it names, rounded; a calibration (a teacher's own
standard, see :mod:`marker.calibrate`) may replace that mapping; gaming caps apply last.
Every reason and next step comes from the evidence measured in the essay.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .errors import MarkerError
from .evidence import CAP_SIGNALS, EVIDENCE_NAMES, Evidence, short
from .topic import Problem, _Check, _Map, _parse_yaml

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from .calibration import Calibration
    from .report import Report
    from .topic import Topic

DEFAULT_RUBRIC = "analytic-25"
_RUBRIC_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CRITERION_ID = re.compile(r"[a-z][a-z0-9_]*")
_RANGE = re.compile(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?")
_TOP_KEYS = ("id", "name", "description", "total", "criteria", "caps")
_CRITERION_KEYS = ("id", "name", "max", "evidence", "bands")
_BAND_KEYS = ("marks", "descriptor")
_CAP_KEYS = ("when", "limit")


@dataclass(frozen=True)
class Band:
    """A mark range and the words a teacher uses for work in it."""

    low: int
    high: int
    descriptor: str

    @property
    def marks(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    max: int
    evidence: Mapping[str, float]  # evidence name -> relative weight
    bands: tuple[Band, ...]  # highest first, as written

    def band(self, mark: int) -> Band:
        return next(b for b in self.bands if b.low <= mark <= b.high)


@dataclass(frozen=True)
class Cap:
    """When a signal is raised (gaming, or frequent errors), the highest mark each listed
    criterion can get."""

    when: str
    limit: Mapping[str, int]


@dataclass(frozen=True)
class Rubric:
    id: str
    name: str
    description: str | None
    total: int
    criteria: tuple[Criterion, ...]
    caps: tuple[Cap, ...]
    path: Path
    sha256: str


# --- finding and loading ---------------------------------------------------------------


def rubrics_root() -> Path:
    """Where shipped rubrics live: inside the installed package, else the repo checkout."""
    here = Path(__file__).resolve()
    packaged = here.parent / "_data" / "rubrics"
    return packaged if packaged.is_dir() else here.parents[1] / "rubrics"


def list_rubrics() -> list[str]:
    """Ids of the shipped rubrics."""
    root = rubrics_root()
    if not root.is_dir():
        return []
    return sorted(p.stem for p in root.glob("*.yaml") if p.stem[0] not in "._")


def rubric_path(name_or_path: str | Path) -> Path:
    """A bare id means a shipped rubric, unless only a local file of that name exists."""
    if isinstance(name_or_path, str) and _RUBRIC_ID.fullmatch(name_or_path):
        shipped = rubrics_root() / f"{name_or_path}.yaml"
        if shipped.is_file() or not Path(name_or_path).is_file():
            return shipped
    return Path(name_or_path).expanduser().resolve()


def check_rubric(path: str | Path) -> list[Problem]:
    """Every problem in a rubric file (empty when it is valid); never raises for content."""
    return _analyse(rubric_path(path))[0]


def load_rubric(name_or_path: str | Path | None = None) -> Rubric:
    """A rubric by shipped id or file path (default analytic-25); MarkerError if it has problems."""
    path = rubric_path(name_or_path or DEFAULT_RUBRIC)
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = None
    return _load_cached(path, stamp)


@functools.lru_cache(maxsize=16)
def _load_cached(path: Path, stamp: tuple[int, int] | None) -> Rubric:
    problems, rubric = _analyse(path)
    if rubric is None:
        first = replace(problems[0], file=str(path))
        if len(problems) == 1:
            raise MarkerError(str(first))
        raise MarkerError(f"{len(problems)} problems; first: {first} "
                          f"(run `marker rubric check {path}` to list them all)")
    return rubric


# --- validation ------------------------------------------------------------------------


def _analyse(path: Path) -> tuple[list[Problem], Rubric | None]:
    if not path.is_file():
        shipped = ", ".join(list_rubrics()) or "none installed"
        what = "is a folder, not a rubric file" if path.is_dir() else "no such rubric"
        return [Problem(str(path), "", "", what,
                        f"give a shipped rubric ({shipped}) or the path of a .yaml file")], None
    chk = _Check(path.name)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        chk.add("", "", f"is not UTF-8 (bad byte at offset {exc.start})", "save it as UTF-8")
        return chk.problems, None
    if not text.strip():
        chk.add("", "", "is empty", "write the rubric (see rubrics/analytic-25.yaml)")
        return chk.problems, None
    top = _parse_yaml(chk, text)
    if top is None:
        return chk.problems, None
    if not isinstance(top, _Map):
        chk.add("", "", "the top level is not a mapping",
                "start with `id:`, `name:`, `total:` and `criteria:` at the left margin")
        return chk.problems, None
    rubric = _check_top(chk, top, path)
    if chk.problems or rubric is None:
        return chk.problems, None
    return [], replace(rubric, sha256=hashlib.sha256(data).hexdigest())


def _unknown_keys(chk: _Check, entry: str, where: str, raw: _Map, keys: tuple[str, ...]) -> None:
    for key in raw:
        if key not in keys:
            close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
            chk.add(entry, f"{where}{key}", "unknown key",
                    f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(keys)}")
    for key, first, again in raw.duplicates:
        chk.add(entry, f"{where}{key}", f"written twice (lines {first} and {again})", "keep one")


def _text(chk: _Check, entry: str, field: str, value: Any, required: bool = True) -> str | None:
    if value is None:
        if required:
            chk.add(entry, field, "missing", f"add `{field.rsplit('.', 1)[-1]}:` with text")
        return None
    if not isinstance(value, str) or not value.strip():
        chk.add(entry, field, "must be text", "write it as text (in quotes if needed)")
        return None
    return value.strip()


def _whole(chk: _Check, entry: str, field: str, value: Any, low: int) -> int | None:
    if value is None:
        chk.add(entry, field, "missing", f"add `{field.rsplit('.', 1)[-1]}:` with a whole number")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        chk.add(entry, field, f"must be a whole number of at least {low}, got {value!r}",
                f"write a whole number of at least {low}")
        return None
    return value


def _check_top(chk: _Check, top: _Map, path: Path) -> Rubric | None:
    _unknown_keys(chk, "", "", top, _TOP_KEYS)
    rubric_id = _text(chk, "", "id", top.get("id"))
    if rubric_id is not None:
        if not _RUBRIC_ID.fullmatch(rubric_id):
            chk.add("", "id", f"{rubric_id!r} is not a kebab-case id",
                    "use lower-case letters, digits and hyphens")
        elif rubric_id != path.stem:
            chk.add("", "id", f"{rubric_id!r} does not match the file name {path.name!r}",
                    f"make the id and the file name the same ({path.stem!r})")
    name = _text(chk, "", "name", top.get("name"))
    description = _text(chk, "", "description", top.get("description"), required=False)
    total = _whole(chk, "", "total", top.get("total"), 1)
    raw_criteria = top.get("criteria")
    criteria: list[Criterion] = []
    if not isinstance(raw_criteria, list) or not raw_criteria:
        chk.add("", "criteria", "missing or not a list of criteria",
                "add `criteria:` with one `- id: ...` entry per criterion")
    else:
        seen: dict[str, int] = {}
        for i, raw in enumerate(raw_criteria):
            criterion = _check_criterion(chk, i, raw)
            if criterion is None:
                continue
            if criterion.id in seen:
                chk.add(criterion.id, "id", f"duplicate criterion id (criteria"
                        f"[{seen[criterion.id]}] and criteria[{i}])",
                        "give each criterion its own id")
            seen.setdefault(criterion.id, i)
            criteria.append(criterion)
        if total is not None and len(criteria) == len(raw_criteria):
            added = sum(c.max for c in criteria)
            if added != total:
                parts = " + ".join(f"{c.id} {c.max}" for c in criteria)
                chk.add("", "total", f"is {total} but the criteria maxima add up to {added} "
                        f"({parts})", "make the maxima add up to total, or change total")
    # Caps are checked against every criterion written, even one with its own problems, so
    # one mistake is reported once.
    written = {raw.get("id"): raw.get("max") for raw in raw_criteria or ()
               if isinstance(raw, _Map) and isinstance(raw.get("id"), str)}
    caps = _check_caps(chk, top.get("caps"), written)
    if chk.problems or rubric_id is None or name is None or total is None:
        return None
    return Rubric(rubric_id, name, description, total, tuple(criteria), caps, path, "")


def _check_criterion(chk: _Check, i: int, raw: Any) -> Criterion | None:
    label = f"criteria[{i}]"
    if not isinstance(raw, _Map):
        chk.add(label, "", "is not a mapping", "write `- id: ...` with name, max, evidence, bands")
        return None
    crit_id = _text(chk, label, "id", raw.get("id"))
    if crit_id is not None and not _CRITERION_ID.fullmatch(crit_id):
        chk.add(label, "id", f"{crit_id!r} is not snake_case",
                "use lower-case letters, digits and underscores")
        crit_id = None
    entry = crit_id or label
    _unknown_keys(chk, entry, "", raw, _CRITERION_KEYS)
    name = _text(chk, entry, "name", raw.get("name"))
    top = _whole(chk, entry, "max", raw.get("max"), 1)
    weights = _check_weights(chk, entry, raw.get("evidence"))
    bands = _check_bands(chk, entry, raw.get("bands"), top)
    if None in (crit_id, name, top, weights, bands):
        return None
    assert crit_id is not None and name is not None and top is not None  # for the type checker
    return Criterion(crit_id, name, top, MappingProxyType(dict(weights or {})), bands or ())


def _check_weights(chk: _Check, entry: str, raw: Any) -> dict[str, float] | None:
    if not isinstance(raw, _Map) or not raw:
        chk.add(entry, "evidence", "missing or not a mapping of evidence names to weights",
                f"write e.g. `evidence: {{coverage: 2, accuracy: 1}}` "
                f"(names: {', '.join(EVIDENCE_NAMES)})")
        return None
    weights: dict[str, float] = {}
    ok = True
    for key, value in raw.items():
        if key not in EVIDENCE_NAMES:
            close = difflib.get_close_matches(key, EVIDENCE_NAMES, n=1, cutoff=0.6)
            chk.add(entry, f"evidence.{key}", "unknown evidence name",
                    f"did you mean '{close[0]}'?" if close
                    else f"use one of: {', '.join(EVIDENCE_NAMES)}")
            ok = False
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            chk.add(entry, f"evidence.{key}", f"weight must be a number above 0, got {value!r}",
                    "write a positive number (weights are relative), or remove the line")
            ok = False
        else:
            weights[key] = float(value)
    return weights if ok else None


def _check_bands(chk: _Check, entry: str, raw: Any, top: int | None) -> tuple[Band, ...] | None:
    if not isinstance(raw, list) or not raw:
        chk.add(entry, "bands", "missing or not a list of bands",
                "add `bands:` with `- marks: 6-7` and `descriptor: ...` entries")
        return None
    bands: list[tuple[int, Band]] = []
    ok = True
    for i, band in enumerate(raw):
        where = f"bands[{i}]"
        if not isinstance(band, _Map):
            chk.add(entry, where, "is not a mapping", "write `- marks: 3-4` and `descriptor: ...`")
            ok = False
            continue
        _unknown_keys(chk, entry, f"{where}.", band, _BAND_KEYS)
        descriptor = _text(chk, entry, f"{where}.descriptor", band.get("descriptor"))
        span = _marks(chk, entry, f"{where}.marks", band.get("marks"), top)
        if descriptor is None or span is None:
            ok = False
            continue
        bands.append((i, Band(span[0], span[1], " ".join(descriptor.split()))))
    if not ok or top is None:
        return None
    if not _cover(chk, entry, bands, top):
        return None
    return tuple(b for _, b in bands)


def _marks(chk: _Check, entry: str, where: str, value: Any, top: int | None
           ) -> tuple[int, int] | None:
    match = _RANGE.fullmatch(str(value)) if isinstance(value, (int, str)) and \
        not isinstance(value, bool) else None
    if match is None:
        chk.add(entry, where, f"{value!r} is not a mark or a range of marks",
                "write one mark (e.g. 5) or a range (e.g. 3-4)")
        return None
    low, high = int(match[1]), int(match[2] or match[1])
    if low > high:
        chk.add(entry, where, f"{value!r} runs backwards", f"write {high}-{low}")
        return None
    if top is not None and high > top:
        chk.add(entry, where, f"{value!r} goes above the criterion's max {top}",
                f"keep the marks within 0-{top}")
        return None
    return low, high


def _cover(chk: _Check, entry: str, bands: list[tuple[int, Band]], top: int) -> bool:
    """The bands' ranges must cover 0..max with no gap and no overlap."""
    owner: dict[int, int] = {}
    ok = True
    for i, band in bands:
        for mark in range(band.low, band.high + 1):
            if mark in owner:
                chk.add(entry, f"bands[{i}].marks",
                        f"{band.marks} overlaps bands[{owner[mark]}] at mark {mark}",
                        "give each mark to exactly one band")
                ok = False
                break
            owner[mark] = i
    missing = [m for m in range(top + 1) if m not in owner]
    if missing:
        chk.add(entry, "bands", f"no band covers {_ranges(missing)} (the bands must cover 0-{top})",
                "widen a neighbouring band or add a band for those marks")
        ok = False
    return ok


def _ranges(marks: list[int]) -> str:
    """[3, 4, 7] -> 'marks 3-4 and 7'."""
    runs: list[list[int]] = []
    for m in marks:
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    text = [str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs]
    word = "mark" if len(marks) == 1 else "marks"
    return f"{word} {' and '.join(text)}"


def _check_caps(chk: _Check, raw: Any, criteria: dict[str, Any]) -> tuple[Cap, ...]:
    """Caps name a signal and limit criteria (id -> the max as written) to a mark."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        chk.add("", "caps", "is not a list", "write `caps:` with `- when: ...` entries")
        return ()
    caps = []
    for i, cap in enumerate(raw):
        where = f"caps[{i}]"
        if not isinstance(cap, _Map):
            chk.add(where, "", "is not a mapping", "write `- when: keyword_salad` and `limit:`")
            continue
        _unknown_keys(chk, where, "", cap, _CAP_KEYS)
        when = cap.get("when")
        if when not in CAP_SIGNALS:
            close = difflib.get_close_matches(str(when), CAP_SIGNALS, n=1, cutoff=0.6)
            chk.add(where, "when", f"{when!r} is not a signal",
                    f"did you mean '{close[0]}'?" if close
                    else f"use one of: {', '.join(CAP_SIGNALS)}")
            continue
        limit = cap.get("limit")
        if not isinstance(limit, _Map) or not limit:
            chk.add(where, "limit", "missing or not a mapping of criterion ids to marks",
                    "write e.g. `limit: {knowledge: 2}`")
            continue
        good: dict[str, int] = {}
        for crit_id, mark in limit.items():
            if crit_id not in criteria:
                close = difflib.get_close_matches(crit_id, list(criteria), n=1, cutoff=0.6)
                chk.add(where, f"limit.{crit_id}", "is not a criterion id of this rubric",
                        f"did you mean '{close[0]}'?" if close
                        else f"use one of: {', '.join(criteria)}")
                continue
            top = criteria[crit_id]
            top = top if isinstance(top, int) and not isinstance(top, bool) else None
            if isinstance(mark, bool) or not isinstance(mark, int) or mark < 0 or \
                    (top is not None and mark > top):
                upto = top if top is not None else "the criterion's max"
                chk.add(where, f"limit.{crit_id}", f"{mark!r} is not a mark from 0 to {upto}",
                        f"write a whole number from 0 to {upto}")
            else:
                good[crit_id] = mark
        caps.append(Cap(when, MappingProxyType(good)))
    return tuple(caps)


# --- marking ---------------------------------------------------------------------------


def criterion_score(criterion: Criterion, evidence: Mapping[str, Evidence]) -> float:
    """The weighted average of the criterion's evidence scores (0..1)."""
    total = sum(criterion.evidence.values())
    return sum(w * evidence[name].score for name, w in criterion.evidence.items()) / total


def rubric_mark(criterion: Criterion, score: float) -> int:
    """max x score, rounded half up: the uncalibrated mark."""
    return min(criterion.max, max(0, math.floor(criterion.max * score + 0.5)))


def mark_report(report: Report, doc: Doc, topic: Topic, rubric: Rubric | str | None = None,
                calibration: Calibration | None = None) -> None:
    """Fills the report's evidence, criteria, total, feedback and the manifest's rubric."""
    from .evidence import measure

    rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    if calibration is not None:
        calibration.check_rubric(rubric)
    evidence = measure(report, doc, topic)
    signals = {s["signal"]: s["evidence"] for ev in evidence.values()
               for s in ev.details.get("signals", [])}
    given: dict[str, str] = {}  # a reason already given -> the criterion it was given under
    criteria = [_mark_criterion(c, evidence, rubric, signals, calibration, given)
                for c in rubric.criteria]
    report.evidence = {name: ev.to_dict() for name, ev in evidence.items()}
    report.criteria = criteria
    report.total = {"mark": sum(c["mark"] for c in criteria), "max": rubric.total}
    report.feedback = _feedback(report, evidence, criteria)
    report.manifest["rubric"] = rubric.id
    report.manifest["rubric_sha256"] = rubric.sha256
    report.manifest["calibration_sha256"] = calibration.sha256 if calibration else None


def _mark_criterion(criterion: Criterion, evidence: Mapping[str, Evidence], rubric: Rubric,
                    signals: Mapping[str, str], calibration: Calibration | None,
                    given: dict[str, str]) -> dict[str, Any]:
    score = criterion_score(criterion, evidence)
    mark = rubric_mark(criterion, score)
    reasons: list[str] = []
    if calibration is not None:
        calibrated = calibration.mark(criterion, evidence)
        if calibrated != mark:
            reasons.append(f"Calibrated to the teacher's marking ({calibration.essays} essays): "
                           f"{calibrated}/{criterion.max} where the rubric alone gives {mark}.")
        mark = calibrated
    for cap in rubric.caps:
        limit = cap.limit.get(criterion.id)
        if cap.when not in signals or limit is None:
            continue
        if mark > limit:
            reasons.insert(0, f"Capped at {limit}/{criterion.max}: {signals[cap.when]}.")
            mark = limit
        else:
            reasons.append(f"{signals[cap.when][0].upper()}{signals[cap.when][1:]} "
                           f"(this limits {criterion.name} to {limit}/{criterion.max}).")
    for reason in _reasons(criterion, evidence, 4 - len(reasons)):
        # the same evidence behind two criteria (accuracy under Knowledge and Analysis):
        # said in full once, then pointed to
        earlier = given.setdefault(reason, criterion.name)
        reasons.append(reason if earlier == criterion.name
                       else f"As under {earlier}: {short(reason, 90)}")
    steps: list[str] = []
    if mark < criterion.max:
        weakest = sorted(criterion.evidence, key=lambda n: (evidence[n].score,
                                                            -criterion.evidence[n], n))
        for name in weakest:
            for step in evidence[name].next_steps[:2]:
                if step not in steps and len(steps) < 3:
                    steps.append(step)
    return {
        "id": criterion.id,
        "name": criterion.name,
        "mark": mark,
        "max": criterion.max,
        "band": criterion.band(mark).descriptor,
        "band_marks": criterion.band(mark).marks,
        "score": round(score, 3),
        "reasons": reasons,
        "next_steps": steps,
    }


def _reasons(criterion: Criterion, evidence: Mapping[str, Evidence], room: int) -> list[str]:
    """Each evidence's main reason in weight order, then more from the weightiest, grouped."""
    ordered = sorted(criterion.evidence, key=lambda n: (-criterion.evidence[n],
                                                        EVIDENCE_NAMES.index(n)))
    picked: list[tuple[int, int]] = []  # (rank of evidence, index of its reason)
    for depth in range(4):
        for rank, name in enumerate(ordered):
            if depth < len(evidence[name].reasons) and len(picked) < room and \
                    (depth == 0 or rank == 0):
                picked.append((rank, depth))
    out: list[str] = []
    for rank, depth in sorted(picked):
        reason = evidence[ordered[rank]].reasons[depth]
        if reason not in out:
            out.append(reason)
    return out


def _feedback(report: Report, evidence: Mapping[str, Evidence],
              criteria: list[dict[str, Any]]) -> dict[str, Any]:
    """The corrections and next steps that matter most, and the key content left out."""
    fix_first: list[str] = []
    for claim in report.claims:
        if claim["verdict"] == "contradicted" and claim.get("correction") \
                and claim["correction"] not in fix_first and len(fix_first) < 2:
            fix_first.append(claim["correction"])
    by_need = sorted(criteria, key=lambda c: (c["mark"] / c["max"], -c["max"], c["id"]))
    for crit in by_need:
        for step in crit["next_steps"]:
            if len(fix_first) < 3 and step not in fix_first and not step.startswith("Correct '"):
                fix_first.append(step)
                break
    missing = [m["label"] for m in evidence["coverage"].details.get("missing", [])]
    return {"fix_first": fix_first, "missing": missing}
