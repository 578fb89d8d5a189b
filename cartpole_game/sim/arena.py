"""One cart-pole episode as the game plays it: env, controller, score and why it ended.

No pygame here. Scenes own arenas and step them at the fixed 0.02 s; the renderer draws
``interpolated_state(alpha)`` between the previous and the current step.
"""

from __future__ import annotations

import enum
import itertools
import secrets
from dataclasses import dataclass, field

import numpy as np

from cartpole_game.sim import physics
from cartpole_game.sim.actions import NO_PUSH
from cartpole_game.sim.controllers import Controller, fit_to_physics, push_fraction
from cartpole_game.sim.env import CartPoleEnv


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


@dataclass
class EpisodeLog:
    """Everything needed to replay an episode exactly: the seed and what happened at which step.

    Step indices count the steps taken before the event: a poke at index k hit the pole after k
    steps, and wind at index k pushed during step k+1. ``analog`` holds the steps pushed with
    part of the force (a gamepad's stick): at index k, step k+1 pushed with that signed fraction
    of ``force_mag``; its action, k-th in ``actions``, is the push's direction.
    """

    seed: int
    actions: list[int] = field(default_factory=list)
    pokes: list[tuple[int, float]] = field(default_factory=list)
    wind: list[tuple[int, float]] = field(default_factory=list)
    drivers: list[tuple[int, str]] = field(default_factory=list)
    analog: list[tuple[int, float]] = field(default_factory=list)

    def push_steps_by(self, name: str) -> int:
        """Steps in which ``name`` drove and pushed (a step without a push is not counted)."""
        bounds = [*self.drivers, (len(self.actions), "")]
        total = 0
        for (start, driver), (end, _) in itertools.pairwise(bounds):
            if driver == name:
                total += sum(1 for action in self.actions[start:end] if action != NO_PUSH)
        return total


def fresh_seed() -> int:
    return secrets.randbelow(2**31)


class Arena:
    """A CartPole episode driven by a swappable controller.

    Every controller it is given learns the physics first (:func:`fit_to_physics`): an agent
    computed from the physics fits itself to ``params``, and may push with part of the force
    where ``analog`` says the level allows it.
    """

    def __init__(
        self,
        controller: Controller,
        seed: int | None = None,
        params: physics.CartPoleParams = physics.CARTPOLE_V1,
        analog: bool = False,
    ) -> None:
        self.params = params
        self.analog = analog
        self.env = CartPoleEnv(allow_no_push=True, params=params)
        fit_to_physics(controller, params, analog)
        self.controller = controller
        self._next_seed = fresh_seed() if seed is None else seed
        self.episode = 0
        self.log = EpisodeLog(seed=self._next_seed)
        self.steps_by_driver: dict[str, int] = {}
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

    def reset(self, seed: int | None = None) -> None:
        """Start a new episode. Episodes use seed, seed+1, ... so each one can be replayed;
        ``seed`` starts from another (a ghost's run: the same start as the recording)."""
        seed = self._next_seed if seed is None else seed
        self._next_seed = seed + 1
        self.log = EpisodeLog(seed=seed, drivers=[(0, self.controller.name)])
        self.steps_by_driver = {}
        self.observation, _ = self.env.reset(seed=seed)
        self.state = self._env_state()
        self.previous_state = self.state.copy()
        self.score = 0
        self.end_reason = None
        self.last_action = None
        self.episode += 1
        self.controller.reset()

    def set_controller(self, controller: Controller) -> None:
        """Hand control to someone else; the physics state is untouched."""
        if controller is self.controller:
            return
        fit_to_physics(controller, self.params, self.analog)
        self.controller = controller
        self.log.drivers.append((len(self.log.actions), controller.name))

    def poke(self, delta_theta_dot: float) -> None:
        """An impulse to the pole (rad/s), recorded for replays. Ignored once the episode is over."""
        if self.done or not delta_theta_dot:
            return
        self.env.apply_impulse(delta_theta_dot)
        self.state = self._env_state()
        with np.errstate(over="ignore"):  # an absurd poke overflows float32; the step then ends it
            self.observation = self.state.astype(np.float32)
        self.log.pokes.append((len(self.log.actions), float(delta_theta_dot)))

    def step(self, external_force: float = 0.0) -> StepRecord | None:
        """Advance one 0.02 s step under the controller's action; None once the episode is over.

        ``external_force`` (newtons, wind) is added to the push for this step and recorded.
        """
        if self.done:
            return None
        action = int(self.controller.act(self.observation))
        fraction = push_fraction(self.controller, action)  # None: the action's full force
        if external_force:
            self.log.wind.append((len(self.log.actions), float(external_force)))
        if fraction is not None:
            self.log.analog.append((len(self.log.actions), fraction))
        self.env.external_force = external_force
        self.env.push_fraction = fraction
        self.previous_state = self.state
        self.observation, reward, terminated, _, info = self.env.step(action)
        self.state = self._env_state()
        self.score += int(reward)
        self.last_action = action
        self.log.actions.append(action)
        name = self.controller.name
        self.steps_by_driver[name] = self.steps_by_driver.get(name, 0) + 1
        if terminated:
            self.end_reason = self._why_terminated(info)
        elif self.score >= self.params.max_episode_steps:
            self.end_reason = EndReason.MAX_STEPS
        return StepRecord(action, self.env.last_force, self.end_reason)

    def _env_state(self) -> np.ndarray:
        """A copy of the environment's float64 state (set from the first reset on)."""
        assert self.env.state is not None, "the environment is reset in __init__"
        return self.env.state.copy()

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
