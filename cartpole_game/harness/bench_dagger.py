"""DAgger in ``bench --only learn``: how many rounds of an LQR teacher's labels an untrained
student needs before it reaches 500 in 95% of its episodes alone.

Each seed runs :func:`cartpole_game.training.dagger.dagger` on CartPole-v1: the student starts as
an untrained network, drives, and the LQR labels the 500 states it visits in each round; it
retrains on every label so far and plays 100 fresh episodes alone (the same ones every round).
The row gives the rounds until 95% of them reach 500 and the labels ("corrected steps", every
state the teacher was asked about) used until then: target 3 rounds or fewer and 2,000 labels or
fewer, on every seed. ``disagreed`` counts the labels where the teacher would have pushed the
other way from the student: the corrections a human would actually have had to make.
"""

from __future__ import annotations

import time
from statistics import median
from typing import Any

from cartpole_game.agents.lqr import LQRPolicy
from cartpole_game.sim.levels import LEVELS

SEEDS = 5
ROUNDS_TARGET = 3
LABELS_TARGET = 2_000
MAX_ROUNDS = 5


def dagger_seed(seed: int) -> dict[str, Any]:
    from cartpole_game.training.dagger import DaggerConfig, dagger  # torch

    started = time.perf_counter()
    result = dagger(LQRPolicy(), DaggerConfig(rounds=MAX_ROUNDS), seed=seed, level=LEVELS[-1])
    seconds = time.perf_counter() - started
    rounds = result.rounds_to_target()
    last = rounds if rounds is not None else result.rounds[-1].round
    return {
        "seed": seed,
        "rounds_to_target": rounds,
        "labelled": result.labelled_until(last),
        "disagreed": sum(r.disagreed for r in result.rounds if 0 < r.round <= last),
        "reached_by_round": [r.score.reached for r in result.rounds],
        "mean_by_round": [r.score.mean for r in result.rounds],
        "seconds": round(seconds, 2),
    }


def dagger_benchmark(seeds: int = SEEDS) -> dict[str, Any]:
    rows = [dagger_seed(seed) for seed in range(seeds)]
    reached = [r["rounds_to_target"] for r in rows]
    met = all(
        r["rounds_to_target"] is not None
        and r["rounds_to_target"] <= ROUNDS_TARGET
        and r["labelled"] <= LABELS_TARGET
        for r in rows
    )
    return {
        "teacher": "lqr",
        "student": "untrained",
        "level": LEVELS[-1].number,
        "steps_per_round": 500,
        "eval_episodes": 100,
        "seeds": rows,
        "median_rounds": median(r if r is not None else MAX_ROUNDS + 1 for r in reached),
        "max_rounds": max(r if r is not None else MAX_ROUNDS + 1 for r in reached),
        "max_labelled": max(r["labelled"] for r in rows),
        "met": met,
    }


def table_rows(fig: dict[str, Any]) -> list[tuple[str, str, str]]:
    seeds = fig["seeds"]
    rounds = ", ".join(str(r["rounds_to_target"] or f">{MAX_ROUNDS}") for r in seeds)
    labels = max(r["labelled"] for r in seeds)
    disagreed = max(r["disagreed"] for r in seeds)
    return [
        (
            f"DAgger, lqr teaching an untrained network ({len(seeds)} seeds)",
            f"rounds to 500 in 95% of episodes: {rounds}; at most {labels:,} labelled steps "
            f"({disagreed:,} where lqr would push otherwise)",
            f"≤ {ROUNDS_TARGET} rounds, ≤ {LABELS_TARGET:,} steps: "
            + ("met" if fig["met"] else "not met"),
        )
    ]
