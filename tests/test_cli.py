"""The command line, end to end: options, exit codes, every input format, every bad input,
where reports go and how they are written, the marker.report/1 JSON and determinism.

Almost everything runs in-process through CliRunner (the ``cli`` fixture, working
directory ``tmp_path``); only --version, one determinism check and the slow wheel test
start a real process.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import ROOT, VERDICTS, CliRun, check_report
from filemakers import make_docx, make_encrypted_pdf, make_odt, make_pdf, make_rtf, make_scanned_pdf

from marker import __version__

SEED = Path("/work/shared/samples/seed_essay.txt")
SAMPLE = ROOT / "examples" / "sample_essay.txt"

# A short essay whose text fits Windows-1252 (so every format and encoding can carry it).
PARAGRAPHS = [
    "Soviet foreign policy between 1917 and 1941 was shaped by the need to survive. Lenin "
    "accepted the Treaty of Brest-Litovsk in March 1918 because the army had collapsed, and "
    "the régime’s leaders saw the peace as a breathing space.",
    "In 1922 Chicherin signed the Treaty of Rapallo with Germany, which ended the isolation "
    "of Soviet Russia. Stalin later argued for “socialism in one country”, and it would be "
    "naïve to think that Trotsky’s idea of permanent revolution still guided diplomacy.",
    "In the 1930s Litvinov worked for collective security in the League of Nations, but "
    "after Munich Molotov replaced him and signed the Nazi-Soviet Pact in August 1939.",
]
ESSAY = "\n\n".join(PARAGRAPHS) + "\n"
FRENCH = (
    "La politique étrangère de l'Union soviétique entre 1917 et 1941 a été marquée par la "
    "volonté de survivre dans un monde hostile. Les dirigeants soviétiques ont cherché la paix "
    "avec l'Allemagne et ils ont signé le traité de Brest-Litovsk en 1918, puis le traité de "
    "Rapallo en 1922. Dans les années trente, Litvinov a défendu la sécurité collective."
)
GERMAN = (
    "Die sowjetische Außenpolitik zwischen 1917 und 1941 war von dem Willen geprägt, in einer "
    "feindlichen Welt zu überleben. Lenin schloss im März 1918 den Frieden von Brest-Litowsk, "
    "und die Sowjetunion unterzeichnete im Jahr 1922 den Vertrag von Rapallo mit dem Deutschen "
    "Reich. Im August 1939 folgte der Nichtangriffspakt mit Hitler."
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02" + bytes(64)


# --- helpers -------------------------------------------------------------------------


def ok(result: Result) -> Result:
    """The command must have exited 0 without an exception."""
    assert result.exception is None or (
        isinstance(result.exception, SystemExit) and result.exception.code == 0
    ), (result.exception, result.output)
    assert result.exit_code == 0, result.output
    return result


def files_in(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``, hidden temp files included, with its size and mtime."""
    found = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            found[key] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            found[key] = "dir"
        else:
            info = path.stat()
            found[key] = f"{info.st_size} bytes, mtime {info.st_mtime_ns}"
    return found


