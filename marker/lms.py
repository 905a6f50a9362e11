"""A class of submissions as a teacher downloads it, and the files an LMS takes back.

Input is a plain folder of essays (the file stem names the student) or a Moodle or Canvas
"download all submissions" export, as a zip or unpacked. Zips are read member by member
into memory, never extracted, and refused whole when they look hostile (paths leaving the
archive, symlinks, more members or bytes than any class hands in), because an export from
an LMS never does that. Output helpers write Moodle's grading worksheet and feedback-files
zip and a Canvas gradebook CSV, keyed by the ids the export carried.
"""

from __future__ import annotations

import abc
import calendar
import csv
import io
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from .errors import MarkerError
from .read import MAX_BYTES, _shown, _too_big

# Text documents beat images, slides and the like when a student hands in several files;
# on equal dates the earlier extension here wins.
TEXT_EXTENSIONS = (".docx", ".pdf", ".odt", ".txt", ".html", ".htm", ".md", ".rtf", ".text",
                   ".markdown")
# System clutter that is never a submission.
_CLUTTER = {"thumbs.db", "desktop.ini"}

# "Jane Smith_12345_assignsubmission_file_" (a folder, "_" dropped since Moodle 4.1) or, with
# "download in folders" off, "Jane Smith_12345_assignsubmission_file_essay.docx".
_MOODLE = re.compile(r"(?P<name>.+?)_(?P<id>\d+)_assignsubmission_[a-z0-9]+(?:_.*)?",
                     re.DOTALL)
# "smithjane_LATE_12345_67890_essay.docx", "anon_12345_67890_essay.docx" (anonymous
# marking) and "smithjane_12345_text.html" (a text entry).
_CANVAS = re.compile(r"(?P<name>[^_]+?)(?P<late>_LATE)?_(?P<id>\d+)_"
                     r"(?:\d+_.+|text\.html?)", re.DOTALL)


@dataclass(frozen=True)
class Limits:
    """What a class export may hold; a zip beyond these is refused before anything is read."""

    members: int = 2_000
    total_bytes: int = 200 * 2**20
    ratio: int = 100  # uncompressed : compressed, per member
    ratio_floor: int = 2**20  # members smaller than this may compress as well as they like


@dataclass(frozen=True)
class InputFile:
    """One file of the class input, not yet read."""

    path: str  # "/"-separated path inside the folder or zip
    size: int
    mtime: int  # seconds; zip dates (local time, no zone) are read as UTC: only order matters

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


@dataclass(frozen=True)
class Student:
    """One student's files, with the name and LMS id the export gave them."""

    name: str
    id: str | None
    lms: str | None  # "moodle", "canvas", or None for a plain folder
    files: tuple[InputFile, ...] = ()
    late: bool = False


@dataclass(frozen=True)
class Chosen:
    """The file that is the student's essay (None: nothing to mark), and why it was chosen."""

    student: Student
    key: str  # unique in the class: ASCII slug of the name, then the LMS id
    file: InputFile | None
    reason: str


# --- reading the input ---------------------------------------------------------------


class ClassInput(abc.ABC):
    """A folder or zip of submissions; files are read only when asked for."""

    def __init__(self, label: str, files: list[InputFile], folders: list[str]) -> None:
        self.label = label  # the input's base name, for the paths shown in reports
        self.files = files
        self.folders = folders

    def display(self, f: InputFile) -> str:
        """The name reports and messages use: independent of where the input lies."""
        return f"{self.label}/{f.path}"

    @abc.abstractmethod
    def read(self, f: InputFile) -> bytes:
        """The file's bytes (from the folder, or the zip member in memory)."""


