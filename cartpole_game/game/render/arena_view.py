"""Draws one cart-pole arena: sky, track with its ±2.4 m limits, cart, wheels, pole, ±12° markers."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pygame

from cartpole_game.game.render.theme import Color, Theme, blit_text
from cartpole_game.game.render.transform import CartGeometry, WorldView, pole_tip, world_to_screen
from cartpole_game.sim.physics import CARTPOLE_V1, CartPoleParams


def lerp_color(a: Color, b: Color, t: float) -> Color:
    t = max(0.0, min(1.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def vertical_gradient(size: tuple[int, int], top: Color, bottom: Color) -> pygame.Surface:
    surface = pygame.Surface(size)
    width, height = size
    for y in range(height):
        pygame.draw.line(
            surface, lerp_color(top, bottom, y / max(1, height - 1)), (0, y), (width, y)
        )
    return surface


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


def view_fitting_pole(
    view: WorldView,
    params: CartPoleParams,
    ceiling_y: float,
    geometry: CartGeometry | None = None,
    margin_px: float = 12.0,
) -> WorldView:
    """``view``, zoomed out just enough (same ground line, same centre) that the upright pole of
    ``params`` ends at least ``margin_px`` below ``ceiling_y`` (e.g. the bottom of a HUD bar).

    Returns ``view`` itself when the pole already fits.
    """
    geo = dataclasses.replace(geometry or CartGeometry(), params=params)
    height_m = geo.pivot_height + geo.pole_length + geo.pole_width / 2
    room = view.ground_y - ceiling_y - margin_px
    if room <= 0 or height_m * view.pixels_per_metre <= room:
        return view
    return dataclasses.replace(view, half_span_m=view.width * height_m / (2.0 * room))


@dataclass
class _Shared:
    """What every renderer made by :meth:`ArenaRenderer.for_params` shares with its siblings."""

    backdrops: dict[tuple[WorldView, float], pygame.Surface] = field(default_factory=dict)
    variants: dict[CartPoleParams, ArenaRenderer] = field(default_factory=dict)


class ArenaRenderer:
    """Draws arenas; caches the static backdrop per view so a frame costs one blit for it.

    ``for_params`` gives the renderer of another physics (a level's pole length and limits);
    they share the theme and, where the track is the same, the backdrops.
    """

    def __init__(
        self,
        theme: Theme,
        geometry: CartGeometry | None = None,
        params: CartPoleParams = CARTPOLE_V1,
        *,
        shared: _Shared | None = None,
    ) -> None:
        self.theme = theme
        self.geometry = geometry or CartGeometry(params=params)
        self.params = params
        self._shared = shared or _Shared()
        self._shared.variants.setdefault(params, self)

    def for_params(self, params: CartPoleParams) -> ArenaRenderer:
        """The renderer for ``params``: its pole length and its ±θ and ±x limits (cached)."""
        if params == self.params:
            return self
        found = self._shared.variants.get(params)
        if found is None:
            if len(self._shared.variants) > 32:  # params are few (the levels); never grow unbounded
                self._shared.variants.clear()
                self._shared.variants[self.params] = self
            geometry = dataclasses.replace(self.geometry, params=params)
            found = ArenaRenderer(self.theme, geometry, params, shared=self._shared)
        return found

    def backdrop(self, view: WorldView) -> pygame.Surface:
        key = (view, self.params.x_threshold)
        backdrops = self._shared.backdrops
        cached = backdrops.get(key)
        if cached is None:
            cached = self._draw_backdrop(view)
            if len(backdrops) > 8:
                backdrops.clear()
            backdrops[key] = cached
        return cached

    def _draw_backdrop(self, view: WorldView) -> pygame.Surface:
        pal = self.theme.palette
        size = (round(view.width), round(view.height))
        surf = vertical_gradient(size, pal.sky_top, pal.sky_bottom)
        local = WorldView(0, 0, view.width, view.height, view.half_span_m, view.ground_frac)
        ground_y = round(local.ground_y)
        pygame.draw.rect(surf, pal.ground, (0, ground_y, size[0], size[1] - ground_y))
        limit = self.params.x_threshold
        left, _ = world_to_screen(-limit, 0, local)
        right, _ = world_to_screen(limit, 0, local)
        # Ticks every half metre, labelled every metre.
        for i in range(-int(limit * 2), int(limit * 2) + 1):
            px, _ = world_to_screen(i * 0.5, 0, local)
            tall = 12 if i % 2 == 0 else 6
            pygame.draw.line(surf, pal.tick, (px, ground_y + 8), (px, ground_y + 8 + tall), 2)
            if i % 2 == 0:
                blit_text(
                    surf,
                    self.theme,
                    f"{i // 2:+d} m" if i else "0",
                    13,
                    pal.tick,
                    (px, ground_y + 24),
                    "midtop",
                )
        # The rail, with its shadow, between the limits.
        pygame.draw.rect(
            surf, pal.rail_shadow, (left, ground_y + 2, right - left, 6), border_radius=3
        )
        pygame.draw.rect(surf, pal.rail, (left, ground_y - 3, right - left, 6), border_radius=3)
        # Limit posts at ±2.4 m: leaving them ends the episode.
        for px in (left, right):
            pygame.draw.rect(surf, pal.limit, (px - 3, ground_y - 46, 6, 50), border_radius=3)
            pygame.draw.circle(surf, pal.limit, (px, ground_y - 46), 6)
        blit_text(surf, self.theme, f"-{limit:g} m", 14, pal.limit, (left + 10, ground_y - 44))
        blit_text(
            surf,
            self.theme,
            f"+{limit:g} m",
            14,
            pal.limit,
            (right - 10, ground_y - 44),
            "topright",
        )
        return surf.convert() if pygame.display.get_surface() else surf

    def draw(
        self,
        surface: pygame.Surface,
        view: WorldView,
        state: Sequence[float],
        force: float = 0.0,
        ghost_action: int | None = None,
        faded: bool = False,
    ) -> None:
        """Draw the arena for ``state`` = (x, x_dot, theta, theta_dot) into ``view``."""
        surface.blit(self.backdrop(view), (round(view.left), round(view.top)))
        x = float(state[0])
        theta = float(state[2])
        if not (math.isfinite(x) and math.isfinite(theta)):
            return
        pal = self.theme.palette
        geo = self.geometry
        scale = view.pixels_per_metre
        # Keep a runaway cart visible at the edge of its arena.
        x_draw = max(-view.half_span_m, min(view.half_span_m, x))
        cx, ground_y = world_to_screen(x_draw, 0, view)
        px, py = world_to_screen(x_draw, geo.pivot_height, view)

        shadow = pygame.Rect(0, 0, geo.cart_width * scale * 1.2, 10)
        shadow.center = (round(cx), round(ground_y + 5))
        pygame.draw.ellipse(surface, pal.rail_shadow, shadow)

        self._draw_angle_markers(surface, (px, py), scale)

        danger = abs(theta) / self.params.theta_threshold
        pole_color = lerp_color(pal.pole, pal.pole_danger, (danger - 0.5) * 2)
        if faded:
            pole_color = lerp_color(pole_color, pal.sky_bottom, 0.6)
        tip = world_to_screen(*pole_tip(x_draw, theta, geo), view)
        pygame.draw.aaline(
            surface, pole_color, (px, py), tip, max(3, round(geo.pole_width * scale))
        )
        pygame.draw.aacircle(surface, pole_color, tip, max(2, geo.pole_width * scale / 2))

        self._draw_cart(surface, cx, ground_y, scale, faded)
        pygame.draw.aacircle(surface, pal.pivot, (px, py), max(3, 0.035 * scale))
        pygame.draw.aacircle(surface, pal.cart_dark, (px, py), max(1, 0.015 * scale))

        if force:
            body_y = ground_y - (geo.wheel_radius + geo.cart_height / 2) * scale
            side = 1 if force > 0 else -1
            # The arrow sits on the side the push comes from, pointing the way the cart is pushed.
            tail_x = cx - side * (geo.cart_width / 2 * scale + 0.42 * scale)
            draw_arrow(surface, pal.push, (tail_x, body_y), side, 0.32 * scale, 0.05 * scale)
        if ghost_action in (0, 1):
            side = 1 if ghost_action == 1 else -1
            tail = (cx + side * 0.05 * scale, py - 0.22 * scale)
            ghost = lerp_color(pal.accent, pal.sky_bottom, 0.25)
            draw_arrow(surface, ghost, tail, side, 0.36 * scale, 0.045 * scale)

    def _draw_angle_markers(
        self, surface: pygame.Surface, pivot: tuple[float, float], scale: float
    ) -> None:
        """Faint ±12° lines from the pivot: past them the pole counts as fallen."""
        limit = self.params.theta_threshold
        reach = self.geometry.pole_length * 0.8 * scale
        color = lerp_color(self.theme.palette.angle_marker, self.theme.palette.sky_bottom, 0.45)
        for sign in (-1, 1):
            end = (pivot[0] + sign * reach * math.sin(limit), pivot[1] - reach * math.cos(limit))
            start = (
                pivot[0] + sign * 0.25 * reach * math.sin(limit),
                pivot[1] - 0.25 * reach * math.cos(limit),
            )
            pygame.draw.aaline(surface, color, start, end, 2)
            pygame.draw.aacircle(surface, color, end, 3)

    def _draw_cart(
        self, surface: pygame.Surface, cx: float, ground_y: float, scale: float, faded: bool
    ) -> None:
        pal = self.theme.palette
        geo = self.geometry
        width = geo.cart_width * scale
        height = geo.cart_height * scale
        wheel_r = geo.wheel_radius * scale
        body = pygame.Rect(0, 0, round(width), round(height))
        body.midbottom = (round(cx), round(ground_y - wheel_r * 1.2))
        radius = max(2, round(height * 0.25))
        main = lerp_color(pal.cart, pal.sky_bottom, 0.6) if faded else pal.cart
        pygame.draw.rect(surface, pal.cart_dark, body.move(0, 3), border_radius=radius)
        pygame.draw.rect(surface, main, body, border_radius=radius)
        stripe = pygame.Rect(
            body.left + radius, body.top + 4, body.width - 2 * radius, max(2, height * 0.16)
        )
        pygame.draw.rect(surface, pal.cart_light, stripe, border_radius=2)
        for wx in (body.left + width * 0.24, body.right - width * 0.24):
            center = (wx, ground_y - wheel_r)
            pygame.draw.aacircle(surface, pal.wheel, center, wheel_r)
            pygame.draw.aacircle(surface, pal.hub, center, wheel_r * 0.42)
