"""The single arena's cards: the end-of-run banner (how the run ended, its score, what it won)
and the level card a run waits behind, each placed clear of the cart and pole."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pygame

from cartpole_game.game.render.hud import BANNER_HEIGHT, banner_width
from cartpole_game.game.render.layout import ARENA, SpriteEntry, place_clear
from cartpole_game.game.render.level_card import draw_level_card
from cartpole_game.game.scenes.base import SceneContext
from cartpole_game.sim.arena import EndReason
from cartpole_game.sim.levels import Level

BANNER_WIDEST = 600  # two fit side by side with the pole between them
LEVEL_CARD_SIZE = (480, 150)
Obstacles = Sequence[SpriteEntry | pygame.Rect]


def end_banner_text(
    reason: EndReason,
    score: int,
    new_best: bool,
    medal: str | None = None,
    driver: str | None = None,
) -> tuple[str, str]:
    """The banner's title and subtitle; ``driver`` (takeover) says who had the cart at the end."""
    title = f"Goal! {score} steps balanced" if reason is EndReason.MAX_STEPS else reason.value
    extras = [f"{medal} medal!"] if medal else []
    if driver is not None and reason is not EndReason.MAX_STEPS:
        extras.insert(0, f"{driver} driving")  # the title stays short enough for the banner
    if new_best:
        extras.append("new best!")
    subtitle = "  ·  ".join([f"Score {score}", *extras, "R to go again"])
    return title, subtitle


@dataclass(frozen=True)
class RunEnding:
    """How a run ended, for its banner; ``driver`` (takeover) says who had the cart."""

    reason: EndReason
    score: int
    new_best: bool
    medal: str | None = None
    driver: str | None = None


def draw_end_banner(
    surface: pygame.Surface, ctx: SceneContext, ending: RunEnding, obstacles: Obstacles = ()
) -> None:
    """The banner over the arena once a run has ended: green for the goal, red for a fall.

    It goes in the arena's "cards" region, clear of ``obstacles`` (the cart and pole as drawn,
    the decision panel), so the pole's tip at the moment of failure stays in sight."""
    title, subtitle = end_banner_text(
        ending.reason, ending.score, ending.new_best, ending.medal, ending.driver
    )
    pal = ctx.theme.palette
    color = pal.good if ending.reason is EndReason.MAX_STEPS else pal.bad
    region = ARENA.rect("cards")
    width = banner_width(ctx.theme, title, subtitle, BANNER_WIDEST)
    rect = place_clear((width, BANNER_HEIGHT), region, obstacles)
    ctx.hud.draw_banner(surface, title, subtitle, color, rect, region)


def draw_waiting_card(
    surface: pygame.Surface, ctx: SceneContext, level: Level, obstacles: Obstacles = ()
) -> None:
    """The level card a human's run waits behind, in the cards region, clear of the pole."""
    region = ARENA.rect("cards")
    rect = place_clear(LEVEL_CARD_SIZE, region, obstacles)
    draw_level_card(surface, ctx.theme, ctx.hud, rect, level, region)
