"""Training-time robustness checks, the selection they drive, and the held-out card.

Both trainers judge their weights the same way, every so often, on fresh episodes of the
robustness suite's own conditions (:mod:`cartpole_game.training.robust_suite`), played on
*training* seeds, which all stay below the held-out block (:data:`HELD_OUT_FIRST_SEED`, 10⁹):

1. **standard**: :data:`CHECK_EPISODES` fresh episodes of the level as it plays. A mean of at
   least 475 is CartPole-v1's "solved" (the step where this first happens is reported); on a
   level with a shorter goal, the same share of it.
2. Only if at least 99% of them reach the goal, as many fresh episodes poked with 1.0 rad/s,
   the condition where the agent must beat LQR (LQR's share is measured once per run, on 1,000
   training episodes of its own);
3. only if it beats LQR there, as many of each other condition: wide starts, pokes of 0.5 and
   1.5 rad/s, a steady 3 N wind.

A stage not reached is not played: most checks of a run still learning stop early and cost
little.

The **targets** (:data:`TARGETS`) are for 1,000 held-out episodes: standard and wide ≥ 99%,
poke 0.5 and wind ≥ 98%, poke 1.0 at least LQR's share. A check sees 100 episodes, and a run
stops at the first that passes, so a check asks for a margin (:data:`CHECK_TARGETS`): none of
the standard and wide episodes failing, 99% under poke 0.5 and wind, and LQR's poke-1.0 share
beaten by 10 points. The trainers stop at the first check that passes (the agent is then
"robust") and keep the weights with the best check, by :func:`check_score`.

After training, :mod:`cartpole_game.training.held_out` plays the full suite on the held-out
seeds, episodes that took no part in stopping or selection; its figures are the ones reported
and saved.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from cartpole_game.agents.lqr import LQRPolicy
from cartpole_game.sim.controllers import Controller, fit_to_physics
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.sim.physics import CARTPOLE_V1, SOLVED_MEAN
from cartpole_game.training import EvalPoint
from cartpole_game.training.evaluate import EvalResult
from cartpole_game.training.robust_suite import (
    CONDITIONS,
    HELD_OUT_FIRST_SEED,
    SEEDS_PER_CONDITION,
    Condition,
    condition_seeds,
    episode_setup,
    play_episodes,
)

CHECK_EPISODES = 100  # per condition and check
GATE = 0.99  # the standard share that earns a check of the other conditions
# LQR's reference episodes (see reference_shares): a block of training seeds of their own...
REFERENCE_FIRST_SEED = HELD_OUT_FIRST_SEED - len(CONDITIONS) * SEEDS_PER_CONDITION
# ...and a check's first seed below this, so its last condition's block ends below both.
TRAINING_SEED_SPAN = REFERENCE_FIRST_SEED - len(CONDITIONS) * SEEDS_PER_CONDITION
# The targets: the least share of 1,000 held-out episodes reaching the goal, per condition...
TARGETS: dict[str, float] = {"standard": 0.99, "wide": 0.99, "poke 0.5": 0.98, "wind 3": 0.98}
# ...and the conditions where an agent must do at least as well as LQR on the same episodes.
BEAT_REFERENCE: tuple[str, ...] = ("poke 1.0",)
# A check sees only 100 episodes a condition, and a run stops at the first check that passes, so
# it asks for more than the targets: otherwise weights just short of them would pass by luck.
CHECK_TARGETS: dict[str, float] = {"standard": 1.0, "wide": 1.0, "poke 0.5": 0.99, "wind 3": 0.99}
REFERENCE_MARGIN = 0.10  # ...and LQR's share (on many episodes) beaten by this much
REFERENCE_EPISODES = 1_000
REFERENCE = "lqr"


def training_first_seed(seed: int, check: int, episodes: int = CHECK_EPISODES) -> int:
    """The first reset seed of the ``check``-th check of a run with ``seed``: a fresh block of
    ``episodes`` per check, and every seed of it, in every condition, below 10⁹."""
    return (seed * 1_000_003 + check * episodes) % TRAINING_SEED_SPAN


@dataclass(frozen=True)
class Check:
    """One training-time check: what share of each played condition's episodes reached the goal."""

    steps: int  # environment steps trained when it was made
    first_seed: int
    episodes: int
    reached: dict[str, float]  # by condition key; only those played
    goal: int  # steps: 500 on CartPole-v1, the level's goal elsewhere
    standard: np.ndarray = field(repr=False, compare=False)  # the standard episodes' lengths
    reference: dict[str, float] = field(default_factory=dict)  # LQR's share (see Selection)
    seconds: float = 0.0  # how long the check took

    @property
    def mean(self) -> float:
        """The standard episodes' mean length: CartPole-v1's mean return."""
        return float(self.standard.mean())

    def eval_point(self) -> EvalPoint:
        """The standard episodes as the learning curve's evaluation point."""
        return EvalPoint.from_result(self.steps, EvalResult(self.standard), self.goal)

    @property
    def complete(self) -> bool:
        return len(self.reached) == len(CONDITIONS)

    @property
    def passed(self) -> bool:
        """Whether it meets every target (see the module)."""
        if not self.complete:
            return False
        fixed = all(self.reached[key] >= share for key, share in CHECK_TARGETS.items())
        return fixed and all(
            self.reached[k] >= self.reference[k] + REFERENCE_MARGIN for k in BEAT_REFERENCE
        )

    @property
    def score(self) -> float:
        return check_score(self.reached)

    @property
    def rank(self) -> tuple[bool, int, float]:
        """For choosing the best: passed first, then the further its stages got, then score."""
        return (self.passed, len(self.reached), self.score)

    def seeds(self) -> list[range]:
        """The reset seeds its episodes used, one range per condition played."""
        keys = [c.key for c in CONDITIONS]
        return [
            condition_seeds(keys.index(key), self.episodes, self.first_seed) for key in self.reached
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "steps": self.steps,
            "first_seed": self.first_seed,
            "episodes": self.episodes,
            "reached": self.reached,
            "standard_mean": self.mean,
            "reference": self.reference,
            "passed": self.passed,
            "score": round(self.score, 4),
        }