def refused(result: Result, name: str, *fragments: str) -> str:
    """Exit 1, one line on stderr naming the file and the problem, no traceback, no stdout."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # not a crash
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0], lines[0]
    for fragment in fragments:
        assert fragment.lower() in lines[0].lower(), lines[0]
    return lines[0]


def report_json(result: Result) -> dict[str, Any]:
    ok(result)
    data = json.loads(result.stdout)
    assert data["schema"] == "marker.report/1"
    return data


def kb_ids(data: dict[str, Any]) -> set[str]:
    return {e["kb_id"] for e in data["entities"] if e["kb_id"]}


# --- version, help, usage errors -----------------------------------------------------


def test_version(cli: CliRun) -> None:
    result = ok(cli("--version"))
    assert __version__ in result.stdout and "marker" in result.stdout


def test_python_dash_m_version(run_marker, tmp_path: Path) -> None:
    done = run_marker("--version", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().strip() == f"marker, version {__version__}"


def test_a_marking_process_ends_early_with_everything_written(run_marker, tmp_path: Path,
                                                             cli: CliRun) -> None:
    """mark and check end their process without tearing down the pipeline: what they
    wrote (a file, stdout, stderr) is whole, and a failure still ends the ordinary way."""
    essay = tmp_path / "essay.txt"
    shutil.copy(SAMPLE, essay)
    done = run_marker("mark", str(essay), "-f", "json", "-o", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    in_process = json.loads(ok(cli("mark", str(essay), "-f", "json", "-o", "-")).stdout)
    assert json.loads(done.stdout) == in_process
    done = run_marker("check", str(essay), "-o", "draft.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode().strip() == f"full report: {Path('draft.html')}"
    assert done.stdout.decode().rstrip().splitlines()  # the summary, whole
    assert (tmp_path / "draft.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    done = run_marker("mark", str(tmp_path / "missing.txt"), cwd=tmp_path)
    assert done.returncode == 1 and done.stderr.decode().startswith("marker: ")


@pytest.mark.parametrize("command", [[], ["mark"], ["topic"], ["topic", "check"]])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_on_every_command(cli: CliRun, command: list[str], flag: str) -> None:
    result = ok(cli(*command, flag))
    assert "Usage:" in result.stdout
    assert result.stderr == ""


def test_mark_help_lists_options(cli: CliRun) -> None:
    out = ok(cli("mark", "--help")).stdout
    for option in ("-o, --output", "--format", "html", "json", "text", "--topic", "--rubric",
                   "--force"):
        assert option in out, option


@pytest.mark.parametrize(
    "args",
    [
        ["mark", "--bogus", "essay.txt"],
        ["mark"],  # missing ESSAY
        ["mark", "essay.txt", "--format", "pdf"],
        ["mark", "essay.txt", "-o"],  # option without its value
        ["nosuchcommand"],
        ["--bogus"],
        ["topic", "check", "a", "b"],
    ],
)
def test_usage_errors_exit_2(cli: CliRun, tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "essay.txt").write_text(ESSAY, encoding="utf-8")
    before = files_in(tmp_path)
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "Error:" in result.stderr
    assert result.stdout == ""
    assert files_in(tmp_path) == before


# --- where the report goes -----------------------------------------------------------


@pytest.mark.parametrize(("fmt", "suffix"),
                         [(None, ".report.html"), ("html", ".report.html"),
                          ("json", ".report.json"), ("text", ".report.txt")])
def test_default_output_next_to_essay(cli: CliRun, tmp_path: Path, fmt: str | None,
                                      suffix: str) -> None:
    folder = tmp_path / "class 7B"
    folder.mkdir()
    essay = folder / "anna.txt"
    essay.write_text(ESSAY, encoding="utf-8")
    args = ["mark", str(essay)] + (["--format", fmt] if fmt else [])
    result = ok(cli(*args))
    report = folder / ("anna" + suffix)
    assert sorted(p.name for p in folder.iterdir()) == sorted(["anna.txt", report.name])
    assert essay.read_text(encoding="utf-8") == ESSAY
    assert result.stdout == ""
    assert str(report) in result.stderr
    content = report.read_text(encoding="utf-8")
    if fmt == "json":
        check_report(json.loads(content))
    elif fmt == "text":
        assert content.strip() and "<html" not in content.lower()
    else:
        assert "<html" in content.lower() and "</html>" in content.lower()
        assert "Litvinov" in content


def test_default_output_for_relative_path(cli: CliRun, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "essay.md").write_text(ESSAY, encoding="utf-8")
    ok(cli("mark", "sub/essay.md", "-f", "json"))
    assert json.loads((tmp_path / "sub" / "essay.report.json").read_text())["input"]["path"] \
        == "sub/essay.md"


def test_dash_o_dash_writes_stdout_only(cli: CliRun, tmp_path: Path) -> None:
    (tmp_path / "essay.txt").write_text(ESSAY, encoding="utf-8")
    before = files_in(tmp_path)
    for fmt in ("html", "json", "text"):
        result = ok(cli("mark", "essay.txt", "-o", "-", "--format", fmt))
        assert result.stdout.strip()
        assert result.stderr == ""
    assert files_in(tmp_path) == before


def test_explicit_output_path(cli: CliRun, tmp_path: Path) -> None:
    (tmp_path / "essay.txt").write_text(ESSAY, encoding="utf-8")
    (tmp_path / "out").mkdir()
    ok(cli("mark", "essay.txt", "--output", "out/r.json", "--format", "json"))
    check_report(json.loads((tmp_path / "out" / "r.json").read_text(encoding="utf-8")))
    assert sorted(os.listdir(tmp_path / "out")) == ["r.json"]


def test_report_file_gets_normal_permissions(cli: CliRun, tmp_path: Path) -> None:
    """Not the 0600 of a temp file: a report is shared like any file the user writes."""
    (tmp_path / "essay.txt").write_text(ESSAY, encoding="utf-8")
    umask = os.umask(0o022)
    os.umask(umask)
    ok(cli("mark", "essay.txt", "-f", "json"))
    mode = (tmp_path / "essay.report.json").stat().st_mode & 0o777
    assert mode == 0o666 & ~umask
    existing = tmp_path / "kept.json"
    existing.write_text("old")
    existing.chmod(0o640)
    ok(cli("mark", "essay.txt", "-o", "kept.json", "-f", "json"))
    assert existing.stat().st_mode & 0o777 == 0o640
    assert existing.read_text() != "old"


@pytest.mark.parametrize(("spelling", "named"),
                         [("essay.txt", "essay.txt"), ("./sub/../essay.txt", "essay.txt"),
                          ("{abs}", "essay.txt"), ("link.txt", "link.txt")])
def test_refuses_to_overwrite_the_essay(cli: CliRun, tmp_path: Path, spelling: str,
                                        named: str) -> None:
    essay = tmp_path / "essay.txt"
    essay.write_text(ESSAY, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.txt").symlink_to(essay)
    before = files_in(tmp_path)
    result = cli("mark", "essay.txt", "-o", spelling.format(abs=essay))
    refused(result, named, "overwrite")
    assert files_in(tmp_path) == before
    assert essay.read_text(encoding="utf-8") == ESSAY


def test_output_to_a_directory_is_refused(cli: CliRun, tmp_path: Path) -> None:
    (tmp_path / "essay.txt").write_text(ESSAY, encoding="utf-8")
    (tmp_path / "reports").mkdir()
    before = files_in(tmp_path)
    refused(cli("mark", "essay.txt", "-o", "reports"), "reports", "directory")
    assert files_in(tmp_path) == before


# --- atomic writes -------------------------------------------------------------------


def test_unwritable_output_leaves_nothing(cli: CliRun, tmp_path: Path) -> None:
    (tmp_path / "essay.txt").write_text(ESSAY, encoding="utf-8")
    (tmp_path / "afile").write_text("not a folder")
    before = files_in(tmp_path)
    for fmt in ("json", "html"):
        refused(cli("mark", "essay.txt", "-f", fmt, "-o", "afile/report"), "afile/report",
                "cannot write")
        refused(cli("mark", "essay.txt", "-f", fmt, "-o", "missing/report"), "missing/report",
                "cannot write")
    assert files_in(tmp_path) == before


def test_failed_rename_leaves_old_report_and_no_temp_file(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "essay.txt").write_text(ESSAY, encoding="utf-8")
    (tmp_path / "essay.report.json").write_text("previous report")
    before = files_in(tmp_path)

    def fail(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", fail)
    refused(cli("mark", "essay.txt", "-f", "json"), "essay.report.json", "cannot write",
            "no space")
    assert files_in(tmp_path) == before
    assert (tmp_path / "essay.report.json").read_text() == "previous report"


def test_interrupt_is_one_line_and_130(cli: CliRun, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import marker.pipeline

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(marker.pipeline, "mark_file", interrupted)
    (tmp_path / "essay.txt").write_text(ESSAY, encoding="utf-8")
    result = cli("mark", "essay.txt")
    assert result.exit_code == 130
    assert result.stderr.strip() == "marker: interrupted"
    assert sorted(os.listdir(tmp_path)) == ["essay.txt"]


# --- every input format --------------------------------------------------------------


def _html(path: Path) -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    path.write_text(f"<!DOCTYPE html><html><head><title>Homework</title><style>p{{}}</style>"
                    f"</head><body>{body}</body></html>", encoding="utf-8")


WRITERS = {
    "utf8.txt": lambda p: p.write_bytes(ESSAY.encode("utf-8")),
    "bom.txt": lambda p: p.write_bytes(b"\xef\xbb\xbf" + ESSAY.encode("utf-8")),
    "utf16.txt": lambda p: p.write_bytes(ESSAY.encode("utf-16")),  # with BOM
    "utf16le-nobom.txt": lambda p: p.write_bytes(ESSAY.encode("utf-16-le")),
    "windows.txt": lambda p: p.write_bytes(ESSAY.replace("\n", "\r\n").encode("cp1252")),
    "essay.md": lambda p: p.write_text(ESSAY, encoding="utf-8"),
    "essay.docx": lambda p: make_docx(p, PARAGRAPHS, header="Anna B. 7B", footer="Page 1"),
    "essay.pdf": lambda p: make_pdf(p, PARAGRAPHS),
    "essay.odt": lambda p: make_odt(p, PARAGRAPHS, header="Anna B. 7B"),
    "essay.rtf": lambda p: make_rtf(p, PARAGRAPHS, footer="Page 1"),
    "essay.html": _html,
    "essay.htm": _html,
    "essay.essay": lambda p: p.write_text(ESSAY, encoding="utf-8"),  # unknown: tried as text
    "noextension": lambda p: p.write_text(ESSAY, encoding="utf-8"),
}
FORMAT_OF = {"md": "md", "docx": "docx", "pdf": "pdf", "odt": "odt", "rtf": "rtf",
             "html": "html", "htm": "html"}


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_format_marks_end_to_end(cli: CliRun, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    WRITERS[name](path)
    data = report_json(cli("mark", name, "--format", "json", "-o", "-"))
    check_report(data)
    assert data["input"]["path"] == name
    assert data["input"]["format"] == FORMAT_OF.get(name.rpartition(".")[2], "txt")
    assert data["input"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    text = data["text"]
    for phrase in ("Treaty of Brest-Litovsk", "régime’s", "“socialism in one country”",
                   "naïve", "Nazi-Soviet Pact in August 1939."):
        assert phrase in text, (phrase, text)
    assert "Anna B." not in text and "Page 1" not in text and "Homework" not in text
    assert len(data["paragraphs"]) == 3
    assert kb_ids(data) >= {"lenin", "chicherin", "stalin", "trotsky", "litvinov", "molotov"}
    assert {c["verdict"] for c in data["claims"]} <= VERDICTS


def test_stdin_text(cli: CliRun, tmp_path: Path) -> None:
    data = report_json(cli("mark", "-", "--format", "json", input=ESSAY.encode("utf-8")))
    check_report(data)
    assert data["input"]["path"] == "-"
    assert data["input"]["format"] == "txt"
    assert data["input"]["sha256"] == hashlib.sha256(ESSAY.encode("utf-8")).hexdigest()
    assert "naïve" in data["text"]
    assert os.listdir(tmp_path) == []  # stdin without -o: stdout, no file


def test_stdin_detects_a_document_by_content(cli: CliRun, tmp_path: Path) -> None:
    docx_bytes = make_docx(tmp_path / "x.docx", PARAGRAPHS).read_bytes()
    data = report_json(cli("mark", "-", "-f", "json", "-o", "-", input=docx_bytes))
    assert data["input"]["format"] == "docx"
    assert "Treaty of Rapallo" in data["text"]


def test_stdin_to_a_file(cli: CliRun, tmp_path: Path) -> None:
    ok(cli("mark", "-", "-o", "r.txt", "--format", "text", input=ESSAY))
    assert (tmp_path / "r.txt").read_text(encoding="utf-8").strip()
    assert os.listdir(tmp_path) == ["r.txt"]


def test_report_is_utf8_whatever_the_stdout_encoding(topic, tmp_path: Path) -> None:
    """An ASCII (LC_ALL=C) or cp1252 console must not turn a report into a traceback."""
    from click.testing import CliRunner

    from marker.cli import main

    (tmp_path / "essay.txt").write_text(ESSAY + "\nJózef Piłsudski won at Warsaw in 1920.\n",
                                        encoding="utf-8")
    result = CliRunner(charset="ascii").invoke(
        main, ["mark", str(tmp_path / "essay.txt"), "-f", "json", "-o", "-"])
    assert result.exit_code == 0 and result.exception is None, result.exception
    assert "Piłsudski" in json.loads(result.stdout_bytes.decode("utf-8"))["text"]


# --- bad input -----------------------------------------------------------------------


def _big(path: Path) -> None:
    with path.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024 + 1)  # sparse: instant, no disk used


def _zip_not_word(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "holiday photos")


BAD = {
    "missing": ("missing.txt", None, ["not found"]),
    "directory": ("folder", lambda p: p.mkdir(), ["directory"]),
    "empty": ("empty.txt", lambda p: p.write_bytes(b""), ["empty"]),
    "whitespace": ("blank.txt", lambda p: p.write_text(" \n\t\n\r\n   \n"), ["no text"]),
    "png as txt": ("photo.txt", lambda p: p.write_bytes(PNG), ["binary", "PNG"]),
    "png as md": ("photo.md", lambda p: p.write_bytes(PNG), ["binary", "PNG"]),
    "docx not zip": ("essay.docx", lambda p: p.write_text("just some text"), [".docx"]),
    "docx zip not word": ("essay.docx", _zip_not_word, [".docx", "not"]),
    "docx truncated": ("essay.docx", lambda p: p.write_bytes(b"PK\x03\x04" + bytes(40)),
                       [".docx"]),
    "scanned pdf": ("scan.pdf", lambda p: make_scanned_pdf(p, pages=2), ["scanned"]),
    "encrypted pdf": ("locked.pdf", lambda p: make_encrypted_pdf(p, PARAGRAPHS), ["encrypted"]),
    "pdf not pdf": ("essay.pdf", lambda p: p.write_bytes(PNG), ["not a valid .pdf"]),
    "over 20 MB": ("huge.txt", _big, ["20 MB"]),
    "over 200,000 words": ("long.txt", lambda p: p.write_text("war " * 200_001), ["200,000"]),
    "french": ("essai.txt", lambda p: p.write_text(FRENCH, encoding="utf-8"),
               ["not look like English", "--force"]),
    "german": ("aufsatz.txt", lambda p: p.write_text(GERMAN, encoding="utf-8"),
               ["not look like English", "--force"]),
    "unknown binary": ("essay.pages", lambda p: p.write_bytes(bytes(range(256)) * 8),
                       ["unknown file type", ".pages"]),
    "old doc": ("essay.doc", lambda p: p.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)), [".docx"]),
}


@pytest.mark.parametrize("case", list(BAD))
@pytest.mark.parametrize("fmt", ["html", "json"])
def test_bad_input_is_refused_cleanly(cli: CliRun, tmp_path: Path, case: str, fmt: str) -> None:
    name, make, fragments = BAD[case]
    if make is not None:
        make(tmp_path / name)
    before = files_in(tmp_path)
    message = refused(cli("mark", name, "--format", fmt), name, *fragments)
    assert message.startswith(f"marker: {name}: ")
    assert files_in(tmp_path) == before  # no report, no temp file


def test_bad_stdin_is_refused(cli: CliRun, tmp_path: Path) -> None:
    refused(cli("mark", "-", input=b""), "<stdin>", "empty")
    refused(cli("mark", "-", input=PNG), "<stdin>", "binary")
    refused(cli("mark", "-", input=FRENCH), "<stdin>", "English")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("text", [FRENCH, GERMAN])
def test_force_marks_non_english(cli: CliRun, tmp_path: Path, text: str) -> None:
    (tmp_path / "essay.txt").write_text(text, encoding="utf-8")
    data = report_json(cli("mark", "essay.txt", "--force", "-f", "json", "-o", "-"))
    check_report(data)
    assert data["text"] == text


def test_bad_topic_is_refused(cli: CliRun, tmp_path: Path) -> None:
    (tmp_path / "essay.txt").write_text(ESSAY, encoding="utf-8")
    before = files_in(tmp_path)
    refused(cli("mark", "essay.txt", "--topic", "no-such-topic"), "no-such-topic", "topic")
    broken = tmp_path / "packs" / "mini-topic"
    shutil.copytree(ROOT / "tests" / "data" / "topics" / "mini-topic", broken)
    (broken / "knowledge.yaml").write_text("events: [unclosed\n", encoding="utf-8")
    before = files_in(tmp_path)
    refused(cli("mark", "essay.txt", "--topic", str(broken)), "knowledge.yaml")
    assert files_in(tmp_path) == before


def test_topic_by_id_and_by_path(cli: CliRun, tmp_path: Path, topic) -> None:
    (tmp_path / "essay.txt").write_text(ESSAY, encoding="utf-8")
    by_default = cli("mark", "essay.txt", "-f", "json", "-o", "-").stdout
    by_id = cli("mark", "essay.txt", "-f", "json", "-o", "-", "--topic", topic.id).stdout
    shipped = ROOT / "reference_essay" / topic.id
    by_path = cli("mark", "essay.txt", "-f", "json", "-o", "-", "--topic", str(shipped)).stdout
    assert json.loads(by_default)["topic"]["id"] == topic.id
    assert by_default == by_id == by_path


def test_rubric_by_name_and_by_path(cli: CliRun, tmp_path: Path) -> None:
    (tmp_path / "essay.txt").write_text(ESSAY, encoding="utf-8")
    (tmp_path / "mine").mkdir()
    shutil.copy(ROOT / "rubrics" / "holistic-25.yaml", tmp_path / "mine" / "holistic-25.yaml")
    digest = hashlib.sha256((ROOT / "rubrics" / "holistic-25.yaml").read_bytes()).hexdigest()
    by_name = report_json(cli("mark", "essay.txt", "-f", "json", "-o", "-",
                              "--rubric", "holistic-25"))
    by_path = report_json(cli("mark", "essay.txt", "-f", "json", "-o", "-",
                              "--rubric", "mine/holistic-25.yaml"))
    default = report_json(cli("mark", "essay.txt", "-f", "json", "-o", "-"))
    assert by_name["manifest"]["rubric"] == "holistic-25"
    assert by_name["manifest"]["rubric_sha256"] == by_path["manifest"]["rubric_sha256"] == digest
    assert by_name["criteria"] == by_path["criteria"]
    assert default["manifest"]["rubric_sha256"] != digest
    before = files_in(tmp_path)
    refused(cli("mark", "essay.txt", "--rubric", "no-such-rubric"), "no-such-rubric", "rubric")
    refused(cli("mark", "essay.txt", "--rubric", "essay.txt"), "essay.txt")
    assert files_in(tmp_path) == before


def test_topic_check(cli: CliRun, tmp_path: Path) -> None:
    result = ok(cli("topic", "check"))
    assert result.stdout.startswith("ok: ")
    broken = tmp_path / "packs" / "mini-topic"
    shutil.copytree(ROOT / "tests" / "data" / "topics" / "mini-topic", broken)
    (broken / "essay.md").unlink()
    result = cli("topic", "check", str(broken))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "essay.md" in result.stdout and "Traceback" not in result.output


# --- the JSON report -----------------------------------------------------------------


@pytest.fixture
def sample_json(cli: CliRun, tmp_path: Path) -> tuple[dict[str, Any], str]:
    shutil.copy(SAMPLE, tmp_path / "sample_essay.txt")
    result = ok(cli("mark", "sample_essay.txt", "--format", "json", "-o", "-"))
    return json.loads(result.stdout), result.stdout


def test_json_report_shape(sample_json: tuple[dict[str, Any], str]) -> None:
    data, raw = sample_json
    check_report(data)
    assert data["input"] == {
        "path": "sample_essay.txt",
        "sha256": hashlib.sha256(SAMPLE.read_bytes()).hexdigest(),
        "format": "txt",
        "words": data["input"]["words"],
    }
    assert data["entities"] and data["claims"]
    assert raw.endswith("}\n")


def test_bundled_sample_marks_to_html(cli: CliRun, tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "sample_essay.txt")
    result = ok(cli("mark", "sample_essay.txt"))
    report = tmp_path / "sample_essay.report.html"
    assert "sample_essay.report.html" in result.stderr
    html = report.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "</html>" in html.lower()
    assert "<script" not in html.lower()  # a self-contained, inert report


# --- determinism ---------------------------------------------------------------------


def test_same_essay_same_report_in_process(cli: CliRun, tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "sample_essay.txt")
    runs = [ok(cli("mark", "sample_essay.txt", "-f", "json", "-o", "-")).stdout_bytes
            for _ in range(2)]
    assert runs[0] == runs[1]
    pages = [ok(cli("mark", "sample_essay.txt", "-o", "-")).stdout.splitlines()
             for _ in range(2)]
    assert len(pages[0]) == len(pages[1])
    assert sum(a != b for a, b in zip(*pages, strict=True)) <= 1


def test_same_report_in_a_separate_process(cli: CliRun, run_marker, tmp_path: Path) -> None:
    """Byte-identical JSON from a fresh process, even on an ASCII-only console."""
    essay = tmp_path / "essay.txt"
    essay.write_text(SAMPLE.read_text(encoding="utf-8") + "\nJózef Piłsudski’s army won at "
                     "Warsaw in 1920.\n", encoding="utf-8")
    here = ok(cli("mark", str(essay), "--format", "json", "-o", "-")).stdout_bytes
    there = run_marker("mark", str(essay), "--format", "json", "-o", "-", cwd="/",
                       env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C"})
    assert there.returncode == 0, there.stderr.decode(errors="replace")
    assert there.stdout == here
    assert "Piłsudski" in json.loads(there.stdout.decode("utf-8"))["text"]
    assert sorted(os.listdir(tmp_path)) == ["essay.txt"]


# --- the seed essay ------------------------------------------------------------------


def test_seed_essay(cli: CliRun, tmp_path: Path) -> None:
    if not SEED.is_file():
        pytest.skip(f"{SEED} is not available")
    data = report_json(cli("mark", str(SEED), "--format", "json", "-o", "-"))
    check_report(data)
    assert len(data["paragraphs"]) == 5
    assert data["text"].count("\n\n") == 4
    assert kb_ids(data) >= {"lenin", "stalin", "trotsky", "chicherin", "litvinov", "molotov"}
    assert data["input"]["sha256"] == hashlib.sha256(SEED.read_bytes()).hexdigest()


# --- the installed package -----------------------------------------------------------


@pytest.mark.slow
def test_wheel_carries_its_data_and_works_from_anywhere(tmp_path: Path) -> None:
    """Build the wheel, check its data files, install it elsewhere and mark from ``/``."""
    command = [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q",
               "-w", str(tmp_path / "wheel")]
    try:
        import hatchling  # noqa: F401

        command.append("--no-build-isolation")  # offline: use the installed backend
    except ImportError:
        pass
    subprocess.run(command, check=True, timeout=300, capture_output=True)
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert any(re.fullmatch(r"marker/_data/reference_essay/[^/]+/knowledge\.yaml", n)
               for n in names), sorted(names)
    assert "marker/_data/examples/sample_essay.txt" in names
    assert any(n.startswith("marker/_data/rubrics/") for n in names)
    assert any(n.startswith("marker/templates/") for n in names)
    assert not any(".report." in n or "__pycache__" in n for n in names)

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--target", str(site), str(wheel)], check=True, timeout=300,
                   capture_output=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    out = tmp_path / "out.json"
    done = subprocess.run(
        [sys.executable, "-c",
         "import marker, marker.topic as t; print(marker.__file__); print(t.topics_root())"],
        cwd="/", env=env, capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.splitlines() == [str(site / "marker" / "__init__.py"),
                                        str(site / "marker" / "_data" / "reference_essay")]
    sample = site / "marker" / "_data" / "examples" / "sample_essay.txt"
    done = subprocess.run(
        [sys.executable, "-m", "marker", "mark", str(sample), "-f", "json", "-o", str(out)],
        cwd="/", env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    check_report(json.loads(out.read_text(encoding="utf-8")))
