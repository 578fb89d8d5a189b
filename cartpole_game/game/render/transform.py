"""World (metres, y up) to screen (pixels, y down): a pure function, no pygame."""

from __future__ import annotations

import math
from dataclasses import dataclass

from cartpole_game.sim.physics import CARTPOLE_V1, CartPoleParams


@dataclass(frozen=True)
class WorldView:
    """Maps a strip of the world onto a screen rectangle.

    The track's centre (x = 0) sits at the rectangle's horizontal centre; the rail (y = 0) sits
    ``ground_frac`` of the way down. ``half_span_m`` metres each side of centre fill the width.
    """

    left: float
    top: float
    width: float
    height: float
    half_span_m: float = 3.0
    ground_frac: float = 0.78

    @property
    def pixels_per_metre(self) -> float:
        return self.width / (2.0 * self.half_span_m)

    @property
    def ground_y(self) -> float:
        return self.top + self.height * self.ground_frac

    @property
    def center_x(self) -> float:
        return self.left + self.width / 2.0


def world_to_screen(x_m: float, y_m: float, view: WorldView) -> tuple[float, float]:
    """Screen pixel of the world point (``x_m``, ``y_m``)."""
    scale = view.pixels_per_metre
    return view.center_x + x_m * scale, view.ground_y - y_m * scale


def screen_to_world(px: float, py: float, view: WorldView) -> tuple[float, float]:
    """Inverse of :func:`world_to_screen`."""
    scale = view.pixels_per_metre
    return (px - view.center_x) / scale, (view.ground_y - py) / scale


@dataclass(frozen=True)
class CartGeometry:
    """Sizes in metres. The pole's full length is twice CartPole's half-length (1 m)."""

    cart_width: float = 0.5
    cart_height: float = 0.26
    wheel_radius: float = 0.07
    pole_width: float = 0.055
    params: CartPoleParams = CARTPOLE_V1

    @property
    def pivot_height(self) -> float:
        return self.wheel_radius + self.cart_height * 0.85

    @property
    def pole_length(self) -> float:
        return 2.0 * self.params.length


def pole_tip(x_m: float, theta: float, geometry: CartGeometry) -> tuple[float, float]:
    """World position of the pole's tip; theta > 0 leans right, as in gymnasium."""
    length = geometry.pole_length
    return x_m + length * math.sin(theta), geometry.pivot_height + length * math.cos(theta)


def distance_to_segment(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    length_sq = dx * dx + dy * dy or 1e-9
    t = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / length_sq))
    return math.hypot(p[0] - (ax + t * dx), p[1] - (ay + t * dy))
