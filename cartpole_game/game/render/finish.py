"""The finish burst when the goal is reached: a gold flash and ring, confetti thrown from the
pole's pivot, and the medal popping in beside it.

The confetti follow fixed, seeded trajectories, so the picture is a pure function of the time
since the goal (replays, screenshots and tests rely on that).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pygame

from cartpole_game.game.render.effect_cache import (
    FLASH_RADIUS,
    GOLD,
    MEDAL_GLOW_RADIUS,
    EffectCache,
)
from cartpole_game.game.render.medal import draw_medal
from cartpole_game.game.render.primitives import lerp_color
from cartpole_game.game.render.theme import Color

FINISH_SECONDS = 2.4
MEDAL_RADIUS = 34  # pixels on the full 1280-wide screen (smaller arenas scale it)
CONFETTI_COLORS: tuple[Color, ...] = (
    (255, 205, 70),
    (255, 236, 150),
    (110, 215, 140),
    (90, 170, 245),
    (240, 100, 120),
    (190, 140, 245),
)


@dataclass(frozen=True)
class Confetti:
    """Fixed, seeded trajectories: positions are a pure function of time (no state to step)."""

    vx: np.ndarray  # initial velocity, pixels per second at scale 1
    vy: np.ndarray
    size: np.ndarray  # pixels
    spin: np.ndarray  # radians per second (the paper flips)
    phase: np.ndarray
    color: np.ndarray  # index into CONFETTI_COLORS
    delay: np.ndarray  # seconds before each piece leaves

    @classmethod
    def burst(cls, count: int = 80, seed: int = 7) -> Confetti:
        rng = np.random.default_rng(seed)
        angle = rng.uniform(-math.pi * 0.42, math.pi * 0.42, count) - math.pi / 2
        speed = rng.uniform(280, 760, count)
        return cls(
            vx=np.cos(angle) * speed,
            vy=np.sin(angle) * speed,
            size=rng.uniform(5, 10, count),
            spin=rng.uniform(6, 16, count) * rng.choice((-1, 1), count),
            phase=rng.uniform(0, 2 * math.pi, count),
            color=rng.integers(0, len(CONFETTI_COLORS), count),
            delay=rng.uniform(0, 0.12, count),
        )

    def positions(
        self, t: float, scale: float, floor: float | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Offsets (x, y) from the burst's origin at ``t``, and which pieces have left.

        Pieces come to rest on ``floor`` (an offset below the origin), if given.
        """
        tt = np.maximum(0.0, t - self.delay)
        drag = 2.2
        travel = (1.0 - np.exp(-drag * tt)) / drag  # the air slows the pieces
        gravity = 520.0
        x = self.vx * travel * scale
        # Drag on the way up, then a slow fall at a terminal-ish speed as paper does.
        y = (self.vy * travel + gravity * 0.5 * tt**2 / (1 + 0.9 * tt)) * scale
        if floor is not None:
            y = np.minimum(y, floor)
        return x, y, t >= self.delay


CONFETTI = Confetti.burst()


def _ease_out_back(p: float) -> float:
    p = max(0.0, min(1.0, p))
    c = 1.9
    return 1 + (c + 1) * (p - 1) ** 3 + c * (p - 1) ** 2


def draw_finish(
    surface: pygame.Surface,
    center: tuple[float, float],
    t_seconds: float,
    medal: str | None = None,
    scale: float = 1.0,
    cache: EffectCache | None = None,
    medal_at: tuple[float, float] | None = None,
    floor_y: float | None = None,
) -> None:
    """The goal reached, ``t_seconds`` ago: a gold flash, confetti from ``center``, a medal.

    ``medal`` (bronze, silver, gold or None) pops in at ``medal_at`` (default: beside
    ``center``, on the side towards the middle of the surface). ``scale`` sizes everything
    (1 = full screen); ``cache`` adds the soft glows; confetti lands on ``floor_y`` if given.
    """
    if t_seconds < 0 or t_seconds > FINISH_SECONDS + 1.0:
        return
    _draw_flash(surface, center, t_seconds, scale, cache)
    fade = max(0.0, min(1.0, (FINISH_SECONDS - t_seconds) / 0.6))
    if fade > 0:
        _draw_confetti(surface, center, t_seconds, scale * fade, scale, floor_y)
    if medal is not None and t_seconds >= 0.2:
        if medal_at is None:
            cx, cy = center
            toward = 1 if cx <= surface.get_clip().centerx else -1
            medal_at = (cx + toward * 190 * scale, cy - 40 * scale)
        _draw_medal_pop(surface, medal_at, t_seconds, medal, scale, cache)


