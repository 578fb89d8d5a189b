"""Demonstrations: replay files turned into the arrays a learner needs. Numpy only.

A replay keeps an episode's seed and everything that happened at each step (actions, pokes, wind,
analog pushes, who drove), so re-simulating it gives, bit for bit, the observations its drivers
saw when they chose each action: a replay *is* a demonstration. :func:`resimulate` plays one
back and collects them; :func:`load_demonstrations` does it for files and folders of replays and
keeps the steps of the drivers asked for.

Actions are the game's three (:mod:`cartpole_game.sim.actions`): 0 push left, 1 push right and 2
no push, the step where a human pressed nothing. A gamepad's analog push is labelled by its
direction; its share of the force is kept in ``push_fractions``.

``next_observations[t]`` is what the next decision was made on, so within an episode it equals
``observations[t + 1]``: a poke lands between two steps and belongs to the transition before it.
The last step's is the state the episode ended in.

Every file goes through the game's strict replay loader (the safe reader underneath). A file
named directly that cannot be used is refused with one line naming it; in a folder, unusable
files are skipped, each with one line in ``skipped``, so one broken file does not hide a folder
of good runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cartpole_game.core.errors import FileFormatError, UserFacingError
from cartpole_game.core.text import drawable_path
from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.arena import EndReason
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.replay import Replay, ReplayDriver, load_replay

DRIVERS = ("human", "agent", "any")  # --driver: a human's steps, an agent's, or every step
HUMAN = HumanController.name
UNKNOWN_DRIVER = "unknown"  # replays from before drivers were recorded
ACTION_NAMES = ("push_left", "push_right", "no_push")
MAX_FILES = 20_000
MAX_STEPS = 5_000_000  # over every file: 5 million steps are about 200 MB of arrays
_PUSHES = {PUSH_LEFT: -1.0, PUSH_RIGHT: 1.0, NO_PUSH: 0.0}


class DemoError(UserFacingError):
    """Demonstrations that cannot be used as asked (none found, none of that driver...)."""


@dataclass(frozen=True)
class Played:
    """One replay re-simulated: per step, what its driver saw and did."""

    observations: np.ndarray  # (T, 4) float32: seen when each action was chosen
    next_observations: np.ndarray  # (T, 4) float32: seen at the next decision (or the end)
    actions: np.ndarray  # (T,) int64
    drivers: tuple[str, ...]  # (T,) who chose each action
    push_fractions: np.ndarray  # (T,) float32: signed share of the full force, 0 for no push
    wind: np.ndarray  # (T,) float64: newtons of wind during the step
    differences: tuple[str, ...]  # how the re-simulation differs from the recording (none: ok)


@dataclass(frozen=True)
class Episode:
    """What the summary says of one episode a demonstration set came from."""

    file: str
    seed: int
    level: int
    mode: str
    score: int
    end_reason: str | None
    goal_steps: int
    kept: int  # steps kept by the driver filter
    drivers: tuple[str, ...]  # who drove, in the order they took the cart


@dataclass(frozen=True)
class Demonstrations:
    """Steps from replays, as arrays of one row per step (see the module's docstring)."""

    observations: np.ndarray  # (n, 4) float32
    next_observations: np.ndarray  # (n, 4) float32
    actions: np.ndarray  # (n,) int64: 0 left, 1 right, 2 no push
    drivers: np.ndarray  # (n,) str: the driver's name ("human", "dqn", ...)
    episodes: np.ndarray  # (n,) int64: index into ``episode_list``
    steps: np.ndarray  # (n,) int64: the step's index in its episode
    levels: np.ndarray  # (n,) int64: the ladder's level
    push_fractions: np.ndarray  # (n,) float32
    wind: np.ndarray  # (n,) float64
    terminations: np.ndarray  # (n,) bool: the step ended the episode (pole or cart lost)
    truncations: np.ndarray  # (n,) bool: the last step, cut off by the goal or the recording
    episode_list: tuple[Episode, ...]
    files: tuple[str, ...]  # the replay files read
    skipped: tuple[str, ...]  # one line per file skipped in a folder
    driver: str = "any"  # the filter the steps were chosen with

    def __len__(self) -> int:
        return int(self.actions.shape[0])

    @property
    def human(self) -> np.ndarray:
        """(n,) bool: the steps a human drove."""
        return self.drivers == HUMAN

    def summary(self) -> dict[str, Any]:
        """Counts for metadata and reports: files, episodes, steps, drivers, levels, actions."""
        names, counts = np.unique(self.drivers, return_counts=True)
        actions = np.bincount(self.actions, minlength=len(ACTION_NAMES))
        return {
            "files": len(self.files),
            "file_names": [Path(f).name for f in self.files[:50]],
            "skipped_files": len(self.skipped),
            "episodes": len(self.episode_list),
            "steps": len(self),
            "driver_filter": self.driver,
            "drivers": {str(n): int(c) for n, c in zip(names, counts, strict=True)},
            "levels": sorted({e.level for e in self.episode_list}),
            "actions": {name: int(actions[i]) for i, name in enumerate(ACTION_NAMES)},
        }


def step_drivers(replay: Replay, steps: int) -> list[str]:
    """The driver of each of the first ``steps`` steps, from the replay's hand-overs."""
    names = [UNKNOWN_DRIVER] * steps
    for start, name in replay.drivers:  # in order; a later hand-over at the same step wins
        if start < steps:
            names[start:] = [name] * (steps - start)
    return names


def resimulate(replay: Replay) -> Played:
    """Play ``replay`` back, collecting what each step's driver saw and did."""
    driver = ReplayDriver(replay)
    seen: list[np.ndarray] = []
    wind = dict(replay.wind)
    while True:
        observation = driver.step()
        if observation is None:
            break
        seen.append(observation)
    steps = len(seen)
    observations = np.array(seen, dtype=np.float32).reshape(steps, 4)
    following = np.empty_like(observations)
    following[:-1] = observations[1:]
    if steps:
        with np.errstate(over="ignore", invalid="ignore"):
            following[-1] = driver.arena.observation
    actions = np.array(driver.arena.log.actions[:steps], dtype=np.int64)
    fractions = np.array([_PUSHES[int(a)] for a in actions], dtype=np.float32)
    for step, fraction in replay.analog:
        if step < steps:
            fractions[step] = fraction
    return Played(
        observations=observations,
        next_observations=following,
        actions=actions,
        drivers=tuple(step_drivers(replay, steps)),
        push_fractions=fractions,
        wind=np.array([wind.get(t, 0.0) for t in range(steps)], dtype=np.float64),
        differences=tuple(driver.differences()),
    )


def replay_files(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """Each replay file to read, and whether it was named directly (else found in a folder):
    a folder gives its ``*.json`` files, not its subfolders. A path that does not exist is one
    ``DemoError``."""
    files: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix == ".json" and p.is_file())
            if not found:
                raise DemoError(f"{drawable_path(path, 1000)}: no replay files (*.json) in it")
            files.extend((p, False) for p in found)
        elif path.exists() or path.is_symlink():
            files.append((path, True))
        else:
            raise DemoError(f"{drawable_path(path, 1000)}: no such file or folder")
    if len(files) > MAX_FILES:
        raise DemoError(f"{len(files):,} replay files: at most {MAX_FILES:,} at once")
    return files


def _usable(path: Path, level: int | None) -> tuple[Replay, Played] | None:
    """The replay at ``path`` and its re-simulation; None if it is of another level.
    ``FileFormatError`` names the file when it cannot be a demonstration."""
    replay = load_replay(path)
    if level is not None and replay.level != level:
        return None
    played = resimulate(replay)
    if played.differences:
        problem = "; ".join(played.differences)
        raise FileFormatError(
            drawable_path(path, 1000), f"does not re-simulate to its recording ({problem})"
        )
    if len(played.actions) and not np.isfinite(played.next_observations[-1]).all():
        raise FileFormatError(
            drawable_path(path, 1000), "ends in a diverged state, not a usable demonstration"
        )
    return replay, played


def _kept(drivers: Sequence[str], driver: str) -> np.ndarray:
    names = np.array(drivers, dtype=str) if drivers else np.zeros(0, dtype=str)
    if driver == "human":
        return names == HUMAN
    if driver == "agent":
        return names != HUMAN
    return np.ones(len(names), dtype=bool)


def skipped_line(demos: Demonstrations) -> str:
    """One line on the replay files of the folders that could not be used."""
    count = len(demos.skipped)
    return f"skipped {count} unusable replay file(s) in the folder(s); first: {demos.skipped[0]}"


def load_demonstrations(
    paths: Sequence[Path], driver: str = "any", level: int | None = None
) -> Demonstrations:
    """The steps of ``paths`` (replay files, or folders of them) driven by ``driver`` (one of
    :data:`DRIVERS`), on ``level`` only if given. Raises ``FileFormatError`` for a bad file named
    directly and ``DemoError`` when nothing is left."""
    if driver not in DRIVERS:
        raise ValueError(f"driver must be one of {DRIVERS}, not {driver!r}")
    files = replay_files(paths)
    skipped: list[str] = []
    parts: list[dict[str, np.ndarray]] = []
    episodes: list[Episode] = []
    used: list[str] = []  # the files some step came from
    total = 0
    for path, named in files:
        try:
            usable = _usable(path, level)
        except FileFormatError as exc:
            if named:
                raise
            skipped.append(str(exc))
            continue
        keep = _kept(usable[1].drivers, driver) if usable else np.zeros(0, dtype=bool)
        if usable is None or not keep.any():
            continue
        replay, played = usable
        total += int(keep.sum())
        if total > MAX_STEPS:
            raise DemoError(f"more than {MAX_STEPS:,} steps of demonstrations: use fewer files")
        used.append(drawable_path(path, 1000))
        parts.append(_rows(played, keep, len(episodes), replay))
        episodes.append(_episode(replay, played, int(keep.sum()), used[-1]))
    if not parts:
        raise DemoError(_nothing_left(driver, level, len(files) - len(skipped), skipped))
    arrays = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    return Demonstrations(
        **arrays,
        episode_list=tuple(episodes),
        files=tuple(used),
        skipped=tuple(skipped),
        driver=driver,
    )


def _rows(played: Played, keep: np.ndarray, episode: int, replay: Replay) -> dict[str, np.ndarray]:
    """The kept steps' rows. The last step of the episode is terminated as gymnasium's would be
    (the pole or the cart lost) and truncated at the goal, or where the recording stops."""
    steps = len(played.actions)
    last = np.zeros(steps, dtype=bool)
    last[-1] = True
    terminated = replay.end_reason not in (None, EndReason.MAX_STEPS.value)
    truncated = steps >= replay.params.max_episode_steps or not terminated
    level = replay.level
    return {
        "observations": played.observations[keep],
        "next_observations": played.next_observations[keep],
        "actions": played.actions[keep],
        "drivers": np.array(played.drivers, dtype=str)[keep],
        "episodes": np.full(int(keep.sum()), episode, dtype=np.int64),
        "steps": np.arange(steps, dtype=np.int64)[keep],
        "levels": np.full(int(keep.sum()), level, dtype=np.int64),
        "push_fractions": played.push_fractions[keep],
        "wind": played.wind[keep],
        "terminations": (last & terminated)[keep],
        "truncations": (last & truncated)[keep],
    }


def _episode(replay: Replay, played: Played, kept: int, file: str) -> Episode:
    return Episode(
        file=file,
        seed=replay.seed,
        level=replay.level,
        mode=replay.mode,
        score=replay.score,
        end_reason=replay.end_reason,
        goal_steps=replay.params.max_episode_steps,
        kept=kept,
        drivers=tuple(dict.fromkeys(played.drivers)),
    )


def _nothing_left(driver: str, level: int | None, read: int, skipped: list[str]) -> str:
    where = f" on level {level}" if level is not None else ""
    who = {"human": "driven by a human", "agent": "driven by an agent"}.get(driver, "")
    found = f"no steps {who}{where}".replace("  ", " ").strip()
    note = f" ({len(skipped)} unusable file(s) skipped; first: {skipped[0]})" if skipped else ""
    return f"{found} in the {read} replay file(s) read{note}"
