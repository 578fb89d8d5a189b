"""Pokes and wind: disturbances that test a controller. Seeded, so they can be replayed.

A poke is an impulse to the pole, a sudden change of its angular velocity. Wind is a random
force on the cart that drifts smoothly (an Ornstein-Uhlenbeck process), like gusts; a schedule may
also blow a steady wind, the same force all episode to a side drawn at its start (the robustness
suite's "wind 3 N", :mod:`cartpole_game.training.robust_suite`). All are
generated per simulation step by one seeded source, so that in versus both arenas get the same
disturbance at the same simulated time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_POKE = 2.5  # rad/s: the strongest impulse a click or drag can give
POKE_GAIN = 2.2  # rad/s of angular velocity per metre of drag
CLICK_POKE = 0.8  # rad/s for a click without a drag
RANDOM_POKE_RANGE = (0.6, 1.6)  # rad/s, for P


def clamp_poke(delta_theta_dot: float) -> float:
    """Clamp an impulse to ±MAX_POKE; a non-finite one becomes 0 (never crash the physics)."""
    if not math.isfinite(delta_theta_dot):
        return 0.0
    return max(-MAX_POKE, min(MAX_POKE, delta_theta_dot))


def poke_from_drag(drag_metres: float) -> float:
    """The impulse a horizontal drag of ``drag_metres`` gives (right drag pushes the pole right)."""
    if abs(drag_metres) < 0.02:
        return CLICK_POKE if drag_metres >= 0 else -CLICK_POKE
    return clamp_poke(drag_metres * POKE_GAIN)


@dataclass(frozen=True)
class WindConfig:
    decay: float = 0.95  # per step: how long a gust lasts (about 20 steps, 0.4 s)
    noise: float = 0.6  # newtons per step of random change; stationary spread about 1.9 N
    max_force: float = 6.0  # never more than this: the cart's own push is 10 N


@dataclass(frozen=True)
class DisturbanceSchedule:
    """Disturbances a level always has: wind (newtons of drift, 0 = none) and regular pokes."""

    wind_noise: float = 0.0
    wind_max: float = 0.0
    poke_every: int = 0  # steps between pokes; 0 = no pokes
    poke_size: float = 0.0  # rad/s, to a random side
    steady_wind: float = 0.0  # newtons all episode long, to a side drawn per episode; 0 = none

    @property
    def wind(self) -> WindConfig | None:
        if self.wind_noise <= 0:
            return None
        return WindConfig(noise=self.wind_noise, max_force=self.wind_max)

    @property
    def any(self) -> bool:
        return self.wind_noise > 0 or self.poke_every > 0 or self.steady_wind > 0

    def as_dict(self) -> dict[str, dict[str, float] | None]:
        wind = {"noise": self.wind_noise, "max_force": self.wind_max} if self.wind_noise else None
        pokes = (
            {"every_steps": self.poke_every, "size": self.poke_size} if self.poke_every else None
        )
        described: dict[str, dict[str, float] | None] = {"wind": wind, "pokes": pokes}
        if self.steady_wind:  # no level has one: the levels' description stays as it was
            described["steady_wind"] = {"force": self.steady_wind}
        return described


NO_DISTURBANCES = DisturbanceSchedule()


class Disturbances:
    """Wind on/off and random pokes from one seeded generator, one draw per step.

    A level's ``schedule`` starts the wind on (with the level's strength) and pokes the pole every
    ``poke_every`` steps; W and P add to that in play. A steady wind draws its side first (and
    only when the schedule has one, so every other schedule draws exactly as before); W turns
    the gusts on and off, never the steady wind.
    """

    def __init__(
        self,
        seed: int,
        wind: WindConfig | None = None,
        schedule: DisturbanceSchedule = NO_DISTURBANCES,
    ) -> None:
        self.rng = np.random.default_rng(seed)
        self.schedule = schedule
        self.config = wind or schedule.wind or WindConfig()
        self.wind_on = schedule.wind is not None
        self.wind_force = 0.0
        self.steady_force = 0.0
        if schedule.steady_wind:
            side = 1.0 if self.rng.random() < 0.5 else -1.0
            self.steady_force = side * schedule.steady_wind

    def scheduled_poke(self, steps_taken: int) -> float:
        """The level's poke before the step after ``steps_taken`` steps (0.0 when none is due)."""
        every = self.schedule.poke_every
        if not every or not steps_taken or steps_taken % every:
            return 0.0
        side = 1.0 if self.rng.random() < 0.5 else -1.0
        return side * self.schedule.poke_size

    def toggle_wind(self) -> bool:
        self.wind_on = not self.wind_on
        if not self.wind_on:
            self.wind_force = 0.0
        return self.wind_on

    def next_wind(self) -> float:
        """The wind force for the coming step: the gust (0 when the wind is off) plus any steady
        wind."""
        if not self.wind_on:
            return self.steady_force
        cfg = self.config
        self.wind_force = self.wind_force * cfg.decay + float(self.rng.normal(0.0, cfg.noise))
        self.wind_force = max(-cfg.max_force, min(cfg.max_force, self.wind_force))
        return self.wind_force + self.steady_force

    def random_poke(self) -> float:
        low, high = RANDOM_POKE_RANGE
        magnitude = float(self.rng.uniform(low, high))
        return magnitude if self.rng.random() < 0.5 else -magnitude
