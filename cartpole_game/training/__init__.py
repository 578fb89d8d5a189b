"""Training: vectorised CartPole, greedy evaluation, the linear search and the DQN trainer.

Both trainers are iterators: each ``next()`` does a small, bounded amount of work (one vector
step and its gradient updates, or one generation of the search) and yields a
:class:`TrainProgress`. The command-line progress bar and the live training view drive the same
iterator; a UI can pause simply by not calling ``next()``. When the trainer stops (solved, or out
of budget) iteration ends; ``best_checkpoint()`` then gives the best evaluated weights.

Nothing here imports pygame; only ``training.dqn`` and its ``q_network``, ``q_update`` and ``replay``
import torch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from cartpole_game.agents.checkpoint import Checkpoint
from cartpole_game.sim.physics import SOLVED_MEAN
from cartpole_game.training.evaluate import EvalResult


@dataclass(frozen=True)
class EvalPoint:
    """The summary of one greedy evaluation, taken after ``steps`` environment steps."""

    steps: int
    mean: float
    std: float
    min: float
    max: float
    episodes: int
    fraction_500: float

    @classmethod
    def from_result(cls, steps: int, result: EvalResult, goal: int | None = None) -> EvalPoint:
        """The summary of ``result``; ``fraction_500`` is the share reaching ``goal`` steps
        (CartPole-v1's 500 by default; a level's own goal on a level)."""
        return cls(
            steps,
            result.mean,
            result.std,
            result.min,
            result.max,
            result.episodes,
            result.fraction_perfect() if goal is None else result.fraction_at(goal),
        )


@dataclass(frozen=True)
class TrainProgress:
    """One report from a trainer. ``snapshot()`` copies the current weights (numpy arrays)."""

    algo: str
    steps: int  # environment steps so far
    episodes: int  # finished training episodes so far
    episode_returns: list[float]  # returns of the episodes that finished in this item
    epsilon: float | None  # exploration rate (DQN only)
    loss: float | None  # mean TD loss over this item's updates (DQN only)
    steps_per_second: float
    elapsed: float  # seconds spent training (time inside next(), so pauses do not count)
    evaluation: EvalPoint | None  # set on the items that ran an evaluation
    best_eval: EvalPoint | None
    solved: bool
    solved_at_steps: int | None
    done: bool  # the last item: solved (robust, where the trainer checks that), or budget spent
    snapshot: Callable[[], dict[str, np.ndarray]]
    # Training seconds (``elapsed``) when it first solved: the time to solve, not the run's.
    solved_at_seconds: float | None = None
    # Robust: a check of every condition of the robustness suite met its targets
    # (:mod:`cartpole_game.training.robust_check`); when first, in steps and training seconds.
    robust_at_steps: int | None = None
    robust_at_seconds: float | None = None

    @property
    def robust(self) -> bool:
        return self.robust_at_steps is not None


class Trainer(Protocol):
    """What the train command and the live view need from a trainer."""

    algo: str
    steps: int  # environment steps so far
    elapsed: float  # seconds spent training
    best_eval: EvalPoint | None  # the best evaluation so far

    def __iter__(self) -> Iterator[TrainProgress]: ...

    def __next__(self) -> TrainProgress: ...

    def best_checkpoint(self, command: str = "") -> Checkpoint | None:
        """The best evaluated weights so far, ready to save (None before any evaluation)."""
        ...

    def evaluate_current(self) -> EvalPoint:
        """Evaluate the current weights now; they become the best if they beat it."""
        ...


__all__ = ["SOLVED_MEAN", "EvalPoint", "TrainProgress", "Trainer"]
