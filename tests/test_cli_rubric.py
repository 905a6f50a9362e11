"""`marker rubric check`, `marker calibrate` and `marker mark --calibration` through the CLI."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner

from marker.cli import main

ROOT = Path(__file__).resolve().parents[1]
ESSAYS = ROOT / "tests" / "data" / "essays"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_shipped_rubrics_validate() -> None:
    code, out, _ = run("rubric", "check")
    assert code == 0 and "analytic-25" in out and "holistic-25" in out


def test_broken_rubric_is_refused_with_a_located_message(tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / "rubrics" / "analytic-25.yaml").read_text(encoding="utf-8"))
    data["criteria"][0]["max"] = 9  # maxima no longer sum to the total
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, out, _ = run("rubric", "check", str(broken))
    assert code == 1
    assert "broken.yaml" in out and "Traceback" not in out
    code, _, err = run("mark", str(ESSAYS / "11-veryweak-survival.txt"), "--rubric", str(broken),
                       "-o", str(tmp_path / "r.json"), "--format", "json")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r.json").exists()


def test_calibrate_then_mark_moves_marks_toward_the_teacher(tmp_path: Path) -> None:
    """A teacher who is systematically harsher: after calibrating, marker's marks for an
    essay move toward that teacher's standard."""
    labels = yaml.safe_load((ESSAYS / "labels.yaml").read_text(encoding="utf-8"))
    essays = tmp_path / "essays"
    essays.mkdir()
    marks = tmp_path / "marks.csv"
    criteria = ["knowledge", "analysis", "evidence", "communication"]
    with marks.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", *criteria])
        for essay in labels["essays"]:
            shutil.copy(ESSAYS / essay["file"], essays / essay["file"])
            writer.writerow([essay["file"], *[max(0, essay["marks"][c] - 2) for c in criteria]])
    cal = tmp_path / "teacher.calibration.json"
    code, out, err = run("calibrate", str(marks), "--essays", str(essays), "-o", str(cal))
    assert code == 0, err
    assert cal.exists() and json.loads(cal.read_text(encoding="utf-8"))
    assert "agreement" in out

    essay = essays / "01-excellent-survival.txt"
    before_file, after_file = tmp_path / "before.json", tmp_path / "after.json"
    assert run("mark", str(essay), "--format", "json", "-o", str(before_file))[0] == 0
    assert run("mark", str(essay), "--format", "json", "-o", str(after_file),
               "--calibration", str(cal))[0] == 0
    before = json.loads(before_file.read_text(encoding="utf-8"))["total"]["mark"]
    after = json.loads(after_file.read_text(encoding="utf-8"))["total"]["mark"]
    teacher = sum(max(0, labels["essays"][0]["marks"][c] - 2) for c in criteria)
    assert abs(after - teacher) < abs(before - teacher)


def test_calibrate_refuses_bad_marks_files(tmp_path: Path) -> None:
    marks = tmp_path / "marks.csv"
    marks.write_text("file,knowledge\nnot-there.txt,3\n", encoding="utf-8")
    code, _, err = run("calibrate", str(marks), "--essays", str(tmp_path))
    assert code == 1
    assert "marks.csv" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