class _Folder(ClassInput):
    def __init__(self, root: Path, skip: Path | None, limits: Limits) -> None:
        files, folders = [], []
        skipped = skip.resolve() if skip is not None else None
        for here, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not _hidden(d)
                             and (Path(here) / d).resolve() != skipped)
            rel = Path(here).relative_to(root).as_posix()
            if rel != ".":
                folders.append(rel)
            for name in sorted(names):
                if _hidden(name):
                    continue
                full = Path(here) / name
                try:
                    info = full.stat()
                except OSError:
                    continue  # a dangling link: nothing a student handed in
                path = name if rel == "." else f"{rel}/{name}"
                files.append(InputFile(path, info.st_size, int(info.st_mtime)))
                if len(files) > limits.members:
                    raise MarkerError(f"{_shown(str(root))}: more than {limits.members:,} "
                                      "files; is this the folder of one class?")
        super().__init__(root.resolve().name, files, folders)
        self.root = root

    def read(self, f: InputFile) -> bytes:
        shown = _shown(self.display(f))
        full = self.root / f.path
        try:
            info = full.stat()
            if not stat.S_ISREG(info.st_mode):
                raise MarkerError(f"{shown}: is not a regular file")
            if info.st_size > MAX_BYTES:
                raise _too_big(shown, info.st_size)
            with open(full, "rb") as handle:
                return handle.read(MAX_BYTES + 1)
        except PermissionError:
            raise MarkerError(f"{shown}: permission denied (cannot read the file)") from None
        except OSError as exc:
            raise MarkerError(f"{shown}: cannot read the file ({exc.strerror or exc})") from None


class _Zip(ClassInput):
    def __init__(self, archive: zipfile.ZipFile, label: str, infos: dict[str, zipfile.ZipInfo],
                 files: list[InputFile], folders: list[str]) -> None:
        super().__init__(label, files, folders)
        self.archive = archive
        self.infos = infos

    def display(self, f: InputFile) -> str:
        return f"{self.label}!{f.path}"

    def read(self, f: InputFile) -> bytes:
        shown = _shown(self.display(f))
        if f.size > MAX_BYTES:
            raise _too_big(shown, f.size)
        try:
            with self.archive.open(self.infos[f.path]) as member:
                return member.read(MAX_BYTES + 1)  # zipfile never yields more than declared
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise MarkerError(f"{shown}: cannot be read from the zip ({exc})") from None


