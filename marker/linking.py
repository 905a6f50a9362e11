"""Recognising the topic's entities in an essay and linking them to the knowledge.

A spaCy pipeline component in the manner of scispaCy's linker:

1. token patterns generated from every name, alias and known wrong form (case-insensitive,
   straight or curly apostrophes, hyphen / en dash / space variants, possessives);
2. context rules for names shared by different kinds of entry ("Berlin" the city vs the
   Treaty of Berlin), read from the knowledge's ``disambiguation`` section;
3. a fuzzy linker for misspellings that are not listed: character n-gram TF-IDF
   candidates over all aliases (scikit-learn), a similarity threshold and a type check;
4. simple same-paragraph coreference for "the pact", "the treaty", "the League".

Statistical NER spans that no rule claimed are kept, unlinked, so the report still shows
people and places outside the knowledge.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

if TYPE_CHECKING:
    from .topic import Topic

SECTION_LABEL = {
    "events": "EVENT",
    "people": "PERSON",
    "writers": "PERSON",
    "states": "GPE",
    "organisations": "ORG",
}
SECTION_TYPE = {
    "events": "event",
    "people": "person",
    "writers": "writer",
    "states": "state",
    "organisations": "organisation",
}
# NER labels whose spans may be fuzzy-linked, and the sections each may link to.
FUZZY_TYPES = {
    "PERSON": {"people", "writers"},
    "ORG": {"organisations", "events", "people", "writers"},
    "GPE": {"states", "events", "people", "writers"},
    "LOC": {"states", "events"},
    "EVENT": {"events"},
    "LAW": {"events"},
    "FAC": {"events"},
    "WORK_OF_ART": {"events"},
    "PROPN": {"people", "writers", "events", "organisations"},
}
DASHES = ["-", "–", "—", "‐", "‑"]
APOSTROPHE_S = ["'s", "’s", "‘s", "'", "’"]
REPORTING = {
    "argue", "argues", "argued", "claim", "claims", "claimed", "suggest", "suggests",
    "suggested", "write", "writes", "wrote", "state", "states", "stated", "believe",
    "believes", "contend", "contends", "maintain", "maintains", "note", "notes", "noted",
    "says", "said", "points", "asserts", "describes", "described", "sees", "saw", "view",
    "views", "thesis", "interpretation", "account", "and", "&", "(", ")", ",", "'s", "’s",
}
FUZZY_MIN_COSINE = 0.55
FUZZY_MIN_RATIO = 0.84
FUZZY_MIN_LENGTH = 5
COREF_HEADS = {"pact", "treaty", "agreement", "protocol", "league", "conference", "congress"}

for _name, _default in (("corrected_from", None), ("candidates", ()), ("link", None)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)
if not Doc.has_extension("offices"):
    Doc.set_extension("offices", default=None)


def norm(text: str) -> str:
    """The comparison form of a name: NFKD without accents, lower case, one kind of dash
    and apostrophe, single spaces, no leading 'the'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("’", "'").replace("‘", "'")
    for dash in DASHES[1:]:
        text = text.replace(dash, "-")
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@dataclass(frozen=True)
class Target:
    """One knowledge entry an alias can name."""

    entry_id: str
    section: str
    wrong_form: bool


