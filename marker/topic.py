"""Topic packs: loading and validating the reference knowledge an essay is marked against.

A pack is hand-edited data (see docs/topic-format.md), so validation collects every
problem with a precise location and fix instead of stopping at the first, and loading
returns frozen dataclasses so checkers never depend on the shape of the YAML.
"""

from __future__ import annotations

import calendar
import contextlib
import difflib
import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from marker.errors import MarkerError

DEFAULT_TOPIC = "soviet-foreign-policy-1917-1941"
TOPIC_FILES = ("topic.yaml", "knowledge.yaml", "essay.md")
KNOWLEDGE_DIR = "knowledge"  # optional: more knowledge files (*.yaml), merged in name order
SECTIONS = (
    "events", "people", "writers", "states", "organisations", "offices", "figures",
    "misconceptions", "quotations",
)
NAMED_SECTIONS = ("events", "people", "writers", "states", "organisations", "offices")
PERSON_CATEGORIES = (
    "politician", "diplomat", "military", "historian", "journalist", "writer",
    "revolutionary", "monarch",
)
WRITER_CATEGORIES = (
    "historian", "journalist", "politician", "writer", "textbook_author", "unverified",
)
FIGURE_UNITS = ("percent", "count", "ratio")
FATES = ("natural", "executed", "assassinated", "suicide", "died_in_custody", "killed_in_war")
TRIGGER_ROLES = ("subject", "object", "any")

_CLOSE = 0.75  # how alike a typo and a known word must be to suggest it (difflib ratio)
_DATE_FIX = "write YYYY, YYYY-MM or YYYY-MM-DD"
_ISO_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_SNAKE_CASE = re.compile(r"[a-z][a-z0-9_]*")
_TOPIC_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# --- public data model -----------------------------------------------------------------


@dataclass(frozen=True)
class DateValue:
    """An ISO date as written, with the interval it covers, so "1939" matches any 1939 day."""

    iso: str
    start: date
    end: date
    precision: str  # "year" | "month" | "day"

    @classmethod
    def parse(cls, iso: str) -> DateValue:
        """Parses YYYY, YYYY-MM or YYYY-MM-DD; raises ValueError naming the bad text."""
        match = _ISO_DATE.fullmatch(iso)
        if match is None or int(match[1]) < 1:
            raise ValueError(f"{iso!r} is not an ISO date")
        year = int(match[1])
        if match[2] is None:
            return cls(iso, date(year, 1, 1), date(year, 12, 31), "year")
        month = int(match[2])
        if not 1 <= month <= 12:
            raise ValueError(f"{iso!r} is not an ISO date")
        last = calendar.monthrange(year, month)[1]
        if match[3] is None:
            return cls(iso, date(year, month, 1), date(year, month, last), "month")
        day = int(match[3])
        if not 1 <= day <= last:
            raise ValueError(f"{iso!r} is not an ISO date ({match[1]}-{match[2]} has {last} days)")
        return cls(iso, date(year, month, day), date(year, month, day), "day")


@dataclass(frozen=True)
class Entry:
    """What every knowledge entry shares; the typed entries below extend it."""

    id: str
    section: str
    name: str
    aliases: tuple[str, ...]
    wrong_forms: tuple[str, ...]
    sources: tuple[str, ...]
    # The validated fields as written, read-only; left out of ==/hash, which it only repeats.
    data: Mapping[str, Any] = field(compare=False)
    case_sensitive: tuple[str, ...]  # aliases matched only with exactly this capitalisation


@dataclass(frozen=True)
class Trigger:
    """A verb phrase naming an event, e.g. "dissolved the Comintern"."""

    entity: str
    verbs: tuple[str, ...]
    role: str  # "subject" | "object" | "any"
    agents: tuple[str, ...]  # the verb's logical subject must link to one of these (if any)
    requires: tuple[str, ...]  # the sentence must also link to one of these (if any)
    words: tuple[str, ...] = ()  # the verb's object must be one of these ("seized power")


@dataclass(frozen=True)
class AgreedTerm:
    """One thing an agreement did ("divided Poland"): the verbs that say it, what it was
    done to, who may be said to have done it and who may be said to have received it."""

    verbs: tuple[str, ...]  # lemmas, a particle after a space: "give up"
    objects: tuple[str, ...]  # ids or names
    subjects: tuple[str, ...] = ()
    to: tuple[str, ...] = ()
    said: str | None = None  # the term in feedback's words
    refused: bool = False  # a permission refused: "Poland would not let the Red Army cross"


@dataclass(frozen=True)
class Event(Entry):
    kind: str
    date: DateValue | None
    end: DateValue | None
    accepted_dates: tuple[DateValue, ...]
    accepted_ends: tuple[DateValue, ...]
    parties: tuple[str, ...]
    parties_complete: bool
    signatories: tuple[str, ...]
    leader: str | None
    triggers: tuple[Trigger, ...]
    significance: str | None
    misconceptions: tuple[str, ...]
    signatories_complete: bool
    non_signatories: tuple[str, ...]  # people often said to have signed who did not
    non_parties: tuple[str, ...]  # states or bodies often said to have taken part that did not
    ratified: bool | None  # False: signed but never in force
    date_note: str | None
    clause: str | None  # how feedback states it before its date: "Hitler became Führer"
    places: tuple[str, ...] = ()  # where it happened, most specific first; state ids allowed
    joined: tuple[Joined, ...] = ()  # parties that joined later, and when
    happened: bool = True  # False: a thing students say happened that did not
    correct: str | None = None  # for one that did not happen: what did
    # An agreement made on one day lasts: "the pact lasted from 1939 to 1941" is checked
    # against its signing and this end (None: how long it lasted is not known).
    in_force_until: DateValue | None = None
    terms: tuple[AgreedTerm, ...] = ()  # what it settled ("divided Poland")
    # What it was like, in words students use: "went by slow boat", "no authority to sign"
    features: tuple[View, ...] = ()


@dataclass(frozen=True)
class Joined:
    """A party that joined an agreement after it was made ("Italy joined in 1937")."""

    party: str
    date: DateValue


@dataclass(frozen=True)
class OfficeTerm:
    """One spell in an office; alternative dates cover sources that disagree."""

    office: str
    start: DateValue
    end: DateValue | None
    accepted_starts: tuple[DateValue, ...]
    accepted_ends: tuple[DateValue, ...]
    title: str | None


@dataclass(frozen=True)
class Person(Entry):
    full_name: str | None
    category: str
    description: str | None
    nationality: str | None
    born: DateValue | None
    died: DateValue | None
    offices: tuple[OfficeTerm, ...]
    roles: tuple[str, ...]  # other things the person was ("journalist", "historian")
    led: tuple[Era, ...]  # periods in which the person led a state
    fate: str | None = None  # how they died (FATES), when the sources agree
    death_place: str | None = None
    views: tuple[View, ...] = ()  # what they held, for "Hitler wrote that ..."


@dataclass(frozen=True)
class Era:
    """A period in which a person led a state, for 'Stalin's Treaty of Rapallo' checks."""

    leader: str
    state: str
    start: DateValue
    end: DateValue


