"""Precision and recall of marker's claim checking on the hand-labelled essay set.

Runs ``marker`` on every essay in ``tests/data/essays`` and compares its verdicts with the
labels in ``labels.yaml``:

* precision — share of ``contradicted`` verdicts that fall on a claim labelled wrong;
* recall — share of wrong claims that get a ``contradicted`` verdict;
* false confirmations — wrong claims marked ``supported`` (and not contradicted);
* confirmed — share of correct claims marked ``supported``.

A verdict "falls on" a labelled claim when their spans overlap in the normalised text.
With ``--seed`` it also scores ``../shared/samples/seed_essay.txt`` against its audit.

It then scores ``../shared/claims-dev`` (essays written apart from the project) the way the
product owner scores held-out sets, with recall and false confirmations per kind of claim:
a ``contradicted`` claim overlapping an ``incorrect`` quote is a hit, one overlapping no
``incorrect`` or ``partly`` quote is a false accusation; an ``incorrect`` quote overlapped
by a ``supported`` claim and no ``contradicted`` one is a false confirmation; ``confirmed``
is the share of ``correct`` quotes overlapped by a ``supported`` claim.

    python benchmarks/claims_eval.py [--smoke] [--verbose] [--seed] [--dev-only]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from marker.pipeline import mark_file  # noqa: E402

ESSAYS = ROOT / "tests" / "data" / "essays"
SEED = ROOT.parent / "shared" / "samples" / "seed_essay.txt"
SEED_CLAIMS = ROOT.parent / "shared" / "samples" / "seed_claims.md"
DEV = ROOT.parent / "shared" / "claims-dev"
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_SKIP = set(" \t\r\n\u00a0-–—‐")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """Find a labelled quote in the normalised text, tolerant of whitespace and quotes."""
    classes = {"'": "['’‘]", "’": "['’‘]", "‘": "['’‘]", '"': '["“”]', "“": '["“”]',
               "”": '["“”]', " ": r"\s+", "-": "[-–—]", "–": "[-–—]"}
    pattern = "".join(classes.get(ch, re.escape(ch)) for ch in squash(quote))
    m = re.search(pattern, text) or re.search(pattern, text, re.IGNORECASE)
    return (m.start(), m.end()) if m else None


def folded(text: str) -> tuple[str, list[int]]:
    """The text lower-cased without whitespace and hyphens, with each kept character's
    offset in the original (the product owner's way of locating a labelled quote)."""
    keep = [(i, ch) for i, ch in enumerate(text.translate(_FOLD).lower()) if ch not in _SKIP]
    return "".join(ch for _, ch in keep), [i for i, _ in keep]


def locate_folded(text: str, quote: str) -> tuple[int, int] | None:
    hay, where = folded(text)
    needle, _ = folded(quote)
    at = hay.find(needle) if needle else -1
    return (where[at], where[at + len(needle) - 1] + 1) if at >= 0 else None


def located(text: str, labels: list[dict], find: Any) -> list[tuple[tuple[int, int], dict]]:
    """Each labelled quote that ``find`` locates in the report's text, with its span."""
    return [(where, lab) for lab in labels if (where := find(text, lab["quote"])) is not None]


def over(claim: dict, where: tuple[int, int]) -> bool:
    """The claim's span overlaps the quote's."""
    return claim["start"] < where[1] and where[0] < claim["end"]


@dataclass
class DevScore:
    """Scores on a set labelled correct / incorrect / partly / unverifiable, per kind."""

    contradicted: int = 0
    false_accusations: list[str] = field(default_factory=list)
    kinds: dict[str, dict[str, int]] = field(default_factory=dict)
    correct: int = 0
    confirmed: int = 0
    misses: list[str] = field(default_factory=list)
    confirmations: list[str] = field(default_factory=list)
    missing_quotes: int = 0

    def kind(self, name: str) -> dict[str, int]:
        return self.kinds.setdefault(name, {"wrong": 0, "caught": 0, "false_confirm": 0})

    def add(self, report: dict, labels: list[dict], name: str) -> None:
        spans = located(report["text"], labels, locate_folded)
        self.missing_quotes += len(labels) - len(spans)
        claims = report["claims"]
        for c in claims:
            if c["verdict"] != "contradicted":
                continue
            self.contradicted += 1
            if not any(lab["label"] in ("incorrect", "partly") for w, lab in spans
                       if over(c, w)):
                self.false_accusations.append(
                    f"{name}: {c['text'][:80]!r} -> {c['correction']}")
        for w, lab in spans:
            verdicts = {c["verdict"] for c in claims if over(c, w)}
            if lab["label"] == "incorrect":
                row = self.kind(lab["kind"])
                row["wrong"] += 1
                if "contradicted" in verdicts:
                    row["caught"] += 1
                else:
                    self.misses.append(f"{name}: [{lab['kind']}] {lab['quote'][:90]!r}")
                    if "supported" in verdicts:
                        row["false_confirm"] += 1
                        self.confirmations.append(
                            f"{name}: [{lab['kind']}] {lab['quote'][:90]!r} ({lab['truth']})")
            elif lab["label"] == "correct":
                self.correct += 1
                self.confirmed += "supported" in verdicts

    def totals(self) -> dict[str, float]:
        wrong = sum(r["wrong"] for r in self.kinds.values())
        caught = sum(r["caught"] for r in self.kinds.values())
        fa = len(self.false_accusations)
        return {
            "precision": 1 - fa / self.contradicted if self.contradicted else 1.0,
            "recall": caught / wrong if wrong else 1.0,
            "false_accusations": fa,
            "false_confirmations": sum(r["false_confirm"] for r in self.kinds.values()),
            "confirmed": self.confirmed / self.correct if self.correct else 0.0,
            "wrong": wrong, "caught": caught, "contradicted": self.contradicted,
        }

    def lines(self) -> list[str]:
        t = self.totals()
        out = [f"  precision {t['precision']:.3f} "
               f"({t['contradicted'] - t['false_accusations']}/{t['contradicted']})  "
               f"recall {t['recall']:.3f} ({t['caught']}/{t['wrong']})  "
               f"false accusations {t['false_accusations']}  "
               f"false confirmations {t['false_confirmations']}  "
               f"correct confirmed {t['confirmed']:.3f} ({self.confirmed}/{self.correct})",
               "  | kind | wrong | caught | recall | falsely ✓ |",
               "  |---|---:|---:|---:|---:|"]
        for kind, r in sorted(self.kinds.items(), key=lambda kv: -kv[1]["wrong"]):
            rec = r["caught"] / r["wrong"] if r["wrong"] else 1.0
            out.append(f"  | {kind} | {r['wrong']} | {r['caught']} | {rec:.2f} | "
                       f"{r['false_confirm']} |")
        if self.missing_quotes:
            out.append(f"  ({self.missing_quotes} labelled quotes not found in the text)")
        return out


def score_dev(limit: int | None = None) -> DevScore:
    """Mark every claims-dev essay and score it (the caller checks DEV exists)."""
    import json

    score = DevScore()
    for path in sorted((DEV / "labels").glob("*.json"))[:limit]:
        labels = json.loads(path.read_text(encoding="utf-8"))
        report = mark_file(str(DEV / "essays" / f"{labels['essay']}.txt")).to_dict()
        score.add(report, labels["claims"], labels["essay"])
    return score


@dataclass
class Score:
    contradicted: int = 0
    hits: int = 0
    wrong: int = 0
    caught: int = 0
    false_confirm: int = 0
    correct: int = 0
    confirmed: int = 0
    flagged_correct: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    confirmations: list[str] = field(default_factory=list)

    def add(self, report: dict, labels: list[dict], name: str) -> None:
        spans = located(report["text"], labels, locate)
        for lab in labels:
            if not any(lab is found for _, found in spans):
                print(f"  {name}: quote not found: {lab['quote'][:60]!r}", file=sys.stderr)
        claims = report["claims"]
        for c in claims:
            if c["verdict"] != "contradicted":
                continue
            self.contradicted += 1
            on = [lab for w, lab in spans if over(c, w)]
            if any(lab["label"] == "wrong" for lab in on):
                self.hits += 1
            else:
                self.false_alarms.append(f"{name}: {c['text'][:70]!r} -> {c['correction']}")
        for w, lab in spans:
            verdicts = {c["verdict"] for c in claims if over(c, w)}
            if lab["label"] == "wrong":
                self.wrong += 1
                if "contradicted" in verdicts:
                    self.caught += 1
                else:
                    self.misses.append(f"{name}: [{lab['kind']}] {lab['quote'][:80]!r}")
                    if "supported" in verdicts:
                        self.false_confirm += 1
                        self.confirmations.append(f"{name}: {lab['quote'][:80]!r}")
            else:
                self.correct += 1
                if "supported" in verdicts and "contradicted" not in verdicts:
                    self.confirmed += 1
                wrong_spans = [v for v, lab2 in spans if lab2["label"] == "wrong"]
                if any(c["verdict"] == "contradicted" and over(c, w)
                       and not any(over(c, v) for v in wrong_spans) for c in claims):
                    self.flagged_correct += 1

    def line(self) -> str:
        p = self.hits / self.contradicted if self.contradicted else 1.0
        r = self.caught / self.wrong if self.wrong else 1.0
        c = self.confirmed / self.correct if self.correct else 0.0
        return (f"precision {p:.3f} ({self.hits}/{self.contradicted})  "
                f"recall {r:.3f} ({self.caught}/{self.wrong})  "
                f"false confirmations {self.false_confirm}  "
                f"correct confirmed {c:.3f} ({self.confirmed}/{self.correct})  "
                f"correct flagged {self.flagged_correct}")


def seed_labels() -> list[dict]:
    """The seed audit's claims as labels: quote, and wrong/correct (opinions and partly
    correct claims are left out: flagging the wrong detail of a partly correct claim is
    allowed, and opinions must merely not be called wrong)."""
    out = []
    for m in re.finditer(r"\*\*C(\d+)\.\*\*\s*(.+?)\n- LABEL: (\*\*)?(\w[\w -]*)",
                         SEED_CLAIMS.read_text(encoding="utf-8")):
        quotes = re.findall(r"[\"“]([^\"”]{6,})[\"”]", m.group(2))
        label = m.group(4).strip()
        if not quotes or label not in ("correct", "incorrect"):
            continue
        q = quotes[0].strip(". ").replace("...", "").replace("[Brest-Litovsk] ", "").strip()
        if m.group(1) == "53":
            # The implied timing of C52's replacement: the audit quotes the paragraph's
            # opening words, but the claim is the replacement sentence itself.
            q = "Litvinov was replaced by V. Molotov"
        out.append({"quote": q, "label": "wrong" if label == "incorrect" else "correct",
                    "kind": f"C{m.group(1)}"})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="two essays only (CI)")
    ap.add_argument("--verbose", action="store_true", help="list misses and false alarms")
    ap.add_argument("--seed", action="store_true", help="also score the shared seed essay")
    ap.add_argument("--dev-only", action="store_true", help="score only ../shared/claims-dev")
    args = ap.parse_args()
    if not args.dev_only:
        main_set(args)
    if DEV.exists():
        t0 = time.perf_counter()
        dev = score_dev(2 if args.smoke else None)
        print(f"claims-dev (../shared, written apart from the project), "
              f"{time.perf_counter() - t0:.1f}s:")
        print("\n".join(dev.lines()))
        if args.verbose:
            for title, rows in (("missed", dev.misses),
                                ("false accusations", dev.false_accusations),
                                ("false confirmations", dev.confirmations)):
                print(f"  {title}:")
                for row in rows:
                    print(f"    {row}")
    else:
        print("claims-dev: ../shared/claims-dev is absent; skipped")
    return 0


def main_set(args: argparse.Namespace) -> None:
    labels = yaml.safe_load((ESSAYS / "labels.yaml").read_text(encoding="utf-8"))
    essays = labels["essays"][:2] if args.smoke else labels["essays"]
    score = Score()
    t0 = time.perf_counter()
    for essay in essays:
        report = mark_file(str(ESSAYS / essay["file"])).to_dict()
        score.add(report, essay["claims"], essay["file"])
    elapsed = time.perf_counter() - t0
    print(f"labelled set: {len(essays)} essays, {score.wrong + score.correct} claims "
          f"({score.wrong} wrong), {elapsed:.1f}s")
    print("  " + score.line())
    if args.verbose:
        for title, rows in (("missed", score.misses), ("false alarms", score.false_alarms),
                            ("false confirmations", score.confirmations)):
            print(f"  {title}:")
            for row in rows:
                print(f"    {row}")
    if args.seed and SEED.exists():
        seed = Score()
        seed.add(mark_file(str(SEED)).to_dict(), seed_labels(), "seed")
        print("seed essay (../shared):")
        print("  " + seed.line())
        if args.verbose:
            for row in seed.misses + seed.false_alarms:
                print(f"    {row}")


if __name__ == "__main__":
    raise SystemExit(main())
