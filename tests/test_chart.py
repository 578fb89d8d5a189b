"""The learning-curve chart draws with pygame on an off-screen Surface (no display needed)."""

import pygame
import pytest

from cartpole_game.game.render.chart import (
    BACKGROUND,
    EVALUATIONS,
    MOVING_AVERAGE,
    SOLVED_LINE,
    LearningCurve,
    draw_learning_curve,
    render_learning_curve_png,
)


@pytest.fixture(scope="module")
def font():
    pygame.font.init()
    return pygame.font.Font(None, 18)


def colours(surface, rect):
    return {
        tuple(surface.get_at((x, y)))[:3]
        for x in range(rect.left, rect.right)
        for y in range(rect.top, rect.bottom)
    }


def test_chart_shows_data_solved_line_and_stays_in_its_rect(font):
    surface = pygame.Surface((700, 400))
    surface.fill((1, 2, 3))
    rect = pygame.Rect(50, 40, 600, 320)
    curve = LearningCurve(
        returns=[(i * 50, float(min(500, 10 + i))) for i in range(600)],
        evaluations=[(10_000, 200.0), (30_000, 500.0)],
    )
    draw_learning_curve(surface, rect, curve, font)
    seen = colours(surface, rect)
    assert {BACKGROUND, SOLVED_LINE, MOVING_AVERAGE, EVALUATIONS} <= seen
    outside = pygame.Rect(0, 0, 700, 40)
    assert colours(surface, outside) == {(1, 2, 3)}


def test_empty_curve_draws_axes_only(font):
    surface = pygame.Surface((600, 300))
    draw_learning_curve(surface, surface.get_rect(), LearningCurve(), font)
    below_legend = pygame.Rect(0, 2 * font.get_linesize() + 12, 600, 300)
    seen = colours(surface, below_legend.clip(surface.get_rect()))
    assert BACKGROUND in seen and SOLVED_LINE in seen and EVALUATIONS not in seen


def test_the_legend_names_every_mark_even_before_any_data(font):
    surface = pygame.Surface((800, 300))
    draw_learning_curve(surface, surface.get_rect(), LearningCurve(), font)
    legend_row = pygame.Rect(0, font.get_linesize(), 800, font.get_linesize() + 8)
    assert {MOVING_AVERAGE, EVALUATIONS, SOLVED_LINE} <= colours(surface, legend_row)


def test_png_written_without_a_display(tmp_path):
    path = tmp_path / "curve.png"
    render_learning_curve_png(str(path), LearningCurve(returns=[(10, 20.0), (20, 30.0)]))
    image = pygame.image.load(str(path))
    assert image.get_size() == (800, 450)
    assert not pygame.display.get_init()
