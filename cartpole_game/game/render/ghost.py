"""The ghost: a faint, hollow, pale-blue outline of a cart and pole (e.g. a replay of your best
run), drawn on a small transparent layer and blended in behind the real cart."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pygame

from cartpole_game.game.render.theme import Color
from cartpole_game.game.render.transform import CartGeometry, WorldView, pole_tip, world_to_screen

GHOST: Color = (196, 220, 255)  # a pale, cold blue-white: nothing else on screen is this colour
_LINE = (*GHOST, 150)  # its outlines; the fills inside them are fainter still
StateLike = Sequence[float] | np.ndarray  # (x, x_dot, theta, theta_dot)


def draw_ghost(
    surface: pygame.Surface, view: WorldView, state: StateLike, geometry: CartGeometry
) -> None:
    """The ghost of ``state`` in ``view``, clamped to the view's span; clipped by the caller."""
    x, theta = float(state[0]), float(state[2])
    if not (math.isfinite(x) and math.isfinite(theta)):
        return
    geo = geometry
    scale = view.pixels_per_metre
    x = max(-view.half_span_m, min(view.half_span_m, x))
    cx, ground_y = world_to_screen(x, 0, view)
    pivot = world_to_screen(x, geo.pivot_height, view)
    tip = world_to_screen(*pole_tip(x, theta, geo), view)
    width = geo.cart_width * scale
    height = geo.cart_height * scale
    wheel_r = geo.wheel_radius * scale
    pole_w = max(3, round(geo.pole_width * scale))
    # Draw on a small transparent layer just covering the ghost, then blend it in.
    body = pygame.Rect(0, 0, round(width), round(height))
    body.midbottom = (round(cx), round(ground_y - wheel_r * 1.2))
    area = body.union((round(cx - width / 2), round(ground_y - 1), round(width), 2))
    area.union_ip(
        pygame.Rect(
            min(pivot[0], tip[0]),
            min(pivot[1], tip[1]),
            abs(tip[0] - pivot[0]) + 1,
            abs(tip[1] - pivot[1]) + 1,
        )
    )
    area = area.inflate(2 * pole_w + 8, 2 * pole_w + 8).clip(surface.get_clip())
    if not area.width or not area.height:
        return
    layer = pygame.Surface(area.size, pygame.SRCALPHA)
    ox, oy = area.topleft
    body.move_ip(-ox, -oy)
    pivot = (pivot[0] - ox, pivot[1] - oy)
    _draw_rod(layer, pivot, (tip[0] - ox, tip[1] - oy), pole_w)
    _draw_body(layer, body, (width, height), wheel_r, ground_y - wheel_r - oy)
    pygame.draw.circle(layer, _LINE, pivot, max(3, 0.03 * scale), 2)
    surface.blit(layer, area)


def _draw_rod(
    layer: pygame.Surface, pivot: tuple[float, float], tip: tuple[float, float], pole_w: int
) -> None:
    """The pole as a hollow rod: a faint fill inside a brighter outline."""
    half = pole_w / 2
    along = math.hypot(tip[0] - pivot[0], tip[1] - pivot[1]) or 1.0
    nx, ny = -(tip[1] - pivot[1]) / along * half, (tip[0] - pivot[0]) / along * half
    rod = [
        (pivot[0] + nx, pivot[1] + ny),
        (tip[0] + nx, tip[1] + ny),
        (tip[0] - nx, tip[1] - ny),
        (pivot[0] - nx, pivot[1] - ny),
    ]
    pygame.draw.polygon(layer, (*GHOST, 60), rod)
    pygame.draw.polygon(layer, _LINE, rod, 2)


def _draw_body(
    layer: pygame.Surface,
    body: pygame.Rect,
    size: tuple[float, float],
    wheel_r: float,
    wheel_y: float,
) -> None:
    """The cart's body and wheels, hollow like the rod, with fainter fills.

    ``size``: the body's unrounded width and height in pixels (``body`` is rounded).
    """
    width, height = size
    radius = max(2, round(height * 0.25))
    pygame.draw.rect(layer, (*GHOST, 46), body, border_radius=radius)
    pygame.draw.rect(layer, _LINE, body, width=2, border_radius=radius)
    for wx in (body.left + width * 0.24, body.right - width * 0.24):
        pygame.draw.circle(layer, (*GHOST, 30), (wx, wheel_y), wheel_r)
        pygame.draw.circle(layer, _LINE, (wx, wheel_y), wheel_r, 2)
