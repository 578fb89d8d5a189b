"""The agent files the player opened or dropped on the window, newest first.

Kept in the data folder as ``recent_agents.json`` through :mod:`cartpole_game.core.json_store`:
read safely, saved atomically under the store's lock (merged with what another game on the same
folder saved meanwhile), at most :data:`MAX_RECENT` entries, and a corrupt file moved aside with a
warning (the list starts afresh; nothing the player made is lost). Only paths and names are kept,
never the agents themselves: each is loaded again, safely, when chosen. An entry whose file has
vanished stays listed (greyed) until the player forgets it or newer ones push it out.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cartpole_game.core.json_store import load_store, locked, save_store

FILE_NAME = "recent_agents.json"
FORMAT_VERSION = 1
MAX_RECENT = 10
MAX_BYTES = 256 * 1024  # ten entries take a few kB
MAX_PATH = 4096
MAX_NAME = 200


@dataclass(frozen=True)
class RecentAgent:
    path: str  # absolute, as the player named it (links are not resolved)
    name: str  # what the agent was called when opened: "PPO (SB3 2.4) · ppo-CartPole-v1.zip"
    opened: float  # when, in seconds since the epoch

    @property
    def present(self) -> bool:
        """Whether the file is still there (a regular file)."""
        try:
            return Path(self.path).is_file()
        except (OSError, ValueError):
            return False


def store_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def _entry(item: Any) -> RecentAgent:
    if not isinstance(item, dict):
        raise ValueError("an entry is not an object")
    path, name, opened = item.get("path"), item.get("name"), item.get("opened")
    if not isinstance(path, str) or not 0 < len(path) <= MAX_PATH or "\0" in path:
        raise ValueError("an entry's path is not a path")
    if not isinstance(name, str) or len(name) > MAX_NAME:
        raise ValueError("an entry's name is not a short text")
    if isinstance(opened, bool) or not isinstance(opened, (int, float)) or not opened >= 0:
        raise ValueError("an entry's time is not a number of seconds")
    return RecentAgent(path, name, float(opened))


def _parse(data: Any) -> list[RecentAgent]:
    if not isinstance(data, dict) or not isinstance(data.get("agents"), list):
        raise ValueError("not a list of recent agents")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise ValueError(f"format_version {version!r}, not {FORMAT_VERSION}")
    return [_entry(item) for item in data["agents"]][:MAX_RECENT]


def load_recent(data_dir: Path) -> tuple[list[RecentAgent], list[str]]:
    """The recent agents, newest first, and any warning for the player (a corrupt list is moved
    aside and the list starts empty)."""
    parsed, warnings = load_store(
        store_path(data_dir), MAX_BYTES, _parse, "recent-agents list", "an empty list"
    )
    return parsed or [], warnings


def _same_file(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _save(data_dir: Path, entries: list[RecentAgent]) -> str | None:
    payload = {
        "format_version": FORMAT_VERSION,
        "agents": [{"path": e.path, "name": e.name, "opened": e.opened} for e in entries],
    }
    return save_store(store_path(data_dir), payload, "the recent-agents list")


def remember(
    data_dir: Path, path: str | os.PathLike[str], name: str, now: float | None = None
) -> str | None:
    """Put ``path`` (the agent called ``name``) first in the list; None, or a warning if the list
    could not be saved. The same file opened again moves up instead of appearing twice."""
    full = os.path.abspath(os.fspath(path))
    if len(full) > MAX_PATH or "\0" in full:
        return None  # not a path the list can hold; the agent still plays
    entry = RecentAgent(full, name[:MAX_NAME], time.time() if now is None else now)
    store = store_path(data_dir)
    with locked(store):
        entries, warnings = load_recent(data_dir)
        kept = [e for e in entries if not _same_file(e.path, full)]
        problem = _save(data_dir, [entry, *kept][:MAX_RECENT])
    return problem or (warnings[0] if warnings else None)


def forget(data_dir: Path, path: str) -> str | None:
    """Take ``path`` off the list; None, or a warning if the list could not be saved."""
    with locked(store_path(data_dir)):
        entries, _ = load_recent(data_dir)
        kept = [e for e in entries if e.path != path]
        if len(kept) == len(entries):
            return None
        return _save(data_dir, kept)
