"""Measured evidence about one essay, the only thing marks and feedback are made from.

Each family (accuracy, coverage, ...) is a module with ``measure(essay) -> Evidence``: a
score from 0 to 1, a one-line summary, the numbers behind it, spans of the essay it
points at, and reasons and next steps worded from what was measured in *this* essay.
The rubric then turns scores into marks, so a teacher can follow every mark back to text.

:class:`Essay` is the shared reading of a report the families measure: paragraphs (heading
lines such as the question split off), sentences, which question the essay answers, and
how close each paragraph is to the topic's material (TF-IDF + LSA, fitted once per topic).
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..regex import scanner
from ..stopwords import ENGLISH_STOP_WORDS
from ..topic import SECTIONS

if TYPE_CHECKING:
    import numpy as np
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

    from ..report import Entity, Report
    from ..topic import DateValue, Entry, Topic

EVIDENCE_NAMES = (
    "accuracy", "coverage", "specificity", "argument", "historiography", "communication",
    "relevance",
)
# Signals the relevance family raises; rubric caps name them.
GAMING_SIGNALS = ("keyword_salad", "question_copy", "off_topic", "repetition")
# Every signal a rubric cap may name: the gaming signals, accuracy's frequent errors and
# communication's frequent slips.
CAP_SIGNALS = (*GAMING_SIGNALS, "frequent_errors", "frequent_slips")


@dataclass(frozen=True)
class Span:
    """A stretch of the essay's text a piece of evidence points at."""

    start: int
    end: int
    note: str


@dataclass(frozen=True)
class Evidence:
    """One measured family: the score marks use and the words feedback uses."""

    name: str
    score: float
    summary: str
    details: dict[str, Any]
    spans: tuple[Span, ...] = ()
    reasons: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 3),
            "summary": self.summary,
            "details": self.details,
            "spans": [{"start": s.start, "end": s.end, "note": s.note} for s in self.spans],
            "reasons": list(self.reasons),
            "next_steps": list(self.next_steps),
        }


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the essay with its sentences and how on-topic it reads."""

    start: int
    end: int
    text: str
    sentences: tuple[SpacySpan, ...]
    words: int
    topicality: float = 1.0  # >= 1: close to the topic's material; < 1: about something else
    number: int = 0  # 1-based position in report.paragraphs, as the rendered report numbers them


@dataclass(frozen=True)
class Essay:
    """What every evidence family reads: the report, the spaCy Doc and the topic."""

    report: Report
    doc: Doc
    topic: Topic
    model: TopicModel
    body: tuple[Paragraph, ...]
    question: tuple[str, str]  # (id, text) of the topic question the essay answers
    focus: frozenset[str]  # stems of the question's own words (not the topic's title)
    echoes: frozenset[int] = field(default_factory=frozenset)  # starts of sentences restating it
    reference: Any = None  # body paragraphs' LSA cosines to the model answer's (rows: body)

    @property
    def text(self) -> str:
        return self.report.text

    @functools.cached_property
    def lowered(self) -> str:
        """The text in lower case, to rule out quickly the phrases it cannot contain."""
        return self.report.text.lower()

    @property
    def words(self) -> int:
        return self.report.input.words

    @functools.cached_property
    def ents(self) -> tuple[SpacySpan, ...]:
        """The Doc's entity spans, built once (``Doc.ents`` builds them on every read)."""
        return self.doc.ents

    @functools.cached_property
    def linked(self) -> list[Entity]:
        """Entities linked to the knowledge, in text order."""
        return [e for e in self.report.entities if e.kb_id]

    @property
    def claims(self) -> list[dict[str, Any]]:
        return self.report.claims

    def sentences(self) -> Iterable[tuple[Paragraph, SpacySpan]]:
        """Every body sentence with its paragraph, in text order."""
        for para in self.body:
            for sent in para.sentences:
                yield para, sent


def measure(report: Report, doc: Doc, topic: Topic) -> dict[str, Evidence]:
    """Every evidence family for one marked essay, in EVIDENCE_NAMES order."""
    from . import (
        accuracy,
        argument,
        communication,
        coverage,
        historiography,
        relevance,
        specificity,
    )

    essay = read_essay(report, doc, topic)
    families = (accuracy, coverage, specificity, argument, historiography, communication,
                relevance)
    return {module.NAME: module.measure(essay) for module in families}


# --- reading the essay -----------------------------------------------------------------

_TITLE_WORDS = 25


