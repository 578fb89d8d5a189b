"""The first-run lesson, played through the real app loop, headless, under the virtual clock."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pygame
import pytest

from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.input.tables import GLOBAL, LESSON
from cartpole_game.game.modes import MODES
from cartpole_game.game.progress import Progress
from cartpole_game.game.scenes.lesson import (
    LEAN_RAD,
    LESSON_TIME_SCALE,
    TAP_MAX_STEPS,
    TAPS_NEEDED,
    LessonScene,
    Phase,
    Stage,
    first_run_lesson,
)
from cartpole_game.game.scenes.menu import MenuScene
from cartpole_game.game.scenes.play import PlayScene
from cartpole_game.sim.arena import EndReason

FPS = 60  # the virtual clock's frames per second of real time


def make_app(tmp_path: Path, mode: str = "lesson", **kw) -> App:
    return App(RunConfig(mode=mode, headless=True, seed=0, data_dir=tmp_path, **kw))


def key(key_code: int, kind: int = pygame.KEYDOWN) -> None:
    pygame.event.post(pygame.event.Event(kind, key=key_code, mod=0, unicode="", scancode=0))


def lesson_of(app: App) -> LessonScene:
    top = app.ctx.stack.top
    assert isinstance(top, LessonScene)
    return top


def run_until(
    app: App, done: Callable[[], bool], limit: int, step: Callable[[], None] | None = None
) -> int:
    """Frames until ``done()`` (at most ``limit``), calling ``step`` before each; how many ran."""
    for frames in range(limit):
        if done():
            return frames
        if step is not None:
            step()
        app.frame()
    assert done(), f"not done after {limit} frames"
    return limit


def seen_on_disk(tmp_path: Path) -> bool:
    return Progress.load(tmp_path / "progress.json").lesson_seen


def wait(app: App, seconds: float) -> None:
    for _ in range(round(seconds * FPS)):
        app.frame()


def push_the_way_it_leans(app: App, lesson: LessonScene, read_s: float = 0.5) -> None:
    """Step 1, one round, played right: after ``read_s`` seconds, hold the key the pole leans
    towards until it is back up."""
    code = pygame.K_RIGHT if lesson.lean_side > 0 else pygame.K_LEFT
    wait(app, read_s)
    key(code)
    run_until(app, lambda: lesson.phase is Phase.CHEER, 60)
    key(code, pygame.KEYUP)
    run_until(app, lambda: lesson.phase is Phase.WAIT or lesson.stage is not Stage.LEAN, 120)


def tap_to_balance(app: App, lesson: LessonScene) -> Callable[[], None]:
    """A step 2 player: a one-frame tap the way the pole is heading whenever it needs one."""

    def step() -> None:
        _, _, theta, theta_dot = (float(v) for v in lesson.arena.state)
        heading = theta + 0.3 * theta_dot
        if lesson.phase in (Phase.WAIT, Phase.LIVE) and abs(heading) > 0.02:
            code = pygame.K_RIGHT if heading > 0 else pygame.K_LEFT
            key(code)
            app.frame()
            key(code, pygame.KEYUP)

    return step


# -- when it is shown ---------------------------------------------------------------------------
def test_the_lesson_is_offered_on_a_first_windowed_start_into_menu_or_play(tmp_path: Path) -> None:
    app = make_app(tmp_path, "menu")
    try:
        ctx = app.ctx
        assert isinstance(ctx.stack.top, MenuScene)  # headless: never the lesson
        assert first_run_lesson(ctx) is None
        windowed = dataclasses.replace(ctx.config, headless=False)
        for mode, offered in (("menu", True), ("play", True), ("watch", False), ("versus", False)):
            ctx.config = dataclasses.replace(windowed, mode=mode)
            scene = first_run_lesson(ctx)
            assert isinstance(scene, LessonScene) is offered, mode
            if scene is not None:
                scene.restore_time_scale()
        ctx.config = windowed
        ctx.progress.lesson_seen = True  # seen once: never again by itself
        assert first_run_lesson(ctx) is None
    finally:
        app.close()


def test_the_menu_offers_the_lesson_right_after_play_and_opens_it(tmp_path: Path) -> None:
    assert list(MODES).index("lesson") == list(MODES).index("play") + 1
    app = make_app(tmp_path, "menu")
    try:
        titles = [entry.title for entry in app.ctx.stack.top.entries]
        assert titles.index("How to play") == titles.index("Play now") + 1
        key(pygame.K_DOWN)
        key(pygame.K_RETURN)
        app.frame()
        assert isinstance(app.ctx.stack.top, LessonScene)
        assert app.ctx.time_scale == LESSON_TIME_SCALE
    finally:
        app.close()


# -- the whole lesson -----------------------------------------------------------------------------
def test_played_right_the_lesson_takes_about_30_s_and_ends_in_play(tmp_path: Path) -> None:
    # A player who does it right, reading each screen first (the seconds below), as a newcomer
    # would; the rest of the time is the lesson's own pace: slow motion, falls, cheers.
    app = make_app(tmp_path)
    try:
        lesson = lesson_of(app)
        assert not seen_on_disk(tmp_path)
        start = app.frames_drawn
        # Step 1: leaning right, push right; then leaning left, push left.
        assert lesson.stage is Stage.LEAN and lesson.lean_side == 1
        push_the_way_it_leans(app, lesson, read_s=3.0)
        assert lesson.stage is Stage.LEAN and lesson.lean_side == -1
        assert float(lesson.arena.state[2]) == pytest.approx(-LEAN_RAD)
        push_the_way_it_leans(app, lesson, read_s=1.0)
        # Step 2: taps keep it up until three good ones and a couple of seconds.
        assert lesson.stage is Stage.TAP
        wait(app, 2.0)
        run_until(app, lambda: lesson.stage is not Stage.TAP, 1200, tap_to_balance(app, lesson))
        assert lesson.good_taps == TAPS_NEEDED
        # Step 3: any key goes on, once it has been on screen a moment.
        assert lesson.stage is Stage.LIMITS
        key(pygame.K_x)
        app.frame()
        assert lesson.stage is Stage.LIMITS  # too soon: a key meant for step 2 cannot skip it
        wait(app, 6.0)
        key(pygame.K_x)
        app.frame()
        assert lesson.stage is Stage.READY
        assert seen_on_disk(tmp_path)
        wait(app, 2.0)
        seconds = (app.frames_drawn - start) / FPS
        assert 20 < seconds < 40, seconds
        key(pygame.K_RETURN)
        app.frame()
        assert isinstance(app.ctx.stack.top, PlayScene)
        assert len(app.ctx.stack) == 1
        assert app.ctx.stack.top.level.number == 1
    finally:
        app.close()


def test_esc_skips_marks_it_seen_and_gives_the_speed_back(tmp_path: Path) -> None:
    app = make_app(tmp_path, "menu")
    try:
        app.ctx.open_mode("lesson")
        assert app.ctx.time_scale == LESSON_TIME_SCALE
        for _ in range(10):
            app.frame()
        key(pygame.K_ESCAPE)
        app.frame()
        assert isinstance(app.ctx.stack.top, MenuScene)
        assert app.ctx.time_scale == 1.0
        assert seen_on_disk(tmp_path)
    finally:
        app.close()


def test_on_a_first_start_into_play_esc_leaves_the_lesson_for_play(tmp_path: Path) -> None:
    app = make_app(tmp_path, "play", level=1)
    try:
        play = app.ctx.stack.top
        assert isinstance(play, PlayScene)
        speed = app.ctx.time_scale
        app.ctx.config = dataclasses.replace(app.ctx.config, headless=False)
        lesson = first_run_lesson(app.ctx)
        assert lesson is not None
        app.ctx.stack.push(lesson)  # as the app does on a first windowed start
        app.frame()
        key(pygame.K_ESCAPE)
        app.frame()
        assert app.ctx.stack.top is play and app.ctx.time_scale == speed
        assert seen_on_disk(tmp_path)
    finally:
        app.close()


# -- step 1 -------------------------------------------------------------------------------------
def test_a_wrong_push_lets_the_pole_fall_and_the_round_starts_again(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        lesson = lesson_of(app)
        assert lesson.lean_side == 1 and lesson.phase is Phase.WAIT
        still = lesson.arena.state.copy()
        wait(app, 1.0)
        assert lesson.arena.state.tobytes() == still.tobytes()  # held still until a push
        key(pygame.K_LEFT)  # leaning right, pushed left
        run_until(app, lambda: lesson.phase is Phase.FELL, 120)
        assert lesson.arena.end_reason is EndReason.POLE_FELL
        assert float(lesson.arena.state[2]) > 0.2  # it fell to the right, the way it leaned
        assert "wrong way" in lesson.message
        key(pygame.K_LEFT, pygame.KEYUP)
        episode = lesson.arena.episode
        run_until(app, lambda: lesson.phase is Phase.WAIT, 2 * FPS + 10)
        assert lesson.stage is Stage.LEAN and lesson.lean_round == 0
        assert lesson.arena.episode == episode + 1 and not lesson.arena.done
        np.testing.assert_array_equal(lesson.arena.state, [0.0, 0.0, LEAN_RAD, 0.0])
        push_the_way_it_leans(app, lesson)  # and now it works
        assert lesson.lean_round == 1
    finally:
        app.close()


def test_doing_nothing_lets_it_fall_gently_and_retries(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        lesson = lesson_of(app)
        frames = run_until(app, lambda: lesson.phase is Phase.FELL, 12 * FPS)
        assert frames > 4 * FPS  # four seconds held still, then a slow-motion fall
        assert "too late" in lesson.message
        run_until(app, lambda: lesson.phase is Phase.WAIT, 2 * FPS + 10)
        assert lesson.stage is Stage.LEAN and lesson.lean_round == 0
    finally:
        app.close()


# -- step 2 -------------------------------------------------------------------------------------
def test_a_long_hold_is_too_long_and_short_taps_count(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        lesson = lesson_of(app)
        push_the_way_it_leans(app, lesson)
        push_the_way_it_leans(app, lesson)
        assert lesson.stage is Stage.TAP and lesson.good_taps == 0
        key(pygame.K_RIGHT)
        run_until(app, lambda: lesson.hold_steps > TAP_MAX_STEPS, 30)
        app.frame()
        assert lesson.message.startswith("Too long")
        key(pygame.K_RIGHT, pygame.KEYUP)
        app.frame()
        assert lesson.good_taps == 0 and lesson.long_press
        run_until(app, lambda: lesson.phase is Phase.WAIT, 6 * FPS)  # it swung over and fell
        key(pygame.K_RIGHT)
        app.frame()
        key(pygame.K_RIGHT, pygame.KEYUP)
        app.frame()
        assert lesson.good_taps == 1
    finally:
        app.close()


# -- its keys -----------------------------------------------------------------------------------
def test_the_lesson_keys_leave_the_global_keys_to_the_app() -> None:
    assert LessonScene.bindings is LESSON
    assert set(LESSON.commands) == {"push_left", "push_right", "continue", "back"}
    global_keys = {k for binding in GLOBAL.bindings for k in binding.keys}
    assert not global_keys & {k for binding in LESSON.bindings for k in binding.keys}
