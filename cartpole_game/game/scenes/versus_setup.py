"""The versus setup: the menu's "Versus" chooses both sides, the level, the rounds and the agents'
handicap.

A side is a human, a shipped agent, one of the newest agent files in the data directory's
``checkpoints/`` folder (where the live training view saves), so a network just trained can race at
once, or an agent file the player opened lately; a file dropped on the window becomes the chosen
side (the left one if its row is chosen, else the right). The level starts at the one the player is
on in the ladder, the handicap at "fair for this level"
(:mod:`cartpole_game.game.scenes.versus_choices` has what each row offers). ↑/↓ choose a row, ←/→
change it, Enter starts the match; a file that cannot be loaded says so in a toast and the setup
stays. The command line's ``versus`` mode is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pygame

from cartpole_game.core.errors import FileFormatError, UserFacingError
from cartpole_game.core.text import drawable
from cartpole_game.game.arguments import FAIR, HUMAN
from cartpole_game.game.input.bindings import COMMAND_EVENTS, dispatch
from cartpole_game.game.input.tables import VERSUS_SETUP
from cartpole_game.game.render.layout import VERSUS_SETUP_LAYOUT
from cartpole_game.game.render.theme import Color, blit_text, fit_middle, fit_text
from cartpole_game.game.scenes.base import MenuEntry, ModeSpec, Scene, SceneContext
from cartpole_game.game.scenes.overlays import HelpOverlay, draw_toasts
from cartpole_game.game.scenes.versus import VersusScene, handicap_side
from cartpole_game.game.scenes.versus_choices import (
    ROUNDS,
    Choice,
    agent_file_choice,
    fair_detail,
    fair_words,
    handicap_choices,
    handicap_label,
    level_choices,
    rounds_detail,
    rounds_label,
    side_choices,
)
from cartpole_game.game.scenes.versus_draw import level_title
from cartpole_game.sim.controllers import Controller, ExplainingController
from cartpole_game.sim.levels import LEVELS, Level

CANNOT = "Cannot use"  # a toast about a side that cannot play starts so
LEFT, RIGHT, LEVEL, ROUNDS_ROW, HANDICAP = range(5)  # the rows, top to bottom
ROW_TITLES = ("Left side", "Right side", "Level", "Rounds", "Agents' handicap")

PANEL = pygame.Rect(64, 116, 1152, 404)
ROW_HEIGHT = 76
VALUE_BOX = pygame.Rect(560, 0, 600, 44)  # x and size; each row sets its top
SUMMARY = pygame.Rect(64, 532, 1152, 128)


class VersusSetupScene(Scene):
    bindings = VERSUS_SETUP

    def __init__(self, ctx: SceneContext) -> None:
        super().__init__(ctx)
        sides = side_choices(ctx.data_dir)
        self.rows: list[list[Choice]] = [
            sides,
            sides,
            level_choices(),
            [Choice(n, rounds_label(n), rounds_detail(n)) for n in ROUNDS],
            handicap_choices(),
        ]
        config = ctx.config
        level = config.level if config.level is not None else ctx.progress.current_level().number
        self.chosen = [
            self._index_of(LEFT, config.left, 0),
            self._index_of(RIGHT, config.right, 1),
            self._index_of(LEVEL, level, len(LEVELS) - 1),
            self._index_of(ROUNDS_ROW, config.rounds, 1),
            self._index_of(HANDICAP, config.handicap or FAIR, 0),
        ]
        self.selected = 0
        self._row_rects: list[pygame.Rect] = []
        self._arrow_rects: list[tuple[pygame.Rect, pygame.Rect]] = []
        self._start_rect = pygame.Rect(0, 0, 0, 0)

    def _index_of(self, row: int, value: object, default: int) -> int:
        for i, choice in enumerate(self.rows[row]):
            if choice.value == value:
                return i
        return min(default, len(self.rows[row]) - 1)

    # -- what is chosen -----------------------------------------------------------------------
    def value(self, row: int) -> object:
        return self.rows[row][self.chosen[row]].value

    @property
    def sides(self) -> tuple[str, str]:
        return str(self.value(LEFT)), str(self.value(RIGHT))

    def side_names(self) -> list[tuple[str, str]]:
        """Each side's spec and the name the setup shows for it."""
        return [
            (spec, self.rows[row][self.chosen[row]].label) for row, spec in enumerate(self.sides)
        ]

    @property
    def level(self) -> Level:
        number = self.value(LEVEL)
        assert isinstance(number, int)
        return LEVELS[number - 1]

    @property
    def rounds(self) -> int:
        rounds = self.value(ROUNDS_ROW)
        assert isinstance(rounds, int)
        return rounds

    @property
    def handicap(self) -> str | None:
        handicap = self.value(HANDICAP)
        return handicap if isinstance(handicap, str) else None

    def offer_agent(self, spec: str, name: str, row: int = RIGHT) -> None:
        """Put the agent file ``spec`` (called ``name``) on side ``row``, listed if it is not."""
        sides = self.rows[LEFT]
        index = next((i for i, c in enumerate(sides) if c.value == spec), None)
        if index is None:
            sides.append(agent_file_choice(spec, name))  # both side rows share the one list
            index = len(sides) - 1
        self.chosen[row] = index
        self.selected = row

    def take_agent(self, agent: ExplainingController, spec: str) -> str:
        """A dropped agent becomes the chosen side: the left one if its row is chosen, else the
        right."""
        row = LEFT if self.selected == LEFT else RIGHT
        self.offer_agent(spec, agent.name, row)
        return f"{agent.name} plays on the {'left' if row == LEFT else 'right'}"

    # -- input --------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type in COMMAND_EVENTS:
            dispatch(self.bindings, event, self.press_handlers())
            return
        pos = getattr(event, "pos", None)
        if not isinstance(pos, tuple) or len(pos) != 2:
            return
        if event.type == pygame.MOUSEMOTION:
            row = self._row_at(pos)
            if row is not None:
                self.selected = row
        elif event.type == pygame.MOUSEBUTTONDOWN and getattr(event, "button", 0) == 1:
            self._click(pos)

    def press_handlers(self) -> dict[str, Callable[[], None]]:
        return {
            "up": lambda: self.move(-1),
            "down": lambda: self.move(+1),
            "left": lambda: self.change(-1),
            "right": lambda: self.change(+1),
            "confirm": self.start,
            "help": lambda: self.ctx.stack.push(HelpOverlay(self.ctx, self.help_rows())),
            "back": self.ctx.go_back,
        }

    def move(self, step: int) -> None:
        self.selected = (self.selected + step) % len(self.rows)

    def change(self, step: int, row: int | None = None) -> None:
        row = self.selected if row is None else row
        self.chosen[row] = (self.chosen[row] + step) % len(self.rows[row])

    def _row_at(self, pos: tuple[int, int]) -> int | None:
        for i, rect in enumerate(self._row_rects):
            if rect.collidepoint(pos):
                return i
        return None

    def _click(self, pos: tuple[int, int]) -> None:
        if self._start_rect.collidepoint(pos):
            self.start()
            return
        row = self._row_at(pos)
        if row is None:
            return
        self.selected = row
        back, box = self._arrow_rects[row]  # ◀ goes back; the rest of the value box forward
        if back.collidepoint(pos):
            self.change(-1, row)
        elif box.collidepoint(pos):
            self.change(+1, row)

    def start(self) -> None:
        """Enter: load both sides (a bad file: a toast, and the setup stays) and play."""
        services = self.ctx.services
        assert services is not None, "the app gives the context its services"
        config = replace(self.ctx.config, handicap=self.handicap, level=self.level.number)
        controllers: list[Controller] = []
        for row, spec in enumerate(self.sides):
            try:
                controllers.append(handicap_side(services.side(spec), config, spec))
            except Exception as exc:  # a corrupt or vanished file: say so, stay here
                self._cannot(self.rows[row][self.chosen[row]].label, exc)
                return
        left, right = controllers
        try:
            scene = VersusScene(self.ctx, left, right, rounds=self.rounds, level=self.level)
        except Exception as exc:  # an agent that loads but cannot act (e.g. the wrong shapes)
            self._cannot(f"{left.name} vs {right.name}", exc)
            return
        self.ctx.toasts = [t for t in self.ctx.toasts if not t.text.startswith(CANNOT)]
        self.ctx.stack.replace_all(scene)

    def _cannot(self, name: str, exc: Exception) -> None:
        """A toast saying why ``name`` cannot play (a bad file's problem, without its path)."""
        if isinstance(exc, FileFormatError):
            problem = exc.problem
        elif isinstance(exc, UserFacingError):
            problem = str(exc)
        else:
            problem = f"{type(exc).__name__}: {exc}"
        text = fit_text(self.ctx.theme, drawable(f"{CANNOT} {name}: {problem}", 200), 16, 1160)
        self.ctx.notify(text, 6.0)

    # -- drawing ------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        surface.fill(pal.sky_bottom)
        blit_text(surface, theme, "Versus", 48, pal.text, (64, 24), bold=True)
        blit_text(
            surface,
            theme,
            "Two carts, the same start, the same pokes and wind: who lasts longer?",
            18,
            pal.text_dim,
            (66, 84),
        )
        self.ctx.hud.blit_panel(surface, "choices", PANEL, 235)
        self._row_rects = []
        self._arrow_rects = []
        for row, title in enumerate(ROW_TITLES):
            rect = pygame.Rect(
                PANEL.left + 12, PANEL.top + 8 + row * (ROW_HEIGHT + 2), PANEL.width - 24, 76
            )
            self._draw_row(surface, rect, row, title)
            self._row_rects.append(rect)
        self._draw_summary(surface)
        blit_text(
            surface,
            theme,
            self.bindings.status_line(("up", "left", "confirm", "help", "back")),
            16,
            pal.text_dim,
            (66, 680),
        )
        draw_toasts(surface, self.ctx, VERSUS_SETUP_LAYOUT.rect("toasts"))

    def _draw_row(self, surface: pygame.Surface, rect: pygame.Rect, row: int, title: str) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        chosen_row = row == self.selected
        if chosen_row:
            pygame.draw.rect(surface, pal.panel_edge, rect, border_radius=10)
            pygame.draw.rect(
                surface,
                pal.accent,
                (rect.left, rect.top + 14, 5, rect.height - 28),
                border_radius=3,
            )
        blit_text(
            surface,
            theme,
            title,
            26,
            pal.accent if chosen_row else pal.text,
            (rect.left + 22, rect.top + 8),
            bold=True,
        )
        count = len(self.rows[row])
        position = f"{self.chosen[row] + 1} of {count}"
        blit_text(surface, theme, position, 15, pal.text_dim, (rect.left + 24, rect.top + 46))
        choice = self.rows[row][self.chosen[row]]
        box = VALUE_BOX.move(0, rect.top + 6)
        pygame.draw.rect(surface, pal.sky_bottom, box, border_radius=8)
        pygame.draw.rect(
            surface, pal.accent if chosen_row else pal.panel_edge, box, width=2, border_radius=8
        )
        back = pygame.Rect(box.left, box.top, 48, box.height)
        forward = pygame.Rect(box.right - 48, box.top, 48, box.height)
        arrow_color = pal.accent if chosen_row else pal.text_dim
        self._draw_arrow(surface, back, -1, arrow_color)
        self._draw_arrow(surface, forward, +1, arrow_color)
        self._arrow_rects.append((back, box))
        label = fit_middle(theme, choice.label, 22, box.width - 2 * 56, bold=True)
        blit_text(surface, theme, label, 22, pal.text, box.center, "center", bold=True)
        detail = self._detail(row, choice)
        detail = fit_text(theme, detail, 15, box.width - 16)
        blit_text(surface, theme, detail, 15, pal.text_dim, (box.centerx, box.bottom + 4), "midtop")

    def _detail(self, row: int, choice: Choice) -> str:
        if row == HANDICAP and all(side == HUMAN for side in self.sides):
            return "no agent side to handicap"
        if row == HANDICAP and choice.value == FAIR:
            return fair_detail(self.level.number, self.side_names())
        return choice.detail

    @staticmethod
    def _draw_arrow(
        surface: pygame.Surface, rect: pygame.Rect, direction: int, color: Color
    ) -> None:
        cx, cy = rect.center
        tip = cx + 8 * direction
        pygame.draw.polygon(
            surface,
            color,
            [(tip, cy), (cx - 8 * direction, cy - 10), (cx - 8 * direction, cy + 10)],
        )

    def _draw_summary(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        self.ctx.hud.blit_panel(surface, "summary", SUMMARY, 235)
        width = (SUMMARY.width - 320 - 60) // 2  # each side's name, around the "vs"
        names = [fit_middle(theme, name, 26, width, True) for _, name in self.side_names()]
        blit_text(
            surface,
            theme,
            f"{names[0]}  vs  {names[1]}",
            26,
            pal.text,
            (SUMMARY.left + 24, SUMMARY.top + 14),
            bold=True,
        )
        speed = self.ctx.config.loop.time_scale or self.level.time_scale
        terms = f"{level_title(self.level, speed)}  ·  {rounds_label(self.rounds)}  ·  no medals"
        for line, y in ((terms, 56), (self._handicap_terms(), 86)):
            blit_text(
                surface,
                theme,
                fit_text(theme, line, 18, SUMMARY.width - 320),
                18,
                pal.text_dim,
                (SUMMARY.left + 26, SUMMARY.top + y),
            )
        button = pygame.Rect(SUMMARY.right - 264, SUMMARY.top + 36, 240, 56)
        pygame.draw.rect(surface, pal.accent, button, border_radius=10)
        blit_text(
            surface, theme, "Start  (Enter)", 22, pal.sky_bottom, button.center, "center", bold=True
        )
        self._start_rect = button

    def _handicap_terms(self) -> str:
        """The agents' handicap in words ("" when there is no agent side or no handicap)."""
        names = self.side_names()
        agents = [(spec, name) for spec, name in names if spec != HUMAN]
        if self.handicap is None or not agents:
            return ""
        if self.handicap != FAIR:
            return f"agent handicap: {handicap_label(self.handicap)}"
        fair = [fair_words(self.level.number, spec, name) for spec, name in dict.fromkeys(agents)]
        return "fair handicap: " + " · ".join(fair)


MODE = ModeSpec(
    name="versus-setup",
    help="choose the versus sides, the level, the rounds and a handicap, then play",
    make_scene=lambda services: VersusSetupScene(services.ctx),
    menu=MenuEntry("Versus", "you against an agent, side by side: choose the sides"),
)