def check_score(reached: dict[str, float]) -> float:
    """How robust, for choosing between weights checked as far: the mean share reaching the goal
    over the conditions played, less ten times every shortfall below a fixed target among them,
    so that no gain under hard pokes buys a loss where the targets are."""
    total = sum(reached.values()) / max(1, len(reached))
    shortfall = sum(
        max(0.0, share - reached[key]) for key, share in CHECK_TARGETS.items() if key in reached
    )
    return total - 10.0 * shortfall


def run_together(
    controller: Controller, conditions: Sequence[tuple[Condition, range]], level: Level
) -> list[np.ndarray]:
    """Each condition's episodes (its seeds), all played in one batch: the lengths per condition.

    The same episodes as :func:`run_condition` plays one condition at a time; one batch
    costs a fraction of the time (the per-step work is mostly fixed overhead)."""
    fit_to_physics(controller, level.params, level.analog)
    setups = [episode_setup(seed, c, level) for c, seeds in conditions for seed in seeds]
    starts = np.array([start for start, _ in setups])
    outcomes = play_episodes(controller, starts, [d for _, d in setups], level)
    returns = np.concatenate([o.returns for o in outcomes])
    bounds = np.cumsum([0, *(len(seeds) for _, seeds in conditions)])
    return [returns[a:b] for a, b in itertools.pairwise(bounds)]


# A check plays these in turn, each only if the one before met its target (see the module).
STAGES: tuple[tuple[str, ...], ...] = (
    ("standard",),
    BEAT_REFERENCE,
    tuple(c.key for c in CONDITIONS if c.key != "standard" and c.key not in BEAT_REFERENCE),
)


def run_check(
    controller: Controller,
    level: Level,
    first_seed: int,
    steps: int,
    episodes: int,
    reference: Callable[[], dict[str, float]],
) -> Check:
    """Check ``controller`` on fresh training episodes from ``first_seed`` (see the module);
    ``reference()``: LQR's shares to beat (see :func:`reference_shares`), asked for only when
    a check gets that far."""
    keys = [c.key for c in CONDITIONS]
    goal = level.goal_steps
    reached: dict[str, float] = {}
    lengths: dict[str, np.ndarray] = {}
    shares: dict[str, float] = {}
    for stage in STAGES:
        blocks = [
            (CONDITIONS[keys.index(k)], condition_seeds(keys.index(k), episodes, first_seed))
            for k in stage
        ]
        for key, returns in zip(stage, run_together(controller, blocks, level), strict=True):
            lengths[key], reached[key] = returns, float((returns >= goal).mean())
        if stage == STAGES[0] and reached["standard"] < GATE:
            break
        if stage == BEAT_REFERENCE:
            shares = reference()
            if any(reached[k] < shares[k] + REFERENCE_MARGIN for k in stage):
                break
    ordered = {k: reached[k] for k in keys if k in reached}
    return Check(steps, first_seed, episodes, ordered, goal, lengths["standard"], shares)


