"""How close an episode is to ending: the tension of a state (0 safe, 1 at a limit, and on which
side), the throb of the cue that shows it, and the cue's reds. A model only: nothing is drawn
here (the arena's cue is in :mod:`tension_cue`, the red screen edges in :mod:`effect_cache`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cartpole_game.game.render.theme import Color
from cartpole_game.sim.physics import CartPoleParams

THETA_CUE_FROM = 0.6  # the cue starts at 60% of the ±12° limit ...
X_CUE_FROM = 1.7  # ... or with the cart 1.7 m from the centre (of CartPole-v1's 2.4 m)
DANGER_RED: Color = (240, 64, 64)
DANGER_GLOW: Color = (180, 28, 22)  # added to the picture at the very edge, at full danger


@dataclass(frozen=True)
class Tension:
    """How close the episode is to ending, 0 (safe) to 1 (at the limit), and on which side.

    ``pole``/``pole_side``: the pole's lean towards ±12°; ``edge``/``edge_side``: the cart's
    distance towards the ±2.4 m post. A side is -1 (left) or +1 (right).
    """

    pole: float = 0.0
    pole_side: int = 1
    edge: float = 0.0
    edge_side: int = 1

    def on_side(self, side: int) -> float:
        """The danger shown on the screen edge at ``side``."""
        return max(
            self.pole if self.pole_side == side else 0.0,
            self.edge if self.edge_side == side else 0.0,
        )

    @property
    def any(self) -> bool:
        return self.pole > 0.0 or self.edge > 0.0

    def scaled(self, factor: float) -> Tension:
        return Tension(self.pole * factor, self.pole_side, self.edge * factor, self.edge_side)


NO_TENSION = Tension()


def tension_of(state: Sequence[float], params: CartPoleParams) -> Tension:
    """The tension of ``state`` = (x, x_dot, theta, theta_dot) under ``params``' limits."""
    x, theta = float(state[0]), float(state[2])
    if not (math.isfinite(x) and math.isfinite(theta)):
        return NO_TENSION
    theta_limit = params.theta_threshold
    pole = (abs(theta) / theta_limit - THETA_CUE_FROM) / (1.0 - THETA_CUE_FROM)
    # The edge cue starts at the same share of the track as 1.7 m is of CartPole-v1's 2.4 m.
    x_from = params.x_threshold * X_CUE_FROM / 2.4
    edge = (abs(x) - x_from) / (params.x_threshold - x_from)
    return Tension(
        max(0.0, min(1.0, pole)),
        1 if theta >= 0 else -1,
        max(0.0, min(1.0, edge)),
        1 if x >= 0 else -1,
    )


def pulse(clock: float | None, level: float) -> float:
    """0.75..1 throbbing faster as ``level`` rises; 1 without a clock (a still picture)."""
    if clock is None:
        return 1.0
    hertz = 1.6 + 2.4 * level
    return 0.875 + 0.125 * math.sin(2 * math.pi * hertz * clock)
