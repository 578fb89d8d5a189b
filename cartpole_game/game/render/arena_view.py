"""Draws one cart-pole arena: sky, track with its ±2.4 m limits, cart, wheels, pole, ±12° markers.

Also what makes it feel like a game: the tension cue near the limits, the pole toppling when the
episode is lost, the finish burst at the goal, and a faint ghost of a best run.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pygame

from cartpole_game.game.render.effects import (
    DANGER_GLOW,
    DANGER_RED,
    NO_TENSION,
    POST_GLOW_RADIUS,
    EffectCache,
    Tension,
    cart_shake,
    draw_dust,
    draw_finish,
    fall_angle,
    fall_direction,
    fall_impact_seconds,
    pulse,
    rest_angle,
    tension_of,
)
from cartpole_game.game.render.theme import Color, Theme, blit_text
from cartpole_game.game.render.transform import CartGeometry, WorldView, pole_tip, world_to_screen
from cartpole_game.sim.physics import CARTPOLE_V1, CartPoleParams

GHOST: Color = (196, 220, 255)  # a pale, cold blue-white: nothing else on screen is this colour
TENSION_FADE_S = 0.9  # after a fall the red cue fades out over this long
StateLike = Sequence[float] | np.ndarray  # (x, x_dot, theta, theta_dot)


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
    effects: EffectCache = field(default_factory=EffectCache)


class ArenaRenderer:
    """Draws arenas; caches the static backdrop per view so a frame costs one blit for it.

    ``for_params`` gives the renderer of another physics (a level's pole length and limits);
    they share the theme, the effect surfaces and, where the track is the same, the backdrops.
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

    @property
    def effects(self) -> EffectCache:
        return self._shared.effects

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
        *,
        ghost_state: StateLike | None = None,
        fallen_for: float | None = None,
        finished_for: float | None = None,
        medal: str | None = None,
        clock: float | None = None,
        tension: bool = True,
    ) -> None:
        """Draw the arena for ``state`` = (x, x_dot, theta, theta_dot) into ``view``.

        ``ghost_state``: a faint ghost cart and pole there, behind the real one (see
        :meth:`draw_ghost`). ``fallen_for``: seconds since the episode was lost (the pole topples
        to the ground); None while it is not. ``finished_for``: seconds since the goal was
        reached (a gold flash, confetti and ``medal`` from the cart). ``clock``: any running time
        in seconds, for the throb of the tension cue (None: a still cue). ``tension=False`` turns
        the red cue near the limits off.
        """
        clip = surface.get_clip()
        surface.set_clip(clip.clip(_view_rect(view)))
        try:
            self._draw(
                surface,
                view,
                state,
                force,
                ghost_action,
                faded,
                ghost_state,
                fallen_for,
                finished_for,
                medal,
                clock,
                tension,
            )
        finally:
            surface.set_clip(clip)

    def draw_backdrop(self, surface: pygame.Surface, view: WorldView) -> None:
        """The static part: sky, ground, rail, ticks and the limit posts (one cached blit)."""
        surface.blit(self.backdrop(view), (round(view.left), round(view.top)))

    def _draw(
        self,
        surface: pygame.Surface,
        view: WorldView,
        state: Sequence[float],
        force: float,
        ghost_action: int | None,
        faded: bool,
        ghost_state: StateLike | None,
        fallen_for: float | None,
        finished_for: float | None,
        medal: str | None,
        clock: float | None,
        tension: bool,
    ) -> None:
        self.draw_backdrop(surface, view)
        x = float(state[0])
        theta = float(state[2])
        if not (math.isfinite(x) and math.isfinite(theta)):
            return
        pal = self.theme.palette
        geo = self.geometry
        scale = view.pixels_per_metre
        ui = view.width / 1280.0  # the size of pixel-sized decorations, relative to full screen
        self.effects.warm_up(view.width)  # the cue's and the finish's glows, ahead of need

        # Keep a runaway cart visible at the edge of its arena.
        x_draw = max(-view.half_span_m, min(view.half_span_m, x))
        theta_draw = theta
        if fallen_for is not None and fallen_for >= 0:
            direction = fall_direction(state, self.params)
            rest = rest_angle(geo.pivot_height, geo.pole_length)
            theta_draw = fall_angle(theta, fallen_for, direction, rest)
            if abs(x) >= self.params.x_threshold:  # it hit the end post: a short rattle
                x_draw -= (1 if x > 0 else -1) * abs(cart_shake(fallen_for))
        cx, ground_y = world_to_screen(x_draw, 0, view)
        px, py = world_to_screen(x_draw, geo.pivot_height, view)

        cue = self._tension(state, fallen_for, finished_for, faded) if tension else NO_TENSION
        if cue.any:
            if cue.pole > 0 and fallen_for is None:
                self._draw_danger_zone(surface, (px, py), scale, cue, clock)
            self.effects.draw_vignettes(surface, _view_rect(view), cue, clock)
            if cue.edge > 0:
                self._draw_post_glow(surface, view, cue, clock, ui)
                self._draw_post_alarm(surface, view, cue, clock)
        if ghost_state is not None:
            self._draw_ghost(surface, view, ghost_state)

        shadow = pygame.Rect(0, 0, geo.cart_width * scale * 1.2, 10)
        shadow.center = (round(cx), round(ground_y + 5))
        pygame.draw.ellipse(surface, pal.rail_shadow, shadow)

        # Once the pole has fallen the limit lines go quiet; only the red glow fades out.
        marker_cue = cue if fallen_for is None else NO_TENSION
        self._draw_angle_markers(surface, (px, py), scale, marker_cue, clock)

        danger = abs(theta_draw) / self.params.theta_threshold
        pole_color = lerp_color(pal.pole, pal.pole_danger, (danger - 0.5) * 2)
        if faded:
            pole_color = lerp_color(pole_color, pal.sky_bottom, 0.6)
        tip = world_to_screen(*pole_tip(x_draw, theta_draw, geo), view)
        pygame.draw.aaline(
            surface, pole_color, (px, py), tip, max(3, round(geo.pole_width * scale))
        )
        pygame.draw.aacircle(surface, pole_color, tip, max(2, geo.pole_width * scale / 2))
        if fallen_for is not None:
            since_impact = fallen_for - fall_impact_seconds()
            ground_tip = (tip[0], min(tip[1], ground_y))
            draw_dust(surface, ground_tip, since_impact, pal.hub, pal.sky_bottom, scale)

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
        if finished_for is not None:
            draw_finish(
                surface, (px, py), finished_for, medal, ui, self.effects, floor_y=ground_y + 2
            )

    def _tension(
        self,
        state: Sequence[float],
        fallen_for: float | None,
        finished_for: float | None,
        faded: bool,
    ) -> Tension:
        """The cue to show: the state's, fading out after a fall, none after the goal."""
        if finished_for is not None:
            return NO_TENSION
        if fallen_for is not None:
            left = 1.0 - max(0.0, fallen_for) / TENSION_FADE_S
            return tension_of(state, self.params).scaled(left) if left > 0 else NO_TENSION
        if faded:  # an arena that is over and waits (versus): quiet
            return NO_TENSION
        return tension_of(state, self.params)

    def _draw_post_glow(
        self,
        surface: pygame.Surface,
        view: WorldView,
        cue: Tension,
        clock: float | None,
        ui: float,
    ) -> None:
        """A red glow behind the end post the cart is heading for, growing as it gets closer."""
        level = cue.edge
        post_x, ground_y = world_to_screen(cue.edge_side * self.params.x_threshold, 0, view)
        strength = level * pulse(clock, level)
        self.effects.blit_glow(
            surface, (post_x, ground_y - 30), round(POST_GLOW_RADIUS * ui), DANGER_GLOW, strength
        )

    def _draw_post_alarm(
        self, surface: pygame.Surface, view: WorldView, cue: Tension, clock: float | None
    ) -> None:
        """That post, brighter, thicker and taller: it rises above a cart that reaches it."""
        level = cue.edge
        beat = pulse(clock, level)
        post_x, ground_y = world_to_screen(cue.edge_side * self.params.x_threshold, 0, view)
        color = lerp_color(self.theme.palette.limit, (255, 214, 214), 0.5 * level * beat)
        half = 3 + 2 * level
        post = pygame.Rect(0, 0, round(2 * half), round(50 + 48 * level))
        post.midbottom = (round(post_x), round(ground_y + 4))
        pygame.draw.rect(surface, color, post, border_radius=round(half))
        pygame.draw.aacircle(surface, color, (post_x, post.top), half + 3 + 2 * level * beat)

    def _marker_line(
        self, pivot: tuple[float, float], sign: int, reach: float, angle: float
    ) -> tuple[tuple[float, float], tuple[float, float]]:
        """The ±``angle`` marker from a quarter of ``reach`` out to ``reach`` (pixels)."""
        sin, cos = sign * math.sin(angle), math.cos(angle)
        return (
            (pivot[0] + 0.25 * reach * sin, pivot[1] - 0.25 * reach * cos),
            (pivot[0] + reach * sin, pivot[1] - reach * cos),
        )

    def _marker_reach(self, scale: float, level: float) -> float:
        # Near the limit the line grows past the pole's tip, so the pole cannot hide it.
        return self.geometry.pole_length * scale * (0.8 + 0.36 * level)

    def _draw_danger_zone(
        self,
        surface: pygame.Surface,
        pivot: tuple[float, float],
        scale: float,
        cue: Tension,
        clock: float | None,
    ) -> None:
        """Beyond the ±12° line the pole leans towards, a red-tinted wedge: the no-go zone."""
        level = cue.pole
        limit = self.params.theta_threshold
        reach = self._marker_reach(scale, level)
        start, end = self._marker_line(pivot, cue.pole_side, reach, limit)
        wedge = [start, end]
        wedge += [
            self._marker_line(pivot, cue.pole_side, reach, limit + math.radians(4.0 * k))[1]
            for k in range(1, 7)
        ]
        wedge.append(self._marker_line(pivot, cue.pole_side, reach, limit + math.radians(24))[0])
        tint = lerp_color(
            self.theme.palette.sky_bottom, DANGER_RED, 0.2 * level * pulse(clock, level)
        )
        pygame.draw.polygon(surface, tint, wedge)

    def _draw_angle_markers(
        self,
        surface: pygame.Surface,
        pivot: tuple[float, float],
        scale: float,
        cue: Tension = NO_TENSION,
        clock: float | None = None,
    ) -> None:
        """Faint ±12° lines from the pivot: past them the pole counts as fallen.

        The line the pole leans towards glows brighter, thicker and longer as the pole nears it.
        """
        pal = self.theme.palette
        limit = self.params.theta_threshold
        faint = lerp_color(pal.angle_marker, pal.sky_bottom, 0.45)
        for sign in (-1, 1):
            level = cue.pole if sign == cue.pole_side else 0.0
            start, end = self._marker_line(pivot, sign, self._marker_reach(scale, level), limit)
            if level <= 0.0:
                pygame.draw.aaline(surface, faint, start, end, 2)
                pygame.draw.aacircle(surface, faint, end, 3)
                continue
            beat = pulse(clock, level)
            halo = lerp_color(pal.sky_bottom, DANGER_RED, 0.5 * level * beat)
            pygame.draw.line(surface, halo, start, end, round(4 + 10 * level))
            pygame.draw.circle(surface, halo, end, 5 + 7 * level)
            bright = lerp_color(faint, (255, 120, 110), level)
            pygame.draw.aaline(surface, bright, start, end, round(2 + 3 * level))
            pygame.draw.aacircle(surface, bright, end, 3 + 2.5 * level)

    def draw_ghost(self, surface: pygame.Surface, view: WorldView, state: StateLike) -> None:
        """A faint outline of a cart and pole at ``state``: e.g. a replay of your best run.

        Draw it after :meth:`draw_backdrop` and before the real cart (``draw(...,
        ghost_state=...)`` does exactly that).
        """
        clip = surface.get_clip()
        surface.set_clip(clip.clip(_view_rect(view)))
        try:
            self._draw_ghost(surface, view, state)
        finally:
            surface.set_clip(clip)

    def _draw_ghost(self, surface: pygame.Surface, view: WorldView, state: StateLike) -> None:
        x, theta = float(state[0]), float(state[2])
        if not (math.isfinite(x) and math.isfinite(theta)):
            return
        geo = self.geometry
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
        tip = (tip[0] - ox, tip[1] - oy)
        line = (*GHOST, 150)
        # The pole as a hollow rod: a faint fill inside a brighter outline.
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
        pygame.draw.polygon(layer, line, rod, 2)
        radius = max(2, round(height * 0.25))
        pygame.draw.rect(layer, (*GHOST, 46), body, border_radius=radius)
        pygame.draw.rect(layer, line, body, width=2, border_radius=radius)
        wheel_y = ground_y - wheel_r - oy
        for wx in (body.left + width * 0.24, body.right - width * 0.24):
            pygame.draw.circle(layer, (*GHOST, 30), (wx, wheel_y), wheel_r)
            pygame.draw.circle(layer, line, (wx, wheel_y), wheel_r, 2)
        pygame.draw.circle(layer, line, pivot, max(3, 0.03 * scale), 2)
        surface.blit(layer, area)

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


def _view_rect(view: WorldView) -> pygame.Rect:
    return pygame.Rect(round(view.left), round(view.top), round(view.width), round(view.height))
