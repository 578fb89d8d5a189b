"""The main menu, over a cart that balances itself in the background.

Shown for a moment, it starts a training worker in the background (the app's
:class:`~cartpole_game.training.live.TrainerWarmer`), so that "Train live" shows learning within
about a second of the click instead of waiting seconds for torch to load.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pygame

from cartpole_game.game.input.bindings import COMMAND_EVENTS, dispatch
from cartpole_game.game.input.tables import MENU
from cartpole_game.game.render.layout import MENU_LAYOUT
from cartpole_game.game.render.theme import blit_text
from cartpole_game.game.render.transform import WorldView
from cartpole_game.game.scenes.base import ModeSpec, Scene, SceneContext
from cartpole_game.game.scenes.overlays import HelpOverlay, dim, draw_toasts
from cartpole_game.sim.arena import Arena
from cartpole_game.training.live import TrainerWarmer

WARM_AFTER = 0.5  # seconds the menu is shown before a training worker warms: a glance costs nothing
MENU_BOTTOM = 656  # the entries' panel ends above the key hints at y 680
BACKDROP_VIEW = WorldView(0, 0, 1280, 720, half_span_m=3.0, ground_frac=0.7)


class DemoBalancer:
    """A hand-tuned linear rule that keeps the backdrop cart up. Decoration, not an agent."""

    name = "demo"
    weights = np.array([0.1, 0.5, 2.0, 0.5], dtype=np.float32)

    def act(self, observation: np.ndarray) -> int:
        return int(float(observation @ self.weights) > 0)

    def reset(self) -> None:
        pass


@dataclass(frozen=True)
class MenuItem:
    title: str
    description: str
    action: Callable[[], None]


class MenuScene(Scene):
    bindings = MENU

    def __init__(self, ctx: SceneContext, warmer: TrainerWarmer | None = None) -> None:
        super().__init__(ctx)
        self.warmer = warmer  # None: no training worker is started in the background
        self.shown_at = time.monotonic()
        # One item per mode that asks for a place in the menu, in the registry's order.
        self.entries = [
            MenuItem(spec.menu.title, spec.menu.description, self._opener(name))
            for name, spec in ctx.modes.items()
            if spec.menu is not None
        ]
        self.entries.append(MenuItem("Quit", "close the game", self._quit))
        self.selected = 0
        self.demo = Arena(DemoBalancer(), seed=ctx.config.seed)
        self._rects: list[pygame.Rect] = []

    def _opener(self, mode: str) -> Callable[[], None]:
        return lambda: self.ctx.open_mode(mode)

    def _quit(self) -> None:
        self.ctx.quit_requested = True

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type in COMMAND_EVENTS:
            on_press = {
                "up": lambda: self.move(-1),
                "down": lambda: self.move(+1),
                "confirm": lambda: self.entries[self.selected].action(),
                "help": lambda: self.ctx.stack.push(HelpOverlay(self.ctx, self.help_rows())),
                "back": self._quit,
            }
            dispatch(self.bindings, event, on_press)
        elif event.type == pygame.MOUSEMOTION:
            hit = self._entry_at(event.pos)
            if hit is not None:
                self.selected = hit
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            hit = self._entry_at(event.pos)
            if hit is not None:
                self.selected = hit
                self.entries[hit].action()

    def move(self, step: int) -> None:
        self.selected = (self.selected + step) % len(self.entries)

    def _entry_at(self, pos: tuple[int, int]) -> int | None:
        for i, rect in enumerate(self._rects):
            if rect.collidepoint(pos):
                return i
        return None

    def update(self, dt: float) -> None:
        if self.warmer is not None and time.monotonic() - self.shown_at >= WARM_AFTER:
            self.warmer.warm()  # nothing new if one is already warm (the menu shown before)
            self.warmer = None  # once per visit
        self.demo.step()
        if self.demo.done:
            self.demo.reset()

    def _height(self, size: int) -> int:
        return int(self.ctx.theme.fonts.font(size, True).get_height())

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        state = tuple(float(v) for v in self.demo.interpolated_state(alpha))
        self.ctx.arena_renderer.draw(surface, BACKDROP_VIEW, state, force=self.demo.env.last_force)
        dim(surface, 90)
        blit_text(surface, theme, "CARTPOLE", 92, pal.text, (96, 70), bold=True)
        blit_text(
            surface,
            theme,
            "Balance the pole. Then watch a machine learn to do it.",
            22,
            pal.text_dim,
            (100, 180),
        )
        self._rects = []
        top = 236
        step = min(62, (MENU_BOTTOM - top) // len(self.entries))  # more modes: closer rows
        # More modes, closer rows: the largest title that leaves room for its description, which
        # sits under it, never over it (nor over the next row's title).
        cap = 25 if step >= 60 else 22
        title_size = next(
            (s for s in (25, 22, 20, 18) if s <= cap and self._height(s) + 18 <= step), 16
        )
        below = max(step - 22, self._height(title_size) + 1)  # the description's top
        title_top = min(3, below - self._height(title_size))
        box = pygame.Rect(64, top - 14, 488, step * len(self.entries) + 24)
        # Opaque: the demo cart runs behind it, on purpose.
        self.ctx.hud.blit_panel(surface, "menu", box, 250, covers=True)
        y = top
        for i, entry in enumerate(self.entries):
            rect = pygame.Rect(76, y, 464, max(step - 4, below + 17))
            chosen = i == self.selected
            if chosen:
                pygame.draw.rect(surface, pal.panel_edge, rect, border_radius=10)
                pygame.draw.rect(
                    surface,
                    pal.accent,
                    (rect.left, rect.top + 10, 5, rect.height - 20),
                    border_radius=3,
                )
            color = pal.accent if chosen else pal.text
            blit_text(
                surface,
                theme,
                entry.title,
                title_size,
                color,
                (rect.left + 22, rect.top + title_top),
                bold=True,
            )
            blit_text(
                surface,
                theme,
                entry.description,
                14,
                pal.text_dim,
                (rect.left + 24, rect.top + below),
            )
            self._rects.append(rect)
            y += step
        blit_text(
            surface,
            theme,
            self.bindings.status_line(("up", "down", "confirm", "help", "back")),
            16,
            pal.text_dim,
            (96, 680),
        )
        draw_toasts(surface, self.ctx, MENU_LAYOUT.rect("toasts"))


MODE = ModeSpec(
    name="menu",
    help="the main menu (default)",
    make_scene=lambda services: MenuScene(services.ctx, services.trainer_warmer),
)
