"""The gymnasium environment: CartPole-v1, plus an optional "no push" action for human play.

Actions become forces in :mod:`cartpole_game.sim.actions`. For actions 0 and 1 the environment is bit for
bit gymnasium's ``CartPole-v1``: the same seed gives the same reset state, the same actions the
same observations, rewards and flags. With ``allow_no_push=True`` the action space grows to
``Discrete(3)`` and action 2 applies no force, which gymnasium's own ``play()`` cannot express.

The game's arena can also push with part of the force (a gamepad's stick on a level that allows
it): it sets ``push_fraction`` before a step. Left at None, as every agent's environment leaves
it, the force is the action's own.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import logger, spaces
from gymnasium.envs.classic_control import utils

from cartpole_game.sim import physics
from cartpole_game.sim.actions import action_to_force

ENV_ID = "cartpole_game/CartPole-v1"


class CartPoleEnv(gym.Env[np.ndarray, int | np.int64]):
    """CartPole-v1 on top of :mod:`cartpole_game.sim.physics`."""

    # gymnasium declares ``metadata`` on ``Env`` as an attribute (not a ClassVar) and gym.make
    # reads it from the class, so it is a class-level default of that attribute.
    metadata: dict[str, Any] = {"render_modes": [], "render_fps": 50}  # noqa: RUF012

    def __init__(
        self,
        allow_no_push: bool = False,
        params: physics.CartPoleParams = physics.CARTPOLE_V1,
    ) -> None:
        self.params = params
        self.allow_no_push = allow_no_push
        high = np.array(
            [params.x_threshold * 2, np.inf, params.theta_threshold * 2, np.inf],
            dtype=np.float32,
        )
        self.action_space = spaces.Discrete(3 if allow_no_push else 2)
        self.observation_space = spaces.Box(-high, high, dtype=np.float32)
        self.state: np.ndarray | None = None
        self.last_force = 0.0
        # A disturbance (wind) added to the pushes; not an action, so it stays 0 for agents' envs.
        self.external_force = 0.0
        # For the next step only: push with this signed fraction of force_mag instead of the
        # action's full force (the arena checks it agrees with the action's direction).
        self.push_fraction: float | None = None
        self.steps_beyond_terminated: int | None = None

    def step(self, action: int | np.int64) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        assert self.action_space.contains(action), f"{action!r} ({type(action)}) invalid"
        assert self.state is not None, "Call reset before using step method."
        fraction, self.push_fraction = self.push_fraction, None
        if fraction is None:
            force = action_to_force(int(action), self.params)
        else:
            force = fraction * self.params.force_mag
        self.last_force = force
        if self.external_force:
            force = force + self.external_force
        # A diverging state (after an extreme poke) overflows; that ends the episode, quietly.
        with np.errstate(over="ignore", invalid="ignore"):
            self.state = np.array(physics.step(self.state, force, self.params), dtype=np.float64)
            return self._after_step()

    def apply_impulse(self, delta_theta_dot: float) -> None:
        """A poke: change the pole's angular velocity at once (rad/s), as a blow to the pole would."""
        assert self.state is not None, "Call reset before poking."
        self.state = self.state.copy()
        self.state[3] += delta_theta_dot

    def set_state(self, state: Any) -> None:
        """Put the system in an exact state (used by tests and replays)."""
        self.state = np.array(state, dtype=np.float64)
        self.steps_beyond_terminated = None

    def _after_step(self) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        assert self.state is not None
        diverged = not np.isfinite(self.state).all()
        terminated = diverged or physics.is_terminal(self.state, self.params)
        if not terminated:
            reward = 1.0
        elif self.steps_beyond_terminated is None:
            self.steps_beyond_terminated = 0
            reward = 1.0
        else:
            if self.steps_beyond_terminated == 0:
                logger.warn(
                    "You are calling 'step()' even though this environment has already returned "
                    "terminated = True. You should always call 'reset()' once you receive "
                    "'terminated = True' -- any further steps are undefined behavior."
                )
            self.steps_beyond_terminated += 1
            reward = 0.0
        info: dict[str, Any] = {"diverged": True} if diverged else {}
        return np.array(self.state, dtype=np.float32), reward, terminated, False, info

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        low, high = utils.maybe_parse_reset_bounds(
            options, -physics.START_HALF_WIDTH, physics.START_HALF_WIDTH
        )
        self.state = self.np_random.uniform(low=low, high=high, size=(4,))
        self.steps_beyond_terminated = None
        self.last_force = 0.0
        self.push_fraction = None
        return np.array(self.state, dtype=np.float32), {}


def register() -> None:
    """Register ``cartpole_game/CartPole-v1`` with gymnasium (idempotent)."""
    if ENV_ID not in gym.registry:
        gym.register(
            id=ENV_ID,
            entry_point="cartpole_game.sim.env:CartPoleEnv",
            max_episode_steps=physics.CARTPOLE_V1.max_episode_steps,
            reward_threshold=physics.SOLVED_MEAN,
        )
