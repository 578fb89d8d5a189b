"""Game feel, checked in the pixels a player sees: the medals."""

from __future__ import annotations

import pygame
import pytest

from cartpole_game.game.render.hud import MEDAL_COLORS, draw_medal
from tests.helpers import color_mask, surface_pixels


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