def reference_shares(level: Level, episodes: int = REFERENCE_EPISODES) -> dict[str, float]:
    """LQR's share of episodes reaching the goal in the conditions of :data:`BEAT_REFERENCE`, on
    ``episodes`` training episodes (a block of its own, below the held-out one).

    Measured once per run on many episodes, not per check on the check's 100: a reference drawn
    anew each time would let a run stop on a check where LQR happened to do badly."""
    keys = [c.key for c in CONDITIONS]
    chosen = [
        (c, condition_seeds(keys.index(c.key), episodes, REFERENCE_FIRST_SEED))
        for c in CONDITIONS
        if c.key in BEAT_REFERENCE
    ]
    outcomes = run_together(LQRPolicy(REFERENCE), chosen, level)
    goal = level.goal_steps
    return {c.key: float((r >= goal).mean()) for (c, _), r in zip(chosen, outcomes, strict=True)}


@dataclass
class Selection:
    """A trainer's checks, the best weights they found, and when it solved and became robust.

    ``offer(weights, policy, steps)`` checks a candidate; the best is the one with the best
    complete check or, before any, the best standard mean. Generic in the weights it keeps."""

    seed: int
    level: Level = LEVELS[-1]
    episodes: int = CHECK_EPISODES
    checks: list[Check] = field(default_factory=list)
    best: Check | None = None
    best_weights: Any = None
    solved_at: int | None = None
    robust_at: int | None = None
    reference: dict[str, float] | None = None  # LQR's shares, measured at the first full check

    def offer(self, weights: Any, policy: Controller, steps: int) -> Check:
        first_seed = training_first_seed(self.seed, len(self.checks), self.episodes)
        started = time.perf_counter()
        check = run_check(
            policy, self.level, first_seed, steps, self.episodes, self.reference_shares
        )
        check = replace(check, seconds=time.perf_counter() - started)
        self.checks.append(check)
        if self.best is None or _better(check, self.best):
            self.best, self.best_weights = check, weights
        if self.solved_at is None and check.mean >= solved_mean(self.level):
            self.solved_at = steps
        if self.robust_at is None and check.passed:
            self.robust_at = steps
        return check

    def reference_shares(self) -> dict[str, float]:
        """LQR's shares to beat on this level, measured the first time they are needed."""
        if self.reference is None:
            self.reference = reference_shares(self.level)
        return self.reference

    def seconds_until(self, steps: int | None) -> float:
        """The time spent on checks up to the one at ``steps`` (all, if None)."""
        return sum(c.seconds for c in self.checks if steps is None or c.steps <= steps)

    def seeds(self) -> list[range]:
        """Every reset seed a check (or LQR's reference) has played, one range per condition."""
        blocks = [block for check in self.checks for block in check.seeds()]
        if self.reference is not None:
            keys = [c.key for c in CONDITIONS]
            blocks += [
                condition_seeds(keys.index(key), REFERENCE_EPISODES, REFERENCE_FIRST_SEED)
                for key in BEAT_REFERENCE
            ]
        return blocks


def selection_metadata(selection: Selection, best_eval: EvalPoint) -> dict[str, Any]:
    """What a checkpoint records of its training-time checks (the held-out card, made after
    training stops, replaces ``eval_mean``, ``eval_std`` and ``eval_episodes``: see
    :func:`cartpole_game.training.held_out.with_card`)."""
    assert selection.best is not None
    return {
        "steps_trained": best_eval.steps,
        "eval_mean": best_eval.mean,
        "eval_std": best_eval.std,
        "eval_episodes": best_eval.episodes,
        "solved_at_steps": selection.solved_at,
        "robust_at_steps": selection.robust_at,
        "selection": {"checks": len(selection.checks), "best": selection.best.as_dict()},
    }


def solved_mean(level: Level) -> float:
    """The mean length that counts as solved: CartPole-v1's 475 of 500, in proportion on a
    level with a shorter goal (380 of the Moon's 400)."""
    return SOLVED_MEAN * level.goal_steps / CARTPOLE_V1.max_episode_steps


def _better(check: Check, best: Check) -> bool:
    if len(check.reached) == len(best.reached) == 1:  # standard episodes alone: their mean
        return check.mean > best.mean
    return check.rank > best.rank