def _draw_flash(
    surface: pygame.Surface,
    center: tuple[float, float],
    t_seconds: float,
    scale: float,
    cache: EffectCache | None,
) -> None:
    """The first half second: a gold glow (with a cache) and a ring sweeping out."""
    if t_seconds < 0.55 and cache is not None:
        p = t_seconds / 0.55
        cache.blit_glow(surface, center, round(FLASH_RADIUS * scale), GOLD, 0.85 * (1 - p) ** 1.5)
    if t_seconds < 0.4:
        p = t_seconds / 0.4
        ring = (20 + 190 * (1 - (1 - p) ** 2)) * scale
        width = max(1, round(7 * (1 - p) * scale))
        pygame.draw.circle(
            surface, lerp_color(GOLD, (255, 255, 255), 0.3 * (1 - p)), center, ring, width
        )


def _draw_medal_pop(
    surface: pygame.Surface,
    medal_at: tuple[float, float],
    t_seconds: float,
    medal: str,
    scale: float,
    cache: EffectCache | None,
) -> None:
    """The medal growing in with a little overshoot, then shining (a glow, with a cache)."""
    grow = _ease_out_back((t_seconds - 0.2) / 0.45)
    radius = MEDAL_RADIUS * scale * grow
    if not radius >= 2:  # too small to see yet (or a NaN size): nothing
        return
    if cache is not None:
        shine = 0.5 + 0.2 * math.sin(t_seconds * 5.0)
        cache.blit_glow(
            surface,
            medal_at,
            round(MEDAL_GLOW_RADIUS * scale),
            GOLD,
            0.6 * shine * min(1, grow),
        )
    if cache is not None and t_seconds >= 0.65:  # settled: one cached picture
        cache.blit_medal(surface, medal_at, round(MEDAL_RADIUS * scale), medal)
    else:
        draw_medal(surface, medal_at, radius, medal)


def _draw_confetti(
    surface: pygame.Surface,
    center: tuple[float, float],
    t: float,
    size_scale: float,
    scale: float,
    floor_y: float | None,
) -> None:
    """The pieces as small flipping rectangles; the corners are computed for all at once."""
    cx, cy = center
    floor = None if floor_y is None else floor_y - cy
    xs, ys, live = CONFETTI.positions(t, scale, floor)
    size = CONFETTI.size * size_scale
    half_w = np.maximum(0.8, size * 0.5 * np.abs(np.cos(CONFETTI.spin * t + CONFETTI.phase)))
    half_h = size * 0.32
    angle = CONFETTI.phase + 0.6 * CONFETTI.spin * t
    ca, sa = np.cos(angle), np.sin(angle)
    # Corners (-w,-h), (w,-h), (w,h), (-w,h) rotated by angle, for every piece: (n, 4, 2).
    sx = np.array([-1.0, 1.0, 1.0, -1.0])
    sy = np.array([-1.0, -1.0, 1.0, 1.0])
    dx = half_w[:, None] * sx
    dy = half_h[:, None] * sy
    px = (cx + xs)[:, None] + ca[:, None] * dx - sa[:, None] * dy
    py = (cy + ys)[:, None] + sa[:, None] * dx + ca[:, None] * dy
    # A smaller arena (versus) throws fewer pieces: the same density, half the cost.
    count = max(16, round(len(xs) * min(1.0, scale)))
    corners = np.stack((px[:count], py[:count]), axis=-1).tolist()
    show = (live & (size >= 1.0))[:count].tolist()
    colors = [CONFETTI_COLORS[i] for i in CONFETTI.color[:count].tolist()]
    polygon = pygame.draw.polygon
    for visible, points, color in zip(show, corners, colors, strict=True):
        if visible:
            polygon(surface, color, points)