@dataclass(frozen=True)
class Writer(Entry):
    category: str
    description: str | None
    nationality: str | None
    works: tuple[str, ...]
    roles: tuple[str, ...]
    same_as: str | None
    views: tuple[View, ...] = ()  # what they argue, for "Roberts argues that ..."


@dataclass(frozen=True)
class View:
    """A writer's known argument: the words that state it ("defensive", "deal with
    Hitler"), any one of which, in a clause said to be their view, agrees with it."""

    words: tuple[str, ...]
    said: str


@dataclass(frozen=True)
class State(Entry):
    # Its seats of government: "Moscow signed" is the Soviet government signing.
    capitals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Organisation(Entry):
    founded: DateValue | None
    dissolved: DateValue | None


@dataclass(frozen=True)
class Office(Entry):
    state: str | None
    single_holder: bool
    organisation: str | None = None  # the organisation the office belongs to
    foreign_affairs: bool = False  # its holder answers for the state's treaties


@dataclass(frozen=True)
class Figure(Entry):
    topic: str
    subject: str
    unit: str
    keywords: tuple[str, ...]
    # {"min", "max"}, or {"value", "of"} when unit is ratio; kept out of hash (a mapping).
    accepted: Mapping[str, float] = field(compare=False)
    correct: str
    qualifiers: tuple[str, ...]  # the claim must also contain one of these (if any)


@dataclass(frozen=True)
class Misconception(Entry):
    error: str
    correct: str
    refs: tuple[str, ...]


@dataclass(frozen=True)
class Quotation(Entry):
    """Words someone is well known for, so a quotation given to the wrong speaker or year
    can be corrected. ``name`` is the words as usually quoted; ``aliases`` other wordings."""

    speakers: tuple[str, ...]  # people / writers ids: who said or wrote it
    date: DateValue | None
    occasion: str | None
    event: str | None
    # Short wordings others repeat as ordinary prose or as a slogan ("breathing space"):
    # matched only inside quotation marks, and they only confirm the speaker.
    quoted: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """Choose an entry for an ambiguous alias when the pattern or a context word matches."""

    pattern: str | None
    context: tuple[str, ...]
    choose: str | None  # None: do not link
    paragraph: bool = False  # context words count anywhere in the paragraph, not the sentence


@dataclass(frozen=True)
class Disambiguation:
    alias: str
    default: str | None
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Knowledge:
    """The parsed knowledge.yaml, with lookup by id."""

    events: tuple[Event, ...]
    people: tuple[Person, ...]
    writers: tuple[Writer, ...]
    states: tuple[State, ...]
    organisations: tuple[Organisation, ...]
    offices: tuple[Office, ...]
    figures: tuple[Figure, ...]
    misconceptions: tuple[Misconception, ...]
    disambiguation: tuple[Disambiguation, ...]
    quotations: tuple[Quotation, ...] = ()
    _index: Mapping[str, Entry] = field(init=False, repr=False, compare=False)
    _eras: tuple[Era, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {entry.id: entry for section in SECTIONS for entry in self.by_section(section)}
        object.__setattr__(self, "_index", MappingProxyType(index))
        object.__setattr__(self, "_eras", tuple(era for p in self.people for era in p.led))

    @functools.cached_property
    def common_parties(self) -> frozenset[str]:
        """Parties to more than a tenth of all events ("ussr", "germany"): naming one says
        whose a thing is, not which event it belongs to (worked out once per topic)."""
        counts: dict[str, int] = {}
        for event in self.events:
            for party in event.parties:
                counts[party] = counts.get(party, 0) + 1
        return frozenset(p for p, n in counts.items() if n * 10 > len(self.events))

    @property
    def eras(self) -> tuple[Era, ...]:
        """Every leadership period of every person, in file order (built once: every
        sentence asks)."""
        return self._eras

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id (an Event, Person, ...), or None."""
        return self._index.get(entry_id)

    def state_seated_in(self, place: str) -> str | None:
        """The state whose government sits in ``place`` ("Moscow"), or None."""
        folded = place.casefold()
        return next((s.id for s in self.states
                     if any(c.casefold() == folded for c in s.capitals)), None)

    def by_section(self, section: str) -> tuple[Entry, ...]:
        """The entries of one section, in file order."""
        if section not in SECTIONS:
            raise ValueError(f"unknown knowledge section {section!r}")
        entries: tuple[Entry, ...] = getattr(self, section)
        return entries

    def all_names(self) -> Iterator[tuple[str, str, str, bool]]:
        """Yields (text, entry_id, section, is_wrong_form) for every name an entry answers to."""
        for section in NAMED_SECTIONS:
            for entry in self.by_section(section):
                full = [entry.full_name] if isinstance(entry, Person) and entry.full_name else []
                names = dict.fromkeys([entry.name, *full, *entry.aliases], False)
                for wrong_form in entry.wrong_forms:
                    names.setdefault(wrong_form, True)
                for text, wrong in names.items():
                    yield text, entry.id, section, wrong


@dataclass(frozen=True)
class KeyContent:
    id: str
    label: str
    weight: int
    refs: tuple[str, ...]
    keywords: tuple[str, ...]
    why: str | None


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    path: Path
    period: tuple[DateValue, DateValue]
    subject: str | None
    questions: tuple[tuple[str, str], ...]  # (id, text)
    expected_words: tuple[int, int]  # (min, max)
    key_content: tuple[KeyContent, ...]
    knowledge: Knowledge
    essay_paragraphs: tuple[str, ...]
    sha256: str  # of topic.yaml, knowledge.yaml, essay.md and knowledge/*.yaml, in that order


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack, located precisely enough to fix without searching."""

    file: str
    entry: str
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.entry}" if self.entry else self.file
        if self.field:
            where = f"{where}: {self.field}"
        return f"{where}: {self.message} — {self.fix}"


# --- names -----------------------------------------------------------------------------

_FOLD = str.maketrans(
    {**dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
     **dict.fromkeys("\u2018\u2019\u201b\u02bc\u00b4`\u2032", "'")}
)


def normalise_name(text: str) -> str:
    """The form two names are compared in: case, dashes, apostrophes, spaces, "the " ignored."""
    text = " ".join(unicodedata.normalize("NFKC", text).translate(_FOLD).casefold().split())
    return text[4:] if text.startswith("the ") else text


# --- finding and loading ---------------------------------------------------------------


def topics_root() -> Path:
    """Where shipped topics live: inside the installed package, else the repo checkout."""
    here = Path(__file__).resolve()
    packaged = here.parent / "_data" / "reference_essay"
    return packaged if packaged.is_dir() else here.parents[1] / "reference_essay"


def list_topics() -> list[str]:
    """Ids of the shipped topics; an incomplete folder is listed so a check reports it."""
    root = topics_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name[0] not in "._")


def load_topic(name_or_path: str | Path) -> Topic:
    """Loads a topic by id or folder path; raises MarkerError if the pack has any problem."""
    folder = _resolve(name_or_path)
    names = [*TOPIC_FILES, *_knowledge_parts(folder)]
    stamps = tuple(_stamp(folder / name) for name in names)
    return _load_cached(folder, stamps)


