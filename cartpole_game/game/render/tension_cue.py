"""The tension cue drawn in an arena: a red wedge beyond the ±12° line the pole leans towards,
that line glowing brighter and longer, the red screen edge on the side in danger, and the end
post the cart heads for glowing and rising. It fades out after a fall and is gone at the goal.

How strong the cue is comes from :mod:`tension`; the costly glows come from the shared
:class:`EffectCache`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pygame

from cartpole_game.game.render.effect_cache import POST_GLOW_RADIUS, EffectCache
from cartpole_game.game.render.primitives import lerp_color, view_rect
from cartpole_game.game.render.tension import (
    DANGER_GLOW,
    DANGER_RED,
    NO_TENSION,
    Tension,
    pulse,
    tension_of,
)
from cartpole_game.game.render.theme import Palette
from cartpole_game.game.render.transform import WorldView, world_to_screen
from cartpole_game.sim.physics import CartPoleParams

TENSION_FADE_S = 0.9  # after a fall the red cue fades out over this long
Point = tuple[float, float]


@dataclass(frozen=True)
class TensionCue:
    """The cue of one arena: its colours, its ±θ and ±x limits, its pole's length in metres and
    the glows it shares with the other arenas."""

    pal: Palette
    params: CartPoleParams
    pole_length: float
    effects: EffectCache

    def tension(
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

    def draw_behind(
        self,
        surface: pygame.Surface,
        view: WorldView,
        pivot: Point,
        cue: Tension,
        clock: float | None,
        pole_standing: bool,
    ) -> None:
        """The parts of ``cue`` that go behind the cart: the no-go wedge (only while the pole
        stands), the red screen edges and the end post's glow and alarm."""
        if not cue.any:
            return
        if cue.pole > 0 and pole_standing:
            self._draw_danger_zone(surface, pivot, view.pixels_per_metre, cue, clock)
        self.effects.draw_vignettes(surface, view_rect(view), cue, clock)
        if cue.edge > 0:
            self._draw_post_glow(surface, view, cue, clock, view.width / 1280.0)
            self._draw_post_alarm(surface, view, cue, clock)

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
        color = lerp_color(self.pal.limit, (255, 214, 214), 0.5 * level * beat)
        half = 3 + 2 * level
        post = pygame.Rect(0, 0, round(2 * half), round(50 + 48 * level))
        post.midbottom = (round(post_x), round(ground_y + 4))
        pygame.draw.rect(surface, color, post, border_radius=round(half))
        pygame.draw.aacircle(surface, color, (post_x, post.top), half + 3 + 2 * level * beat)

    def _marker_reach(self, scale: float, level: float) -> float:
        # Near the limit the line grows past the pole's tip, so the pole cannot hide it.
        return self.pole_length * scale * (0.8 + 0.36 * level)

    def _draw_danger_zone(
        self,
        surface: pygame.Surface,
        pivot: Point,
        scale: float,
        cue: Tension,
        clock: float | None,
    ) -> None:
        """Beyond the ±12° line the pole leans towards, a red-tinted wedge: the no-go zone."""
        level = cue.pole
        limit = self.params.theta_threshold
        reach = self._marker_reach(scale, level)
        start, end = _marker_line(pivot, cue.pole_side, reach, limit)
        wedge = [start, end]
        wedge += [
            _marker_line(pivot, cue.pole_side, reach, limit + math.radians(4.0 * k))[1]
            for k in range(1, 7)
        ]
        wedge.append(_marker_line(pivot, cue.pole_side, reach, limit + math.radians(24))[0])
        tint = lerp_color(self.pal.sky_bottom, DANGER_RED, 0.2 * level * pulse(clock, level))
        pygame.draw.polygon(surface, tint, wedge)

    def draw_angle_markers(
        self,
        surface: pygame.Surface,
        pivot: Point,
        scale: float,
        cue: Tension = NO_TENSION,
        clock: float | None = None,
    ) -> None:
        """Faint ±12° lines from the pivot: past them the pole counts as fallen.

        The line the pole leans towards glows brighter, thicker and longer as the pole nears it.
        """
        pal = self.pal
        limit = self.params.theta_threshold
        faint = lerp_color(pal.angle_marker, pal.sky_bottom, 0.45)
        for sign in (-1, 1):
            level = cue.pole if sign == cue.pole_side else 0.0
            start, end = _marker_line(pivot, sign, self._marker_reach(scale, level), limit)
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


def _marker_line(pivot: Point, sign: int, reach: float, angle: float) -> tuple[Point, Point]:
    """The ±``angle`` marker from a quarter of ``reach`` out to ``reach`` (pixels)."""
    sin, cos = sign * math.sin(angle), math.cos(angle)
    return (
        (pivot[0] + 0.25 * reach * sin, pivot[1] - 0.25 * reach * cos),
        (pivot[0] + reach * sin, pivot[1] - reach * cos),
    )
