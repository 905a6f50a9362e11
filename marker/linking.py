"""Recognising the topic's entities in an essay and linking them to the knowledge.

A spaCy pipeline component in the manner of scispaCy's linker, built once per topic:

1. every name, alias and known wrong form becomes a token pattern, matched on a *folded*
   copy of the essay (lower case, accents and Polish ł dropped, one kind of apostrophe and
   dash, hyphen or space between words), so case, possessives and dash variants need no
   listing; a year-bearing alias also matches its reworded form ("1921 trade agreement" /
   "trade agreement of 1921");
2. spelling: a capitalised proper noun that is not a name the knowledge knows is corrected
   to the closest known name word (Damerau-Levenshtein, 1 edit up to 7 letters, 2 from 8,
   same first letter) before matching, so "Treaty of Rapalo" and "Zinovief letter" link and
   record ``corrected_from``; derived words ("Stalinist", "Latvian", "Germans") are not
   misspellings;
3. context: names shared by different entries, or by an entry and an ordinary word or place
   ("Berlin", "Conquest", "Civil War"), are settled by the knowledge's ``disambiguation``
   rules, then by general rules of English usage: an alias the knowledge writes with "the"
   needs it ("the Soviets", not "Congress of Soviets"); "a Potemkin village" is not the
   man; "a civil war" is not the Civil War; "the town of Rapallo" is the place; a surname
   after an unknown first name ("Joseph Davies") is someone else; a name inside a longer
   PERSON name links only to a person; a surname alone after the full name in the same
   paragraph is that person;
4. descriptions: "Lenin's death" links both Lenin and the event (on "death"); "the 1939 pact
   with Hitler" links the one event of that kind and party (the year narrows);
5. coreference: "the pact" / "the treaty" links the event named in the same or the previous
   sentence when it is the only fitting event the essay has named so far (precision first).

Statistical NER spans that no rule claimed are kept, unlinked, so the report still shows
people and places outside the knowledge.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from spacy.attrs import IS_SPACE, LOWER, POS, SENT_START
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token

from .dates import ENTRY_DATE, find_dates
from .tokens import where

if TYPE_CHECKING:
    from .topic import Disambiguation, Event, Rule, Topic

SECTION_LABEL = {
    "events": "EVENT",
    "people": "PERSON",
    "writers": "PERSON",
    "states": "GPE",
    "organisations": "ORG",
}
PEOPLE = ("people", "writers")
DASHES = "-–—‐‑‒−"
APOSTROPHES = "’‘ʼ`´′"
# Letters NFKD does not decompose, spelled as English writers do.
_TRANSLIT = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
                           "ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ı": "i"})
_FOLD = str.maketrans({**dict.fromkeys(DASHES, "-"), **dict.fromkeys(APOSTROPHES, "'")})
FUNCTION_WORDS = {"the", "of", "and", "in", "on", "at", "to", "for", "a", "an", "with", "&"}
INDEFINITE = {"a", "an", "another"}
# "the town of Rapallo", "the Gulf of Finland": the place, not the treaty or the state.
PLACE_NOUNS = {
    "town", "city", "village", "port", "resort", "capital", "region", "province", "island",
    "islands", "river", "lake", "gulf", "bay", "sea", "coast", "isthmus", "strait", "straits",
    "peninsula", "harbour", "harbor", "suburb", "suburbs", "district", "outskirts",
}
# Endings that make a related word, not a misspelling: Stalinist, Leninism, Latvian,
# Germans, Japanese, Bolshevism, Trotskyite; Russian -a/-o (Litvinova, Stalino).
DERIVED_ENDINGS = (
    "ists", "isms", "ites", "ians", "ist", "ism", "ite", "ian", "ans", "ese", "ish", "ics",
    "ic", "an", "ns", "n", "s", "a", "o",
)
# What a known name may lack that a related word adds: Soviet(s), German(y), Russi(a).
MISSING_ENDINGS = ("s", "es", "y", "a", "ia", "n")
DESCRIPTIVE_HEADS = {"pact", "treaty", "agreement", "alliance", "accord", "invasion", "peace"}
# "treaties with France and Czechoslovakia": one of each kind per party.
_PLURAL_HEADS = {"pacts": "pact", "treaties": "treaty", "agreements": "agreement",
                 "alliances": "alliance", "accords": "accord", "invasions": "invasion"}
_DESCRIPTIVE_HEAD_IDS = {get_string_id(w) for w in (*DESCRIPTIVE_HEADS, *_PLURAL_HEADS)}
# Heads students use for one another's agreements ("the pact" for a treaty of alliance).
_AGREEMENT_HEADS = frozenset({"pact", "treaty"})
_DAY_ONLY_HEADS = {"invasion"}  # described only by the day it began
# Kinds of event whose names hold an agreement's name without being one ("the French
# ratification of the pact", "Ribbentrop's flight to Moscow to sign the pact").
_AROUND_AGREEMENTS = {"visit", "meeting", "negotiation", "mission", "speech", "ratification",
                      "ratification_refused"}
COREF_HEADS = {"pact", "treaty", "agreement", "protocol", "conference", "congress"}
# A treaty of mutual assistance is an alliance ("the USSR made an alliance with France in
# 1935"), when the clause names a doer who was one of its sides; a non-aggression or
# neutrality pact is not.
_ALLIANCE_WORDS = frozenset({"mutual", "assistance"})
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_YEAR = re.compile(r"1[89]\d\d|20\d\d")
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)")
_YEAR_FIRST = re.compile(r"(\d{4}) (.+)")
_YEAR_LAST = re.compile(r"(.+?) (?:of )?(\d{4})")
_OF_PHRASE = re.compile(r"([a-z]+(?: [a-z]+)*) of (?:the )?(.+)")
_POSSESSIVE_PHRASE = re.compile(r"(.+)'s ([a-z]+(?: [a-z]+)*)")

for _name, _default in (("corrected_from", None), ("candidates", ()), ("link", None)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)
if not Doc.has_extension("offices"):
    Doc.set_extension("offices", default=None)
if not Doc.has_extension("essay_text"):  # Doc.text, joined once here for the later stages
    Doc.set_extension("essay_text", default=None)


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """A word as compared: lower case, no accents, one kind of apostrophe and dash."""
    if text.isascii():  # most words: nothing to decompose or transliterate
        return text.translate(_FOLD).lower()
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.translate(_FOLD).lower()


def norm(text: str) -> str:
    """The comparison form of a name: folded, single spaces, no leading 'the'."""
    return _SPACES.sub(" ", fold(text)).strip().removeprefix("the ")


_SPACES = re.compile(r"\s+")


def osa_distance(a: str, b: str, limit: int) -> int:
    """Edit distance counting a swap of neighbours as one edit; limit + 1 once over limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def derived(word: str, name: str) -> bool:
    """True when ``word`` is a word made from ``name`` (Stalinist, Germans), not a typo."""
    if word.startswith(name) and word[len(name):] in DERIVED_ENDINGS:
        return True
    if name.startswith(word) and name[len(word):] in MISSING_ENDINGS:
        return True
    for ending in DERIVED_ENDINGS:  # Bolshev-ism / Bolshev-iks, German-s / German-y
        stem = word[: -len(ending)]
        if (len(ending) > 1 or ending == "s") and word.endswith(ending) and len(stem) >= 4 \
                and name.startswith(stem):
            return True
    return False


@dataclass(frozen=True)
class Target:
    """One knowledge entry an alias can name."""

    entry_id: str
    section: str
    wrong_form: bool
    needs_the: bool = False  # the knowledge only writes this name with "the"


