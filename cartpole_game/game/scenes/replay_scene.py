"""Replay: play a recorded episode back exactly, and check it ends where the recording did."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from pathlib import Path

import pygame

from cartpole_game.core.errors import UserFacingError
from cartpole_game.game.input.tables import REPLAY
from cartpole_game.game.render.theme import blit_text
from cartpole_game.game.scenes.arena_scene import RESTART_DELAY, ArenaScene
from cartpole_game.game.scenes.base import ModeServices, ModeSpec, SceneContext
from cartpole_game.game.summary import EpisodeSummary, summarize
from cartpole_game.sim.arena import EpisodeLog
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.levels import LEVELS
from cartpole_game.sim.replay import Replay, ReplayDriver


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
        self.finished_for = 0.0
        self.verified: bool | None = None

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
        self.finished_for = 0.0
        self.verified = None

    def _refresh_values(self) -> None:
        self.values = None

    def update(self, dt: float) -> None:
        if self.driver.finished:
            if self.verified is None:
                self.verified = self.driver.matches_recording()
                self.ctx.episode_finished(self.episode_summary(counted=False))
            self.finished_for += dt
            if self.finished_for >= RESTART_DELAY * 2:
                self.restart()
            return
        self.driver.step()

    def driver_label(self) -> str:
        return "REPLAY"

    def hud_best(self) -> tuple[str, int]:
        return "RECORDED", self.replay.score

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        super().draw(surface, alpha)
        if self.verified is not None:
            pal = self.ctx.theme.palette
            text = (
                "matches the recording exactly ✓"
                if self.verified
                else "differs from the recording!"
            )
            color = pal.good if self.verified else pal.bad
            blit_text(
                surface,
                self.ctx.theme,
                text,
                18,
                color,
                (1248, 104),
                "topright",
                bold=True,
            )

    def draw_status_line(self, surface: pygame.Surface) -> None:
        pal = self.ctx.theme.palette
        r = self.replay
        drivers = " → ".join(name for _, name in r.drivers) or "?"
        text = (
            f"replay of {r.mode} · seed {r.seed} · {drivers} · {r.time_scale:g}× · {r.recorded_at}"
        )
        blit_text(surface, self.ctx.theme, text, 15, pal.text_dim, (32, 100))


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
)
