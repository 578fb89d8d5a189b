"""The one way the game reads a file it did not just write: bounded, regular files only, no code.

``read_bounded`` opens without blocking (a FIFO never hangs the game), refuses anything but a
regular file, and never reads more than its limit, so ``/dev/zero`` or a 3 GB file costs nothing.
``read_json`` adds strict UTF-8 and a nesting limit checked before the parser recurses.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

from cartpole_game.core.errors import FileFormatError

MAX_JSON_DEPTH = 32
MAX_INT_DIGITS = 20  # JSON integers longer than this are refused before Python converts them


class UnsafeFile(ValueError):
    """The file cannot be read safely or is not what it should be (the message says why)."""


def read_bounded(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes``. Raises OSError, UnsafeFile."""
    fd = os.open(
        Path(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    )
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):  # opening a directory read-only succeeds on Linux
            raise IsADirectoryError(errno.EISDIR, "is a directory", os.fspath(path))
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile("not a regular file")
        if info.st_size > max_bytes:
            raise UnsafeFile(f"too large ({info.st_size} bytes; the limit is {max_bytes})")
        chunks = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise UnsafeFile(f"too large (over {max_bytes} bytes)")
        return b"".join(chunks)
    finally:
        os.close(fd)


def json_depth_ok(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether brackets nest at most ``limit`` deep (strings skipped), before json recurses."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return False
        elif char in "]}":
            depth -= 1
    return True


def parse_json(raw: bytes, limit: int = MAX_JSON_DEPTH) -> Any:
    """Strict UTF-8 JSON, nested at most ``limit`` deep; ``UnsafeFile`` says what is wrong."""
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as some editors write, is fine
    except UnicodeDecodeError as exc:
        raise UnsafeFile(f"not UTF-8 text (byte {exc.start})") from None
    if not json_depth_ok(text, limit):
        raise UnsafeFile(f"JSON nested deeper than {limit} levels")
    try:
        return json.loads(text, parse_constant=_no_constant, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise UnsafeFile(f"not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except ValueError as exc:  # e.g. an integer with thousands of digits, or NaN
        raise UnsafeFile(f"not valid JSON ({exc})") from None


def read_json(path: str | os.PathLike[str], max_bytes: int) -> Any:
    """``read_bounded`` then ``parse_json``. Raises FileNotFoundError, OSError or UnsafeFile."""
    return parse_json(read_bounded(path, max_bytes))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows: numbers must be finite")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {len(text)} digits")
    return int(text)


def read_file_bytes(path: str | os.PathLike[str], max_bytes: int, what: str) -> bytes:
    """``read_bounded`` for a file the user named: every problem is one ``FileFormatError``
    naming the file (``what`` says what it should be: "replay", "agent file")."""
    try:
        return read_bounded(path, max_bytes)
    except FileNotFoundError:
        raise FileFormatError(path, f"no such {what}") from None
    except IsADirectoryError:
        raise FileFormatError(path, f"a directory, not a {what}") from None
    except UnsafeFile as exc:
        raise FileFormatError(path, f"not a usable {what}: {exc}") from None
    except OSError as exc:
        raise FileFormatError(path, f"cannot read: {exc.strerror or exc}") from None


def read_json_file(path: str | os.PathLike[str], max_bytes: int, what: str) -> Any:
    """``read_file_bytes`` then ``parse_json``, with the same one-line errors."""
    raw = read_file_bytes(path, max_bytes, what)
    try:
        return parse_json(raw)
    except UnsafeFile as exc:
        raise FileFormatError(path, f"not a {what}: {exc}") from None