def read_essay(report: Report, doc: Doc, topic: Topic) -> Essay:
    """Splits off heading lines, finds the question answered and each paragraph's topicality."""
    model = topic_model(topic)
    sents = list(doc.sents)
    ends = [s.end_char for s in sents]
    paragraphs = []
    for number, (start, end) in enumerate(report.paragraphs, start=1):
        text = report.text[start:end]
        # The sentences that end after the paragraph starts, up to one starting after it.
        near = sents[bisect.bisect_right(ends, start):]
        paragraphs.append(Paragraph(start, end, text, _clipped(doc, report.text, near, start, end),
                                    count_words(text), number=number))
    headings = []
    while len(paragraphs) > 1 and len(headings) < _MAX_HEADINGS and _is_heading(paragraphs[0]):
        headings.append(paragraphs.pop(0))
    opening = " ".join(h.text for h in headings) or (paragraphs[0].text if paragraphs else "")
    tfidf, lsa = model.read([*(p.text for p in paragraphs), opening])
    question = model.closest_question(opening, lsa[-1])
    asked = next((h.text.strip() for h in headings if _asks(h.text)), None)
    if asked is not None:  # the question the teacher set, in the student's heading
        question = (question[0], asked)
    scores, reference = model.topicality(tfidf[:-1], lsa[:-1])
    body = tuple(
        Paragraph(p.start, p.end, p.text, p.sentences, p.words, float(s), p.number)
        for p, s in zip(paragraphs, scores, strict=True)
    )
    focus = frozenset(stems(question[1])) - frozenset(stems(topic.title)) - _framing()
    echoes = frozenset(s.start_char for p in body for s in p.sentences
                       if restates(s.text, question[1]))
    return Essay(report, doc, topic, model, body, question, focus, echoes, reference)


def _clipped(doc: Doc, text: str, sents: list[SpacySpan], start: int, end: int
             ) -> tuple[SpacySpan, ...]:
    """The paragraph's sentences, cut at its edges: a sentence never runs across paragraphs
    (``text`` is the essay's, Doc.text)."""
    from ..tokens import sentence

    out = []
    for sent in sents:
        if sent.start_char >= end:
            break
        if sent.end_char <= start:
            continue
        span = doc.char_span(max(sent.start_char, start), min(sent.end_char, end),
                             alignment_mode="contract")
        if span is not None:
            span = sentence(doc, span.start, span.end, text)
            if span.text.strip():
                out.append(span)
    return tuple(out)


_MAX_HEADINGS = 3


def _is_heading(para: Paragraph) -> bool:
    """A short line before the essay: a title, the question, a candidate number."""
    text = para.text.strip()
    return para.words <= _TITLE_WORDS and (text.endswith("?") or text[-1:] not in ".!\"'”’")


_ASKING = re.compile(r"(how|why|what|to what extent|was|were|did|do|does|is|assess|explain|"
                     r"evaluate|discuss|examine|account for|compare)\b", re.I)


def _asks(text: str) -> bool:
    """A heading that is a question: "Why did collective security fail?", "Assess the
    reasons for the pact" ("Soviet foreign policy, 1917-1941" is a title, not a question)."""
    text = text.strip().strip('"“”')
    return text.endswith("?") or bool(_ASKING.match(text))


@functools.lru_cache(maxsize=1)
def _framing() -> frozenset[str]:
    """Words that frame a question rather than say what it is about."""
    return frozenset(stems("extent far assess reasons did main why evaluate explain account "
                           "discuss important significant successful"))


def restates(sentence: str, question: str) -> bool:
    """True when a sentence is mostly the question's own words (it restates, not answers)."""
    words = stems(sentence)
    asked = set(stems(question))
    if len(words) < 5 or len(asked) < 3:
        return False
    inside = sum(1 for w in words if w in asked)
    return inside / len(words) >= 0.75 and len(set(words) & asked) / len(asked) >= 0.6


# --- text helpers ----------------------------------------------------------------------

_WORD = re.compile(r"\b\w[\w'’-]*\b")
_TOKEN = re.compile(r"[a-z][a-z'’-]*[a-z]|\d{4}")
# Tried in order, one per word, leaving at least three letters: a crude but fixed stemmer.
_SUFFIXES = ("izations", "isations", "ization", "isation", "ations", "ation", "ising", "izing",
             "ised", "ized", "ises", "izes", "ise", "ize", "ically", "ally",
             "ingly", "ings", "ing", "edly", "ed", "ies", "es", "ly", "al", "s", "e")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


