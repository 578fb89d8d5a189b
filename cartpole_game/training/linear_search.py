"""The linear trainer: a cross-entropy search over the four weights of ``LinearPolicy``.

Each generation samples ``population`` weight vectors from a diagonal Gaussian, plays
``episodes_per_candidate`` episodes with each of them all at once (one numpy batch of
``population * episodes_per_candidate`` CartPoles, every candidate facing the same starts), and
refits the Gaussian to the best few ("elites"). When a candidate keeps the pole up for all 500
steps in all its episodes it is verified on 100 fresh episodes; the search is solved when a
candidate scores 500 in every one of them.

Unlike the tutorial's random search, which keeps the best *single* run of each guess, candidates
are judged over several episodes, and the search narrows in on good weights.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from cartpole_game.agents.checkpoint import Checkpoint
from cartpole_game.agents.linear import (
    LINEAR_ARCHITECTURE,
    TRAIN_STEPS,
    LinearPolicy,
    linear_actions,
)
from cartpole_game.sim import physics
from cartpole_game.sim.rollout import rollout_batch
from cartpole_game.training import EvalPoint, TrainProgress
from cartpole_game.training.evaluate import evaluate_batch

if TYPE_CHECKING:
    from cartpole_game.training.trainers import TrainerSpec


@dataclass
class LinearSearchConfig:
    total_steps: int = TRAIN_STEPS  # environment-step budget (verification episodes count too)
    stop_when_solved: bool = True  # the live view may keep searching after solving
    population: int = 32
    elites: int = 6
    episodes_per_candidate: int = 8
    init_std: float = 1.0
    min_std: float = 0.05  # noise floor, so the search never freezes on a near miss
    verify_episodes: int = 1_000  # all must reach 500: many more than 100, so passes are robust
    # Among candidates that last equally long, prefer those keeping the cart near the centre:
    # a policy that reaches step 500 with the cart at the edge fails on other starts.
    drift_penalty: float = 20.0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class LinearSearch:
    """The search as an iterator: each ``next()`` runs one generation (and maybe a verification)."""

    algo = "linear"

    def __init__(self, config: LinearSearchConfig | None = None, seed: int = 0) -> None:
        self.config = cfg = config or LinearSearchConfig()
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.mean = np.zeros(4)
        self.std = np.full(4, cfg.init_std)
        self.steps = 0
        self.episodes = 0
        self.generation = 0
        self.elapsed = 0.0
        self.n_evals = 0
        self.best_eval: EvalPoint | None = None
        self.best_weights: np.ndarray | None = None
        self.candidate = self.mean.copy()  # the current best guess, for previews
        self.solved_at: int | None = None
        self.finished = False
        self.last_population_returns: np.ndarray | None = None

    def snapshot(self) -> dict[str, np.ndarray]:
        return {"weights": self.candidate.astype(np.float32), "bias": np.zeros(1, np.float32)}

    def __iter__(self) -> LinearSearch:
        return self

    def __next__(self) -> TrainProgress:
        if self.finished:
            raise StopIteration
        t0 = time.perf_counter()
        cfg = self.config
        weights = self.mean + self.std * self.rng.standard_normal((cfg.population, 4))
        weights = weights.astype(np.float32).astype(np.float64)  # as they will be saved
        returns, drift, steps = self._play(weights)  # (population, episodes_per_candidate)
        self.steps += steps
        self.episodes += returns.size
        self.generation += 1
        scores = returns.mean(axis=1)
        self.last_population_returns = scores  # the live view draws the generation's candidates
        fitness = scores - cfg.drift_penalty * drift.mean(axis=1)
        order = np.argsort(-fitness, kind="stable")
        elite = weights[order[: cfg.elites]]
        self.mean = elite.mean(axis=0)
        self.std = np.maximum(elite.std(axis=0), cfg.min_std)
        self.candidate = weights[order[0]]

        evaluation = None
        if returns[order[0]].min() >= physics.CARTPOLE_V1.max_episode_steps:
            evaluation = self._verify(weights[order[0]])
        solved_and_done = self.solved_at is not None and cfg.stop_when_solved
        if solved_and_done or self.steps >= cfg.total_steps:
            self.finished = True
        self.elapsed += time.perf_counter() - t0
        return TrainProgress(
            algo=self.algo,
            steps=self.steps,
            episodes=self.episodes,
            # One figure per candidate (its mean over its episodes): the curve of the search.
            episode_returns=scores.tolist(),
            epsilon=None,
            loss=None,
            steps_per_second=self.steps / self.elapsed if self.elapsed > 0 else 0.0,
            elapsed=self.elapsed,
            evaluation=evaluation,
            best_eval=self.best_eval,
            solved=self.solved_at is not None,
            solved_at_steps=self.solved_at,
            done=self.finished,
            snapshot=self.snapshot,
        )

    def _play(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        """Play ``episodes_per_candidate`` episodes with each weight vector, all in one batch."""
        k = self.config.episodes_per_candidate
        starts = physics.sample_starts(self.rng, k)
        states = np.tile(starts, (len(weights), 1))  # common starts: a fairer comparison
        w = np.repeat(weights, k, axis=0)
        # Each episode acts on its float32 observation, exactly as the policy will in the game.
        outcome = rollout_batch(lambda obs, rows: linear_actions(obs, w[rows]), states)
        # The largest |x| reached, as a fraction of the track's half-length.
        drift = np.minimum(outcome.max_abs_x / physics.CARTPOLE_V1.x_threshold, 1.0)
        shape = (len(weights), k)
        return outcome.returns.reshape(shape), drift.reshape(shape), outcome.steps

    def evaluate_current(self) -> EvalPoint:
        """Verify the current best guess now (e.g. when interrupted before any verification)."""
        return self._verify(self.candidate)

    def _verify(self, weights: np.ndarray) -> EvalPoint:
        cfg = self.config
        policy = LinearPolicy(weights)
        result = evaluate_batch(
            policy.act_batch,
            cfg.verify_episodes,
            seed=self.seed * 1_000_003 + 104_729 + self.n_evals,
        )
        self.n_evals += 1
        self.steps += int(result.returns.sum())
        point = EvalPoint.from_result(self.steps, result)
        if self.best_eval is None or point.mean > self.best_eval.mean:
            self.best_eval, self.best_weights = point, weights.copy()
        if point.fraction_500 >= 1.0:
            self.solved_at = self.steps
        return point

    def best_checkpoint(self, command: str = "") -> Checkpoint | None:
        if self.best_weights is None or self.best_eval is None:
            return None
        return Checkpoint(
            kind="linear",
            architecture=dict(LINEAR_ARCHITECTURE),
            tensors={
                "weights": self.best_weights.astype(np.float32),
                "bias": np.zeros(1, dtype=np.float32),
            },
            metadata={
                "training_config": {"algo": "linear", **self.config.as_dict()},
                "seed": self.seed,
                "steps_trained": self.best_eval.steps,
                "eval_mean": self.best_eval.mean,
                "eval_std": self.best_eval.std,
                "eval_episodes": self.best_eval.episodes,
                "command": command,
            },
        )


def build_trainer(spec: TrainerSpec) -> LinearSearch:
    """The search for ``spec`` (called by :class:`cartpole_game.training.trainers.TrainerSpec`)."""
    if spec.min_steps:
        raise ValueError("min_steps applies to the DQN only")
    config = LinearSearchConfig(total_steps=spec.budget, stop_when_solved=spec.stop_when_solved)
    return LinearSearch(config, seed=spec.seed)
