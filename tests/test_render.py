"""Drawing headless: the cart appears where x says; every scene draws what it should."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygame
import pytest

from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.input.tables import PLAY
from cartpole_game.game.render.arena_view import ArenaRenderer
from cartpole_game.game.render.theme import Palette, Theme
from cartpole_game.game.render.transform import WorldView, world_to_screen
from cartpole_game.game.scenes.overlays import HelpOverlay, PauseOverlay
from tests.helpers import centroid_x, color_mask, surface_pixels

VIEW = WorldView(0, 0, 1280, 720, half_span_m=3.0, ground_frac=0.7)
CART = Palette().cart


@pytest.fixture(scope="module")
def renderer() -> ArenaRenderer:
    pygame.font.init()
    return ArenaRenderer(Theme.create())


@pytest.mark.parametrize("x", [-1.8, -0.5, 0.0, 0.9, 2.2])
def test_cart_is_drawn_where_x_says(renderer: ArenaRenderer, x: float) -> None:
    surface = pygame.Surface((1280, 720))
    renderer.draw(surface, VIEW, (x, 0.0, 0.0, 0.0))
    pixels = surface_pixels(surface)
    expected_x, ground_y = world_to_screen(x, 0, VIEW)
    mask = color_mask(pixels, CART, tolerance=4)
    mask[: int(ground_y) - 120] = False  # only the cart body near the rail
    assert centroid_x(mask) == pytest.approx(expected_x, abs=2.0)


def test_pole_leans_the_way_theta_says(renderer: ArenaRenderer) -> None:
    pole = Palette().pole
    for theta, side in ((0.15, 1), (-0.15, -1)):
        surface = pygame.Surface((1280, 720))
        renderer.draw(surface, VIEW, (0.0, 0.0, theta, 0.0))
        mask = color_mask(surface_pixels(surface), pole, tolerance=60)
        mask[400:] = False  # the upper half of the pole, well above the cart
        assert (centroid_x(mask) - 640) * side > 8


def test_same_state_same_picture(renderer: ArenaRenderer) -> None:
    a, b = pygame.Surface((1280, 720)), pygame.Surface((1280, 720))
    renderer.draw(a, VIEW, (0.3, 0.1, 0.05, -0.2), force=10.0)
    renderer.draw(b, VIEW, (0.3, 0.1, 0.05, -0.2), force=10.0)
    assert pygame.image.tobytes(a, "RGB") == pygame.image.tobytes(b, "RGB")


def test_non_finite_state_draws_without_crashing(renderer: ArenaRenderer) -> None:
    surface = pygame.Surface((1280, 720))
    renderer.draw(surface, VIEW, (float("nan"), 0.0, float("inf"), 0.0))


def make_app(tmp_path: Path, mode: str, **kwargs) -> App:
    return App(RunConfig(mode=mode, headless=True, seed=0, data_dir=tmp_path, **kwargs))


def test_play_scene_draws_cart_hud_and_gauges(tmp_path: Path) -> None:
    app = make_app(tmp_path, "play")
    try:
        app.frame()
        pixels = surface_pixels(app.screen)
        scene = app.ctx.stack.top
        x = float(scene.arena.state[0])
        mask = color_mask(pixels, CART, tolerance=4)
        mask[:350] = False
        view = scene.view  # the first level's long pole: zoomed out to fit under the top bar
        assert view.half_span_m > VIEW.half_span_m
        assert centroid_x(mask) == pytest.approx(world_to_screen(x, 0, view)[0], abs=2.0)
        # The limit posts at ±2.4 m are drawn in the limit colour.
        limit = color_mask(pixels, Palette().limit, tolerance=8)
        for post_x in (world_to_screen(-2.4, 0, view)[0], world_to_screen(2.4, 0, view)[0]):
            assert limit[430:500, int(post_x) - 2 : int(post_x) + 3].any()
        # The HUD's panels are lighter than the sky behind them.
        assert pixels[40, 40].sum() > pixels[150, 1200].sum()  # (the level card is on the left)
    finally:
        app.close()


def test_end_banner_names_the_reason(tmp_path: Path) -> None:
    app = make_app(tmp_path, "play")
    try:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_LEFT))
        for _ in range(900):
            app.frame()
            if app.ctx.stack.top.arena.done:
                break
        scene = app.ctx.stack.top
        assert scene.arena.end_reason is not None
        app.frame()
        pixels = surface_pixels(app.screen)
        bad = color_mask(pixels, Palette().bad, tolerance=10)
        assert bad[100:240, 330:950].sum() > 500  # the red banner title and stripe
    finally:
        app.close()


def test_menu_draws_entries_over_the_demo(tmp_path: Path) -> None:
    app = make_app(tmp_path, "menu")
    try:
        for _ in range(30):
            app.frame()
        pixels = surface_pixels(app.screen)
        accent = color_mask(pixels, Palette().accent, tolerance=10)
        assert accent[230:300, 76:540].sum() > 200  # the selected entry, in the accent colour
        band = pixels[400:520].astype(int)
        blue = (band[..., 2] > band[..., 0] + 60) & (band[..., 2] > 90)
        assert blue.sum() > 2000  # the self-balancing cart behind the menu
        assert len(app.ctx.stack.top.entries) >= 2
    finally:
        app.close()


@pytest.mark.parametrize("overlay", ["pause", "help"])
def test_overlays_dim_the_scene_and_draw_their_text(tmp_path: Path, overlay: str) -> None:
    app = make_app(tmp_path, "play")
    try:
        app.frame()
        before = surface_pixels(app.screen).astype(int)
        ctx = app.ctx
        ctx.stack.push(
            PauseOverlay(ctx) if overlay == "pause" else HelpOverlay(ctx, PLAY.help_rows())
        )
        app.frame()
        after = surface_pixels(app.screen).astype(int)
        # Dimmed: the rail and the cart are darker than before.
        assert after[480:520].sum() < before[480:520].sum() * 0.8
        # Text in near-white appears in the middle of the screen.
        text = color_mask(after.astype(np.uint8), Palette().text, tolerance=25)
        assert text[200:520, 300:980].sum() > 300
    finally:
        app.close()