def check_topic(path: str | Path) -> list[Problem]:
    """Every problem in a pack (empty when it is valid); content problems never raise."""
    return _analyse(_resolve(path))[0]


def _resolve(name_or_path: str | Path) -> Path:
    """A bare topic id means a shipped topic, unless only a local folder of that name exists."""
    if isinstance(name_or_path, str) and _TOPIC_ID.fullmatch(name_or_path):
        shipped = topics_root() / name_or_path
        if shipped.is_dir() or not Path(name_or_path).is_dir():
            return shipped
    return Path(name_or_path).expanduser().resolve()


def _knowledge_parts(folder: Path) -> list[str]:
    """The extra knowledge files of a pack (``knowledge/*.yaml``), relative, in name order."""
    part_dir = folder / KNOWLEDGE_DIR
    if not part_dir.is_dir():
        return []
    return [f"{KNOWLEDGE_DIR}/{p.name}" for p in sorted(part_dir.glob("*.yaml"))
            if not p.name.startswith((".", "_"))]


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=16)
def _load_cached(folder: Path, stamps: tuple[tuple[int, int] | None, ...]) -> Topic:
    """Keyed on the files' mtimes and sizes so an edited pack is re-read, an unchanged one not.

    A pack validated once is read back from the compiled cache (keyed by the files' bytes
    and marker's code), skipping YAML and validation; a pack with problems is never saved.
    """
    from . import cache

    digest = _content_hash(folder)
    # The folder's name is checked against the id: a copy under another name is checked anew.
    key = cache.entry_key("topic", digest, folder.name) if digest is not None else None
    stored = cache.read("topic", key) if key is not None else None
    if stored is not None:
        with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
            return _build_topic(folder, _Parsed.from_json(stored["parsed"].tobytes()))
    problems, parsed = _analyse(folder)
    if parsed is None:
        raise MarkerError(_summary(folder, problems))
    if key is not None and parsed.sha256 == digest:
        import numpy as np

        with contextlib.suppress(ValueError):  # a value JSON cannot hold (NaN): not cached
            cache.write("topic", key,
                        {"parsed": np.frombuffer(parsed.to_json(), dtype=np.uint8)})
    return _build_topic(folder, parsed)


