"""The card a human's run waits behind: the level, its goal and medals, and what to press."""

from __future__ import annotations

import pygame

from cartpole_game.game.render.hud import Hud
from cartpole_game.game.render.theme import Theme, blit_text, fit_text
from cartpole_game.sim.levels import Level


def draw_level_card(
    surface: pygame.Surface,
    theme: Theme,
    hud: Hud,
    rect: pygame.Rect,
    level: Level,
    region: pygame.Rect | None = None,
) -> None:
    pal = theme.palette
    hud.blit_panel(surface, "level card", rect, region=region)
    x, y = rect.left + 22, rect.top + 14
    blit_text(
        surface, theme, f"Level {level.number} · {level.name}", 28, pal.accent, (x, y), bold=True
    )
    tagline = fit_text(theme, level.tagline, 15, rect.width - 44)
    blit_text(surface, theme, tagline, 15, pal.text_dim, (x, y + 40))
    seconds = level.goal_steps * level.physics.tau
    medals = " / ".join(str(steps) for steps in level.as_dict()["medal_steps"].values())
    goal = f"goal: {level.goal_steps} steps ({seconds:g} s)  ·  medals at {medals}"
    blit_text(surface, theme, goal, 16, pal.text, (x, y + 66))
    pressed = blit_text(
        surface, theme, "press ← or → to start", 22, pal.accent, (x, y + 100), bold=True
    )
    blit_text(surface, theme, "(or the d-pad)", 15, pal.text_dim, (pressed.right + 8, y + 106))
