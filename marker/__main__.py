"""``python -m marker``."""

from .cli import entry

entry()
