"""The linear trainer: a cross-entropy search over the four weights of ``LinearPolicy``.

Each generation samples ``population`` weight vectors from a diagonal Gaussian, plays
``episodes_per_candidate`` episodes with each of them all at once (one numpy batch, every
candidate facing the same starts, pokes and wind), and refits the Gaussian to the best few
("elites"), ranked by how long they kept the pole up less how far the cart wandered.

The episodes are the disturbances players cause (:class:`Randomisation`): a share starts wide,
a share is poked every 50 steps with up to ``poke_max`` rad/s, a share blows a steady wind; on a
level, its own physics, goal, wind and pokes. Every ``check_every`` generations the current
best guess (the distribution's mean) is checked on fresh episodes of every condition of the
robustness suite (:mod:`cartpole_game.training.robust_check`); the search is *solved* at the
first check whose standard episodes average 475, *robust* at the first that meets every
target. It searches on ``polish_generations`` more (the distribution keeps narrowing toward
weights that also hold pokes of 1.5 rad/s, which LQR almost never does), then stops and keeps
the weights with the best check.

A policy that pushes away from the centre when the cart is off it (a cart-position weight of the
other sign than the angle's) cannot hold a wind, so the wind episodes weed it out; the drift
penalty keeps the cart near the middle among candidates that last equally long.

Unlike the tutorial's random search, which keeps the best *single* run of each guess, candidates
are judged over several episodes, and the search narrows in on good weights.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from cartpole_game.agents.checkpoint import Checkpoint
from cartpole_game.agents.linear import (
    LINEAR_ARCHITECTURE,
    TRAIN_STEPS,
    LinearPolicy,
    linear_actions,
)
from cartpole_game.sim.disturbances import Disturbances, DisturbanceSchedule
from cartpole_game.sim.levels import LEVELS
from cartpole_game.sim.rollout import rollout_batch
from cartpole_game.training import EvalPoint, TrainProgress
from cartpole_game.training.randomisation import Randomisation
from cartpole_game.training.robust_check import Selection, selection_metadata
from cartpole_game.training.robust_suite import POKE_EVERY

if TYPE_CHECKING:
    from cartpole_game.training.trainers import TrainerSpec


# What the candidates' episodes meet (pokes come every 50 steps, as in the robustness suite).
LINEAR_RANDOMISATION = Randomisation(
    wide_share=0.5,
    wide_half_width=0.2,
    poke_share=0.75,
    poke_min=0.75,
    poke_max=1.5,
    wind_share=0.3,
    wind_max=4.0,
)


@dataclass
class LinearSearchConfig:
    total_steps: int = TRAIN_STEPS  # environment-step budget (verification episodes count too)
    stop_when_solved: bool = True  # the live view may keep searching after solving
    population: int = 32
    elites: int = 6
    episodes_per_candidate: int = 8
    init_std: float = 1.0
    min_std: float = 0.05  # noise floor, so the search never freezes on a near miss
    check_every: int = 2  # generations between checks of the best guess
    # Once robust, search on this many generations, keeping the best check: the search keeps
    # narrowing in, toward weights that also hold pokes of 1.5 rad/s.
    polish_generations: int = 20
    # Fresh episodes per condition and check: more than the DQN's 100, as checks cost the
    # search little, and a linear policy's figures sit closer to the margins.
    check_episodes: int = 200
    # Among candidates that last equally long, prefer those keeping the cart near the centre:
    # a policy that reaches step 500 with the cart at the edge fails on other starts.
    drift_penalty: float = 20.0
    # A cart-position weight of the angle weight's sign: off centre, the policy leans the pole
    # back toward the middle (with the other sign nothing brings the cart back).
    centre_cart: bool = True
    level: int = len(LEVELS)  # the level whose physics, goal, wind and pokes it trains on
    randomisation: Randomisation = field(default_factory=lambda: LINEAR_RANDOMISATION)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class LinearSearch:
    """The search as an iterator: each ``next()`` runs one generation (and maybe a check)."""

    algo = "linear"

    def __init__(self, config: LinearSearchConfig | None = None, seed: int = 0) -> None:
        self.config = cfg = config or LinearSearchConfig()
        self.seed = seed
        self.level = LEVELS[cfg.level - 1]
        # The run's own stream, apart from every evaluation's seeds.
        self.rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
        self.mean = np.zeros(4)
        self.std = np.full(4, cfg.init_std)
        self.steps = 0
        self.episodes = 0
        self.generation = 0
        self.elapsed = 0.0
        self.selection = Selection(seed, self.level, cfg.check_episodes)
        self.best_eval: EvalPoint | None = None
        self.candidate = self.mean.copy()  # the current best guess, for previews
        self.solved_seconds: float | None = None
        self.robust_seconds: float | None = None
        self.robust_generation: int | None = None
        self.finished = False
        self.last_population_returns: np.ndarray | None = None

    @property
    def solved_at(self) -> int | None:
        return self.selection.solved_at

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
        # Only the direction of w matters (the policy is the sign of w·s): on the unit sphere,
        # the search spends nothing on the length.
        weights /= np.maximum(np.linalg.norm(weights, axis=1, keepdims=True), 1e-12)
        if cfg.centre_cart:  # the cart-position weight takes the angle weight's sign
            weights[:, 0] = np.abs(weights[:, 0]) * np.where(weights[:, 2] < 0, -1.0, 1.0)
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
        if self.generation % cfg.check_every == 0:
            evaluation = self._check(self.best_guess(), t0)
        sel = self.selection
        if sel.robust_at is not None and self.robust_generation is None:
            self.robust_generation = self.generation
        polished = (
            self.robust_generation is not None
            and self.generation >= self.robust_generation + cfg.polish_generations
        )
        if (polished and cfg.stop_when_solved) or self.steps >= cfg.total_steps:
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
            solved=sel.solved_at is not None,
            solved_at_steps=sel.solved_at,
            done=self.finished,
            snapshot=self.snapshot,
            solved_at_seconds=self.solved_seconds,
            robust_at_steps=sel.robust_at,
            robust_at_seconds=self.robust_seconds,
        )

    def _episodes(self, count: int) -> tuple[np.ndarray, list[tuple[int, DisturbanceSchedule]]]:
        """``count`` training episodes: their starts, and for each the seed and the schedule of
        its disturbances (the level's own, with this episode's pokes and wind)."""
        spec, level, rng = self.config.randomisation, self.level, self.rng
        half = np.where(rng.random(count) < spec.wide_share, spec.wide_half_width, 0.05)
        starts = rng.uniform(-1.0, 1.0, size=(count, 4)) * half[:, None]
        poked = rng.random(count) < spec.poke_share
        sizes = spec.poke_min + rng.random(count) * (spec.poke_max - spec.poke_min)
        pokes = np.where(poked, sizes, 0.0)
        windy = rng.random(count) < spec.wind_share
        winds = np.where(windy, rng.random(count) * spec.wind_max, 0.0)
        setups = []
        for poke, wind in zip(pokes, winds, strict=True):
            schedule = level.disturbances
            if poke:
                schedule = replace(schedule, poke_every=POKE_EVERY, poke_size=float(poke))
            if wind:
                schedule = replace(schedule, steady_wind=float(wind))
            setups.append((int(rng.integers(2**31)), schedule))
        return starts, setups

    def _play(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        """Play ``episodes_per_candidate`` episodes with each weight vector, all in one batch."""
        k = self.config.episodes_per_candidate
        starts, setups = self._episodes(k)
        states = np.tile(starts, (len(weights), 1))  # common episodes: a fairer comparison
        sources = [Disturbances(seed, schedule=sch) for _ in weights for seed, sch in setups]
        w = np.repeat(weights, k, axis=0)
        params = self.level.params
        # Each episode acts on its float32 observation, exactly as the policy will in the game.
        outcome = rollout_batch(
            lambda obs, rows: linear_actions(obs, w[rows]), states, params, sources
        )
        # The largest |x| reached, as a fraction of the track's half-length.
        drift = np.minimum(outcome.max_abs_x / params.x_threshold, 1.0)
        shape = (len(weights), k)
        return outcome.returns.reshape(shape), drift.reshape(shape), outcome.steps

    def best_guess(self) -> np.ndarray:
        """The search's current estimate: the mean of its distribution, on the unit sphere (it
        changes more smoothly than any single candidate, each judged on a few episodes)."""
        norm = np.linalg.norm(self.mean)
        guess = self.mean / norm if norm > 0 else self.candidate
        return guess.astype(np.float32).astype(np.float64)

    def evaluate_current(self) -> EvalPoint:
        """Check the current best guess now (e.g. when interrupted before any check)."""
        return self._check(self.best_guess(), time.perf_counter())

    def _check(self, weights: np.ndarray, started: float) -> EvalPoint:
        sel = self.selection
        solved, robust = sel.solved_at, sel.robust_at
        check = sel.offer(weights.copy(), LinearPolicy(weights), self.steps)
        assert sel.best is not None  # a check was just offered
        self.best_eval = sel.best.eval_point()
        now = self.elapsed + time.perf_counter() - started
        if solved is None and sel.solved_at is not None:
            self.solved_seconds = now
        if robust is None and sel.robust_at is not None:
            self.robust_seconds = now
        return check.eval_point()

    def best_checkpoint(self, command: str = "") -> Checkpoint | None:
        sel = self.selection
        if sel.best is None or self.best_eval is None:
            return None
        return Checkpoint(
            kind="linear",
            architecture=dict(LINEAR_ARCHITECTURE),
            tensors={
                "weights": np.asarray(sel.best_weights).astype(np.float32),
                "bias": np.zeros(1, dtype=np.float32),
            },
            metadata={
                "training_config": {"algo": "linear", **self.config.as_dict()},
                "seed": self.seed,
                **selection_metadata(sel, self.best_eval),
                "command": command,
            },
        )


def build_trainer(spec: TrainerSpec) -> LinearSearch:
    """The search for ``spec`` (called by :class:`cartpole_game.training.trainers.TrainerSpec`)."""
    if spec.min_steps:
        raise ValueError("min_steps applies to the DQN only")
    config = LinearSearchConfig(
        total_steps=spec.budget, stop_when_solved=spec.stop_when_solved, level=spec.level
    )
    return LinearSearch(config, seed=spec.seed)
