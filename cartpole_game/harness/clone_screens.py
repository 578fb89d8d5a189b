"""The screen states of "Clone me" (:mod:`screen_states` lists them with the rest): no runs yet,
ready with the player's runs, learning, done (how well the clone copies the player), failed, its
help, and "you versus your clone" in versus.

The player's runs are played by the simulated player under the name "human"; the worker's
reports are given to the scene as the worker would send them, and the clone raced is a small
clone-kind checkpoint written here, so no state needs torch or a worker process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pygame

from cartpole_game.agents import load_agent
from cartpole_game.agents.checkpoint import Checkpoint, save_checkpoint
from cartpole_game.agents.clone import clone_architecture
from cartpole_game.agents.linear import LinearPolicy
from cartpole_game.game.app import App
from cartpole_game.game.demos import DEMOS_FOLDER, EpisodeKeeper
from cartpole_game.game.scenes.clone_me import CloneScene
from cartpole_game.game.scenes.clone_state import CloneState, Phase
from cartpole_game.harness.screen_driving import StateDriver, frames, open_app, press_help, tap
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.levels import LEVELS
from cartpole_game.sim.player_model import SimulatedPlayer

RUNS = 6  # the player's runs on the broom
CURVE = [0.62, 0.7, 0.74, 0.78, 0.8, 0.81, 0.83, 0.84, 0.84, 0.85] + [0.86] * 30


class _Player(SimulatedPlayer):
    name = "human"  # kept as the player's own runs


def write_player_runs(data_dir: Path, runs: int = RUNS) -> None:
    """``runs`` finished runs of the simulated player on level 1, kept as the player's."""
    level = LEVELS[0]
    keeper = EpisodeKeeper(None, data_dir / DEMOS_FOLDER)
    player = _Player(time_scale=level.time_scale, tau=level.params.tau, seed=0)
    arena = Arena(player, seed=100, params=level.params)
    for run in range(runs):
        if run:
            arena.reset()
        while not arena.done:
            arena.step()
        keeper.keep(arena, "play", level, level.time_scale)


def write_clone(data_dir: Path) -> Path:
    """A clone-kind checkpoint without hidden layers that pushes as the shipped linear policy
    does (its scores are ``[-w·s - b, w·s + b]``)."""
    linear = load_agent("linear")
    assert isinstance(linear, LinearPolicy)
    weights = linear.weights.astype(np.float32)
    tensors = {
        "input_mean": np.zeros(4, np.float32),
        "input_scale": np.ones(4, np.float32),
        "layers.0.weight": np.stack([-weights, weights]),
        "layers.0.bias": np.array([-linear.bias, linear.bias], np.float32),
    }
    path = data_dir / "checkpoints" / "clone-level1-screens.safetensors"
    save_checkpoint(path, Checkpoint("clone", clone_architecture(2, ()), tensors))
    return path


def clone_scene(app: App) -> CloneScene:
    top = app.ctx.stack.top
    assert isinstance(top, CloneScene), f"not Clone me: {top}"
    return top


def _opened(data_dir: Path, runs: int = RUNS) -> App:
    if runs:
        write_player_runs(data_dir, runs)
    app = open_app(data_dir, "clone-me", level=1)
    frames(app, 2)
    return app


def no_runs(data_dir: Path) -> App:
    return _opened(data_dir, 0)


def ready(data_dir: Path) -> App:
    return _opened(data_dir)


def learning(data_dir: Path) -> App:
    app = _opened(data_dir)
    scene = clone_scene(app)
    scene.state = CloneState(Phase.TRAINING, level=LEVELS[0])
    for epoch, agreement in enumerate(CURVE[:24], start=1):
        scene.state.take({"kind": "epoch", "epoch": epoch, "agreement": agreement})
    frames(app, 2)
    return app


def done_message(path: Path) -> dict[str, Any]:
    """What the worker sends when a clone of the player's six runs is saved."""
    report = {
        "held_out_agreement": 0.862,
        "held_out_agreement_by_action": {"push_left": 0.88, "push_right": 0.87, "no_push": 0.71},
        "held_out_episodes": 1,
        "held_out_steps": 300,
        "train_agreement": 0.9,
        "epochs": 70,
        "train_seconds": 2.4,
    }
    summary = {"episodes": RUNS, "steps": RUNS * 300}
    return {"kind": "done", "report": report, "summary": summary, "path": str(path)}


def done(data_dir: Path) -> App:
    app = _opened(data_dir)
    scene = clone_scene(app)
    scene.state = CloneState(Phase.TRAINING, level=LEVELS[0])
    for epoch, agreement in enumerate(CURVE, start=1):
        scene.state.take({"kind": "epoch", "epoch": epoch, "agreement": agreement})
    scene.state.take(done_message(write_clone(data_dir)))
    frames(app, 2)
    return app


def failed(data_dir: Path) -> App:
    app = _opened(data_dir)
    scene = clone_scene(app)
    scene.state = CloneState(Phase.TRAINING, level=LEVELS[0])
    scene.state.take({"kind": "error", "text": "no steps driven by a human on level 1 in 6 files"})
    frames(app, 2)
    return app


def help_screen(data_dir: Path) -> App:
    app = _opened(data_dir)
    press_help(app)
    return app


def race(data_dir: Path) -> App:
    """Done, then R: you versus your clone, the first round under way."""
    app = done(data_dir)
    tap(app, pygame.K_r)
    tap(app, pygame.K_RIGHT)
    frames(app, 30)
    return app


CLONE_STATES: dict[str, StateDriver] = {
    "clone-me-no-runs": no_runs,
    "clone-me-ready": ready,
    "clone-me-learning": learning,
    "clone-me-done": done,
    "clone-me-failed": failed,
    "clone-me-help": help_screen,
    "clone-me-race": race,
}
