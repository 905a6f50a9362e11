"""Topic packs: the fixture loads cleanly, and each kind of mistake is reported precisely.

Broken packs are copies of tests/data/topics/mini-topic with one edit each, so every test
shows exactly which change causes which message.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marker import topic as topic_module
from marker.errors import MarkerError
from marker.topic import (
    DEFAULT_TOPIC,
    TOPIC_FILES,
    DateValue,
    Event,
    Person,
    Problem,
    check_topic,
    essay_paragraphs,
    list_topics,
    load_topic,
    normalise_name,
    topics_root,
)

MINI = Path(__file__).parent / "data" / "topics" / "mini-topic"
SHIPPED = Path(__file__).resolve().parents[1] / "reference_essay" / DEFAULT_TOPIC
K, T, E = "knowledge.yaml", "topic.yaml", "essay.md"


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the fixture with one exact, unique edit."""
    folder = tmp_path / "mini-topic"
    shutil.copytree(MINI, folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture edit {old!r} must match exactly once"
    (folder / file).write_text(text.replace(old, new), encoding="utf-8")
    return folder


def only_problem(folder: Path) -> Problem:
    problems = check_topic(folder)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# --- the valid fixture -----------------------------------------------------------------


def test_fixture_has_no_problems() -> None:
    assert check_topic(MINI) == []


def test_fixture_loads_into_typed_dataclasses() -> None:
    topic = load_topic(MINI)
    assert topic.id == "mini-topic"
    assert topic.path == MINI.resolve()
    assert topic.period[0].start == date(1961, 4, 1) and topic.period[1].end == date(1962, 11, 30)
    assert topic.questions == (("causes", "Why did the Cuban Missile Crisis end without war?"),)
    assert topic.expected_words == (300, 900)
    assert [k.id for k in topic.key_content] == ["missiles_found", "quarantine", "settlement"]
    assert topic.key_content[2].weight == 5 and topic.key_content[2].refs == ("settlement",)

    kb = topic.knowledge
    quarantine = kb.get("naval_quarantine")
    assert isinstance(quarantine, Event) and quarantine.section == "events"
    assert quarantine.date is not None and quarantine.date.precision == "day"
    assert [d.iso for d in quarantine.accepted_dates] == ["1962-10-22"]
    assert quarantine.triggers[0].role == "object" and quarantine.triggers[0].agents == ()
    settlement = kb.get("settlement")
    assert isinstance(settlement, Event) and settlement.parties_complete
    assert settlement.triggers[0].agents == ("nikita_khrushchev",)
    khrushchev = kb.get("nikita_khrushchev")
    assert isinstance(khrushchev, Person)
    term = khrushchev.offices[0]
    assert term.office == "soviet_first_secretary" and term.title == "First Secretary"
    assert [d.iso for d in term.accepted_starts] == ["1953-09-07"]
    assert kb.figures[0].accepted == {"min": 40000.0, "max": 43000.0}
    assert kb.disambiguation[0].rules[1].pattern == r"\b(Bobby|Robert)\b"
    assert kb.get("no_such_id") is None
    assert len({quarantine, settlement, kb.get("settlement"), kb.figures[0]}) == 3  # hashable
    assert [e.id for e in kb.by_section("states")] == ["usa", "ussr", "cuba"]
    with pytest.raises(TypeError):
        quarantine.data["kind"] = "war"  # type: ignore[index]


def test_all_names_covers_names_full_names_aliases_and_wrong_forms() -> None:
    names = set(load_topic(MINI).knowledge.all_names())
    assert ("John F. Kennedy", "john_f_kennedy", "people", False) in names
    assert ("John Fitzgerald Kennedy", "john_f_kennedy", "people", False) in names
    assert ("JFK", "john_f_kennedy", "people", False) in names
    assert ("Kenedy", "john_f_kennedy", "people", True) in names
    assert ("OAS", "oas", "organisations", False) in names
    assert ("First Secretary", "soviet_first_secretary", "offices", False) in names
    assert {section for _, _, section, _ in names} == {
        "events", "people", "writers", "states", "organisations", "offices",
    }


def test_essay_paragraphs_drop_headings_and_emphasis() -> None:
    paragraphs = load_topic(MINI).essay_paragraphs
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The crisis began when a U-2 flight on 14 October 1962")
    assert "naval quarantine rather" in paragraphs[1] and "*" not in "".join(paragraphs)
    assert "and secretly agreed" in paragraphs[2]


def test_essay_paragraphs_leave_intraword_underscores_and_lone_stars() -> None:
    text = "<!-- note -->\n# Title\nsnake_case_name and 5 * 3 * 2 and **bold _it_**\n"
    assert essay_paragraphs(text) == ("snake_case_name and 5 * 3 * 2 and bold it",)


def test_sha256_covers_the_three_files_in_order() -> None:
    joined = b"".join((MINI / name).read_bytes() for name in TOPIC_FILES)
    assert load_topic(MINI).sha256 == hashlib.sha256(joined).hexdigest()


def test_load_is_cached_until_a_file_changes(tmp_path: Path) -> None:
    folder = broken(tmp_path, E, "time to think.", "time to think again.")
    first = load_topic(folder)
    assert load_topic(str(folder)) is first
    essay = folder / E
    essay.write_text(essay.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    stat = essay.stat()
    os.utime(essay, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = load_topic(folder)
    assert second is not first and second.essay_paragraphs[-1] == "A new paragraph."


def test_topic_ids_are_looked_up_under_topics_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topic_module, "topics_root", lambda: MINI.parent)
    assert list_topics() == ["mini-topic"]
    assert load_topic("mini-topic").path == MINI.resolve()
    problems = check_topic("no-such-topic")
    assert len(problems) == 1 and problems[0].message == "no such topic folder"
    assert "mini-topic" in problems[0].fix


def test_topics_root_is_the_repo_reference_essay_folder_when_not_installed() -> None:
    assert topics_root() == Path(topic_module.__file__).resolve().parents[1] / "reference_essay"


# --- dates and names -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso", "start", "end", "precision"),
    [
        ("1939", date(1939, 1, 1), date(1939, 12, 31), "year"),
        ("1940-02", date(1940, 2, 1), date(1940, 2, 29), "month"),
        ("1939-08-23", date(1939, 8, 23), date(1939, 8, 23), "day"),
    ],
)
def test_date_value_covers_the_interval_written(
    iso: str, start: date, end: date, precision: str
) -> None:
    assert DateValue.parse(iso) == DateValue(iso, start, end, precision)


@pytest.mark.parametrize("bad", ["1939-02-29", "1922-13-16", "39", "1939-8-23", "0000", "1939/08"])
def test_date_value_rejects_what_is_not_an_iso_date(bad: str) -> None:
    with pytest.raises(ValueError, match="is not an ISO date"):
        DateValue.parse(bad)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_date_value_round_trips_any_day(day: date) -> None:
    parsed = DateValue.parse(day.isoformat())
    assert parsed.start == parsed.end == day and parsed.iso == day.isoformat()


def test_normalise_name_ignores_case_dashes_apostrophes_spacing_and_the() -> None:
    assert normalise_name("The  Molotov\u2013Ribbentrop  Pact") == "molotov-ribbentrop pact"
    assert normalise_name("Lenin\u2019s") == normalise_name("lenin's")


# --- one edit, one precise problem -----------------------------------------------------

_REF = "is not an id in the topic's knowledge"

CASES = [
    # (case id, file edited, old, new, expected file, entry, field, phrase in message)
    ("bad-iso-date", K, 'date: "1962-10-14"', 'date: "1962-13-14"',
     K, "u2_photographs", "date", "'1962-13-14' is not an ISO date"),
    ("impossible-date", K, 'date: "1962-10-28"', 'date: "1962-02-30"',
     K, "settlement", "date", "'1962-02-30' is not an ISO date (1962-02 has 28 days)"),
    ("unquoted-impossible-date", K, 'date: "1962-10-14"', "date: 1962-02-30",
     K, "u2_photographs", "date", "is not an ISO date"),
    ("end-before-start", K, 'end: "1961-04-20"', 'end: "1961-04-10"',
     K, "bay_of_pigs", "end", "'1961-04-10' is before date '1961-04-17'"),
    ("accepted-end-before-start", K, 'accepted_ends: ["1962-11-21"]',
     'accepted_ends: ["1962-10-01"]',
     K, "naval_quarantine", "accepted_ends[0]",
     "'1962-10-01' is before accepted_dates[0] '1962-10-22'"),
    ("term-end-before-start", K, '        end: "1963-11-22"', '        end: "1960-01-01"',
     K, "john_f_kennedy", "offices[0].end", "is before offices[0].start '1961-01-20'"),
    ("died-before-born", K, 'died: "1971-09-11"', 'died: "1890"',
     K, "nikita_khrushchev", "died", "'1890' is before born '1894-04-15'"),
    ("period-end-before-start", T, 'end: "1962-11"}', 'end: "1960"}',
     T, "", "period.end", "'1960' is before period.start '1961-04'"),
    ("accepted-end-without-end", K, '    end: "1961-04-20"\n',
     '    accepted_ends: ["1961-04-20"]\n',
     K, "bay_of_pigs", "accepted_ends", "given without `end`"),
    ("unknown-key", K, "    aliases: [Allison]", "    aliasses: [Allison]",
     K, "graham_allison", "aliasses", "unknown key"),
    ("unknown-nested-key", K, "role: subject, agent:", "role: subject, agnet:",
     K, "settlement", "triggers[0].agnet", "unknown key"),
    ("unknown-section", K, "\nfigures:", "\nfigurs:", K, "", "figurs", "unknown section"),
    ("unknown-topic-key", T, "subject: history", "subjet: history", T, "", "subjet", "unknown key"),
    ("missing-field", K, "    kind: discovery\n", "", K, "u2_photographs", "kind", "missing"),
    ("missing-topic-field", T, "expected_words: {min: 300, max: 900}\n", "",
     T, "", "expected_words", "missing"),
    ("wrong-type-bool", K, "parties_complete: true", 'parties_complete: "yes"',
     K, "settlement", "parties_complete", "must be true or false, got 'yes'"),
    ("wrong-type-list", K, "    aliases: [Havana]", "    aliases: Havana",
     K, "cuba", "aliases", "must be a list of text, got 'Havana'"),
    ("wrong-type-number-as-text", K, "nationality: Soviet", "nationality: 1922",
     K, "nikita_khrushchev", "nationality", "must be text, got the number 1922"),
    ("bad-category", K, "category: historian", "category: historain",
     K, "graham_allison", "category", "'historain' is not one of"),
    ("not-snake-case", K, "id: graham_allison", "id: Graham-Allison",
     K, "Graham-Allison", "id", "is not snake_case"),
    ("topic-id-mismatch", T, "id: mini-topic", "id: other-topic",
     T, "", "id", "'other-topic' does not match the folder name 'mini-topic'"),
    ("yaml-duplicate-key", K, "    kind: discovery\n", "    kind: discovery\n    kind: event\n",
     K, "u2_photographs", "kind", "written twice (lines"),
    ("ref-parties", K, "    parties: [usa, cuba]", "    parties: [usa, cubaa]",
     K, "bay_of_pigs", "parties[1]", f"'cubaa' {_REF}"),
    ("ref-wrong-section", K, "    parties: [usa, cuba]", "    parties: [usa, u2_photographs]",
     K, "bay_of_pigs", "parties[1]", "'u2_photographs' is in events, not states or organisations"),
    ("ref-signatories", K, "signatories: [john_f_kennedy, nikita_khrushchev]",
     "signatories: [john_f_kennedy, khrushchev]",
     K, "settlement", "signatories[1]", f"'khrushchev' {_REF}"),
    ("ref-leader", K, "leader: john_f_kennedy", "leader: jfk", K, "bay_of_pigs", "leader", _REF),
    ("ref-office", K, "      - office: us_president", "      - office: us_presdent",
     K, "john_f_kennedy", "offices[0].office", f"'us_presdent' {_REF}"),
    ("ref-office-state", K, "    state: usa", "    state: us", K, "us_president", "state", _REF),
    ("ref-trigger-entity", K, "{entity: cuba,", "{entity: cubs,",
     K, "naval_quarantine", "triggers[0].entity", f"'cubs' {_REF}"),
    ("ref-trigger-agent", K, "agent: nikita_khrushchev}", "agent: khrushchev}",
     K, "settlement", "triggers[0].agent", f"'khrushchev' {_REF}"),
    ("ref-misconception-refs", K, "refs: [settlement]", "refs: [settlment]",
     K, "nothing_in_return", "refs[0]", f"'settlment' {_REF}"),
    ("ref-figure-subject", K, "subject: operation_anadyr", "subject: anadyr",
     K, "soviet_troops_in_cuba", "subject", _REF),
    ("ref-disambiguation-choose", K, "Dobrynin], choose: robert_kennedy",
     "Dobrynin], choose: bobby",
     K, "disambiguation[Kennedy]", "rules[0].choose", f"'bobby' {_REF}"),
    ("ref-disambiguation-default", K, "default: john_f_kennedy", "default: jack",
     K, "disambiguation[Kennedy]", "default", f"'jack' {_REF}"),
    ("ref-key-content", T, "refs: [naval_quarantine]", "refs: [naval_quarantin]",
     T, "quarantine", "refs[0]", f"'naval_quarantin' {_REF}"),
    ("missing-sources", K, '    sources: ["https://en.wikipedia.org/wiki/Cuba"]\n', "",
     K, "cuba", "sources", "missing"),
    ("empty-sources", K, '    sources: ["https://en.wikipedia.org/wiki/Cuba"]', "    sources: []",
     K, "cuba", "sources", "is empty"),
    ("empty-source-text", K, '    sources: ["https://en.wikipedia.org/wiki/Cuba"]',
     '    sources: [" "]', K, "cuba", "sources[0]", "is empty"),
    ("weight-too-high", T, "weight: 5", "weight: 7",
     T, "settlement", "weight", "7 is outside 1..5"),
    ("weight-zero", T, "weight: 3", "weight: 0",
     T, "missiles_found", "weight", "0 is outside 1..5"),
    ("key-content-uncoverable", T, "    refs: [settlement]\n    keywords: [Jupiter]\n", "",
     T, "settlement", "refs", "neither refs nor keywords"),
    ("duplicate-key-content-id", T, "id: quarantine", "id: causes",
     T, "causes", "id",
     "duplicate id 'causes': questions[0] (line 7) and key_content[1] (line 17)"),
    ("alias-shared-across-sections", K, "    aliases: [Anadyr]",
     '    aliases: [Anadyr, "The  HAVANA"]',
     K, "operation_anadyr", "aliases[1]",
     "'The  HAVANA' is also a name of cuba (states) and no disambiguation entry covers it"),
    ("alias-shared-despite-dash", K, "    aliases: [Havana]",
     '    aliases: [Havana, "U\u20132 flight"]',
     K, "u2_photographs", "aliases[1]", "'U-2 flight' is also a name of cuba (states)"),
    ("duplicate-disambiguation", K, "disambiguation:\n",
     "disambiguation:\n  - {alias: kennedy, default: john_f_kennedy}\n",
     K, "disambiguation[Kennedy]", "alias",
     "'Kennedy' already has an entry (disambiguation[kennedy]"),
    ("figure-min-above-max", K, "{min: 40000, max: 43000}", "{min: 43000, max: 40000}",
     K, "soviet_troops_in_cuba", "accepted", "min 43000 is greater than max 40000"),
    ("figure-shape-for-unit", K, "{min: 40000, max: 43000}", "{value: 3, of: 5}",
     K, "soviet_troops_in_cuba", "accepted", "has value, of but unit count needs min and max"),
    ("invalid-regex", K, r'"\\b(Bobby|Robert)\\b"', r'"\\b(Bobby|Robert\\b"',
     K, "disambiguation[Kennedy]", "rules[1].pattern", "invalid regular expression"),
    ("clause-with-full-stop", K, "    kind: discovery\n",
     '    kind: discovery\n    clause: "U-2 flights photographed the missile sites."\n',
     K, "u2_photographs", "clause", "ends with punctuation"),
    ("clause-not-text", K, "    kind: discovery\n", "    kind: discovery\n    clause: 12\n",
     K, "u2_photographs", "clause", "must be text, got the number 12"),
    ("person-view-without-said", K, "nationality: Soviet",
     "nationality: Soviet\n    views: [{words: [peaceful coexistence]}]",
     K, "nikita_khrushchev", "views[0].said", "missing"),
    ("rule-without-test", K, "{context: [Attorney General, Dobrynin], choose",
     "{choose", K, "disambiguation[Kennedy]", "rules[0]", "has neither pattern nor context"),
]


@pytest.mark.parametrize(
    ("edited", "old", "new", "file", "entry", "field", "phrase"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_one_edit_gives_one_precise_problem(
    tmp_path: Path, edited: str, old: str, new: str, file: str, entry: str, field: str,
    phrase: str,
) -> None:
    problem = only_problem(broken(tmp_path, edited, old, new))
    assert (problem.file, problem.entry, problem.field) == (file, entry, field)
    assert phrase in problem.message
    assert problem.fix
    assert str(problem).startswith(f"{file}:{entry}: {field}: " if entry else f"{file}: ")


def test_problem_text_matches_the_documented_form(tmp_path: Path) -> None:
    folder = broken(tmp_path, K, 'date: "1962-10-14"', 'date: "1962-13-14"')
    assert str(only_problem(folder)) == (
        "knowledge.yaml:u2_photographs: date: '1962-13-14' is not an ISO date"
        " — write YYYY, YYYY-MM or YYYY-MM-DD"
    )


def test_typos_get_a_suggestion(tmp_path: Path) -> None:
    folder = broken(tmp_path, K, "    aliases: [Allison]", "    aliasses: [Allison]")
    assert only_problem(folder).fix == "did you mean 'aliases'?"
    folder = broken(tmp_path / "b", K, "    parties: [usa, cuba]", "    parties: [usa, cubaa]")
    assert only_problem(folder).fix == "did you mean 'cuba'?"


def test_shared_alias_with_a_disambiguation_entry_is_fine(tmp_path: Path) -> None:
    folder = broken(
        tmp_path, K, "disambiguation:\n",
        "disambiguation:\n  - {alias: the havana, default: null}\n",
    )
    text = (folder / K).read_text(encoding="utf-8")
    (folder / K).write_text(text.replace("aliases: [Anadyr]", "aliases: [Anadyr, Havana]"),
                            encoding="utf-8")
    assert check_topic(folder) == []


def test_an_accepted_end_may_pair_with_an_accepted_start(tmp_path: Path) -> None:
    # Old Style dates: an accepted end can precede the (New Style) date but not every start.
    folder = broken(tmp_path, K, 'accepted_ends: ["1962-11-21"]', 'accepted_ends: ["1962-10-23"]')
    assert check_topic(folder) == []


def test_unquoted_dates_are_accepted(tmp_path: Path) -> None:
    folder = broken(tmp_path, K, 'date: "1962-10-14"', "date: 1962-10-14")
    assert check_topic(folder) == []
    assert load_topic(folder).knowledge.get("u2_photographs").date.iso == "1962-10-14"  # type: ignore[union-attr]


def test_duplicate_ids_name_both_places(tmp_path: Path) -> None:
    folder = broken(tmp_path, K, "  - id: graham_allison", "  - id: cuba")
    problem = only_problem(folder)
    lines = (folder / K).read_text(encoding="utf-8").splitlines()
    first, second = (i + 1 for i, line in enumerate(lines) if line == "  - id: cuba")
    assert (problem.entry, problem.field) == ("cuba", "id")
    assert problem.message == (
        f"duplicate id 'cuba': states[2] (line {first}) and writers[0] (line {second})"
    )


def test_malformed_yaml_gives_line_and_column(tmp_path: Path) -> None:
    folder = broken(tmp_path, K, "    name: Cuba\n", "    name: Cuba: Havana\n")
    line = (folder / K).read_text(encoding="utf-8").splitlines().index("    name: Cuba: Havana") + 1
    problem = only_problem(folder)
    assert (problem.file, problem.entry, problem.field) == (K, "", "")
    assert problem.message.startswith(f"invalid YAML at line {line}, column 15:")


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    folder = tmp_path / "mini-topic"
    shutil.copytree(MINI, folder)
    (folder / K).write_text("- events\n- people\n", encoding="utf-8")
    problem = only_problem(folder)
    assert (problem.file, problem.message) == (K, "top level is a list, not a mapping")


def test_empty_essay(tmp_path: Path) -> None:
    folder = tmp_path / "mini-topic"
    shutil.copytree(MINI, folder)
    (folder / E).write_text("# Only a heading\n\n", encoding="utf-8")
    problem = only_problem(folder)
    assert (problem.file, problem.entry, problem.field) == (E, "", "")
    assert "has no paragraphs" in problem.message


@pytest.mark.parametrize("name", TOPIC_FILES)
def test_missing_file_names_the_folder_and_the_file(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "mini-topic"
    shutil.copytree(MINI, folder)
    (folder / name).unlink()
    problem = only_problem(folder)
    assert (problem.file, problem.message) == (name, f"not found in {folder}")


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "mini-topic"
    shutil.copytree(MINI, folder)
    (folder / E).write_bytes(b"caf\xe9\n")
    problem = only_problem(folder)
    assert (problem.file, problem.message) == (E, "is not UTF-8 (bad byte at offset 3)")


def test_missing_folder(tmp_path: Path) -> None:
    problem = only_problem(tmp_path / "nowhere")
    assert (problem.file, problem.message) == (str(tmp_path / "nowhere"), "no such topic folder")


def test_check_collects_every_problem_and_load_reports_the_first(tmp_path: Path) -> None:
    folder = broken(tmp_path, K, 'date: "1962-10-14"', 'date: "1962-13-14"')
    text = (folder / T).read_text(encoding="utf-8")
    (folder / T).write_text(text.replace("weight: 5", "weight: 9"), encoding="utf-8")
    problems = check_topic(folder)
    assert [(p.file, p.field) for p in problems] == [(T, "weight"), (K, "date")]
    with pytest.raises(MarkerError) as caught:
        load_topic(folder)
    assert str(caught.value).startswith(
        f"2 problems; first: {folder / T}:settlement: weight: 9 is outside 1..5"
    )
    assert caught.value.exit_code == 1


def test_load_reports_a_single_problem_with_its_full_path(tmp_path: Path) -> None:
    folder = broken(tmp_path, T, "weight: 5", "weight: 9")
    with pytest.raises(MarkerError, match="^" + str(folder / T) + ":settlement: weight: 9"):
        load_topic(folder)


# --- the shipped pack ------------------------------------------------------------------


def test_shipped_topic_has_no_problems() -> None:
    missing = [name for name in TOPIC_FILES if not (SHIPPED / name).is_file()]
    if missing:
        pytest.skip(f"shipped topic {SHIPPED.name} is incomplete: no {', '.join(missing)} yet")
    assert [str(p) for p in check_topic(SHIPPED)] == []
