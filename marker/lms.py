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
import html
import io
import math
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
# Canvas (lib/content_zipper.rb): "<sortable name>[_LATE]_<user id>" then "_<file id>_<file
# name>" for an upload or "_text.html" / "_link.html" for a text entry or URL. The name is
# lower-cased and stripped to word characters, and any "_<digits>_" in it is joined, so the
# first "_<digits>_" is the user id: "smithjane_LATE_12345_67890_essay.docx".
_CANVAS = re.compile(r"(?P<name>.+?)(?P<late>_LATE)?_(?P<id>\d+)_"
                     r"(?:\d+_.+|(?:text|link)\.html)", re.DOTALL)
# With anonymous grading there is no name, and the id is the submission's anonymous id, five
# base58 characters (lib/anonymity.rb), with "LATE" before it: "LATE_anon_x7Kq2_67890_a.docx".
_CANVAS_ANON = re.compile(r"(?P<late>LATE_)?anon_(?P<id>[1-9A-HJ-NP-Za-km-z]{5})_"
                          r"(?:\d+_.+|(?:text|link)\.html)", re.DOTALL)
# The zip flag that says member names are UTF-8 (APPNOTE 4.4.4, bit 11); Canvas's zip library
# does not set it, though its names are UTF-8.
_UTF8_FLAG = 0x800


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
    anonymous: bool = False  # Canvas anonymous grading: ``id`` is the anonymous id


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
        name = member_name(info)
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


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name: UTF-8 when flagged so or when its bytes are valid UTF-8 (Canvas
    writes UTF-8 without the flag), else the zip standard's code page 437."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    raw = info.filename.encode("cp437")  # zipfile decoded the unflagged bytes as cp437
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return info.filename


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$")) or name.lower() in _CLUTTER


# --- who handed in what ----------------------------------------------------------------


def find_students(cls: ClassInput) -> list[Chosen]:
    """Every student in the input with the file chosen as their essay, sorted by key."""
    found: dict[tuple[str | None, bool, str], tuple[Student, list[InputFile]]] = {}

    def add(student: Student, f: InputFile | None) -> None:
        group = (student.lms, student.anonymous, student.id or student.name)
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
        anon = _CANVAS_ANON.fullmatch(f.name)
        canvas = _CANVAS.fullmatch(f.name)
        if moodle is not None:
            add(moodle, f)
        elif anon is not None:
            add(Student("anon", anon["id"], "canvas", late=bool(anon["late"]), anonymous=True), f)
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
    """``key``, or ``key-2``, ``key-3``…: two students never share a report file, even on a
    file system that ignores case (Canvas's anonymous ids differ by case alone)."""
    candidate, n = key, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{key}-{n}"
    taken.add(candidate.casefold())
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

# What Moodle's offline-grading importer (mod/assign/feedback/offline/importgradeslib.php)
# looks up, and refuses the upload without.
WORKSHEET_REQUIRED = ("Identifier", "Grade", "Last modified (grade)")
FULL_NAME = "Full name"  # absent with blind marking (mod/assign/gradingtable.php)
COMMENTS = "Feedback comments"  # there when the assignment has feedback comments
MAX_GRADE = "Maximum Grade"
# Marker's own part of a Feedback comments cell, found again in a worksheet downloaded after
# an earlier upload and replaced rather than added twice.
_MARKER_BLOCK = re.compile(r'<div class="marker-feedback">.*?</div>', re.DOTALL)


