"""The single arena's end-of-run banner: how the run ended, its score, and what it won."""

from __future__ import annotations

import pygame

from cartpole_game.game.scenes.base import SceneContext
from cartpole_game.sim.arena import EndReason

BANNER_CENTER = (640, 192)


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


def draw_end_banner(
    surface: pygame.Surface,
    ctx: SceneContext,
    reason: EndReason,
    score: int,
    new_best: bool,
    medal: str | None,
    driver: str | None = None,
) -> None:
    """The banner over the arena once a run has ended: green for the goal, red for a fall."""
    title, subtitle = end_banner_text(reason, score, new_best, medal, driver)
    pal = ctx.theme.palette
    color = pal.good if reason is EndReason.MAX_STEPS else pal.bad
    ctx.hud.draw_banner(surface, title, subtitle, color, BANNER_CENTER)
