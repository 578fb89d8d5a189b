"""The play scene: a human balances the pole with the keyboard."""

from __future__ import annotations

import pygame

from cartpole_game.arena import Arena, EndReason
from cartpole_game.controllers import HumanController
from cartpole_game.env import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.render.hud import HudInfo
from cartpole_game.render.theme import blit_text
from cartpole_game.render.transform import WorldView
from cartpole_game.scenes import keys
from cartpole_game.scenes.base import Scene, SceneContext
from cartpole_game.scenes.overlays import HelpOverlay, PauseOverlay, draw_toasts

RESTART_DELAY = 2.5  # seconds of simulated time the end banner shows before the next round
READY_TIME = 1.2  # a frozen "Ready" before each round; the first push starts it at once

ARENA_VIEW = WorldView(0, 0, 1280, 720, half_span_m=3.0, ground_frac=0.7)
TOP_BAR = pygame.Rect(16, 12, 1248, 76)
GAUGE_ROW = pygame.Rect(16, 612, 1248, 92)
BANNER_CENTER = (640, 168)


def end_banner_text(reason: EndReason, score: int, new_best: bool) -> tuple[str, str]:
    title = "500 steps — perfect balance!" if reason is EndReason.MAX_STEPS else reason.value
    subtitle = f"Score {score}" + ("  ·  new best!" if new_best else "") + "  ·  R to play again"
    return title, subtitle


class PlayScene(Scene):
    """Human play: ←/→ push while held, Space pauses, R restarts, +/- change the time scale."""

    def __init__(self, ctx: SceneContext) -> None:
        super().__init__(ctx)
        self.human = HumanController()
        self.arena = Arena(self.human, seed=ctx.config.seed)
        self.ended_for = 0.0
        self.new_best = False
        self.ready_for = READY_TIME
        self.had_focus = False  # SDL may report a focus loss before the window ever had focus

    # -- input ------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.KEYDOWN:
            self._key_down(event.key)
        elif event.type == pygame.KEYUP:
            if event.key in keys.PUSH_LEFT_KEYS:
                self.human.release(PUSH_LEFT)
            elif event.key in keys.PUSH_RIGHT_KEYS:
                self.human.release(PUSH_RIGHT)
        elif event.type == pygame.WINDOWFOCUSGAINED:
            self.had_focus = True
        elif event.type == pygame.WINDOWFOCUSLOST:
            # Key-ups are lost with the focus; a held key must not keep pushing.
            self.human.release_all()
            if self.had_focus and not self.arena.done and not self.ctx.config.headless:
                self.ctx.stack.push(PauseOverlay(self.ctx, self.human))

    def _key_down(self, key: int) -> None:
        if key in keys.PUSH_LEFT_KEYS:
            self.human.press(PUSH_LEFT)
            self.ready_for = 0.0
        elif key in keys.PUSH_RIGHT_KEYS:
            self.human.press(PUSH_RIGHT)
            self.ready_for = 0.0
        elif key in keys.PAUSE_KEYS:
            self.ctx.stack.push(PauseOverlay(self.ctx, self.human))
        elif key in keys.RESTART_KEYS:
            self.restart()
        elif key in keys.FASTER_KEYS:
            self.ctx.change_time_scale(+1)
        elif key in keys.SLOWER_KEYS:
            self.ctx.change_time_scale(-1)
        elif key in keys.HELP_KEYS:
            self.human.release_all()
            self.ctx.stack.push(HelpOverlay(self.ctx, keys.PLAY_HELP))
        elif key in keys.BACK_KEYS and "menu" in self.ctx.modes:
            self.ctx.open_mode("menu")
        elif key in keys.BACK_KEYS:
            self.ctx.quit_requested = True

    def restart(self) -> None:
        self.arena.reset()
        self.ended_for = 0.0
        self.new_best = False
        self.ready_for = 0.0 if self.human.held != NO_PUSH else READY_TIME

    # -- simulation -------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        if self.arena.done:
            self.ended_for += dt
            if self.ended_for >= RESTART_DELAY:
                self.restart()
            return
        if self.ready_for > 0:
            self.ready_for -= dt
            return
        self.arena.step()
        if self.arena.done:
            self.new_best = self.ctx.high_scores.submit(self.ctx.time_scale, self.arena.score)
            self.ctx.collect_warnings()
            self.ctx.episode_finished()

    # -- drawing ----------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        ctx = self.ctx
        state = tuple(float(v) for v in self.arena.interpolated_state(alpha))
        force = 0.0 if self.arena.done else self.arena.env.last_force
        ctx.arena_renderer.draw(surface, ARENA_VIEW, state, force=force)
        info = HudInfo(
            score=self.arena.score,
            elapsed=self.arena.elapsed,
            best=max(ctx.high_scores.get(ctx.time_scale), self.arena.score),
            time_scale=ctx.time_scale,
            driver="YOU DRIVE",
            state=state,
        )
        ctx.hud.draw_top_bar(surface, info, TOP_BAR)
        ctx.hud.draw_gauges(surface, state, GAUGE_ROW)
        if self.arena.end_reason is not None:
            title, subtitle = end_banner_text(
                self.arena.end_reason, self.arena.score, self.new_best
            )
            color = (
                ctx.theme.palette.good
                if self.arena.end_reason is EndReason.MAX_STEPS
                else (ctx.theme.palette.bad)
            )
            ctx.hud.draw_banner(surface, title, subtitle, color, BANNER_CENTER)
        elif self.ready_for > 0:
            blit_text(
                surface,
                ctx.theme,
                "Ready?",
                54,
                ctx.theme.palette.accent,
                BANNER_CENTER,
                "center",
                bold=True,
            )
            blit_text(
                surface,
                ctx.theme,
                "hold ← or → to push the cart",
                18,
                ctx.theme.palette.text_dim,
                (BANNER_CENTER[0], BANNER_CENTER[1] + 44),
                "center",
            )
        draw_toasts(surface, ctx)