@dataclass
class Worksheet:
    """A Moodle grading worksheet as downloaded, kept whole so it goes back unchanged."""

    path: str
    header: list[str]
    rows: list[list[str]]
    bom: bool
    newline: str
    column: dict[str, int] = field(default_factory=dict)

    def row_index(self, name: str, student_id: str | None) -> int | None:
        """The row of a student: by participant id for a student of a Moodle export
        ("Participant 12345" is the export's id; the same name in another assignment's
        worksheet has another id, so the name is not tried), else by full name when the
        worksheet has names and only one row has it."""
        if student_id:
            ids = self.column["Identifier"]
            return next((i for i, row in enumerate(self.rows)
                         if (m := re.search(r"(\d+)\s*$", row[ids])) and m[1] == student_id),
                        None)
        if FULL_NAME not in self.column:
            return None
        named = [i for i, row in enumerate(self.rows)
                 if _fold(row[self.column[FULL_NAME]]) == _fold(name)]
        return named[0] if len(named) == 1 else None


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
    known = (*WORKSHEET_REQUIRED, FULL_NAME, COMMENTS)
    if not any(c in column for c in known):
        found = ", ".join(h.strip() for h in header[:4])
        raise MarkerError(
            f"{shown}: no Moodle grading-worksheet columns ({', '.join(known)}) in the "
            f"header (found: {found}); it is not a worksheet, or its headers are in another "
            "language: download it with Moodle's language set to English")
    missing = [c for c in WORKSHEET_REQUIRED if c not in column]
    if missing:
        raise MarkerError(f"{shown}: the worksheet has no {' or '.join(repr(c) for c in missing)}"
                          " column, which Moodle needs to take it back; download the grading "
                          "worksheet from Moodle again")
    newline = "\r\n" if b"\r\n" in raw[:4096] else "\n"
    width = len(header)
    rows = [row + [""] * (width - len(row)) for row in table[1:] if any(row)]
    return Worksheet(os.fsdecode(path), header, rows, bom, newline, column)


def check_worksheet(sheet: Worksheet, students: Iterable[tuple[str, str | None]]) -> None:
    """Refuse a worksheet in which no student of the class (name, id) has a row: it belongs
    to another assignment, and filling it would fill nothing."""
    students = list(students)
    if students and all(sheet.row_index(name, sid) is None for name, sid in students):
        raise MarkerError(f"{_shown(sheet.path)}: none of the {len(students)} students of this "
                          "class has a row in the worksheet; is it the worksheet of another "
                          "assignment?")


@dataclass(frozen=True)
class Grade:
    """What goes back to an LMS for one student."""

    name: str
    id: str | None
    mark: int
    max: int
    fix_first: str = ""  # the one thing to fix first (plain text, may quote the student)
    anonymous: bool = False  # Canvas anonymous grading: ``id`` is the anonymous id


def fill_worksheet(sheet: Worksheet, grades: Iterable[Grade], *,
                   keep_comments: bool = False) -> tuple[str, list[Grade]]:
    """The worksheet with Grade and Feedback comments filled for the students it lists,
    everything else as it was; and the students it does not list.

    The mark is scaled to the row's Maximum Grade when that column is there, written with
    the decimal separator that column uses. Moodle stores the comment as HTML, so marker's
    is escaped HTML; a teacher's comment already in the cell is kept, with marker's after it
    (or, with ``keep_comments``, instead of it).
    """
    rows = [list(row) for row in sheet.rows]
    unmatched = []
    top = sheet.column.get(MAX_GRADE)
    comments = sheet.column.get(COMMENTS)
    for g in grades:
        i = sheet.row_index(g.name, g.id)
        if i is None:
            unmatched.append(g)
            continue
        row = rows[i]
        scale = _number(row[top]) if top is not None else None
        value = f"{g.mark * scale / g.max if scale else g.mark:.2f}"
        row[sheet.column["Grade"]] = value.replace(".", ",") if top is not None and \
            "," in row[top] else value
        if comments is not None:
            row[comments] = _with_comment(row[comments], moodle_comment(g), keep_comments)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=sheet.newline)
    writer.writerow(sheet.header)
    writer.writerows(rows)
    return ("\ufeff" if sheet.bom else "") + out.getvalue(), unmatched


def moodle_comment(g: Grade) -> str:
    """Marker's comment as the HTML Moodle stores (mod/assign/feedback/comments: imported
    text is saved as FORMAT_HTML): every line a paragraph, the student's words escaped."""
    first = g.fix_first if len(g.fix_first) <= 480 else g.fix_first[:479] + "…"
    lines = [f"Mark {g.mark}/{g.max}.", *(f"First to fix: {first}".splitlines() if first
                                         else [])]
    body = "".join(f"<p>{html.escape(line.strip(), quote=False)}</p>" for line in lines
                   if line.strip())
    return f'<div class="marker-feedback">{body}</div>'


def _with_comment(cell: str, ours: str, keep: bool) -> str:
    """The Feedback comments cell with marker's comment after the teacher's, if any (with
    ``keep``, a cell with the teacher's comment as it was)."""
    theirs = _MARKER_BLOCK.sub("", cell).strip()
    if not _visible_text(theirs):
        return ours
    return cell if keep else f"{theirs}\n{ours}"


