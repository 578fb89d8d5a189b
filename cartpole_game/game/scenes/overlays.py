"""Overlays that sit on the scene stack above a mode: pause and help. Also on-screen toasts."""

from __future__ import annotations

import pygame

from cartpole_game.core.text import drawable
from cartpole_game.game.input.bindings import HelpRows, dispatch
from cartpole_game.game.input.tables import PAUSE_OVERLAY
from cartpole_game.game.render.theme import blit_text, fit_text
from cartpole_game.game.scenes.base import Scene, SceneContext
from cartpole_game.sim.controllers import HumanController


def dim(surface: pygame.Surface, amount: int = 150) -> None:
    """Darken everything drawn so far, so an overlay reads clearly above it."""
    shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    shade.fill((8, 10, 18, amount))
    surface.blit(shade, (0, 0))


TOAST_SIZE = 16


def draw_toasts(surface: pygame.Surface, ctx: SceneContext) -> None:
    """Short notices (speed changes, warnings) stacked above the bottom of the screen.

    Their text may come from files (an error naming a path), so it is made drawable and cut to
    the screen's width; it is drawn with ``blit_text``, so the layout test sees it too.
    """
    theme = ctx.theme
    y = surface.get_height() - 130
    for toast in reversed(ctx.toasts):
        text = fit_text(theme, drawable(toast.text, 200), TOAST_SIZE, surface.get_width() - 80)
        width, height = theme.fonts.font(TOAST_SIZE).size(text)
        rect = pygame.Rect(0, 0, width, height)
        rect.midbottom = (surface.get_width() // 2, y)
        box = rect.inflate(28, 14)
        pygame.draw.rect(surface, theme.palette.panel_edge, box, border_radius=10)
        blit_text(surface, theme, text, TOAST_SIZE, theme.palette.text, rect.topleft)
        y = box.top - 8


class PauseOverlay(Scene):
    """Freezes the scene below (only the top scene updates) until Space or Esc.

    H shows the help of the paused scene, which the scene that pauses passes in as ``help_rows``.
    """

    is_overlay = True
    bindings = PAUSE_OVERLAY

    def __init__(
        self,
        ctx: SceneContext,
        human: HumanController | None = None,
        help_rows: HelpRows = (),
    ) -> None:
        super().__init__(ctx)
        self.human = human
        self.covered_help = help_rows

    def help_rows(self) -> HelpRows:
        return self.covered_help or super().help_rows()

    def handle_event(self, event: pygame.event.Event) -> None:
        on_press = {"resume": self.resume, "back": self.back, "help": self.show_help}
        dispatch(self.bindings, event, on_press)

    def resume(self) -> None:
        if self.human is not None:
            self.human.release_all()  # keys released while paused never reached the game
        self.ctx.stack.pop()

    def back(self) -> None:
        if "menu" in self.ctx.modes:
            self.ctx.open_mode("menu")
        else:
            self.ctx.quit_requested = True

    def show_help(self) -> None:
        self.ctx.stack.push(HelpOverlay(self.ctx, self.help_rows()))

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
            self.bindings.status_line(("resume", "help", "back")),
            20,
            pal.text_dim,
            (cx, cy + 30),
            "center",
        )


# The help box: a keys column and a meanings column; rows are 44 px apart.
HELP_BOX_WIDTH = 760
HELP_KEYS_X = 40
HELP_MEANING_X = 290
HELP_ROW_HEIGHT = 44


def help_box_height(rows: int) -> int:
    return 120 + HELP_ROW_HEIGHT * rows


class HelpOverlay(Scene):
    """A scene's keys as its binding table lists them (``Scene.help_rows``); any key closes it."""

    is_overlay = True

    def __init__(self, ctx: SceneContext, rows: HelpRows) -> None:
        super().__init__(ctx)
        self.rows = rows

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN):
            self.ctx.stack.pop()

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        dim(surface, 190)
        pal = self.ctx.theme.palette
        theme = self.ctx.theme
        box = pygame.Rect(0, 0, HELP_BOX_WIDTH, help_box_height(len(self.rows)))
        box.center = (surface.get_width() // 2, surface.get_height() // 2)
        surface.blit(self.ctx.hud.panel(box.size, 240), box)
        blit_text(
            surface, theme, "Keys", 34, pal.accent, (box.centerx, box.top + 22), "midtop", bold=True
        )
        y = box.top + 84
        for key_names, meaning in self.rows:
            blit_text(
                surface, theme, key_names, 19, pal.text, (box.left + HELP_KEYS_X, y), bold=True
            )
            blit_text(surface, theme, meaning, 18, pal.text_dim, (box.left + HELP_MEANING_X, y + 1))
            y += HELP_ROW_HEIGHT
        blit_text(
            surface,
            theme,
            "press any key to close",
            14,
            pal.text_dim,
            (box.centerx, box.bottom - 14),
            "midbottom",
        )
