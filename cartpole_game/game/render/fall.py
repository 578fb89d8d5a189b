"""The pole toppling after a lost episode: its angle as a pure function of the time since the
fall (the same moment always draws the same picture), the rattle of a cart that hit its end
post, and the puff of dust where the pole lands."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pygame

from cartpole_game.game.render.primitives import lerp_color
from cartpole_game.game.render.theme import Color
from cartpole_game.sim.physics import CartPoleParams

FALL_SECONDS = 0.6
FALL_HIT = 0.72  # share of the fall at which the pole hits the ground (then a small bounce)
FALL_BOUNCE = 0.13  # radians the pole bounces back up after hitting the ground
FALL_SHAKE_M = 0.035  # metres a cart that hit the end post rattles


def rest_angle(pivot_height: float, pole_length: float) -> float:
    """The angle (radians from upright) at which a fallen pole's tip lies on the ground."""
    return math.pi / 2 + math.asin(min(1.0, pivot_height / max(pole_length, 1e-6)))


def fall_direction(state: Sequence[float], params: CartPoleParams) -> int:
    """The way the pole topples: its lean if it fell, outward if the cart hit the end post."""
    x, theta = float(state[0]), float(state[2])
    if abs(theta) >= params.theta_threshold or abs(x) < params.x_threshold:
        return 1 if theta >= 0 else -1
    return 1 if x >= 0 else -1


def fall_angle(theta0: float, seconds: float, direction: int, rest: float) -> float:
    """The pole's angle ``seconds`` after the fall began at ``theta0``.

    It accelerates like a falling body from ``theta0`` down to ``rest`` (lying on the ground),
    bounces up a little and settles, all within :data:`FALL_SECONDS`.
    """
    target = direction * rest
    p = max(0.0, min(1.0, seconds / FALL_SECONDS))
    if p < FALL_HIT:
        eased = (p / FALL_HIT) ** 2
        return theta0 + (target - theta0) * eased
    q = (p - FALL_HIT) / (1.0 - FALL_HIT)
    return target - direction * FALL_BOUNCE * math.sin(math.pi * q) * (1.0 - 0.3 * q)


def fall_impact_seconds() -> float:
    return FALL_SECONDS * FALL_HIT


def cart_shake(seconds: float) -> float:
    """Metres a cart that hit its end post is displaced ``seconds`` after the hit (dies out)."""
    return FALL_SHAKE_M * math.sin(seconds * 38.0) * math.exp(-seconds * 7.0)


_DUST = ((-0.09, 0.01, 0.035), (0.08, 0.02, 0.03), (-0.03, 0.05, 0.04), (0.04, 0.06, 0.03))


def draw_dust(
    surface: pygame.Surface,
    point: tuple[float, float],
    seconds_since: float,
    color: Color,
    background: Color,
    scale: float,
) -> None:
    """A small puff where the pole hits the ground: a few grey blobs growing and fading."""
    if not 0.0 <= seconds_since < 0.45:
        return
    p = seconds_since / 0.45
    shade = lerp_color(color, background, p)
    grow = 0.4 + 0.9 * p
    for dx, dy, r in _DUST:
        center = (point[0] + dx * scale * (0.5 + p), point[1] - dy * scale * (0.3 + p))
        pygame.draw.circle(surface, shade, center, max(1.0, r * scale * grow))
