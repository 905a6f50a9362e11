"""Files made the way Moodle and Canvas make them, for the LMS round-trip tests.

Each detail is taken from the LMS's own source (read, not copied):

Moodle (moodle/moodle)
- Submissions zip, mod/assign/locallib.php (download_submissions): a folder per student,
  "<full name>_<unique id>_assignsubmission_<plugin>" (Moodle 4.1+) or with a trailing "_"
  (3.x); "_" in the name is turned into " "; with blind marking the name is "Participant".
- Grading worksheet, mod/assign/gradingtable.php with the offline feedback plugin
  (mod/assign/feedback/offline/locallib.php, download_grades): columns Identifier ("Participant "
  + unique id, col_recordid), Full name and the identity fields (only when the teacher may see
  identities: not with blind marking), Status, Grade (format_float, two decimals, the
  language's decimal separator), Maximum Grade, Grade can be changed, Last modified
  (submission), one column per submission text field ("Online text"), Last modified (grade),
  one column per feedback text field ("Feedback comments", stored as HTML by
  mod/assign/feedback/comments/locallib.php).
- The CSV writer, lib/spout/src/Spout/Writer/CSV/Writer.php (dataformat_csv): a UTF-8 BOM,
  then PHP's fputcsv: "," between fields, '"' around a field holding a delimiter, quote,
  space, tab, CR or LF, quotes doubled, "\n" after each row.

Canvas (instructure/canvas-lms)
- Submissions zip, lib/content_zipper.rb: "<name>[_LATE]_<user id>_<file id>_<file name>", or
  "_text.html" for a text entry; the name is the sortable name lower-cased, with "_<digits>_"
  joined and everything but word characters dropped; with anonymous grading the name is
  left out and the id is "anon_<anonymous id>" ("LATE" first when late); the anonymous id is
  five base58 characters (lib/anonymity.rb). Canvas zips with rubyzip, which leaves the UTF-8
  flag unset unless told (rubyzip README, "Non-ASCII Names"), so names are UTF-8 bytes with
  no flag.
- Gradebook export, lib/gradebook_exporter.rb and lib/csv_with_i18n.rb: Student, ID, SIS User
  ID, SIS Login ID, Section, one "<title> (<id>)" column per assignment, then the totals; the
  second row is "    Points Possible" with each assignment's points to two decimals in the
  user's locale ("25.00", "25,00"); ";" between fields where the locale's decimal separator is
  ","; a BOM when the user has that feature on.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

WHEN = (2024, 3, 1, 9, 0, 0)
MODIFIED = "Friday, 1 March 2024, 9:00 AM"  # userdate() with the default English format

# Short essays on the default topic, written for these tests.
ESSAYS = {
    "pact": (
        "The Nazi-Soviet Pact was signed in August 1939 by Molotov and Ribbentrop. Stalin "
        "wanted time to rebuild the Red Army after the purges, and he did not trust Britain "
        "and France after Munich.\n\n"
        "The secret protocol divided Poland and the Baltic states between Germany and the "
        "Soviet Union. In September 1939 the Red Army moved into eastern Poland.\n\n"
        "In conclusion, the pact was a choice of security over ideology, and it failed when "
        "Germany invaded in June 1941."),
    "markup": (
        "Stalin signed the pact with <b>Hitler</b> in 1939 because collective security had "
        "failed & the West would not help. Soviet losses were < German ones, I think.\n\n"
        "Litvinov had worked for collective security in the League of Nations <script>alert(1)"
        "</script> but Munich in 1938 showed Stalin that Britain would not fight.\n\n"
        "So the pact gave Stalin time, but Operation Barbarossa in 1941 showed it was a "
        "mistake."),
    "short": (
        "Soviet foreign policy from 1917 to 1941 changed a lot. Lenin wanted world revolution "
        "and the Comintern was set up in 1919.\n\n"
        "Later Stalin wanted socialism in one country and the Soviet Union joined the League "
        "of Nations in 1934."),
}


# --- Moodle ---------------------------------------------------------------------------------


def php_csv(rows: Iterable[Sequence[str]], delimiter: str = ",") -> str:
    """Rows as PHP's fputcsv writes them."""
    out = []
    for row in rows:
        cells = []
        for cell in row:
            if any(c in cell for c in (delimiter, '"', " ", "\t", "\r", "\n", "\\")):
                cell = '"' + cell.replace('"', '""') + '"'
            cells.append(cell)
        out.append(delimiter.join(cells) + "\n")
    return "".join(out)


