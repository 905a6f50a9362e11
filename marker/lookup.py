"""spaCy's rule-based components run as table lookups: the same annotations, a fraction of
the time.

The English model's ``attribute_ruler`` maps each fine tag to its coarse part of speech and
morphology, and fixes a few words' lemmas, with 179 Matcher patterns. spaCy's Matcher tries
every pattern at every token, which makes this table lookup as slow as the parser (about
18 ms for a 600-word essay). Almost all of the patterns test one token's tag, lowercase
form or dependency against given values, so which of them match depends only on those
values: here that answer is worked out once per combination of values the patterns tell
apart, and remembered; the few two-token patterns are matched from the same answers.
Patterns of any other shape stay with a Matcher of their own. The matches are handed to the
ruler's own ``set_annotations``, so the attributes are set exactly as spaCy sets them.

The rule lemmatizer makes a Token object for every word to look its lemma up in a cache
keyed by the word, part of speech and morphology; here the same keys are read as one array
and the lemmas written back as one, asking the lemmatizer itself for any key not seen yet.

``tests/test_lookup.py`` checks the Docs are the same as the model's, attribute by attribute.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy
from spacy.attrs import IDS, LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.matcher import Matcher

if TYPE_CHECKING:
    from spacy.pipeline import AttributeRuler, Lemmatizer
    from spacy.tokens import Doc

# Attributes ``Doc.to_array`` gives as the value the Matcher compares with: the hash of the
# string (or 0/1 for a flag). POS is left out: the Matcher compares a part-of-speech id.
_STRINGS = ("ORTH", "LOWER", "NORM", "TAG", "DEP", "LEMMA")
_FLAGS = ("IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT")
_OTHER = -1  # the stand-in for every value no test names

# One test on one attribute: its column, the values it names (or the number of its
# regular expression among the column's), and whether the value must not be one of them.
_Test = tuple[int, "frozenset[int] | int", bool]
_Answer = tuple[tuple[tuple[int, int], ...], frozenset[int], bool]


class IndexedAttributeRuler:
    """Stands in for the model's AttributeRuler, under its name and in its place; made
    empty by the pipeline factory and filled by :func:`use_lookups` (a factory
    cannot be handed the component it replaces)."""

    ruler: AttributeRuler

    def take(self, ruler: AttributeRuler) -> None:
        """Index the ruler's patterns; it keeps setting the attributes."""
        self.ruler = ruler
        self._attrs: list[str] = []
        self._named: list[set[int]] = []
        self._regexes: list[list[re.Pattern[str]]] = []
        self._specs: list[list[_Test]] = []  # distinct one-token specs
        self._spec_ids: dict[str, int] = {}
        self._rules: list[tuple[int, int, tuple[int, ...]]] = []  # attr id, key, specs
        self._rest = Matcher(ruler.vocab)  # patterns of any other shape
        for i, rule in enumerate(ruler.patterns):
            key = ruler.vocab.strings.add(str(i))  # the ruler's own match key for rule i
            for pattern in rule["patterns"]:
                specs = [self._spec(token) for token in pattern]
                if None in specs:
                    self._rest.add(key, [pattern])
                else:
                    self._rules.append((i, key, tuple(specs)))
        self._columns = [IDS[name] for name in self._attrs]
        self._single = [(a, k, specs[0]) for a, k, specs in self._rules if len(specs) == 1]
        self._longer = [(a, k, specs) for a, k, specs in self._rules if len(specs) > 1]
        # Each spec filed under one value it requires (if it requires one), so that a row
        # is only tested against the specs that can pass.
        self._by_value: dict[tuple[int, object], list[int]] = {}
        self._always: list[int] = []
        for i, tests in enumerate(self._specs):
            required = next(((column, values) for column, values, negate in tests
                             if isinstance(values, frozenset) and not negate), None)
            if required is None:
                self._always.append(i)
            for value in required[1] if required else ():
                self._by_value.setdefault((required[0], value), []).append(i)
        # Remembered answers: a value's stand-in per column, and per row of stand-ins the
        # one-token rules it matches and the specs it meets. They grow with the
        # combinations the patterns tell apart, not with the vocabulary.
        self._canon: list[dict[int, object]] = [{} for _ in self._attrs]
        self._rows: dict[tuple[object, ...], _Answer] = {}

    def _spec(self, token: dict[str, Any]) -> int | None:
        """The id of a one-token spec of equality, membership or regular-expression tests,
        or None for anything else (an operator, a morphological feature, an extension)."""
        tests = []
        for name, value in token.items():
            name = name.upper()
            if name not in _STRINGS and name not in _FLAGS:
                return None
            negate = False
            if isinstance(value, dict):
                if len(value) != 1 or next(iter(value)) not in ("IN", "NOT_IN", "REGEX"):
                    return None
                if "REGEX" in value:
                    if name in _FLAGS or not isinstance(value["REGEX"], str):
                        return None
                    column = self._column(name)
                    regexes = self._regexes[column]
                    regexes.append(re.compile(value["REGEX"]))
                    tests.append((column, len(regexes) - 1, False))
                    continue
                negate = "NOT_IN" in value
                values = list(value["NOT_IN" if negate else "IN"])
            else:
                values = [value]
            if name in _FLAGS and all(isinstance(v, bool) for v in values):
                codes = frozenset(int(v) for v in values)
            elif name in _STRINGS and all(isinstance(v, str) for v in values):
                codes = frozenset(self.ruler.vocab.strings.add(v) for v in values)
            else:
                return None
            column = self._column(name)
            self._named[column] |= codes
            tests.append((column, codes, negate))
        spec_key = repr(sorted(tests, key=repr))
        if spec_key not in self._spec_ids:
            self._spec_ids[spec_key] = len(self._specs)
            self._specs.append(tests)
        return self._spec_ids[spec_key]

    def _column(self, name: str) -> int:
        if name not in self._attrs:
            self._attrs.append(name)
            self._named.append(set())
            self._regexes.append([])
        return self._attrs.index(name)

    def __call__(self, doc: Doc) -> Doc:
        self.ruler.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """What ``AttributeRuler.match`` returns: (attr id, match id, start, end), sorted."""
        matches = [
            (int(self.ruler.vocab.strings[m_id]), m_id, start, end)
            for m_id, start, end in self._rest(doc, allow_missing=True)
        ] if len(self._rest) else []
        if not self._columns or not len(doc):
            return sorted(matches)
        table = doc.to_array(self._columns)
        columns = [table.tolist()] if table.ndim == 1 else table.T.tolist()
        stand_ins = []
        for column, values in enumerate(columns):
            canon = self._canon[column]
            stand_ins.append([canon[v] if v in canon else self._stand_in(column, v)
                              for v in values])
        rows, met, starts = self._rows, [], []
        for i, key in enumerate(zip(*stand_ins, strict=True)):
            answer = rows.get(key)
            if answer is None:
                answer = rows[key] = self._answer(key)
            singles, specs_met, opens = answer
            if singles:
                matches.extend((attr_id, m_id, i, i + 1) for attr_id, m_id in singles)
            met.append(specs_met)
            if opens:
                starts.append(i)
        for i in starts:
            for attr_id, m_id, specs in self._longer:
                if i + len(specs) <= len(met) and all(
                        spec in met[i + j] for j, spec in enumerate(specs)):
                    matches.append((attr_id, m_id, i, i + len(specs)))
        matches.sort()
        return matches

    def _stand_in(self, column: int, value: int) -> object:
        """A value's stand-in: itself if a test names it, and with a regular expression on
        its column, which of them the string matches."""
        named: object = value if value in self._named[column] else _OTHER
        if self._regexes[column]:
            text = self.ruler.vocab.strings[value] if value else ""
            named = (named, tuple(bool(rx.search(text)) for rx in self._regexes[column]))
        self._canon[column][value] = named
        return named

    def _answer(self, key: tuple[object, ...]) -> _Answer:
        """For a row of stand-ins: the one-token rules it matches, the specs it meets, and
        whether it meets the first spec of a longer rule."""
        candidates = list(self._always)
        for column, stand_in in enumerate(key):
            value = stand_in[0] if isinstance(stand_in, tuple) else stand_in
            candidates += self._by_value.get((column, value), ())
        met = frozenset(i for i in candidates
                        if all(self._passes(key[column], test, negate)
                               for column, test, negate in self._specs[i]))
        singles = tuple((a, k) for a, k, spec in self._single if spec in met)
        return singles, met, any(specs[0] in met for _, _, specs in self._longer)

    @staticmethod
    def _passes(stand_in: object, test: frozenset[int] | int, negate: bool) -> bool:
        if isinstance(test, int):  # a regular expression's result, worked out with the value
            return stand_in[1][test]  # type: ignore[index]
        value = stand_in[0] if isinstance(stand_in, tuple) else stand_in
        return (value in test) != negate


