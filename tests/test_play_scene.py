"""Scripted keyboard play through the real app loop, headless, under the virtual clock."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygame
import pytest

from cartpole_game.game.app import App
from cartpole_game.game.config import LoopConfig, RunConfig
from cartpole_game.game.highscores import table_key
from cartpole_game.game.scenes.overlays import PauseOverlay
from cartpole_game.game.scenes.play import PlayScene
from cartpole_game.sim.levels import LEVELS


def make_app(tmp_path: Path, level: int | None = len(LEVELS), **loop) -> App:
    """Play, by default on the last level (CartPole-v1) at 1x unless ``loop`` says otherwise."""
    loop.setdefault("time_scale", 1.0 if level == len(LEVELS) else None)
    return App(
        RunConfig(
            mode="play",
            headless=True,
            seed=0,
            data_dir=tmp_path,
            level=level,
            loop=LoopConfig(**loop),
        )
    )


def key(kind: int, key_code: int) -> None:
    pygame.event.post(pygame.event.Event(kind, key=key_code, mod=0, unicode="", scancode=0))


def play_scene(app: App) -> PlayScene:
    scenes = [s for s in app.ctx.stack.scenes if isinstance(s, PlayScene)]
    assert scenes
    return scenes[0]


def test_holding_right_for_10_frames_moves_the_cart_right(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        app.frame()
        scene = play_scene(app)
        x0 = float(scene.arena.state[0])
        key(pygame.KEYDOWN, pygame.K_RIGHT)
        for _ in range(10):
            app.frame()
        assert scene.arena.env.last_force == 10.0
        assert float(scene.arena.state[0]) > x0
        assert float(scene.arena.state[1]) > 0.3  # velocity built up by the push
    finally:
        app.close()


def test_a_and_d_push_too(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        scene = play_scene(app)
        key(pygame.KEYDOWN, pygame.K_a)
        for _ in range(6):
            app.frame()
        assert scene.arena.env.last_force == -10.0 and scene.arena.state[1] < 0
        key(pygame.KEYUP, pygame.K_a)
        key(pygame.KEYDOWN, pygame.K_d)
        for _ in range(3):  # at 60 fps and 50 steps/s, a frame may run no step
            app.frame()
        assert scene.arena.env.last_force == 10.0
        key(pygame.KEYUP, pygame.K_d)
        for _ in range(3):
            app.frame()
        assert not scene.arena.done and scene.arena.env.last_force == 0.0
    finally:
        app.close()


def test_nothing_moves_until_the_first_push(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        scene = play_scene(app)
        start = scene.arena.state.copy()
        for _ in range(300):  # five seconds untouched: the run waits for the player
            app.frame()
        assert scene.waiting and scene.arena.score == 0
        assert scene.arena.state.tobytes() == start.tobytes()
    finally:
        app.close()


def test_no_key_applies_zero_force(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        scene = play_scene(app)
        key(pygame.KEYDOWN, pygame.K_RIGHT)
        key(pygame.KEYUP, pygame.K_RIGHT)  # one tap starts the run
        for _ in range(12):
            app.frame()
        assert scene.arena.score > 1
        assert scene.arena.env.last_force == 0.0
        assert scene.arena.last_action == 2
    finally:
        app.close()


def test_space_pauses_and_resumes(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        scene = play_scene(app)
        key(pygame.KEYDOWN, pygame.K_RIGHT)
        app.frame()
        key(pygame.KEYDOWN, pygame.K_SPACE)
        app.frame()
        assert isinstance(app.ctx.stack.top, PauseOverlay)
        frozen = scene.arena.state.copy()
        for _ in range(30):
            app.frame()
        assert scene.arena.state.tobytes() == frozen.tobytes()
        key(pygame.KEYDOWN, pygame.K_SPACE)
        app.frame()
        app.frame()
        assert app.ctx.stack.top is scene
        assert scene.arena.state.tobytes() != frozen.tobytes()
    finally:
        app.close()


def test_r_restarts_and_plus_minus_change_time_scale(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        scene = play_scene(app)
        key(pygame.KEYDOWN, pygame.K_RIGHT)
        for _ in range(10):
            app.frame()
        assert scene.arena.score > 0
        key(pygame.KEYDOWN, pygame.K_r)
        app.frame()
        assert scene.arena.episode == 2
        key(pygame.KEYDOWN, pygame.K_EQUALS)
        key(pygame.KEYDOWN, pygame.K_EQUALS)
        app.frame()
        assert app.ctx.time_scale == 1.5
        for _ in range(6):
            key(pygame.KEYDOWN, pygame.K_MINUS)
        app.frame()
        assert app.ctx.time_scale == 0.25
    finally:
        app.close()


def test_escape_returns_to_menu_and_h_opens_help(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        key(pygame.KEYDOWN, pygame.K_h)
        app.frame()
        assert type(app.ctx.stack.top).__name__ == "HelpOverlay"
        key(pygame.KEYDOWN, pygame.K_x)  # any key closes help
        app.frame()
        key(pygame.KEYDOWN, pygame.K_ESCAPE)
        app.frame()
        assert type(app.ctx.stack.top).__name__ == "MenuScene"
        key(pygame.KEYDOWN, pygame.K_RETURN)  # "Play now" is the first entry
        app.frame()
        assert isinstance(app.ctx.stack.top, PlayScene)
    finally:
        app.close()


@pytest.mark.parametrize("scale", [0.5, 2.0])
def test_time_scale_changes_simulated_steps_through_the_app(tmp_path: Path, scale: float) -> None:
    normal, scaled = make_app(tmp_path), make_app(tmp_path, time_scale=scale)
    try:
        for _ in range(121):  # 120 frame intervals of 1/60 s: two seconds
            normal.frame()
            scaled.frame()
        assert normal.steps_simulated == 100
        assert scaled.steps_simulated == round(100 * scale)
    finally:
        normal.close()
        scaled.close()


def test_play_starts_on_the_first_level_at_its_own_speed(tmp_path: Path) -> None:
    app = make_app(tmp_path, level=None)
    try:
        scene = play_scene(app)
        first = LEVELS[0]
        assert scene.level is first and app.ctx.time_scale == first.time_scale
        assert scene.arena.params == first.params
    finally:
        app.close()


def test_high_score_recorded_after_an_episode(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        scene = play_scene(app)
        key(pygame.KEYDOWN, pygame.K_LEFT)
        key(pygame.KEYUP, pygame.K_LEFT)
        for _ in range(400):
            app.frame()
            if scene.arena.done:
                break
        assert scene.arena.done
        assert app.ctx.high_scores.get(table_key("level6", 1.0)) == scene.arena.score > 0
        assert (tmp_path / "highscores.json").exists()
    finally:
        app.close()


@pytest.mark.parametrize("time_scale", [0.25, 0.5, 1.0])
def test_a_tap_between_two_steps_still_pushes(tmp_path: Path, time_scale: float) -> None:
    # At 0.25x the steps are 80 ms apart: a 20 ms tap starts and ends between two of them.
    app = make_app(tmp_path, time_scale=time_scale)
    try:
        scene = play_scene(app)
        key(pygame.KEYDOWN, pygame.K_RIGHT)
        key(pygame.KEYUP, pygame.K_RIGHT)  # down and up within one frame: before any step
        steps = app.steps_simulated
        while app.steps_simulated < steps + 3:
            app.frame()
        assert scene.arena.log.actions[0] == 1, "the tap must push for the next step"
        assert scene.arena.log.actions[1:3] == [2, 2], "and only for that step"
        assert float(scene.arena.state[1]) > 0.1  # the cart is moving right
    finally:
        app.close()


def test_a_tap_while_the_episode_is_over_does_not_push_the_next_one() -> None:
    from cartpole_game.sim.controllers import HumanController

    human = HumanController()
    human.press(1)
    human.release(1)
    human.reset()  # the arena starts a new episode
    assert human.act(np.zeros(4, np.float32)) == 2