@dataclass
class _Key:
    """Everything known about one normalised name."""

    targets: list[Target] = field(default_factory=list)
    forms: set[str] = field(default_factory=set)  # the spellings as the knowledge writes them
    split: tuple[str, str] | None = None  # (entity key, "of" | "'s") for "death of Lenin"


class KnowledgeLinker:
    """The pipeline component; its indexes are built once from a topic's knowledge."""

    def __init__(self, nlp: Language, topic: Topic) -> None:
        self.topic = topic
        self.knowledge = topic.knowledge
        self.keys: dict[str, _Key] = {}
        self.office_aliases: dict[str, list[str]] = {}
        self.office_forms: dict[str, set[str]] = {}
        self._collect_names()
        self.disambiguation: dict[str, Disambiguation] = {
            norm(d.alias): d for d in self.knowledge.disambiguation
        }
        self.case_sensitive: dict[str, set[str]] = {}
        for section in SECTION_LABEL:
            for entry in self.knowledge.by_section(section):
                for alias in entry.case_sensitive:
                    self.case_sensitive.setdefault(norm(alias), set()).add(alias)
        self.title_only = self._title_only_keys()
        self.given_names = self._given_names()
        self.shared_surnames = {
            key for key, k in self.keys.items()
            if " " not in key and all(t.section in PEOPLE for t in k.targets)
            and (len(k.targets) > 1 or key in self.disambiguation)
        }
        # Surnames that are no ordinary word ("molotov", not "pipes" or "service"): an essay
        # that writes them in lower case still names the person.
        self.lower_case_safe = {
            key for key, k in self.keys.items()
            if " " not in key and len(key) >= 4 and key.isalpha()
            and all(t.section in PEOPLE for t in k.targets)
            and key not in self.case_sensitive and key not in self.disambiguation
            and key not in self.shared_surnames
        }
        self._build_spelling_index()
        self.vocab = nlp.vocab
        names, offices = self._compiled_patterns(nlp)
        self.matcher = _PhraseIndex()
        self.office_matcher = _PhraseIndex()
        for key, patterns in names.items():
            self.matcher.add(key, patterns)
        for key, patterns in offices.items():
            self.office_matcher.add(key, patterns)

    def _compiled_patterns(self, nlp: Language
                           ) -> tuple[dict[str, list[tuple[str, ...]]],
                                      dict[str, list[tuple[str, ...]]]]:
        """The word patterns of every name and office title: read from the compiled-topic
        cache (keyed by the topic, marker's code and the tokenizer's model), else made
        with the tokenizer (about 0.4 s) and saved there."""
        import json

        import numpy as np

        from . import cache

        names = {key: [key, *sorted(k.forms)] for key, k in self.keys.items()}
        offices = {key: [key, *sorted(forms)] for key, forms in self.office_forms.items()}
        key = cache.entry_key("patterns", self.topic.sha256, nlp.meta.get("name", ""),
                              nlp.meta.get("version", ""), nlp.meta.get("spacy_version", ""))
        stored = cache.read("patterns", key)
        if stored is not None:
            try:
                plain = json.loads(stored["patterns"].tobytes().decode("utf-8"))
                found = tuple({k: [tuple(p) for p in v] for k, v in part.items()}
                              for part in (plain["names"], plain["offices"]))
            except (KeyError, TypeError, ValueError, AttributeError):
                found = None
            if found is not None and found[0].keys() == names.keys() \
                    and found[1].keys() == offices.keys():
                return found
        made = ({k: self._patterns(nlp, set(v)) for k, v in names.items()},
                {k: self._patterns(nlp, set(v)) for k, v in offices.items()})
        data = json.dumps({"names": made[0], "offices": made[1]}, ensure_ascii=False)
        cache.write("patterns", key, {"patterns": np.frombuffer(data.encode("utf-8"),
                                                                dtype=np.uint8)})
        return made

    # -- building the indexes -----------------------------------------------------------

    def _collect_names(self) -> None:
        """Every name form → its entries; offices apart (titles are not entities)."""
        owners: dict[tuple[str, str], Target] = {}
        exact = [(alias, entry.id, section, False) for section in SECTION_LABEL
                 for entry in self.knowledge.by_section(section) for alias in entry.case_sensitive]
        for alias, entry_id, section, wrong in [*self.knowledge.all_names(), *exact]:
            entry = self.knowledge.get(entry_id)
            for form in _variants(alias, entry is not None and alias == entry.name):
                key = norm(form)
                if not key:
                    continue
                if section == "offices":
                    ids = self.office_aliases.setdefault(key, [])
                    if entry_id not in ids:
                        ids.append(entry_id)
                    self.office_forms.setdefault(key, set()).add(form)
                    continue
                if section not in SECTION_LABEL:
                    continue
                the = form.strip().lower().startswith("the ")
                old = owners.get((key, entry_id))
                owners[(key, entry_id)] = Target(
                    entry_id, section, wrong and (old is None or old.wrong_form),
                    the and (old is None or old.needs_the))
                self.keys.setdefault(key, _Key()).forms.add(form.strip())
        for (key, _), target in owners.items():
            self.keys[key].targets.append(target)
        self._add_surname_variants()
        for key, k in self.keys.items():
            k.split = self._split_of(key, k)

    def _add_surname_variants(self) -> None:
        """The surname of a listed full name ("Leon Trotski") is a spelling of the person's
        own surname alias ("Trotsky") when the two are a spelling apart: it names them too."""
        surnames: dict[str, list[str]] = {}
        for key, k in self.keys.items():
            for t in k.targets:
                if " " not in key and t.section in PEOPLE and not t.wrong_form:
                    surnames.setdefault(t.entry_id, []).append(key)
        for key, k in list(self.keys.items()):
            words = key.split()
            if len(words) < 2 or not words[-1].isalpha() or words[-1] in self.keys:
                continue
            for t in k.targets:
                if t.section not in PEOPLE or t.wrong_form:
                    continue
                if any(0 < osa_distance(words[-1], s, _max_edits(s)) <= _max_edits(s)
                       for s in surnames.get(t.entry_id, ())):
                    variant = self.keys.setdefault(words[-1], _Key())
                    variant.targets.append(Target(t.entry_id, t.section, False))
                    variant.forms.add(words[-1].title())

    def _split_of(self, key: str, k: _Key) -> tuple[str, str] | None:
        """For an event alias that describes another entry ("death of Lenin", "Lenin's
        death", "establishment of the Comintern"): that entry's key and the form."""
        if not k.targets or any(t.section != "events" for t in k.targets):
            return None
        for pattern, form in ((_OF_PHRASE, "of"), (_POSSESSIVE_PHRASE, "'s")):
            m = pattern.fullmatch(key)
            if m is None:
                continue
            entity = m.group(2) if form == "of" else m.group(1)
            noun = m.group(1) if form == "of" else m.group(2)
            other = self.keys.get(entity)
            lower_noun = any(noun in f for f in k.forms)  # written in lower case
            if other and lower_noun and any(t.section != "events" for t in other.targets):
                return entity, form
        return None

    def _title_only_keys(self) -> set[str]:
        """Names the knowledge marks ambiguous that are made of ordinary words ("Civil War",
        "Neutrality Pact"): only their capitalised form is the name; "a civil war" or a
        headline in capitals is the ordinary phrase."""
        ordinary = {w for k in self.keys.values() for f in k.forms for w in f.split()
                    if w.isalpha() and w == w.lower()}
        out = set()
        for key in self.disambiguation:
            k = self.keys.get(key)
            if k is None or any(f == f.lower() for f in k.forms):
                continue
            words = [w for w in key.split() if w not in FUNCTION_WORDS]
            if words and all(w.lower() in ordinary for w in words):
                out.add(key)
        return out

    def _given_names(self) -> dict[str, set[str]]:
        """Words other than the surname in each person's names (first names, initials)."""
        out: dict[str, set[str]] = {}
        for key, k in self.keys.items():
            words = key.split()
            for t in k.targets:
                if t.section in PEOPLE and len(words) > 1:
                    out.setdefault(t.entry_id, set()).update(words[:-1])
        return out

    def _build_spelling_index(self) -> None:
        """Known name words (any case) and, by first letter, the proper-name words a
        misspelling may be corrected to; plus word pairs, to choose between close words."""
        self.known_words: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()
        self.by_initial: dict[str, list[str]] = {}
        proper: set[str] = set()
        for key, k in self.keys.items():
            words = [w for w in re.split(r"[\s\-]+", key) if w]
            self.known_words.update(words)
            self.pairs.update(itertools.pairwise(words))
            for form in k.forms:
                for word in re.split(r"[\s\-]+", form):
                    if word[:1].isupper() and word.isalpha() and len(word) >= 5:
                        proper.add(fold(word))
        for word in sorted(proper):
            self.by_initial.setdefault(word[0], []).append(word)
        self._corrections: dict[str, tuple[str, ...]] = {}
        self._descriptions_found: dict[tuple[str, tuple[str, ...], str | None, str | None],
                                       str | None] = {}
        self._state_ids = frozenset(state.id for state in self.knowledge.states)
        self._event_words = [(event, [norm(n).split() for n in (event.name, *event.aliases)])
                             for event in self.knowledge.events]

    @staticmethod
    def _patterns(nlp: Language, names: set[str]) -> list[tuple[str, ...]]:
        """Phrase patterns for a name on the folded, dash-free text (so a hyphen may be a
        space or nothing; a possessive may be 's or a bare apostrophe). Each written form is
        tokenised as written, as the essay is ("E.H." is one token, "e.h." may not be)."""
        patterns = set()
        for name in names:
            words = [part for t in nlp.make_doc(name.strip()) for part in _dashless(fold(t.text))]
            if words[:1] == ["the"]:
                words = words[1:]
            if words:
                patterns.add(tuple(words))
                patterns.add(tuple("'" if w == "'s" else w for w in words))
        return sorted(patterns)

    # -- the component ------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        tokens = list(doc)  # spaCy makes a new Token object on every index and iteration
        text = "".join(t.text_with_ws for t in tokens)  # doc.text, without a second pass
        para_starts = [0] + [m.end() for m in re.finditer(r"\n\s*\n", text)]
        words, corrected = self._folded(doc, tokens)
        parts = [(i, part) for i, w in enumerate(words) for part in _dashless(w)]
        index = [i for i, _ in parts]
        phrase = [part for _, part in parts]

        def matches(matcher: _PhraseIndex) -> list[tuple[int, int, str]]:
            return [(index[s], index[e - 1] + 1, key) for s, e, key in matcher(phrase)]

        offices = self._offices(doc, matches(self.office_matcher))
        found = matches(self.matcher)
        doc.user_data[_NAMES_IN_LOWER_CASE] = sum(
            1 for start, end, key in found
            if end - start == 1 and key in self.lower_case_safe and tokens[start].text.islower()
        ) >= 2
        spans = self._rule_spans(doc, found, corrected, para_starts)
        spans = self._descriptions(doc, spans, tokens)
        taken = _Occupancy(len(doc))
        for span in spans:
            taken.add(span.start, span.end)
        for o_start, o_end, *_ in offices:
            span = doc.char_span(o_start, o_end, alignment_mode="expand")
            if span is not None:
                taken.add(span.start, span.end)
        kept: list[Span] = list(spans)
        for ent in doc.ents:
            if taken.free(ent.start, ent.end):
                kept.append(ent)
                taken.add(ent.start, ent.end)
        kept.extend(self._coreference(doc, kept, taken))
        kept.sort(key=lambda s: s.start)
        doc.ents = [s for s in kept if s.kb_id_ or not any(
            o_start < s.end_char and s.start_char < o_end for o_start, o_end, *_ in offices)]
        doc._.offices = offices
        doc._.essay_text = text
        return doc

    def _folded(self, doc: Doc, tokens: list[Token]) -> tuple[list[str], dict[int, str]]:
        """The essay's tokens folded for matching, misspelt names corrected; and the
        corrected tokens' original text by index."""
        words = [fold(t.text) or t.text for t in tokens]
        corrected: dict[int, str] = {}
        for i in where(doc, POS, {PROPN}):  # proper nouns only: the rest are never names
            tok, word = tokens[i], words[i]
            if (not tok.is_alpha or not tok.text[:1].isupper()
                    or len(word) < 5 or word in self.known_words):
                continue
            options = self._close_names(word)
            if not options:
                continue
            neighbours = {words[j] for j in (i - 1, i + 1, i - 2, i + 2)
                          if 0 <= j < len(doc) and words[j] != "-"}
            paired = [o for o in options
                      if any((n, o) in self.pairs or (o, n) in self.pairs for n in neighbours)]
            choice = (paired or list(options))[0]
            words[i] = choice
            corrected[i] = tok.text
        return words, corrected

    def _close_names(self, word: str) -> tuple[str, ...]:
        """The known name words nearest a misspelling, best first (cached per word)."""
        cached = self._corrections.get(word)
        if cached is not None:
            return cached
        if len(self._corrections) > 100_000:  # bounded for long batch runs
            self._corrections.clear()
        limit = _max_edits(word)
        scored = []
        for name in self.by_initial.get(word[0], ()):
            if derived(word, name):
                continue
            d = osa_distance(word, name, limit)
            if d <= limit:
                ratio = difflib.SequenceMatcher(None, word, name).ratio()
                scored.append((d, -ratio, name))
        scored.sort()
        best = tuple(n for d, _, n in scored if d == scored[0][0]) if scored else ()
        self._corrections[word] = best
        return best

    def _rule_spans(self, doc: Doc, found: list[tuple[int, int, str]],
                    corrected: dict[int, str], para_starts: list[int]) -> list[Span]:
        """Name matches, longest first, each checked against the context rules."""
        found = sorted(found, key=lambda m: (m[0] - m[1], m[0]))
        taken = _Occupancy(len(doc))
        spans: list[Span] = []
        for start, end, key in found:
            if not taken.free(start, end) or _over_an_entry_date(doc, start, end):
                continue
            made = [s for s in self._link(doc, start, end, key, corrected, para_starts, spans)
                    if taken.free(s.start, s.end)]
            for span in made:
                taken.add(span.start, span.end)
            spans.extend(made)
        return [s for s in spans if self._doer_a_side(doc, s, spans)]

    def _link(self, doc: Doc, start: int, end: int, key: str, corrected: dict[int, str],
              para_starts: list[int], earlier: list[Span]) -> list[Span]:
        """The spans one name match gives (none, one, or two for "death of Lenin")."""
        k = self.keys[key]
        targets = self._usable(doc, start, end, key, k.targets)
        if not targets:
            return []
        chosen = self._choose(doc, start, end, key, targets, para_starts, earlier)
        if chosen is None:
            return []
        target, candidates, how = chosen
        if target is not None and target not in targets:
            ruled_out = any(t.entry_id == target.entry_id for t in k.targets)
            if ruled_out or target.section not in SECTION_LABEL:
                return []  # a reading ruled out above, or an office (reported as an office)
        if target is None:
            span = Span(doc, start, end, label=SECTION_LABEL[candidates[0].section])
            span._.candidates = tuple(t.entry_id for t in candidates)
            span._.link = "ambiguous"
            return [span]
        if k.split is not None:
            parts = self._split(doc, start, end, k.split, target, how, corrected, para_starts,
                                earlier)
            if parts:
                return parts
        return [self._span(doc, self._initials(doc, start, target), end, target, how, corrected)]

    def _doer_a_side(self, doc: Doc, span: Span, spans: list[Span]) -> bool:
        """A name that only describes ("pact with France", "non-aggression pact with
        Poland") names the agreement only if the state the clause says made it was one of
        its sides: "In 1925 Germany signed a pact with France" is no Franco-Soviet pact (it
        is left to the descriptions). A person may stand for a side, as a foreign minister
        does, and is not read so."""
        if span.label_ != SECTION_LABEL["events"] or not span.kb_id_ or len(span) < 3:
            return True
        head = span.root
        if head.lower_ not in DESCRIPTIVE_HEADS and head.lower_ not in _PLURAL_HEADS:
            return True
        if not any(t.lower_ in ("with", "to") for t in span):
            return True
        doer = _doer(doc, head, spans)
        if doer is None or doer not in self._state_ids:
            return True  # a person may stand for a side ("Litvinov signed a pact with France")
        return doer in self._sides(self.knowledge.get(span.kb_id_))

    @staticmethod
    def _span(doc: Doc, start: int, end: int, target: Target, how: str,
              corrected: dict[int, str]) -> Span:
        """A linked span; a misspelt or wrongly named one records what the student wrote."""
        span = Span(doc, start, end, label=SECTION_LABEL[target.section], kb_id=target.entry_id)
        typo = any(i in corrected for i in range(start, end))
        span._.link = "fuzzy" if typo else how
        if typo or target.wrong_form:
            span._.corrected_from = span.text
        return span

    def _split(self, doc: Doc, start: int, end: int, split: tuple[str, str], event: Target,
               how: str, corrected: dict[int, str], para_starts: list[int],
               earlier: list[Span]) -> list[Span]:
        """"death of Lenin" / "Lenin's death": Lenin on his name, the event on "death"."""
        entity_key, form = split
        if form == "of":
            of = next((i for i in range(start, end) if doc[i].lower_ == "of"), None)
            if of is None:
                return []
            noun = (start, of)
            name = (of + 2 if doc[of + 1].lower_ == "the" else of + 1, end)
        else:
            poss = next((i for i in range(start, end) if fold(doc[i].text) in ("'s", "'")), None)
            if poss is None:
                return []
            name, noun = (start, poss), (poss + 1, end)
        if name[0] >= name[1] or noun[0] >= noun[1]:
            return []
        inner = self._link(doc, *name, entity_key, corrected, para_starts, earlier)
        if not inner:
            return []
        return [*inner, self._span(doc, *noun, event, how, corrected)]

    def _usable(self, doc: Doc, start: int, end: int, key: str,
                targets: list[Target]) -> list[Target]:
        """The targets the surrounding words allow (general rules of English usage)."""
        text = doc[start:end].text
        exact = self.case_sensitive.get(key)
        if exact is not None and text not in exact:
            return []
        if key in self.title_only and not all(
                t.text.istitle() for t in doc[start:end] if t.is_alpha
                and t.lower_ not in FUNCTION_WORDS) and not self._definite_plain(doc, start, key):
            return []
        before = doc[start - 1].lower_ if start > 0 else ""
        out = [t for t in targets if before == "the" or not t.needs_the]
        if before in INDEFINITE:  # "a Potemkin village": not the man
            out = [t for t in out if t.section not in PEOPLE]
        if before == "of" and start > 1 and doc[start - 2].lower_ in PLACE_NOUNS:
            out = [t for t in out if t.section in PEOPLE]
        ent = _entity_of(doc, start) if doc[start].ent_type_ == "PERSON" else None
        if ent is not None and (ent.start < start or ent.end > end):
            out = [t for t in out if t.section in PEOPLE]
            first = doc[start - 1] if start > ent.start else None
            if key in self.shared_surnames and first is not None and first.is_alpha \
                    and not any(first.lower_ in self.given_names.get(t.entry_id, ())
                                for t in out):
                return []  # "Joseph Davies" is neither Norman nor R. W. Davies
        if not self._case_ok(doc, start, end, out):
            return []
        return out

    def _definite_plain(self, doc: Doc, start: int, key: str) -> bool:
        """"the civil war" in lower case is the war the topic's default reading names (the
        Russian one), when nothing in its paragraph points to another ("Spain", "Franco"):
        "a civil war", or a paragraph about Spain, is left alone."""
        if start == 0 or doc[start - 1].lower_ != "the":
            return False
        rules = self.disambiguation[key].rules
        para = _paragraph_around(doc, doc[start].idx)
        return not any((r.pattern and re.search(r.pattern, para, re.IGNORECASE))
                       or _context_in(r, para) for r in rules)

    def _case_ok(self, doc: Doc, start: int, end: int, targets: list[Target]) -> bool:
        """Single-word names of people must look like names: capitalised, and not a
        capitalised common word at the start of a sentence ("Service in the army..."). In
        an essay that writes names in lower case ("stalin and hitler"), a surname that is
        no ordinary word is a name however it is written."""
        if end - start != 1 or not targets or not all(t.section in PEOPLE for t in targets):
            return True
        token = doc[start]
        if not token.text[:1].isupper():
            return token.text.islower() and doc.user_data.get(_NAMES_IN_LOWER_CASE, False) \
                and token.lower_ in self.lower_case_safe
        if not token.is_sent_start:
            return True
        nxt = doc[start + 1] if start + 1 < len(doc) else None
        return (nxt is None or token.pos_ == "PROPN" or nxt.pos_ in ("VERB", "AUX")
                or token.ent_type_ == "PERSON")

    def _choose(self, doc: Doc, start: int, end: int, key: str, targets: list[Target],
                para_starts: list[int], earlier: list[Span],
                ) -> tuple[Target | None, list[Target], str] | None:
        """The entry a name names here, (None, candidates) when it stays ambiguous, or
        None to leave it unlinked."""
        rule = self.disambiguation.get(key)
        if rule is not None:
            for r in rule.rules:
                if _applies(r, doc, start, end):
                    if r.choose is None:
                        return None  # the rule says: not this entity here
                    # a cue only elsewhere in the paragraph is a guess: dates only confirm
                    how = "context" if _applies(dataclasses.replace(r, paragraph=False), doc,
                                                start, end) else "description"
                    return self._target(r.choose, targets), targets, how
        elif len(targets) == 1:
            return targets[0], targets, "wrong_form" if targets[0].wrong_form else "alias"
        named = self._named_before(doc, start, targets, para_starts, earlier)
        if named is not None:
            return named, targets, "context"
        if rule is not None and rule.default is not None:
            return self._target(rule.default, targets), targets, "context"
        if len(targets) > 1 and len({t.section for t in targets}) == 1:
            return None, targets, "ambiguous"
        return None

    def _named_before(self, doc: Doc, start: int, targets: list[Target],
                      para_starts: list[int], earlier: list[Span]) -> Target | None:
        """A surname alone names the one candidate already named in full earlier in the
        paragraph ("Robert Conquest ... Conquest probably exaggerated")."""
        if not all(t.section in PEOPLE for t in targets) or doc[start].pos_ != "PROPN":
            return None
        if start + 1 < len(doc) and doc[start + 1].lower_ == "of":
            return None
        para = bisect.bisect_right(para_starts, doc[start].idx) - 1
        ids = {t.entry_id for t in targets}
        named = {s.kb_id_ for s in earlier if s.kb_id_ in ids and len(s) > 1 and s.start < start
                 and bisect.bisect_right(para_starts, s.start_char) - 1 == para}
        if len(named) != 1:
            return None
        return next(t for t in targets if t.entry_id in named)

    def _target(self, entry_id: str, targets: list[Target]) -> Target:
        for t in targets:
            if t.entry_id == entry_id:
                return t
        entry = self.knowledge.get(entry_id)
        return Target(entry_id, entry.section if entry is not None else "events", False)

    @staticmethod
    def _initials(doc: Doc, start: int, target: Target) -> int:
        """A person's name takes in initials written before it ("V. Molotov")."""
        if target.section not in PEOPLE:
            return start
        while start > 0 and re.fullmatch(r"[A-Z]\.", doc[start - 1].text):
            start -= 1
        return start

    # -- descriptions -------------------------------------------------------------------

    def _descriptions(self, doc: Doc, spans: list[Span], tokens: list[Token]) -> list[Span]:
        """"the 1939 pact with Hitler", "a neutrality pact with Japan": the one event of
        that kind with that party (the year narrows, when several fit); without a party,
        the words and a year ("the 1921 trade agreement"). The description replaces the
        party's own link, as a longer name would."""
        by_start = {s.start: s for s in spans if s.kb_id_}
        taken = _Occupancy(len(doc))
        for span in spans:
            taken.add(span.start, span.end)
        out = list(spans)
        for i in where(doc, LOWER, _DESCRIPTIVE_HEAD_IDS):
            tok = tokens[i]
            if tok.tag_ not in ("NN", "NNP", "NNS") or not taken.free(tok.i, tok.i + 1):
                continue
            head = _PLURAL_HEADS.get(tok.lower_, tok.lower_)
            first, words, year = tok.i, [], None
            while first > 0 and taken.free(first - 1, first):
                prev = doc[first - 1]
                if _YEAR.fullmatch(prev.text) and year is None:
                    year = prev.text
                elif prev.is_alpha and prev.text.islower() and prev.pos_ in ("NOUN", "ADJ"):
                    words.append(prev.lower_)
                elif prev.text == "-" and words and first >= 2 and doc[first - 2].is_alpha \
                        and taken.free(first - 2, first - 1):
                    words[-1] = f"{doc[first - 2].lower_}-{words[-1]}"  # "non-aggression"
                    first -= 1
                else:
                    break
                first -= 1
            end = tok.i + 1
            day = then = None
            doer_rule = False
            if end + 1 < len(doc) and doc[end].lower_ in ("of", "in") \
                    and _YEAR.fullmatch(doc[end + 1].text) and taken.free(end, end + 2):
                year, end = year or doc[end + 1].text, end + 2
            elif end + 1 < len(doc) and doc[end].lower_ == "of" and year is None:
                day = _day_after(doc, end + 1)
                after = end + 1  # "a treaty of mutual assistance with France"
                while day is None and after < len(doc) and doc[after].is_lower \
                        and doc[after].pos_ in ("NOUN", "ADJ") and taken.free(after, after + 1):
                    after += 1
                if day is None and after > end + 1 and after < len(doc) \
                        and doc[after].lower_ == "with":
                    words.extend(t.lower_ for t in doc[end + 1:after])
                    end = after
            party = by_start.get(end + 1) if end + 1 < len(doc) and doc[end].lower_ in (
                "with", "to") else None
            if party is None and day is None and (year is None or not words):
                continue
            if head in _DAY_ONLY_HEADS and day is None:
                continue  # "the invasion of 22 June 1941" only: invasions of a year are many
            found = self._description((head, tuple(words), year or day,
                                       party.kb_id_ if party else None))
            if found is not None and party is not None and year is None and day is None \
                    and not self._fits_clause(self.knowledge.get(found), doc, tok, spans,
                                              by_start, party):
                found = None
            place = _place_after(doc, party.end) if party is not None else None
            if place is not None and (found is None or head == "peace"):
                # "another treaty with Germany at Berlin", "peace with Poland at Riga": the
                # one made there (peace only so: "peace with Germany" alone is a wish)
                found = self._description((head, tuple(words), year or day, party.kb_id_,
                                           None, place))
            elif head == "peace":
                continue
            if found is None and party is not None and year is None and day is None \
                    and party.end + 1 < len(doc) and doc[party.end].lower_ == "on":
                # "the pact with Hitler on 23 August 1939": of the pacts he made, the one
                # made that day (a wrong day links nothing, so is never called wrong)
                on_day = _day_after(doc, party.end + 1)
                if on_day is not None:
                    found = self._description((head, tuple(words), on_day, party.kb_id_))
            if found is None and party is not None:
                # "Stalin signed the pact with Hitler": of the pacts Hitler made, the one
                # whose sides also hold the clause's doer; with a year after the party ("the
                # USSR signed a treaty with Germany in 1926"), the one made that year (a
                # year none was made in links nothing, so is never called wrong)
                doer = _doer(doc, tok, spans)
                if doer is not None and doer != party.kb_id_:
                    # the year after the party (or after a list of parties: "with France
                    # and Czechoslovakia in 1935"), or the year the clause is set in ("In
                    # 1935 the USSR signed pacts with ...")
                    then = (_year_after(doc, _list_end(doc, by_start, party))
                            or _clause_year(doc, tok)) if year is None and day is None else None
                    found = self._description((head, tuple(words), then or year or day,
                                               party.kb_id_, doer))
                    if found is not None and then is not None \
                            and not _made_then(self.knowledge.get(found), then):
                        found = None
                    doer_rule = found is not None
            if found is None:
                continue
            if party is not None:
                made = year or day or (then if doer_rule else None)
                second = self._second_party(doc, by_start, taken, out, party,
                                            (head, tuple(words), made))
                if second is None and tok.lower_ in _PLURAL_HEADS:
                    continue  # "agreements with Britain and Germany": the other is unknown
                end = party.end
                out.remove(party)
                out.extend(second or ())
            span = Span(doc, first, end, label="EVENT", kb_id=found)
            # "the alliance with France": a bare kind and side only guess at the event.
            span._.link = "context" if words else "description"
            out.append(span)
            taken.add(first, end)
        return out

    def _second_party(self, doc: Doc, by_start: dict[int, Span], taken: _Occupancy,
                      out: list[Span], party: Span, key: tuple[Any, ...]) -> list[Span] | None:
        """"treaties with France and (with) Czechoslovakia": the second party names the
        same kind of event with it, which its name then stands for ([] when no second
        party is named, None when the one named has no such event)."""
        at = party.end
        if at < len(doc) and doc[at].lower_ == "and":
            at += 1
            if at < len(doc) and doc[at].lower_ in ("with", "to"):
                at += 1
        other = by_start.get(at)
        if at == party.end:
            return []
        if other is None or other not in out:
            return None
        found = self._description((*key, other.kb_id_))
        if found is None:
            return None
        out.remove(other)
        span = Span(doc, other.start, other.end, label="EVENT", kb_id=found)
        span._.link = "description"
        taken.add(other.start, other.end)
        return [span]

    def _description(self, key: tuple[Any, ...]) -> str | None:
        """``_described(*key)``, remembered: the same few phrases come in every essay."""
        if key not in self._descriptions_found:
            if len(self._descriptions_found) > 100_000:  # bounded for long batch runs
                self._descriptions_found.clear()
            self._descriptions_found[key] = self._described(*key)
        return self._descriptions_found[key]

    def _described(self, head: str, words: tuple[str, ...], year: str | None,
                   party: str | None, doer: str | None = None,
                   place: str | None = None) -> str | None:
        """The id of the only event whose names hold the head and words and whose sides
        include the party (and the doer, and was made at the place, when those are given);
        when several do, the only one of them dated in the year."""
        hits = self._described_as(head, words, party, doer, place)
        if not hits and head in _AGREEMENT_HEADS:
            # "mutual assistance pacts with Czechoslovakia": students call a treaty a pact
            # and a pact a treaty; another head only when the one written fits nothing
            hits = [e for other in sorted(_AGREEMENT_HEADS - {head})
                    for e in self._described_as(other, words, party, doer, place)]
            hits = list(dict.fromkeys(hits))
        if len(hits) > 1 and place is not None:
            # "a treaty ... at Berlin": what is called a treaty before a pact of that kind
            called = [e for e in hits if head in fold(e.name).split()]
            hits = called or hits
        if year is not None and (len(year) > 4 or len(hits) > 1):
            # "the pact of 23 August 1939": that day; a year only narrows a choice
            hits = [e for e in hits if _made_then(e, year)]
        return hits[0].id if len(hits) == 1 else None

    def _described_as(self, head: str, words: tuple[str, ...], party: str | None,
                      doer: str | None, place: str | None) -> list[Event]:
        """The events a description with this head fits (see ``_described``)."""
        hits = []
        for event, names in self._event_words:
            if not any((head in n or (head == "alliance" and doer is not None
                                      and set(n) >= _ALLIANCE_WORDS))
                       and all(_has_word(n, w) for w in words) for n in names) \
                    and not (head == "treaty" and event.kind == "treaty" and not words):
                continue
            if head != "invasion" and event.kind in _AROUND_AGREEMENTS:
                continue  # "Ribbentrop's flight to sign the pact" is no pact
            if party is not None and party not in self._sides(event):
                continue
            if doer is not None and doer not in self._sides(event):
                continue
            if place is not None and place not in {fold(p) for p in event.places}:
                continue
            hits.append(event)
        return hits

    def _fits_clause(self, event: Event, doc: Doc, noun: Token, spans: list[Span],
                     by_start: dict[int, Span], party: Span) -> bool:
        """"The USSR made an alliance with Germany in 1939" is not the Triple Alliance of
        1882: an agreement the clause's doer was no side of, made in another year than the
        clause's, is not the one described."""
        doer = _doer(doc, noun, spans)
        if doer is None or doer == party.kb_id_ or doer in self._sides(event):
            return True
        then = _year_after(doc, _list_end(doc, by_start, party)) or _clause_year(doc, noun)
        return then is None or _made_then(event, then)

    def _sides(self, event: Event) -> set[str]:
        """An event's parties and signatories, and whoever led one of those states then."""
        sides = {*event.parties, *event.signatories}
        if event.date is not None:
            sides.update(era.leader for era in self.knowledge.eras if era.state in sides
                         and era.start.start <= event.date.start <= era.end.end)
        return sides

    # -- coreference --------------------------------------------------------------------

    def _coreference(self, doc: Doc, spans: list[Span], taken: _Occupancy) -> list[Span]:
        """"the pact" / "the treaty": the only fitting event the essay has named so far,
        if it was named in the same or the previous sentence or is the only event of that
        kind named at all (precision first: nothing when two could be meant)."""
        linked = sorted((s for s in spans if s.kb_id_ or s._.candidates), key=lambda s: s.start)
        out = []
        for i, tok in enumerate(doc[1:], start=1):
            head = tok.lower_
            if head not in COREF_HEADS or doc[i - 1].lower_ != "the" \
                    or tok.tag_ not in ("NN", "NNP"):
                continue
            described = i + 1 < len(doc) and doc[i + 1].lower_ in ("of", "with", "between", "to")
            if not taken.free(i - 1, i + 1):
                continue
            sent = tok.sent
            window = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
            earlier = [s for s in linked if s.start < i and self._fits(head, s)]
            named = {(s.kb_id_,) if s.kb_id_ else tuple(s._.candidates) for s in earlier}
            # The only fitting event named so far: in this or the previous sentence, or
            # anywhere earlier when the essay has named exactly one such event; or, when the
            # essay has named several, the one its last two sentences name (in the paragraph)
            # when nothing else fitting was named since.
            if len(named) != 1 or not (any(s.start >= window for s in earlier)
                                       or len({s.kb_id_ for s in earlier}) == 1):
                named = self._named_just_before(doc, sent, earlier) or \
                    self._named_by_its_signers(tok, earlier, spans)
                if named is None and not described:
                    # "The pact was signed on 23 August 1939" with no pact named before:
                    # the one agreement of that kind made that day (a guess: a day none was
                    # made on links nothing)
                    day = self._signed_on(doc, tok)
                    found = self._description((head, (), day, None)) if day else None
                    if found is not None:
                        span = Span(doc, i, i + 1, label="EVENT", kb_id=found)
                        span._.link = "description"
                        taken.add(i, i + 1)
                        out.append(span)
                        bisect.insort(linked, span, key=lambda s: s.start)
                    continue
                if named is None or described:
                    continue
            (entry_ids,) = named
            if len(entry_ids) != 1:
                continue
            # "the pact with Germany" may be a new pact: it is the one named before only
            # when everyone it is said to be with took part in that one
            if described and not (any(s.start >= window for s in earlier)
                                  and self._with_its_parties(doc, i + 1, spans, entry_ids[0])):
                continue  # (and named close by: "the pact with Germany" pages later is
                # as likely another pact as the one named then)
            span = Span(doc, i, i + 1, label="EVENT", kb_id=entry_ids[0])
            last = max((s for s in earlier if entry_ids[0] in ((s.kb_id_,) if s.kb_id_
                                                               else tuple(s._.candidates))),
                       key=lambda s: s.start, default=None)
            # named only in another paragraph: the only such event named so far, but the
            # student may mean one never named ("The treaty was signed in March 1918"
            # after an introduction naming only the Nazi-Soviet Pact): a guess, whose date
            # can confirm and never correct
            far = last is None or _PARAGRAPH_BREAK.search(doc.text, last.end_char, tok.idx)
            span._.link = "description" if far else "coref"
            taken.add(i, i + 1)
            out.append(span)
            bisect.insort(linked, span, key=lambda s: s.start)
        return out

    @staticmethod
    def _signed_on(doc: Doc, head: Token) -> str | None:
        """The ISO day "on" gives the verb "the pact" is the subject of ("was signed on 23
        August 1939")."""
        if head.dep_ not in ("nsubj", "nsubjpass") or head.head.pos_ not in ("VERB", "AUX"):
            return None
        verb = head.head
        for prep in verb.children:
            if prep.dep_ == "prep" and prep.lower_ == "on" and prep.i > verb.i:
                return _day_after(doc, prep.i + 1)
        return None

    def _named_by_its_signers(self, head: Token, earlier: list[Span], spans: list[Span]
                              ) -> set[tuple[str, ...]] | None:
        """"The pact was signed in Berlin by Molotov and Ribbentrop": of the fitting events
        the essay has named, the one event every person its verb's clause names signed or
        took part in, when only one fits them all."""
        verb = head
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        if verb.pos_ not in ("VERB", "AUX"):
            return None
        words = {t.i for t in verb.subtree}
        people = {s.kb_id_ for s in spans if s.kb_id_ and s.start in words
                  and getattr(self.knowledge.get(s.kb_id_), "section", None) == "people"}
        if not people:
            return None
        fits = set()
        for s in earlier:
            for kb_id in (s.kb_id_,) if s.kb_id_ else tuple(s._.candidates):
                event = self.knowledge.get(kb_id)
                took_part = {*getattr(event, "parties", ()), *getattr(event, "signatories", ())}
                if people <= took_part:
                    fits.add(kb_id)
        return {(fits.pop(),)} if len(fits) == 1 else None

    @staticmethod
    def _named_just_before(doc: Doc, sent: Span, earlier: list[Span]
                           ) -> set[tuple[str, ...]] | None:
        """The one fitting event the two sentences before this one name, in its paragraph,
        when no other fitting one is named from there on."""
        first = sent.start
        for _ in range(2):
            if first == 0 or "\n" in doc[first - 1].text:
                break
            first = doc[first - 1].sent.start
        recent = [s for s in earlier if s.start >= first]
        if not recent or "\n" in doc[first:sent.start].text.strip():
            return None
        named = {(s.kb_id_,) if s.kb_id_ else tuple(s._.candidates) for s in recent}
        return named if len(named) == 1 else None

    def _with_its_parties(self, doc: Doc, prep: int, spans: list[Span], event_id: str) -> bool:
        """"the pact with Ribbentrop": the names the phrase after the head gives (up to the
        end of its noun phrase) are all parties or signatories of the event."""
        if doc[prep].lower_ not in ("with", "between"):
            return False
        words = {prep, *(t.i for t in doc[prep].subtree)}
        named = [s for s in spans if s.kb_id_ and s.start in words]
        event = self.knowledge.get(event_id)
        took_part = set(getattr(event, "parties", ())) | set(getattr(event, "signatories", ()))
        return bool(named) and all(s.kb_id_ in took_part for s in named)

    def _fits(self, head: str, mention: Span) -> bool:
        """Whether "the <head>" can refer back to a mention of an event: the mention says the
        word ("the Nazi-Soviet Pact" for "the pact"), or names a treaty ("the treaty")."""
        entries = [self.knowledge.get(x) for x in (mention.kb_id_,) if x] or [
            self.knowledge.get(x) for x in mention._.candidates]
        events = [e for e in entries if e is not None and e.section == "events"]
        if not events:
            return False
        if head in re.split(r"[\s\-]+", fold(mention.text)):
            return True
        if head in ("conference", "congress"):
            # "Munich ... the conference": an event one of whose names says the word (the
            # Munich Conference). Not for agreements: "After Munich, the pact was signed"
            # means another pact, though Munich has "Munich Pact" among its names.
            return any(head in re.split(r"[\s\-]+", fold(n)) for e in events
                       for n in (e.name, *e.aliases))
        return head == "treaty" and any(getattr(e, "kind", "") == "treaty" for e in events)

    # -- offices ------------------------------------------------------------------------

    def _offices(self, doc: Doc, found: list[tuple[int, int, str]],
                 ) -> list[tuple[int, int, str, tuple[str, ...]]]:
        """Mentions of office titles ("foreign commissar"), as (start_char, end_char, id,
        candidate ids). A title several offices share ("foreign minister") is settled by
        the knowledge's disambiguation rules, else all candidates are kept."""
        found = sorted(found, key=lambda m: (m[0], -(m[1] - m[0])))
        out: list[tuple[int, int, str, tuple[str, ...]]] = []
        last_end = -1
        for s, e, key in found:
            if s < last_end:
                continue
            ids = self.office_aliases[key]
            chosen: str | None = ids[0] if len(ids) == 1 else None
            rule = self.disambiguation.get(key)
            if rule is not None:
                fired = next((r for r in rule.rules if _applies(r, doc, s, e)), None)
                if fired is not None:
                    chosen = fired.choose or ""
                elif rule.default:
                    chosen = rule.default
            if chosen is not None and chosen not in ids:
                continue  # a rule says: no office here ("" or a person, e.g. "the Führer")
            start_char, end_char = doc[s].idx, doc[e - 1].idx + len(doc[e - 1])
            out.append((start_char, end_char, chosen or ids[0],
                        (chosen,) if chosen else tuple(ids)))
            last_end = e
        return out


