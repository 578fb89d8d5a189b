"""The learning-curve chart: episode returns, their moving average, evaluations, the solved line.

A pure drawing function of a small data class, used by ``train`` to write the PNG next to a
checkpoint (on an off-screen Surface: only ``pygame.font`` is needed, never a display) and by the
live training view.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pygame

from cartpole_game.core.atomic import atomic_write_bytes
from cartpole_game.sim.physics import CARTPOLE_V1, SOLVED_MEAN

BACKGROUND = (18, 22, 32)
GRID = (45, 52, 70)
AXIS_TEXT = (170, 178, 196)
RETURNS = (90, 140, 220)
MOVING_AVERAGE = (250, 200, 80)
EVALUATIONS = (120, 220, 140)
SOLVED_LINE = (220, 90, 90)

SOLVED_RETURN = SOLVED_MEAN
MIN_STEPS_SHOWN = 1000  # an empty or young curve still has a readable step axis
MAX_RETURN = float(CARTPOLE_V1.max_episode_steps)


@dataclass
class LearningCurve:
    """What the chart shows: (env step, return) of training episodes and of evaluations."""

    returns: list[tuple[int, float]] = field(default_factory=list)
    evaluations: list[tuple[int, float]] = field(default_factory=list)
    window: int = 20  # episodes in the moving average
    title: str = ""

    def moving_average(self) -> list[tuple[int, float]]:
        out: list[tuple[int, float]] = []
        total = 0.0
        for i, (step, value) in enumerate(self.returns):
            total += value
            if i >= self.window:
                total -= self.returns[i - self.window][1]
            out.append((step, total / min(i + 1, self.window)))
        return out

    def max_step(self) -> int:
        steps = [s for s, _ in self.returns] + [s for s, _ in self.evaluations]
        return max(steps, default=0)


def _nice_step(span: float, ticks: int = 5) -> float:
    """A round tick spacing (1, 2 or 5 times a power of ten) giving about ``ticks`` ticks."""
    raw = max(span, 1e-9) / ticks
    power = 10 ** int(f"{raw:e}".split("e")[1])
    for mult in (1, 2, 5, 10):
        if raw <= mult * power:
            return mult * power
    return 10 * power


def _label(value: float) -> str:
    if value >= 1000 and value % 1000 == 0:
        return f"{int(value // 1000)}k"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{int(value)}"


def draw_learning_curve(
    surface: pygame.Surface, rect: pygame.Rect, curve: LearningCurve, font: pygame.font.Font
) -> None:
    """Draw ``curve`` into ``rect`` of ``surface``; changes nothing outside ``rect``."""
    rect = pygame.Rect(rect)
    surface.fill(BACKGROUND, rect)
    line_h = font.get_linesize()
    plot = pygame.Rect(
        rect.left + font.size("500")[0] + 12,
        rect.top + 2 * line_h + 10,  # the title row, then the legend row
        0,
        0,
    )
    plot.width = max(1, rect.right - plot.left - 12)
    plot.height = max(1, rect.bottom - plot.top - line_h - 10)

    x_max = max(curve.max_step(), MIN_STEPS_SHOWN)
    y_max = MAX_RETURN * 1.04

    def to_px(step: float, value: float) -> tuple[int, int]:
        x = plot.left + step / x_max * (plot.width - 1)
        y = plot.bottom - 1 - min(max(value, 0.0), y_max) / y_max * (plot.height - 1)
        return round(x), round(y)

    # Grid and axis labels.
    for level in range(0, int(MAX_RETURN) + 1, 100):
        _, y = to_px(0, level)
        pygame.draw.line(surface, GRID, (plot.left, y), (plot.right - 1, y))
        text = font.render(str(level), True, AXIS_TEXT)
        surface.blit(text, (plot.left - 6 - text.get_width(), y - text.get_height() // 2))
    tick = max(1.0, _nice_step(x_max))  # whole steps: never "0 0 0 0 0 1"
    k = 0
    while k * tick <= x_max:
        x, _ = to_px(k * tick, 0)
        pygame.draw.line(surface, GRID, (x, plot.top), (x, plot.bottom - 1))
        text = font.render(_label(k * tick), True, AXIS_TEXT)
        tx = min(max(x - text.get_width() // 2, rect.left), rect.right - text.get_width())
        surface.blit(text, (tx, plot.bottom + 4))
        k += 1
    title = curve.title or "return per episode"
    surface.blit(font.render(title, True, AXIS_TEXT), (plot.left, rect.top + 4))
    steps_label = font.render("env steps", True, AXIS_TEXT)
    surface.blit(steps_label, (plot.right - steps_label.get_width(), rect.top + 4))

    _draw_legend(surface, font, (plot.left, rect.top + line_h + 6), curve.window)

    # The solved line (labelled), then the data over it.
    _, solved_y = to_px(0, SOLVED_RETURN)
    pygame.draw.line(surface, SOLVED_LINE, (plot.left, solved_y), (plot.right - 1, solved_y), 2)
    solved = font.render(f"solved: {SOLVED_RETURN:g}", True, SOLVED_LINE)
    surface.blit(solved, (plot.right - solved.get_width() - 4, solved_y + 4))
    clip = surface.get_clip()
    surface.set_clip(plot.clip(clip) if clip else plot)
    for at_step, value in curve.returns:
        x, y = to_px(at_step, value)
        surface.fill(RETURNS, (x, y, 2, 2))
    average = [to_px(s, v) for s, v in curve.moving_average()]
    if len(average) >= 2:
        pygame.draw.lines(surface, MOVING_AVERAGE, False, average, 2)
    evals = [to_px(s, v) for s, v in curve.evaluations]
    if len(evals) >= 2:
        pygame.draw.lines(surface, EVALUATIONS, False, evals, 1)
    for point in evals:
        pygame.draw.circle(surface, EVALUATIONS, point, 4)
    surface.set_clip(clip)


def _draw_legend(
    surface: pygame.Surface, font: pygame.font.Font, topleft: tuple[int, int], window: int
) -> None:
    """One row naming each mark: dots, the moving average, evaluations and the solved line."""
    x, y = topleft
    middle = y + font.get_linesize() // 2
    entries = (
        ("dot", RETURNS, "an episode"),
        ("line", MOVING_AVERAGE, f"average of {window}"),
        ("circle", EVALUATIONS, "greedy test"),
        ("line", SOLVED_LINE, f"solved ({SOLVED_RETURN:g})"),
    )
    for mark, color, label in entries:
        if mark == "dot":
            surface.fill(color, (x + 6, middle - 1, 3, 3))
        elif mark == "circle":
            pygame.draw.circle(surface, color, (x + 7, middle), 4)
        else:
            pygame.draw.line(surface, color, (x, middle), (x + 14, middle), 2)
        text = font.render(label, True, AXIS_TEXT)
        surface.blit(text, (x + 20, y))
        x += 20 + text.get_width() + 14


def render_learning_curve_png(
    path: str, curve: LearningCurve, size: tuple[int, int] = (800, 450)
) -> None:
    """Write ``curve`` as a PNG, atomically; needs ``pygame.font`` only, not a display."""
    pygame.font.init()
    font = pygame.font.Font(None, 20)
    surface = pygame.Surface(size)
    draw_learning_curve(surface, surface.get_rect(), curve, font)
    buffer = io.BytesIO()
    pygame.image.save(surface, buffer, "curve.png")
    atomic_write_bytes(path, buffer.getvalue())
