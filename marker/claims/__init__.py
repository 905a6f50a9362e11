"""Claims: the checkable statements of an essay, as frames of details.

``extract`` finds each claim's span, kind and stated value in the parse; ``frame`` (used
after :mod:`marker.verify`) finds every detail a claim's clause states, marks each as
checked or not, and gives the claim one verdict from them.
"""

from .extract import NATIONALITIES, Claim, Mention, extract_claims, title_variants

__all__ = ["NATIONALITIES", "Claim", "Mention", "extract_claims", "title_variants"]