class _PhraseIndex:
    """Where word sequences occur in a list of words, as spaCy's PhraseMatcher on ORTH
    finds them (by start, then shortest first), from a dict of the sequences.

    A PhraseMatcher needs a Doc made for each pattern, and the shipped topic has 6,500:
    0.3 s of every run's start-up, more than the lookups of a whole class of essays cost.
    """

    def __init__(self) -> None:
        self._keys: dict[tuple[str, ...], list[str]] = {}
        self._lengths: dict[str, list[int]] = {}  # first word -> pattern lengths, ascending

    def add(self, key: str, patterns: Iterable[tuple[str, ...]]) -> None:
        for pattern in patterns:
            keys = self._keys.setdefault(pattern, [])
            if key not in keys:
                keys.append(key)
            lengths = self._lengths.setdefault(pattern[0], [])
            if len(pattern) not in lengths:
                lengths.append(len(pattern))
                lengths.sort()

    def __call__(self, words: list[str]) -> list[tuple[int, int, str]]:
        """(start, end, key) of every occurrence of every pattern."""
        found = []
        for i, word in enumerate(words):
            for n in self._lengths.get(word, ()):
                if i + n > len(words):
                    break
                for key in self._keys.get(tuple(words[i:i + n]), ()):
                    found.append((i, i + n, key))
        return found