class KnowledgeLinker:
    """The pipeline component; built from a topic's knowledge."""

    def __init__(self, nlp: Language, topic: Topic) -> None:
        self.topic = topic
        knowledge = topic.knowledge
        self.targets: dict[str, list[Target]] = {}
        self.office_aliases: dict[str, list[str]] = {}
        for alias, entry_id, section, wrong in knowledge.all_names():
            key = norm(alias)
            if not key:
                continue
            if section == "offices":
                ids = self.office_aliases.setdefault(key, [])
                if entry_id not in ids:
                    ids.append(entry_id)
                continue
            if section not in SECTION_LABEL:
                continue
            bucket = self.targets.setdefault(key, [])
            if all(t.entry_id != entry_id for t in bucket):
                bucket.append(Target(entry_id, section, wrong))
        self.case_sensitive: dict[str, set[str]] = {}
        for section in SECTION_LABEL:
            for entry in knowledge.by_section(section):
                for alias in entry.case_sensitive:
                    self.case_sensitive.setdefault(norm(alias), set()).add(alias)
        self.disambiguation = {norm(d.alias): d for d in knowledge.disambiguation}
        self.matcher = Matcher(nlp.vocab)
        self.office_matcher = Matcher(nlp.vocab)
        for key in self.targets:
            self.matcher.add(key, [self._pattern(nlp, key)])
        for key in self.office_aliases:
            self.office_matcher.add(key, [self._pattern(nlp, key)])
        self._build_fuzzy_index()

    @staticmethod
    def _pattern(nlp: Language, key: str) -> list[dict[str, Any]]:
        """Token pattern for a normalised alias: case-insensitive, any dash or none."""
        pattern: list[dict[str, Any]] = []
        for token in nlp.make_doc(key):
            if token.text in DASHES:
                pattern.append({"ORTH": {"IN": DASHES}, "OP": "?"})
            elif token.text in ("'s", "'"):
                pattern.append({"LOWER": {"IN": APOSTROPHE_S}})
            else:
                pattern.append({"NORM": token.text} if token.is_alpha else {"LOWER": token.text})
        return pattern

    def _build_fuzzy_index(self) -> None:
        """Character n-gram TF-IDF over every alias (not wrong forms), as scispaCy does."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.fuzzy_keys = sorted(
            k for k, ts in self.targets.items() if len(k) >= FUZZY_MIN_LENGTH - 1
        )
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4))
        self.fuzzy_matrix = self.vectorizer.fit_transform(self.fuzzy_keys)

    # -- the component ------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        para_starts = [0] + [m.end() for m in re.finditer(r"\n\s*\n", doc.text)]
        spans = self._rule_spans(doc, para_starts)
        taken = _Occupancy(len(doc))
        for span in spans:
            taken.add(span.start, span.end)
        offices = self._offices(doc)
        for o_start, o_end, *_ in offices:
            span = doc.char_span(o_start, o_end, alignment_mode="expand")
            if span is not None:
                taken.add(span.start, span.end)
        kept: list[Span] = list(spans)
        for ent in doc.ents:
            if taken.free(ent.start, ent.end):
                linked = self._fuzzy(doc, ent.start, ent.end, ent.label_)
                kept.append(linked or ent)
                taken.add(ent.start, ent.end)
        for start, end in self._propn_runs(doc):
            if taken.free(start, end):
                linked = self._fuzzy(doc, start, end, "PROPN")
                if linked is not None:
                    kept.append(linked)
                    taken.add(start, end)
        kept.extend(self._coreference(doc, kept, taken, para_starts))
        kept.sort(key=lambda s: s.start)
        doc.ents = [s for s in kept if not any(
            o_start < s.end_char and s.start_char < o_end for o_start, o_end, *_ in offices
        ) or s.kb_id_]
        doc._.offices = offices
        return doc

    def _rule_spans(self, doc: Doc, para_starts: list[int]) -> list[Span]:
        """Exact alias matches, longest first, with the capitalisation guard and the
        disambiguation rules applied."""
        found = []
        for match_id, start, end in self.matcher(doc):
            key = doc.vocab.strings[match_id]
            found.append((end - start, start, end, key))
        found.sort(key=lambda m: (-m[0], m[1]))
        taken = _Occupancy(len(doc))
        spans: list[Span] = []
        for _, start, end, key in found:
            if not taken.free(start, end):
                continue
            targets = self.targets[key]
            exact = self.case_sensitive.get(key)
            if exact is not None and doc[start:end].text not in exact:
                continue
            if not self._case_ok(doc, start, end, targets):
                continue
            chosen = self._choose(doc, start, end, key, targets, para_starts)
            if chosen is None:
                continue
            target, candidates, how = chosen
            if target is None:
                label = SECTION_LABEL[candidates[0].section]
                span = Span(doc, start, end, label=label)
                span._.candidates = tuple(t.entry_id for t in candidates)
                span._.link = "ambiguous"
            else:
                span = Span(doc, start, end, label=SECTION_LABEL[target.section],
                            kb_id=target.entry_id)
                span._.link = how
                if target.wrong_form:
                    span._.corrected_from = span.text
            taken.add(start, end)
            spans.append(span)
        return spans

    @staticmethod
    def _case_ok(doc: Doc, start: int, end: int, targets: list[Target]) -> bool:
        """Single-word names of people must look like names: capitalised, and not a
        capitalised common word at the start of a sentence ("Service in the army...")."""
        if end - start != 1 or not all(t.section in ("people", "writers") for t in targets):
            return True
        token = doc[start]
        if not (token.text[:1].isupper()):
            return False
        if not token.is_sent_start:
            return True
        nxt = doc[start + 1] if start + 1 < len(doc) else None
        return (nxt is None or token.pos_ == "PROPN" or nxt.lower_ in REPORTING
                or nxt.pos_ in ("VERB", "AUX") or token.ent_type_ == "PERSON")

    def _choose(self, doc: Doc, start: int, end: int, key: str, targets: list[Target],
                para_starts: list[int]) -> tuple[Target | None, list[Target], str] | None:
        """The entry an alias names here; None to leave it unlinked."""
        rule = self.disambiguation.get(key)
        if rule is not None:
            window = _window(doc, start, end, para_starts)
            for r in rule.rules:
                if (r.pattern and re.search(r.pattern, window.sentence, re.IGNORECASE)) or (
                    r.context and any(
                        re.search(rf"\b{re.escape(w)}\b", window.sentence, re.IGNORECASE)
                        for w in r.context)
                ):
                    if r.choose is None:
                        return None  # the rule says: not this entity here
                    return self._target(r.choose, targets), targets, "context"
            if rule.default is None:
                if len(targets) > 1 and len({t.section for t in targets}) == 1:
                    return None, targets, "ambiguous"
                return None
            return self._target(rule.default, targets), targets, "context"
        if len(targets) == 1:
            return targets[0], targets, "wrong_form" if targets[0].wrong_form else "alias"
        sections = {t.section for t in targets}
        if len(sections) == 1:
            return None, targets, "ambiguous"
        # Different kinds without a rule: the topic check refuses this; be safe.
        return None

    def _target(self, entry_id: str, targets: list[Target]) -> Target:
        for t in targets:
            if t.entry_id == entry_id:
                return t
        entry = self.topic.knowledge.get(entry_id)
        section = getattr(entry, "section", None) or _section_of(self.topic, entry_id)
        return Target(entry_id, section, False)

    def _propn_runs(self, doc: Doc) -> list[tuple[int, int]]:
        """Runs of capitalised proper-noun tokens outside any entity (fuzzy candidates)."""
        runs, start = [], None
        for i, tok in enumerate(doc):
            ok = tok.pos_ == "PROPN" and tok.text[:1].isupper() and not tok.is_sent_start
            if ok and start is None:
                start = i
            elif not ok and start is not None:
                runs.append((start, i))
                start = None
        if start is not None:
            runs.append((start, len(doc)))
        return runs

    def _fuzzy(self, doc: Doc, start: int, end: int, label: str) -> Span | None:
        """Link a span to the closest alias when the spelling is clearly a variant."""
        allowed = FUZZY_TYPES.get(label)
        if not allowed:
            return None
        while start < end and doc[start].lower_ in ("the", "a", "an"):
            start += 1
        while end > start and doc[end - 1].text in APOSTROPHE_S:
            end -= 1
        if start >= end:
            return None
        text = doc[start:end].text
        key = norm(text)
        if len(key) < FUZZY_MIN_LENGTH or key in self.disambiguation:
            return None
        vec = self.vectorizer.transform([key])
        scores = (self.fuzzy_matrix @ vec.T).toarray().ravel()
        best: tuple[float, str, Target] | None = None
        for idx in scores.argsort()[::-1][:8]:
            if scores[idx] < FUZZY_MIN_COSINE:
                break
            alias = self.fuzzy_keys[idx]
            if key.startswith(alias) or alias.startswith(key):
                continue  # "Stalinist", "Trotskyists": derived words, not misspellings
            ratio = difflib.SequenceMatcher(None, key, alias).ratio()
            if ratio < FUZZY_MIN_RATIO:
                continue
            targets = [t for t in self.targets[alias] if t.section in allowed]
            if len(targets) != 1:
                continue
            if best is None or ratio > best[0]:
                best = (ratio, alias, targets[0])
        if best is None:
            return None
        target = best[2]
        span = Span(doc, start, end, label=SECTION_LABEL[target.section], kb_id=target.entry_id)
        span._.corrected_from = text
        span._.link = "fuzzy"
        return span

    def _coreference(self, doc: Doc, spans: list[Span], taken: _Occupancy,
                     para_starts: list[int]) -> list[Span]:
        """"the pact" / "the treaty" / "the League": the latest fitting entity in the same
        paragraph (the League: anywhere earlier in the essay)."""
        linked = sorted((s for s in spans if s.kb_id_), key=lambda s: s.start)
        out = []
        for i, tok in enumerate(doc[1:], start=1):
            head = tok.lower_
            if head not in COREF_HEADS or doc[i - 1].lower_ != "the" or tok.tag_ in ("NNS", "NNPS"):
                continue
            if i + 1 < len(doc) and doc[i + 1].lower_ == "of":
                continue
            if not taken.free(i - 1, i + 1):
                continue
            para = bisect.bisect_right(para_starts, tok.idx) - 1
            chosen = None
            for prev in reversed(linked):
                if prev.start >= i:
                    continue
                prev_para = bisect.bisect_right(para_starts, prev.start_char) - 1
                if head != "league" and prev_para != para:
                    break
                if self._fits(head, prev.kb_id_):
                    chosen = prev
                    break
            if chosen is None:
                continue
            span = Span(doc, i, i + 1, label=chosen.label_, kb_id=chosen.kb_id_)
            span._.link = "coref"
            taken.add(i, i + 1)
            out.append(span)
        return out

    def _fits(self, head: str, entry_id: str) -> bool:
        entry = self.topic.knowledge.get(entry_id)
        if entry is None:
            return False
        names = " ".join([entry.name, *entry.aliases]).lower()
        if head == "league":
            return "league" in names and "league of nations" in names
        kind = getattr(entry, "kind", "")
        if head in ("pact", "treaty", "agreement", "protocol"):
            return head in names or (head == "treaty" and kind == "treaty")
        return head in names

    def _offices(self, doc: Doc) -> list[tuple[int, int, str, tuple[str, ...]]]:
        """Mentions of office titles ("foreign commissar"), as (start_char, end_char, id,
        candidate ids). A title several offices share ("foreign minister") is settled by
        the knowledge's disambiguation rules, else all candidates are kept."""
        found = sorted(
            ((s, e, doc.vocab.strings[m]) for m, s, e in self.office_matcher(doc)),
            key=lambda m: (m[0], -(m[1] - m[0])),
        )
        out: list[tuple[int, int, str, tuple[str, ...]]] = []
        last_end = -1
        para_starts = [0] + [m.end() for m in re.finditer(r"\n\s*\n", doc.text)]
        for s, e, key in found:
            if s < last_end:
                continue
            ids = self.office_aliases[key]
            chosen: str | None = ids[0] if len(ids) == 1 else None
            rule = self.disambiguation.get(key)
            if rule is not None:
                window = _window(doc, s, e, para_starts)
                for r in rule.rules:
                    if (r.pattern and re.search(r.pattern, window.sentence, re.IGNORECASE)) or (
                        r.context and any(re.search(rf"\b{re.escape(w)}\b", window.sentence,
                                                    re.IGNORECASE) for w in r.context)):
                        chosen = r.choose or ""
                        break
                else:
                    chosen = rule.default if rule.default else chosen
            if chosen == "":
                continue  # a rule says this title is not an office here
            start_char, end_char = doc[s].idx, doc[e - 1].idx + len(doc[e - 1])
            out.append((start_char, end_char, chosen or ids[0],
                        (chosen,) if chosen else tuple(ids)))
            last_end = e
        return out


