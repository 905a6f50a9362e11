"""Claims: the checkable statements of an essay, as frames of details.

``extract`` finds each claim's span, kind and stated value in the parse, handing each kind
that has its own module (``number``: finding and checking beside each other) its sentences;
``frame`` (used after :mod:`marker.verify`) finds every detail a claim's clause states,
marks each as checked or not, and gives the claim one verdict from them. ``span``,
``place`` and ``parties`` settle the details frames find; ``base``, ``details`` and
``verdict`` hold the shared types, so every module imports downward.
"""

from .extract import (
    AGREEMENTS,
    NATIONALITIES,
    Claim,
    Mention,
    extract_claims,
    is_titled,
    title_variants,
)

__all__ = ["AGREEMENTS", "NATIONALITIES", "Claim", "Mention", "extract_claims", "is_titled",
           "title_variants"]
