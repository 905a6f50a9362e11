"""Safe file writing: a report is either wholly there or not there at all."""

from __future__ import annotations

import functools
import os
import secrets
import stat
from pathlib import Path


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *,
                       durable: bool = True) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over ``path``.

    ``durable=False`` skips the fsync: the file is still never seen half-written by a
    reader or after the process is killed, but a power cut may lose it. Only for files
    that can be made again and are checked before reuse (a batch's per-student reports,
    hashed in its manifest), where three fsyncs an essay cost more than marking steps do.
    """
    target = Path(path)
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        # Made inside the try, under a name known beforehand: a Ctrl-C that lands just
        # after the file exists still removes it (with mkstemp the name came back only
        # after the file was made, and a Ctrl-C in between left it behind).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        # The temporary is owner-only (0600) while written; give it the mode open() would.
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except FileExistsError:
        raise  # another writer's temporary under the same random name: not ours to remove
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    """The existing file's permissions, else the usual 0666 less the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


@functools.cache
def _umask() -> int:
    """The process umask (read once: reading it means briefly setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """UTF-8 text version of :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))
