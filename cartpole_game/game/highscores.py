"""The best human score for each level and time scale, kept in the user's data directory.

A table is named by the level and the speed a run *started* at ("level3 0.5x"); a run whose speed
changed midway is unranked and goes in no table. Files from before levels (keys like "1x") load
as they are; their tables are simply no longer written.

The file is JSON, written atomically. A corrupt file is moved aside with a warning and the game
goes on with an empty table; an unwritable directory gives a warning, never a crash.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from cartpole_game.core.json_store import load_store, locked, save_store

FORMAT_VERSION = 1
MAX_BYTES = 256 * 1024
DATA_DIR_ENV = "CARTPOLE_GAME_DATA_DIR"


def default_data_dir() -> Path:
    """Where scores and replays live; ``$CARTPOLE_GAME_DATA_DIR`` overrides the platform default."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("cartpole_game", appauthor=False))


def table_key(level_key: str, time_scale: float) -> str:
    return f"{level_key} {time_scale:g}x"


def table_title(level_name: str, time_scale: float) -> str:
    """How the HUD names a table: "Broom 0.5×"."""
    return f"{level_name} {time_scale:g}×"


@dataclass
class HighScores:
    """Best score per table (level and speed). ``warnings`` collects what to tell the player."""

    path: Path
    best: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> HighScores:
        best, warnings = load_store(path, MAX_BYTES, _parse, "high-score file", "a fresh table")
        return cls(path, best or {}, warnings)

    def get(self, key: str) -> int:
        return self.best.get(key, 0)

    def submit(self, key: str, score: int) -> bool:
        """Record ``score`` in table ``key``; True (and saved) when it beats that table's best,
        counting what another game on the same folder has saved meanwhile."""
        with locked(self.path):
            self._merge_saved()
            if score <= self.best.get(key, 0):
                return False
            self.best[key] = int(score)
            self._write()
        return True

    def save(self) -> bool:
        """Merge with the table on disk and write it; False (and a warning) if it cannot."""
        with locked(self.path):
            self._merge_saved()
            return self._write()

    def _merge_saved(self) -> None:
        """Keep the best of this table and the one on disk (written by another game, maybe)."""
        saved, warnings = load_store(
            self.path, MAX_BYTES, _parse, "high-score file", "a fresh table"
        )
        self.warnings.extend(warnings)
        for key, value in (saved or {}).items():
            self.best[key] = max(self.best.get(key, 0), value)

    def _write(self) -> bool:
        payload = {"format_version": FORMAT_VERSION, "best": dict(sorted(self.best.items()))}
        problem = save_store(self.path, payload, "high scores")
        if problem:
            self.warnings.append(problem)
        return problem is None


def _parse(data: Any) -> dict[str, int]:
    if not isinstance(data, dict) or not isinstance(data.get("best"), dict):
        raise ValueError("missing the 'best' table")
    version = data.get("format_version")
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or not 1 <= version <= FORMAT_VERSION
    ):
        raise ValueError(f"unknown format version {version!r}")
    best: dict[str, int] = {}
    for key, value in data["best"].items():
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10**9:
            raise ValueError(f"bad score {value!r} for {key!r}")
        best[str(key)[:64]] = value
    return best
