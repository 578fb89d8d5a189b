"""Overlays that sit on the scene stack above a mode: pause and help. Also on-screen toasts."""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from cartpole_game.core.text import drawable
from cartpole_game.game.input.bindings import HelpRows, dispatch
from cartpole_game.game.input.tables import PAUSE_OVERLAY
from cartpole_game.game.render.layout import SpriteEntry, log_panel, place_clear
from cartpole_game.game.render.theme import blit_text, fit_text
from cartpole_game.game.scenes.base import Scene, SceneContext
from cartpole_game.sim.controllers import HumanController


def dim(surface: pygame.Surface, amount: int = 150) -> None:
    """Darken everything drawn so far, so an overlay reads clearly above it."""
    shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    shade.fill((8, 10, 18, amount))
    surface.blit(shade, (0, 0))


PAUSE_CARD_HEIGHT = 128
PAUSE_KEYS_SIZE = 18
TOAST_SIZE = 15
TOAST_PAD = (14, 5)  # around the text, each side
TOAST_GAP = 4
BOTTOM_TOASTS = pygame.Rect(280, 546, 720, 62)  # the arena's region, for scenes without one


def draw_toasts(
    surface: pygame.Surface, ctx: SceneContext, region: pygame.Rect = BOTTOM_TOASTS
) -> None:
    """Short notices (speed changes, warnings), the newest at the bottom of the scene's toast
    region and older ones above it, as many as fit: the region is kept free of anything else.

    Their text may come from files (an error naming a path), so it is made drawable and cut to
    the region's width; it is drawn with ``blit_text``, so the layout test sees it too.
    """
    theme = ctx.theme
    pad_x, pad_y = TOAST_PAD
    bottom = region.bottom
    for toast in reversed(ctx.toasts):
        text = fit_text(theme, drawable(toast.text, 200), TOAST_SIZE, region.width - 2 * pad_x)
        width, height = theme.fonts.font(TOAST_SIZE).size(text)
        box = pygame.Rect(0, 0, width + 2 * pad_x, height + 2 * pad_y)
        box.midbottom = (region.centerx, bottom)
        if box.top < region.top:
            break  # the older ones wait their turn off screen
        pygame.draw.rect(surface, theme.palette.panel_edge, box, border_radius=10)
        log_panel(theme, "toast", box, region)
        blit_text(
            surface, theme, text, TOAST_SIZE, theme.palette.text, (box.x + pad_x, box.y + pad_y)
        )
        bottom = box.top - TOAST_GAP


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
        region: pygame.Rect | None = None,
        obstacles: Sequence[SpriteEntry | pygame.Rect] = (),
    ) -> None:
        super().__init__(ctx)
        self.human = human
        self.covered_help = help_rows
        # Where the "Paused" card may go, and what it keeps clear of (the frozen cart and pole).
        self.region = region
        self.obstacles = tuple(obstacles)

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
        theme = self.ctx.theme
        pal = theme.palette
        keys = self.bindings.status_line(("resume", "help", "back"))
        width = max(420, theme.fonts.font(PAUSE_KEYS_SIZE).size(keys)[0] + 48)
        region = self.region or surface.get_rect()
        if self.region is None:  # nothing to keep clear of: the middle of the screen
            card = pygame.Rect(0, 0, width, PAUSE_CARD_HEIGHT)
            card.center = region.center
        else:
            card = place_clear((width, PAUSE_CARD_HEIGHT), region, self.obstacles)
        self.ctx.hud.blit_panel(surface, "pause", card, 200, region)
        blit_text(
            surface, theme, "Paused", 56, pal.text, (card.centerx, card.top + 14), "midtop", True
        )
        keys = fit_text(theme, keys, PAUSE_KEYS_SIZE, card.width - 32)
        blit_text(
            surface,
            theme,
            keys,
            PAUSE_KEYS_SIZE,
            pal.text_dim,
            (card.centerx, card.bottom - 18),
            "midbottom",
        )


# The help box: a keys column and a meanings column, opaque, centred, as tall as its rows need.
HELP_BOX_WIDTH = 1000
HELP_KEYS_X = 40
HELP_MEANING_X = 330
HELP_ROW_HEIGHT = 44  # shrinks (down to HELP_MIN_ROW) when a scene has many keys
HELP_MIN_ROW = 26
HELP_CHROME = 120  # the title above the rows and the closing line below them
HELP_MARGIN = 12
GREYED = (92, 98, 110)  # a key that does nothing now


def help_row_height(rows: int, screen_height: int) -> int:
    room = screen_height - 2 * HELP_MARGIN - HELP_CHROME
    return max(HELP_MIN_ROW, min(HELP_ROW_HEIGHT, room // max(1, rows)))


def help_box_height(rows: int, screen_height: int = 720) -> int:
    return HELP_CHROME + help_row_height(rows, screen_height) * rows


class HelpOverlay(Scene):
    """A scene's keys as its binding table lists them (``Scene.help_rows``); any key closes it.

    Rows whose keys are in ``greyed`` do nothing right now (say, saving before there is a
    network): they are drawn greyed out, so the help never promises what a key will not do."""

    is_overlay = True

    def __init__(
        self, ctx: SceneContext, rows: HelpRows, greyed: frozenset[str] = frozenset()
    ) -> None:
        super().__init__(ctx)
        self.rows = rows
        self.greyed = greyed

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN):
            self.ctx.stack.pop()

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        dim(surface, 190)
        theme = self.ctx.theme
        pal = theme.palette
        row_height = help_row_height(len(self.rows), surface.get_height())
        box = pygame.Rect(
            0, 0, HELP_BOX_WIDTH, help_box_height(len(self.rows), surface.get_height())
        )
        box.center = (surface.get_width() // 2, surface.get_height() // 2)
        self.ctx.hud.blit_panel(surface, "help", box, 255, covers=True)
        blit_text(
            surface, theme, "Keys", 34, pal.accent, (box.centerx, box.top + 22), "midtop", bold=True
        )
        y = box.top + 84
        key_width = HELP_MEANING_X - HELP_KEYS_X - 16
        meaning_width = box.width - HELP_MEANING_X - 32
        for key_names, meaning in self.rows:
            off = key_names in self.greyed
            if off:
                meaning += " (not now)"
            keys = fit_text(theme, key_names, 19, key_width, bold=True)
            blit_text(
                surface,
                theme,
                keys,
                19,
                GREYED if off else pal.text,
                (box.left + HELP_KEYS_X, y),
                bold=True,
            )
            meaning = fit_text(theme, meaning, 18, meaning_width)
            blit_text(
                surface,
                theme,
                meaning,
                18,
                GREYED if off else pal.text_dim,
                (box.left + HELP_MEANING_X, y + 1),
            )
            y += row_height
        closing = "press any key to close" + (
            "  ·  greyed keys do nothing right now" if self.greyed else ""
        )
        blit_text(
            surface, theme, closing, 14, pal.text_dim, (box.centerx, box.bottom - 14), "midbottom"
        )