@functools.lru_cache(maxsize=4096)
def stems(text: str) -> tuple[str, ...]:
    """Content words folded so 'collectivised'/'collectivisation' and US/UK forms meet
    (cached: the families stem each sentence, and the question, several times)."""
    return tuple(stem for word in _TOKEN.findall(text.lower()) if (stem := _stem(word)))


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """One word's stem, or "" for a stop word (cached: an essay repeats its words, and the
    families stem the same sentences many times)."""
    word = word.replace("’", "'").removesuffix("'s")
    if word in ENGLISH_STOP_WORDS:
        return ""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not (
            suffix == "s" and word.endswith("ss")
        ):
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return word.replace("iz", "is")


@functools.lru_cache(maxsize=4096)
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A case-insensitive whole-word pattern for a key-content keyword or name (made once
    per phrase, with a first-character look-ahead: it is searched for in every essay)."""
    words = [re.escape(w) for w in phrase.split()]
    return scanner(r"(?<![\w-])" + r"[\s-]+".join(words) + r"(?![\w-])", re.IGNORECASE)


def short(text: str, limit: int = 70) -> str:
    """A quotation from the essay, cut at a word boundary to fit a reason."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def agree(n: int, one: str, many: str) -> str:
    """The verb form for a count: agree(1, "is", "are")."""
    return one if n == 1 else many


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def spoken_date(value: DateValue) -> str:
    """'3 March 1918', 'March 1918' or '1918', as precise as the knowledge is."""
    d = value.start
    if value.precision == "day":
        return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    if value.precision == "month":
        return f"{_MONTHS[d.month - 1]} {d.year}"
    return str(d.year)


def named(topic: Topic, entry: Entry) -> str:
    """An entry's name as it reads inside a sentence: with "the" when the topic's own prose
    mostly writes it so ("the scale of the First World War", "the Treaty of Rapallo"), bare
    when it does not ("Operation Barbarossa", "Germany"); a person's name is always bare."""
    name = entry.name
    if (entry.section in ("people", "writers") or name[:4].lower() == "the "
            or _POSSESSIVE.match(name)):  # "Stalin's report ..." takes no article
        return name
    key = (topic.sha256, entry.id)
    if key not in _ARTICLES:
        # The name as prose writes it ("Treaty of Rapallo (1922)": "the Treaty of Rapallo"),
        # else its longer aliases (a short one, "Rapallo", is a place's bare name).
        prose = _prose(topic)
        found: list[int] = []
        for forms in ([name], [a for a in entry.aliases if " " in a]):
            for form in forms:
                found.extend(_whole_word_at(prose, _PARENTHESIS.sub("", form)))
            if found:
                break
        # Only where the name runs in a sentence after a lower-case word: "(Arcos raid" and
        # "1927 - Arcos raid" are lists and headings, which drop articles, and "Spanish
        # Civil War" is another name.
        before = [prose[max(0, i - 12):i] for i in found]
        running = [b for b in before if _AFTER_WORD.search(b) or b.endswith("The ")]
        if running:
            _ARTICLES[key] = sum(b.lower().endswith("the ") for b in running) * 2 > len(running)
        else:  # prose never runs it in a sentence: English puts "the" before a named war,
            # treaty, pact, ... ("the Russian Civil War")
            head = _PARENTHESIS.sub("", name).rsplit(" ", 1)[-1]
            _ARTICLES[key] = " " in name and head[:1].isupper() and head.lower() in _THE_HEADS
    return f"the {name}" if _ARTICLES[key] else name


def _whole_word_at(text: str, phrase: str) -> Iterator[int]:
    """Where ``phrase`` stands as whole words in ``text`` (str.find: a regex per name over
    the whole prose cost 25 ms a name)."""
    i = text.find(phrase) if phrase else -1
    while i >= 0:
        end = i + len(phrase)
        if (i == 0 or not _is_word(text[i - 1])) and (end == len(text) or not _is_word(text[end])):
            yield i
        i = text.find(phrase, i + 1)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


_ARTICLES: dict[tuple[str, str], bool] = {}
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")
_POSSESSIVE = re.compile(r"[^\s(]+['’]s ")
_AFTER_WORD = re.compile(r"(?<![A-Za-z])[a-z]+ $")  # a lower-case word: running text
_THE_HEADS = frozenset(
    "war wars treaty treaties pact agreement conference congress revolution plan protocol "
    "raid affair front battle offensive uprising crisis purge terror trial trials".split())
_NAME_FIELDS = frozenset({"name", "full_name", "topic", "alias", "default"})


