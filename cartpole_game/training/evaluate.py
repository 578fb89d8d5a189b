"""Greedy evaluation: how many steps a policy keeps the pole up, over many episodes.

``evaluate_batch`` runs all episodes at once in numpy (100 episodes take a few hundredths of a
second), which lets the trainers evaluate often. ``evaluate_controller`` plays episodes one by one
on the real gymnasium environment, through the same ``act`` the game calls; the physics are the
same bit for bit, so both agree with CartPole-v1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cartpole_game.sim import physics
from cartpole_game.sim.controllers import Controller
from cartpole_game.sim.env import CartPoleEnv
from cartpole_game.sim.rollout import rollout_batch

BatchPolicy = Callable[[np.ndarray], np.ndarray]  # (n, 4) float32 observations -> (n,) actions

# Harder starts (x, x_dot, theta, theta_dot half-widths): leaning up to 5.7 degrees and moving,
# like a pole a player has just pushed. Used to tell apart weights that all score 500.
HARD_STARTS = (0.5, 0.5, 0.1, 0.5)


@dataclass(frozen=True)
class EvalResult:
    returns: np.ndarray  # (episodes,) float

    @property
    def mean(self) -> float:
        return float(self.returns.mean())

    @property
    def std(self) -> float:
        return float(self.returns.std())

    @property
    def min(self) -> float:
        return float(self.returns.min())

    @property
    def max(self) -> float:
        return float(self.returns.max())

    @property
    def episodes(self) -> int:
        return int(self.returns.size)

    def fraction_at(self, value: float) -> float:
        return float((self.returns >= value).mean())

    def fraction_perfect(self, params: physics.CartPoleParams = physics.CARTPOLE_V1) -> float:
        """The share of episodes that lasted to the step limit (500 for CartPole-v1)."""
        return self.fraction_at(params.max_episode_steps)

    def as_dict(self) -> dict[str, object]:
        return {
            "mean": self.mean,
            "std": self.std,
            "min": self.min,
            "max": self.max,
            "episodes": self.episodes,
            "returns": [int(r) for r in self.returns],
        }


def evaluate_batch(
    policy: BatchPolicy,
    episodes: int = 100,
    seed: int | None = 0,
    params: physics.CartPoleParams = physics.CARTPOLE_V1,
    start_half_width: float | tuple[float, ...] = physics.START_HALF_WIDTH,
) -> EvalResult:
    """Run ``episodes`` episodes side by side until each terminates or reaches the step limit.

    Starts are uniform in ``±start_half_width`` (per component if a tuple): CartPole-v1's
    distribution by default.
    """
    half = np.asarray(start_half_width, dtype=np.float64)
    starts = physics.sample_starts(np.random.default_rng(seed), episodes, half)
    outcome = rollout_batch(lambda obs, _rows: policy(obs), starts, params)
    return EvalResult(outcome.returns)


def evaluate_controller(
    controller: Controller,
    episodes: int = 100,
    seed: int | None = 0,
    params: physics.CartPoleParams = physics.CARTPOLE_V1,
) -> EvalResult:
    """Play ``episodes`` episodes on :class:`cartpole_game.sim.env.CartPoleEnv`, one at a time.

    The first reset is seeded with ``seed``; later resets continue the same random stream, as
    gymnasium's evaluation helpers do.
    """
    env = CartPoleEnv(params=params)
    returns = np.zeros(episodes)
    for i in range(episodes):
        obs, _ = env.reset(seed=seed if i == 0 else None)
        controller.reset()
        total = 0.0
        for _ in range(params.max_episode_steps):
            obs, reward, terminated, truncated, _ = env.step(controller.act(obs))
            total += reward
            if terminated or truncated:
                break
        returns[i] = total
    return EvalResult(returns)
