"""Medal shapes (bronze, silver, gold, or the outline of one not yet earned) for the HUD."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pygame

from cartpole_game.game.render.theme import Color


@dataclass(frozen=True)
class MedalColors:
    main: Color
    light: Color
    dark: Color
    ribbon: Color
    ribbon_dark: Color


MEDAL_COLORS = {
    "gold": MedalColors(
        (246, 196, 62), (255, 232, 140), (178, 128, 24), (214, 60, 72), (150, 36, 50)
    ),
    "silver": MedalColors(
        (196, 204, 218), (238, 242, 250), (126, 136, 156), (70, 120, 210), (44, 80, 150)
    ),
    "bronze": MedalColors(
        (204, 128, 66), (238, 172, 116), (132, 76, 34), (70, 160, 110), (40, 110, 72)
    ),
}
MEDAL_EMPTY: Color = (96, 108, 140)


def _star(center: tuple[float, float], outer: float, inner: float) -> list[tuple[float, float]]:
    cx, cy = center
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return points


def draw_medal(
    surface: pygame.Surface,
    center: tuple[float, float],
    radius: float,
    medal: str | None,
) -> None:
    """A medal: a ``bronze``/``silver``/``gold`` disc hanging from a ribbon, or (None, "not yet")
    an empty outline of one. ``center`` is the disc's centre; the ribbon rises above it.
    """
    cx, cy = center
    r = float(radius)
    if r < 1:
        return
    left = [
        (cx - 0.95 * r, cy - 1.7 * r),
        (cx - 0.3 * r, cy - 1.7 * r),
        (cx + 0.3 * r, cy - 0.55 * r),
        (cx - 0.35 * r, cy - 0.55 * r),
    ]
    right = [(2 * cx - x, y) for x, y in left]
    colors = MEDAL_COLORS.get(medal or "")
    if colors is None:  # not yet: the outline of a medal to earn
        width = max(1, round(r * 0.12))
        top = cy - 1.7 * r
        pygame.draw.lines(
            surface,
            MEDAL_EMPTY,
            False,
            [(cx - 0.7 * r, top), (cx, cy - r), (cx + 0.7 * r, top)],
            width,
        )
        pygame.draw.circle(surface, MEDAL_EMPTY, (cx, cy), r, width)
        return
    pygame.draw.polygon(surface, colors.ribbon_dark, right)
    pygame.draw.polygon(surface, colors.ribbon, left)
    pygame.draw.aacircle(surface, colors.dark, (cx, cy), r)
    pygame.draw.aacircle(surface, colors.main, (cx, cy - r * 0.04), r * 0.86)
    if r >= 7:
        pygame.draw.aacircle(
            surface, colors.light, (cx, cy - r * 0.04), r * 0.64, max(1, round(r * 0.07))
        )
    if r >= 11:
        pygame.draw.polygon(surface, colors.light, _star((cx, cy - r * 0.04), r * 0.42, r * 0.18))
        pygame.draw.polygon(surface, colors.dark, _star((cx, cy - r * 0.04), r * 0.42, r * 0.18), 1)
