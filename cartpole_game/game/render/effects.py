"""Game-feel effects: the tension cue, the fall, the finish burst at the goal.

Everything costly is made once and cached (the edge vignettes, the glows); the per-frame work is
a few blits and a few dozen small shapes. The motion is a pure function of the time given, so
the same moment always draws the same picture (replays, screenshots and tests rely on that).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pygame

from cartpole_game.game.render.medal import draw_medal
from cartpole_game.game.render.theme import Color
from cartpole_game.sim.physics import CartPoleParams

# -- tension ---------------------------------------------------------------------------------
THETA_CUE_FROM = 0.6  # the cue starts at 60% of the ±12° limit ...
X_CUE_FROM = 1.7  # ... or with the cart 1.7 m from the centre (of CartPole-v1's 2.4 m)
DANGER_RED: Color = (240, 64, 64)
DANGER_GLOW: Color = (180, 28, 22)  # added to the picture at the very edge, at full danger
VIGNETTE_LEVELS = 16
VIGNETTE_ROWS = 90
GLOW_LEVELS = 12
# Sizes in pixels on the full 1280-wide screen (smaller arenas scale them).
POST_GLOW_RADIUS = 110
FLASH_RADIUS = 120
MEDAL_RADIUS = 34
MEDAL_GLOW_RADIUS = 75


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


def _new_surface(size: tuple[int, int]) -> pygame.Surface:
    """An opaque surface in the display's format when there is a display (faster blits)."""
    surface = pygame.Surface(size)
    return surface.convert() if pygame.display.get_surface() is not None else surface


def vignette_band(area_width: float) -> int:
    """How wide the red edge glow is in an arena ``area_width`` pixels wide."""
    return max(8, min(240, round(area_width * 0.19)))


class EffectCache:
    """Precomputed glows, added to the picture: the red screen edge and round glows.

    Each is made in steps of strength, one cached surface per step. :meth:`warm_up` makes them
    ahead of need, a little per frame, so that the first moment of danger or the first goal
    does not stall a frame making them.
    """

    def __init__(self) -> None:
        self._vignettes: dict[tuple[int, int, int], pygame.Surface] = {}
        self._glows: dict[tuple[int, Color, int], pygame.Surface] = {}
        self._glow_shapes: dict[int, np.ndarray] = {}
        self._medals: dict[tuple[str, int], pygame.Surface] = {}
        self._warm_jobs: dict[int, deque[Callable[[], object]]] = {}
        self._warm: set[int] = set()

    def warm_up(self, view_width: float, budget_s: float = 0.002) -> None:
        """Make, within about ``budget_s`` seconds, more of what an arena ``view_width`` wide
        will need; a no-op once all is made."""
        width = round(view_width)
        if width in self._warm:
            return
        jobs = self._warm_jobs.get(width)
        if jobs is None:
            jobs = self._warm_jobs[width] = deque(self._jobs_for(width))
        started = time.perf_counter()
        while jobs and time.perf_counter() - started < budget_s:
            jobs.popleft()()
        if not jobs:
            del self._warm_jobs[width]
            self._warm.add(width)

    def _jobs_for(self, width: int) -> list[Callable[[], object]]:
        scale = width / 1280.0
        band = vignette_band(width)
        jobs: list[Callable[[], object]] = [
            partial(self.vignette, side, band, level)
            for side in (-1, 1)
            for level in range(1, VIGNETTE_LEVELS + 1)
        ]
        for radius, color in (
            (round(POST_GLOW_RADIUS * scale), DANGER_GLOW),
            (round(FLASH_RADIUS * scale), GOLD),
            (round(MEDAL_GLOW_RADIUS * scale), GOLD),
        ):
            jobs += [
                partial(self.glow, radius, color, level) for level in range(1, GLOW_LEVELS + 1)
            ]
        return jobs

    def vignette(self, side: int, width: int, level: int) -> pygame.Surface:
        """A strip of the red edge glow: ``width`` wide, :data:`VIGNETTE_ROWS` tall, at
        ``level`` of :data:`VIGNETTE_LEVELS`, brightest at the ``side`` edge.

        It is added to the picture (``BLEND_RGB_ADD``), which costs a fraction of an alpha blend.
        """
        key = (side, width, level)
        cached = self._vignettes.get(key)
        if cached is None:
            ramp = np.linspace(1.0, 0.0, width) ** 2  # strongest at the edge
            column = ramp if side < 0 else ramp[::-1]
            strength = column * (level / VIGNETTE_LEVELS)
            rgb = np.outer(strength, np.array(DANGER_GLOW, dtype=float)).astype(np.uint8)
            cached = _new_surface((width, VIGNETTE_ROWS))
            pixels = pygame.surfarray.pixels3d(cached)
            pixels[:] = rgb[:, None, :]
            del pixels  # unlock the surface
            self._vignettes[key] = cached
        return cached

    def glow(self, radius: int, color: Color, level: int) -> pygame.Surface:
        """A soft round glow of ``radius`` pixels, ``color`` at the centre at ``level`` of
        :data:`GLOW_LEVELS`, fading to nothing at the rim; added to the picture like the edge
        glow.
        """
        key = (radius, color, level)
        cached = self._glows.get(key)
        if cached is None:
            if len(self._glows) > 8 * GLOW_LEVELS:  # a handful of glows are in use at a time
                self._glows.clear()
            shape = self._glow_shapes.get(radius)
            if shape is None:
                axis = np.arange(2 * radius + 1, dtype=np.float32) - radius
                distance = np.hypot(axis[:, None], axis[None, :]) / max(1, radius)
                shape = (np.clip(1.0 - distance, 0.0, 1.0) ** 2)[..., None]
                self._glow_shapes[radius] = shape
            tint = np.array(color, dtype=np.float32) * (level / GLOW_LEVELS)
            cached = _new_surface(shape.shape[:2])
            pixels = pygame.surfarray.pixels3d(cached)
            pixels[:] = (shape * tint).astype(np.uint8)
            del pixels
            self._glows[key] = cached
        return cached

    def blit_glow(
        self,
        surface: pygame.Surface,
        center: tuple[float, float],
        radius: int,
        color: Color,
        strength: float,
    ) -> None:
        """Add a glow of ``color`` × ``strength`` (0..1) centred on ``center``."""
        level = round(GLOW_LEVELS * min(1.0, strength))
        if level <= 0 or radius < 1:
            return
        glow = self.glow(radius, color, level)
        position = (round(center[0]) - radius, round(center[1]) - radius)
        surface.blit(glow, position, special_flags=pygame.BLEND_RGB_ADD)

    def blit_medal(
        self, surface: pygame.Surface, center: tuple[float, float], radius: int, medal: str
    ) -> None:
        """:func:`draw_medal`, drawn once per medal and size and then blitted."""
        key = (medal, radius)
        cached = self._medals.get(key)
        if cached is None:
            cached = pygame.Surface((2 * radius + 4, 3 * radius + 4), pygame.SRCALPHA)
            draw_medal(cached, (radius + 2, round(1.9 * radius) + 2), radius, medal)
            self._medals[key] = cached
        surface.blit(cached, (round(center[0]) - radius - 2, round(center[1] - 1.9 * radius) - 2))

    def draw_vignettes(
        self,
        surface: pygame.Surface,
        area: pygame.Rect,
        tension: Tension,
        clock: float | None = None,
    ) -> None:
        """A red glow on the edge of ``area`` on the side in danger, growing with it."""
        band = vignette_band(area.width)
        for side in (-1, 1):
            danger = tension.on_side(side)
            if danger <= 0.0:
                continue
            level = round(VIGNETTE_LEVELS * min(1.0, danger**1.15 * pulse(clock, danger)))
            if level <= 0:
                continue
            strip = self.vignette(side, band, level)
            x = area.left if side < 0 else area.right - band
            for y in range(area.top, area.bottom, VIGNETTE_ROWS):
                rows = min(VIGNETTE_ROWS, area.bottom - y)
                surface.blit(strip, (x, y), (0, 0, band, rows), special_flags=pygame.BLEND_RGB_ADD)


