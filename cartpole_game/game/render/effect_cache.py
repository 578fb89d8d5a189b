"""The costly parts of the game-feel effects, made once and cached: the red screen edges, the
soft round glows (behind an end post, the finish flash, the medal) and the settled medal.

Everything is made in steps of strength, one cached surface per step, and added to the picture
(``BLEND_RGB_ADD``): a blit per frame instead of per-pixel work. The sizes and colours of the
glows it makes ahead of need live here, so the cache depends on none of the effects using it.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from functools import partial

import numpy as np
import pygame

from cartpole_game.game.render.medal import draw_medal
from cartpole_game.game.render.tension import DANGER_GLOW, Tension, pulse
from cartpole_game.game.render.theme import Color

VIGNETTE_LEVELS = 16
VIGNETTE_ROWS = 90
GLOW_LEVELS = 12
# Sizes in pixels on the full 1280-wide screen (smaller arenas scale them).
POST_GLOW_RADIUS = 110
FLASH_RADIUS = 120
MEDAL_GLOW_RADIUS = 75
GOLD: Color = (255, 208, 80)  # the finish's flash and the medal's shine


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
