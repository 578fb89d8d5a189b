"""The ladder of levels: from balancing a broom in slow motion up to CartPole-v1 itself at 1x.

A level is data: CartPole physics parameters (named as gymnasium names them), the time scale it
is played at, a goal in steps, and optional wind or pokes. The last level is CartPole-v1 exactly.
Each level is also a gymnasium environment (``cartpole_game/Level<N>-<Name>-v0``), so agents can
be trained and evaluated on it. The ladder's order was checked with the simulated player of
``python play.py bench --only human``: each level is won less often than the one before.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from cartpole_game.sim.disturbances import NO_DISTURBANCES, Disturbances, DisturbanceSchedule
from cartpole_game.sim.env import CartPoleEnv
from cartpole_game.sim.physics import CARTPOLE_V1, CartPoleParams

PHYSICS_KEYS = ("gravity", "masscart", "masspole", "length", "force_mag", "tau")
MEDALS = ("bronze", "silver", "gold")
MEDAL_SHARES = (1 / 3, 2 / 3, 1.0)  # of the goal: survive a third for bronze, all of it for gold


@dataclass(frozen=True)
class Level:
    number: int  # 1-based place on the ladder
    name: str
    tagline: str  # one line for the menu: what makes it this level
    physics: CartPoleParams
    time_scale: float
    goal_steps: int
    disturbances: DisturbanceSchedule = NO_DISTURBANCES
    analog: bool = False  # a gamepad's stick pushes in proportion on this level

    @property
    def params(self) -> CartPoleParams:
        """The physics with the goal as the episode's step limit."""
        return dataclasses.replace(self.physics, max_episode_steps=self.goal_steps)

    @property
    def env_id(self) -> str:
        camel = "".join(w[0].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", self.name))
        return f"cartpole_game/Level{self.number}-{camel}-v0"

    @property
    def key(self) -> str:
        """How progress and high scores name the level (stable across renames of the title)."""
        return f"level{self.number}"

    def medal_for(self, steps: int) -> str | None:
        """The best medal ``steps`` survived earn, or None."""
        earned = None
        for medal, share in zip(MEDALS, MEDAL_SHARES, strict=True):
            if steps >= medal_steps(self.goal_steps, share):
                earned = medal
        return earned

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "name": self.name,
            "tagline": self.tagline,
            "physics": {key: getattr(self.physics, key) for key in PHYSICS_KEYS},
            "time_scale": self.time_scale,
            "goal_steps": self.goal_steps,
            "goal_seconds": round(self.goal_steps * self.physics.tau, 3),
            "medal_steps": {
                medal: medal_steps(self.goal_steps, share)
                for medal, share in zip(MEDALS, MEDAL_SHARES, strict=True)
            },
            "disturbances": self.disturbances.as_dict(),
            "analog": self.analog,
            "env_id": self.env_id,
        }


def medal_steps(goal_steps: int, share: float) -> int:
    return max(1, round(goal_steps * share))


V1 = CARTPOLE_V1

LEVELS: tuple[Level, ...] = (
    Level(
        1,
        "Broom",
        "like balancing a broom: a long pole, in slow motion",
        dataclasses.replace(V1, length=0.9, force_mag=7.0),
        time_scale=0.5,
        goal_steps=300,
        analog=True,
    ),
    Level(
        2,
        "Moon",
        "the Moon's gravity: the pole falls slowly",
        dataclasses.replace(V1, length=0.6, gravity=1.62),
        time_scale=0.5,
        goal_steps=400,
        analog=True,
    ),
    Level(
        3,
        "Half speed",
        "CartPole-v1's pole at half speed, with slightly softer pushes",
        dataclasses.replace(V1, force_mag=8.0),
        time_scale=0.5,
        goal_steps=500,
        analog=True,
    ),
    Level(
        4,
        "Breezy",
        "the broom in a gusty wind, with gentle pushes",
        dataclasses.replace(V1, length=0.9, force_mag=5.0),
        time_scale=0.5,
        goal_steps=500,
        disturbances=DisturbanceSchedule(wind_noise=0.5, wind_max=2.5),
    ),
    Level(
        5,
        "Three quarters",
        "a long pole at three-quarter speed, with softer pushes",
        dataclasses.replace(V1, length=0.9, force_mag=6.0),
        time_scale=0.75,
        goal_steps=500,
    ),
    Level(
        6,
        "CartPole-v1",
        "gymnasium's CartPole-v1 itself, at full speed",
        V1,
        time_scale=1.0,
        goal_steps=500,
    ),
)


def level_by_spec(spec: str) -> Level:
    """A level by number (``3``) or name (``broom``, any case); ``ValueError`` when there is none."""
    text = spec.strip()
    if text.isdigit():
        number = int(text)
        if 1 <= number <= len(LEVELS):
            return LEVELS[number - 1]
        raise ValueError(f"there is no level {number}: the levels are 1 to {len(LEVELS)}")
    wanted = _fold(text)
    for level in LEVELS:
        if _fold(level.name) == wanted:
            return level
    names = ", ".join(level.name for level in LEVELS)
    raise ValueError(f"no level named {spec!r}: choose a number or one of {names}")


def _fold(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


class LevelEnv(CartPoleEnv):
    """A level as a gymnasium environment: its physics, goal and seeded wind and pokes.

    The disturbances draw from a generator seeded by the environment's own, after the start state
    is drawn, so an episode is a function of the reset seed and the actions, and a level without
    disturbances is exactly ``CartPoleEnv`` with the level's physics.
    """

    def __init__(self, level: int = len(LEVELS), allow_no_push: bool = False) -> None:
        self.level = LEVELS[level - 1]
        super().__init__(allow_no_push=allow_no_push, params=self.level.params)
        self._disturbances: Disturbances | None = None
        self._steps = 0

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        observation, info = super().reset(seed=seed, options=options)
        schedule = self.level.disturbances
        if schedule.any:
            seed_of_disturbances = int(self.np_random.integers(2**31))
            self._disturbances = Disturbances(seed_of_disturbances, schedule=schedule)
        self._steps = 0
        return observation, info

    def step(self, action: int | np.int64) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        if self._disturbances is not None:
            poke = self._disturbances.scheduled_poke(self._steps)
            if poke:
                self.apply_impulse(poke)
            self.external_force = self._disturbances.next_wind()
        self._steps += 1
        return super().step(action)


def register_levels() -> None:
    """Register every level with gymnasium (idempotent)."""
    for level in LEVELS:
        if level.env_id not in gym.registry:
            gym.register(
                id=level.env_id,
                entry_point="cartpole_game.sim.levels:LevelEnv",
                kwargs={"level": level.number},
                max_episode_steps=level.goal_steps,
                reward_threshold=0.95 * level.goal_steps,
            )
