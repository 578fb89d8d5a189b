"""The best human score for each level and time scale, kept in the user's data directory.

A table is named by the level and the speed a run *started* at ("level3 0.5x"); a run whose speed
changed midway is unranked and goes in no table. Files from before levels (keys like "1x") load
as they are; their tables are simply no longer written.

The file is JSON, written atomically. A corrupt file is moved aside with a warning and the game
goes on with an empty table; an unwritable directory gives a warning, never a crash.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from cartpole_game.core.atomic import atomic_write_text
from cartpole_game.core.safe_read import UnsafeFile, read_json

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
        scores = cls(path)
        try:
            data = read_json(path, MAX_BYTES)
        except FileNotFoundError:
            return scores
        except UnsafeFile as exc:
            scores._move_aside(f"high-score file {path} is corrupt ({exc})")
            return scores
        except OSError as exc:
            scores.warnings.append(f"could not read high scores {path}: {exc.strerror or exc}")
            return scores
        try:
            scores.best = _parse(data)
        except ValueError as exc:
            scores._move_aside(f"high-score file {path} is corrupt ({exc})")
        return scores

    def get(self, key: str) -> int:
        return self.best.get(key, 0)

    def submit(self, key: str, score: int) -> bool:
        """Record ``score`` in table ``key``; True (and saved) when it beats that table's best."""
        if score <= self.best.get(key, 0):
            return False
        self.best[key] = int(score)
        self.save()
        return True

    def save(self) -> bool:
        payload = {"format_version": FORMAT_VERSION, "best": dict(sorted(self.best.items()))}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, json.dumps(payload, indent=2) + "\n")
        except OSError as exc:
            self.warnings.append(
                f"could not save high scores to {self.path}: {exc.strerror or exc}"
            )
            return False
        return True

    def _move_aside(self, reason: str) -> None:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(self.path, aside)
        except OSError:
            self.warnings.append(f"{reason}; starting a fresh table")
            return
        self.warnings.append(f"{reason}; moved it to {aside.name} and started a fresh table")


def _parse(data: Any) -> dict[str, int]:
    if not isinstance(data, dict) or not isinstance(data.get("best"), dict):
        raise ValueError("missing the 'best' table")
    version = data.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(f"unknown format version {version!r}")
    best: dict[str, int] = {}
    for key, value in data["best"].items():
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10**9:
            raise ValueError(f"bad score {value!r} for {key!r}")
        best[str(key)[:64]] = value
    return best
