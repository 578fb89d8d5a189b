"""The ladder: every level with its medal, best run and lock; Enter plays the one chosen.

A locked level can still be practised (play says so); its medals wait until the level before it
is cleared. ``python play.py levels`` prints the same ladder without a window.
"""

from __future__ import annotations

import pygame

from cartpole_game.game.input.bindings import COMMAND_EVENTS, dispatch
from cartpole_game.game.input.tables import LADDER
from cartpole_game.game.render.layout import LADDER_LAYOUT
from cartpole_game.game.render.medal import draw_medal
from cartpole_game.game.render.theme import blit_text, fit_text
from cartpole_game.game.scenes.base import MenuEntry, ModeSpec, Scene, SceneContext
from cartpole_game.game.scenes.overlays import HelpOverlay, draw_toasts
from cartpole_game.game.scenes.play import PlayScene
from cartpole_game.sim.controllers import ExplainingController
from cartpole_game.sim.levels import LEVELS, MEDALS, Level

LIST_RECT = pygame.Rect(64, 132, 1152, 528)
ROW_HEIGHT = 74
FACTS_X = 640  # where a row's speed, goal and best run start, right of the title and tagline


class LadderScene(Scene):
    bindings = LADDER

    def __init__(self, ctx: SceneContext) -> None:
        super().__init__(ctx)
        self.selected = ctx.progress.current_level().number - 1
        self._rects: list[pygame.Rect] = []

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type in COMMAND_EVENTS:
            dispatch(
                self.bindings,
                event,
                {
                    "up": lambda: self.move(-1),
                    "down": lambda: self.move(+1),
                    "confirm": self.play_selected,
                    "help": lambda: self.ctx.stack.push(HelpOverlay(self.ctx, self.help_rows())),
                    "back": self.ctx.go_back,
                },
            )
        elif event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN):
            for i, rect in enumerate(self._rects):
                if rect.collidepoint(event.pos):
                    self.selected = i
                    if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
                        self.play_selected()
                    break

    def move(self, step: int) -> None:
        self.selected = (self.selected + step) % len(LEVELS)

    def play_selected(self) -> None:
        services = self.ctx.services
        assert services is not None, "the app gives the context its services"

        def hints() -> ExplainingController:
            return services.agent(services.config.agent)

        self.ctx.stack.replace_all(PlayScene(self.ctx, hints, LEVELS[self.selected]))

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        surface.fill(pal.sky_bottom)
        blit_text(surface, theme, "The ladder", 48, pal.text, (64, 40), bold=True)
        cleared = sum(self.ctx.progress.cleared(level) for level in LEVELS)
        blit_text(
            surface,
            theme,
            f"{cleared} of {len(LEVELS)} cleared  ·  gold clears a level and opens the next",
            18,
            pal.text_dim,
            (66, 100),
        )
        self.ctx.hud.blit_panel(surface, "levels", LIST_RECT, 235)
        self._rects = []
        for i, level in enumerate(LEVELS):
            rect = pygame.Rect(
                LIST_RECT.left + 12, LIST_RECT.top + 12 + i * ROW_HEIGHT, LIST_RECT.width - 24, 68
            )
            self._draw_row(surface, rect, level, i == self.selected)
            self._rects.append(rect)
        blit_text(
            surface,
            theme,
            self.bindings.status_line(("up", "down", "confirm", "back")),
            16,
            pal.text_dim,
            (66, 680),
        )
        draw_toasts(surface, self.ctx, LADDER_LAYOUT.rect("toasts"))

    def _draw_row(
        self, surface: pygame.Surface, rect: pygame.Rect, level: Level, chosen: bool
    ) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        progress = self.ctx.progress
        if chosen:
            pygame.draw.rect(surface, pal.panel_edge, rect, border_radius=10)
            pygame.draw.rect(
                surface,
                pal.accent,
                (rect.left, rect.top + 12, 5, rect.height - 24),
                border_radius=3,
            )
        open_ = progress.unlocked(level)
        title_color = (pal.accent if chosen else pal.text) if open_ else pal.text_dim
        blit_text(
            surface,
            theme,
            f"{level.number}. {level.name}",
            24,
            title_color,
            (rect.left + 22, rect.top + 6),
            bold=True,
        )
        tagline = fit_text(theme, level.tagline, 15, FACTS_X - 40)
        blit_text(surface, theme, tagline, 15, pal.text_dim, (rect.left + 24, rect.top + 40))
        facts = f"{level.time_scale:g}×  ·  goal {level.goal_steps} steps"
        if level.disturbances.any:
            facts += "  ·  wind"
        if level.analog:
            facts += "  ·  stick: analog"
        blit_text(surface, theme, facts, 16, pal.text_dim, (rect.left + FACTS_X, rect.top + 10))
        record = progress.record(level)
        status = f"best {record.best_steps}" if record.best_steps else "not played yet"
        if not open_:
            status = f"locked: clear level {level.number - 1} (practice only)"
        blit_text(surface, theme, status, 16, pal.text, (rect.left + FACTS_X, rect.top + 38))
        for j, medal in enumerate(MEDALS):
            earned = record.medal is not None and MEDALS.index(record.medal) >= j
            center = (rect.right - 150 + j * 52, rect.top + 42)
            draw_medal(surface, center, 14, medal if earned else None)


MODE = ModeSpec(
    name="ladder",
    help="the ladder of levels: your medals, and a level to play",
    make_scene=lambda services: LadderScene(services.ctx),
    menu=MenuEntry("Levels", "the ladder from broom to CartPole-v1, your medals"),
)
