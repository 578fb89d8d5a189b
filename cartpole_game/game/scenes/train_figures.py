"""The training view's figures panel: steps, speed, episodes, returns, the learner's own numbers
(exploration, loss, replay buffer) and, for the linear search, its candidates as bars."""

from __future__ import annotations

from statistics import fmean

import pygame

from cartpole_game.game.render.theme import blit_text
from cartpole_game.game.scenes.base import SceneContext
from cartpole_game.sim.physics import CARTPOLE_V1, SOLVED_MEAN
from cartpole_game.training.live import LiveView


def draw_figures(
    surface: pygame.Surface, ctx: SceneContext, view: LiveView, rect: pygame.Rect
) -> None:
    """The training's figures in ``rect``; the linear search's candidates as bars beside them."""
    pal = ctx.theme.palette
    ctx.hud.blit_panel(surface, "figures", rect)
    recent = [r for _, r in view.returns[-20:]]
    best_eval = max((m for _, m in view.evaluations), default=None)
    rows = [
        ("env steps", f"{view.steps:,}"),
        ("steps / s", f"{view.steps_per_second:,.0f}"),
        ("elapsed", f"{view.elapsed:.1f} s"),
        ("episodes", f"{view.episodes:,}"),
        ("recent return", f"{fmean(recent):.1f}" if recent else "—"),
        ("best evaluation", f"{best_eval:.1f}" if best_eval is not None else "—"),
    ]
    if view.epsilon is not None or view.buffer_fill is not None:  # a value-based learner
        rows += [
            ("ε (exploration)", f"{view.epsilon:.3f}" if view.epsilon is not None else "—"),
            ("loss", f"{view.loss:.4f}" if view.loss is not None else "—"),
            (
                "replay buffer",
                f"{view.buffer_fill:.0%}" if view.buffer_fill is not None else "—",
            ),
        ]
    per_column = 6 if view.population else 5  # the linear search's bars take the 2nd column
    for i, (name, value) in enumerate(rows):
        column, row = divmod(i, per_column)
        x = rect.left + 20 + column * 290
        y = rect.top + 14 + row * (28 if view.population else 34)
        blit_text(surface, ctx.theme, name, 14, pal.text_dim, (x, y + 3))
        blit_text(surface, ctx.theme, value, 18, pal.text, (x + 260, y), "topright", bold=True)
    if view.population:
        draw_population(
            surface, ctx, view.population, pygame.Rect(rect.left + 310, rect.top + 16, 258, 160)
        )


def draw_population(
    surface: pygame.Surface, ctx: SceneContext, scores: list[float], rect: pygame.Rect
) -> None:
    """The linear search's candidates, best first: one bar per candidate's mean return."""
    pal = ctx.theme.palette
    blit_text(surface, ctx.theme, "this generation's candidates", 13, pal.text_dim, rect.topleft)
    ordered = sorted(scores, reverse=True)
    width = max(1, (rect.width - 4) // max(1, len(ordered)))
    base = rect.bottom
    for i, score in enumerate(ordered):
        top = CARTPOLE_V1.max_episode_steps
        height = round(min(top, max(0.0, score)) / top * (rect.height - 24))
        color = pal.good if score >= SOLVED_MEAN else pal.accent
        pygame.draw.rect(
            surface, color, (rect.left + i * width, base - height, max(1, width - 1), height)
        )