def _content_hash(folder: Path) -> str | None:
    """The hash :func:`_analyse` gives the pack (its files' bytes in order), or None when a
    file is missing or unreadable (then the full check says why)."""
    digest = hashlib.sha256()
    try:
        for name in [*TOPIC_FILES, *_knowledge_parts(folder)]:
            digest.update((folder / name).read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def _summary(folder: Path, problems: list[Problem]) -> str:
    first = problems[0]
    if first.file in TOPIC_FILES or first.file.startswith(f"{KNOWLEDGE_DIR}/"):
        first = replace(first, file=str(folder / first.file))
    if len(problems) == 1:
        return str(first)
    return (
        f"{len(problems)} problems; first: {first} "
        f"(run `marker topic check {folder}` to list them all)"
    )


# --- YAML with line numbers ------------------------------------------------------------


class _Map(dict[str, Any]):
    """A YAML mapping that remembers its line and any key written twice (YAML keeps the last)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}
        self.duplicates: list[tuple[str, int, int]] = []


_SCALAR = yaml.constructor.SafeConstructor()
_TAG = "tag:yaml.org,2002:"


def _convert(node: yaml.Node, memo: dict[int, Any]) -> Any:
    """Node tree to plain values; dates stay text so a bad one is reported, not a crash."""
    if id(node) in memo:
        return memo[id(node)]
    if isinstance(node, yaml.MappingNode):
        mapping = memo[id(node)] = _Map(node.start_mark.line + 1)
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "<complex key>"
            line = key_node.start_mark.line + 1
            if key in mapping:
                mapping.duplicates.append((key, mapping.key_lines[key], line))
            mapping.key_lines[key] = line
            mapping[key] = _convert(value_node, memo)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items: list[Any] = []
        memo[id(node)] = items
        items.extend(_convert(item, memo) for item in node.value)
        return items
    if node.tag == _TAG + "null":
        return None
    if node.tag == _TAG + "bool":
        return _SCALAR.construct_yaml_bool(node)
    if node.tag == _TAG + "int":
        return _SCALAR.construct_yaml_int(node)
    if node.tag == _TAG + "float":
        return _SCALAR.construct_yaml_float(node)
    return node.value


def _compose(text: str) -> yaml.Node | None:
    """The node tree, by libyaml when PyYAML has it (ten times faster on a knowledge file);
    a file libyaml refuses is composed again in Python, whose messages the checks report."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        with contextlib.suppress(yaml.YAMLError):
            return yaml.compose(text, Loader=loader)
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _parse_yaml(chk: _Check, text: str) -> Any:
    """The file's content, or None after reporting a syntax error with line and column."""
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        chk.add("", "", f"invalid YAML{where}: {what}",
                "fix the YAML there (indentation, colons, quotes)")
        return None
    except yaml.YAMLError as exc:
        chk.add("", "", f"invalid YAML: {' '.join(str(exc).split())}", "fix the YAML there")
        return None
    if node is None:
        chk.add("", "", "is empty", "fill it in (see docs/topic-format.md)")
        return None
    return _convert(node, {})


# --- validation machinery --------------------------------------------------------------


class _Check:
    """Problems for one file, plus what is only checkable once every entry has been read."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.refs: list[tuple[str, str, str, tuple[str, ...]]] = []  # entry, field, id, sections
        self.ids: list[tuple[str, str, int]] = []  # id, where, line
        self.entries: list[tuple[str, str, _Map]] = []  # section, label, raw entry

    def add(self, entry: str, field_name: str, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file, entry, field_name, message, fix))

    def wrong(self, entry: str, field_name: str, value: Any, expect: str) -> None:
        quotable = isinstance(value, (bool, int, float)) and expect in ("text", "an ISO date")
        fix = "put it in quotes" if quotable else f"write {expect}"
        self.add(entry, field_name, f"must be {expect}, got {_describe(value)}", fix)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"{value!r}"
    return "a mapping" if isinstance(value, dict) else "a list"


def _did_you_mean(word: str, options: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=_CLOSE)
    return f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(options)}"


_CheckFn = Callable[[_Check, str, str, Any], None]
_PostFn = Callable[[_Check, str, str, _Map], None]


@dataclass(frozen=True)
class _Field:
    check: _CheckFn
    expect: str
    required: bool = False

    @property
    def needed(self) -> _Field:
        return replace(self, required=True)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _check_mapping(
    chk: _Check, entry: str, where: str, value: Any, schema: Mapping[str, _Field], noun: str = "key"
) -> bool:
    """Checks keys against the schema and each value; False when it is not a mapping at all."""
    if not isinstance(value, _Map):
        chk.wrong(entry, where, value, "a mapping (key: value lines)")
        return False
    for key, first, again in value.duplicates:
        chk.add(entry, _join(where, key), f"written twice (lines {first} and {again})", "keep one")
    for key in value:
        if key not in schema:
            chk.add(entry, _join(where, key), f"unknown {noun}", _did_you_mean(key, list(schema)))
    for key, spec in schema.items():
        item = value.get(key)
        if item is not None:
            spec.check(chk, entry, _join(where, key), item)
        elif spec.required:
            state = "is empty" if key in value else "missing"
            chk.add(entry, _join(where, key), state, f"add `{key}:` with {spec.expect}")
    return True


def _check_text(chk: _Check, entry: str, field_name: str, value: Any) -> None:
    if not isinstance(value, str):
        chk.wrong(entry, field_name, value, "text")
    elif not value.strip():
        chk.add(entry, field_name, "is empty", "write the text")


def _check_clause(chk: _Check, entry: str, field_name: str, value: Any) -> None:
    """Feedback appends the date and the rest of its sentence to a clause."""
    _check_text(chk, entry, field_name, value)
    if isinstance(value, str) and value.strip().endswith((".", "!", "?", ";", ",")):
        chk.add(entry, field_name, "ends with punctuation",
                "write the clause without a full stop: feedback adds the date after it")


def _check_id(chk: _Check, entry: str, field_name: str, value: Any) -> None:
    _check_text(chk, entry, field_name, value)
    if isinstance(value, str) and value.strip() and not _SNAKE_CASE.fullmatch(value):
        chk.add(entry, field_name, f"{value!r} is not snake_case",
                "use lower-case letters, digits and underscores, starting with a letter")


def _check_date(chk: _Check, entry: str, field_name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        chk.wrong(entry, field_name, value, "an ISO date")
        return
    try:
        DateValue.parse(str(value))
    except ValueError as exc:
        chk.add(entry, field_name, str(exc), _DATE_FIX)


def _check_bool(chk: _Check, entry: str, field_name: str, value: Any) -> None:
    if not isinstance(value, bool):
        chk.wrong(entry, field_name, value, "true or false")


def _check_number(chk: _Check, entry: str, field_name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        chk.wrong(entry, field_name, value, "a number")


def _check_int(chk: _Check, entry: str, field_name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        chk.wrong(entry, field_name, value, "a whole number")


def _check_weight(chk: _Check, entry: str, field_name: str, value: Any) -> None:
    _check_int(chk, entry, field_name, value)
    if isinstance(value, int) and not isinstance(value, bool) and not 1 <= value <= 5:
        chk.add(entry, field_name, f"{value} is outside 1..5",
                "use 1 (minor) to 5 (essential)")


def _check_regex(chk: _Check, entry: str, field_name: str, value: Any) -> None:
    _check_text(chk, entry, field_name, value)
    if isinstance(value, str):
        try:
            re.compile(value)
        except re.error as exc:
            chk.add(entry, field_name, f"invalid regular expression {value!r}: {exc}",
                    "fix the pattern (Python re syntax; escape ( ) . ? with a backslash)")


def _choice(options: tuple[str, ...]) -> _CheckFn:
    def check(chk: _Check, entry: str, field_name: str, value: Any) -> None:
        _check_text(chk, entry, field_name, value)
        if isinstance(value, str) and value.strip() and value not in options:
            chk.add(entry, field_name, f"{value!r} is not one of: {', '.join(options)}",
                    _did_you_mean(value, options))
    return check


def _ref(sections: tuple[str, ...]) -> _CheckFn:
    """An id; whether it exists is checked once the whole knowledge file is read."""
    def check(chk: _Check, entry: str, field_name: str, value: Any) -> None:
        _check_text(chk, entry, field_name, value)
        if isinstance(value, str) and value.strip():
            chk.refs.append((entry, field_name, value, sections))
    return check


def _list_of(item: _CheckFn, expect: str, empty_fix: str | None = None) -> _CheckFn:
    def check(chk: _Check, entry: str, field_name: str, value: Any) -> None:
        if not isinstance(value, list):
            chk.wrong(entry, field_name, value, expect)
            return
        if empty_fix and not value:
            chk.add(entry, field_name, "is empty", empty_fix)
        for i, element in enumerate(value):
            item(chk, entry, f"{field_name}[{i}]", element)
    return check


def _nested(schema: Mapping[str, _Field], post: _PostFn | None = None) -> _CheckFn:
    def check(chk: _Check, entry: str, field_name: str, value: Any) -> None:
        if _check_mapping(chk, entry, field_name, value, schema) and post:
            post(chk, entry, field_name, value)
    return check


def _entries(
    schema: Mapping[str, _Field], post: _PostFn | None = None, key: str = "id"
) -> _CheckFn:
    """A list of entries, each reported under its id (or its alias, for disambiguation)."""
    def check(chk: _Check, _entry: str, section: str, value: Any) -> None:
        if not isinstance(value, list):
            chk.wrong("", section, value, "a list of entries (lines starting with `- `)")
            return
        for i, raw in enumerate(value):
            name = raw.get(key) if isinstance(raw, _Map) else None
            named = isinstance(name, str) and bool(name.strip())
            label = (name if key == "id" else f"{section}[{name}]") if named else f"{section}[{i}]"
            if _check_mapping(chk, label, "", raw, schema):
                if post:
                    post(chk, label, "", raw)
                chk.entries.append((section, label, raw))
                if named and key == "id":
                    chk.ids.append((name, f"{section}[{i}]", raw.line))
    return check


def _refs(*sections: str) -> _Field:
    expect = f"a list of {' / '.join(sections) or 'knowledge'} ids"
    return _Field(_list_of(_ref(sections), expect), expect)


def _one_or_list(item: _CheckFn) -> _CheckFn:
    """One value, or a list of them (trigger agents)."""
    many = _list_of(item, "an id or a list of ids")

    def check(chk: _Check, entry: str, field_name: str, value: Any) -> None:
        (many if isinstance(value, list) else item)(chk, entry, field_name, value)
    return check


def _one_ref(*sections: str) -> _Field:
    return _Field(_ref(sections), f"an id from {' or '.join(sections) or 'knowledge.yaml'}")


_ID = _Field(_check_id, "a snake_case id").needed
_TEXT = _Field(_check_text, "text")
_TEXTS = _Field(_list_of(_check_text, "a list of text"), "a list of text")
_DATE = _Field(_check_date, "an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
_DATES = _Field(_list_of(_check_date, "a list of ISO dates"), "a list of ISO dates")
_BOOL = _Field(_check_bool, "true or false")
_NUMBER = _Field(_check_number, "a number")
_SOURCES = _Field(
    _list_of(_check_text, "a list of sources", "list at least one URL or bibliographic reference"),
    "a list of at least one URL or bibliographic reference",
).needed


# --- knowledge.yaml schema -------------------------------------------------------------


def _dates_in(raw: _Map, where: str, key: str) -> list[tuple[str, DateValue]]:
    """The valid dates under a key, labelled for messages; invalid ones were reported already."""
    value = raw.get(key)
    labelled = (
        [(f"{_join(where, key)}[{i}]", v) for i, v in enumerate(value)]
        if isinstance(value, list) else [(_join(where, key), value)]
    )
    out = []
    for label, item in labelled:
        if isinstance(item, (str, int)) and not isinstance(item, bool):
            with contextlib.suppress(ValueError):
                out.append((label, DateValue.parse(str(item))))
    return out


def _order(starts: tuple[str, ...], ends: tuple[str, ...]) -> _PostFn:
    """Reports an end before its start: the main end against the main start, an accepted end
    against the earliest start (it may pair with an accepted start, e.g. both Old Style)."""
    def post(chk: _Check, entry: str, where: str, raw: _Map) -> None:
        main_start = _dates_in(raw, where, starts[0])
        all_starts = [d for key in starts for d in _dates_in(raw, where, key)]
        for key in ends:
            limits = main_start if key == ends[0] and main_start else all_starts
            if not limits:
                continue
            start_label, start = min(limits, key=lambda labelled: labelled[1].start)
            for end_label, end in _dates_in(raw, where, key):
                if end.end < start.start:
                    chk.add(entry, end_label, f"{end.iso!r} is before {start_label} {start.iso!r}",
                            "an end cannot come before the start; correct one of the dates")
        for main, alternatives in ((starts[0], starts[1:]), (ends[0], ends[1:])):
            for alt in alternatives:
                if raw.get(alt) and raw.get(main) is None:
                    chk.add(entry, _join(where, alt), f"given without `{main}`",
                            f"add `{main}:` (the usual date) or remove {alt}")
    return post


_event_order = _order(("date", "accepted_dates"), ("end", "accepted_ends"))


def _event_post(chk: _Check, entry: str, where: str, raw: _Map) -> None:
    _event_order(chk, entry, where, raw)
    if raw.get("parties_complete") is True and not raw.get("parties"):
        chk.add(entry, "parties_complete", "is true but no parties are listed",
                "list the parties or remove parties_complete")
    if raw.get("happened") is False and not raw.get("correct"):
        chk.add(entry, "correct", "missing for an event that did not happen",
                "add `correct:` saying what did happen (the report's correction)")
    if raw.get("happened") is False and raw.get("date") is not None:
        chk.add(entry, "date", "given for an event that did not happen",
                "remove the date (a thing that did not happen has none)")


def _figure_post(chk: _Check, entry: str, where: str, raw: _Map) -> None:
    accepted, unit = raw.get("accepted"), raw.get("unit")
    if not isinstance(accepted, _Map) or unit not in FIGURE_UNITS:
        return
    given = tuple(k for k in ("min", "max", "value", "of") if accepted.get(k) is not None)
    wanted = ("value", "of") if unit == "ratio" else ("min", "max")
    if given != wanted:
        chk.add(entry, "accepted",
                f"has {', '.join(given) or 'nothing'} but unit {unit} needs {' and '.join(wanted)}",
                f"write accepted: {{{wanted[0]}: ..., {wanted[1]}: ...}}")
        return
    low, high = (accepted[k] for k in wanted)
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high))
    if numbers and low > high:
        chk.add(entry, "accepted", f"{wanted[0]} {low} is greater than {wanted[1]} {high}",
                f"make {wanted[0]} no larger than {wanted[1]}")


def _rule_post(chk: _Check, entry: str, where: str, raw: _Map) -> None:
    if raw.get("pattern") is None and not raw.get("context"):
        chk.add(entry, where, "has neither pattern nor context", "add a pattern or context words")


_VIEWS = _Field(_list_of(_nested({"words": _TEXTS.needed, "said": _TEXT.needed}),
                         "a list of {words, said}"), "a list of {words, said}")
_NAMES: dict[str, _Field] = {
    "id": _ID, "name": _TEXT.needed, "aliases": _TEXTS, "wrong_forms": _TEXTS,
    "case_sensitive_aliases": _TEXTS,
}
_TRIGGER = {
    "entity": _one_ref().needed,
    "verbs": _Field(_list_of(_check_text, "a list of verbs", "list at least one verb lemma"),
                    "a list of verb lemmas").needed,
    "role": _Field(_choice(TRIGGER_ROLES), "subject, object or any"),
    "agent": _Field(_one_or_list(_ref(())), "an id or a list of ids"),
    "requires": _refs(),
    "words": _TEXTS,
}
_AGREED = {
    "verbs": _Field(_list_of(_check_text, "a list of verbs", "list at least one verb lemma"),
                    "a list of verb lemmas").needed,
    "objects": _TEXTS.needed, "subjects": _refs("states", "organisations", "people"),
    "to": _refs("states", "organisations", "people"), "said": _TEXT, "refused": _BOOL,
}
_TERM = {
    "office": _one_ref("offices").needed,
    "start": _DATE.needed, "end": _DATE,
    "accepted_starts": _DATES, "accepted_ends": _DATES,
    "title": _TEXT,
}
_term_order = _order(("start", "accepted_starts"), ("end", "accepted_ends"))
_ACCEPTED = {"min": _NUMBER, "max": _NUMBER, "value": _NUMBER, "of": _NUMBER}
_RULE = {
    "pattern": _Field(_check_regex, "a regular expression"),
    "context": _TEXTS,
    "choose": _one_ref(),
    "paragraph": _BOOL,
}
_LED = {
    "state": _one_ref("states").needed,
    "start": _DATE.needed, "end": _DATE.needed,
}
_JOINED = {"party": _one_ref("states", "organisations").needed, "date": _DATE.needed}
_KNOWLEDGE_SCHEMAS: dict[str, tuple[dict[str, _Field], _PostFn | None]] = {
    "states": ({**_NAMES, "sources": _SOURCES, "capitals": _TEXTS, "alias_periods": _Field(
        _list_of(_nested({"aliases": _TEXTS.needed, "from": _DATE.needed}),
                 "a list of {aliases, from}"), "a list of {aliases, from}")}, None),
    "organisations": (
        {**_NAMES, "founded": _DATE, "dissolved": _DATE, "accepted_founded": _DATES,
         "accepted_dissolved": _DATES, "sources": _SOURCES},
        _order(("founded",), ("dissolved",)),
    ),
    "offices": (
        {**_NAMES, "state": _one_ref("states", "organisations"), "single_holder": _BOOL,
         "organisation": _one_ref("organisations"), "foreign_affairs": _BOOL,
         "sources": _SOURCES}, None
    ),
    "events": (
        {
            **_NAMES,
            "kind": _TEXT.needed,
            "date": _DATE, "end": _DATE, "accepted_dates": _DATES, "accepted_ends": _DATES,
            "parties": _refs("states", "organisations", "people"),
            "parties_complete": _BOOL,
            "signatories": _refs("people"),
            "leader": _one_ref("people"),
            "triggers": _Field(
                _list_of(_nested(_TRIGGER), "a list of triggers"), "a list of triggers"
            ),
            "significance": _TEXT,
            "misconceptions": _refs("misconceptions"),
            "signatories_complete": _BOOL, "ratified": _BOOL, "date_note": _TEXT,
            "in_force_until": _DATE,
            "clause": _Field(_check_clause, "a clause"),
            "non_signatories": _refs("people"),
            "non_parties": _refs("states", "organisations"),
            "places": _TEXTS,
            "joined": _Field(_list_of(_nested(_JOINED), "a list of {party, date}"),
                             "a list of {party, date}"),
            "happened": _BOOL, "correct": _TEXT,
            "terms": _Field(_list_of(_nested(_AGREED), "a list of terms"),
                            "a list of {verbs, objects, subjects, to, said}"),
            "features": _VIEWS,
            "sources": _SOURCES,
        },
        _event_post,
    ),
    "people": (
        {
            **_NAMES,
            "full_name": _TEXT,
            "category": _Field(_choice(PERSON_CATEGORIES), "a person category").needed,
            "description": _TEXT, "nationality": _TEXT,
            "born": _DATE, "died": _DATE, "accepted_born": _DATES, "accepted_died": _DATES,
            "fate": _Field(_choice(FATES), "how they died"), "death_place": _TEXT,
            "offices": _Field(_list_of(_nested(_TERM, _term_order), "a list of office terms"),
                              "a list of office terms"),
            "roles": _TEXTS,
            "led": _Field(_list_of(_nested(_LED, _order(("start",), ("end",))),
                                   "a list of {state, start, end}"),
                          "a list of {state, start, end}"),
            "views": _VIEWS,
            "sources": _SOURCES,
        },
        _order(("born",), ("died",)),
    ),
    "writers": (
        {
            **_NAMES,
            "category": _Field(_choice(WRITER_CATEGORIES), "a writer category").needed,
            "description": _TEXT, "nationality": _TEXT, "works": _TEXTS,
            "born": _DATE, "died": _DATE, "roles": _TEXTS, "same_as": _one_ref("people"),
            "views": _VIEWS,
            "sources": _SOURCES,
        },
        None,
    ),
    "figures": (
        {
            "id": _ID, "topic": _TEXT.needed, "subject": _one_ref("events").needed,
            "unit": _Field(_choice(FIGURE_UNITS), "percent, count or ratio").needed,
            "keywords": _TEXTS,
            "accepted": _Field(
                _nested(_ACCEPTED), "{min: ..., max: ...} or {value: ..., of: ...}"
            ).needed,
            "correct": _TEXT.needed,
            "qualifiers": _TEXTS,
            "sources": _SOURCES,
        },
        _figure_post,
    ),
    "misconceptions": (
        {"id": _ID, "error": _TEXT.needed, "correct": _TEXT.needed, "refs": _refs(),
         "sources": _SOURCES},
        None,
    ),
    "quotations": (
        {"id": _ID, "name": _TEXT.needed, "aliases": _TEXTS, "quoted": _TEXTS,
         "speakers": _refs("people", "writers").needed, "date": _DATE,
         "occasion": _TEXT, "event": _one_ref("events"), "sources": _SOURCES},
        None,
    ),
}
_KNOWLEDGE: dict[str, _Field] = {
    **{
        section: _Field(_entries(schema, post), "a list of entries")
        for section, (schema, post) in _KNOWLEDGE_SCHEMAS.items()
    },
    "disambiguation": _Field(
        _entries(
            {"alias": _TEXT.needed, "default": _one_ref(),
             "rules": _Field(_list_of(_nested(_RULE, _rule_post), "a list of rules"),
                             "a list of rules")},
            key="alias",
        ),
        "a list of disambiguation entries",
    ),
}


def _read_knowledge(chk: _Check, text: str) -> _Map | None:
    """Parses and validates one knowledge file's sections (ids are checked across files)."""
    top = _parse_yaml(chk, text)
    if top is None:
        return None
    if not isinstance(top, _Map):
        chk.add("", "", f"top level is {_describe(top)}, not a mapping",
                "start with section names such as `events:` at the left margin")
        return None
    _check_mapping(chk, "", "", top, _KNOWLEDGE, noun="section")
    return top


def _check_knowledge(parts: list[tuple[_Check, str]]) -> tuple[_Map | None, dict[str, str]]:
    """Validates knowledge.yaml and any knowledge/*.yaml together (ids, names and references
    span the files); returns the sections merged in file order, and every id's section."""
    tops = [(chk, _read_knowledge(chk, text)) for chk, text in parts]
    if any(top is None for _chk, top in tops):
        return None, {}
    checks = [chk for chk, _top in tops]
    ids = _check_duplicate_ids(checks)
    _check_shared_names(checks)
    _resolve_refs(checks, ids)
    merged = _Map(1)
    for _chk, top in tops:
        for section, entries in (top or {}).items():
            if isinstance(entries, list):
                merged.setdefault(section, []).extend(entries)
    return merged, ids


def _check_duplicate_ids(checks: list[_Check]) -> dict[str, str]:
    """Reports each id used twice, naming both places; returns id -> section (first use)."""
    first: dict[str, tuple[str, str, int]] = {}
    for chk in checks:
        for entry_id, where, line in chk.ids:
            if entry_id in first:
                file, other, other_line = first[entry_id]
                at = f"line {other_line}" if file == chk.file else f"{file} line {other_line}"
                chk.add(entry_id, "id", f"duplicate id {entry_id!r}: {other} ({at}) and "
                        f"{where} (line {line})", "give each entry its own id")
            else:
                first[entry_id] = (chk.file, where, line)
    return {entry_id: where.split("[")[0] for entry_id, (_f, where, _l) in first.items()}


def _raw_names(section: str, raw: _Map) -> Iterator[tuple[str, str]]:
    """(field, text) for every name of a raw entry, skipping values already reported as bad."""
    keys = ("name", "full_name") if section == "people" else ("name",)
    for key in keys:
        if isinstance(raw.get(key), str):
            yield key, raw[key]
    for key in ("aliases", "wrong_forms"):
        if isinstance(raw.get(key), list):
            yield from ((f"{key}[{i}]", t) for i, t in enumerate(raw[key]) if isinstance(t, str))


def _check_shared_names(checks: list[_Check]) -> None:
    """A name two sections share makes linking a guess unless a disambiguation entry decides it."""
    covered = {
        normalise_name(raw["alias"])
        for chk in checks
        for section, _label, raw in chk.entries
        if section == "disambiguation" and isinstance(raw.get("alias"), str)
    }
    seen_alias: dict[str, tuple[str, int]] = {}  # normalised -> (label, line)
    owners: dict[str, tuple[str, str, str]] = {}  # normalised -> (label, section, text)
    for chk, section, label, raw in (
        (owner, *entry) for owner in checks for entry in owner.entries
    ):
        if section == "disambiguation":
            alias = raw.get("alias")
            if isinstance(alias, str) and alias.strip():
                key = normalise_name(alias)
                if key in seen_alias:
                    other, line = seen_alias[key]
                    chk.add(label, "alias",
                            f"{alias!r} already has an entry ({other}, line {line})",
                            "merge the two into one entry")
                seen_alias.setdefault(key, (label, raw.line))
            continue
        if section not in NAMED_SECTIONS:
            continue
        for field_name, text in _raw_names(section, raw):
            key = normalise_name(text)
            owner = owners.setdefault(key, (label, section, text))
            if key and owner[1] != section and key not in covered:
                chk.add(label, field_name, f"{text!r} is also a name of {owner[0]} ({owner[1]}) "
                        "and no disambiguation entry covers it",
                        f"add a disambiguation entry with alias: {text!r}, "
                        "or drop the name from one")
                covered.add(key)  # one report per shared name


def _resolve_refs(checks: list[_Check], ids: Mapping[str, str]) -> None:
    for chk, (entry, field_name, target, sections) in (
        (owner, ref) for owner in checks for ref in owner.refs
    ):
        section = ids.get(target)
        if section is None:
            close = difflib.get_close_matches(target, list(ids), n=1, cutoff=_CLOSE)
            chk.add(entry, field_name, f"{target!r} is not an id in the topic's knowledge",
                    f"did you mean '{close[0]}'?" if close
                    else "use the id of an existing entry, or add the entry")
        elif sections and section not in sections:
            chk.add(entry, field_name, f"{target!r} is in {section}, not {' or '.join(sections)}",
                    f"use an id from {' or '.join(sections)}")


# --- topic.yaml ------------------------------------------------------------------------


def _check_topic_id(chk: _Check, entry: str, field_name: str, value: Any) -> None:
    _check_text(chk, entry, field_name, value)
    if isinstance(value, str) and value.strip() and not _TOPIC_ID.fullmatch(value):
        chk.add(entry, field_name, f"{value!r} is not a kebab-case topic id",
                "use lower-case letters, digits and hyphens")


def _key_content_post(chk: _Check, entry: str, where: str, raw: _Map) -> None:
    if not raw.get("refs") and not raw.get("keywords"):
        chk.add(entry, "refs", "neither refs nor keywords are given, so it can never be covered",
                "add knowledge ids to refs or phrases to keywords")


def _words_post(chk: _Check, entry: str, where: str, raw: _Map) -> None:
    low, high = raw.get("min"), raw.get("max")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        chk.add(entry, where, f"min {low} is greater than max {high}",
                "make min no larger than max")


_INT = _Field(_check_int, "a whole number")
_TOPIC: dict[str, _Field] = {
    "id": _Field(_check_topic_id, "the topic id (the folder name)").needed,
    "title": _TEXT.needed,
    "period": _Field(
        _nested({"start": _DATE.needed, "end": _DATE.needed}, _order(("start",), ("end",))),
        '{start: "YYYY-MM", end: "YYYY-MM"}',
    ).needed,
    "subject": _TEXT,
    "questions": _Field(_entries({"id": _ID, "text": _TEXT.needed}), "a list of questions").needed,
    "expected_words": _Field(_nested({"min": _INT.needed, "max": _INT.needed}, _words_post),
                             "{min: ..., max: ...}").needed,
    "key_content": _Field(
        _entries(
            {"id": _ID, "label": _TEXT.needed,
             "weight": _Field(_check_weight, "a weight from 1 to 5").needed,
             "refs": _refs(), "keywords": _TEXTS, "why": _TEXT},
            _key_content_post,
        ),
        "a list of key content items",
    ).needed,
}


def _check_topic_file(
    chk: _Check, text: str, folder: Path, ids: Mapping[str, str] | None
) -> _Map | None:
    """Validates topic.yaml; refs are checked against knowledge ids when knowledge.yaml loaded."""
    top = _parse_yaml(chk, text)
    if top is None:
        return None
    if not isinstance(top, _Map):
        chk.add("", "", f"top level is {_describe(top)}, not a mapping",
                "start with `id:`, `title:` ... at the left margin")
        return None
    _check_mapping(chk, "", "", top, _TOPIC)
    topic_id = top.get("id")
    if isinstance(topic_id, str) and topic_id != folder.name:
        chk.add("", "id", f"{topic_id!r} does not match the folder name {folder.name!r}",
                "make the id and the folder name the same")
    _check_duplicate_ids([chk])
    if ids is not None:
        _resolve_refs([chk], ids)
    return top


# --- essay.md --------------------------------------------------------------------------

_HEADING = re.compile(r" {0,3}#{1,6}(?:\s|$)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_EMPHASIS = (
    re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(?<![\w*])(\*)(?=\S)(.+?)(?<=\S)\*(?![\w*])"),
    re.compile(r"(?<!\w)(_)(?=\S)(.+?)(?<=\S)_(?!\w)"),
)


def essay_paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs as a reader sees them: headings and comments dropped, emphasis marks removed."""
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", _COMMENT.sub("", text)):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip() and not _HEADING.match(ln)]
        if lines:
            paragraph = " ".join(lines)
            for pattern in _EMPHASIS:
                paragraph = pattern.sub(r"\2", paragraph)
            paragraphs.append(paragraph)
    return tuple(paragraphs)


# --- putting it together ---------------------------------------------------------------


@dataclass(frozen=True)
class _Parsed:
    """A valid pack's files as plain data: what the compiled cache keeps."""

    topic: dict[str, Any]
    knowledge: dict[str, Any]
    paragraphs: tuple[str, ...]
    sha256: str

    def to_json(self) -> bytes:
        return json.dumps({"topic": self.topic, "knowledge": self.knowledge,
                           "paragraphs": self.paragraphs, "sha256": self.sha256},
                          ensure_ascii=False, allow_nan=False).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> _Parsed:
        plain = json.loads(data.decode("utf-8"))
        if not (isinstance(plain["topic"], dict) and isinstance(plain["knowledge"], dict)):
            raise TypeError("not a compiled topic")
        return cls(plain["topic"], plain["knowledge"], tuple(plain["paragraphs"]),
                   str(plain["sha256"]))


def _analyse(folder: Path) -> tuple[list[Problem], _Parsed | None]:
    """All problems in the pack, and the parsed files when there are none."""
    if not folder.is_dir():
        shipped = ", ".join(list_topics()) or "none installed"
        return [Problem(str(folder), "", "", "no such topic folder",
                        f"give a topic id ({shipped}) or the path of a folder holding "
                        f"{', '.join(TOPIC_FILES)}")], None
    names = [*TOPIC_FILES, *_knowledge_parts(folder)]
    checks = {name: _Check(name) for name in names}
    texts: dict[str, str] = {}
    digest = hashlib.sha256()
    for name in names:
        path = folder / name
        if not path.is_file():
            checks[name].add("", "", f"not found in {folder}",
                             "add the file (see docs/topic-format.md)")
            continue
        data = path.read_bytes()
        digest.update(data)
        try:
            texts[name] = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            checks[name].add("", "", f"is not UTF-8 (bad byte at offset {exc.start})",
                             "save the file as UTF-8")
    parts = [name for name in names[1:] if name not in ("essay.md",)]
    knowledge, ids = (
        _check_knowledge([(checks[name], texts[name]) for name in parts])
        if all(name in texts for name in parts) else (None, {})
    )
    topic = (
        _check_topic_file(checks["topic.yaml"], texts["topic.yaml"], folder,
                          ids if knowledge is not None else None)
        if "topic.yaml" in texts else None
    )
    paragraphs = essay_paragraphs(texts.get("essay.md", ""))
    if "essay.md" in texts and not paragraphs:
        checks["essay.md"].add("", "", "has no paragraphs (it is empty or only headings)",
                               "write the model answer, one paragraph per block")
    problems = [problem for check in checks.values() for problem in check.problems]
    if problems or topic is None or knowledge is None:
        return problems, None
    return [], _Parsed(topic, knowledge, paragraphs, digest.hexdigest())


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(value or ())


def _date(value: Any) -> DateValue | None:
    return None if value is None else DateValue.parse(str(value))


def _dates(value: Any) -> tuple[DateValue, ...]:
    return tuple(DateValue.parse(str(v)) for v in value or ())


def _common(section: str, raw: _Map, name: str | None = None) -> dict[str, Any]:
    return {
        "id": raw["id"], "section": section, "name": name if name is not None else raw["name"],
        "aliases": _texts(raw.get("aliases")), "wrong_forms": _texts(raw.get("wrong_forms")),
        "sources": _texts(raw["sources"]), "data": _freeze(raw),
        "case_sensitive": _texts(raw.get("case_sensitive_aliases")),
    }


def _event(raw: _Map) -> Event:
    return Event(
        **_common("events", raw),
        kind=raw["kind"], date=_date(raw.get("date")), end=_date(raw.get("end")),
        accepted_dates=_dates(raw.get("accepted_dates")),
        accepted_ends=_dates(raw.get("accepted_ends")),
        parties=_texts(raw.get("parties")), parties_complete=raw.get("parties_complete") is True,
        signatories=_texts(raw.get("signatories")), leader=raw.get("leader"),
        triggers=tuple(
            Trigger(t["entity"], _texts(t["verbs"]), t.get("role") or "any",
                    _ids(t.get("agent")), _texts(t.get("requires")),
                    tuple(w.lower() for w in _texts(t.get("words"))))
            for t in raw.get("triggers") or ()
        ),
        significance=raw.get("significance"), misconceptions=_texts(raw.get("misconceptions")),
        signatories_complete=raw.get("signatories_complete") is True,
        non_signatories=_texts(raw.get("non_signatories")),
        non_parties=_texts(raw.get("non_parties")),
        ratified=raw.get("ratified"), date_note=raw.get("date_note"),
        clause=raw.get("clause"), places=_texts(raw.get("places")),
        joined=tuple(Joined(j["party"], _date(j["date"])) for j in raw.get("joined") or ()),
        happened=raw.get("happened") is not False, correct=raw.get("correct"),
        in_force_until=_date(raw.get("in_force_until")),
        terms=tuple(AgreedTerm(_texts(t["verbs"]), _texts(t["objects"]),
                               _texts(t.get("subjects")), _texts(t.get("to")), t.get("said"),
                               bool(t.get("refused")))
                    for t in raw.get("terms") or ()),
        features=_views(raw, "features"),
    )


def _ids(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _person(raw: _Map) -> Person:
    return Person(
        **_common("people", raw),
        full_name=raw.get("full_name"), category=raw["category"],
        description=raw.get("description"), nationality=raw.get("nationality"),
        born=_date(raw.get("born")), died=_date(raw.get("died")),
        offices=tuple(
            OfficeTerm(
                office=t["office"], start=DateValue.parse(str(t["start"])), end=_date(t.get("end")),
                accepted_starts=_dates(t.get("accepted_starts")),
                accepted_ends=_dates(t.get("accepted_ends")), title=t.get("title"),
            )
            for t in raw.get("offices") or ()
        ),
        roles=_texts(raw.get("roles")),
        led=tuple(Era(raw["id"], t["state"], DateValue.parse(str(t["start"])),
                      DateValue.parse(str(t["end"]))) for t in raw.get("led") or ()),
        fate=raw.get("fate"), death_place=raw.get("death_place"), views=_views(raw),
    )


def _writer(raw: _Map) -> Writer:
    return Writer(
        **_common("writers", raw), category=raw["category"], description=raw.get("description"),
        nationality=raw.get("nationality"), works=_texts(raw.get("works")),
        roles=_texts(raw.get("roles")), same_as=raw.get("same_as"),
        views=_views(raw),
    )


def _views(raw: _Map, key: str = "views") -> tuple[View, ...]:
    return tuple(View(tuple(w.lower() for w in _texts(v["words"])), v["said"])
                 for v in raw.get(key) or ())


def _figure(raw: _Map) -> Figure:
    accepted = {key: float(value) for key, value in raw["accepted"].items() if value is not None}
    return Figure(
        **_common("figures", raw, raw["topic"]),
        topic=raw["topic"], subject=raw["subject"], unit=raw["unit"],
        keywords=_texts(raw.get("keywords")), accepted=MappingProxyType(accepted),
        correct=raw["correct"], qualifiers=_texts(raw.get("qualifiers")),
    )


def _build_knowledge(top: _Map) -> Knowledge:
    def section(name: str, make: Callable[[_Map], Any]) -> tuple[Any, ...]:
        return tuple(make(raw) for raw in top.get(name) or ())

    return Knowledge(
        events=section("events", _event),
        people=section("people", _person),
        writers=section("writers", _writer),
        states=section("states", lambda raw: State(**_common("states", raw),
                                                  capitals=_texts(raw.get("capitals")))),
        organisations=section("organisations", lambda raw: Organisation(
            **_common("organisations", raw),
            founded=_date(raw.get("founded")), dissolved=_date(raw.get("dissolved")))),
        offices=section("offices", lambda raw: Office(
            **_common("offices", raw), state=raw.get("state"),
            single_holder=raw.get("single_holder") is True,
            organisation=raw.get("organisation"),
            foreign_affairs=raw.get("foreign_affairs") is True)),
        figures=section("figures", _figure),
        misconceptions=section("misconceptions", lambda raw: Misconception(
            **_common("misconceptions", raw, raw["error"]),
            error=raw["error"], correct=raw["correct"], refs=_texts(raw.get("refs")))),
        quotations=section("quotations", lambda raw: Quotation(
            **_common("quotations", raw), speakers=_texts(raw["speakers"]),
            date=_date(raw.get("date")), occasion=raw.get("occasion"), event=raw.get("event"),
            quoted=_texts(raw.get("quoted")))),
        disambiguation=section("disambiguation", lambda raw: Disambiguation(
            alias=raw["alias"], default=raw.get("default"),
            rules=tuple(Rule(r.get("pattern"), _texts(r.get("context")), r.get("choose"),
                             r.get("paragraph") is True)
                        for r in raw.get("rules") or ()))),
    )


def _build_topic(folder: Path, parsed: _Parsed) -> Topic:
    raw = parsed.topic
    return Topic(
        id=raw["id"], title=raw["title"], path=folder,
        period=(
            DateValue.parse(str(raw["period"]["start"])),
            DateValue.parse(str(raw["period"]["end"])),
        ),
        subject=raw.get("subject"),
        questions=tuple((q["id"], q["text"]) for q in raw["questions"]),
        expected_words=(raw["expected_words"]["min"], raw["expected_words"]["max"]),
        key_content=tuple(
            KeyContent(k["id"], k["label"], k["weight"], _texts(k.get("refs")),
                       _texts(k.get("keywords")), k.get("why"))
            for k in raw["key_content"]
        ),
        knowledge=_build_knowledge(parsed.knowledge),
        essay_paragraphs=parsed.paragraphs,
        sha256=parsed.sha256,
    )
