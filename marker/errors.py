"""The one exception type users can cause.

Everything below ``cli.py`` raises :class:`MarkerError` for bad input; the CLI prints its
one-line message to stderr and exits with the code it carries, never a traceback.
"""

from __future__ import annotations


class MarkerError(Exception):
    """A problem the user can fix: a bad file, a broken topic pack, a bad rubric.

    The message is one line and names the file (and entry) at fault.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message
