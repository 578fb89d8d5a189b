"""A batch of CartPole-v1 environments stepped together in numpy.

Built on :func:`cartpole_game.sim.physics.step_batch`, which is bit for bit the single-env step, so a
batch is exactly ``n`` CartPole-v1 episodes run side by side, only without a Python loop over them.

Finished environments reset themselves (auto-reset). ``step`` reports, per environment, whether
the episode *terminated* (the pole fell or the cart left the track: no future value) or was
*truncated* at the 500-step limit (the future still had value: a learner must bootstrap from
``final_obs``, the true last observation, not from the fresh reset observation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cartpole_game.sim import physics
from cartpole_game.sim.actions import force_table
from cartpole_game.sim.disturbances import NO_DISTURBANCES, DisturbanceSchedule
from cartpole_game.training.randomisation import (
    NO_RANDOMISATION,
    Randomisation,
    VectorDisturbances,
)


@dataclass
class VectorStep:
    """What one ``VectorCartPole.step`` returns; arrays have one row per environment."""

    obs: np.ndarray  # (n, 4) float32, after auto-reset: what the policy sees next
    rewards: np.ndarray  # (n,) float32, 1.0 for every step taken (as in CartPole-v1) unless shaped
    terminated: np.ndarray  # (n,) bool
    truncated: np.ndarray  # (n,) bool
    final_obs: np.ndarray  # (n, 4) float32, the observation reached by this step (before reset)
    episode_returns: np.ndarray  # (k,) float, returns of the episodes that just finished


class VectorCartPole:
    """``num_envs`` CartPole-v1 environments with auto-reset and the 500-step limit.

    Reset states are drawn from ``uniform(-0.05, 0.05)`` like CartPole-v1
    (``physics.sample_starts``), from one seeded numpy generator, so a seed fixes the whole run.
    A :class:`Randomisation` widens some starts, pokes, blows wind and may shape the reward; a
    level's ``schedule`` adds its own wind and pokes (:mod:`cartpole_game.training.randomisation`).
    Returns are always CartPole-v1's: 1 per step.
    """

    def __init__(
        self,
        num_envs: int,
        seed: int | np.random.SeedSequence | None = None,
        params: physics.CartPoleParams = physics.CARTPOLE_V1,
        randomisation: Randomisation = NO_RANDOMISATION,
        schedule: DisturbanceSchedule = NO_DISTURBANCES,
    ) -> None:
        if num_envs < 1:
            raise ValueError("num_envs must be at least 1")
        self.num_envs = num_envs
        self.params = params
        self.rng = np.random.default_rng(seed)
        self.states = np.zeros((num_envs, 4), dtype=np.float64)
        self.lengths = np.zeros(num_envs, dtype=np.int64)
        self.returns = np.zeros(num_envs, dtype=np.float64)
        self._forces = force_table(params)
        self.randomisation = randomisation
        self.disturbances = VectorDisturbances(num_envs, self.rng, randomisation, schedule)
        self._disturbed = randomisation.any or schedule.any
        self._shaped = randomisation.shaped

    def reset(self) -> np.ndarray:
        """Reset every environment; return the ``(n, 4)`` float32 observations."""
        self.states = self.disturbances.starts(self.num_envs)
        self.disturbances.reset(np.arange(self.num_envs))
        self.lengths[:] = 0
        self.returns[:] = 0.0
        return self.states.astype(np.float32)

    def step(self, actions: np.ndarray) -> VectorStep:
        """Apply ``actions`` (0 = push left, 1 = push right), one per environment."""
        forces = self._forces[np.asarray(actions, dtype=np.int64)]
        if self._disturbed:
            forces = forces + self.disturbances.wind()
        self.states = physics.step_batch(self.states, forces, self.params)
        self.lengths += 1
        self.returns += 1.0
        terminated = physics.terminal_mask(self.states, self.params)
        truncated = ~terminated & (self.lengths >= self.params.max_episode_steps)
        done = terminated | truncated
        if self._disturbed:  # a poke lands after the step, before the agent sees the state
            self.states[:, 3] += np.where(done, 0.0, self.disturbances.pokes(self.lengths))
        final_obs = self.states.astype(np.float32)
        rewards = np.ones(self.num_envs, dtype=np.float32)
        if self._shaped:
            rewards -= self.randomisation.penalties(self.states, self.params).astype(np.float32)
        episode_returns = self.returns[done].copy()
        if done.any():
            rows = np.flatnonzero(done)
            self.states[rows] = self.disturbances.starts(rows.size)
            self.disturbances.reset(rows)
            self.lengths[rows] = 0
            self.returns[rows] = 0.0
        obs = final_obs.copy()
        obs[done] = self.states[done].astype(np.float32)
        return VectorStep(
            obs=obs,
            rewards=rewards,
            terminated=terminated,
            truncated=truncated,
            final_obs=final_obs,
            episode_returns=episode_returns,
        )
