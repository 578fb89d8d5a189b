"""Versus on screen: two arenas side by side, each under a header naming who plays with its score
and time, its decision panel and gauges; the tally of rounds across the top, and each round's
result. :class:`VersusPainter` only reads the match it draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pygame

from cartpole_game.game.render.arena_view import lerp_color
from cartpole_game.game.render.decision_panel import (
    SpreadMemory,
    draw_decision_panel,
    plain_words,
    value_label,
)
from cartpole_game.game.render.hud import BANNER_HEIGHT, banner_width, shouted
from cartpole_game.game.render.layout import SpriteEntry, place_clear
from cartpole_game.game.render.theme import Theme, blit_text, fit_middle, fit_text
from cartpole_game.game.render.transform import WorldView
from cartpole_game.game.scenes.base import SceneContext
from cartpole_game.sim.arena import Arena, EndReason
from cartpole_game.sim.controllers import Controller, HumanController
from cartpole_game.sim.levels import Level
from cartpole_game.sim.versus import VersusMatch

VIEWS = (
    WorldView(0, 0, 640, 720, half_span_m=2.75, ground_frac=0.74),
    WorldView(640, 0, 640, 720, half_span_m=2.75, ground_frac=0.74),
)

RESULT_REGION = pygame.Rect(16, 120, 1248, 420)  # under the headers, over the arenas
RESULT_WIDEST = 760

# A pole being dragged: the side, where the drag started, and where the pointer is now.
Drag = tuple[int, tuple[int, int], tuple[int, int]]
COLUMN_WIDTH = 140  # a side's name in the match summary's table, at most


TITLE_SIZES = (24, 20, 17)  # a side header's name: the largest size at which it fits
TITLE_ROOM = 200  # of a header's width: its margins, the time and the score
TALLY_NAME = 260  # a side's name in the tally line, at most
TALLY_WIDTH = 1040  # the tally line, centred, clear of the recording mark at its right


def fit_title(theme: Theme, title: str, width: int) -> tuple[str, int]:
    """A side header's name and its size: the largest that fits ``width``, else the smallest
    with the name's middle cut out ("PPO (SB3 2.4) · ppo-Car…v1.zip")."""
    for size in TITLE_SIZES:
        if theme.fonts.font(size, True).size(title)[0] <= width:
            return title, size
    return fit_middle(theme, title, TITLE_SIZES[-1], width, True), TITLE_SIZES[-1]


def level_title(level: Level, time_scale: float) -> str:
    """The level a match plays and the speed it runs at: "Level 3 Half speed · 0.5×"."""
    return f"Level {level.number} {level.name} · {time_scale:g}×"


def side_name(controller: Controller) -> str:
    """ "YOU", or the agent's name: "DQN"."""
    return "YOU" if isinstance(controller, HumanController) else shouted(controller.name)


def side_title(controller: Controller) -> str:
    """ "YOU", or the agent's name with its handicap: "DQN (sees 4 steps late)"."""
    handicap = _handicap(controller)
    return side_name(controller) + (f" ({handicap})" if handicap else "")


def side_names(controllers: tuple[Controller, Controller]) -> tuple[str, str]:
    """Each side's name; two humans are told apart by their side, not both called "YOU"."""
    if all(isinstance(c, HumanController) for c in controllers):
        return ("LEFT PLAYER", "RIGHT PLAYER")
    left, right = controllers
    return side_name(left), side_name(right)


def _ended(arena: Arena) -> str:
    """How a side's round ended, in words that fit every level ("Goal reached", not "500")."""
    if arena.end_reason is EndReason.MAX_STEPS:
        return "Goal reached"
    return arena.end_reason.value if arena.end_reason else ""


def _handicap(controller: Controller) -> object:
    """The side's handicap (None for none): a handicapped agent says it in plain words."""
    return getattr(controller, "handicap", None)


