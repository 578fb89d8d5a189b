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


@dataclass
class VectorStep:
    """What one ``VectorCartPole.step`` returns; arrays have one row per environment."""

    obs: np.ndarray  # (n, 4) float32, after auto-reset: what the policy sees next
    rewards: np.ndarray  # (n,) float32, 1.0 for every step taken, as in CartPole-v1
    terminated: np.ndarray  # (n,) bool
    truncated: np.ndarray  # (n,) bool
    final_obs: np.ndarray  # (n, 4) float32, the observation reached by this step (before reset)
    episode_returns: np.ndarray  # (k,) float, returns of the episodes that just finished


class VectorCartPole:
    """``num_envs`` CartPole-v1 environments with auto-reset and the 500-step limit.

    Reset states are drawn from ``uniform(-0.05, 0.05)`` like CartPole-v1 (``physics.sample_starts``), from one seeded numpy
    generator, so a seed fixes the whole run.
    """

    def __init__(
        self,
        num_envs: int,
        seed: int | None = None,
        params: physics.CartPoleParams = physics.CARTPOLE_V1,
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

    def reset(self) -> np.ndarray:
        """Reset every environment; return the ``(n, 4)`` float32 observations."""
        self.states = physics.sample_starts(self.rng, self.num_envs)
        self.lengths[:] = 0
        self.returns[:] = 0.0
        return self.states.astype(np.float32)

    def step(self, actions: np.ndarray) -> VectorStep:
        """Apply ``actions`` (0 = push left, 1 = push right), one per environment."""
        forces = self._forces[np.asarray(actions, dtype=np.int64)]
        self.states = physics.step_batch(self.states, forces, self.params)
        self.lengths += 1
        self.returns += 1.0
        terminated = physics.terminal_mask(self.states, self.params)
        truncated = ~terminated & (self.lengths >= self.params.max_episode_steps)
        final_obs = self.states.astype(np.float32)
        done = terminated | truncated
        episode_returns = self.returns[done].copy()
        if done.any():
            self.states[done] = physics.sample_starts(self.rng, int(done.sum()))
            self.lengths[done] = 0
            self.returns[done] = 0.0
        obs = final_obs.copy()
        obs[done] = self.states[done].astype(np.float32)
        return VectorStep(
            obs=obs,
            rewards=np.ones(self.num_envs, dtype=np.float32),
            terminated=terminated,
            truncated=truncated,
            final_obs=final_obs,
            episode_returns=episode_returns,
        )
