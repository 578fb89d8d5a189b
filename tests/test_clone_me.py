"""The menu's "Clone me": it learns from the player's runs on a level in a worker process, shows
how well the clone agrees on held-out steps, then W watches the clone and R races it; with no
runs yet, Enter plays the level."""

from __future__ import annotations

import time
from pathlib import Path

import pygame

from cartpole_game.game.scenes.clone_me import CloneScene
from cartpole_game.game.scenes.clone_state import CloneState, Phase
from cartpole_game.game.scenes.play import PlayScene
from cartpole_game.game.scenes.versus import VersusScene
from cartpole_game.game.scenes.watch import WatchScene
from cartpole_game.harness.clone_screens import clone_scene, write_player_runs
from cartpole_game.harness.screen_driving import frames, open_app, tap
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.levels import LEVELS

WORKER_LIMIT_S = 300  # a bound on waiting for the worker, not a measurement


def test_clone_me_learns_from_your_runs_then_you_watch_and_race_it(tmp_path: Path) -> None:
    write_player_runs(tmp_path, runs=4)
    app = open_app(tmp_path, "clone-me", level=1)
    scene = clone_scene(app)
    assert (scene.kept, scene.used) == (4, 4)
    tap(app, pygame.K_RETURN)
    assert scene.state.phase is Phase.TRAINING
    deadline = time.monotonic() + WORKER_LIMIT_S
    while scene.state.phase is Phase.TRAINING and time.monotonic() < deadline:
        app.frame()
        time.sleep(0.01)
    assert scene.state.phase is Phase.DONE, scene.state.error
    report = scene.state.report or {}
    assert report["held_out_episodes"] == 1 and 0.0 <= report["held_out_agreement"] <= 1.0
    assert scene.state.curve, "the screen drew its agreement epoch by epoch"
    assert scene.state.summary is not None and scene.state.summary["drivers"] == {"human": 1200}
    (saved,) = (tmp_path / "checkpoints").glob("clone-level1-*.safetensors")
    assert Path(scene.state.path or "") == saved
    tap(app, pygame.K_w)
    watch = app.ctx.stack.top
    assert isinstance(watch, WatchScene) and watch.agent is not None
    assert watch.agent.name == "your clone" and watch.level is LEVELS[0]
    tap(app, pygame.K_ESCAPE)
    assert app.ctx.stack.top is scene
    tap(app, pygame.K_r)
    race = app.ctx.stack.top
    assert isinstance(race, VersusScene)
    left, right = race.controllers
    assert isinstance(left, HumanController) and right.name == "your clone"
    app.close()


def test_with_no_runs_enter_plays_the_level_first(tmp_path: Path) -> None:
    app = open_app(tmp_path, "clone-me", level=2)
    scene = clone_scene(app)
    assert scene.used == 0
    tap(app, pygame.K_w)
    assert app.ctx.stack.top is scene and "Train your clone first" in app.ctx.toasts[-1].text
    tap(app, pygame.K_RETURN)
    play = app.ctx.stack.top
    assert isinstance(play, PlayScene) and play.level is LEVELS[1]
    tap(app, pygame.K_ESCAPE)
    assert isinstance(app.ctx.stack.top, CloneScene)
    app.close()


def test_the_rows_change_the_level_and_how_many_runs(tmp_path: Path) -> None:
    write_player_runs(tmp_path, runs=3)
    app = open_app(tmp_path, "clone-me")
    scene = clone_scene(app)
    assert scene.level is LEVELS[0], "the level of the newest run"
    tap(app, pygame.K_RIGHT)
    assert scene.level is LEVELS[1] and scene.used == 0
    tap(app, pygame.K_LEFT)
    tap(app, pygame.K_DOWN)
    tap(app, pygame.K_LEFT)
    assert scene.runs == 10 and scene.used == 3
    frames(app, 2)
    app.close()


def test_the_workers_reports_move_the_screen_on() -> None:
    state = CloneState(Phase.TRAINING)
    state.take({"kind": "status", "text": "Loading the trainer…"})
    state.take({"kind": "epoch", "epoch": 1, "agreement": 0.5})
    state.take({"kind": "epoch", "epoch": 2, "agreement": None})  # nothing held out
    assert (state.status, state.curve, state.phase) == ("epoch 2", [0.5], Phase.TRAINING)
    state.take({"kind": "error", "text": "no steps driven by a human"})
    assert state.phase is Phase.FAILED and state.error == "no steps driven by a human"
