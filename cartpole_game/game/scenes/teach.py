"""Teach by taking over: the student drives, you take the cart when it goes wrong, and it learns.

This is takeover (:mod:`cartpole_game.game.scenes.takeover`, whose Tab it uses) with the roles
turned round, and a teacher's record: DAgger with a human deciding when to step in (HG-DAgger).

- The student has the cart at the start of every round. It is a clone of your newest runs on
  the level, or a network that has learned nothing yet (``--student``; N starts over with the
  other). Tab takes the cart; from your first push on, every step you drive is a correction:
  the state the student led you into, and what you pressed there. Tab hands the cart back.
- When a round's episode ends with corrections, the student retrains on everything so far (your
  runs, if it is your clone, and every correction) in a worker process
  (:mod:`cartpole_game.training.teach_worker`), is scored alone on fresh episodes of the level,
  and takes the cart for the next round. An episode without corrections leaves it as it is.
- The panel under the decision panel shows the student's score round by round; the line under
  the top bar, the round and how many corrections it has had.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import pygame

from cartpole_game.agents.clone import ClonePolicy
from cartpole_game.core.text import drawable
from cartpole_game.game.arguments import add_level_argument
from cartpole_game.game.demos import DEMOS_FOLDER, newest_level, player_runs
from cartpole_game.game.input.tables import TEACH
from cartpole_game.game.render.layout import TEACH_LAYOUT, SpriteEntry
from cartpole_game.game.render.theme import blit_text, fit_text
from cartpole_game.game.scenes.arena_scene import RESTART_DELAY
from cartpole_game.game.scenes.base import (
    MenuEntry,
    ModeServices,
    ModeSpec,
    SceneContext,
    always,
)
from cartpole_game.game.scenes.takeover import TakeoverScene
from cartpole_game.game.scenes.teach_draw import draw_rounds
from cartpole_game.game.scenes.teach_state import CorrectingHuman, Phase, TeachState
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.training.teach_worker import STUDENTS, TeachJob, TeachOrder

STUDENT_NAME = "student"
RUNS_USED = 20  # a clone learns from your newest runs on the level, as many as Clone me's default
ROUNDS_RECT = TEACH_LAYOUT.rect("rounds")


class StudentWorker(Protocol):
    """What the scene needs of its worker (:class:`TeachJob`; the screen states script one)."""

    finished: bool

    def messages(self) -> list[dict[str, Any]]: ...

    def learn(self, observations: np.ndarray, actions: np.ndarray) -> bool: ...

    def stop(self) -> None: ...


def blank_student() -> ClonePolicy:
    """Who sits at the cart until round 0's student arrives (it never drives: the arena waits)."""
    tensors = {
        "input_mean": np.zeros(4, np.float32),
        "input_scale": np.ones(4, np.float32),
        "layers.0.weight": np.zeros((2, 4), np.float32),
        "layers.0.bias": np.zeros(2, np.float32),
    }
    return ClonePolicy(tensors, name=STUDENT_NAME)