class IndexedLemmatizer:
    """Stands in for the model's rule (or lookup) lemmatizer, under its name and in its
    place; filled by :func:`use_lookups`."""

    lemmatizer: Lemmatizer

    def take(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self._lemmas: dict[tuple[int, int, int], int] = {}  # word, POS, morph -> lemma
        self._checked = False

    @property
    def lookups(self) -> Any:
        """The model's lemma tables, read as from the lemmatizer itself."""
        return self.lemmatizer.lookups

    def __call__(self, doc: Doc) -> Doc:
        lemmatizer = self.lemmatizer
        if not self._checked:  # the first Doc goes through the lemmatizer, which checks
            self._checked = True  # its tables are there
            return lemmatizer(doc)
        if not len(doc):
            return doc
        table = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas, strings, overwrite = self._lemmas, doc.vocab.strings, lemmatizer.overwrite
        column = []
        for i, (word, pos, morph, lemma) in enumerate(table.tolist()):
            if lemma == 0 or overwrite:
                lemma = lemmas.get((word, pos, morph))
                if lemma is None:
                    lemma = lemmas[word, pos, morph] = strings.add(
                        lemmatizer.lemmatize(doc[i])[0])
            column.append(lemma)
        doc.from_array([LEMMA], numpy.array(column, dtype=numpy.uint64))
        return doc


@Language.factory("marker_attribute_ruler")
def _make_ruler(nlp: Language, name: str) -> IndexedAttributeRuler:
    return IndexedAttributeRuler()


@Language.factory("marker_lemmatizer")
def _make_lemmatizer(nlp: Language, name: str) -> IndexedLemmatizer:
    return IndexedLemmatizer()


def use_lookups(nlp: Language) -> None:
    """Swap the model's attribute ruler and rule lemmatizer for the indexed ones, keeping
    their names and places (a model without them, or with another kind, is left as is)."""
    from spacy.pipeline import AttributeRuler, Lemmatizer

    for name, kind, factory in (("attribute_ruler", AttributeRuler, "marker_attribute_ruler"),
                                ("lemmatizer", Lemmatizer, "marker_lemmatizer")):
        component = nlp.get_pipe(name) if name in nlp.pipe_names else None
        if not isinstance(component, kind):
            continue
        if kind is Lemmatizer and component.mode not in ("rule", "lookup"):
            continue  # other modes are not keyed by the word, POS and morphology
        nlp.replace_pipe(name, factory).take(component)