def _place_after(doc: Doc, i: int) -> str | None:
    """"... at Riga", "... in Berlin" right after a party: the place, folded."""
    if i + 1 < len(doc) and doc[i].lower_ in ("at", "in") and doc[i + 1].pos_ == "PROPN" \
            and doc[i + 1].ent_type_ in ("GPE", "LOC", "FAC"):
        return fold(doc[i + 1].text)
    return None


def _doer(doc: Doc, noun: Token, spans: list[Span]) -> str | None:
    """The linked subject of the verb whose object ``noun`` is ("Stalin signed the pact")."""
    if noun.dep_ not in ("dobj", "obj") or noun.head.pos_ not in ("VERB", "AUX"):
        return None
    subject = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return None
    return next((s.kb_id_ for s in spans if s.kb_id_ and s.start <= subject.i < s.end), None)


def _made_then(event: Event, when: str) -> bool:
    """The event is dated that ISO day ("1939-08-23") or in that year ("1939"), by its date
    or one of its accepted dates."""
    return any((d.iso if len(when) > 4 else d.iso[:4]) == when
               for d in (event.date, *event.accepted_dates) if d)


def _list_end(doc: Doc, by_start: dict[int, Span], party: Span) -> int:
    """Where a list of linked names that starts with ``party`` ends ("France and (with)
    Czechoslovakia")."""
    end = party.end
    while end + 1 < len(doc) and doc[end].lower_ in ("and", ","):
        at = end + 1
        if doc[at].lower_ in ("with", "to") and at + 1 < len(doc):
            at += 1
        nxt = by_start.get(at)
        if nxt is None:
            break
        end = nxt.end
    return end


