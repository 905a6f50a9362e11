"""A cache of compiled topic data in the user's cache folder: made once, checked on every read.

Reading and validating a topic's YAML and fitting its TF-IDF/LSA model take longer than
spaCy's own analysis of an essay, and their results depend only on the pack's bytes and on
marker's code. So they are saved as plain arrays (numpy ``.npz``, read with
``allow_pickle=False``: no code can come back from the file) under a key made of both.

Nothing here is trusted: an entry whose key, names or content digest do not match is
ignored and made again, and a folder that cannot be written (read-only, full) only means
the next run compiles again. ``MARKER_CACHE_DIR`` moves the folder (tests use it); set to
an empty string, it turns the cache off.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sys
import threading
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    import numpy as np

CACHE_ENV = "MARKER_CACHE_DIR"
FORMAT = "marker.cache/1"
_KEY = "_key"
_DIGEST = "_digest"
# The modules whose code decides what is compiled: a change to any of them is a new key.
_SOURCES = ("cache.py", "topic.py", "evidence/__init__.py", "evidence/communication.py",
            "stopwords.py", "linking.py")


def cache_dir() -> Path | None:
    """The folder compiled data goes in, or None when the cache is turned off."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured).expanduser() if configured.strip() else None
    import platformdirs

    return Path(platformdirs.user_cache_dir("marker", appauthor=False))


@functools.cache
def code_hash() -> str:
    """marker's version and the source of the compiling modules, hashed."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}".encode())
    for name in _SOURCES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    return digest.hexdigest()


def entry_key(kind: str, content: str, *extra: str) -> str:
    """The key of one entry: its kind, the content hash and marker's code hash."""
    return hashlib.sha256("\0".join((kind, content, code_hash(), *extra)).encode()).hexdigest()


def read(kind: str, key: str) -> dict[str, np.ndarray] | None:
    """The arrays saved under ``key``, or None when there is no entry or it does not verify."""
    folder = cache_dir()
    if folder is None:
        return None
    import numpy as np

    path = folder / f"{kind}-{key[:32]}.npz"
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):
        return None  # missing, truncated, damaged or not an npz at all
    if _KEY not in arrays or _DIGEST not in arrays or str(arrays.pop(_KEY)) != key:
        return None
    if str(arrays.pop(_DIGEST)) != _digest(arrays):
        return None
    return arrays


def write(kind: str, key: str, arrays: Mapping[str, np.ndarray]) -> None:
    """Save ``arrays`` under ``key`` atomically; a folder that refuses it is left alone."""
    folder = cache_dir()
    if folder is None:
        return
    import io

    import numpy as np

    from .files import atomic_write_bytes

    buffer = io.BytesIO()
    np.savez(buffer, **arrays, **{_KEY: np.array(key), _DIGEST: np.array(_digest(arrays))})
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(folder / f"{kind}-{key[:32]}.npz", buffer.getvalue(), durable=False)
    except OSError:
        pass  # read-only or full: the next run compiles again, nothing is lost


_AHEAD: dict[str, int] = {}  # entry key -> the child process making it


def make_ahead(kind: str, key: str, build: Callable[[], Mapping[str, np.ndarray]]) -> None:
    """Start making a missing entry in a child process while this one goes on.

    A cold first run spends most of its extra time importing scikit-learn and fitting;
    on a machine with a second core a forked child does that while the parent loads
    spaCy and reads the essay. The child only writes the entry (atomically, as
    :func:`write` always does) and ends; the parent waits for it with :func:`wait` and
    then reads the entry like any other, verified. Nothing is started where forking is
    unsafe or unavailable (threads running, not Linux), when the cache is turned off or
    the entry is already there: the caller then makes it itself, as it always could.
    """
    folder = cache_dir()
    if (folder is None or key in _AHEAD or not hasattr(os, "fork")
            or not sys.platform.startswith("linux") or threading.active_count() > 1
            or (folder / f"{kind}-{key[:32]}.npz").exists()):
        return
    pid = os.fork()
    if pid == 0:  # the child: make the entry, say nothing, end without the parent's cleanup
        status = 1
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            write(kind, key, build())
            status = 0
        finally:
            os._exit(status)
    _AHEAD[key] = pid


def wait(key: str) -> None:
    """Wait for the child :func:`make_ahead` started for ``key``, if there is one."""
    pid = _AHEAD.pop(key, None)
    if pid is not None:
        with contextlib.suppress(ChildProcessError, InterruptedError):
            os.waitpid(pid, 0)


def _digest(arrays: Mapping[str, np.ndarray]) -> str:
    """A hash of every array's name, type, shape and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = arrays[name]
        digest.update(f"{name}\0{array.dtype.str}\0{array.shape}\0".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()
