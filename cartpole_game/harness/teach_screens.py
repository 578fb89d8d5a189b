"""The screen states of the teaching mode (:mod:`screen_states` lists them with the rest): the
student getting ready, driving with its rounds so far, you correcting it, it learning from your
corrections, many rounds, a failed start, and its help.

No state needs torch or a worker process: a :class:`ScriptedWorker` stands in for the teaching
worker, and the rounds are given to the scene as the worker would send them, with a student that
pushes as the shipped linear policy does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pygame

from cartpole_game.agents import load_agent
from cartpole_game.agents.linear import LinearPolicy
from cartpole_game.game.app import App
from cartpole_game.game.scenes.teach import TeachScene
from cartpole_game.harness.clone_screens import write_player_runs
from cartpole_game.harness.screen_driving import (
    StateDriver,
    frames,
    hold_until_fallen,
    open_app,
    post_key,
    press_help,
    tap,
)

# A class's session: the student's mean steps alone after each round, out of the broom's 300.
MEANS = (31.0, 64.0, 118.0, 175.0, 230.0, 262.0, 288.0, 300.0, 300.0, 296.0, 300.0, 300.0)


class ScriptedWorker:
    """Stands in for the teaching worker: takes corrections, sends what it is given."""

    def __init__(self) -> None:
        self.finished = False
        self.outbox: list[dict[str, Any]] = []
        self.learned: list[int] = []  # how many corrections each learn order carried

    def messages(self) -> list[dict[str, Any]]:
        out, self.outbox = self.outbox, []
        return out

    def learn(self, observations: np.ndarray, actions: np.ndarray) -> bool:
        self.learned.append(len(actions))
        return True

    def stop(self) -> None:
        self.finished = True


def student_tensors() -> dict[str, np.ndarray]:
    """A clone-shaped student without hidden layers that pushes as the linear policy does."""
    linear = load_agent("linear")
    assert isinstance(linear, LinearPolicy)
    weights = linear.weights.astype(np.float32)
    return {
        "input_mean": np.zeros(4, np.float32),
        "input_scale": np.ones(4, np.float32),
        "layers.0.weight": np.stack([-weights, weights]),
        "layers.0.bias": np.array([-linear.bias, linear.bias], np.float32),
    }


def round_message(number: int, mean: float, corrections: int, goal: int = 300) -> dict[str, Any]:
    reached = 1.0 if mean >= goal else min(0.9, mean / goal)
    return {
        "kind": "round",
        "round": number,
        "tensors": student_tensors(),
        "mean": mean,
        "reached": reached,
        "episodes": 20,
        "corrections": corrections,
        "demos": 1800,
        "dataset": 1800 + corrections,
    }


def teach_scene(app: App) -> TeachScene:
    top = app.ctx.stack.top
    assert isinstance(top, TeachScene), f"not the teaching scene: {top}"
    return top


def opened(data_dir: Path) -> tuple[App, TeachScene, ScriptedWorker]:
    """The teaching mode on the broom, the player's runs kept, a scripted worker at its side."""
    write_player_runs(data_dir)
    app = open_app(data_dir, "teach", level=1)
    scene = teach_scene(app)
    worker = ScriptedWorker()
    scene.job = worker  # before the first frame: no worker process is started
    return app, scene, worker


def starting(data_dir: Path) -> App:
    app, _, worker = opened(data_dir)
    worker.outbox.append({"kind": "status", "text": "Your clone is learning from your 6 run(s)…"})
    frames(app, 3)
    return app


def give_rounds(app: App, worker: ScriptedWorker, count: int) -> None:
    for number in range(count):
        worker.outbox.append(round_message(number, MEANS[number], 40 * number))
        app.frame()


def student_drives(data_dir: Path) -> App:
    app, _, worker = opened(data_dir)
    give_rounds(app, worker, 4)
    frames(app, 60)
    return app


def correcting(data_dir: Path) -> App:
    app = student_drives(data_dir)
    tap(app, pygame.K_TAB)
    post_key(pygame.K_RIGHT)
    frames(app, 8)
    post_key(pygame.K_RIGHT, pygame.KEYUP)
    frames(app, 2)
    return app


def learning(data_dir: Path) -> App:
    app = correcting(data_dir)
    hold_until_fallen(app)
    frames(app, 30)
    return app


def many_rounds(data_dir: Path) -> App:
    app, _, worker = opened(data_dir)
    give_rounds(app, worker, len(MEANS))
    frames(app, 40)
    return app


def failed(data_dir: Path) -> App:
    app, _, worker = opened(data_dir)
    text = "no steps driven by a human on level 1 in the 6 replay file(s) read"
    worker.outbox.append({"kind": "error", "text": text})
    frames(app, 3)
    return app


TEACH_STATES: dict[str, StateDriver] = {
    "teach-starting": starting,
    "teach-student-drives": student_drives,
    "teach-correcting": correcting,
    "teach-learning": learning,
    "teach-rounds": many_rounds,
    "teach-failed": failed,
    "help-teach": lambda data_dir: press_help(student_drives(data_dir)),
}
