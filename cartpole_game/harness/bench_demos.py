"""Demonstrations for the DQN in ``bench --only learn``: how much sooner it learns with them.

:func:`write_demonstrations` has a teacher play episodes and keeps each as a replay file, the
same files ``--save-replays`` writes, so the DQN reads them as it would a player's.
"""

from __future__ import annotations

from pathlib import Path

from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import Controller
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.sim.replay import Replay

DEMO_EPISODES = 5
DEMO_FIRST_SEED = 70_000  # far from the trainers' own episodes and evaluations


def write_demonstrations(
    teacher: Controller,
    folder: Path,
    episodes: int = DEMO_EPISODES,
    level: Level = LEVELS[-1],
    first_seed: int = DEMO_FIRST_SEED,
) -> list[Path]:
    """``teacher`` plays ``episodes`` episodes of ``level``; each is saved in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    arena = Arena(teacher, seed=first_seed, params=level.params, analog=level.analog)
    paths: list[Path] = []
    for episode in range(episodes):
        if episode:
            arena.reset()
        while not arena.done:
            arena.step()
        path = folder / f"{teacher.name}-level{level.number}-seed{arena.log.seed}.json"
        Replay.from_arena(arena, "watch", level.time_scale, level.number).save(path)
        paths.append(path)
    return paths
