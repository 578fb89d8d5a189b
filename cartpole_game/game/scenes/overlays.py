"""Overlays that sit on the scene stack above a mode: pause and help. Also on-screen toasts."""

from __future__ import annotations

import pygame

from cartpole_game.game.render.theme import blit_text
from cartpole_game.game.scenes import keys
from cartpole_game.game.scenes.base import Scene, SceneContext
from cartpole_game.sim.controllers import HumanController


def dim(surface: pygame.Surface, amount: int = 150) -> None:
    """Darken everything drawn so far, so an overlay reads clearly above it."""
    shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    shade.fill((8, 10, 18, amount))
    surface.blit(shade, (0, 0))


def draw_toasts(surface: pygame.Surface, ctx: SceneContext) -> None:
    """Short notices (speed changes, warnings) stacked above the bottom of the screen."""
    y = surface.get_height() - 130
    for toast in reversed(ctx.toasts):
        rendered = ctx.theme.fonts.render(toast.text, 16, ctx.theme.palette.text)
        rect = rendered.get_rect(midbottom=(surface.get_width() // 2, y))
        box = rect.inflate(28, 14)
        pygame.draw.rect(surface, ctx.theme.palette.panel_edge, box, border_radius=10)
        surface.blit(rendered, rect)
        y = box.top - 8


class PauseOverlay(Scene):
    """Freezes the scene below (only the top scene updates) until Space, P or Esc."""

    is_overlay = True

    def __init__(self, ctx: SceneContext, human: HumanController | None = None) -> None:
        super().__init__(ctx)
        self.human = human

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type != pygame.KEYDOWN:
            return
        if event.key in keys.PAUSE_KEYS:
            if self.human is not None:
                self.human.release_all()  # keys released while paused never reached the game
            self.ctx.stack.pop()
        elif event.key in keys.BACK_KEYS:
            if "menu" in self.ctx.modes:
                self.ctx.open_mode("menu")
            else:
                self.ctx.quit_requested = True
        elif event.key in keys.HELP_KEYS:
            self.ctx.stack.push(HelpOverlay(self.ctx, keys.PLAY_HELP))

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        dim(surface)
        pal = self.ctx.theme.palette
        cx, cy = surface.get_width() // 2, surface.get_height() // 2
        blit_text(
            surface, self.ctx.theme, "Paused", 64, pal.text, (cx, cy - 40), "center", bold=True
        )
        blit_text(
            surface,
            self.ctx.theme,
            "Space to resume  ·  H for help  ·  Esc for the menu",
            20,
            pal.text_dim,
            (cx, cy + 30),
            "center",
        )


class HelpOverlay(Scene):
    """Every key, in a table. Any key or click closes it."""

    is_overlay = True

    def __init__(self, ctx: SceneContext, rows: tuple[tuple[str, str], ...]) -> None:
        super().__init__(ctx)
        self.rows = rows

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN):
            self.ctx.stack.pop()

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        dim(surface, 190)
        pal = self.ctx.theme.palette
        theme = self.ctx.theme
        width, height = 760, 120 + 44 * len(self.rows)
        box = pygame.Rect(0, 0, width, height)
        box.center = (surface.get_width() // 2, surface.get_height() // 2)
        surface.blit(self.ctx.hud.panel(box.size, 240), box)
        blit_text(
            surface, theme, "Keys", 34, pal.accent, (box.centerx, box.top + 22), "midtop", bold=True
        )
        y = box.top + 84
        for key_names, meaning in self.rows:
            blit_text(surface, theme, key_names, 19, pal.text, (box.left + 40, y), bold=True)
            blit_text(surface, theme, meaning, 18, pal.text_dim, (box.left + 290, y + 1))
            y += 44
        blit_text(
            surface,
            theme,
            "press any key to close",
            14,
            pal.text_dim,
            (box.centerx, box.bottom - 14),
            "midbottom",
        )
