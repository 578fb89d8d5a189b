"""Every finished episode kept as a replay: a demonstration for cloning and for datasets.

Two places, each written atomically and never over an existing file:

- ``--save-replays DIR`` (any mode that plays episodes, headless too): every finished episode,
  whoever drove it (a human, an agent, or both in takeover, with the driver of every step;
  versus: both sides, as two files).
- ``<data>/demos/``: the player's own runs, every finished episode in which a human pushed at
  least once (play, takeover, a human's side of versus). At most :data:`MAX_RUNS` files and
  :data:`MAX_BYTES` bytes are kept; past that the oldest go first. Only files named as the game
  names them are ever removed. The menu's "Clone me" learns from these.

The best run of each level (``replays/best-*.json``, the ghost) and GIFs stay where they were.
A name is ``<time>-<mode>-level<N>-seed<S>[-left|-right].json``, the time first, so that names
sort oldest first.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from cartpole_game.core.atomic import atomic_write_text
from cartpole_game.core.errors import UsageError
from cartpole_game.core.text import drawable_path
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.levels import Level
from cartpole_game.sim.replay import Replay
from cartpole_game.sim.timescale import MAX_TIME_SCALE, MIN_TIME_SCALE

DEMOS_FOLDER = "demos"
MAX_RUNS = 500  # the player's runs kept in <data>/demos/, newest first
MAX_BYTES = 50 << 20  # and at most this much (a 500-step run: 1 kB calm, ~15 kB in wind)
NAME = re.compile(r"\d{8}-\d{6}\.\d{3}-[a-z0-9-]+-level\d+-seed\d+(-left|-right)?(-\d+)?\.json")
_MODE = re.compile(r"[^a-z0-9-]+")
_LEVEL = re.compile(r"-level(\d+)-seed")


def replay_name(mode: str, level: int, seed: int, side: str | None, now: float) -> str:
    """The file name of an episode recorded at ``now`` (seconds since the epoch)."""
    millis = int(now * 1000) % 1000
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now)) + f".{millis:03d}"
    tail = f"-{side}" if side else ""
    mode_part = _MODE.sub("-", mode.lower()) or "episode"
    return f"{stamp}-{mode_part}-level{level}-seed{seed}{tail}.json"


def check_replay_folder(path: Path) -> None:
    """``--save-replays DIR``: the folder is made if missing; one line if it cannot be used."""
    shown = drawable_path(path, 1000)
    if path.exists() and not path.is_dir():
        raise UsageError(f"--save-replays {shown}: not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--save-replays {shown}: cannot make it: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK):
        raise UsageError(f"--save-replays {shown}: the folder is not writable")


def write_new(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` as ``folder/name``, or ``NAME-2.json``… if that exists: never over a file."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = name.removesuffix(".json")
    for n in range(1, 1000):
        path = folder / (name if n == 1 else f"{stem}-{n}.json")
        try:
            return atomic_write_text(path, text, replace=False)
        except FileExistsError:
            continue
    raise FileExistsError(f"{folder}: too many files named {name}")


def kept_runs(folder: Path) -> list[Path]:
    """The runs the game keeps in ``folder``, oldest first (only files named as it names them)."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if NAME.fullmatch(entry.name))
    except OSError:
        return []
    return [folder / name for name in names]


def prune(folder: Path, max_runs: int = MAX_RUNS, max_bytes: int = MAX_BYTES) -> list[Path]:
    """Remove the oldest runs until at most ``max_runs`` files of at most ``max_bytes`` remain;
    the files removed."""
    runs = kept_runs(folder)
    sizes = []
    for path in runs:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)
    total = sum(sizes)
    removed: list[Path] = []
    for path, size in zip(runs, sizes, strict=True):
        if len(runs) - len(removed) <= max_runs and total <= max_bytes:
            break
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
        total -= size
    return removed


def player_runs(folder: Path, level: int | None = None, limit: int | None = None) -> list[Path]:
    """The player's kept runs, newest first, on ``level`` only if given, at most ``limit``."""
    runs = [
        path
        for path in reversed(kept_runs(folder))
        if level is None or f"-level{level}-seed" in path.name
    ]
    return runs if limit is None else runs[:limit]


def runs_by_level(folder: Path) -> dict[int, int]:
    """How many of the player's runs are kept for each level (from the names alone)."""
    counts: dict[int, int] = {}
    for path in kept_runs(folder):
        match = _LEVEL.search(path.name)
        if match:
            level = int(match.group(1))
            counts[level] = counts.get(level, 0) + 1
    return counts


def newest_level(folder: Path) -> int | None:
    """The level of the player's newest kept run (None: none kept)."""
    for path in reversed(kept_runs(folder)):
        match = _LEVEL.search(path.name)
        if match:
            return int(match.group(1))
    return None


def is_players_run(arena: Arena) -> bool:
    """A human pushed at least once in the episode."""
    return arena.log.push_steps_by(HumanController.name) > 0


@dataclass
class EpisodeKeeper:
    """Saves finished episodes: to ``save_dir`` (``--save-replays``, None: nowhere) every one,
    and to ``demos_dir`` the player's own, pruned to its caps."""

    save_dir: Path | None
    demos_dir: Path
    max_runs: int = MAX_RUNS
    max_bytes: int = MAX_BYTES
    saved: list[Path] = field(default_factory=list)  # this session's files, for tests
    _warned: set[Path] = field(default_factory=set)

    def keep(
        self, arena: Arena, mode: str, level: Level, time_scale: float, side: str | None = None
    ) -> list[str]:
        """Save the episode ``arena`` has just finished; the warnings to show (each folder that
        refuses is said once)."""
        scale = min(MAX_TIME_SCALE, max(MIN_TIME_SCALE, time_scale))
        replay = Replay.from_arena(arena, mode, scale, level.number)
        text = replay.to_json()
        name = replay_name(mode, level.number, replay.seed, side, time.time())
        folders = [self.save_dir] if self.save_dir is not None else []
        if is_players_run(arena) and not (folders and _same_folder(folders[0], self.demos_dir)):
            folders.append(self.demos_dir)
        warnings = []
        for folder in folders:
            try:
                self.saved.append(write_new(folder, name, text))
            except OSError as exc:
                if folder not in self._warned:
                    self._warned.add(folder)
                    reason = exc.strerror or exc
                    warnings.append(f"could not save the replay in {folder}: {reason}")
        if is_players_run(arena):
            prune(self.demos_dir, self.max_runs, self.max_bytes)
        return warnings


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
