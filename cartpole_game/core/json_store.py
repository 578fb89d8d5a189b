"""Small JSON files the game keeps for the player (high scores, progress): read safely, saved
atomically, and never a crash: a corrupt file is moved aside (so nothing the player made is
lost) and play goes on from a fresh start; an unreadable or unwritable one is a warning.

Two games may share a data folder. Each write happens under an exclusive lock on a file beside
the store (``highscores.json.lock``), after re-reading the store and merging it in, so neither
game writes back a stale table over the other's better one.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from cartpole_game.core.atomic import atomic_write_text
from cartpole_game.core.safe_read import UnsafeFile, read_json

try:
    import fcntl
except ImportError:  # Windows: no flock; writes stay atomic, merging is best effort
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside ``path`` while a store is re-read, merged and written.

    Without a lock (no flock, or a folder that cannot hold the lock file) it goes on unlocked:
    the write itself then says what went wrong. Not re-entrant: take it once per write.
    """
    fd = None
    if fcntl is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            if fd is not None:
                os.close(fd)
            fd = None
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)  # closing releases the lock


def load_store(
    path: Path, max_bytes: int, parse: Callable[[Any], T], what: str, fresh: str
) -> tuple[T | None, list[str]]:
    """``parse`` of the JSON at ``path`` (None when there is none or it is unusable) and the
    warnings for the player. ``what`` names the file ("high-score file"), ``fresh`` what play
    goes on from ("a fresh table"). ``parse`` raises ValueError for a corrupt table."""
    try:
        data = read_json(path, max_bytes)
    except FileNotFoundError:
        return None, []
    except UnsafeFile as exc:
        return None, [move_aside(path, f"{what} {path} is corrupt ({exc})", fresh)]
    except OSError as exc:
        return None, [f"could not read {what} {path}: {exc.strerror or exc}"]
    try:
        return parse(data), []
    except ValueError as exc:
        return None, [move_aside(path, f"{what} {path} is corrupt ({exc})", fresh)]


def move_aside(path: Path, reason: str, fresh: str) -> str:
    """Rename a corrupt file out of the way, keeping it; the warning that says so."""
    try:
        kind = os.lstat(path).st_mode
    except OSError:
        return f"{reason}; starting {fresh}"
    if not (stat.S_ISREG(kind) or stat.S_ISLNK(kind)):
        # A FIFO or a device is never moved (it may be /dev/zero itself); play goes on without it.
        return f"{reason}; starting {fresh}"
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        os.replace(path, aside)
    except OSError:
        return f"{reason}; starting {fresh}"
    return f"{reason}; moved it to {aside.name} and started {fresh}"


def save_store(path: Path, payload: dict[str, Any], what: str) -> str | None:
    """Write ``payload`` atomically; None, or the warning when it could not be saved."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(payload, indent=2) + "\n")
    except OSError as exc:
        return f"could not save {what} to {path}: {exc.strerror or exc}"
    return None
