"""The world-to-screen transform."""

from __future__ import annotations

import math

import pytest

from cartpole_game.game.render.transform import (
    CartGeometry,
    WorldView,
    pole_tip,
    screen_to_world,
    world_to_screen,
)

VIEW = WorldView(0, 0, 1280, 720, half_span_m=3.0, ground_frac=0.7)


def test_origin_is_centre_of_the_ground_line() -> None:
    assert world_to_screen(0, 0, VIEW) == pytest.approx((640, 504))


def test_scale_and_direction() -> None:
    px_per_m = 1280 / 6
    assert VIEW.pixels_per_metre == pytest.approx(px_per_m)
    x, y = world_to_screen(2.4, 1.0, VIEW)
    assert x == pytest.approx(640 + 2.4 * px_per_m)
    assert y == pytest.approx(504 - px_per_m)  # up in the world is up on screen
    assert world_to_screen(-3.0, 0, VIEW)[0] == pytest.approx(0)
    assert world_to_screen(3.0, 0, VIEW)[0] == pytest.approx(1280)


def test_offset_view_for_side_by_side_arenas() -> None:
    right_half = WorldView(640, 100, 640, 400, half_span_m=3.0, ground_frac=0.5)
    assert world_to_screen(0, 0, right_half) == pytest.approx((960, 300))
    assert world_to_screen(-3, 0, right_half)[0] == pytest.approx(640)


@pytest.mark.parametrize("point", [(0.0, 0.0), (1.3, 0.7), (-2.9, 2.2)])
def test_inverse_round_trip(point: tuple[float, float]) -> None:
    back = screen_to_world(*world_to_screen(*point, VIEW), VIEW)
    assert back == pytest.approx(point)


def test_pole_tip_leans_with_theta() -> None:
    geo = CartGeometry()
    assert pole_tip(0.0, 0.0, geo) == pytest.approx((0.0, geo.pivot_height + 1.0))
    tip_x, tip_y = pole_tip(0.5, math.radians(30), geo)
    assert tip_x == pytest.approx(0.5 + 0.5)  # sin 30° of a 1 m pole
    assert tip_y == pytest.approx(geo.pivot_height + math.cos(math.radians(30)))
