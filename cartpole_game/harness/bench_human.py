"""How hard is each level for a person? The simulated player plays the whole ladder.

``python play.py bench --only human`` calls :func:`human_benchmark`: the player of
:mod:`cartpole_game.sim.player_model` (0.2 s reaction, 60 ms shortest press, noisy eyes, a push
rule with a dead band) plays every level ``episodes`` times, with the level's wind and pokes, and
each level gets its share of wins and its median steps survived. The targets:

- the first level is won in at least 90% of attempts;
- each level is won less often than the one before;
- the last level, CartPole-v1 at 1x, is honestly hard.

Deterministic given the seed; a few seconds for 100 episodes a level. Numpy only.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any, TypedDict

from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.sim.player_model import HUMAN_MODEL, PlayerModel, play_level

FIRST_LEVEL_TARGET = 0.9  # the first level is won at least this often


class HumanRow(TypedDict):
    """One level's result."""

    level: int
    name: str
    time_scale: float
    goal_steps: int
    episodes: int
    wins: int
    win_share: float
    median_steps: float


def human_rows(
    episodes: int = 100,
    seed: int = 0,
    levels: tuple[Level, ...] = LEVELS,
    model: PlayerModel = HUMAN_MODEL,
) -> list[HumanRow]:
    """The simulated player on every level: one row per level, in ladder order."""
    rows: list[HumanRow] = []
    for level in levels:
        result = play_level(level, episodes, seed, model)
        rows.append(
            HumanRow(
                level=level.number,
                name=level.name,
                time_scale=level.time_scale,
                goal_steps=level.goal_steps,
                episodes=result.episodes,
                wins=result.wins,
                win_share=result.win_share,
                median_steps=result.median_steps,
            )
        )
    return rows


def targets_met(rows: list[HumanRow]) -> dict[str, bool]:
    """Which of the ladder's targets these rows meet (the last one, "hard", as no wins at all
    is too strict for a large sample: at most 5%)."""
    shares = [row["win_share"] for row in rows]
    return {
        "first_level_at_least_90_percent": bool(shares) and shares[0] >= FIRST_LEVEL_TARGET,
        "each_level_won_less_often": all(a > b for a, b in itertools.pairwise(shares)),
        "last_level_hard": bool(shares) and shares[-1] <= 0.05,
    }


def human_benchmark(episodes: int = 100, seed: int = 0) -> dict[str, Any]:
    """The figures for ``bench``: the model's numbers, a row per level, and the targets met."""
    rows = human_rows(episodes, seed)
    return {
        "episodes": episodes,
        "seed": seed,
        "model": dataclasses.asdict(HUMAN_MODEL),
        "levels": rows,
        "targets_met": targets_met(rows),
    }
