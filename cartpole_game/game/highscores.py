"""The best human score for each time scale, kept in the user's data directory.

The file is JSON, written atomically. A corrupt file is moved aside with a warning and the game
goes on with an empty table; an unwritable directory gives a warning, never a crash.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from cartpole_game.core.atomic import atomic_write_text

FORMAT_VERSION = 1
DATA_DIR_ENV = "CARTPOLE_GAME_DATA_DIR"


def default_data_dir() -> Path:
    """Where scores and replays live; ``$CARTPOLE_GAME_DATA_DIR`` overrides the platform default."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("cartpole_game", appauthor=False))


def scale_key(time_scale: float) -> str:
    return f"{time_scale:g}x"


@dataclass
class HighScores:
    """Best score per time scale. ``warnings`` collects what the player should be told."""

    path: Path
    best: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> HighScores:
        scores = cls(path)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return scores
        except OSError as exc:
            scores.warnings.append(f"could not read high scores {path}: {exc.strerror or exc}")
            return scores
        try:
            scores.best = _parse(raw)
        except ValueError as exc:
            scores._move_aside(f"high-score file {path} is corrupt ({exc})")
        return scores

    def get(self, time_scale: float) -> int:
        return self.best.get(scale_key(time_scale), 0)

    def submit(self, time_scale: float, score: int) -> bool:
        """Record ``score``; returns True (and saves) when it beats the best for this scale."""
        key = scale_key(time_scale)
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


def _parse(raw: str) -> dict[str, int]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("best"), dict):
        raise ValueError("missing the 'best' table")
    version = data.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(f"unknown format version {version!r}")
    best: dict[str, int] = {}
    for key, value in data["best"].items():
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10**9:
            raise ValueError(f"bad score {value!r} for {key!r}")
        best[str(key)] = value
    return best
