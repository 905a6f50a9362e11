"""Atomic writes: a file is wholly there or not at all; fsync only where it is asked for."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from marker import files
from marker.files import atomic_write_bytes


def test_atomic_write_replaces_and_keeps_the_mode(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    monkeypatch.setattr(files.os, "fsync", synced.append)
    target = tmp_path / "report.html"
    atomic_write_bytes(target, b"first")
    assert target.read_bytes() == b"first" and len(synced) == 1
    os.chmod(target, 0o640)
    atomic_write_bytes(target, b"second", durable=False)
    assert target.read_bytes() == b"second" and len(synced) == 1  # no fsync asked for
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    target.write_bytes(b"old")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full_disk)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_ctrl_c_just_after_the_temporary_is_made_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C can land at any bytecode: right after the temporary file exists, before the
    code that would remove it knew its name (a Dask batch interrupted mid-write once left a
    '.tmp' behind that way)."""
    target = tmp_path / "report.html"
    target.write_bytes(b"old")
    real_open = os.open

    def interrupted(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        os.close(real_open(path, flags, mode))
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "open", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