def _clause_year(doc: Doc, noun: Token) -> str | None:
    """"In 1935 the USSR signed pacts with ...": the one year the verb whose object the
    description is was put in ("in 1935", "in May 1935")."""
    if noun.dep_ not in ("dobj", "obj", "pobj") or noun.head.pos_ not in ("VERB", "AUX", "ADP"):
        return None
    verb = noun.head.head if noun.head.pos_ == "ADP" else noun.head  # "bound itself by treaty"
    years = [t.text for c in verb.children if c.dep_ == "prep" and c.lower_ in ("in", "during")
             for t in c.subtree if _YEAR.fullmatch(t.text)]
    return years[0] if len(years) == 1 else None


def _year_after(doc: Doc, i: int) -> str | None:
    """The year of "in 1926" at token ``i``, if that is what stands there."""
    if i + 1 < len(doc) and doc[i].lower_ == "in" and _YEAR.fullmatch(doc[i + 1].text):
        return doc[i + 1].text
    return None


def _day_after(doc: Doc, i: int) -> str | None:
    """"the pact of 23 August 1939": the ISO day a description's "of" is followed by, which
    alone may pick the event out (a wrong day then links nothing, so is never called
    wrong)."""
    tail = doc[i:min(i + 5, len(doc))]
    found = find_dates(tail.text)
    if found and found[0].start_char == 0 and found[0].precision == "day":
        return found[0].start.isoformat()
    return None


