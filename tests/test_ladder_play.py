"""Playing the ladder through the app: medals and unlocks, the ghost, and the offer after quick
falls. Scripted keys through the real loop, headless, under the virtual clock."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pygame

from cartpole_game.game.app import App
from cartpole_game.game.config import LoopConfig, RunConfig
from cartpole_game.game.scenes.play import OfferOverlay, PlayScene
from cartpole_game.sim.levels import LEVELS
from cartpole_game.sim.replay import load_replay


def make_app(tmp_path: Path, level: int | None, time_scale: float | None = None) -> App:
    config = RunConfig(
        mode="play",
        headless=True,
        seed=11,
        data_dir=tmp_path,
        level=level,
        loop=LoopConfig(time_scale=time_scale),
    )
    return App(config)


def key(kind: int, code: int) -> None:
    pygame.event.post(pygame.event.Event(kind, key=code, mod=0, unicode="", scancode=0))


def balance_until_done(app: App, scene: PlayScene, frames: int) -> None:
    """A steady player: holds the key toward where the pole is going, from the first frame."""
    held: int | None = None
    for _ in range(frames):
        x, x_dot, theta, theta_dot = scene.arena.state
        want = (
            pygame.K_RIGHT
            if theta + 0.3 * theta_dot + 0.01 * x + 0.02 * x_dot > 0
            else pygame.K_LEFT
        )
        if want != held:
            if held is not None:
                key(pygame.KEYUP, held)
            key(pygame.KEYDOWN, want)
            held = want
        app.frame()
        if scene.arena.done:
            break
    if held is not None:
        key(pygame.KEYUP, held)


def fall_quickly(app: App, scene: PlayScene) -> None:
    key(pygame.KEYDOWN, pygame.K_LEFT)
    for _ in range(600):
        app.frame()
        if scene.arena.done:
            break
    key(pygame.KEYUP, pygame.K_LEFT)
    assert scene.arena.done


def three_quick_falls(app: App, scene: PlayScene) -> None:
    """Three runs that fall at once, restarting with R between them (no offer before the third)."""
    for attempt in range(3):
        fall_quickly(app, scene)
        if attempt < 2:
            assert not isinstance(app.ctx.stack.top, OfferOverlay)
            key(pygame.KEYDOWN, pygame.K_r)
            app.frame()


def test_clearing_a_level_earns_gold_and_unlocks_the_next_after_a_restart(tmp_path: Path) -> None:
    first = LEVELS[0]
    app = make_app(tmp_path, None)  # a new player starts at the first level
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, PlayScene) and scene.level is first
        balance_until_done(app, scene, frames=4000)
        assert scene.arena.score == first.goal_steps and scene.new_medal == "gold"
        app.frame()
        assert any("Level 2 unlocked" in toast.text for toast in app.ctx.toasts)
    finally:
        app.close()
    saved = json.loads((tmp_path / "progress.json").read_text())
    assert saved["levels"]["level1"] == {"best_steps": first.goal_steps, "medal": "gold"}
    again = make_app(tmp_path, None)  # the game restarted: it opens on level 2
    try:
        assert again.ctx.stack.top.level is LEVELS[1]
    finally:
        again.close()


def test_the_ghost_of_the_best_run_starts_where_it_started_and_replays_it(tmp_path: Path) -> None:
    last = LEVELS[-1]
    app = make_app(tmp_path, last.number, time_scale=1.0)
    try:
        scene = app.ctx.stack.top
        assert scene.ghost is None  # no best run yet
        key(pygame.KEYDOWN, pygame.K_RIGHT)
        key(pygame.KEYUP, pygame.K_RIGHT)
        for _ in range(600):
            app.frame()
            if scene.arena.done:
                break
        best = load_replay(tmp_path / "replays" / "best-level6-1x.json")
        key(pygame.KEYDOWN, pygame.K_r)  # the next run
        app.frame()
        assert scene.ghost is not None and scene.ghost.replay == best
        assert scene.arena.log.seed == best.seed  # the same start as the best run
        assert scene.ghost_state(0.0) is not None
        start = scene.arena.state.copy()
        assert np.array_equal(scene.ghost.arena.state, start)
        key(pygame.KEYDOWN, pygame.K_LEFT)  # another run: the ghost replays the best one
        for _ in range(6):
            app.frame()
        key(pygame.KEYUP, pygame.K_LEFT)
        steps = len(scene.arena.log.actions)
        assert steps > 0 and len(scene.ghost.arena.log.actions) == steps
        assert scene.ghost.arena.log.actions == list(best.actions[:steps])
        assert not np.array_equal(scene.ghost.arena.state, scene.arena.state)
    finally:
        app.close()


def test_three_quick_falls_offer_to_slow_down_or_drop_a_level(tmp_path: Path) -> None:
    last = LEVELS[-1]
    app = make_app(tmp_path, last.number, time_scale=1.0)
    try:
        scene = app.ctx.stack.top
        three_quick_falls(app, scene)
        assert isinstance(app.ctx.stack.top, OfferOverlay)
        app.frame()  # it draws over the arena without trouble
        key(pygame.KEYDOWN, pygame.K_MINUS)
        app.frame()
        assert app.ctx.stack.top is scene and app.ctx.time_scale == 0.75
        assert scene.offered
    finally:
        app.close()
    again = make_app(tmp_path, last.number, time_scale=1.0)
    try:
        three_quick_falls(again, again.ctx.stack.top)
        key(pygame.KEYDOWN, pygame.K_l)  # drop a level
        again.frame()
        top = again.ctx.stack.top
        assert isinstance(top, PlayScene) and top.level is LEVELS[-2]
    finally:
        again.close()


def test_every_level_s_pole_fits_under_the_top_bar(tmp_path: Path) -> None:
    from cartpole_game.game.scenes.arena_scene import TOP_BAR

    app = make_app(tmp_path, 1)
    try:
        for level in LEVELS:
            scene = PlayScene(app.ctx, None, level)
            pivot, tip = scene._pole_segment((0.0, 0.0, 0.0, 0.0))
            assert TOP_BAR.bottom < tip[1] < pivot[1], level.name
    finally:
        app.close()