class TeachScene(TakeoverScene):
    mode_name = "teach"
    bindings = TEACH

    def __init__(
        self, ctx: SceneContext, level: Level | None = None, student: str | None = None
    ) -> None:
        self.folder = ctx.data_dir / DEMOS_FOLDER
        number = (
            level.number
            if level is not None
            else ctx.config.level
            or newest_level(self.folder)
            or ctx.progress.current_level().number
        )
        self.player = CorrectingHuman()
        super().__init__(
            ctx, blank_student(), LEVELS[number - 1], human=self.player, agent_drives=True
        )
        self.runs = player_runs(self.folder, self.level.number, RUNS_USED)
        self.state = TeachState(student or ("clone" if self.runs else "untrained"))
        self.job: StudentWorker | None = None  # started at the first update
        self.values = None  # no student yet: nothing to show in the decision panel

    # -- the session ----------------------------------------------------------------------------
    @property
    def corrections(self) -> int:
        """Every correction so far: those the student learned from, and this round's."""
        return self.state.sent + self.player.pending

    def start_job(self) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        out = self.ctx.data_dir / "checkpoints" / f"teach-{self.level.key}-{stamp}.safetensors"
        order = TeachOrder(
            self.state.student,
            self.level.number,
            tuple(self.runs),
            out,
            self.ctx.config.seed or 0,
        )
        job = TeachJob(order)
        job.start()
        self.job = job

    def stop_job(self) -> None:
        if self.job is not None:
            self.job.stop()
            self.job = None

    def on_exit(self) -> None:
        self.stop_job()

    def switch_student(self) -> None:
        """N: start over with the other student (a clone needs runs of yours on the level)."""
        other = "untrained" if self.state.student == "clone" else "clone"
        self.runs = player_runs(self.folder, self.level.number, RUNS_USED)
        if other == "clone" and not self.runs:
            self.ctx.notify(f"No runs of yours on {self.level.name} yet: play it to have a clone")
            return
        self.stop_job()
        self.player.take_corrections()  # a new student starts from nothing of the old session
        self.state = TeachState(other)
        self.agent = blank_student()
        self.arena.set_controller(self.agent)
        self._new_episode()
        self.values = None
        who = "your clone" if other == "clone" else "an untrained network"
        self.ctx.notify(f"Starting over: {who} learns")

    def poll(self) -> None:
        if self.job is None:
            return
        for message in self.job.messages():
            self.state.take(message)
            if message.get("kind") == "round":
                self.seat_student()
        if self.job.finished:  # an error: the worker has ended
            self.stop_job()

    def seat_student(self) -> None:
        """The new student takes the cart: now, before the first step of a session, or for the
        next round once the last one has ended."""
        tensors, self.state.tensors = self.state.tensors, None
        if tensors is None:
            return
        student = ClonePolicy(tensors, name=STUDENT_NAME)
        self.agent = student
        if self.state.error:
            self.ctx.notify(drawable(f"Warning: {self.state.error}", 200), 6.0)
        if not self.arena.log.actions:  # nothing has happened yet: it starts this episode
            self.arena.set_controller(student)
            self.arena.reset(self.arena.log.seed)
            self._refresh_values()
        elif self.arena.done:
            self.restart()

    # -- input ----------------------------------------------------------------------------------
    def press_handlers(self) -> dict[str, Callable[[], None]]:
        return {**super().press_handlers(), "student": self.switch_student}

    def swap_driver(self) -> None:
        if self.state.phase is not Phase.PLAYING:
            self.ctx.notify(self._waiting_words())
            return
        super().swap_driver()
        if self.human_driving:
            self.player.took_the_cart()

    def restart(self) -> None:
        """Every round starts with the student at the cart (R too, once it is ready)."""
        if self.state.phase is not Phase.PLAYING:
            self.ctx.notify(self._waiting_words())
            return
        assert self.agent is not None
        self.arena.set_controller(self.agent)
        self._new_episode()

    def _new_episode(self) -> None:
        super().restart()

    def _waiting_words(self) -> str:
        if self.state.phase is Phase.FAILED:
            return "The student could not be trained: N starts over"
        return "Wait a moment: the student is learning"

    # -- the rounds -----------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        self.poll()
        phase = self.state.phase
        if phase is Phase.STARTING and self.job is None:
            self.start_job()
        if phase is Phase.LEARNING and self.arena.done:
            # The banner stays up (its fall animation runs) until the new student is ready.
            self.ended_for = min(self.ended_for + dt, RESTART_DELAY * 0.99)
            return
        if phase is not Phase.PLAYING:
            return
        super().update(dt)

    def episode_finished(self) -> None:
        super().episode_finished()
        seen, pressed = self.player.take_corrections()
        if not len(pressed):
            return
        if self.job is None or not self.job.learn(seen, pressed):
            self.state.phase, self.state.error = Phase.FAILED, "the trainer stopped unexpectedly"
            return
        self.state.sent += len(pressed)
        self.state.phase = Phase.LEARNING
        self.state.status = f"Learning from {len(pressed)} new correction(s)…"

    # -- drawing --------------------------------------------------------------------------------
    def obstacles(self, state: tuple[float, ...]) -> list[SpriteEntry | pygame.Rect]:
        return [*super().obstacles(state), ROUNDS_RECT]

    def driver_label(self) -> str:
        return "YOU CORRECT" if self.human_driving else super().driver_label()

    def draw_status_line(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        # Short: on the broom the pole reaches up past these lines, from the middle.
        line = (
            f"round {self.state.round}  ·  {self.corrections} correction(s), "
            f"{self.player.pending} this round"
        )
        blit_text(surface, theme, fit_text(theme, line, 16, 520), 16, pal.text_dim, (32, 100))
        keys = self.bindings.status_line(("swap_driver", "student", "hint", "poke", "wind"))
        blit_text(surface, theme, keys, 14, pal.text_dim, (32, 124))
        draw_rounds(surface, self.ctx, ROUNDS_RECT, self.state, self.level.goal_steps)


def _make_scene(services: ModeServices) -> TeachScene:
    config = services.config
    level = LEVELS[config.level - 1] if config.level is not None else None
    return TeachScene(services.ctx, level, config.student)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_level_argument(parser, "the level of your newest run")
    parser.add_argument(
        "--student",
        choices=STUDENTS,
        help="who learns: a clone of your newest runs on the level, or an untrained network "
        "(default: your clone if you have runs there)",
    )


MODE = ModeSpec(
    name="teach",
    help="teach an agent by taking over: it drives, Tab takes the cart, and it learns from "
    "your corrections between rounds",
    make_scene=_make_scene,
    add_arguments=_add_arguments,
    settings_from_args=lambda args: {"level": args.level, "student": args.student},
    waits_for_player=always,  # the student learns from a player: headless, it needs --frames
    menu=MenuEntry("Teach", "an agent drives; take the cart to correct it, and it learns"),
    fuzz=False,  # each start is a worker process (torch)
)
