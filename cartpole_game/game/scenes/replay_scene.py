"""Replay: play a recorded episode back exactly, and check it ends as the recording did.

Playback that differs from the recording (its score, its end or its final state) says so on
screen, and makes the session exit with status 1 and one line on stderr naming the file.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from pathlib import Path

import pygame

from cartpole_game.core.errors import UserFacingError
from cartpole_game.core.text import drawable
from cartpole_game.game.input.tables import REPLAY
from cartpole_game.game.render.theme import blit_text, fit_text
from cartpole_game.game.scenes.arena_scene import RESTART_DELAY, ArenaScene
from cartpole_game.game.scenes.base import ModeServices, ModeSpec, SceneContext
from cartpole_game.game.summary import EpisodeSummary, summarize
from cartpole_game.sim.arena import EpisodeLog
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.levels import LEVELS
from cartpole_game.sim.replay import Replay, ReplayDriver

STATUS_LINE_WIDTH = 860  # pixels: from the left margin to clear of the verdict on the right
DETAIL_WIDTH = 540  # pixels: what differed, above the gauges, left of the wind readout
DETAIL_TOP_LEFT = (32, 584)  # clear of the end banner (x 330-950 from y 128) and the gauges
SHOWN_DRIVERS = 4  # more hand-overs than this are counted, not listed


def drivers_text(drivers: tuple[tuple[int, str], ...]) -> str:
    """Who drove, in order ("human → dqn"); a long list shows its first few and a count."""
    names = [name for _, name in drivers[:SHOWN_DRIVERS]]
    if len(drivers) > SHOWN_DRIVERS:
        names.append(f"… ({len(drivers)} drivers)")
    return " → ".join(names) or "?"


class ReplayScene(ArenaScene):
    mode_name = "replay"
    bindings = REPLAY

    def __init__(self, ctx: SceneContext, replay: Replay) -> None:
        self.replay = replay
        self.driver = ReplayDriver(replay)
        # A replay has no decisions to explain: no agent, only the recorded actions driving.
        level = LEVELS[replay.level - 1]
        super().__init__(ctx, None, None, driver=self.driver.controller, level=level)
        self.arena = self.driver.arena
        self.ended_for = 0.0
        self.verified: bool | None = None
        self.differences: list[str] = []
        self._fitted: dict[str, str] = {}  # fitting measures the text: once, not every frame

    def fitted(self, text: str, size: int, width: int) -> str:
        """``text`` as drawable text cut to ``width`` pixels (remembered: it rarely changes)."""
        key = f"{size} {width} {text}"
        if key not in self._fitted:
            self._fitted[key] = fit_text(self.ctx.theme, drawable(text, 200), size, width)
        return self._fitted[key]

    def press_handlers(self) -> dict[str, Callable[[], None]]:
        return {**super().press_handlers(), "disturb": self.refuse_disturbance}

    def refuse_disturbance(self) -> None:
        # Pokes and wind would change what happened; the replay shows it as it was.
        self.ctx.notify("Replays play back exactly: no pokes or wind")

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
            return
        super().handle_event(event)

    def episode_summary(self, counted: bool) -> EpisodeSummary:
        """The recording's episode: its human pushes counted from the drivers it recorded (the
        arena here is driven by the playback)."""
        level = (self.level.number, self.level.name)
        played = summarize(self.arena, self.mode_name, level, self.replay.time_scale, counted, None)
        recorded = EpisodeLog(
            self.replay.seed, list(self.replay.actions), drivers=list(self.replay.drivers)
        )
        return dataclasses.replace(
            played, human_push_steps=recorded.push_steps_by(HumanController.name)
        )

    def restart(self) -> None:
        self.driver = ReplayDriver(self.replay)
        self.arena = self.driver.arena
        self.ended_for = 0.0
        self.verified = None

    def _refresh_values(self) -> None:
        self.values = None

    def update(self, dt: float) -> None:
        if self.driver.finished:
            if self.verified is None:
                self.verify()
                self.ctx.episode_finished(self.episode_summary(counted=False))
            self.ended_for += dt
            if self.ended_for >= RESTART_DELAY * 2:
                self.restart()
            return
        self.driver.step()

    def verify(self) -> None:
        """Compare playback with the recording; a difference sets the session's exit status."""
        self.differences = self.driver.differences()
        self.verified = not self.differences
        if self.differences:
            name = self.ctx.config.replay or "the replay"
            self.ctx.exit_status = 1
            self.ctx.exit_message = (
                f"{name}: playback differs from the recording: {'; '.join(self.differences)}"
            )

    def driver_label(self) -> str:
        return "REPLAY"

    def hud_best(self) -> tuple[str, int]:
        return "RECORDED", self.replay.score

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        super().draw(surface, alpha)
        if self.verified is None:
            return
        theme = self.ctx.theme
        pal = theme.palette
        if self.verified:
            blit_text(
                surface,
                theme,
                "matches the recording exactly ✓",
                18,
                pal.good,
                (1248, 104),
                "topright",
                bold=True,
            )
            return
        blit_text(
            surface,
            theme,
            "DIFFERS from the recording ✗",
            18,
            pal.bad,
            (1248, 104),
            "topright",
            bold=True,
        )
        detail = self.fitted("; ".join(self.differences), 15, DETAIL_WIDTH)
        blit_text(surface, theme, detail, 15, pal.bad, DETAIL_TOP_LEFT)

    def status_line(self) -> str:
        """The replay's line under the top bar: text a font can draw, at most 200 characters
        before it is fitted to the screen."""
        r = self.replay
        text = (
            f"replay of {r.mode} · seed {r.seed} · {drivers_text(r.drivers)} · "
            f"{r.time_scale:g}× · {r.recorded_at}"
        )
        return drawable(text, 200)

    def draw_status_line(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        text = self.fitted(self.status_line(), 15, STATUS_LINE_WIDTH)
        blit_text(surface, theme, text, 15, theme.palette.text_dim, (32, 100))


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="a replay file (.json)")


def _make_scene(services: ModeServices) -> ReplayScene:
    if services.replay is None:
        raise UserFacingError("no replay file to play back: python play.py replay FILE")
    return ReplayScene(services.ctx, services.replay)


MODE = ModeSpec(
    name="replay",
    help="play back a recorded episode exactly",
    make_scene=_make_scene,
    add_arguments=_add_arguments,
    settings_from_args=lambda args: {"replay": args.file},
    fuzz=False,  # it takes no input: pokes and wind would change what happened
    keeps_replays=False,  # it plays a replay back: the file is already kept
)
