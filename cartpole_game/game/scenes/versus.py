"""Versus: two arenas side by side, same start, same pokes and wind; who lasts longer?

This module is the scene (its keys, mouse and gamepad, the rounds and their summaries) and the
mode; :mod:`cartpole_game.game.scenes.versus_draw` draws it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np
import pygame

from cartpole_game.game.arguments import (
    FAIR,
    HUMAN,
    add_level_argument,
    agent_choices,
    handicap_spec,
    positive_int,
    side_spec,
)
from cartpole_game.game.config import RunConfig
from cartpole_game.game.input.bindings import COMMAND_EVENTS, dispatch
from cartpole_game.game.input.gamepad import DEVICE_EVENTS, move_stick
from cartpole_game.game.input.tables import VERSUS
from cartpole_game.game.render.layout import VERSUS_LAYOUT
from cartpole_game.game.scenes.base import ModeServices, ModeSpec, Scene, SceneContext
from cartpole_game.game.scenes.overlays import HelpOverlay, PauseOverlay, draw_toasts
from cartpole_game.game.scenes.pole_grab import on_pole
from cartpole_game.game.scenes.versus_draw import RESULT_REGION, VIEWS, Drag, VersusPainter
from cartpole_game.game.scenes.versus_draw import side_title as side_title
from cartpole_game.game.summary import EpisodeSummary, summarize
from cartpole_game.sim.actions import PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.arena import EndReason
from cartpole_game.sim.controllers import Controller, HumanController
from cartpole_game.sim.disturbances import poke_from_drag
from cartpole_game.sim.handicap import Handicap, fair_handicap, handicapped, parse_handicap
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.sim.versus import VersusMatch

ROUND_DELAY = 3.0  # seconds the round result shows before the next round (N: at once)
# Once every human side has finished, the agent sides play the rest of the round this many times
# faster than real time: the same steps, so the same scores, ended in well under 2 s.
FAST_FORWARD = 20
# (command, side, direction): A/D are the left side's push keys and ←/→ the right side's, so two
# humans can share a keyboard; a lone human drives with either pair.
SIDE_PUSHES = (
    ("left_side_push_left", 0, PUSH_LEFT),
    ("left_side_push_right", 0, PUSH_RIGHT),
    ("right_side_push_left", 1, PUSH_LEFT),
    ("right_side_push_right", 1, PUSH_RIGHT),
)


class VersusScene(Scene):
    mode_name = "versus"
    bindings = VERSUS

    def __init__(
        self,
        ctx: SceneContext,
        left: Controller,
        right: Controller,
        rounds: int | None = None,
        level: Level | None = None,
    ) -> None:
        super().__init__(ctx)
        seed = ctx.config.seed
        self.level = level or match_level(ctx.config)
        if ctx.config.loop.time_scale is None:  # no --time-scale: the level's own speed
            ctx.time_scale = self.level.time_scale
        self.match = VersusMatch(
            left,
            right,
            seed=seed if seed is not None else _fresh_seed(),
            rounds=rounds if rounds is not None else ctx.config.rounds,
            level=self.level,
        )
        self.controllers = (left, right)
        humans = [c for c in self.controllers if isinstance(c, HumanController)]
        self.humans = humans
        self.human_sides = tuple(
            side for side, c in enumerate(self.controllers) if isinstance(c, HumanController)
        )
        self.ended_for = 0.0
        self.side_ended_for = [0.0, 0.0]  # game seconds since each side finished this round
        self.waiting = bool(humans)  # a round with a human starts at the human's first push
        self.values: list[np.ndarray | None] = [None, None]
        self.drag: Drag | None = None  # side, start, now
        self.painter = VersusPainter(ctx, self.match, self.controllers)
        self._refresh_values()

    # -- input --------------------------------------------------------------------------------
    def _human_for_side(self, side: int) -> HumanController | None:
        if not self.humans:
            return None
        return self.humans[side] if len(self.humans) > 1 else self.humans[0]

    def push(self, side: int, direction: int) -> None:
        human = self._human_for_side(side)
        if human is not None:
            human.press(direction)
            self.waiting = False

    def release(self, side: int, direction: int) -> None:
        human = self._human_for_side(side)
        if human is not None:
            human.release(direction)

    def press_handlers(self) -> dict[str, Callable[[], None]]:
        pushes = {
            command: (lambda side=side, direction=direction: self.push(side, direction))
            for command, side, direction in SIDE_PUSHES
        }
        return {
            **pushes,
            "pause": self.pause,
            "faster": lambda: self.ctx.change_time_scale(+1),
            "slower": lambda: self.ctx.change_time_scale(-1),
            "help": lambda: self.ctx.stack.push(HelpOverlay(self.ctx, self.help_rows())),
            "poke": self.random_poke,
            "wind": self.toggle_wind,
            "next_round": self.next_round_now,
            "back": self.ctx.go_back,
        }

    def release_handlers(self) -> dict[str, Callable[[], None]]:
        return {
            command: self._releaser(side, direction) for command, side, direction in SIDE_PUSHES
        }

    def _releaser(self, side: int, direction: int) -> Callable[[], None]:
        return lambda: self.release(side, direction)

    def pause(self) -> None:
        human = self.humans[0] if self.humans else None
        self.ctx.stack.push(
            PauseOverlay(self.ctx, human, self.help_rows(), RESULT_REGION, self.painter.obstacles)
        )

    def random_poke(self) -> None:
        if self.fast_forwarding:
            return  # no human plays on: the rest of the round is the agents' own
        self.match.random_poke()
        self.ctx.sounds.play("poke")
        self._refresh_values()

    def toggle_wind(self) -> None:
        on = self.match.disturbances.toggle_wind()
        self.ctx.notify("Wind on for both" if on else "Wind off")

    def next_round_now(self) -> None:
        """N: after a round, the next one (after a match, a new match); during a round no human
        plays any more, straight to its result."""
        if self.match.round_over:
            if self.match.match_over:
                self.new_match()
            else:
                self.next_round()
        elif not self.waiting and not self.humans_playing:
            self._advance(100_000)

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type in COMMAND_EVENTS:
            dispatch(self.bindings, event, self.press_handlers(), self.release_handlers())
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            side = self._pole_under(event.pos)
            if side is not None:
                self.drag = (side, event.pos, event.pos)
        elif event.type == pygame.MOUSEMOTION and self.drag is not None:
            self.drag = (self.drag[0], self.drag[1], event.pos)
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self.drag is not None:
            side, start, _ = self.drag
            self.drag = None
            if self.fast_forwarding:
                return
            metres = (event.pos[0] - start[0]) / VIEWS[side].pixels_per_metre
            self.match.poke(poke_from_drag(metres))
            self.ctx.sounds.play("poke")
            self._refresh_values()
        elif event.type == pygame.WINDOWFOCUSLOST:
            for human in self.humans:
                human.release_all()
            self.drag = None
        elif event.type == pygame.JOYAXISMOTION:
            pad_human = self._human_for_side(0)  # the pad drives the left side, as its buttons do
            if pad_human is not None and move_stick(pad_human, event, self.level.analog):
                self.waiting = False
        elif event.type in DEVICE_EVENTS:
            # A gamepad plugged in or pulled out: let go of what it held, and pause a round.
            for human in self.humans:
                human.release_all()
            if self.humans and not self.waiting and not self.match.round_over:
                self.pause()

    def _pole_under(self, pos: tuple[int, int]) -> int | None:
        for side, arena in enumerate(self.match.arenas):
            if arena.done:
                continue
            geometry = self.ctx.arena_renderer.for_params(arena.params).geometry
            if on_pole(pos, geometry, VIEWS[side], arena.state):
                return side
        return None

    # -- simulation ---------------------------------------------------------------------------
    @property
    def humans_playing(self) -> bool:
        """Whether a human side is still in the round."""
        return any(not self.match.arenas[side].done for side in self.human_sides)

    @property
    def fast_forwarding(self) -> bool:
        """Every human side has finished and agents play on: the rest runs fast-forward."""
        return bool(self.human_sides) and not self.humans_playing and not self.match.round_over

    def new_match(self) -> None:
        self.match.new_match()
        self._round_started()

    def next_round(self) -> None:
        self.match.next_round()
        self._round_started()

    def _round_started(self) -> None:
        self.ended_for = 0.0
        self.side_ended_for = [0.0, 0.0]
        held = any(h.held != 2 for h in self.humans)
        self.waiting = bool(self.humans) and not held
        self._refresh_values()

    def update(self, dt: float) -> None:
        for side, arena in enumerate(self.match.arenas):
            if arena.done:
                self.side_ended_for[side] += dt
        if self.match.round_over:
            self.ended_for += dt
            # After a round, the next starts by itself; after a match, its summary stays.
            if not self.match.match_over and self.ended_for >= ROUND_DELAY:
                self.next_round()
            return
        if self.waiting:
            return
        if self.fast_forwarding:
            # The same steps, many per update: as many per real second at any game speed.
            self._advance(max(1, round(FAST_FORWARD / self.ctx.time_scale)))
        else:
            self._advance(1)

    def _advance(self, steps: int) -> None:
        """Up to ``steps`` steps of the match, with their sounds; the round's end files it."""
        self._refresh_values()  # values of the decisions about to be made, as in the single arena
        alive = [not arena.done for arena in self.match.arenas]
        result = self.match.step_many(steps)
        for was_alive, arena in zip(alive, self.match.arenas, strict=True):
            if was_alive and arena.done:
                won = arena.end_reason is EndReason.MAX_STEPS
                self.ctx.sounds.play("win" if won else "fall")
        if result is not None:
            for side, arena in zip(("left", "right"), self.match.arenas, strict=True):
                self.ctx.keep_episode(arena, self.mode_name, self.level, self.ctx.time_scale, side)
            self.ctx.episode_finished(*self.round_summaries())

    def round_summaries(self) -> list[EpisodeSummary]:
        """The round's two episodes for the session summary, left then right, on the level."""
        return [
            summarize(
                arena,
                self.mode_name,
                (self.level.number, self.level.name),
                self.ctx.time_scale,
                counted=False,  # versus keeps no high scores
                human_name=controller.name if isinstance(controller, HumanController) else None,
                side=side,
            )
            for side, controller, arena in zip(
                ("left", "right"), self.controllers, self.match.arenas, strict=True
            )
        ]

    def running_episodes(self) -> list[EpisodeSummary]:
        started = any(arena.log.actions for arena in self.match.arenas)
        return [] if self.match.round_over or not started else self.round_summaries()

    def _refresh_values(self) -> None:
        for side, (controller, arena) in enumerate(
            zip(self.controllers, self.match.arenas, strict=True)
        ):
            explain = getattr(controller, "action_values", None)
            self.values[side] = explain(arena.observation) if explain and not arena.done else None

    # -- drawing ------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        self.painter.draw(
            surface,
            alpha,
            self.values,
            self.side_ended_for,
            self.waiting,
            self.drag,
            fast_forward=self.fast_forwarding,
        )
        draw_toasts(surface, self.ctx, VERSUS_LAYOUT.rect("toasts"))

    recording_region = VERSUS_LAYOUT.rect("recording")  # where the app draws "● REC"

    def recording_label(self) -> tuple[str, str, int]:
        names = "-vs-".join(c.name for c in self.controllers)
        return "versus", names, max(arena.score for arena in self.match.arenas)


