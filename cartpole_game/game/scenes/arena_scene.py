"""One arena on screen, driven by a human, an agent, or both taking turns.

Play, watch and takeover are this scene with different drivers. It owns the input that every
single-arena mode shares: pause, restart, time scale, help, pokes (click or drag the pole, P),
wind (W), hints (G), and the end-of-episode banner, high scores and best-run replays.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pygame

from cartpole_game.game.arguments import add_agent_argument
from cartpole_game.game.input.bindings import dispatch
from cartpole_game.game.input.tables import PLAY
from cartpole_game.game.render.arena_view import draw_arrow
from cartpole_game.game.render.decision_panel import draw_decision_panel, value_label
from cartpole_game.game.render.hud import HudInfo
from cartpole_game.game.render.theme import blit_text
from cartpole_game.game.render.transform import WorldView, pole_tip, world_to_screen
from cartpole_game.game.scenes.base import MenuEntry, ModeSpec, Scene, SceneContext
from cartpole_game.game.scenes.overlays import HelpOverlay, PauseOverlay, draw_toasts
from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.arena import Arena, EndReason
from cartpole_game.sim.controllers import Controller, ExplainingController, HumanController
from cartpole_game.sim.disturbances import Disturbances, poke_from_drag
from cartpole_game.sim.replay import Replay

RESTART_DELAY = 2.5  # seconds of simulated time the end banner shows before the next round
READY_TIME = 1.2  # a frozen "Ready?" before a human's round; the first push starts it at once
POLE_GRAB_PX = 28  # how close to the pole a click must land to poke it

ARENA_VIEW = WorldView(0, 0, 1280, 720, half_span_m=3.0, ground_frac=0.7)
TOP_BAR = pygame.Rect(16, 12, 1248, 76)
GAUGE_ROW = pygame.Rect(16, 612, 1248, 92)
DECISION_RECT = pygame.Rect(936, 100, 328, 132)
BANNER_CENTER = (640, 192)


def distance_to_segment(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    length_sq = dx * dx + dy * dy or 1e-9
    t = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / length_sq))
    return math.hypot(p[0] - (ax + t * dx), p[1] - (ay + t * dy))


def end_banner_text(reason: EndReason, score: int, new_best: bool) -> tuple[str, str]:
    title = "500 steps — perfect balance!" if reason is EndReason.MAX_STEPS else reason.value
    subtitle = f"Score {score}" + ("  ·  new best!" if new_best else "") + "  ·  R to go again"
    return title, subtitle


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
    ) -> None:
        super().__init__(ctx)
        self.human = human
        self.agent = agent
        self.agent_loader = agent_loader  # lazily loads an agent for hints in play mode
        first = driver or (agent if (agent_drives or human is None) and agent else human)
        assert first is not None, "an arena scene needs a driver"
        self.arena = Arena(first, seed=ctx.config.seed)
        self.disturbances = Disturbances(self.arena.log.seed)
        self.ended_for = 0.0
        self.new_best = False
        self.ready_for = READY_TIME if self.human_driving else 0.0
        self.show_hint = False
        self.values: np.ndarray | None = None
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
        return f"{self.arena.controller.name.upper()} DRIVES"

    # -- input --------------------------------------------------------------------------------
    def press_handlers(self) -> dict[str, Callable[[], None]]:
        """What each command of the table does when its key goes down (subclasses add theirs)."""
        return {
            "push_left": lambda: self.push(PUSH_LEFT),
            "push_right": lambda: self.push(PUSH_RIGHT),
            "pause": self.pause,
            "restart": self.restart,
            "faster": lambda: self.ctx.change_time_scale(+1),
            "slower": lambda: self.ctx.change_time_scale(-1),
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
        if event.type in (pygame.KEYDOWN, pygame.KEYUP):
            dispatch(self.bindings, event, self.press_handlers(), self.release_handlers())
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self._on_pole(event.pos):
                self.drag_start = self.drag_now = event.pos
        elif event.type == pygame.MOUSEMOTION and self.drag_start is not None:
            self.drag_now = event.pos
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self.drag_start:
            dx_px = event.pos[0] - self.drag_start[0]
            self.drag_start = self.drag_now = None
            self.poke(poke_from_drag(dx_px / ARENA_VIEW.pixels_per_metre))
        elif event.type == pygame.WINDOWFOCUSGAINED:
            self.had_focus = True
        elif event.type == pygame.WINDOWFOCUSLOST:
            # Key-ups are lost with the focus; a held key must not keep pushing.
            if self.human is not None:
                self.human.release_all()
            self.drag_start = self.drag_now = None
            if self.had_focus and not self.arena.done and not self.ctx.config.headless:
                self.pause()

    def push(self, direction: int) -> None:
        if self.human is None:
            return
        if self.human_driving and not self.arena.done:
            self.ctx.sounds.play("push")
        self.human.press(direction)
        if self.human_driving:
            self.ready_for = 0.0

    def release(self, direction: int) -> None:
        if self.human is not None:
            self.human.release(direction)

    def pause(self) -> None:
        self.ctx.stack.push(PauseOverlay(self.ctx, self.human, self.help_rows()))

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
                self.ctx.notify(f"No hints: {exc}", 5.0)
                self.agent_loader = None
                return
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
        self.ready_for = 0.0
        self._refresh_values()

    def restart(self) -> None:
        self.arena.reset()
        self.disturbances = Disturbances(self.arena.log.seed)
        self.ended_for = 0.0
        self.new_best = False
        waiting = self.human_driving and self.human is not None and self.human.held == NO_PUSH
        self.ready_for = READY_TIME if waiting else 0.0
        self._refresh_values()

    # -- simulation ---------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        if self.arena.done:
            self.ended_for += dt
            if self.ended_for >= RESTART_DELAY:
                self.restart()
            return
        if self.ready_for > 0:
            self.ready_for -= dt
            return
        # The panel shows the values of the decision being made now, for the observation acted on.
        self._refresh_values()
        self.arena.step(self.disturbances.next_wind())
        if self.arena.done:
            self.episode_finished()

    def _refresh_values(self) -> None:
        if self.agent is not None:
            self.values = self.agent.action_values(self.arena.observation)

    def episode_finished(self) -> None:
        self.episode_scores.append(self.arena.score)
        self.ctx.sounds.play("win" if self.arena.end_reason is EndReason.MAX_STEPS else "fall")
        human_only = self.human is not None and set(self.arena.steps_by_driver) == {self.human.name}
        if human_only:
            scale = self.ctx.time_scale
            self.new_best = self.ctx.high_scores.submit(scale, self.arena.score)
            if self.new_best:
                self.save_best_replay(scale)
            self.ctx.collect_warnings()
        self.ctx.episode_finished()

    def save_best_replay(self, time_scale: float) -> None:
        replay = Replay.from_arena(self.arena, self.mode_name, time_scale)
        path = self.ctx.data_dir / "replays" / f"best-{time_scale:g}x.json"
        try:
            replay.save(path)
        except OSError as exc:
            self.ctx.notify(
                f"Warning: could not save the replay {path}: {exc.strerror or exc}", 6.0
            )

    # -- drawing ------------------------------------------------------------------------------
    def _pole_segment(
        self, state: Sequence[float] | np.ndarray
    ) -> tuple[tuple[float, float], tuple[float, float]]:
        geo = self.ctx.arena_renderer.geometry
        x = max(-ARENA_VIEW.half_span_m, min(ARENA_VIEW.half_span_m, float(state[0])))
        pivot = world_to_screen(x, geo.pivot_height, ARENA_VIEW)
        tip = world_to_screen(*pole_tip(x, float(state[2]), geo), ARENA_VIEW)
        return pivot, tip

    def _on_pole(self, pos: tuple[int, int]) -> bool:
        if self.arena.done or not np.isfinite(self.arena.state).all():
            return False
        return distance_to_segment(pos, *self._pole_segment(self.arena.state)) <= POLE_GRAB_PX

    def hud_best(self) -> tuple[str, int]:
        return "BEST", max(self.ctx.high_scores.get(self.ctx.time_scale), self.arena.score)

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        ctx = self.ctx
        pal = ctx.theme.palette
        state = tuple(float(v) for v in self.arena.interpolated_state(alpha))
        force = 0.0 if self.arena.done else self.arena.env.last_force
        ghost = None
        if self.show_hint and self.values is not None and not self.arena.done:
            ghost = int(np.argmax(self.values[:2]))
        ctx.arena_renderer.draw(surface, ARENA_VIEW, state, force=force, ghost_action=ghost)
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
        if self.agent is not None and (not self.human_driving or self.show_hint):
            draw_decision_panel(
                surface,
                ctx.theme,
                DECISION_RECT,
                self.agent.name,
                value_label(self.agent),
                self.values,
                ctx.hud.panel(DECISION_RECT.size),
            )
        self.draw_status_line(surface)
        if self.disturbances.wind_on:
            wind = self.disturbances.wind_force
            blit_text(surface, ctx.theme, f"wind {wind:+.1f} N", 15, pal.warn, (640, 560), "midtop")
            if abs(wind) > 0.3:
                draw_arrow(
                    surface,
                    pal.warn,
                    (640 - 40 * (1 if wind > 0 else -1), 590),
                    1 if wind > 0 else -1,
                    20 + 8 * abs(wind),
                    6,
                )
        if self.drag_start and self.drag_now:
            pygame.draw.line(surface, pal.accent, self.drag_start, self.drag_now, 3)
            pygame.draw.circle(surface, pal.accent, self.drag_now, 6)
        if self.arena.end_reason is not None:
            title, subtitle = end_banner_text(
                self.arena.end_reason, self.arena.score, self.new_best
            )
            good = self.arena.end_reason is EndReason.MAX_STEPS
            ctx.hud.draw_banner(
                surface, title, subtitle, pal.good if good else pal.bad, BANNER_CENTER
            )
        elif self.ready_for > 0:
            blit_text(
                surface, ctx.theme, "Ready?", 54, pal.accent, BANNER_CENTER, "center", bold=True
            )
            blit_text(
                surface,
                ctx.theme,
                "hold ← or → to push the cart",
                18,
                pal.text_dim,
                (BANNER_CENTER[0], BANNER_CENTER[1] + 44),
                "center",
            )
        draw_toasts(surface, ctx)

    def draw_status_line(self, surface: pygame.Surface) -> None:
        """A line under the top bar for mode-specific figures (subclasses override)."""

    def recording_label(self) -> tuple[str, str, int]:
        """(mode, agent, score) for naming a GIF of this episode."""
        agent = self.agent.name if self.agent is not None else "human"
        return self.mode_name, agent, self.arena.score


def agent_mode(
    name: str,
    help: str,
    scene: Callable[[SceneContext, ExplainingController], ArenaScene],
    menu: MenuEntry,
) -> ModeSpec:
    """The spec of a mode that is one arena with one agent (``--agent``, loaded up front)."""
    return ModeSpec(
        name=name,
        help=help,
        make_scene=lambda services: scene(services.ctx, services.agent(services.config.agent)),
        add_arguments=add_agent_argument,
        settings_from_args=lambda args: {"agent": args.agent},
        agents=lambda config: (config.agent,),
        menu=menu,
        bench={name: {"mode": name, "agent": "dqn"}},
    )
