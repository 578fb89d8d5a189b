"""Driving the game to a screen state: open an :class:`App` on a data folder, post keys, draw
frames, wait for a condition. The states themselves are in :mod:`screen_states`.

By default the app is headless (SDL's dummy driver, a virtual clock). With the environment
variable ``CARTPOLE_SCREENS_WINDOW=1`` (``scripts/screens.py --window``) it opens a real window
on ``$DISPLAY`` with the real clock, so every state can be looked at as a player sees it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

import pygame

from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.scenes.arena_scene import ArenaScene
from cartpole_game.game.scenes.overlays import HelpOverlay
from cartpole_game.game.scenes.versus import VersusScene
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.replay import Replay

StateDriver = Callable[[Path], App]
WINDOW_VARIABLE = "CARTPOLE_SCREENS_WINDOW"

SEED = 0


# -- driving the app ------------------------------------------------------------------------------
def in_window() -> bool:
    """Whether states open a real window (``scripts/screens.py --window``)."""
    return os.environ.get(WINDOW_VARIABLE) == "1"


def open_app(data_dir: Path, mode: str, **config: object) -> App:
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    config.setdefault("seed", SEED)
    if in_window():
        os.environ.pop("SDL_VIDEODRIVER", None)
        # A fresh data folder would open on the first-run lesson; the states go where they say.
        data_dir.mkdir(parents=True, exist_ok=True)
        (data_dir / "progress.json").write_text('{"format_version": 1, "lesson_seen": true}\n')
        return App(RunConfig(mode=mode, headless=False, data_dir=data_dir, **config))  # type: ignore[arg-type]
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    return App(RunConfig(mode=mode, headless=True, data_dir=data_dir, **config))  # type: ignore[arg-type]


def post_key(code: int, kind: int = pygame.KEYDOWN) -> None:
    pygame.event.post(pygame.event.Event(kind, key=code, mod=0, unicode="", scancode=0))


def tap(app: App, code: int) -> None:
    """Press and release ``code``, then draw a frame."""
    post_key(code)
    post_key(code, pygame.KEYUP)
    app.frame()


def frames(app: App, count: int) -> None:
    for _ in range(count):
        app.frame()


def frames_until(app: App, done: Callable[[], bool], limit: int) -> None:
    for _ in range(limit):
        if done():
            return
        app.frame()
    if not done():
        raise RuntimeError(f"the state was not reached within {limit} frames")


def arena_scene(app: App) -> ArenaScene:
    for scene in reversed(app.ctx.stack.scenes):
        if isinstance(scene, ArenaScene):
            return scene
    raise RuntimeError("no arena scene on the stack")


def versus_scene(app: App) -> VersusScene:
    top = app.ctx.stack.top
    if not isinstance(top, VersusScene):
        raise RuntimeError(f"not the versus scene: {type(top).__name__}")
    return top


def hold_until_fallen(app: App, code: int = pygame.K_LEFT, limit: int = 600) -> None:
    scene = arena_scene(app)
    post_key(code)
    frames_until(app, lambda: scene.arena.done, limit)
    post_key(code, pygame.KEYUP)
    app.frame()


def balance_until_done(app: App, limit: int) -> None:
    """A steady player: holds the key toward where the pole is going until the run ends."""
    scene = arena_scene(app)
    held: int | None = None
    for _ in range(limit):
        if scene.arena.done:
            break
        x, x_dot, theta, theta_dot = (float(v) for v in scene.arena.state)
        want = (
            pygame.K_RIGHT
            if theta + 0.3 * theta_dot + 0.01 * x + 0.02 * x_dot > 0
            else pygame.K_LEFT
        )
        if want != held:
            if held is not None:
                post_key(held, pygame.KEYUP)
            post_key(want)
            held = want
        app.frame()
    if held is not None:
        post_key(held, pygame.KEYUP)
    app.frame()


def press_help(app: App) -> App:
    tap(app, pygame.K_h)
    if not isinstance(app.ctx.stack.top, HelpOverlay):
        raise RuntimeError(f"H opened no help over {type(app.ctx.stack.top).__name__}")
    return app


def write_replay(data_dir: Path, differs: bool) -> Path:
    """A short recorded run (nobody pushes), true to its playback or not."""
    data_dir.mkdir(parents=True, exist_ok=True)
    arena = Arena(HumanController(), seed=3)
    while not arena.done:
        arena.step()
    replay = Replay.from_arena(arena, "play", 1.0)
    if differs:
        replay = dataclasses.replace(replay, score=replay.score + 7)
    path = data_dir / ("differs.json" if differs else "matches.json")
    replay.save(path)
    return path
