"""`marker batch` end to end: a Moodle and a Canvas export made here from the project's own
essays (a .docx, a .pdf, an .odt, online text, two students of the same name, a student with
several files, a broken file, an empty folder, a near copy), every output file, re-runs,
teacher overrides, kill -9 and resume, and every bad input.

The Moodle class is marked once per module (--jobs 1); the other runs reuse its output or
mark a handful of essays, so the whole file stays well under a minute.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, check_report, interrupt_marker, marker_env
from filemakers import make_docx, make_odt, make_pdf

from marker import __version__
from marker.batch import BatchOptions, run_batch
from marker.cli import main

DATA = ROOT / "tests" / "data"
ENTRY_KEYS = ["key", "name", "id", "source", "chosen_reason", "input_sha256", "status", "error",
              "outputs", "report_sha256", "outputs_sha256", "total"]
MARKED = ["ali-khan_1003", "copy-cat_1007", "jane-smith_1001", "jane-smith_1002",
          "sam-lee_1008", "zoe-nunez_1004"]
FAILED = ["broken-doc_1005", "no-file_1006"]


def paragraphs(name: str) -> list[str]:
    return [p.strip() for p in (DATA / name).read_text(encoding="utf-8").split("\n\n")
            if p.strip()]


def batch(*args: str) -> Result:
    return CliRunner().invoke(main, ["batch", *args])


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def pack(path: Path, members: dict[str, bytes | None],
         dates: dict[str, tuple[int, ...]] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(dates or {}).get(name, (2024, 3, 1, 9, 0, 0)))
            if data is None:
                info.external_attr = (0o40755 << 16) | 0x10
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data or b"")
    return path


def html_page(paras: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return f"<!DOCTYPE html><html><body>{body}</body></html>".encode()


@pytest.fixture(scope="module")
def docx_essay(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("docs")
    return make_docx(folder / "e.docx", paragraphs("essays/10-weak-survival.txt")).read_bytes()


@pytest.fixture(scope="module")
def moodle(tmp_path_factory: pytest.TempPathFactory, docx_essay: bytes) -> dict[str, Path]:
    """A Moodle "download all submissions" zip and the grading worksheet that goes with it."""
    folder = tmp_path_factory.mktemp("moodle")
    pdf = make_pdf(folder / "e.pdf", paragraphs("essays/11-veryweak-survival.txt")).read_bytes()
    odt = make_odt(folder / "e.odt", paragraphs("linking/08-recognition.txt")).read_bytes()
    copy = "\n\n".join(paragraphs("essays/10-weak-survival.txt")).replace(
        "Soviet Union", "USSR").replace(" very ", " ").encode("utf-8")
    zoe = "Zoë Ñúñez_1004_assignsubmission_file_/"
    members = {
        "Jane Smith_1001_assignsubmission_file_/essay.docx": docx_essay,
        "Jane Smith_1002_assignsubmission_file_/essay.pdf": pdf,
        "Ali Khan_1003_assignsubmission_onlinetext_/onlinetext.html":
            html_page(paragraphs("linking/04-pact.txt")),
        zoe + "draft.txt": (DATA / "linking/06-barbarossa.txt").read_bytes(),
        zoe + "final.txt": (DATA / "linking/03-collective-security.txt").read_bytes(),
        zoe + "photo.png": b"\x89PNG\r\n\x1a\n" + bytes(100),
        "Broken Doc_1005_assignsubmission_file_/essay.docx": b"this is not a Word document",
        "No File_1006_assignsubmission_file_/": None,
        "Copy Cat_1007_assignsubmission_file_/my essay.txt": copy,
        "Sam Lee_1008_assignsubmission_file_/essay.odt": odt,
    }
    dates = {zoe + "draft.txt": (2024, 2, 1, 9, 0, 0), zoe + "photo.png": (2024, 4, 1, 9, 0, 0)}
    sheet = folder / "worksheet.csv"
    rows = ["Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
            "Last modified (submission),Last modified (grade),Feedback comments"]
    for number, name in [(1001, "Jane Smith"), (1002, "Jane Smith"), (1003, "Ali Khan"),
                         (1004, "Zoë Ñúñez"), (1005, "Broken Doc"), (1006, "No File"),
                         (1007, "Copy Cat"), (1008, "Sam Lee"), (1099, "Left The Class")]:
        rows.append(f'Participant {number},{name},s{number}@example.org,"Submitted for '
                    f'grading",,100.00,Yes,"Friday, 1 March 2024, 9:00 AM",-,')
    sheet.write_bytes(("\ufeff" + "\r\n".join(rows) + "\r\n").encode("utf-8"))
    return {"zip": pack(folder / "History 9B-Essay.zip", members, dates), "sheet": sheet}


@pytest.fixture(scope="module")
def marked(topic, moodle: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
           ) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("marked") / "out"
    result = batch(str(moodle["zip"]), "-o", str(out), "--jobs", "1",
                   "--moodle-worksheet", str(moodle["sheet"]))
    return out, result


def manifest(out: Path) -> dict[str, Any]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def rows_of(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


# --- the class marked once -----------------------------------------------------------------


def test_exit_status_and_messages(marked: tuple[Path, Result]) -> None:
    out, result = marked
    assert result.exit_code == 3, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert "marker: not marked: no-file_1006: no submission file" in lines
    broken = [x for x in lines if x.startswith("marker: not marked: broken-doc_1005: ")]
    assert broken and "essay.docx" in broken[0] and "Traceback" not in result.stderr
    assert lines[-1] == (f"8 students: 6 marked, 0 unchanged, 2 not marked; see "
                         f"{out / 'summary.html'}")
    assert "marking 7/7 · " in result.stderr  # the last progress line (6 marked, 1 broken)
    assert result.stdout == ""


def test_manifest_and_reports(marked: tuple[Path, Result], moodle: dict[str, Path]) -> None:
    out, _ = marked
    data = manifest(out)
    assert list(data) == ["schema", "marker_version", "topic_sha256", "rubric_sha256", "students"]
    assert data["schema"] == "marker.batch/1" and data["marker_version"] == __version__
    students = data["students"]
    assert [s["key"] for s in students] == sorted(MARKED + FAILED)
    label = moodle["zip"].name
    for s in students:
        assert list(s) == ENTRY_KEYS
        if s["status"] == "failed":
            assert s["outputs"] is None and s["report_sha256"] is None and s["total"] is None
            assert s["outputs_sha256"] is None
            continue
        assert s["error"] is None
        assert s["outputs"] == {k: f"reports/{s['key']}.{ext}" for k, ext in
                                (("html", "html"), ("json", "json"), ("text", "txt"))}
        html = (out / s["outputs"]["html"]).read_bytes()
        assert hashlib.sha256(html).hexdigest() == s["report_sha256"]
        assert s["outputs_sha256"] == {k: hashlib.sha256((out / v).read_bytes()).hexdigest()
                                       for k, v in s["outputs"].items()}
        report = json.loads((out / s["outputs"]["json"]).read_text(encoding="utf-8"))
        check_report(report)
        # Each report is the student's own: never another student's under their name.
        assert report["input"]["path"] == s["source"] and s["source"].startswith(label + "!")
        assert (report["input"]["student"], report["input"]["student_id"]) == (s["name"], s["id"])
        assert report["input"]["sha256"] == s["input_sha256"]
        assert s["total"] == report["total"] and isinstance(s["total"]["mark"], int)
        assert s["name"] in (out / s["outputs"]["text"]).read_text(encoding="utf-8")
        assert s["name"].encode() in html
    by_key = {s["key"]: s for s in students}
    assert by_key["no-file_1006"]["error"] == "no submission file"
    assert by_key["no-file_1006"]["source"] is None
    assert "not a valid .docx file" in by_key["broken-doc_1005"]["error"]
    assert by_key["zoe-nunez_1004"]["source"].endswith("/final.txt")
    assert by_key["zoe-nunez_1004"]["chosen_reason"] == (
        "the newest of 2 text documents (also handed in: draft.txt; photo.png)")
    assert {by_key[k]["name"] for k in ("jane-smith_1001", "jane-smith_1002")} == {"Jane Smith"}
    assert by_key["jane-smith_1001"]["input_sha256"] != by_key["jane-smith_1002"]["input_sha256"]
    reports = sorted(p.name for p in (out / "reports").iterdir())
    assert reports == sorted(f"{k}.{ext}" for k in MARKED for ext in ("html", "json", "txt"))


def test_summary(marked: tuple[Path, Result]) -> None:
    out, _ = marked
    html = (out / "summary.html").read_text(encoding="utf-8")
    for words in ("Class summary", "Mark distribution", "By criterion", "Most common factual "
                  "errors", "Key content most often missing", "Very similar submissions",
                  "Not marked", "no submission file", "Students who handed in several files",
                  'href="reports/zoe-nunez_1004.html"', "Zoë Ñúñez", "8 students · 6 marked"):
        assert words in html, words
    similar = html[html.index("Very similar submissions"):html.index("Students who handed")]
    assert "Copy Cat" in similar and "Jane Smith" in similar and "(1001)" in similar
    assert "(1002)" not in similar
    assert "<script" not in html and str(out) not in html
    assert 'style="' in html  # styles inlined, as in the reports


def test_grades_errors_and_overrides_template(marked: tuple[Path, Result]) -> None:
    out, _ = marked
    grades = rows_of(out / "grades.csv")
    assert grades[0][:2] == ["student", "id"] and grades[0][-2:] == ["total", "feedback"]
    assert (out / "grades.csv").read_bytes().startswith(b"\xef\xbb\xbfstudent,id,")
    by_id = {row[1]: row for row in grades[1:]}
    totals = {s["id"]: s["total"] for s in manifest(out)["students"]}
    for number in ("1001", "1002", "1003", "1004", "1007", "1008"):
        row = by_id[number]
        assert int(row[-2]) == totals[number]["mark"]
        assert sum(int(x) for x in row[2:-2]) == int(row[-2])
    assert by_id["1006"][2:] == [""] * (len(grades[0]) - 3) + ["Not marked: no submission file"]
    errors = rows_of(out / "errors.csv")
    assert errors[0] == ["file", "student", "reason"]
    assert [r[1] for r in errors[1:]] == ["Broken Doc (1005)", "No File (1006)"]
    assert errors[1][0].endswith("Broken Doc_1005_assignsubmission_file_/essay.docx")
    assert (out / "overrides.csv").read_text() == "student,criterion,mark,comment\n"


def test_moodle_worksheet_and_feedback_files(marked: tuple[Path, Result],
                                             moodle: dict[str, Path]) -> None:
    out, _ = marked
    totals = {s["id"]: s["total"] for s in manifest(out)["students"]}
    original = rows_of(moodle["sheet"])
    filled = rows_of(out / "moodle_grading_worksheet.csv")
    assert (out / "moodle_grading_worksheet.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(filled) == len(original) and filled[0] == original[0]
    for before, after in zip(original[1:], filled[1:], strict=True):
        number = before[0].split()[-1]
        total = totals.get(number)
        if total is None:  # not marked, or not in the class: the row is as it was
            assert after == before
            continue
        assert after[4] == f"{total['mark'] * 100 / total['max']:.2f}"
        assert after[9].startswith(f'<div class="marker-feedback"><p>Mark {total["mark"]}/'
                                   f'{total["max"]}.</p>')
        assert after[:4] + after[5:9] == before[:4] + before[5:9]
    with zipfile.ZipFile(out / "moodle_feedback_files.zip") as archive:
        names = archive.namelist()
        assert "Zoë Ñúñez_1004_assignsubmission_file_/feedback.html" in names
        assert len(names) == 6 and all(n.endswith("_assignsubmission_file_/feedback.html")
                                       for n in names)
        page = archive.read("Jane Smith_1002_assignsubmission_file_/feedback.html")
        assert page == (out / "reports" / "jane-smith_1002.html").read_bytes()
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert not (out / "canvas_grades.csv").exists()


# --- running again -----------------------------------------------------------------------


def test_rerun_marks_nothing_and_changes_no_byte(marked: tuple[Path, Result],
                                                 moodle: dict[str, Path], tmp_path: Path) -> None:
    out, _ = marked
    again = tmp_path / "again"
    shutil.copytree(out, again)
    result = batch(str(moodle["zip"]), "-o", str(again), "-q", "--moodle-worksheet",
                   str(moodle["sheet"]))
    assert result.exit_code == 3
    assert "8 students: 0 marked, 6 unchanged, 2 not marked" in result.stderr
    assert "marking" not in result.stderr  # -q: no progress line
    assert files_of(again) == files_of(out)


def test_teacher_overrides_survive_reruns(marked: tuple[Path, Result], moodle: dict[str, Path],
                                          tmp_path: Path) -> None:
    out, _ = marked
    work = tmp_path / "work"
    shutil.copytree(out, work)
    before = json.loads((out / "reports/jane-smith_1002.json").read_text(encoding="utf-8"))
    crit = before["criteria"][0]
    new_mark = 0 if crit["mark"] else crit["max"]
    (work / "overrides.csv").write_text(
        "student,criterion,mark,comment\n"
        f"jane-smith_1002,{crit['id']},{new_mark},Dates need checking throughout.\n"
        f"Jane Smith,{crit['id']},1,\n"
        f"no-file_1006,{crit['id']},1,\n"
        f"jane-smith_1002,{crit['id']},99,\n", encoding="utf-8")
    result = batch(str(moodle["zip"]), "-o", str(work), "-q")
    assert "0 marked, 6 unchanged" in result.stderr
    assert ("marker: not applied: overrides.csv:3: 2 students match 'Jane Smith'; write the key "
            "instead (jane-smith_1001 or jane-smith_1002)") in result.stderr
    assert "overrides.csv:4: no-file_1006 was not marked" in result.stderr
    assert f"overrides.csv:5: mark '99' for {crit['id']} is not a whole number" in result.stderr
    after = json.loads((work / "reports/jane-smith_1002.json").read_text(encoding="utf-8"))
    changed = after["criteria"][0]
    assert changed["mark"] == new_mark and changed["marker_mark"] == crit["mark"]
    assert changed["teacher_mark"] is True
    assert changed["teacher_comment"] == "Dates need checking throughout."
    assert changed["reasons"][0] == "Teacher's comment: Dates need checking throughout."
    assert after["total"]["mark"] == before["total"]["mark"] - crit["mark"] + new_mark
    assert "teacher&#39;s mark" in (work / "reports/jane-smith_1002.html").read_text() or \
        "teacher's mark" in (work / "reports/jane-smith_1002.html").read_text()
    assert "(teacher's mark)" in (work / "reports/jane-smith_1002.txt").read_text()
    entry = next(s for s in manifest(work)["students"] if s["key"] == "jane-smith_1002")
    assert entry["total"] == after["total"]
    grades = {r[1]: r for r in rows_of(work / "grades.csv")}
    assert grades["1002"][-2] == str(after["total"]["mark"])
    errors = rows_of(work / "errors.csv")
    assert ["overrides.csv:3", "", "2 students match 'Jane Smith'; write the key instead "
            "(jane-smith_1001 or jane-smith_1002)"] in errors
    assert "Not applied" in (work / "summary.html").read_text()
    # The other students' files are untouched; taking the override out restores every byte.
    assert (work / "reports/jane-smith_1001.html").read_bytes() == \
        (out / "reports/jane-smith_1001.html").read_bytes()
    (work / "overrides.csv").write_bytes((out / "overrides.csv").read_bytes())
    result = batch(str(moodle["zip"]), "-o", str(work), "-q", "--moodle-worksheet",
                   str(moodle["sheet"]))
    assert "0 marked, 6 unchanged" in result.stderr
    assert files_of(work) == files_of(out)


def test_kill_and_resume_gives_the_same_bytes(marked: tuple[Path, Result],
                                              moodle: dict[str, Path], tmp_path: Path) -> None:
    out, _ = marked
    killed = tmp_path / "killed"
    env = marker_env()
    args = [str(moodle["zip"]), "-o", str(killed), "--jobs", "1", "-q",
            "--moodle-worksheet", str(moodle["sheet"])]
    process = subprocess.Popen([sys.executable, "-m", "marker", "batch", *args], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    written: list[Path] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            # Reports appear one by one (the manifest is rewritten at most twice a second).
            written = list((killed / "reports").glob("*.json"))
            if len(written) >= 2:
                break
            time.sleep(0.01)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert 2 <= len(written) < len(MARKED), "killed while marking"
    assert not (killed / "summary.html").exists()
    try:
        done = [s["key"] for s in manifest(killed)["students"] if s["status"] == "ok"]
    except (OSError, ValueError):
        done = []
    result = batch(*args)
    assert result.exit_code == 3
    resumed = int(result.stderr.split(" unchanged")[0].rsplit(", ", 1)[1])
    assert resumed >= len(done)
    assert not list(killed.rglob("*.tmp")), "no temporary file is left behind"
    assert files_of(killed) == files_of(out)


def _children_of(pid: int) -> set[int]:
    found = set()
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.add(int(stat_file.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_kill_leaves_no_worker_processes_behind(moodle: dict[str, Path], tmp_path: Path) -> None:
    env = marker_env()
    process = subprocess.Popen([sys.executable, "-m", "marker", "batch", str(moodle["zip"]),
                                "-o", str(tmp_path / "out"), "--jobs", "2", "-q"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None and len(workers) < 2:
            workers |= _children_of(process.pid)
            time.sleep(0.01)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert len(workers) == 2, "the batch started two worker processes"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.05)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:  # never leave them behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not left, "no worker is left waiting forever"


def test_ctrl_c_with_worker_processes_is_one_line(moodle: dict[str, Path],
                                                  tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group: the batch says so in one line (no worker
    tracebacks), leaves no worker and no temporary file, and a re-run finishes the class."""
    out = tmp_path / "out"
    workers: set[int] = set()

    def marking(process: subprocess.Popen[bytes]) -> bool:
        workers.update(_children_of(process.pid))
        return len(workers) >= 2

    status, err = interrupt_marker(["batch", str(moodle["zip"]), "-o", str(out), "--jobs", "2",
                                    "-q"], marking)
    assert (status, err) == (130, "marker: interrupted\n")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)]
    assert not list(out.rglob("*.tmp"))
    assert batch(str(moodle["zip"]), "-o", str(out), "--jobs", "2", "-q").exit_code == 3


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="needs POSIX signals")
def test_a_worker_forked_during_ctrl_c_ignores_it_from_its_first_moment() -> None:
    """Ctrl-C that came while the workers were being forked used to raise inside a new
    worker, before its setup ignored it, and print the worker's traceback. A worker forked
    while the batch holds Ctrl-C back starts with it ignored (a pending one dropped) and
    no longer held back; the batch's own signal mask is as it was afterwards."""
    from marker.batch import _ctrl_c_held

    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    read, write = os.pipe()
    with _ctrl_c_held():
        pid = os.fork()
        if pid == 0:  # the "worker"
            ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            held = signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])
            os.kill(os.getpid(), signal.SIGINT)  # ignored: the worker carries on
            os.write(write, b"%d%d" % (ignored, held))
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    told = os.read(read, 2)
    os.close(read)
    os.close(write)
    assert (told, os.waitstatus_to_exitcode(status)) == (b"10", 0)
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == before