@contextmanager
def open_class(path: str | os.PathLike[str], limits: Limits = Limits(),
               skip: Path | None = None) -> Iterator[ClassInput]:
    """The class at ``path`` (folder or zip), checked against ``limits``; a folder ``skip``
    inside it (the batch's own output) is not part of the class."""
    shown = _shown(os.fsdecode(path))
    p = Path(path)
    if p.is_dir():
        yield _Folder(p, skip, limits)
        return
    if not p.exists():
        raise MarkerError(f"{shown}: not found")
    try:
        archive = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        raise MarkerError(f"{shown}: is neither a folder nor a zip archive of submissions"
                          ) from None
    except OSError as exc:
        raise MarkerError(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    with archive:
        yield _checked_zip(archive, p.name, shown, limits)


def _checked_zip(archive: zipfile.ZipFile, label: str, shown: str, limits: Limits) -> _Zip:
    infos = archive.infolist()
    if len(infos) > limits.members:
        raise MarkerError(f"{shown}: the zip has {len(infos):,} members; "
                          f"the limit is {limits.members:,}")
    total = 0
    files: dict[str, InputFile] = {}
    folders: set[str] = set()
    by_path: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        parts = [x for x in re.split(r"[\\/]", name) if x not in ("", ".")]
        member = _shown(name)
        if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
            raise MarkerError(f"{shown}: member '{member}' has an absolute path; "
                              "refusing the zip")
        if ".." in parts:
            raise MarkerError(f"{shown}: member '{member}' points outside the archive (..); "
                              "refusing the zip")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise MarkerError(f"{shown}: member '{member}' is a symbolic link; refusing the zip")
        if info.file_size > limits.ratio_floor and \
                info.file_size > limits.ratio * max(1, info.compress_size):
            ratio = info.file_size // max(1, info.compress_size)
            raise MarkerError(f"{shown}: member '{member}' expands {ratio:,} times "
                              f"(more than {limits.ratio}:1, a zip bomb?); refusing the zip")
        total += info.file_size
        if total > limits.total_bytes:
            raise MarkerError(f"{shown}: the zip unpacks to more than "
                              f"{limits.total_bytes // 2**20:,} MB; refusing it")
        if not parts or parts[0] == "__MACOSX" or any(_hidden(x) for x in parts):
            continue
        path = "/".join(parts)
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
        if info.is_dir():
            folders.add(path)
            continue
        when = calendar.timegm((*info.date_time, 0, 0, 0))
        files[path] = InputFile(path, info.file_size, when)  # a repeated name: the last wins
        by_path[path] = info
    return _Zip(archive, label, by_path, sorted(files.values(), key=lambda f: f.path),
                sorted(folders))


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$")) or name.lower() in _CLUTTER


# --- who handed in what ----------------------------------------------------------------


def find_students(cls: ClassInput) -> list[Chosen]:
    """Every student in the input with the file chosen as their essay, sorted by key."""
    found: dict[tuple[str | None, str], tuple[Student, list[InputFile]]] = {}

    def add(student: Student, f: InputFile | None) -> None:
        group = (student.lms, student.id or student.name)
        known, files = found.setdefault(group, (student, []))
        if student.late and not known.late:
            found[group] = (replace(known, late=True), files)
        if f is not None:
            files.append(f)

    for folder in cls.folders:  # a Moodle folder with nothing in it is a student too
        moodle = _moodle_student(folder)
        if moodle is not None:
            add(moodle, None)
    for f in cls.files:
        moodle = _moodle_student(f.path)
        canvas = _CANVAS.fullmatch(f.name)
        if moodle is not None:
            add(moodle, f)
        elif canvas is not None:
            add(Student(canvas["name"], canvas["id"], "canvas", late=bool(canvas["late"])), f)
        else:
            add(Student(PurePosixPath(f.path).stem, None, None), f)

    out, taken = [], set()
    for student, files in sorted(found.values(), key=lambda sf: (
            sf[0].name.casefold(), sf[0].id or "", sf[0].lms or "", sf[0].name)):
        student = replace(student, files=tuple(sorted(files, key=lambda f: f.path)))
        chosen, reason = choose_file(student.files)
        out.append(Chosen(student, unique_key(student_key(student.name, student.id), taken),
                          chosen, reason))
    return sorted(out, key=lambda c: c.key)


def _moodle_student(path: str) -> Student | None:
    """The Moodle student a path belongs to (any component may be their folder or file)."""
    for part in path.split("/"):
        m = _MOODLE.fullmatch(part)
        if m is not None:
            return Student(m["name"].strip(), m["id"], "moodle")
    return None


def student_key(name: str, student_id: str | None) -> str:
    """ASCII file-name slug of the name, then the LMS id: "jane-smith_12345"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    slug = slug or "student"
    return f"{slug}_{student_id}" if student_id else slug


def unique_key(key: str, taken: set[str]) -> str:
    """``key``, or ``key-2``, ``key-3``…: two students never share a report file."""
    candidate, n = key, 1
    while candidate in taken:
        n += 1
        candidate = f"{key}-{n}"
    taken.add(candidate)
    return candidate


def choose_file(files: Sequence[InputFile]) -> tuple[InputFile | None, str]:
    """The essay among a student's files: the newest text document, and why."""
    if not files:
        return None, "no submission file"
    if len(files) == 1:
        return files[0], "the only file handed in"
    texts = [f for f in files if _ext(f) in TEXT_EXTENSIONS]
    pool = texts or list(files)
    best = max(pool, key=lambda f: (f.mtime, -_rank(f), f.path))
    others = "; ".join(f.name for f in files if f is not best)
    if len(pool) == 1:
        return best, f"the only text document (also handed in: {others})"
    kind = "text documents" if texts else "files, none of them a text document"
    return best, f"the newest of {len(pool)} {kind} (also handed in: {others})"


def _ext(f: InputFile) -> str:
    return PurePosixPath(f.name).suffix.lower()


def _rank(f: InputFile) -> int:
    ext = _ext(f)
    return TEXT_EXTENSIONS.index(ext) if ext in TEXT_EXTENSIONS else len(TEXT_EXTENSIONS)


# --- Moodle grading worksheet ------------------------------------------------------------

WORKSHEET_COLUMNS = ("Identifier", "Full name", "Grade", "Feedback comments")


@dataclass
class Worksheet:
    """A Moodle grading worksheet as downloaded, kept whole so it goes back unchanged."""

    path: str
    header: list[str]
    rows: list[list[str]]
    bom: bool
    newline: str
    column: dict[str, int] = field(default_factory=dict)


def read_worksheet(path: str | os.PathLike[str]) -> Worksheet:
    """Read and check the worksheet; a MarkerError says what is wrong with it."""
    shown = _shown(os.fsdecode(path))
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise MarkerError(f"{shown}: cannot read the worksheet ({exc.strerror or exc})"
                          ) from None
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MarkerError(f"{shown}: the worksheet is not UTF-8 text; download it again from "
                          "Moodle") from None
    table = list(csv.reader(io.StringIO(text, newline="")))
    if not table or not any(cell.strip() for cell in table[0]):
        raise MarkerError(f"{shown}: the worksheet is empty")
    header = table[0]
    column = {name.strip(): i for i, name in enumerate(header)}
    missing = [c for c in WORKSHEET_COLUMNS if c not in column]
    if len(missing) == len(WORKSHEET_COLUMNS):
        found = ", ".join(h.strip() for h in header[:4])
        raise MarkerError(
            f"{shown}: no Moodle grading-worksheet columns ({', '.join(WORKSHEET_COLUMNS)}) "
            f"in the header (found: {found}); it is not a worksheet, or its headers are in "
            "another language: download it with Moodle's language set to English")
    if missing:
        raise MarkerError(f"{shown}: the worksheet has no {' or '.join(repr(c) for c in missing)}"
                          " column; download the grading worksheet from Moodle again (with "
                          "feedback comments enabled)")
    newline = "\r\n" if b"\r\n" in raw[:4096] else "\n"
    width = len(header)
    rows = [row + [""] * (width - len(row)) for row in table[1:] if any(row)]
    return Worksheet(os.fsdecode(path), header, rows, bom, newline, column)


@dataclass(frozen=True)
class Grade:
    """What goes back to an LMS for one student."""

    name: str
    id: str | None
    mark: int
    max: int
    feedback: str  # one short line of text


def fill_worksheet(sheet: Worksheet, grades: Iterable[Grade]) -> tuple[str, list[Grade]]:
    """The worksheet with Grade and Feedback comments filled for the students it lists,
    everything else as it was; and the students it does not list.

    Rows are matched by "Participant 12345" to the export id, else by full name. The mark
    is scaled to the worksheet's Maximum Grade when that column is there.
    """
    by_id, by_name = {}, {}
    for row in sheet.rows:
        ident = re.search(r"(\d+)\s*$", row[sheet.column["Identifier"]])
        if ident:
            by_id[ident[1]] = row
        by_name.setdefault(_fold(row[sheet.column["Full name"]]), []).append(row)
    unmatched = []
    top = sheet.column.get("Maximum Grade")
    for g in grades:
        row = by_id.get(g.id or "")
        if row is None:
            named = by_name.get(_fold(g.name), [])
            row = named[0] if len(named) == 1 else None
        if row is None:
            unmatched.append(g)
            continue
        scale = _number(row[top]) if top is not None else None
        value = g.mark * scale / g.max if scale else g.mark
        row[sheet.column["Grade"]] = f"{value:.2f}"
        row[sheet.column["Feedback comments"]] = g.feedback
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=sheet.newline)
    writer.writerow(sheet.header)
    writer.writerows(sheet.rows)
    return ("\ufeff" if sheet.bom else "") + out.getvalue(), unmatched


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if value > 0 else None


# --- files going back ----------------------------------------------------------------------

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same feedback gives the same zip bytes


def moodle_feedback_folder(name: str, student_id: str) -> str:
    """The folder Moodle's "upload multiple feedback files in a zip" matches on.

    The trailing "_" is what Moodle before 4.1 requires; 4.1 and later accept it too.
    """
    return f"{name}_{student_id}_assignsubmission_file_"


def write_feedback_zip(fh: BinaryIO, files: Iterable[tuple[str, Path]]) -> None:
    """Zip (name in zip, file on disk) pairs one at a time, with fixed dates and modes."""
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, path in files:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())


CANVAS_PLACEHOLDER = "Essay"


def canvas_csv(grades: Iterable[Grade], assignment: str | None) -> str:
    """A Canvas gradebook import: one column for the assignment, rows keyed by Canvas ID.

    ``assignment`` is the gradebook column as Canvas names it, "Essay 1 (123456)"; without
    it the column is "Essay", which Canvas imports as a new assignment of that name.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                     assignment or CANVAS_PLACEHOLDER])
    for g in grades:
        writer.writerow([g.name, g.id or "", "", "", "", g.mark])
    return out.getvalue()
