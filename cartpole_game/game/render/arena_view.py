"""Draws one cart-pole arena: the cached track backdrop, then the tension cue, the ghost, the
cart and its pole, the arrows, and the fall or the finish on top.

Each part is drawn by its own module (:mod:`track`, :mod:`tension_cue`, :mod:`ghost`,
:mod:`cart_pole`, :mod:`fall`, :mod:`finish`); this one decides what goes where, in which order,
and keeps what the arenas of different levels share. The helpers other code has always imported
from here (``lerp_color``, ``draw_arrow``, ``GHOST``, ...) are re-exported.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pygame

from cartpole_game.game.render.cart_pole import (
    cart_extent,
    draw_cart,
    draw_cart_shadow,
    draw_hint_arrow,
    draw_pivot,
    draw_pole,
    draw_push_arrow,
)
from cartpole_game.game.render.effect_cache import EffectCache
from cartpole_game.game.render.fall import (
    cart_shake,
    draw_dust,
    fall_angle,
    fall_direction,
    fall_impact_seconds,
    rest_angle,
)
from cartpole_game.game.render.finish import draw_finish
from cartpole_game.game.render.ghost import GHOST as GHOST
from cartpole_game.game.render.ghost import StateLike as StateLike
from cartpole_game.game.render.ghost import draw_ghost
from cartpole_game.game.render.layout import SpriteEntry, log_sprite
from cartpole_game.game.render.primitives import draw_arrow as draw_arrow
from cartpole_game.game.render.primitives import lerp_color as lerp_color
from cartpole_game.game.render.primitives import view_rect
from cartpole_game.game.render.tension import NO_TENSION
from cartpole_game.game.render.tension_cue import TENSION_FADE_S as TENSION_FADE_S
from cartpole_game.game.render.tension_cue import TensionCue
from cartpole_game.game.render.theme import Theme
from cartpole_game.game.render.track import draw_track
from cartpole_game.game.render.track import vertical_gradient as vertical_gradient
from cartpole_game.game.render.transform import CartGeometry as CartGeometry
from cartpole_game.game.render.transform import WorldView, pole_tip, world_to_screen
from cartpole_game.sim.physics import CARTPOLE_V1, CartPoleParams


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


@dataclass(frozen=True)
class _Frame:
    """One draw call's options, as :meth:`ArenaRenderer.draw` takes them."""

    force: float
    ghost_action: int | None
    faded: bool
    ghost_state: StateLike | None
    fallen_for: float | None
    finished_for: float | None
    medal: str | None
    clock: float | None
    tension: bool


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
            cached = draw_track(self.theme, view, self.params.x_threshold)
            if len(backdrops) > 8:
                backdrops.clear()
            backdrops[key] = cached
        return cached

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
        frame = _Frame(
            force=force,
            ghost_action=ghost_action,
            faded=faded,
            ghost_state=ghost_state,
            fallen_for=fallen_for,
            finished_for=finished_for,
            medal=medal,
            clock=clock,
            tension=tension,
        )
        clip = surface.get_clip()
        surface.set_clip(clip.clip(view_rect(view)))
        try:
            self._draw(surface, view, state, frame)
        finally:
            surface.set_clip(clip)

    def draw_backdrop(self, surface: pygame.Surface, view: WorldView) -> None:
        """The static part: sky, ground, rail, ticks and the limit posts (one cached blit)."""
        surface.blit(self.backdrop(view), (round(view.left), round(view.top)))

    def draw_ghost(self, surface: pygame.Surface, view: WorldView, state: StateLike) -> None:
        """A faint outline of a cart and pole at ``state``: e.g. a replay of your best run.

        Draw it after :meth:`draw_backdrop` and before the real cart (``draw(...,
        ghost_state=...)`` does exactly that).
        """
        clip = surface.get_clip()
        surface.set_clip(clip.clip(view_rect(view)))
        try:
            draw_ghost(surface, view, state, self.geometry)
        finally:
            surface.set_clip(clip)

    def _draw(
        self, surface: pygame.Surface, view: WorldView, state: Sequence[float], frame: _Frame
    ) -> None:
        """Everything but the clip, back to front: what is drawn later covers what came before."""
        self.draw_backdrop(surface, view)
        x = float(state[0])
        theta = float(state[2])
        if not (math.isfinite(x) and math.isfinite(theta)):
            return
        pal = self.theme.palette
        geo = self.geometry
        scale = view.pixels_per_metre
        self.effects.warm_up(view.width)  # the cue's and the finish's glows, ahead of need

        x_draw, theta_draw = self._pose(view, state, frame.fallen_for)
        cart_at = world_to_screen(x_draw, 0, view)
        pivot = world_to_screen(x_draw, geo.pivot_height, view)

        cues = TensionCue(pal, self.params, geo.pole_length, self.effects)
        cue = NO_TENSION
        if frame.tension:
            cue = cues.tension(state, frame.fallen_for, frame.finished_for, frame.faded)
        cues.draw_behind(surface, view, pivot, cue, frame.clock, frame.fallen_for is None)
        if frame.ghost_state is not None:
            draw_ghost(surface, view, frame.ghost_state, geo)
        draw_cart_shadow(surface, pal, geo, cart_at, scale)
        # Once the pole has fallen the limit lines go quiet; only the red glow fades out.
        marker_cue = cue if frame.fallen_for is None else NO_TENSION
        cues.draw_angle_markers(surface, pivot, scale, marker_cue, frame.clock)

        pose = (x_draw, theta_draw)
        tip = draw_pole(surface, view, pal, geo, pose, self.params.theta_threshold, frame.faded)
        if frame.fallen_for is not None:
            since_impact = frame.fallen_for - fall_impact_seconds()
            ground_tip = (tip[0], min(tip[1], cart_at[1]))
            draw_dust(surface, ground_tip, since_impact, pal.hub, pal.sky_bottom, scale)
        draw_cart(surface, pal, geo, cart_at, scale, frame.faded)
        draw_pivot(surface, pal, pivot, scale)
        log_sprite(self.theme, "cart", rect=cart_extent(geo, cart_at, scale))
        log_sprite(self.theme, "pole", segment=(pivot, tip, self._pole_width(scale)))

        draw_push_arrow(surface, pal, geo, cart_at, scale, frame.force)
        draw_hint_arrow(surface, pal, pivot, scale, frame.ghost_action)
        if frame.finished_for is not None:
            ui = view.width / 1280.0  # pixel-sized decorations, relative to the full screen
            draw_finish(
                surface,
                pivot,
                frame.finished_for,
                frame.medal,
                ui,
                self.effects,
                floor_y=cart_at[1] + 2,
            )

    def _pole_width(self, scale: float) -> float:
        return max(3.0, self.geometry.pole_width * scale)

    def obstacles(
        self, view: WorldView, state: Sequence[float], fallen_for: float | None = None
    ) -> list[SpriteEntry]:
        """The cart and its pole as drawn for ``state``: what a card must not cover."""
        x, theta = float(state[0]), float(state[2])
        if not (math.isfinite(x) and math.isfinite(theta)):
            return []
        x_draw, theta_draw = self._pose(view, state, fallen_for)
        geo = self.geometry
        scale = view.pixels_per_metre
        cart_at = world_to_screen(x_draw, 0, view)
        pivot = world_to_screen(x_draw, geo.pivot_height, view)
        tip = world_to_screen(*pole_tip(x_draw, theta_draw, geo), view)
        return [
            SpriteEntry("cart", rect=cart_extent(geo, cart_at, scale)),
            SpriteEntry("pole", segment=(pivot, tip, self._pole_width(scale))),
        ]

    def _pose(
        self, view: WorldView, state: Sequence[float], fallen_for: float | None
    ) -> tuple[float, float]:
        """Where to draw the cart (x, metres) and at what angle the pole (radians).

        A runaway cart stays visible at the edge of its arena; after a fall the pole topples
        to the ground, and a cart that hit its end post rattles against it.
        """
        x = float(state[0])
        x_draw = max(-view.half_span_m, min(view.half_span_m, x))
        theta_draw = float(state[2])
        if fallen_for is not None and fallen_for >= 0:
            geo = self.geometry
            direction = fall_direction(state, self.params)
            rest = rest_angle(geo.pivot_height, geo.pole_length)
            theta_draw = fall_angle(theta_draw, fallen_for, direction, rest)
            if abs(x) >= self.params.x_threshold:  # it hit the end post: a short rattle
                x_draw -= (1 if x > 0 else -1) * abs(cart_shake(fallen_for))
        return x_draw, theta_draw