def test_a_worker_process_killed_mid_batch_costs_nothing(tmp_path: Path) -> None:
    """A worker killed (as the out-of-memory killer would): one line and exit 1, the
    reports written so far are kept, and a re-run ends with exactly an unbroken run's files."""
    import subprocess

    essays = tmp_path / "class"
    essays.mkdir()
    sources = sorted((DATA / "essays").glob("*.txt"))
    for i in range(20):
        shutil.copy(sources[i % len(sources)], essays / f"Student {i:02d}.txt")
    out = tmp_path / "out"
    args = [sys.executable, "-m", "marker", "batch", str(essays), "-o", str(out), "-j", "2",
            "-q"]
    process = subprocess.Popen(args, env=marker_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None and not (
                out.is_dir() and list(out.glob("reports/*.json"))):
            time.sleep(0.01)
        workers = _children_of(process.pid)
        assert workers, "the batch was marking in worker processes"
        os.kill(min(workers), signal.SIGKILL)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1
    assert err.decode() == ("marker: a marking process stopped unexpectedly (out of memory?); "
                            "run the same command again to go on from where it stopped, or "
                            "use --jobs 1\n")
    assert not list(out.rglob("*.tmp"))
    again = subprocess.run(args, env=marker_env(), capture_output=True, timeout=120)
    assert again.returncode == 0, again.stderr
    unbroken = run_batch(essays, tmp_path / "unbroken", BatchOptions(jobs=1))
    assert unbroken.exit_code == 0
    assert files_of(out) == files_of(tmp_path / "unbroken")


def test_a_damaged_report_is_marked_again(marked: tuple[Path, Result], moodle: dict[str, Path],
                                          tmp_path: Path) -> None:
    """Reports are not fsync'd one by one (the manifest is): one a power cut emptied, cut
    short or left stale fails its hash on the next run and is made again."""
    out, _ = marked
    again = tmp_path / "again"
    shutil.copytree(out, again)
    (again / "reports/ali-khan_1003.txt").write_bytes(b"")
    text = (again / "reports/sam-lee_1008.json").read_bytes()
    (again / "reports/sam-lee_1008.json").write_bytes(text.replace(b'"total"', b'"totl"', 1))
    html = again / "reports/zoe-nunez_1004.html"
    html.write_bytes(html.read_bytes()[:1000])
    result = batch(str(moodle["zip"]), "-o", str(again), "-q", "--moodle-worksheet",
                   str(moodle["sheet"]))
    assert "8 students: 3 marked, 3 unchanged, 2 not marked" in result.stderr
    assert files_of(again) == files_of(out)


def test_changed_essay_is_marked_again_and_removed_ones_cleaned(topic, tmp_path: Path) -> None:
    essays = tmp_path / "class"
    essays.mkdir()
    shutil.copy(DATA / "essays/11-veryweak-survival.txt", essays / "Amy Brown.txt")
    shutil.copy(DATA / "linking/06-barbarossa.txt", essays / "Ben Hall.txt")
    out = essays / "marked"  # inside the class folder: never read as a submission
    result = run_batch(essays, out, BatchOptions(jobs=1))
    assert (result.marked, result.reused, result.exit_code) == (2, 0, 0)
    with (essays / "Ben Hall.txt").open("a", encoding="utf-8") as fh:
        fh.write("\n\nThe Nazi-Soviet Pact was signed in August 1939.\n")
    result = run_batch(essays, out, BatchOptions(jobs=1))
    assert (result.marked, result.reused) == (1, 1)
    report = json.loads((out / "reports/ben-hall.json").read_text(encoding="utf-8"))
    assert "signed in August 1939" in report["text"]
    assert report["input"]["path"] == "class/Ben Hall.txt"
    (essays / "Ben Hall.txt").unlink()
    result = run_batch(essays, out, BatchOptions(jobs=1, force=True))
    assert (result.marked, result.reused, result.students) == (1, 0, 1)
    assert sorted(p.name for p in (out / "reports").iterdir()) == [
        "amy-brown.html", "amy-brown.json", "amy-brown.txt"]
    assert [s["key"] for s in manifest(out)["students"]] == ["amy-brown"]


def test_one_and_two_processes_give_the_same_bytes(topic, tmp_path: Path) -> None:
    """Determinism across --jobs: every output file is byte-identical."""
    essays = tmp_path / "class"
    essays.mkdir()
    for name, src in (("Amy Brown", "essays/11-veryweak-survival.txt"),
                      ("Ben Hall", "linking/06-barbarossa.txt"),
                      ("Cara Diaz", "essays/10-weak-survival.txt")):
        shutil.copy(DATA / src, essays / f"{name}.txt")
    one, two = tmp_path / "one", tmp_path / "two"
    run_batch(essays, one, BatchOptions(jobs=1))
    run_batch(essays, two, BatchOptions(jobs=2))
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    for f in files:
        assert (one / f).read_bytes() == (two / f).read_bytes(), f


@pytest.mark.parametrize("jobs", [1, 2])  # marked here, or in (forked) worker processes
def test_a_pathologically_slow_essay_is_failed_and_the_batch_goes_on(
        topic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    import marker.batch as batch
    import marker.worker as worker

    essays = tmp_path / "class"
    essays.mkdir()
    shutil.copy(DATA / "essays/11-veryweak-survival.txt", essays / "Amy Brown.txt")
    shutil.copy(DATA / "linking/06-barbarossa.txt", essays / "Ben Hall.txt")
    real = batch.report_dict

    def slow_for_ben(sub, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "Ben Hall" in sub.path:
            time.sleep(5)
        return real(sub, *args, **kwargs)

    monkeypatch.setattr(batch, "report_dict", slow_for_ben)  # marked in this process
    monkeypatch.setattr(worker, "report_dict", slow_for_ben)  # in worker processes
    started = time.monotonic()
    result = run_batch(essays, tmp_path / "out", BatchOptions(jobs=jobs, essay_seconds=0.5))
    assert time.monotonic() - started < 4.5
    assert result.exit_code == 3 and result.marked == 1
    failed = {e["key"]: e["error"] for e in result.failed}
    assert "took longer than 0.5 s" in failed["ben-hall"]


def test_canvas_export_with_two_processes(marked: tuple[Path, Result], docx_essay: bytes,
                                          tmp_path: Path) -> None:
    out, _ = marked
    zipped = pack(tmp_path / "submissions.zip", {
        "smithjane_LATE_2001_9001_essay.docx": docx_essay,
        "okaforade_2002_9002_essay.txt": (DATA / "linking/02-typos.txt").read_bytes(),
        "leeann_2003_text.html": html_page(paragraphs("essays/11-veryweak-survival.txt")),
        "kimbo_2004_9003_notes.png": b"\x89PNG\r\n\x1a\n" + bytes(50),
        "kimbo_2004_9004_essay.txt": (DATA / "linking/05-purges-winter-war.txt").read_bytes(),
    })
    canvas = tmp_path / "canvas"
    result = run_batch(zipped, canvas, BatchOptions(jobs=2, canvas_assignment="Essay 1 (4455)",
                                                    canvas_points=25))
    assert (result.marked, result.exit_code) == (4, 0)
    lines = (canvas / "canvas_grades.csv").read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["Student,ID,SIS User ID,SIS Login ID,Section,Essay 1 (4455)",
                         "    Points Possible,,,,,25"]
    totals = {s["id"]: s["total"]["mark"] for s in manifest(canvas)["students"]}
    assert lines[2:] == [f"kimbo,2004,,,,{totals['2004']}", f"leeann,2003,,,,{totals['2003']}",
                         f"okaforade,2002,,,,{totals['2002']}",
                         f"smithjane,2001,,,,{totals['2001']}"]
    assert not (canvas / "moodle_feedback_files.zip").exists()
    assert "· late" in (canvas / "summary.html").read_text(encoding="utf-8")
    # Two spaCy processes mark exactly as one: the same .docx as Jane Smith (1001) above.
    mine = json.loads((canvas / "reports/smithjane_2001.json").read_text(encoding="utf-8"))
    theirs = json.loads((out / "reports/jane-smith_1001.json").read_text(encoding="utf-8"))
    for key in ("text", "entities", "claims", "criteria", "total", "evidence", "feedback"):
        assert mine[key] == theirs[key], key


def test_mark_one_is_the_report_of_one_essay(marked: tuple[Path, Result]) -> None:
    from marker.batch import mark_one

    out, _ = marked
    text = (DATA / "linking/03-collective-security.txt").read_text(encoding="utf-8")
    data = mark_one(text, "soviet-foreign-policy-1917-1941", "analytic-25", student="Zoë Ñúñez",
                    student_id="1004")
    theirs = json.loads((out / "reports/zoe-nunez_1004.json").read_text(encoding="utf-8"))
    assert data["input"]["student"] == "Zoë Ñúñez" and data["input"]["path"] == "<text>"
    for key in ("text", "claims", "criteria", "total", "evidence", "feedback", "manifest"):
        assert data[key] == theirs[key], key


# --- bad input ---------------------------------------------------------------------------


def refused(result: Result, *words: str) -> str:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    message = result.stderr.strip()
    assert "\n" not in message and message.startswith("marker: "), message
    for w in words:
        assert w in message, message
    return message


def test_empty_folder(topic, tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / ".DS_Store").write_bytes(b"x")
    refused(batch(str(tmp_path / "class"), "-o", str(tmp_path / "out")),
            "class: no submissions found")
    assert not (tmp_path / "out").exists(), "nothing is written for bad input"


def test_a_class_of_one_letter_scripts_is_marked(topic, tmp_path: Path) -> None:
    """Scripts with no word of two letters have nothing to compare for near-duplicates;
    the class summary is still written (this once ended in a scikit-learn traceback)."""
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "alice.txt").write_text("a\n", encoding="utf-8")
    (tmp_path / "class" / "bob.txt").write_text("I\n", encoding="utf-8")
    result = batch(str(tmp_path / "class"), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "out" / "summary.html").exists()


def test_not_a_zip_and_zip_slip(topic, tmp_path: Path) -> None:
    fake = tmp_path / "class.zip"
    fake.write_bytes(b"%PDF-1.4 not a zip")
    refused(batch(str(fake), "-o", str(tmp_path / "out")), "neither a folder nor a zip")
    slip = pack(tmp_path / "slip.zip", {"ok.txt": b"An essay.", "../evil.txt": b"x"})
    refused(batch(str(slip), "-o", str(tmp_path / "out")), "'../evil.txt' points outside")
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "out").exists()


def test_outdir_that_cannot_be_written(topic, tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "a.txt").write_text("An essay about Stalin.")
    blocker = tmp_path / "file"
    blocker.write_text("I am a file")
    refused(batch(str(tmp_path / "class"), "-o", str(blocker)), "is a file, not a folder")
    refused(batch(str(tmp_path / "class"), "-o", str(blocker / "out")),
            "cannot write the reports there (Not a directory)")
    assert blocker.read_text() == "I am a file"


def test_outdir_without_write_permission(topic, tmp_path: Path) -> None:
    """A folder the user may not write to. Root ignores file modes, so as root the test
    uses sysfs, which refuses new folders even to root."""
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "a.txt").write_text("An essay about Stalin.")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    out = locked / "out" if os.geteuid() != 0 else Path("/sys/marker-test-out")
    try:
        try:
            out.mkdir()
        except OSError as exc:
            reason = exc.strerror  # what the system says, e.g. "Permission denied"
        else:  # pragma: no cover - a machine where nothing refuses this user
            out.rmdir()
            pytest.skip(f"{out.parent} lets this user create folders")
        refused(batch(str(tmp_path / "class"), "-o", str(out)),
                str(out), f"cannot write the reports there ({reason})")
        assert not out.exists()
    finally:
        locked.chmod(0o755)


