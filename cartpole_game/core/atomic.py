"""The one way the game writes a file: a temp file in the same directory, written and checked,
then renamed over the target.

Every write goes through :class:`AtomicFile`: the bytes are written with ``os.write`` (a short
write or ENOSPC raises instead of vanishing), flushed and fsynced, the file's size is checked
with ``fstat`` against what was written, the mode is set to 0644, and only then is it renamed.
A crash, kill -9 or full disk at any moment leaves either the old file or the new one, never a
torn mix; on failure the temp file is removed and ``OSError`` is raised.

``atomic_write_bytes``/``atomic_write_text`` write a whole buffer; ``AtomicFile`` streams (GIF
recording writes frame by frame and picks the final name only when it commits).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

FILE_MODE = 0o644  # every saved file is an ordinary, readable file (mkstemp alone makes 0600)


class AtomicFile:
    """A temp file next to ``path``; ``commit()`` checks it and renames it into place.

    ``replace=False`` never replaces an existing file: ``commit`` raises ``FileExistsError``.
    Use as a context manager: leaving the block with an exception (or without a commit) aborts.
    """

    def __init__(self, path: str | os.PathLike[str], *, replace: bool = True) -> None:
        self.path = Path(path)
        self.replace = replace
        self.written = 0
        fd, name = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        self._fd: int | None = fd
        self.temp_path = Path(name)

    @property
    def closed(self) -> bool:
        return self._fd is None

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Write all of ``data`` (looping over short writes); raises ``OSError`` on failure."""
        if self._fd is None:
            raise ValueError("write to a closed AtomicFile")
        view = memoryview(data).cast("B")
        while view:
            n = os.write(self._fd, view)
            if n <= 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.path))
            self.written += n
            view = view[n:]
        return len(data)

    def flush(self) -> None:
        """Writes are unbuffered; here so the object can stand in for a file."""

    def commit(self, path: str | os.PathLike[str] | None = None) -> Path:
        """fsync, verify the size, chmod 0644, rename to ``path`` (default: the one given)."""
        if self._fd is None:
            raise ValueError("commit of a closed AtomicFile")
        target = self.path if path is None else Path(path)
        try:
            fd = self._fd
            os.fsync(fd)
            size = os.fstat(fd).st_size
            if size != self.written:
                raise OSError(
                    errno.EIO,
                    f"wrote {self.written} bytes but the file holds {size} (disk full?)",
                    str(target),
                )
            if hasattr(os, "fchmod"):
                os.fchmod(fd, FILE_MODE)
            self._fd = None
            os.close(fd)
            _rename(self.temp_path, target, self.replace)
        except BaseException:
            self.abort()
            raise
        _fsync_directory(target.parent)
        return target

    def abort(self) -> None:
        """Close and delete the temp file; the target is untouched. Safe to call twice."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(self.temp_path)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None or self._fd is not None:
            self.abort()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, replace: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically. Raises ``OSError`` if it cannot be written."""
    with AtomicFile(path, replace=replace) as out:
        out.write(data)
        return out.commit()


def atomic_write_text(path: str | os.PathLike[str], text: str, *, replace: bool = True) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"), replace=replace)


def _rename(temp: Path, target: Path, replace: bool) -> None:
    if replace:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)  # atomic and never replaces: FileExistsError if target exists
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if target.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.replace(temp, target)
        return
    with contextlib.suppress(OSError):
        os.unlink(temp)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every platform lets a directory be opened.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
