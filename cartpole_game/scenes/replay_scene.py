"""Replay: play a recorded episode back exactly, and check it ends where the recording did."""

from __future__ import annotations

import pygame

from cartpole_game.render.theme import blit_text
from cartpole_game.replay import Replay, ReplayDriver
from cartpole_game.scenes import keys
from cartpole_game.scenes.arena_scene import RESTART_DELAY, ArenaScene
from cartpole_game.scenes.base import SceneContext

REPLAY_HELP = (
    ("Space", "pause / resume"),
    ("R", "play it again from the start"),
    ("+ / −", "time scale 0.25× … 2×"),
    ("H  or  F1", "this help"),
    ("Esc", "back to the menu"),
)


class ReplayScene(ArenaScene):
    mode_name = "replay"
    help_rows = REPLAY_HELP

    def __init__(self, ctx: SceneContext, replay: Replay) -> None:
        self.replay = replay
        self.driver = ReplayDriver(replay)
        super().__init__(ctx, None, self.driver.controller)
        self.arena = self.driver.arena
        self.agent = None  # a replay has no decisions to explain
        self.finished_for = 0.0
        self.verified: bool | None = None

    def key_down(self, key: int) -> None:
        # Pokes and wind would change what happened; the replay shows it as it was.
        if key in keys.POKE_KEYS | keys.WIND_KEYS | keys.HINT_KEYS:
            self.ctx.notify("Replays play back exactly: no pokes or wind")
            return
        super().key_down(key)

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
            return
        super().handle_event(event)

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
                self.ctx.episode_finished()
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