# doc.user_data key: the essay writes people's names in lower case.
_NAMES_IN_LOWER_CASE = ("marker", "names_in_lower_case")


class _Occupancy:
    """Which tokens are already part of a chosen span."""

    def __init__(self, n: int) -> None:
        self.used = bytearray(n)

    def free(self, start: int, end: int) -> bool:
        return not any(self.used[start:end])

    def add(self, start: int, end: int) -> None:
        self.used[start:end] = b"\x01" * (end - start)


def _variants(alias: str, canonical: bool) -> Iterable[str]:
    """A name as written (a canonical name without its parenthetical qualifier: "Treaty of
    Rapallo (1922)"), and with its year moved ("1921 trade agreement" / "trade agreement of
    1921")."""
    base = (_PARENTHETICAL.sub("", alias).strip() or alias) if canonical else alias
    forms = dict.fromkeys([base])
    m = _YEAR_FIRST.fullmatch(base)
    if m:
        forms[f"{m.group(2)} of {m.group(1)}"] = None
    m = _YEAR_LAST.fullmatch(base)
    if m and not m.group(1).isdigit():
        forms[f"{m.group(2)} {m.group(1)}"] = None
        forms[f"{m.group(1)} of {m.group(2)}"] = None
    return forms


def _dashless(word: str) -> list[str]:
    """A folded word's parts between hyphens ("u-2" → "u", "2"; "-" → nothing)."""
    return [part for part in word.split("-") if part] if "-" in word else [word]


