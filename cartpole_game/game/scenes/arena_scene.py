"""One arena on screen, driven by a human, an agent, or both taking turns.

Play, watch and takeover are this scene with different drivers. It owns the input that every
single-arena mode shares: pause, restart, time scale, help, pokes (click or drag the pole, P),
wind (W), hints (G), and the end-of-episode banner.

A human's run waits for the first push: an untouched window records nothing. How a run is filed
(its table, whether it counts, its high score, medal and best-run replay) is kept by a
:class:`~cartpole_game.game.scenes.run_keeping.RunKeeper`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pygame

from cartpole_game.core.text import drawable
from cartpole_game.game.input.bindings import COMMAND_EVENTS, dispatch
from cartpole_game.game.input.gamepad import DEVICE_EVENTS, move_stick
from cartpole_game.game.input.tables import PLAY
from cartpole_game.game.render.arena_view import view_fitting_pole
from cartpole_game.game.render.decision_panel import (
    SpreadMemory,
    draw_decision_panel,
    plain_words,
    value_label,
)
from cartpole_game.game.render.hud import DRIVES, HudInfo, shouted
from cartpole_game.game.render.layout import ARENA, SpriteEntry
from cartpole_game.game.render.transform import CartGeometry, WorldView
from cartpole_game.game.scenes.base import Scene, SceneContext
from cartpole_game.game.scenes.end_banner import (
    Obstacles,
    RunEnding,
    draw_end_banner,
    draw_waiting_card,
)
from cartpole_game.game.scenes.end_banner import end_banner_text as end_banner_text
from cartpole_game.game.scenes.overlays import HelpOverlay, PauseOverlay, draw_toasts
from cartpole_game.game.scenes.pole_grab import POLE_GRAB_PX as POLE_GRAB_PX
from cartpole_game.game.scenes.pole_grab import on_pole, pole_segment
from cartpole_game.game.scenes.run_keeping import MedalResult, RunKeeper
from cartpole_game.game.summary import EpisodeSummary
from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.arena import Arena, EndReason
from cartpole_game.sim.controllers import (
    Controller,
    ExplainingController,
    HumanController,
    fit_to_physics,
)
from cartpole_game.sim.disturbances import Disturbances, poke_from_drag
from cartpole_game.sim.levels import LEVELS, Level

RESTART_DELAY = 2.5  # seconds of simulated time the end banner shows before the next round

ARENA_VIEW = WorldView(0, 0, 1280, 720, half_span_m=3.0, ground_frac=0.7)
TOP_BAR = ARENA.rect("top_bar")
GAUGE_ROW = ARENA.rect("gauges")
DECISION_RECT = ARENA.rect("decision")


class ArenaScene(Scene):
    """A single arena. ``human`` may be None (watch); ``agent`` may be None (play)."""

    mode_name = "play"
    bindings = PLAY

    def __init__(
        self,
        ctx: SceneContext,
        human: HumanController | None,
        agent: ExplainingController | None,
        agent_drives: bool = False,
        agent_loader: Callable[[], ExplainingController] | None = None,
        driver: Controller | None = None,
        level: Level | None = None,
    ) -> None:
        super().__init__(ctx)
        self.human = human
        self.agent = agent
        self.agent_loader = agent_loader  # lazily loads an agent for hints in play mode
        first = driver or (agent if (agent_drives or human is None) and agent else human)
        assert first is not None, "an arena scene needs a driver"
        self.level = level or LEVELS[-1]
        if ctx.config.loop.time_scale is None:  # no --time-scale: the level's own speed
            ctx.time_scale = self.level.time_scale
        self.arena = Arena(
            first, seed=ctx.config.seed, params=self.level.params, analog=self.level.analog
        )
        fit_to_physics(agent, self.level.params, self.level.analog)  # its hints fit the level too
        # Zoomed out just enough that the level's pole stays under the top bar.
        self.view = view_fitting_pole(ARENA_VIEW, self.level.params, TOP_BAR.bottom)
        self.disturbances = self._disturbances_for_episode()
        self.ended_for = 0.0
        self.new_best = False
        self.new_medal: str | None = None
        # A human's run starts at the first push; until then the arena waits, frozen.
        self.waiting = self.human_driving
        self.run_keeper = RunKeeper(ctx, self.level)
        self.show_hint = False
        self.values: np.ndarray | None = None
        self.spreads = SpreadMemory()  # the agent's usual gap between its values, for "how sure"
        self.drag_start: tuple[int, int] | None = None
        self.drag_now: tuple[int, int] | None = None
        self.had_focus = False
        self.episode_scores: list[int] = []
        self._refresh_values()

    # -- who drives ---------------------------------------------------------------------------
    @property
    def human_driving(self) -> bool:
        return self.human is not None and self.arena.controller is self.human

    def driver_label(self) -> str:
        if self.human_driving:
            return "YOU DRIVE"
        return f"{shouted(self.arena.controller.name)}{DRIVES}"

    # -- input --------------------------------------------------------------------------------
    def press_handlers(self) -> dict[str, Callable[[], None]]:
        """What each command of the table does when its key goes down (subclasses add theirs)."""
        return {
            "push_left": lambda: self.push(PUSH_LEFT),
            "push_right": lambda: self.push(PUSH_RIGHT),
            "pause": self.pause,
            "restart": self.restart,
            "faster": lambda: self.change_speed(+1),
            "slower": lambda: self.change_speed(-1),
            "help": self.show_help,
            "poke": lambda: self.poke(self.disturbances.random_poke()),
            "wind": self.toggle_wind,
            "hint": self.toggle_hint,
            "back": self.ctx.go_back,
        }

    def release_handlers(self) -> dict[str, Callable[[], None]]:
        return {
            "push_left": lambda: self.release(PUSH_LEFT),
            "push_right": lambda: self.release(PUSH_RIGHT),
        }

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type in COMMAND_EVENTS:
            dispatch(self.bindings, event, self.press_handlers(), self.release_handlers())
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self._on_pole(event.pos):
                self.drag_start = self.drag_now = event.pos
        elif event.type == pygame.MOUSEMOTION and self.drag_start is not None:
            self.drag_now = event.pos
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self.drag_start:
            dx_px = event.pos[0] - self.drag_start[0]
            self.drag_start = self.drag_now = None
            self.poke(poke_from_drag(dx_px / self.view.pixels_per_metre))
        elif event.type == pygame.WINDOWFOCUSGAINED:
            self.had_focus = True
        elif event.type == pygame.WINDOWFOCUSLOST:
            # Key-ups are lost with the focus; a held key must not keep pushing.
            if self.human is not None:
                self.human.release_all()
            self.drag_start = self.drag_now = None
            if self.had_focus and not self.arena.done and not self.ctx.config.headless:
                self.pause()
        elif event.type == pygame.JOYAXISMOTION and self.human is not None:
            pushing = move_stick(self.human, event, self.level.analog)
            if pushing and self.human_driving and self.waiting and not self.arena.done:
                self.start_run()
        elif event.type in DEVICE_EVENTS:
            # A gamepad plugged in or pulled out: let go of what it held, and pause a human's run.
            if self.human is not None:
                self.human.release_all()
            if self.human_driving and not self.waiting and not self.arena.done:
                self.pause()

    def push(self, direction: int) -> None:
        if self.human is None:
            return
        if self.human_driving and not self.arena.done:
            self.ctx.sounds.play("push")
        self.human.press(direction)
        if self.human_driving and self.waiting and not self.arena.done:
            self.start_run()

    def start_run(self) -> None:
        """The first push: the run starts now, at the speed it will be filed under."""
        self.waiting = False
        self.run_keeper.start()

    def change_speed(self, direction: int) -> None:
        before = self.ctx.time_scale
        self.ctx.change_time_scale(direction)
        if self.ctx.time_scale != before:
            mid_run = not (self.waiting or self.arena.done)
            self.run_keeper.speed_changed(mid_run, human_present=self.human is not None)

    def release(self, direction: int) -> None:
        if self.human is not None:
            self.human.release(direction)

    def pause(self) -> None:
        state = tuple(float(v) for v in self.arena.state)
        self.ctx.stack.push(
            PauseOverlay(
                self.ctx, self.human, self.help_rows(), ARENA.rect("cards"), self.obstacles(state)
            )
        )

    def show_help(self) -> None:
        if self.human is not None:
            self.human.release_all()
        self.ctx.stack.push(HelpOverlay(self.ctx, self.help_rows()))

    def toggle_wind(self) -> None:
        on = self.disturbances.toggle_wind()
        self.ctx.notify("Wind on" if on else "Wind off")

    def toggle_hint(self) -> None:
        if self.human is None:  # hints are for a human driver
            return
        if self.agent is None and self.agent_loader is not None:
            try:
                self.agent = self.agent_loader()
            except Exception as exc:  # a bad checkpoint must not end a human's game
                self.ctx.notify(drawable(f"No hints: {exc}", 200), 5.0)
                self.agent_loader = None
                return
            fit_to_physics(self.agent, self.level.params, self.level.analog)
            self._refresh_values()
        if self.agent is None:
            return
        self.show_hint = not self.show_hint
        self.ctx.notify(
            "Hints on: the arrow shows the agent's push" if self.show_hint else "Hints off"
        )

    def poke(self, delta: float) -> None:
        if self.arena.done or not delta:
            return
        self.arena.poke(delta)
        self.ctx.sounds.play("poke")
        self._refresh_values()

    def _disturbances_for_episode(self) -> Disturbances:
        """The level's wind and pokes, seeded by the episode's seed (so a replay repeats them)."""
        return Disturbances(self.arena.log.seed, schedule=self.level.disturbances)

    def next_episode_seed(self) -> int | None:
        """The seed of the next episode; None: the one after the last (play's ghost overrides)."""
        return None

    def restart(self) -> None:
        self.arena.reset(self.next_episode_seed())
        self.disturbances = self._disturbances_for_episode()
        self.ended_for = 0.0
        self.new_best = False
        self.new_medal = None
        self.run_keeper.start()
        # A key still held from the last run starts this one at once.
        self.waiting = self.human_driving and self.human is not None and self.human.held == NO_PUSH
        self._refresh_values()

    # -- simulation ---------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        if self.arena.done:
            self.ended_for += dt
            if self.ended_for >= RESTART_DELAY:
                self.restart()
            return
        if self.waiting:
            return
        # The panel shows the values of the decision being made now, for the observation acted on.
        self._refresh_values()
        poke = self.disturbances.scheduled_poke(len(self.arena.log.actions))
        if poke:
            self.arena.poke(poke)
        self.arena.step(self.disturbances.next_wind())
        self.after_step()
        if self.arena.done:
            self.episode_finished()

    def after_step(self) -> None:
        """Called after each step of a run (play's ghost steps with it)."""

    def _refresh_values(self) -> None:
        if self.agent is not None:
            self.values = self.agent.action_values(self.arena.observation)

    @property
    def counts(self) -> bool:
        """Whether this run goes into the high scores (:meth:`RunKeeper.counts`)."""
        return self.run_keeper.counts(self.arena, self.human)

    def episode_summary(self, counted: bool) -> EpisodeSummary:
        return self.run_keeper.summary(self.arena, self.mode_name, counted, self.human)

    def running_episodes(self) -> list[EpisodeSummary]:
        if self.arena.done or not self.arena.log.actions:
            return []  # an idle "press to start" is no episode
        return [self.episode_summary(counted=False)]

    def episode_finished(self) -> None:
        self.episode_scores.append(self.arena.score)
        self.ctx.keep_episode(self.arena, self.mode_name, self.level, self.run_keeper.run_scale)
        self.ctx.sounds.play("win" if self.arena.end_reason is EndReason.MAX_STEPS else "fall")
        counted = self.counts
        if counted:
            self.new_best, medal_result = self.run_keeper.file(self.arena, self.mode_name)
            if medal_result is not None:  # medals only at the level's speed, on an open level
                self.award(medal_result)
            self.ctx.collect_warnings()
        self.ctx.episode_finished(self.episode_summary(counted))

    def award(self, result: MedalResult) -> None:
        medal, unlocked = result
        self.new_medal = medal
        if unlocked and self.level.number < len(LEVELS):
            following = LEVELS[self.level.number]
            self.ctx.notify(f"Level {following.number} unlocked: {following.name}", 6.0)

    def best_replay_path(self, time_scale: float) -> Path:
        return self.run_keeper.best_replay_path(time_scale)

    # -- drawing ------------------------------------------------------------------------------
    def _pole_segment(
        self, state: Sequence[float] | np.ndarray
    ) -> tuple[tuple[float, float], tuple[float, float]]:
        return pole_segment(self._geometry(), self.view, state)

    def _on_pole(self, pos: tuple[int, int]) -> bool:
        return not self.arena.done and on_pole(pos, self._geometry(), self.view, self.arena.state)

    def _geometry(self) -> CartGeometry:
        return self.ctx.arena_renderer.for_params(self.arena.params).geometry

    def ghost_state(self, alpha: float) -> np.ndarray | None:
        """Where a ghost cart is drawn behind the real one (play's ghost of the best run)."""
        return None

    def driver_at_the_end(self) -> str | None:
        """Who the end banner says had the cart when the run ended (None: it does not say)."""
        return None

    def hud_best(self) -> tuple[str, int]:
        """The best the top bar shows: of the table this run is filed under, "BEST Broom 0.5×"."""
        under_way = not (self.waiting or self.arena.done)
        return self.run_keeper.best_shown(self.arena, under_way, self.counts)

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        ctx = self.ctx
        pal = ctx.theme.palette
        state = tuple(float(v) for v in self.arena.interpolated_state(alpha))
        force = 0.0 if self.arena.done else self.arena.env.last_force
        ghost = None
        if self.show_hint and self.values is not None and not self.arena.done:
            ghost = int(np.argmax(self.values[:2]))
        reason = self.arena.end_reason
        ctx.arena_renderer.for_params(self.arena.params).draw(
            surface,
            self.view,
            state,
            force=force,
            ghost_action=ghost,
            ghost_state=self.ghost_state(alpha),
            fallen_for=self.ended_for if reason not in (None, EndReason.MAX_STEPS) else None,
            finished_for=self.ended_for if reason is EndReason.MAX_STEPS else None,
            medal=self.new_medal,
            clock=self.arena.elapsed,
        )
        best_label, best = self.hud_best()
        info = HudInfo(
            self.arena.score,
            self.arena.elapsed,
            best,
            ctx.time_scale,
            self.driver_label(),
            state,
            best_label,
        )
        ctx.hud.draw_top_bar(surface, info, TOP_BAR)
        ctx.hud.draw_gauges(surface, state, GAUGE_ROW)
        obstacles = self.obstacles(state)
        if self.agent is not None and (not self.human_driving or self.show_hint):
            draw_decision_panel(
                surface,
                ctx.theme,
                DECISION_RECT,
                self.agent.name,
                value_label(self.agent),
                self.values,
                ctx.hud.panel(DECISION_RECT.size),
                plain=plain_words(self.agent),
                spreads=self.spreads,
            )
            obstacles.append(DECISION_RECT)
        self.draw_status_line(surface)
        if self.disturbances.wind_on:
            ctx.hud.draw_wind(surface, self.disturbances.wind_force, ARENA.rect("wind"))
        if self.drag_start and self.drag_now:
            pygame.draw.line(surface, pal.accent, self.drag_start, self.drag_now, 3)
            pygame.draw.circle(surface, pal.accent, self.drag_now, 6)
        self.draw_cards(surface, obstacles)
        draw_toasts(surface, ctx, ARENA.rect("toasts"))

    def obstacles(self, state: tuple[float, ...]) -> list[SpriteEntry | pygame.Rect]:
        """The cart and pole as drawn now: what the cards keep clear of."""
        reason = self.arena.end_reason
        fallen_for = self.ended_for if reason not in (None, EndReason.MAX_STEPS) else None
        renderer = self.ctx.arena_renderer.for_params(self.arena.params)
        return list(renderer.obstacles(self.view, state, fallen_for))

    def draw_cards(self, surface: pygame.Surface, obstacles: Obstacles) -> None:
        """The end banner once the run is over, or the level card while it waits to start."""
        reason = self.arena.end_reason
        if reason is not None:
            ending = RunEnding(
                reason, self.arena.score, self.new_best, self.new_medal, self.driver_at_the_end()
            )
            draw_end_banner(surface, self.ctx, ending, obstacles)
        elif self.waiting:
            draw_waiting_card(surface, self.ctx, self.level, obstacles)

    def draw_status_line(self, surface: pygame.Surface) -> None:
        """A line under the top bar for mode-specific figures (subclasses override)."""

    recording_region = ARENA.rect("recording")  # where the app draws "● REC"

    def recording_label(self) -> tuple[str, str, int]:
        """(mode, agent, score) for naming a GIF of this episode."""
        agent = self.agent.name if self.agent is not None else "human"
        return self.mode_name, agent, self.arena.score