@functools.lru_cache(maxsize=4)
def _prose(topic: Topic) -> str:
    """The topic's own sentences: the model answer, the questions, the key content and every
    text field of the knowledge (made once per topic)."""
    texts = [*topic.essay_paragraphs, *(q for _, q in topic.questions)]
    texts.extend(f"{k.label}. {k.why or ''}" for k in topic.key_content)
    for section in SECTIONS:
        for entry in topic.knowledge.by_section(section):
            texts.extend(v for k, v in entry.data.items()  # sentences, not names or ids
                         if isinstance(v, str) and k not in _NAME_FIELDS and " " in v)
    return "\n".join(texts)


def clip(x: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, x))


def ratio(x: float, full: float) -> float:
    """x as a share of the amount that earns a full score, clipped to 0..1."""
    return clip(x / full) if full > 0 else 0.0


# --- the topic model -------------------------------------------------------------------

_LSA_DIMENSIONS = 100
# A paragraph is on the topic when its TF-IDF cosine to the topic's material reaches this,
# or its LSA cosine to a paragraph of the model answer does.
_ON_TOPIC_TFIDF = 0.20
_ON_TOPIC_LSA = 0.40


class TopicModel:
    """TF-IDF and LSA (TruncatedSVD) fitted on a topic's own material.

    The material is the model answer's paragraphs, the knowledge's names and descriptions
    and the key-content labels: what an on-topic paragraph talks about. Deterministic
    (fixed random_state). Fitted with scikit-learn once per topic and marker version, then
    kept as plain arrays in the compiled-topic cache; an essay is read with numpy alone.
    """

    def __init__(self, topic: Topic, arrays: Mapping[str, np.ndarray]) -> None:
        import numpy as np

        self.stems: tuple[str, ...] = tuple(str(x) for x in arrays["stems"])
        self.vocabulary = {stem: j for j, stem in enumerate(self.stems)}
        self.idf: np.ndarray = arrays["idf"]
        self.components: np.ndarray = arrays["components"]
        self.centroid: np.ndarray = arrays["centroid"]
        # One row per stem, contiguous: an essay's stems pick their rows out at once.
        self._by_stem = np.ascontiguousarray(self.components.T)
        self._centroid_by_stem = np.ascontiguousarray(self.centroid.T)
        self.questions = topic.questions
        self.reference = self.embed(topic.essay_paragraphs)
        self.question_vectors = self.embed([q for _, q in topic.questions])

    @staticmethod
    def fit(topic: Topic) -> dict[str, np.ndarray]:
        """The arrays of the fitted model (scikit-learn is imported only here)."""
        import numpy as np
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from threadpoolctl import threadpool_limits

        vectorizer = TfidfVectorizer(analyzer=stems, sublinear_tf=True)
        matrix = vectorizer.fit_transform(topic_material(topic))
        dims = max(1, min(_LSA_DIMENSIONS, matrix.shape[0] - 1, matrix.shape[1] - 1))
        # One BLAS thread: the matrix is small, and on a busy machine many threads make the
        # fit 100 times slower, not faster.
        with threadpool_limits(limits=1):
            svd = TruncatedSVD(n_components=dims, random_state=0).fit(matrix)
        order = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        return {"stems": np.array(order, dtype=str), "idf": vectorizer.idf_,
                "components": svd.components_, "centroid": _unit(matrix.mean(axis=0))}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit LSA vectors (all zero for a text that shares no word with the material)."""
        return self.read(texts)[1]

    def read(self, texts: Sequence[str]) -> tuple[list[_Row], np.ndarray]:
        """Unit TF-IDF rows (sparse) and unit LSA rows of the texts, from one transform."""
        import numpy as np

        if not texts:
            return [], np.zeros((0, len(self.components)))
        rows = [self._tfidf(text) for text in texts]
        # TruncatedSVD.transform(X) is X @ components_.T
        return rows, _unit_rows(np.array([_times(row, self._by_stem) for row in rows]))

    def _tfidf(self, text: str) -> _Row:
        """One row of ``TfidfVectorizer.transform`` bit for bit: the counts of the known
        stems, then 1 + log, times idf, scaled to unit length (scikit-learn's own order of
        operations, so a fitted and a cached model read an essay identically)."""
        import numpy as np

        row: dict[int, int] = {}
        for stem in stems(text):
            j = self.vocabulary.get(stem)
            if j is not None:
                row[j] = row.get(j, 0) + 1
        columns = np.array(sorted(row), dtype=np.int64)
        data = np.array([row[j] for j in columns.tolist()], dtype=np.float64)
        np.log(data, data)  # sublinear_tf=True
        data += 1.0
        data *= self.idf[columns]
        total = 0.0
        for value in data.tolist():  # sequentially, as scikit-learn's l2 kernel sums
            total += value * value
        if total != 0.0:
            data /= math.sqrt(total)
        return columns, data

    def topicality(self, tfidf: Sequence[_Row], lsa: np.ndarray
                   ) -> tuple[list[float], np.ndarray]:
        """Per text (rows of :meth:`read`): >= 1 when it is close to the topic's material,
        < 1 when it is about other things; and its cosine to every paragraph of the model
        answer (rows: texts)."""
        import numpy as np

        reference = lsa @ self.reference.T
        if not len(lsa):
            return [], reference
        near = np.array([_times(row, self._centroid_by_stem)[0] for row in tfidf])
        closest = reference.max(axis=1) if len(self.reference) else near * 0
        both = np.maximum(near / _ON_TOPIC_TFIDF, closest / _ON_TOPIC_LSA)
        return [round(float(x), 3) for x in both], reference

    def closest_question(self, text: str, lsa: np.ndarray | None = None) -> tuple[str, str]:
        """The topic question a title or introduction is closest to (the first when unclear);
        ``lsa`` is the text's row from :meth:`read` when already computed."""
        if len(self.questions) == 1 or not text.strip():
            return self.questions[0]
        vector = self.embed([text])[0] if lsa is None else lsa
        sims = self.question_vectors @ vector
        best = int(sims.argmax())
        return self.questions[best] if sims[best] > 0.3 else self.questions[0]


