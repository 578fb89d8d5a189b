"""Game feel, checked in the pixels a player sees: each level's pole at its real length, the red
cue near the limits, the pole toppling after a fall, the finish burst, the ghost and the medals.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pygame
import pytest

from cartpole_game.game.render.arena_view import GHOST, ArenaRenderer, view_fitting_pole
from cartpole_game.game.render.effects import CONFETTI_COLORS, FINISH_SECONDS, draw_finish
from cartpole_game.game.render.hud import MEDAL_COLORS, draw_medal
from cartpole_game.game.render.theme import Palette, Theme
from cartpole_game.game.render.transform import WorldView, world_to_screen
from cartpole_game.sim.physics import CARTPOLE_V1
from tests.helpers import color_mask, surface_pixels

VIEW = WorldView(0, 0, 1280, 720, half_span_m=3.0, ground_frac=0.7)  # the play scene's view
PAL = Palette()
LIMIT = CARTPOLE_V1.theta_threshold
LONG = dataclasses.replace(CARTPOLE_V1, length=0.9)  # a 1.8 m pole, the longest of the levels


@pytest.fixture(scope="module")
def renderer() -> ArenaRenderer:
    pygame.font.init()
    return ArenaRenderer(Theme.create())


def render(renderer: ArenaRenderer, state, **kwargs) -> np.ndarray:
    surface = pygame.Surface((1280, 720))
    renderer.draw(surface, VIEW, state, **kwargs)
    return surface_pixels(surface).astype(int)


def reddish(pixels: np.ndarray) -> np.ndarray:
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return r > np.maximum(g, b) + 30  # the sky is blue-grey: (14, 18, 30) to (30, 38, 62)


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


# -- the tension cue ---------------------------------------------------------------------------
def test_leaning_near_the_limit_reddens_that_side_more_the_nearer(
    renderer: ArenaRenderer,
) -> None:
    edge = (slice(100, 600), slice(1190, 1280))  # the right edge of the screen, mid-height
    other = (slice(100, 600), slice(0, 90))
    red = {}
    for share in (0.0, 0.5, 0.8, 0.97):
        pixels = render(renderer, (0.0, 0.0, share * LIMIT, 0.0))
        red[share] = int(reddish(pixels[edge]).sum())
        assert not reddish(pixels[other]).any()  # only the side the pole leans to
    assert red[0.0] == 0 and red[0.5] == 0  # no cue while safe
    assert 0 < red[0.8] < red[0.97]
    assert red[0.97] > 0.3 * reddish(np.ones((500, 90, 3), int)).size  # a clear glow


def test_the_limit_line_the_pole_leans_to_lights_up(renderer: ArenaRenderer) -> None:
    calm = render(renderer, (0.0, 0.0, -0.3 * LIMIT, 0.0))
    tense = render(renderer, (0.0, 0.0, -0.95 * LIMIT, 0.0))
    region = (slice(120, 400), slice(500, 640))  # up and to the left of the pivot
    assert reddish(tense[region]).sum() > reddish(calm[region]).sum() + 400


def test_the_cart_near_the_end_post_reddens_that_side(renderer: ArenaRenderer) -> None:
    post_x = round(world_to_screen(2.4, 0, VIEW)[0])
    region = (slice(380, 520), slice(post_x - 50, post_x + 50))
    near = reddish(render(renderer, (2.2, 0.0, 0.0, 0.0))[region]).sum()
    middle = reddish(render(renderer, (1.0, 0.0, 0.0, 0.0))[region]).sum()
    assert near > middle + 1500
    # The cue can be switched off (the plain picture, as before).
    off = reddish(render(renderer, (2.2, 0.0, 0.0, 0.0), tension=False)[region]).sum()
    assert off < near - 1500


# -- the fall ----------------------------------------------------------------------------------
def fallen_pole(renderer: ArenaRenderer, seconds: float) -> np.ndarray:
    pixels = render(renderer, (0.0, 0.0, 1.05 * LIMIT, 1.0), fallen_for=seconds)
    pole = color_mask(pixels.astype(np.uint8), PAL.pole_danger, tolerance=30)
    pole[:, :560] = pole[:, 1000:] = False  # around the cart, clear of the screen-edge glow
    return pole


def test_the_pole_topples_to_the_ground_after_a_fall(renderer: ArenaRenderer) -> None:
    ground_y = VIEW.ground_y
    at_fall = top_of(fallen_pole(renderer, 0.0))
    later = top_of(fallen_pole(renderer, 0.5))
    assert later > at_fall + 150  # much lower: it is falling
    lying = fallen_pole(renderer, 1.0)
    assert top_of(lying) > ground_y - 80  # lying by the rail
    _, xs = np.nonzero(lying)
    assert xs.max() > 640 + 0.8 * VIEW.pixels_per_metre  # to the side it leaned, full length
    # Not fallen: the pole stands where the state says.
    assert top_of(fallen_pole(renderer, 0.0)) < ground_y - 250


# -- the finish --------------------------------------------------------------------------------
def confetti_pixels(pixels: np.ndarray) -> int:
    return sum(int(color_mask(pixels, c, tolerance=6).sum()) for c in CONFETTI_COLORS)


def test_the_goal_brings_confetti_and_a_gold_medal(renderer: ArenaRenderer) -> None:
    state = (0.0, 0.0, 0.0, 0.0)
    plain = render(renderer, state).astype(np.uint8)
    finish = render(renderer, state, finished_for=0.8, medal="gold").astype(np.uint8)
    assert confetti_pixels(finish) > confetti_pixels(plain) + 300
    gold = color_mask(finish, MEDAL_COLORS["gold"].main, tolerance=12)
    assert gold.sum() > 1500  # the medal's disc
    assert not color_mask(plain, MEDAL_COLORS["gold"].main, tolerance=12).any()


def test_the_finish_is_a_pure_function_of_time_and_ends() -> None:
    def shot(t: float) -> bytes:
        surface = pygame.Surface((800, 600))
        draw_finish(surface, (400, 400), t, "silver")
        return pygame.image.tobytes(surface, "RGB")

    assert shot(0.7) == shot(0.7)
    assert shot(0.7) != shot(0.9)
    assert shot(FINISH_SECONDS + 1.5) == bytes(800 * 600 * 3)  # over: nothing drawn


# -- the ghost ---------------------------------------------------------------------------------
def test_the_ghost_is_visible_and_fainter_than_the_real_cart(renderer: ArenaRenderer) -> None:
    state, ghost = (0.8, 0.0, 0.0, 0.0), (-0.8, 0.0, 0.05, 0.0)
    without = render(renderer, state)
    with_ghost = render(renderer, state, ghost_state=ghost)
    ground_y = VIEW.ground_y
    cart_rows = slice(round(ground_y) - 70, round(ground_y) - 20)

    def cart_columns(x: float) -> slice:
        cx = round(world_to_screen(x, 0, VIEW)[0])
        return slice(cx - 50, cx + 50)

    ghost_box = (cart_rows, cart_columns(ghost[0]))
    change = np.abs(with_ghost[ghost_box] - without[ghost_box]).sum(axis=-1)
    assert (change > 20).sum() > 800  # the ghost cart is there
    # In the ghost's own colour: a pale blue-white, bluer than red.
    changed = with_ghost[ghost_box][change > 20]
    assert (changed[:, 2] > changed[:, 0]).mean() > 0.9
    assert np.abs(changed.mean(axis=0) - np.array(GHOST)).max() > 40  # translucent, not solid
    # Fainter: it stands out from the sky far less than the real cart does.
    sky = without[ghost_box].mean(axis=(0, 1))
    real_box = (cart_rows, cart_columns(state[0]))
    real_contrast = np.abs(without[real_box] - sky).sum(axis=-1).mean()
    ghost_contrast = np.abs(with_ghost[ghost_box] - sky).sum(axis=-1).mean()
    assert 0 < ghost_contrast < 0.6 * real_contrast
    # And it never changes the real cart, drawn over it.
    assert np.array_equal(with_ghost[real_box], without[real_box])


def test_the_ghost_behind_the_real_cart_leaves_the_real_cart_on_top(
    renderer: ArenaRenderer,
) -> None:
    state = (0.0, 0.0, 0.0, 0.0)
    without = render(renderer, state)
    overlapping = render(renderer, state, ghost_state=(0.1, 0.0, 0.1, 0.0))
    ground_y = round(VIEW.ground_y)
    body = (slice(ground_y - 66, ground_y - 22), slice(600, 680))  # the real cart's body
    assert np.array_equal(overlapping[body], without[body])
    beside = (slice(ground_y - 66, ground_y - 22), slice(700, 720))  # the ghost's, sticking out
    assert not np.array_equal(overlapping[beside], without[beside])


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


def test_effects_keep_the_picture_deterministic(renderer: ArenaRenderer) -> None:
    kwargs = {"clock": 3.21, "ghost_state": (0.5, 0.0, 0.1, 0.0)}
    state = (2.3, 0.0, 0.9 * LIMIT, 0.0)
    assert np.array_equal(render(renderer, state, **kwargs), render(renderer, state, **kwargs))
