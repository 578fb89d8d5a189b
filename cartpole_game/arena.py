"""One cart-pole episode as the game plays it: env, controller, score and why it ended.

No pygame here. Scenes own arenas and step them at the fixed 0.02 s; the renderer draws
``interpolated_state(alpha)`` between the previous and the current step.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from cartpole_game import physics
from cartpole_game.controllers import Controller
from cartpole_game.env import CartPoleEnv


class EndReason(enum.Enum):
    POLE_FELL = "The pole fell"
    CART_LEFT_TRACK = "The cart left the track"
    MAX_STEPS = "500 steps reached"
    DIVERGED = "Physics diverged"


@dataclass(frozen=True)
class StepRecord:
    """What happened on one step (kept short: scenes use it for effects and stats)."""

    action: int
    force: float
    ended: EndReason | None


class Arena:
    """A CartPole episode driven by a swappable controller."""

    def __init__(
        self,
        controller: Controller,
        seed: int | None = None,
        params: physics.CartPoleParams = physics.CARTPOLE_V1,
    ) -> None:
        self.params = params
        self.env = CartPoleEnv(allow_no_push=True, params=params)
        self.controller = controller
        self._next_seed = seed
        self.episode = 0
        self.score = 0
        self.end_reason: EndReason | None = None
        self.observation = np.zeros(4, dtype=np.float32)
        self.state = np.zeros(4)
        self.previous_state = np.zeros(4)
        self.last_action: int | None = None
        self.reset()

    @property
    def done(self) -> bool:
        return self.end_reason is not None

    @property
    def elapsed(self) -> float:
        """Simulated seconds survived this episode."""
        return self.score * self.params.tau

    def reset(self) -> None:
        """Start a new episode. A seeded arena gives seed, seed+1, ... for successive episodes."""
        seed = self._next_seed
        if seed is not None:
            self._next_seed = seed + 1
        self.observation, _ = self.env.reset(seed=seed)
        self.state = self.env.state.copy()
        self.previous_state = self.state.copy()
        self.score = 0
        self.end_reason = None
        self.last_action = None
        self.episode += 1
        self.controller.reset()

    def set_controller(self, controller: Controller) -> None:
        """Hand control to someone else; the physics state is untouched."""
        self.controller = controller

    def step(self) -> StepRecord | None:
        """Advance one 0.02 s step under the controller's action; None once the episode is over."""
        if self.done:
            return None
        action = int(self.controller.act(self.observation))
        self.previous_state = self.state
        self.observation, reward, terminated, _, info = self.env.step(action)
        self.state = self.env.state.copy()
        self.score += int(reward)
        self.last_action = action
        if terminated:
            self.end_reason = self._why_terminated(info)
        elif self.score >= self.params.max_episode_steps:
            self.end_reason = EndReason.MAX_STEPS
        return StepRecord(action, self.env.last_force, self.end_reason)

    def _why_terminated(self, info: dict) -> EndReason:
        if info.get("diverged"):
            return EndReason.DIVERGED
        if physics.cart_out_of_bounds(self.state[0], self.params):
            return EndReason.CART_LEFT_TRACK
        return EndReason.POLE_FELL

    def interpolated_state(self, alpha: float) -> np.ndarray:
        """The state ``alpha`` of the way from the previous step to the current one."""
        if self.done or not np.isfinite(self.state).all():
            return self.state
        return self.previous_state + (self.state - self.previous_state) * alpha