def moodle_worksheet(path: Path, students: Sequence[tuple[str, str]], *, blind: bool = False,
                     comments: dict[str, str] | None = None, maximum: str = "100.00",
                     online_text: dict[str, str] | None = None,
                     drop: str | None = None) -> Path:
    """The grading worksheet Moodle offers for ``students`` (full name, unique id): with
    ``blind``, as a teacher sees it under blind marking (no identity columns); ``comments``
    already typed, by id; an Online text column when ``online_text`` is given; the column
    ``drop`` left out (as a worksheet that is not quite Moodle's)."""
    header = ["Identifier"] + ([] if blind else ["Full name", "Email address"]) + [
        "Status", "Grade", "Maximum Grade", "Grade can be changed",
        "Last modified (submission)"] + (["Online text"] if online_text is not None else []) + [
        "Last modified (grade)", "Feedback comments"]
    rows = []
    for name, ident in students:
        who = [] if blind else [name, f"{name.split()[0].lower()}{ident}@school.example"]
        text = [online_text.get(ident, "")] if online_text is not None else []
        rows.append([f"Participant {ident}", *who, "Submitted for grading", "", maximum, "Yes",
                     MODIFIED, *text, "-", (comments or {}).get(ident, "")])
    if drop is not None:
        at = header.index(drop)
        header.pop(at)
        for row in rows:
            row.pop(at)
    path.write_bytes(("\ufeff" + php_csv([header, *rows])).encode("utf-8"))
    return path


def moodle_folder(name: str, ident: str, *, blind: bool = False, version: str = "4.1",
                  plugin: str = "file") -> str:
    """A student's folder in Moodle's submissions zip."""
    who = "Participant" if blind else name.replace("_", " ")
    return f"{who}_{ident}_assignsubmission_{plugin}" + ("_" if version < "4.1" else "")


def moodle_zip(path: Path, students: Sequence[tuple[str, str, str]], *, blind: bool = False,
               version: str = "4.1") -> Path:
    """Moodle's "Download all submissions" zip: (full name, unique id, essay text) each."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, ident, text in students:
            folder = moodle_folder(name, ident, blind=blind, version=version)
            archive.writestr(zipfile.ZipInfo(f"{folder}/essay.txt", WHEN), text.encode())
    return path


def rows_of(path: Path) -> list[list[str]]:
    """A CSV marker wrote (any BOM dropped)."""
    text = path.read_bytes().decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text, newline="")))


# --- Canvas ---------------------------------------------------------------------------------


class _Unflagged(zipfile.ZipInfo):
    """A member whose name is stored in ``encoding`` without the UTF-8 flag, as rubyzip (and
    old Windows zip tools, in their code page) write it."""

    encoding = "utf-8"

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # zipfile's hook for the name bytes
        return self.filename.encode(self.encoding), self.flag_bits & ~0x800


def unflagged_zip(path: Path, members: dict[str, bytes], encoding: str = "utf-8") -> Path:
    """A zip whose member names are ``encoding`` bytes with the UTF-8 flag unset."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = _Unflagged(name, WHEN)
            info.encoding = encoding
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


_UNSAFE = re.compile(r'[\x00/\\:*?"<>|]+')  # sanitize_attachment_filename


def canvas_name(sortable: str | None, user_id: str, *, late: bool = False,
                anonymous_id: str | None = None, file_id: str = "", file_name: str = "") -> str:
    """A member name of Canvas's submissions zip; a text entry when ``file_name`` is empty."""
    if anonymous_id is not None:
        stem = "_".join(x for x in ("LATE" if late else "", f"anon_{anonymous_id}") if x)
    else:
        name = re.sub(r"_(\d+)_", r"\1", sortable or "").lower()
        stem = "_".join(x for x in (name, "LATE" if late else "", user_id) if x)
    stem = re.sub(r"\W", "", stem)
    if not file_name:
        return f"{stem}_text.html"
    return f"{stem}_{file_id}_{_UNSAFE.sub('_', file_name)}"


def text_entry(text: str) -> bytes:
    """A Canvas text-entry submission page (app/views/assignments/text_entry_page.html.erb)."""
    body = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Essay</title></head>"
            f"<body>{body}</body></html>").encode()


def canvas_gradebook(path: Path, assignments: Sequence[tuple[str, str, str]],
                     students: Sequence[tuple[str, str, str, str, str, Sequence[str]]], *,
                     semicolon: bool = False, bom: bool = False) -> Path:
    """A gradebook exported from Canvas: assignments (title, id, points as the locale writes
    them), students (sortable name, id, SIS user id, SIS login id, section, scores)."""
    totals = ["Current Points", "Final Points", "Current Score", "Unposted Current Score",
              "Final Score", "Unposted Final Score"]
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
              *(f"{title} ({ident})" for title, ident, _ in assignments), *totals]
    points = ["    Points Possible", "", "", "", "", *(p for _, _, p in assignments),
              *["(read only)"] * len(totals)]
    rows = [header, points] + [[name, ident, sis, login, section, *scores,
                                *[""] * len(totals)]
                               for name, ident, sis, login, section, scores in students]
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";" if semicolon else ",", lineterminator="\n").writerows(rows)
    path.write_bytes(("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8"))
    return path
