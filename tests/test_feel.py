"""Game feel, checked in the pixels a player sees: each level's pole at its real length, and the
medals.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pygame
import pytest

from cartpole_game.game.render.arena_view import ArenaRenderer, view_fitting_pole
from cartpole_game.game.render.hud import MEDAL_COLORS, draw_medal
from cartpole_game.game.render.theme import Palette, Theme
from cartpole_game.game.render.transform import WorldView
from cartpole_game.sim.physics import CARTPOLE_V1
from tests.helpers import color_mask, surface_pixels

VIEW = WorldView(0, 0, 1280, 720, half_span_m=3.0, ground_frac=0.7)  # the play scene's view
PAL = Palette()
LONG = dataclasses.replace(CARTPOLE_V1, length=0.9)  # a 1.8 m pole, the longest of the levels


@pytest.fixture(scope="module")
def renderer() -> ArenaRenderer:
    pygame.font.init()
    return ArenaRenderer(Theme.create())


def render(renderer: ArenaRenderer, state, **kwargs) -> np.ndarray:
    surface = pygame.Surface((1280, 720))
    renderer.draw(surface, VIEW, state, **kwargs)
    return surface_pixels(surface).astype(int)


def top_of(mask: np.ndarray) -> int:
    ys, _ = np.nonzero(mask)
    assert ys.size, "nothing of that colour on screen"
    return int(ys.min())


# -- each level's own pole ---------------------------------------------------------------------
def test_a_longer_level_pole_is_drawn_longer(renderer: ArenaRenderer) -> None:
    upright = (0.0, 0.0, 0.0, 0.0)
    tips = []
    for params in (CARTPOLE_V1, LONG):
        pole = color_mask(render(renderer.for_params(params), upright), PAL.pole, tolerance=30)
        pole[:, :600] = pole[:, 680:] = False
        tips.append(top_of(pole))
    extra_px = (2 * LONG.length - 2 * CARTPOLE_V1.length) * VIEW.pixels_per_metre
    assert tips[0] - tips[1] == pytest.approx(extra_px, abs=4)


def test_renderers_per_params_are_cached_and_share_the_backdrop(renderer: ArenaRenderer) -> None:
    long = renderer.for_params(LONG)
    assert renderer.for_params(LONG) is long
    assert long.for_params(CARTPOLE_V1) is renderer
    assert long.geometry.pole_length == pytest.approx(1.8)
    assert long.backdrop(VIEW) is renderer.backdrop(VIEW)  # same track, same cached picture
    narrow = renderer.for_params(dataclasses.replace(CARTPOLE_V1, x_threshold=1.5))
    assert narrow.backdrop(VIEW) is not renderer.backdrop(VIEW)


def test_a_view_fitted_to_a_long_pole_keeps_it_under_the_top_bar() -> None:
    ceiling = 88  # the bottom of the play scene's top bar
    assert view_fitting_pole(VIEW, CARTPOLE_V1, ceiling) is VIEW  # the 1 m pole fits as it is
    fitted = view_fitting_pole(VIEW, LONG, ceiling)
    assert fitted.ground_y == VIEW.ground_y and fitted.center_x == VIEW.center_x
    surface = pygame.Surface((1280, 720))
    ArenaRenderer(Theme.create()).for_params(LONG).draw(surface, fitted, (0.0, 0.0, 0.0, 0.0))
    pole = color_mask(surface_pixels(surface), PAL.pole, tolerance=30)
    assert ceiling < top_of(pole) < ceiling + 30


# -- medals ------------------------------------------------------------------------------------
@pytest.mark.parametrize("medal", ["bronze", "silver", "gold"])
def test_a_medal_is_a_disc_of_its_metal_under_a_ribbon(medal: str) -> None:
    surface = pygame.Surface((120, 140))
    draw_medal(surface, (60, 90), 30, medal)
    pixels = surface_pixels(surface)
    colors = MEDAL_COLORS[medal]
    assert color_mask(pixels[60:120], colors.main, tolerance=6).sum() > 800
    assert color_mask(pixels[30:62], colors.ribbon, tolerance=6).sum() > 100


def test_a_medal_not_yet_won_is_an_empty_outline() -> None:
    surface = pygame.Surface((120, 140))
    draw_medal(surface, (60, 90), 30, None)
    pixels = surface_pixels(surface)
    assert pixels[90, 60].sum() == 0  # hollow
    assert pixels.sum(axis=-1).astype(bool).sum() > 150  # but drawn