def _visible_text(fragment: str) -> str:
    """The text an HTML fragment shows (an emptied editor leaves "<p><br></p>")."""
    return html.unescape(re.sub(r"<[^>]*>", "", fragment)).replace("\xa0", " ").strip()


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


# --- Canvas gradebook import ------------------------------------------------------------

CANVAS_PLACEHOLDER = "Essay"
# Canvas's gradebook exporter and importer (lib/gradebook_exporter.rb, gradebook_importer.rb).
_POINTS_POSSIBLE = "    Points Possible"  # the exporter's second row; the importer looks
# for "Points Possible" in the first cell and takes each column's points from that row
_TITLE_AND_ID = re.compile(r"(.*)\s\((\d+)\)")  # "Essay 1 (4455)": Assignment.title_and_id


@dataclass(frozen=True)
class CanvasStudent:
    """A student's row in a gradebook exported from Canvas."""

    name: str  # sortable name, "Smith, Jane"
    sis_user_id: str
    sis_login_id: str
    section: str


@dataclass(frozen=True)
class CanvasTarget:
    """Where the marks go in Canvas: the gradebook column, its points, and (from a gradebook
    the teacher exported) each student's real name and SIS ids by Canvas user id."""

    column: str
    points: float
    roster: dict[str, CanvasStudent] = field(default_factory=dict)
    source: str | None = None  # the exported gradebook, when there was one
    delimiter: str = ","
    decimal: str = "."


def canvas_target(assignment: str | None, points: float | None, gradebook: str | None,
                  rubric_max: int) -> CanvasTarget:
    """Check the Canvas options before anything is marked or written.

    Canvas gives a column its points only from a Points Possible row, and sets them on an
    existing assignment too, so marker writes points only when it knows them: from
    ``points``, from the exported ``gradebook``, or (for the new column "Essay") the rubric's.
    """
    if points is not None and not (points > 0 and math.isfinite(points)):
        raise MarkerError(f"--canvas-points {points:g}: the assignment's points must be a "
                          "number more than 0")
    if gradebook is not None:
        target = read_gradebook(gradebook, assignment)
        if points is not None and target.points and abs(points - target.points) > 1e-9:
            raise MarkerError(f"{_shown(gradebook)}: '{target.column}' is worth "
                              f"{target.points:g} points there, not {points:g} "
                              "(--canvas-points); give one or the other")
        if points is None and not target.points:
            raise MarkerError(f"{_shown(gradebook)}: the Points Possible row has no points for "
                              f"'{target.column}'; give them with --canvas-points")
        return replace(target, points=points or target.points)
    if assignment is not None and points is None:
        raise MarkerError(f"--canvas-assignment '{assignment}': marker does not know this "
                          "assignment's points; give --canvas-points N (its Points in Canvas) or "
                          "--canvas-gradebook FILE (the gradebook exported from Canvas)")
    return CanvasTarget(assignment or CANVAS_PLACEHOLDER,
                        float(points) if points is not None else float(rubric_max))