def _fresh_seed() -> int:
    from cartpole_game.sim.arena import fresh_seed

    return fresh_seed()


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    sides = f"{HUMAN}|{agent_choices()}"
    for side, default in (("left", HUMAN), ("right", "dqn")):
        parser.add_argument(
            f"--{side}",
            type=side_spec,
            default=default,
            metavar="SIDE",
            help=f"{sides} (default {default})",
        )
    parser.add_argument(
        "--rounds", type=positive_int, default=3, metavar="N", help="best of N rounds (default 3)"
    )
    add_level_argument(parser, f"{LEVELS[-1].number} ({LEVELS[-1].name})")
    parser.add_argument(
        "--handicap",
        type=handicap_spec,
        metavar="delay:K|rate:K|noise:P|fair",
        help="slow the agents down: they see the state K steps late, decide only every K "
        "steps, or push at random a share P of the time; fair: each agent the setting the "
        "bench found fair on the level",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="agent against agent with --headless --episodes: end with a JSON line",
    )


def _make_scene(services: ModeServices) -> VersusScene:
    config = services.config
    left, right = (
        handicap_side(services.side(spec), config, spec) for spec in (config.left, config.right)
    )
    return VersusScene(services.ctx, left, right)


def match_level(config: RunConfig) -> Level:
    """The level a versus match of ``config`` plays: ``--level``, else CartPole-v1."""
    return LEVELS[config.level - 1] if config.level is not None else LEVELS[-1]