def _max_edits(word: str) -> int:
    """How many edits a misspelling of a word this long may have."""
    return 1 if len(word) < 8 else 2


def _entity_of(doc: Doc, i: int) -> Span | None:
    """The statistical entity containing token ``i``, read from the IOB tags (a scan of
    doc.ents per name would be quadratic over a long essay)."""
    if doc[i].ent_iob_ not in ("B", "I"):
        return None
    start = i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=doc[start].ent_type_)


def _applies(rule: Rule, doc: Doc, start: int, end: int) -> bool:
    """Whether a disambiguation rule fires for the mention ``doc[start:end]``. A context
    word anywhere in the sentence counts (in the paragraph, for a ``paragraph`` rule). A
    pattern that takes in the name itself ("treaty of Berlin") must take in this mention,
    not another in the same sentence ("signed in Berlin"); a pattern that does not ("beer
    hall") is a cue for the whole sentence."""
    sent = doc[start].sent if doc.has_annotation("SENT_START") else doc[:]
    text = sent.text
    if rule.paragraph and rule.context \
            and _context_in(rule, _paragraph_around(doc, doc[start].idx)):
        return True
    if rule.pattern:
        lo = doc[start].idx - sent.start_char
        hi = doc[end - 1].idx + len(doc[end - 1]) - sent.start_char
        name = fold(doc[start:end].text)
        hits = [m for m in re.finditer(rule.pattern, text, re.IGNORECASE) if m.end() > m.start()]
        if any(m.start() < hi and lo < m.end() for m in hits):
            return True
        if hits and not any(name in fold(m.group()) for m in hits):
            return True
    return _context_in(rule, text)