def read_gradebook(path: str, assignment: str | None) -> CanvasTarget:
    """The column, points and students of a gradebook CSV exported from Canvas (comma or, in
    locales with decimal commas, semicolon separated; with or without a BOM)."""
    shown = _shown(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise MarkerError(f"{shown}: cannot read the gradebook ({exc.strerror or exc})"
                          ) from None
    except UnicodeDecodeError:
        raise MarkerError(f"{shown}: the gradebook is not UTF-8 text; export it from Canvas "
                          "again") from None
    delimiter = _canvas_delimiter(text.splitlines()[:3])
    table = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
             if any(cell.strip() for cell in row)]
    header = [h.strip() for h in table[0]] if table else []
    first_last = header[:2] == ["LastName", "FirstName"]
    if not (len(header) > 3 and "Student" in header[0] and "ID" in header[1]) and \
            not (first_last and len(header) > 4 and "ID" in header[2]):
        raise MarkerError(f"{shown}: not a gradebook exported from Canvas (its first columns "
                          "are not Student, ID)")
    at = {h: i for i, h in enumerate(header)}
    index = _gradebook_column(header, assignment, shown)
    points_row = next((row for row in table[1:] if row and "Points Possible" in row[0]), None)
    cell = points_row[index].strip() if points_row and index < len(points_row) else ""
    points = _canvas_number(cell)
    if cell and points is None:
        raise MarkerError(f"{shown}: the points of '{header[index]}' are {cell!r}, not a "
                          "number")
    if points is not None and not points > 0:
        raise MarkerError(f"{shown}: '{header[index]}' is worth {points:g} points; marks can "
                          "only be scaled to more than 0")
    ident = 2 if first_last else 1  # where the importer reads the Canvas user id
    roster = {}
    for row in table[1:]:
        row = row + [""] * (len(header) - len(row))
        if not row[ident].strip().isdigit():
            continue  # the Points Possible row, a "Manual Posting" row
        name = f"{row[0]}, {row[1]}" if first_last else row[0]
        roster[row[ident].strip()] = CanvasStudent(
            name, *(row[at[c]] if c in at else "" for c in ("SIS User ID", "SIS Login ID",
                                                            "Section")))
    return CanvasTarget(header[index], points or 0.0, roster, path, delimiter,
                        "," if "," in cell else ".")


def _canvas_delimiter(lines: list[str]) -> str:
    """";" when the first lines split into more, equally many fields by it than by ","
    (how Canvas's importer tells the two apart)."""
    counts = {}
    for sep in (";", ","):
        sizes = {len(next(csv.reader([line], delimiter=sep), [])) for line in lines}
        counts[sep] = sizes.pop() if len(sizes) == 1 else 0
    return ";" if counts[";"] > counts[","] else ","


def _gradebook_column(header: list[str], assignment: str | None, shown: str) -> int:
    """The column named exactly, or by its title without Canvas's " (id)"."""
    columns = [i for i, h in enumerate(header) if _TITLE_AND_ID.fullmatch(h)]
    listed = ", ".join(header[i] for i in columns[:8]) + (", …" if len(columns) > 8 else "")
    if assignment is None:
        raise MarkerError(f"{shown}: name the assignment's column with --canvas-assignment "
                          f"(the gradebook has: {listed or 'no assignment columns'})")
    if assignment in header:
        return header.index(assignment)
    titled = [i for i in columns if _TITLE_AND_ID.fullmatch(header[i])[1] == assignment]
    if len(titled) == 1:
        return titled[0]
    if titled:
        raise MarkerError(f"{shown}: {len(titled)} columns are called '{assignment}'; give "
                          f"one with its id ({' or '.join(header[i] for i in titled)})")
    raise MarkerError(f"{shown}: no column '{assignment}' in the gradebook (it has: "
                      f"{listed or 'no assignment columns'})")


def _canvas_number(text: str) -> float | None:
    """A number as Canvas's importer reads it: the last "," or "." is the decimal point."""
    if not re.fullmatch(r"-?[0-9.,]+", text):
        return None
    *whole, last = re.split(r"[,.]", text)
    try:
        return float(f"{''.join(whole)}.{last}" if whole else last)
    except ValueError:
        return None


def canvas_points(g: Grade, target: CanvasTarget) -> str:
    """The mark scaled to the assignment's points: "21", "84", "16.8" (or "16,8")."""
    return points_text(g.mark * target.points / g.max, target.decimal)


def points_text(value: float, decimal: str = ".") -> str:
    """Points as Canvas shows them, to two decimals at most: "25", "12.5", "12,5"."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", decimal)


def canvas_csv(grades: Iterable[Grade], target: CanvasTarget) -> str:
    """A Canvas gradebook import: the student columns, the Points Possible row that gives
    the column its points, and one row per student keyed by Canvas user id (with the name and
    SIS ids of the exported gradebook, when there is one)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=target.delimiter, lineterminator="\r\n")
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", target.column])
    writer.writerow([_POINTS_POSSIBLE, "", "", "", "", points_text(target.points,
                                                                    target.decimal)])
    for g in grades:
        known = target.roster.get(g.id or "")
        who = [known.name, g.id, known.sis_user_id, known.sis_login_id, known.section] \
            if known else [g.name, g.id or "", "", "", ""]
        writer.writerow([*who, canvas_points(g, target)])
    return out.getvalue()
