"""The atomic writer (issue 11): temp file, write, fsync, size check, 0644, rename.

A full disk is simulated in-process by patching ``os.write``/``os.fsync``.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from cartpole_game.core.atomic import AtomicFile, atomic_write_bytes

OLD = b"the old file, which must survive"


def enospc(*args: object) -> int:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(".")]


def test_a_short_write_the_disk_lied_about_is_caught_by_the_size_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "data.bin"
    target.write_bytes(OLD)
    real_write = os.write

    def half_write(fd: int, data: bytes) -> int:  # a file system that claims success
        real_write(fd, bytes(data)[: len(data) // 2])
        return len(data)

    monkeypatch.setattr(os, "write", half_write)
    with pytest.raises(OSError, match="holds"):
        atomic_write_bytes(target, b"x" * 1000)
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_a_full_disk_leaves_the_old_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "data.bin"
    target.write_bytes(OLD)
    monkeypatch.setattr(os, failing, enospc)
    with pytest.raises(OSError) as caught:
        atomic_write_bytes(target, b"new" * 100)
    monkeypatch.undo()
    assert caught.value.errno == errno.ENOSPC
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path) == []


def test_saved_files_are_0644_and_replace_false_never_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    atomic_write_bytes(target, b"one")
    assert mode_of(target) == 0o644
    with pytest.raises(FileExistsError):
        atomic_write_bytes(target, b"two", replace=False)
    assert target.read_bytes() == b"one" and leftovers(tmp_path) == []


def test_an_atomic_file_left_without_commit_leaves_nothing(tmp_path: Path) -> None:
    with AtomicFile(tmp_path / "x.gif") as out:
        out.write(b"partial")
    assert list(tmp_path.iterdir()) == []
