"""Demonstrations for the DQN in ``bench --only learn``: how much sooner it learns with them.

:func:`write_demonstrations` has a teacher play episodes and keeps each as a replay file, the
same files ``--save-replays`` writes, so the DQN reads them as it would a player's.
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path
from typing import Any

from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import Controller
from cartpole_game.sim.disturbances import Disturbances
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.sim.replay import Replay
from cartpole_game.training.demonstrations import Demonstrations, load_demonstrations

DEMO_EPISODES = 5
DEMO_FIRST_SEED = 70_000  # far from the trainers' own episodes and evaluations
DQN_SEEDS = 5


def write_demonstrations(
    teacher: Controller,
    folder: Path,
    episodes: int = DEMO_EPISODES,
    level: Level = LEVELS[-1],
    first_seed: int = DEMO_FIRST_SEED,
) -> list[Path]:
    """``teacher`` plays ``episodes`` episodes of ``level`` with its wind and pokes, as the game
    plays them; each is saved in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    arena = Arena(teacher, seed=first_seed, params=level.params, analog=level.analog)
    paths: list[Path] = []
    for episode in range(episodes):
        if episode:
            arena.reset()
        disturbances = Disturbances(arena.log.seed, schedule=level.disturbances)
        while not arena.done:
            poke = disturbances.scheduled_poke(len(arena.log.actions))
            if poke:
                arena.poke(poke)
            arena.step(disturbances.next_wind())
        path = folder / f"{teacher.name}-level{level.number}-seed{arena.log.seed}.json"
        Replay.from_arena(arena, "watch", level.time_scale, level.number).save(path)
        paths.append(path)
    return paths


def _run(seed: int, demos: Demonstrations | None, margin: float) -> dict[str, Any]:
    """One default DQN run (CartPole-v1, stops once robust), with or without ``demos``."""
    from cartpole_game.training.dqn import DQNConfig, DQNTrainer  # torch: only here

    trainer = DQNTrainer(DQNConfig(demo_margin=margin), seed=seed, demos=demos)
    *_, progress = trainer  # train to the end; the last report says when it solved
    return {
        "seed": seed,
        "solved_at_steps": progress.solved_at_steps,
        "solved_at_seconds": progress.solved_at_seconds,
        "robust_at_steps": progress.robust_at_steps,
        "robust_at_seconds": progress.robust_at_seconds,
        "steps": trainer.steps,
        "seconds": trainer.elapsed,
    }


def _median_of(runs: list[dict[str, Any]], goal: str, unit: str) -> float:
    """The median over ``runs`` of the steps or seconds to ``goal``; a run that never got there
    counts with its whole run (a lower bound: the bench says how many never did)."""
    return statistics.median(
        run[unit] if run[f"{goal}_at_{unit}"] is None else run[f"{goal}_at_{unit}"] for run in runs
    )


def dqn_demos_benchmark(seeds: int = DQN_SEEDS, margin: float = 0.0) -> dict[str, Any]:
    """Steps and seconds of training to a solved and to a robust agent, for the default DQN on
    ``seeds`` seeds, without and then with 5 episodes of LQR on CartPole-v1 as demonstrations,
    in this run, so that both meet the same load."""
    from cartpole_game.agents.lqr import LQRPolicy

    with tempfile.TemporaryDirectory(prefix="cartpole-demos-") as scratch:
        write_demonstrations(LQRPolicy(), Path(scratch))
        demos = load_demonstrations([Path(scratch)])
    without = [_run(seed, None, 0.0) for seed in range(seeds)]
    with_demos = [_run(seed, demos, margin) for seed in range(seeds)]
    figures: dict[str, Any] = {
        "seeds": seeds,
        "margin": margin,
        "demonstrations": demos.summary(),
        "without": without,
        "with": with_demos,
    }
    for goal in ("solved", "robust"):
        for unit in ("steps", "seconds"):
            before, after = (_median_of(runs, goal, unit) for runs in (without, with_demos))
            figures[f"{goal}_median_{unit}"] = [before, after]
            figures[f"{goal}_{unit}_reduction"] = 1.0 - after / before if before > 0 else 0.0
        figures[f"{goal}_never"] = [
            sum(run[f"{goal}_at_steps"] is None for run in runs) for runs in (without, with_demos)
        ]
    return figures


def _fewer(reduction: float) -> str:
    return f"{reduction:.0%} fewer" if reduction >= 0 else f"{-reduction:.0%} more"


def table_rows(fig: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The bench table's rows: solved and robust, medians without and with, the reduction."""
    demo = fig["demonstrations"]
    rows = []
    for goal in ("solved", "robust"):
        (s0, s1), (t0, t1) = fig[f"{goal}_median_steps"], fig[f"{goal}_median_seconds"]
        never = fig[f"{goal}_never"]
        missed = (
            f"; never {goal} in the budget: {never[0]} without, {never[1]} with"
            if any(never)
            else ""
        )
        rows.append(
            (
                f"DQN {goal} with {demo['episodes']} LQR demonstrations "
                f"({demo['steps']:,} steps; median of {fig['seeds']} seeds)",
                f"{s0:,.0f} → {s1:,.0f} steps ({_fewer(fig[f'{goal}_steps_reduction'])}), "
                f"{t0:.1f} → {t1:.1f} s ({_fewer(fig[f'{goal}_seconds_reduction'])}){missed}",
                "fewer with demonstrations: "
                + ("yes" if fig[f"{goal}_steps_reduction"] > 0 else "no"),
            )
        )
    return rows