# -- the fall --------------------------------------------------------------------------------
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
    shade = _lerp(color, background, p)
    grow = 0.4 + 0.9 * p
    for dx, dy, r in _DUST:
        center = (point[0] + dx * scale * (0.5 + p), point[1] - dy * scale * (0.3 + p))
        pygame.draw.circle(surface, shade, center, max(1.0, r * scale * grow))


# -- the finish ------------------------------------------------------------------------------
FINISH_SECONDS = 2.4
CONFETTI_COLORS: tuple[Color, ...] = (
    (255, 205, 70),
    (255, 236, 150),
    (110, 215, 140),
    (90, 170, 245),
    (240, 100, 120),
    (190, 140, 245),
)
GOLD: Color = (255, 208, 80)


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


def _lerp(a: Color, b: Color, t: float) -> Color:
    t = max(0.0, min(1.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


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
    cx, cy = center
    # The flash: a gold glow and a ring sweeping out.
    if t_seconds < 0.55 and cache is not None:
        p = t_seconds / 0.55
        cache.blit_glow(surface, center, round(FLASH_RADIUS * scale), GOLD, 0.85 * (1 - p) ** 1.5)
    if t_seconds < 0.4:
        p = t_seconds / 0.4
        ring = (20 + 190 * (1 - (1 - p) ** 2)) * scale
        width = max(1, round(7 * (1 - p) * scale))
        pygame.draw.circle(
            surface, _lerp(GOLD, (255, 255, 255), 0.3 * (1 - p)), center, ring, width
        )
    # Confetti.
    fade = max(0.0, min(1.0, (FINISH_SECONDS - t_seconds) / 0.6))
    if fade > 0:
        _draw_confetti(surface, center, t_seconds, scale * fade, scale, floor_y)
    # The medal pops in with a little overshoot.
    if medal is not None and t_seconds >= 0.2:
        if medal_at is None:
            toward = 1 if cx <= surface.get_clip().centerx else -1
            medal_at = (cx + toward * 190 * scale, cy - 40 * scale)
        grow = _ease_out_back((t_seconds - 0.2) / 0.45)
        radius = MEDAL_RADIUS * scale * grow
        if radius >= 2:
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
