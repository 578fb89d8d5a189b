"""Grabbing the pole with the mouse: where a drawn pole lies on screen, and whether a click is on it.

The single arena and both sides of versus poke the pole the same way: a click close enough to the
drawn pole grabs it, and the drag's length becomes the poke.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cartpole_game.game.render.transform import (
    CartGeometry,
    WorldView,
    distance_to_segment,
    pole_tip,
    world_to_screen,
)

POLE_GRAB_PX = 28  # how close to the pole a click must land to poke it

Point = tuple[float, float]


def pole_segment(
    geometry: CartGeometry, view: WorldView, state: Sequence[float] | np.ndarray
) -> tuple[Point, Point]:
    """The pole's pivot and tip on screen, for ``state`` (a cart off the view is drawn at its
    edge)."""
    x = max(-view.half_span_m, min(view.half_span_m, float(state[0])))
    pivot = world_to_screen(x, geometry.pivot_height, view)
    tip = world_to_screen(*pole_tip(x, float(state[2]), geometry), view)
    return pivot, tip


def on_pole(
    pos: tuple[int, int], geometry: CartGeometry, view: WorldView, state: np.ndarray
) -> bool:
    """Whether a click at ``pos`` grabs the pole (never one whose state has blown up)."""
    if not np.isfinite(state).all():
        return False
    return distance_to_segment(pos, *pole_segment(geometry, view, state)) <= POLE_GRAB_PX
