"""Drawing the teaching mode's panel: the student's score alone, round by round, as a row of bars
(steps survived on average, from 0 to the level's goal), and a line or two on what it is doing."""

from __future__ import annotations

import pygame

from cartpole_game.game.render.decision_panel import wrap_text
from cartpole_game.game.render.theme import blit_text, fit_text
from cartpole_game.game.scenes.base import SceneContext
from cartpole_game.game.scenes.teach_state import Phase, RoundScore, TeachState

SHOWN_ROUNDS = 10  # the newest rounds drawn; older ones scroll off to the left
REACHED = 0.95  # a bar is green once the student reaches the goal this often alone


def draw_rounds(
    surface: pygame.Surface,
    ctx: SceneContext,
    rect: pygame.Rect,
    state: TeachState,
    goal: int,
) -> None:
    theme = ctx.theme
    pal = theme.palette
    ctx.hud.blit_panel(surface, "rounds", rect, 215, rect)
    left, width = rect.left + 14, rect.width - 26
    title = fit_text(theme, "The student alone, round by round", 14, width, bold=True)
    blit_text(surface, theme, title, 14, pal.text_dim, (left, rect.top + 8), bold=True)
    plot = pygame.Rect(rect.left + 48, rect.top + 36, rect.width - 62, 74)
    _axis(surface, ctx, plot, goal)
    _bars(surface, ctx, plot, state.rounds[-SHOWN_ROUNDS:], goal)
    if state.phase is Phase.FAILED:  # the worker's one line, on two if need be
        lines, color = wrap_text(theme, state.error or "the trainer failed", 15, width, 2), pal.bad
    else:
        lines, color = (
            [fit_text(theme, line, 15, width) for line in _caption(state, goal)],
            pal.text,
        )
    for i, line in enumerate(lines[:2]):
        blit_text(surface, theme, line, 15, color, (left, rect.top + 136 + 20 * i))


def _axis(surface: pygame.Surface, ctx: SceneContext, plot: pygame.Rect, goal: int) -> None:
    theme = ctx.theme
    pal = theme.palette
    for value, y in ((goal, plot.top), (0, plot.bottom)):
        pygame.draw.line(surface, pal.panel_edge, (plot.left, y), (plot.right, y))
        blit_text(surface, theme, str(value), 14, pal.text_dim, (plot.left - 6, y), "midright")


def _bars(
    surface: pygame.Surface,
    ctx: SceneContext,
    plot: pygame.Rect,
    rounds: list[RoundScore],
    goal: int,
) -> None:
    theme = ctx.theme
    pal = theme.palette
    slot = plot.width / SHOWN_ROUNDS
    bar = max(4, int(slot) - 8)
    for i, score in enumerate(rounds):
        centre = plot.left + slot * (i + 0.5)
        height = max(2, round(min(score.mean / goal, 1.0) * plot.height))
        color = pal.good if score.reached >= REACHED else pal.accent
        shape = pygame.Rect(0, 0, bar, height)
        shape.midbottom = (round(centre), plot.bottom)
        pygame.draw.rect(surface, color, shape, border_radius=3)
        label = str(score.round)
        blit_text(surface, theme, label, 14, pal.text_dim, (centre, plot.bottom + 3), "midtop")


def _caption(state: TeachState, goal: int) -> list[str]:
    """What the panel says under the bars."""
    if state.phase is Phase.STARTING:
        who = "your clone" if state.student == "clone" else "an untrained network"
        return [state.status or "Starting…", f"The student: {who}"]
    lines: list[str] = []
    if state.phase is Phase.LEARNING:
        lines.append(state.status or "Learning…")
    if state.rounds:
        last = state.rounds[-1]
        lines.append(f"round {last.round}: {last.mean:.0f} steps on average")
        lines.append(f"{last.reached:.0%} of {last.episodes} runs reach {goal}")
    return lines
