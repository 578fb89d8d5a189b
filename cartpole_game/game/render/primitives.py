"""Small drawing helpers the arena, the HUD and the scenes share: a colour blend, the push arrow,
and the screen rectangle of a world view."""

from __future__ import annotations

import pygame

from cartpole_game.game.render.theme import Color
from cartpole_game.game.render.transform import WorldView


def lerp_color(a: Color, b: Color, t: float) -> Color:
    t = max(0.0, min(1.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def draw_arrow(
    surface: pygame.Surface,
    color: Color,
    tail: tuple[float, float],
    direction: int,
    length: float,
    thickness: float,
) -> None:
    """A horizontal arrow from ``tail``, pointing right for ``direction`` > 0, left otherwise."""
    sign = 1 if direction > 0 else -1
    tx, ty = tail
    head = length * 0.45
    shaft_end = tx + sign * (length - head)
    half = thickness / 2
    points = [
        (tx, ty - half),
        (shaft_end, ty - half),
        (shaft_end, ty - thickness * 1.3),
        (tx + sign * length, ty),
        (shaft_end, ty + thickness * 1.3),
        (shaft_end, ty + half),
        (tx, ty + half),
    ]
    pygame.draw.polygon(surface, color, points)
    pygame.draw.aalines(surface, color, True, points)


def view_rect(view: WorldView) -> pygame.Rect:
    """The screen pixels ``view`` covers, rounded: what an arena clips its drawing to."""
    return pygame.Rect(round(view.left), round(view.top), round(view.width), round(view.height))
