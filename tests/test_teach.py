"""Teach by taking over: the student drives, the player takes the cart with Tab, and every step
they then drive is a correction, counted, sent to the worker when the round ends and kept in the
replay with the player as its driver; the next student takes the cart for the next round."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pygame

from cartpole_game.game.demos import DEMOS_FOLDER
from cartpole_game.game.scenes.teach import TeachScene
from cartpole_game.game.scenes.teach_state import CorrectingHuman, Phase
from cartpole_game.harness.screen_driving import (
    frames,
    frames_until,
    hold_until_fallen,
    open_app,
    post_key,
    tap,
)
from cartpole_game.harness.teach_screens import ScriptedWorker, opened, round_message
from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.training.demonstrations import load_demonstrations
from tests.helpers import run_play

WORKER_LIMIT_S = 300  # a bound on waiting for the worker, not a measurement


class Recorder(ScriptedWorker):
    """The scripted worker, keeping the corrections themselves."""

    def __init__(self) -> None:
        super().__init__()
        self.given: list[tuple[np.ndarray, np.ndarray]] = []

    def learn(self, observations: np.ndarray, actions: np.ndarray) -> bool:
        self.given.append((observations, actions))
        return super().learn(observations, actions)


def test_corrections_are_counted_sent_and_kept_with_the_player_as_driver(tmp_path: Path) -> None:
    app, scene, _ = opened(tmp_path)
    worker = Recorder()
    scene.job = worker
    tap(app, pygame.K_TAB)
    assert not scene.human_driving and "learning" in app.ctx.toasts[-1].text, "no student yet"
    worker.outbox.append(round_message(0, 40.0, 0))
    frames(app, 20)
    assert scene.arena.controller.name == "student" and scene.state.phase is Phase.PLAYING
    tap(app, pygame.K_TAB)
    assert scene.human_driving and scene.driver_label() == "YOU CORRECT"
    post_key(pygame.K_RIGHT)
    frames(app, 6)
    post_key(pygame.K_RIGHT, pygame.KEYUP)
    app.frame()
    driven = scene.arena.steps_by_driver["human"]
    assert scene.corrections == scene.player.pending == driven > 0
    hold_until_fallen(app)
    assert scene.state.phase is Phase.LEARNING and scene.corrections == scene.state.sent
    ((seen, pressed),) = worker.given
    assert len(pressed) == scene.arena.steps_by_driver["human"] == scene.state.sent
    assert {int(a) for a in pressed} <= {PUSH_LEFT, PUSH_RIGHT, NO_PUSH}
    # The round's replay holds the same steps, driven by the player: a demonstration of them.
    (kept,) = (tmp_path / DEMOS_FOLDER).glob("*-teach-level1-*.json")
    demos = load_demonstrations([kept], driver="human")
    np.testing.assert_array_equal(demos.observations, seen)
    np.testing.assert_array_equal(demos.actions, pressed)
    # The banner waits for the new student, who then takes the cart for the next round.
    frames(app, 400)
    assert scene.arena.done and scene.state.phase is Phase.LEARNING
    worker.outbox.append(round_message(1, 90.0, len(pressed)))
    # The scene reads the worker on a simulation step: at the broom's half speed one comes every
    # 2 or 3 frames (60 frames a second, steps of 0.02 s).
    frames_until(app, lambda: not scene.arena.done, 3)
    assert not scene.arena.done and scene.arena.controller is scene.agent
    assert [r.round for r in scene.state.rounds] == [0, 1] and scene.player.pending == 0
    app.close()


def test_the_steps_before_the_first_push_after_taking_the_cart_are_no_corrections() -> None:
    player = CorrectingHuman()
    observation = np.zeros(4, np.float32)
    player.took_the_cart()
    assert player.act(observation) == NO_PUSH and player.pending == 0
    player.press(PUSH_LEFT)
    player.act(observation)
    player.release(PUSH_LEFT)
    assert player.act(observation) == NO_PUSH  # a deliberate release, once pushing: a correction
    assert player.pending == 2
    seen, pressed = player.take_corrections()
    assert pressed.tolist() == [PUSH_LEFT, NO_PUSH] and seen.shape == (2, 4)
    assert player.pending == 0


def test_n_starts_over_with_the_other_student(tmp_path: Path) -> None:
    app, scene, worker = opened(tmp_path)
    assert scene.state.student == "clone", "the player has runs on the level: their clone"
    worker.outbox.append(round_message(0, 40.0, 0))
    frames(app, 5)
    tap(app, pygame.K_n)
    assert worker.finished, "the old session's worker is stopped"
    assert scene.state.student == "untrained" and scene.state.phase is Phase.STARTING
    scene.job = ScriptedWorker()
    frames(app, 3)
    assert scene.arena.score == 0, "the arena waits for the new student"
    app.close()


def test_without_runs_the_student_is_an_untrained_network(tmp_path: Path) -> None:
    app = open_app(tmp_path, "teach", level=2)
    scene = app.ctx.stack.top
    assert isinstance(scene, TeachScene) and scene.state.student == "untrained"
    scene.job = ScriptedWorker()
    tap(app, pygame.K_n)
    assert scene.state.student == "untrained" and "No runs of yours" in app.ctx.toasts[-1].text
    app.close()


def test_the_worker_retrains_the_student_on_the_corrections(tmp_path: Path) -> None:
    app = open_app(tmp_path, "teach", level=6, student="untrained")
    scene = app.ctx.stack.top
    assert isinstance(scene, TeachScene)
    _wait(app, scene, Phase.STARTING)
    assert scene.state.phase is Phase.PLAYING, scene.state.error
    tap(app, pygame.K_TAB)
    hold_until_fallen(app, pygame.K_RIGHT)
    corrections = scene.state.sent
    assert corrections > 0 and scene.state.phase is Phase.LEARNING
    _wait(app, scene, Phase.LEARNING)
    assert scene.state.phase is Phase.PLAYING, scene.state.error
    first, second = scene.state.rounds
    assert (first.round, second.round, second.corrections) == (0, 1, corrections)
    (saved,) = (tmp_path / "checkpoints").glob("teach-level6-*.safetensors")
    assert scene.state.path == str(saved)
    app.close()


def _wait(app: object, scene: TeachScene, phase: Phase) -> None:
    deadline = time.monotonic() + WORKER_LIMIT_S
    while scene.state.phase is phase and time.monotonic() < deadline:
        app.frame()  # type: ignore[attr-defined]
        time.sleep(0.01)


def test_a_bad_student_is_one_line_and_exit_2() -> None:
    result = run_play("teach", "--student", "teacher", "--headless", "--frames", "5")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "--student" in result.stderr and "invalid choice" in result.stderr
