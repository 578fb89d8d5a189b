"""A player's progress on the ladder: the best run and medal per level, and the lesson seen.

Kept beside the high scores as ``progress.json``, written atomically after every change. Level 1
is always open; each further level opens when the one before is cleared (its goal reached at its
own speed). A corrupt file is moved aside with a warning and play goes on from a fresh ladder;
an unreadable or unwritable one gives a warning, never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cartpole_game.core.json_store import load_store, locked, save_store
from cartpole_game.sim.levels import LEVELS, MEDALS, Level

FORMAT_VERSION = 1
MAX_BYTES = 64 * 1024


@dataclass
class LevelRecord:
    best_steps: int = 0
    medal: str | None = None  # the best medal earned: "bronze", "silver" or "gold"


@dataclass
class Progress:
    path: Path
    levels: dict[str, LevelRecord] = field(default_factory=dict)
    lesson_seen: bool = False
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Progress:
        parsed, warnings = load_store(path, MAX_BYTES, _parse, "progress file", "a fresh ladder")
        levels, lesson_seen = parsed or ({}, False)
        return cls(path, levels, lesson_seen, warnings)

    def record(self, level: Level) -> LevelRecord:
        return self.levels.get(level.key, LevelRecord())

    def medal(self, level: Level) -> str | None:
        return self.record(level).medal

    def cleared(self, level: Level) -> bool:
        return self.medal(level) == MEDALS[-1]

    def unlocked(self, level: Level) -> bool:
        return level.number == 1 or self.cleared(LEVELS[level.number - 2])

    def current_level(self) -> Level:
        """The level to play next: the first open one not yet cleared (the last when all are)."""
        for level in LEVELS:
            if self.unlocked(level) and not self.cleared(level):
                return level
        return LEVELS[-1]

    def submit(self, level: Level, steps: int) -> tuple[str | None, bool]:
        """Record a ranked run of ``steps``: (a medal newly earned or None, whether it unlocked
        the next level). Saves when anything changed, merged with what another game on the
        same folder saved meanwhile."""
        with locked(self.path):
            self._merge_saved()
            old = self.record(level)
            medal = level.medal_for(steps)
            improved_medal = medal is not None and _rank(medal) > _rank(old.medal)
            following = LEVELS[level.number] if level.number < len(LEVELS) else None
            was_unlocked = following is not None and self.unlocked(following)
            if steps <= old.best_steps and not improved_medal:
                return None, False
            self.levels[level.key] = LevelRecord(
                max(steps, old.best_steps), medal if improved_medal else old.medal
            )
            self._write()
        unlocked_next = following is not None and not was_unlocked and self.unlocked(following)
        return (medal if improved_medal else None), unlocked_next

    def mark_lesson_seen(self) -> None:
        if self.lesson_seen:
            return
        with locked(self.path):
            self._merge_saved()
            self.lesson_seen = True
            self._write()

    def _merge_saved(self) -> None:
        """Keep the best of each level here and on disk, and the lesson seen by either."""
        saved, warnings = load_store(
            self.path, MAX_BYTES, _parse, "progress file", "a fresh ladder"
        )
        self.warnings.extend(warnings)
        levels, lesson_seen = saved or ({}, False)
        self.lesson_seen = self.lesson_seen or lesson_seen
        for key, theirs in levels.items():
            mine = self.levels.get(key, LevelRecord())
            best_medal = max(mine.medal, theirs.medal, key=_rank)
            self.levels[key] = LevelRecord(max(mine.best_steps, theirs.best_steps), best_medal)

    def _write(self) -> bool:
        payload = {
            "format_version": FORMAT_VERSION,
            "lesson_seen": self.lesson_seen,
            "levels": {
                key: {"best_steps": rec.best_steps, "medal": rec.medal}
                for key, rec in sorted(self.levels.items())
            },
        }
        problem = save_store(self.path, payload, "progress")
        if problem:
            self.warnings.append(problem)
        return problem is None


def _rank(medal: str | None) -> int:
    return -1 if medal is None else MEDALS.index(medal)


def _parse(data: Any) -> tuple[dict[str, LevelRecord], bool]:
    if not isinstance(data, dict):
        raise ValueError("not a progress table")
    version = data.get("format_version")
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or not 1 <= version <= FORMAT_VERSION
    ):
        raise ValueError(f"unknown format version {version!r}")
    lesson_seen = data.get("lesson_seen", False)
    if not isinstance(lesson_seen, bool):
        raise ValueError("'lesson_seen' must be true or false")
    raw_levels = data.get("levels", {})
    if not isinstance(raw_levels, dict):
        raise ValueError("'levels' must be a table")
    known = {level.key: level for level in LEVELS}
    levels: dict[str, LevelRecord] = {}
    for key, entry in raw_levels.items():
        if key not in known:
            continue  # a level a newer game had: keep playing, forget it
        if not isinstance(entry, dict):
            raise ValueError(f"level {key!r} must be a table")
        steps = entry.get("best_steps", 0)
        if not isinstance(steps, int) or isinstance(steps, bool) or not 0 <= steps <= 10**6:
            raise ValueError(f"bad best_steps {steps!r} for {key!r}")
        medal = entry.get("medal")
        if medal is not None and medal not in MEDALS:
            raise ValueError(f"bad medal {medal!r} for {key!r}")
        levels[key] = LevelRecord(steps, medal)
    return levels, lesson_seen
