"""Drawing "Clone me": the two choices (level, runs), then the clone learning and how well it
copies the player, with its held-out agreement drawn epoch by epoch. Regions: ``CLONE_LAYOUT``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pygame

from cartpole_game.game.render.layout import CLONE_LAYOUT
from cartpole_game.game.render.theme import Color, blit_text, fit_text
from cartpole_game.game.scenes.base import SceneContext
from cartpole_game.game.scenes.clone_state import CloneView, Phase, held_out_runs
from cartpole_game.game.scenes.overlays import draw_toasts

CHOICES = CLONE_LAYOUT.rect("choices")
RESULT = CLONE_LAYOUT.rect("result")
ROW_HEIGHT = 76
VALUE_BOX = pygame.Rect(560, 0, 600, 44)  # x and size; each row sets its top
CHART = pygame.Rect(RESULT.right - 404, RESULT.top + 20, 380, RESULT.height - 40)
TEXT_WIDTH = CHART.left - RESULT.left - 48  # the lines left of the chart
BUTTON_SIZE = (250, 52)


def percent(value: Any) -> str:
    return "—" if value is None else f"{100 * float(value):.0f}%"


class ClonePainter:
    def __init__(self, ctx: SceneContext) -> None:
        self.ctx = ctx
        self.buttons: list[tuple[str, pygame.Rect]] = []  # where Watch and Race were drawn

    def draw(self, surface: pygame.Surface, view: CloneView) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        surface.fill(pal.sky_bottom)
        blit_text(surface, theme, "Clone me", 48, pal.text, (64, 24), bold=True)
        blit_text(
            surface,
            theme,
            "An agent learns to play like you from your own runs; then you race it.",
            18,
            pal.text_dim,
            (66, 84),
        )
        self.ctx.hud.blit_panel(surface, "choices", CHOICES, 235, CHOICES)
        level_detail = f"{view.kept} of your runs kept on this level"
        runs_detail = self._runs_detail(view)
        rows = (
            ("Level", f"{view.level.number}. {view.level.name}", level_detail),
            ("Your runs", f"your last {view.runs}", runs_detail),
        )
        for row, (title, label, detail) in enumerate(rows):
            top = CHOICES.top + 8 + row * (ROW_HEIGHT + 2)
            rect = pygame.Rect(CHOICES.left + 12, top, CHOICES.width - 24, ROW_HEIGHT)
            self._row(surface, rect, title, label, detail, row == view.selected)
        self.ctx.hud.blit_panel(surface, "result", RESULT, 235, RESULT)
        self._result(surface, view)
        blit_text(surface, theme, view.keys, 16, pal.text_dim, (66, 680))
        draw_toasts(surface, self.ctx, CLONE_LAYOUT.rect("toasts"))

    @staticmethod
    def _runs_detail(view: CloneView) -> str:
        used = view.used
        if not used:
            return "none yet on this level: Enter plays it"
        held = held_out_runs(used)
        aside = f"{held} held out to test it" if held else "none held out (play a second run)"
        return f"learns from {used} run{'s' if used != 1 else ''}: {aside}"

    def _row(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        title: str,
        label: str,
        detail: str,
        on: bool,
    ) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        if on:
            pygame.draw.rect(surface, pal.panel_edge, rect, border_radius=10)
            pygame.draw.rect(
                surface, pal.accent, (rect.left, rect.top + 14, 5, 48), border_radius=3
            )
        color = pal.accent if on else pal.text
        blit_text(surface, theme, title, 26, color, (rect.left + 22, rect.top + 18), bold=True)
        box = VALUE_BOX.move(0, rect.top + 6)
        pygame.draw.rect(surface, pal.sky_bottom, box, border_radius=8)
        pygame.draw.rect(surface, color if on else pal.panel_edge, box, width=2, border_radius=8)
        for direction, x in ((-1, box.left + 24), (1, box.right - 24)):
            tip, back = x + 8 * direction, x - 8 * direction
            cy = box.centery
            arrow = [(tip, cy), (back, cy - 10), (back, cy + 10)]
            pygame.draw.polygon(surface, pal.accent if on else pal.text_dim, arrow)
        blit_text(surface, theme, label, 22, pal.text, box.center, "center", bold=True)
        detail = fit_text(theme, detail, 15, box.width - 16)
        blit_text(surface, theme, detail, 15, pal.text_dim, (box.centerx, box.bottom + 4), "midtop")

    # -- the result panel -----------------------------------------------------------------------
    def _result(self, surface: pygame.Surface, view: CloneView) -> None:
        state = view.state
        pal = self.ctx.theme.palette
        self.buttons = []
        if state.phase is Phase.READY:
            self._ready(surface, view)
        elif state.phase is Phase.TRAINING:
            held = (
                f"agrees with you on {percent(state.curve[-1])} of the held-out steps so far"
                if state.curve
                else ""
            )
            lines = [
                state.status,
                held,
                "The curve: how often it does what you did, on runs it never trains on.",
            ]
            self._lines(surface, "Your clone is learning…", pal.accent, lines, TEXT_WIDTH)
            self._chart(surface, state.curve)
        elif state.phase is Phase.DONE:
            self._done(surface, view)
        else:
            lines = [state.error or "", "Enter tries again."]
            self._lines(surface, "Your clone could not be trained", pal.bad, lines)

    def _ready(self, surface: pygame.Surface, view: CloneView) -> None:
        pal = self.ctx.theme.palette
        name = view.level.name
        if not view.used:
            lines = [
                "Play a few runs first: Enter plays this level.",
                "Every run you play (play, takeover, your side of versus) is kept for your clone.",
            ]
            self._lines(surface, f"No runs of yours on {name} yet", pal.accent, lines)
            return
        used = view.used
        held = held_out_runs(used)
        lines = [
            "Enter trains your clone in a few seconds. From what you saw at each step it learns "
            "what you pressed: ←, → or nothing.",
            f"{held} of the {used} runs are held out: it never sees them, and they show how "
            "well it copies you."
            if held
            else "With one run nothing is held out to test it.",
        ]
        title = f"Ready to learn from your last {used} run{'s' if used != 1 else ''} on {name}"
        self._lines(surface, title, pal.accent, lines)

    def _done(self, surface: pygame.Surface, view: CloneView) -> None:
        """The figure first, big: how often the clone does what the player did on the steps of
        runs it never saw; then what it learned from, where it is, and the two buttons."""
        state = view.state
        theme = self.ctx.theme
        pal = theme.palette
        report, made = state.report or {}, state.summary or {}
        held = report.get("held_out_agreement")
        x, y = RESULT.left + 24, RESULT.top + 18
        blit_text(surface, theme, "Your clone agrees with you on", 22, pal.text, (x, y))
        figure = blit_text(
            surface,
            theme,
            percent(held if held is not None else report.get("train_agreement")),
            64,
            pal.good,
            (x - 2, y + 30),
            bold=True,
        )
        of_what = "of the steps it never saw" if held is not None else "of the steps it learned"
        blit_text(surface, theme, of_what, 22, pal.text, (figure.right + 14, figure.bottom - 34))
        if held is None:
            first = "With one run nothing was held out: play another for an honest figure."
        else:
            by = report.get("held_out_agreement_by_action") or {}
            words = {"push_left": "←", "push_right": "→", "no_push": "no push"}
            parts = [f"{words.get(k, k)} {percent(v)}" for k, v in by.items() if v is not None]
            runs = report.get("held_out_episodes", 0)
            first = "  ·  ".join(
                [f"{report.get('held_out_steps', 0):,} steps of {runs} run(s) held out", *parts]
            )
        level = state.level.name if state.level else "?"
        lines = [
            first,
            f"learned from {made.get('episodes', 0)} run(s), {made.get('steps', 0):,} steps on "
            f"{level}, in {report.get('train_seconds', 0.0):.1f} s",
            f"saved as {Path(state.path or '?').name}",
            "W watches it play; R races it: you versus your clone.",
        ]
        for i, line in enumerate(lines):
            text = fit_text(theme, line, 17, TEXT_WIDTH)
            color = pal.text if i < len(lines) - 1 else pal.text_dim
            blit_text(surface, theme, text, 17, color, (x + 2, y + 116 + 28 * i))
        self._chart(surface, state.curve)
        bx, by_ = RESULT.left + 24, RESULT.bottom - BUTTON_SIZE[1] - 20
        for command, text in (("watch", "Watch it  (W)"), ("race", "Race it  (R)")):
            rect = pygame.Rect((bx, by_), BUTTON_SIZE)
            pygame.draw.rect(surface, pal.accent, rect, border_radius=10)
            blit_text(surface, theme, text, 22, pal.sky_bottom, rect.center, "center", bold=True)
            self.buttons.append((command, rect))
            bx = rect.right + 20

    def _lines(
        self,
        surface: pygame.Surface,
        title: str,
        color: Color,
        lines: list[str],
        width: int = RESULT.width - 48,
    ) -> None:
        theme = self.ctx.theme
        x, y = RESULT.left + 24, RESULT.top + 22
        blit_text(
            surface, theme, fit_text(theme, title, 26, width, True), 26, color, (x, y), bold=True
        )
        for i, line in enumerate(line for line in lines if line):
            text = fit_text(theme, line, 18, width)
            blit_text(surface, theme, text, 18, theme.palette.text, (x + 2, y + 52 + 32 * i))

    def _chart(self, surface: pygame.Surface, curve: list[float]) -> None:
        """The held-out agreement after each epoch, from 50% (bottom) to 100% (top)."""
        theme = self.ctx.theme
        pal = theme.palette
        pygame.draw.rect(surface, pal.sky_bottom, CHART, border_radius=8)
        caption = "held-out agreement, epoch by epoch"
        blit_text(surface, theme, caption, 15, pal.text_dim, (CHART.left + 14, CHART.top + 10))
        plot = pygame.Rect(CHART.left + 56, CHART.top + 40, CHART.width - 72, CHART.height - 56)
        for share in (0.5, 0.75, 1.0):
            y = plot.bottom - (share - 0.5) / 0.5 * plot.height
            pygame.draw.line(surface, pal.panel_edge, (plot.left, y), (plot.right, y))
            label = f"{share:.0%}"
            blit_text(surface, theme, label, 14, pal.text_dim, (plot.left - 8, y), "midright")
        if len(curve) < 2:
            return
        span = max(len(curve) - 1, 50)
        points = [
            (
                plot.left + i / span * plot.width,
                plot.bottom - (min(max(v, 0.5), 1.0) - 0.5) / 0.5 * plot.height,
            )
            for i, v in enumerate(curve)
        ]
        pygame.draw.lines(surface, pal.good, False, points, 3)