_Row = tuple["np.ndarray", "np.ndarray"]
"""A sparse TF-IDF row: its column numbers (ascending) and values."""


def _times(row: _Row, matrix: np.ndarray) -> np.ndarray:
    """``row @ matrix`` summed in the row's column order from zero, as scipy's CSR product
    does, so the result is the same to the last bit: an accumulation adds strictly one term
    after another (a reduction may sum in pairs), and ``+ 0.0`` gives the -0.0 of a sum of
    negative zeros the +0.0 that starting from zero gives."""
    import numpy as np

    if not len(row[0]):
        return np.zeros(matrix.shape[1])
    return np.add.accumulate(row[1][:, None] * matrix[row[0]], axis=0)[-1] + 0.0


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (rows of zeros stay zeros)."""
    import numpy as np

    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def _unit(vector: Any) -> np.ndarray:
    import numpy as np

    array = np.asarray(vector)
    norm = float(np.linalg.norm(array))
    return array / norm if norm else array


def topic_material(topic: Topic) -> list[str]:
    """The texts that define what the topic is about, in a fixed order."""
    docs = list(topic.essay_paragraphs)
    for section in ("events", "people", "writers", "organisations", "misconceptions", "figures"):
        for entry in topic.knowledge.by_section(section):
            parts = [entry.name]
            for attr in ("significance", "description", "error", "correct"):
                value = getattr(entry, attr, None)
                if value:
                    parts.append(value)
            docs.append(". ".join(parts))
    docs.extend(f"{k.label}. {k.why or ''}" for k in topic.key_content)
    docs.extend(q for _, q in topic.questions)
    return docs


_MODELS: dict[str, TopicModel] = {}


def topic_model(topic: Topic) -> TopicModel:
    """The fitted model for a topic, once per process (keyed by the pack's hash): read from
    the compiled cache, or fitted and saved there."""
    model = _MODELS.get(topic.sha256)
    if model is None:
        from .. import cache

        key = cache.entry_key("model", topic.sha256)
        cache.wait(key)
        arrays = cache.read("model", key)
        if arrays is None or not _usable(arrays):
            arrays = TopicModel.fit(topic)
            cache.write("model", key, arrays)
        model = _MODELS[topic.sha256] = TopicModel(topic, arrays)
    return model


def fit_ahead(topic: Topic) -> None:
    """Have the topic's model fitted in a child process, if it is in neither this
    process nor the compiled cache (see ``cache.make_ahead``): :func:`topic_model` then
    reads what the child saved instead of importing scikit-learn and fitting here."""
    if topic.sha256 not in _MODELS:
        from .. import cache

        cache.make_ahead("model", cache.entry_key("model", topic.sha256),
                         lambda: TopicModel.fit(topic))


def _usable(arrays: Mapping[str, np.ndarray]) -> bool:
    """A cached model has the four arrays with shapes that fit together."""
    try:
        stems_, idf, comps, centroid = (arrays[k] for k in ("stems", "idf", "components",
                                                           "centroid"))
    except KeyError:
        return False
    n = len(stems_)
    return (stems_.dtype.kind == "U" and idf.shape == (n,) and comps.ndim == 2
            and comps.shape[1] == n and centroid.shape == (1, n)
            and all(a.dtype.kind == "f" for a in (idf, comps, centroid)))