def test_bad_worksheet_is_refused_before_marking(topic, tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "a.txt").write_text("An essay about Stalin.")
    sheet = tmp_path / "hoja.csv"
    sheet.write_text("Identificador,Nombre completo,Calificación,Comentarios\n"
                     "Participante 1,Ana,,\n", encoding="utf-8")
    refused(batch(str(tmp_path / "class"), "-o", str(tmp_path / "out"), "--moodle-worksheet",
                  str(sheet)), "another language")
    sheet.write_text("Identifier,Full name,Grade\n", encoding="utf-8")
    refused(batch(str(tmp_path / "class"), "-o", str(tmp_path / "out"), "--moodle-worksheet",
                  str(sheet)), "has no 'Last modified (grade)' column")
    assert not (tmp_path / "out").exists()


def test_broken_overrides_file_is_refused(topic, tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "a.txt").write_text("An essay about Stalin.")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "overrides.csv").write_text("who,what\nx,y\n")
    refused(batch(str(tmp_path / "class"), "-o", str(tmp_path / "out")),
            "overrides.csv: the first line must be the header student,criterion,mark,comment")


def test_batch_help(topic) -> None:
    result = CliRunner().invoke(main, ["batch", "--help"])
    assert result.exit_code == 0
    for option in ("--output", "--rubric", "--topic", "--jobs", "--quiet", "--force",
                   "--moodle-worksheet", "--keep-comments", "--canvas-assignment",
                   "--canvas-points", "--canvas-gradebook"):
        assert option in result.stdout