def _paragraph_around(doc: Doc, char: int) -> str:
    """The paragraph (between blank lines) the character at ``char`` is in."""
    text = doc.text
    lo = text.rfind("\n\n", 0, char) + 1
    hi = text.find("\n\n", char)
    return text[lo:hi if hi >= 0 else len(text)]


def _context_in(rule: Rule, text: str) -> bool:
    """One of the rule's context words stands in ``text`` as a whole word."""
    return any(re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE) for w in rule.context)


@Language.factory("marker_linker", default_config={"topic_path": ""})
def make_linker(nlp: Language, name: str, topic_path: str) -> KnowledgeLinker:
    """spaCy factory: the topic is named by its folder so the config stays plain data."""
    from .topic import load_topic

    return KnowledgeLinker(nlp, load_topic(topic_path))


def add_to_pipeline(nlp: Language, topic: Topic) -> None:
    """Add the paragraph rule before the parser and the linker after the statistical NER."""
    nlp.add_pipe("marker_paragraphs", before="parser")
    nlp.add_pipe("marker_linker", after="ner", config={"topic_path": str(topic.path)})


def _over_an_entry_date(doc: Doc, start: int, end: int) -> bool:
    """"1920 - War with Poland": a name read across a timeline entry's date and its dash
    ("1920 War") is not written; the date heads the entry."""
    first, last = doc[start], doc[end - 1]
    if not first.like_num or (start > 0 and "\n" not in doc[start - 1].text):
        return False
    m = ENTRY_DATE.match(doc[start:end].text)
    return m is not None and first.idx + m.end() < last.idx + len(last)


@Language.component("marker_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """A paragraph break ends a sentence: a heading ("Key dates:") or a timeline entry
    ("1921 - the Comintern was set up") is never part of the next paragraph's sentence, as
    the parser alone may make it. And a timeline entry is one sentence: its heading date is
    the time of what follows the dash, which the parser alone splits off as a fragment. The
    parser keeps boundaries set before it."""
    if not len(doc):
        return doc
    # Only the whitespace tokens are looked at (a Token object for every word, and the
    # essay's text joined from them, cost as much as the rest of the linker's work).
    # Token.is_sent_start walks the whole Doc on every write: the starts are written as
    # one array instead.
    starts = [0] + [i + 1 for i in where(doc, IS_SPACE, {1})
                    if i + 1 < len(doc) and "\n" in doc[i].text]
    sent_start = doc.to_array(SENT_START).astype("int64")  # -1: not a start
    sent_start[starts[1:]] = 1
    for i in starts:
        if not doc[i].text[:1].isalnum():
            continue
        # An entry date is at most a dozen tokens: forty hold it and the space after it.
        head = doc[i:i + 40]
        m = ENTRY_DATE.match(head.text)
        if m is None:
            continue
        end = head.start_char + m.end()
        for j in range(i + 1, len(doc)):
            if doc[j].idx > end:
                break
            sent_start[j] = -1
    doc.from_array([SENT_START], sent_start.astype("uint64"))  # as to_array gives them
    return doc


def _has_word(name_words: list[str], word: str) -> bool:
    """A name holds the word itself or as the last part of a hyphened one ("aggression" in
    "non-aggression": the parser splits the hyphen off the student's words)."""
    return any(x == word or x.endswith("-" + word) for x in name_words)