class _Occupancy:
    """Which tokens are already part of a chosen span."""

    def __init__(self, n: int) -> None:
        self.used = bytearray(n)

    def free(self, start: int, end: int) -> bool:
        return not any(self.used[start:end])

    def add(self, start: int, end: int) -> None:
        self.used[start:end] = b"\x01" * (end - start)


@dataclass(frozen=True)
class _Window:
    sentence: str
    paragraph: str


def _window(doc: Doc, start: int, end: int, para_starts: list[int]) -> _Window:
    span = doc[start:end]
    sent = span.sent.text if doc.has_annotation("SENT_START") else doc.text
    i = bisect.bisect_right(para_starts, span.start_char) - 1
    p_end = para_starts[i + 1] if i + 1 < len(para_starts) else len(doc.text)
    return _Window(sentence=sent, paragraph=doc.text[para_starts[i]:p_end])


def _section_of(topic: Topic, entry_id: str) -> str:
    entry = topic.knowledge.get(entry_id)
    return getattr(entry, "section", "events") if entry is not None else "events"


@Language.factory("marker_linker", default_config={"topic_path": ""})
def make_linker(nlp: Language, name: str, topic_path: str) -> KnowledgeLinker:
    """spaCy factory: the topic is named by its folder so the config stays plain data."""
    from .topic import load_topic

    return KnowledgeLinker(nlp, load_topic(topic_path))


def add_to_pipeline(nlp: Language, topic: Topic) -> None:
    """Add the linker after the statistical NER."""
    nlp.add_pipe("marker_linker", after="ner", config={"topic_path": str(topic.path)})