class VersusPainter:
    """Draws ``match`` between ``controllers`` (left, right) as it stands."""

    def __init__(
        self, ctx: SceneContext, match: VersusMatch, controllers: tuple[Controller, Controller]
    ) -> None:
        self.ctx = ctx
        self.match = match
        self.controllers = controllers
        self.names = side_names(controllers)
        self.spreads = SpreadMemory()  # each side's agent's usual gap, for "how sure"
        self.obstacles: list[SpriteEntry | pygame.Rect] = []  # this frame's carts, poles, panels

    def draw(
        self,
        surface: pygame.Surface,
        alpha: float,
        values: Sequence[np.ndarray | None],
        ended_for: Sequence[float],
        waiting: bool,
        drag: Drag | None,
        fast_forward: bool = False,
    ) -> None:
        """Both sides, the tally, and the round's result (or "Press to start" while a round with
        a human waits; after the last round, the match's summary); ``ended_for``: game seconds
        since each side finished; ``fast_forward``: the agents play the rest of the round fast."""
        ctx = self.ctx
        pal = ctx.theme.palette
        self.obstacles = []
        for side, arena in enumerate(self.match.arenas):
            self._draw_side(surface, side, arena, alpha, ended_for[side], values[side])
            if fast_forward and not arena.done:
                self._draw_fast_forward(surface, side)
        pygame.draw.line(surface, pal.panel_edge, (640, 40), (640, 720), 2)
        self._draw_tally(surface)
        if self.match.round_over and self.match.match_over:
            self._draw_match_summary(surface)
        elif self.match.round_over:
            self._draw_result(surface)
        elif waiting:
            self._draw_press_to_start(surface)
        if drag is not None:
            pygame.draw.line(surface, pal.accent, drag[1], drag[2], 3)

    def title(self, controller: Controller) -> str:
        """The side's name with its handicap: "DQN (sees 4 steps late)"."""
        handicap = _handicap(controller)
        side = next(i for i, c in enumerate(self.controllers) if c is controller)
        name = self.names[side]
        return name + (f" ({handicap})" if handicap else "")

    def _draw_press_to_start(self, surface: pygame.Surface) -> None:
        """On each human's own side, clear of the centre divider and of its cart and pole."""
        theme = self.ctx.theme
        size = theme.fonts.font(40, True).size("Press to start")
        for side, controller in enumerate(self.controllers):
            if isinstance(controller, HumanController):
                region = pygame.Rect(int(VIEWS[side].left) + 16, 120, 608, 300)
                spot = place_clear(size, region, self.obstacles)
                blit_text(
                    surface,
                    theme,
                    "Press to start",
                    40,
                    theme.palette.accent,
                    spot.topleft,
                    bold=True,
                )

    def _draw_side(
        self,
        surface: pygame.Surface,
        side: int,
        arena: Arena,
        alpha: float,
        since: float,
        values: np.ndarray | None,
    ) -> None:
        """One side: its arena, header, decision panel and gauges, and how it ended if the other
        side plays on."""
        ctx = self.ctx
        view = VIEWS[side]
        state = tuple(float(v) for v in arena.interpolated_state(alpha))
        force = 0.0 if arena.done else arena.env.last_force
        won = arena.end_reason is EndReason.MAX_STEPS
        ctx.arena_renderer.for_params(arena.params).draw(
            surface,
            view,
            state,
            force=force,
            faded=arena.done,
            fallen_for=since if arena.done and not won else None,
            finished_for=since if won else None,
            clock=arena.elapsed,
        )
        self.obstacles += ctx.arena_renderer.for_params(arena.params).obstacles(
            view, state, since if arena.done and not won else None
        )
        left = int(view.left)
        controller = self.controllers[side]
        self._draw_header(surface, pygame.Rect(left + 16, 48, 608, 64), controller, arena)
        if values is not None:
            rect = pygame.Rect(left + 16, 122, 330, 100)
            draw_decision_panel(
                surface,
                ctx.theme,
                rect,
                controller.name,
                value_label(controller),
                values,
                ctx.hud.panel(rect.size),
                compact=True,
                plain=plain_words(controller),
                spreads=self.spreads,
            )
            self.obstacles.append(rect)
        ctx.hud.draw_gauges(surface, state, pygame.Rect(left + 16, 624, 608, 80), compact=True)
        if arena.done and not self.match.round_over:
            blit_text(
                surface,
                ctx.theme,
                f"{_ended(arena)} — {arena.score}",
                22,
                ctx.theme.palette.bad,
                (view.center_x, 300),
                "center",
                bold=True,
            )

    def _draw_header(
        self, surface: pygame.Surface, header: pygame.Rect, controller: Controller, arena: Arena
    ) -> None:
        """Who plays the side, its score and its time."""
        theme = self.ctx.theme
        pal = theme.palette
        self.ctx.hud.blit_panel(surface, "side header", header, 200)
        # A long name ("PPO (SB3 2.4) · ppo-CartPole-v1.zip") gets smaller, then loses its
        # middle, so that it ends before the time.
        title, size = fit_title(theme, self.title(controller), header.width - TITLE_ROOM)
        blit_text(
            surface,
            theme,
            title,
            size,
            pal.accent,
            (header.left + 18, header.centery),
            "midleft",
            bold=True,
        )
        blit_text(
            surface,
            theme,
            str(arena.score),
            36,
            pal.text,
            (header.right - 18, header.top + 10),
            "topright",
            bold=True,
        )
        blit_text(
            surface,
            theme,
            f"{arena.elapsed:5.2f} s",
            16,
            pal.text_dim,
            (header.right - 120, header.top + 24),
            "topright",
        )

    def _draw_tally(self, surface: pygame.Surface) -> None:
        pal = self.ctx.theme.palette
        left, right = (
            fit_middle(self.ctx.theme, self.title(c), 17, TALLY_NAME, True)
            for c in self.controllers
        )
        text = (
            f"{level_title(self.match.level, self.ctx.time_scale)}   ·   "
            f"round {self.match.round_number} of best-of-{self.match.rounds}   ·   "
            f"{left} {self.match.wins('left')} – {self.match.wins('right')} {right}"
        )
        if self.match.disturbances.wind_on:  # one wind for both sides: said once, up here
            text += f"   ·   wind {self.match.disturbances.wind_force:+.1f} N"
        text = fit_text(self.ctx.theme, text, 17, TALLY_WIDTH, bold=True)
        blit_text(surface, self.ctx.theme, text, 17, pal.text, (640, 12), "midtop", bold=True)

    def _draw_fast_forward(self, surface: pygame.Surface, side: int) -> None:
        """A tag under the side's header: its rest of the round runs fast (N: at once)."""
        rect = pygame.Rect(0, 0, 250, 34)
        rect.topright = (int(VIEWS[side].left) + 624, 122)
        self.ctx.hud.blit_panel(surface, "fast-forward", rect, 220)
        blit_text(
            surface,
            self.ctx.theme,
            "▶▶ fast-forward · N: skip",
            15,
            self.ctx.theme.palette.accent,
            rect.center,
            "center",
            bold=True,
        )

    def _draw_match_summary(self, surface: pygame.Surface) -> None:
        """The match's end: who won, every round's scores, and what the keys do now."""
        theme = self.ctx.theme
        pal = theme.palette
        match = self.match
        names = list(self.names)  # the handicaps go under the title
        winner = match.match_winner
        left, right = match.wins("left"), match.wins("right")
        if winner == "draw":
            title, color = f"The match is a draw, {left}–{right}", pal.accent
        else:
            first, second = (left, right) if winner == "left" else (right, left)
            name = names[0 if winner == "left" else 1]
            title, color = f"{name} wins the match {first}–{second}", pal.good
        rows = len(match.results)
        rect = pygame.Rect(0, 0, 620, 196 + 30 * rows)
        rect.center = (640, 360)
        # The match is over: its summary covers the arenas on purpose, opaque.
        self.ctx.hud.blit_panel(surface, "match summary", rect, 255, covers=True)
        pygame.draw.rect(
            surface,
            color,
            (rect.left, rect.top, rect.width, 5),
            border_top_left_radius=12,
            border_top_right_radius=12,
        )
        title = fit_text(theme, title, 34, rect.width - 32, bold=True)
        blit_text(surface, theme, title, 34, color, (rect.centerx, rect.top + 22), "midtop", True)
        handicaps = [
            f"{name} {_handicap(c)}"
            for name, c in zip(self.names, self.controllers, strict=True)
            if _handicap(c)
        ]
        where = "  ·  ".join([f"on {level_title(match.level, self.ctx.time_scale)}", *handicaps])
        where = fit_text(theme, where, 16, rect.width - 32)
        blit_text(surface, theme, where, 16, pal.text_dim, (rect.centerx, rect.top + 68), "midtop")
        columns = (rect.left + 90, rect.left + 250, rect.left + 400, rect.left + 540)
        top = rect.top + 104
        names = [fit_text(theme, name, 20, COLUMN_WIDTH, bold=True) for name in names]
        for x, label in zip(columns, ("round", names[0], names[1], "winner"), strict=True):
            blit_text(surface, theme, label, 16, pal.text_dim, (x, top), "midtop", bold=True)
        for i, result in enumerate(match.results):
            y = top + 30 + 30 * i
            won = {"left": names[0], "right": names[1]}.get(result.winner, "draw")
            cells = (str(result.round), str(result.left_score), str(result.right_score), won)
            for column, (x, text) in enumerate(zip(columns, cells, strict=True)):
                best = (column == 1 and result.winner == "left") or (
                    column == 2 and result.winner == "right"
                )
                blit_text(
                    surface,
                    theme,
                    text,
                    20,
                    pal.text if best or column not in (1, 2) else pal.text_dim,
                    (x, y),
                    "midtop",
                    bold=best,
                )
        blit_text(
            surface,
            theme,
            "Enter / N  new match   ·   Esc  menu",
            17,
            pal.accent,
            (rect.centerx, rect.bottom - 36),
            "midtop",
            bold=True,
        )

    def _draw_result(self, surface: pygame.Surface) -> None:
        pal = self.ctx.theme.palette
        result = self.match.results[-1]
        names = list(self.names)  # the headers name the handicaps
        if result.winner == "draw":
            title = f"Draw — both lasted {result.left_score}"
        else:
            winner = names[0 if result.winner == "left" else 1]
            title = f"{winner} wins round {result.round} by {result.margin} steps"
        subtitle = f"{result.left_score} vs {result.right_score}  ·  N for the next round"
        color = pal.good if result.winner != "draw" else pal.accent
        width = banner_width(self.ctx.theme, title, subtitle, RESULT_WIDEST)
        spot = place_clear((width, BANNER_HEIGHT), RESULT_REGION, self.obstacles)
        self.ctx.hud.draw_banner(
            surface, title, subtitle, lerp_color(color, pal.text, 0.1), spot, RESULT_REGION
        )