def side_handicap(spec: str, config: RunConfig) -> Handicap | None:
    """The handicap of the side ``spec`` (``human``, an agent name or file) in ``config``'s match:
    none for a human; with ``fair``, the bench's fair setting of that shipped agent on the level
    (none for an agent file, which the bench never measured)."""
    if spec == HUMAN or config.handicap is None:
        return None
    if config.handicap == FAIR:
        return fair_handicap(match_level(config).number, spec)
    return parse_handicap(config.handicap)


def handicap_side(side: Controller, config: RunConfig, spec: str) -> Controller:
    """The side ``spec`` loaded as ``side``, with the match's handicap (a human side as it is)."""
    handicap = None if isinstance(side, HumanController) else side_handicap(spec, config)
    if handicap is None:
        return side
    return handicapped(side, handicap, seed=config.seed or 0)


def _agents(config: RunConfig) -> tuple[str, ...]:
    return tuple(s for s in (config.left, config.right) if s != HUMAN)


MODE = ModeSpec(
    name="versus",
    help="two sides, same start, same pokes: who lasts longer?",
    make_scene=_make_scene,
    add_arguments=_add_arguments,
    settings_from_args=lambda args: {
        "left": args.left,
        "right": args.right,
        "rounds": args.rounds,
        "handicap": args.handicap,
        "level": args.level,
    },
    agents=_agents,
    waits_for_player=lambda config: HUMAN in (config.left, config.right),
    menu=None,  # the menu's Versus opens the setup (versus_setup.py) to choose the sides
    bench={"versus (dqn vs linear)": {"mode": "versus", "left": "dqn", "right": "linear"}},
)
