"""Reading a parsed Doc cheaply: helpers the linker, the claim extractors and the evidence
families share (below :mod:`marker.nlp`, which loads the model and builds the pipeline).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


def where(doc: Doc, attr: int, values: set[int]) -> list[int]:
    """Indexes of the tokens whose ``attr`` (a spaCy attribute id, read as one array) is
    one of ``values``: cheaper than a Token object for every word."""
    import numpy as np  # loaded with spaCy already

    column = doc.to_array(attr)
    if len(values) > 16:
        hits = np.isin(column, np.array(sorted(values), dtype=column.dtype))
    else:  # a handful of values: cheaper than np.isin
        hits = np.zeros(len(column), dtype=bool)
        for value in values:
            hits |= column == value
    return np.flatnonzero(hits).tolist()


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
