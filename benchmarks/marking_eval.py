"""Agreement of marker's marks with an expert's on the labelled essays, and gaming essays.

Marks every essay in ``tests/data/essays`` with the rubric named in ``labels.yaml``
(analytic-25) and compares with the expert's ``marks``:

* QWK — quadratic weighted kappa of the totals (and of each criterion);
* exact / adjacent — share of essays whose criterion mark equals the expert's, or is
  within one mark of it;
* ordering — every excellent essay's total is above every weak and very weak one's.

Then marks the gaming essays in ``tests/data/gaming`` (keyword salad, a padded copy of
the question, a fluent essay on another topic) and checks each lands in the bottom two
bands (total <= 10/25). Exit status 1 when ordering or a gaming check fails. Last, when
``../shared/claims-dev`` is there, agreement with its teacher's marks per criterion.

    python benchmarks/marking_eval.py [--smoke] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).absolute().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import cohen_kappa_score  # noqa: E402

from marker.pipeline import mark_file  # noqa: E402
from marker.rubric import load_rubric  # noqa: E402

ESSAYS = ROOT / "tests" / "data" / "essays"
DEV = ROOT.parent / "shared" / "claims-dev"
GAMING = ROOT / "tests" / "data" / "gaming"
GAMING_MAX = 10  # bottom two bands of 25: 0-5 and 6-10
HIGH = ("excellent",)
LOW = ("weak", "very_weak")


def qwk(expert: list[int], marked: list[int], top: int) -> float:
    """Quadratic weighted kappa over the full mark range (1.0 when both are constant and equal)."""
    if expert == marked:
        return 1.0
    return float(cohen_kappa_score(expert, marked, weights="quadratic",
                                   labels=list(range(top + 1))))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="two essays and one gaming essay (CI)")
    ap.add_argument("--verbose", action="store_true", help="print each criterion's reasons")
    args = ap.parse_args()
    labels = yaml.safe_load((ESSAYS / "labels.yaml").read_text(encoding="utf-8"))
    rubric = load_rubric(labels.get("rubric", "analytic-25"))
    essays = labels["essays"]
    if args.smoke:
        essays = [e for e in essays if e["quality"] == "excellent"][:1] + \
                 [e for e in essays if e["quality"] in LOW][-1:]
    ids = [c.id for c in rubric.criteria]
    t0 = time.perf_counter()
    rows = []
    for essay in essays:
        report = mark_file(str(ESSAYS / essay["file"]), rubric=rubric).to_dict()
        marks = {c["id"]: c["mark"] for c in report["criteria"]}
        rows.append((essay, marks, report))
    elapsed = time.perf_counter() - t0

    print(f"{'essay':32} {'quality':10} " + " ".join(f"{i[:5]:>9}" for i in ids)
          + f" {'total':>7}")
    for essay, marks, report in rows:
        cells = " ".join(f"{marks[i]:>4}/{essay['marks'][i]:<4}" for i in ids)
        total = report["total"]["mark"]
        print(f"{essay['file'][:32]:32} {essay['quality']:10} {cells} "
              f"{total:>3}/{sum(essay['marks'].values()):<3}")
        if args.verbose:
            for crit in report["criteria"]:
                print(f"    {crit['id']}: " + " | ".join(crit["reasons"]))
    print("(marker/expert)")

    expert_totals = [sum(e["marks"].values()) for e, _, _ in rows]
    totals = [r["total"]["mark"] for _, _, r in rows]
    print(f"\ntotals: QWK {qwk(expert_totals, totals, rubric.total):.2f}  "
          f"mean absolute difference "
          f"{sum(abs(a - b) for a, b in zip(expert_totals, totals, strict=True)) / len(rows):.1f}")
    print(f"{'criterion':15} {'QWK':>5} {'exact':>6} {'adjacent':>9}")
    for crit in rubric.criteria:
        expert = [e["marks"][crit.id] for e, _, _ in rows]
        marked = [m[crit.id] for _, m, _ in rows]
        exact = sum(a == b for a, b in zip(expert, marked, strict=True)) / len(rows)
        adjacent = sum(abs(a - b) <= 1 for a, b in zip(expert, marked, strict=True)) / len(rows)
        print(f"{crit.id:15} {qwk(expert, marked, crit.max):5.2f} {exact:6.0%} {adjacent:9.0%}")

    failed = False
    high = [(e["file"], r["total"]["mark"]) for e, _, r in rows if e["quality"] in HIGH]
    low = [(e["file"], r["total"]["mark"]) for e, _, r in rows if e["quality"] in LOW]
    if high and low:
        worst_high, best_low = min(high, key=lambda x: x[1]), max(low, key=lambda x: x[1])
        holds = worst_high[1] > best_low[1]
        failed |= not holds
        print(f"\nordering: {'holds' if holds else 'FAILS'} (lowest excellent {worst_high[0]} "
              f"{worst_high[1]}, highest weak {best_low[0]} {best_low[1]})")

    print(f"\n{'gaming essay':24} {'total':>6} {'signals'}")
    gaming = sorted(GAMING.glob("*.txt"))[: 1 if args.smoke else None]
    for path in gaming:
        report = mark_file(str(path), rubric=rubric, force=True).to_dict()
        total = report["total"]["mark"]
        signals = [s["signal"] for s in report["evidence"]["relevance"]["details"]["signals"]]
        ok = total <= GAMING_MAX
        failed |= not ok
        print(f"{path.name:24} {total:>3}/{rubric.total} {', '.join(signals) or '-'}"
              f"{'' if ok else '  FAILS (above ' + str(GAMING_MAX) + ')'}")
    print(f"\n{len(rows)} essays marked in {elapsed:.1f} s")
    if not args.smoke:
        marked = [(e["file"], e["marks"], r) for e, _, r in rows]
        marked += dev_agreement(rubric)
        cross_validated(rubric, marked)
    return 1 if failed else 0


def cross_validated(rubric, marked: list[tuple[str, dict, dict]]) -> None:
    """All marked essays (tests/data and claims-dev): the rubric's own marks beside marks
    from evidence weights fitted on the other folds (``marker calibrate``'s fit, five
    folds), so a gain from fitting is seen on essays the fit did not see."""
    from marker.calibrate import fit

    if len(marked) < 10:
        return
    files = [f for f, _, _ in marked]
    teacher = [t for _, t, _ in marked]
    scores = [{k: v["score"] for k, v in r["evidence"].items()} for _, _, r in marked]
    rubric_marks = [{c["id"]: c["mark"] for c in r["criteria"]} for _, _, r in marked]
    result = fit(rubric, files, scores, teacher, rubric_marks)
    print(f"\nall {len(marked)} marked essays: the rubric as shipped -> weights fitted on the "
          "other folds (cross-validated)")
    print(f"{'criterion':15} {'QWK':>13} {'within 1':>17} {'mean diff':>17}")
    for key, before in result.rubric_agreement.items():
        after = result.calibrated_agreement[key]
        if key == "total":
            print(f"{'totals':15} {before.qwk:5.2f} -> {after.qwk:4.2f}")
            continue

        def mean(which: str, cid: str = key) -> float:
            return sum(r[which][cid] - r["teacher"][cid] for r in result.rows) / len(marked)

        print(f"{key:15} {before.qwk:5.2f} -> {after.qwk:4.2f} {before.adjacent:8.0%} -> "
              f"{after.adjacent:4.0%} {mean('rubric'):+8.2f} -> {mean('calibrated'):+5.2f}")


def dev_agreement(rubric) -> list[tuple[str, dict, dict]]:
    """Agreement with the experienced teacher's marks on ../shared/claims-dev (essays
    written apart from the project): within one mark and the mean difference (marker minus
    teacher) per criterion, and the QWK of totals. Returns (essay, teacher's marks, report)."""
    if not DEV.is_dir():
        print("\nclaims-dev: ../shared/claims-dev not found, skipped")
        return []
    rows, found = [], []
    for path in sorted((DEV / "labels").glob("*.json")):
        label = json.loads(path.read_text(encoding="utf-8"))
        report = mark_file(str(DEV / "essays" / f"{label['essay']}.txt"), rubric=rubric,
                           force=True).to_dict()
        rows.append((label["marks"], {c["id"]: c["mark"] for c in report["criteria"]}))
        found.append((f"claims-dev/{label['essay']}.txt", label["marks"], report))
    print(f"\nclaims-dev, {len(rows)} essays marked by a teacher (written apart from the project):")
    print(f"{'criterion':15} {'within 1':>9} {'mean diff':>10}")
    for crit in rubric.criteria:
        diffs = [m[crit.id] - t[crit.id] for t, m in rows]
        within = sum(abs(d) <= 1 for d in diffs)
        print(f"{crit.id:15} {within:>5}/{len(rows):<3} {sum(diffs) / len(rows):>+10.2f}")
    teacher = [sum(t.values()) for t, _ in rows]
    marked = [sum(m.values()) for _, m in rows]
    print(f"totals: QWK {qwk(teacher, marked, rubric.total):.2f}")
    return found


if __name__ == "__main__":
    sys.exit(main())
