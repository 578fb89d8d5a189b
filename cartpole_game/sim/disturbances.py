"""Pokes and wind: disturbances that test a controller. Seeded, so they can be replayed.

A poke is an impulse to the pole, a sudden change of its angular velocity. Wind is a random
force on the cart that drifts smoothly (an Ornstein-Uhlenbeck process), like gusts. Both are
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


class Disturbances:
    """Wind on/off and random pokes from one seeded generator, one draw per step."""

    def __init__(self, seed: int, wind: WindConfig | None = None) -> None:
        self.rng = np.random.default_rng(seed)
        self.config = wind or WindConfig()
        self.wind_on = False
        self.wind_force = 0.0

    def toggle_wind(self) -> bool:
        self.wind_on = not self.wind_on
        if not self.wind_on:
            self.wind_force = 0.0
        return self.wind_on

    def next_wind(self) -> float:
        """The wind force for the coming step (0 when the wind is off)."""
        if not self.wind_on:
            return 0.0
        cfg = self.config
        self.wind_force = self.wind_force * cfg.decay + float(self.rng.normal(0.0, cfg.noise))
        self.wind_force = max(-cfg.max_force, min(cfg.max_force, self.wind_force))
        return self.wind_force

    def random_poke(self) -> float:
        low, high = RANDOM_POKE_RANGE
        magnitude = float(self.rng.uniform(low, high))
        return magnitude if self.rng.random() < 0.5 else -magnitude