def test_mark_many_gives_each_essay_its_own_verdict() -> None:
    """The job of one Dask task: essays parsed together, each marked or refused alone, with
    the same report as marking it on its own."""
    from marker.batch import mark_one
    from marker.rubric import load_rubric
    from marker.topic import DEFAULT_TOPIC, load_topic
    from marker.worker import mark_many, report_files

    topic, rubric = load_topic(DEFAULT_TOPIC), load_rubric(None)
    good = (ROOT / "tests" / "data" / "essays" / "01-excellent-survival.txt").read_bytes()
    items = [(good, "a.txt", "Amy Brown", "1"), (b"", "empty.txt", "Bo Chen", "2"),
             (good, "c.txt", None, None)]
    results = mark_many(items, topic, rubric, render=True)
    assert [r.report is not None for r in results] == [True, False, True]
    assert results[1].error == "empty.txt: the file is empty"
    assert results[0].report == mark_one(good, topic, rubric, student="Amy Brown",
                                         student_id="1", name="a.txt")
    assert "student" not in results[2].report["input"]  # only batch runs with names add it
    assert results[0].files == report_files(results[0].report)
    assert results[0].files[1].startswith("<!DOCTYPE html>")


def test_loaded_objects_are_set_aside_while_marking_only(topic, tmp_path: Path) -> None:
    """gc.freeze for the batch (the collector stops walking the model and the topic), and
    the process left as it was; a program that froze objects itself keeps them frozen."""
    import gc

    essays = tmp_path / "class"
    essays.mkdir()
    shutil.copy(DATA / "essays/11-veryweak-survival.txt", essays / "Amy Brown.txt")
    seen: list[int] = []
    assert gc.get_freeze_count() == 0
    run_batch(essays, tmp_path / "out", BatchOptions(jobs=1),
              progress=lambda p: seen.append(gc.get_freeze_count()))
    assert seen and all(n > 0 for n in seen)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        run_batch(essays, tmp_path / "again", BatchOptions(jobs=1))
        assert 0 < gc.get_freeze_count() <= frozen  # not thawed, nothing added (some freed)
    finally:
        gc.unfreeze()
