"""Drag and drop: a file dropped on the window is opened as an agent, by content, and goes where the
screen says (watch: it plays at once from a fresh episode; takeover: it takes the cart if the
agent had it, else Tab hands it over; play: it gives the hints; the versus setup: the chosen
side; the menu: watch; "Open an agent…": the list). A file that cannot be used is a toast naming
it and why, and nothing changes: not the screen, not the agent, not the recent list.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pygame
import pytest

from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.recent_agents import load_recent
from cartpole_game.game.scenes.open_agent import OpenAgentScene
from cartpole_game.game.scenes.play import PlayScene
from cartpole_game.game.scenes.takeover import TakeoverScene
from cartpole_game.game.scenes.versus import VersusScene
from cartpole_game.game.scenes.versus_setup import LEFT, RIGHT, VersusSetupScene
from cartpole_game.game.scenes.watch import WatchScene
from cartpole_game.harness.screens import capture
from tests.agent_files import FORMATS, NAMES, agent_files

__all__ = ["agent_files"]  # the fixture, used by name below


def open_app(tmp_path: Path, mode: str, **config: object) -> App:
    return App(RunConfig(mode=mode, headless=True, seed=0, data_dir=tmp_path / "data", **config))  # type: ignore[arg-type]


def key(code: int) -> None:
    for kind in (pygame.KEYDOWN, pygame.KEYUP):
        pygame.event.post(pygame.event.Event(kind, key=code, mod=0, unicode="", scancode=0))


def drop(app: App, path: object) -> list[str]:
    """Drop ``path`` on the window: the frame that says "Opening …", then the one that opens it.
    Returns the toasts the first frame showed."""
    pygame.event.post(pygame.event.Event(pygame.DROPFILE, file=path))
    app.frame()
    shown = [toast.text for toast in app.ctx.toasts]
    app.frame()
    return shown


def toasts(app: App) -> list[str]:
    return [toast.text for toast in app.ctx.toasts]


def drawn(app: App) -> list[str]:
    """Every string the screen shows now."""
    return [entry.text for layer in capture(app) for entry in layer.texts]


@pytest.mark.parametrize("fmt", FORMATS)
def test_dropped_on_watch_it_plays_at_once_from_a_fresh_episode(
    agent_files: dict[str, Path], fmt: str, tmp_path: Path
) -> None:
    app = open_app(tmp_path, "watch", agent="dqn")
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, WatchScene)
        for _ in range(60):
            app.frame()
        episode = scene.arena.episode
        assert scene.arena.score > 0
        opening = drop(app, str(agent_files[fmt]))
        assert f"Opening {agent_files[fmt].name}…" in opening
        assert app.ctx.stack.top is scene and scene.agent.name == NAMES[fmt]
        assert scene.arena.controller is scene.agent
        assert scene.arena.episode == episode + 1 and scene.arena.score <= 2
        assert toasts(app) == [f"{NAMES[fmt]} plays now, from a fresh start"]
        texts = drawn(app)
        assert NAMES[fmt] in texts  # the decision panel's title
        assert any(t.startswith(NAMES[fmt].split(" · ")[0].upper()) for t in texts)  # the pill
        recent, _ = load_recent(tmp_path / "data")
        assert recent[0].path == str(agent_files[fmt]) and recent[0].name == NAMES[fmt]
    finally:
        app.close()


def test_dropped_on_takeover_it_takes_the_cart_from_the_agent_at_once(
    agent_files: dict[str, Path], tmp_path: Path
) -> None:
    app = open_app(tmp_path, "takeover", agent="dqn")
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, TakeoverScene)
        key(pygame.K_RIGHT)
        app.frame()
        key(pygame.K_TAB)  # the shipped DQN has the cart
        for _ in range(30):
            app.frame()
        score = scene.arena.score
        drop(app, str(agent_files["sb3"]))
        assert scene.arena.controller.name == NAMES["sb3"]  # at once, mid-episode
        assert scene.arena.score >= score and not scene.arena.done
        for _ in range(10):
            app.frame()
        assert {"dqn", NAMES["sb3"]} <= set(scene.arena.steps_by_driver)
        assert toasts(app)[-1] == f"{NAMES['sb3']} has the cart — Tab to take it back"
        key(pygame.K_TAB)  # back to the player; the next Tab hands it to the dropped agent
        app.frame()
        drop(app, str(agent_files["onnx"]))
        assert scene.human_driving and toasts(app)[-1].endswith("is ready — Tab hands it the cart")
        key(pygame.K_TAB)
        app.frame()
        assert scene.arena.controller.name == NAMES["onnx"]
    finally:
        app.close()


def test_dropped_on_play_it_gives_the_hints(agent_files: dict[str, Path], tmp_path: Path) -> None:
    app = open_app(tmp_path, "play")
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, PlayScene)
        drop(app, str(agent_files["cleanrl"]))
        assert toasts(app)[-1] == f"Hints from {NAMES['cleanrl']}: G shows its push"
        key(pygame.K_g)
        app.frame()
        assert scene.show_hint and scene.agent is not None
        assert scene.values is not None
        expected = scene.agent.action_values(scene.arena.observation)
        np.testing.assert_allclose(scene.values, expected)
        assert NAMES["cleanrl"] in drawn(app)  # the hint's decision panel names it
    finally:
        app.close()


@pytest.mark.parametrize("row", [LEFT, RIGHT])
def test_dropped_on_the_versus_setup_it_becomes_the_chosen_side(
    agent_files: dict[str, Path], tmp_path: Path, row: int
) -> None:
    app = open_app(tmp_path, "versus-setup")
    try:
        setup = app.ctx.stack.top
        assert isinstance(setup, VersusSetupScene)
        if row == RIGHT:
            key(pygame.K_DOWN)
            app.frame()
        drop(app, str(agent_files["onnx"]))
        side = "left" if row == LEFT else "right"
        assert toasts(app)[-1] == f"{NAMES['onnx']} plays on the {side}"
        assert setup.sides[row] == str(agent_files["onnx"])
        assert any(NAMES["onnx"] in text for text in drawn(app))
        key(pygame.K_RETURN)
        app.frame()
        match = app.ctx.stack.top
        assert isinstance(match, VersusScene)
        assert match.controllers[row].name == NAMES["onnx"]
    finally:
        app.close()


def test_the_setup_lists_the_agent_files_opened_lately(
    agent_files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = open_app(tmp_path, "watch", agent=str(agent_files["sb3"]))  # opened: remembered
    app.close()
    app = open_app(tmp_path, "versus-setup")
    try:
        setup = app.ctx.stack.top
        assert isinstance(setup, VersusSetupScene)
        labels = [choice.label for choice in setup.rows[RIGHT]]
        assert NAMES["sb3"] in labels
    finally:
        app.close()


def test_dropped_on_the_menu_it_opens_watch(agent_files: dict[str, Path], tmp_path: Path) -> None:
    app = open_app(tmp_path, "menu")
    try:
        drop(app, str(agent_files["safetensors"]))
        scene = app.ctx.stack.top
        assert isinstance(scene, WatchScene) and scene.agent.name == NAMES["safetensors"]
        assert toasts(app)[-1] == f"Watching {NAMES['safetensors']}"
    finally:
        app.close()


def test_dropped_on_open_an_agent_it_joins_the_list_chosen(
    agent_files: dict[str, Path], tmp_path: Path
) -> None:
    app = open_app(tmp_path, "open-agent")
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, OpenAgentScene)
        drop(app, str(agent_files["sb3"]))
        assert app.ctx.stack.top is scene
        assert scene.chosen.spec == str(agent_files["sb3"]) and scene.chosen.title == NAMES["sb3"]
        assert NAMES["sb3"] in drawn(app)
    finally:
        app.close()


def test_dropped_on_a_versus_match_nothing_is_stopped(
    agent_files: dict[str, Path], tmp_path: Path
) -> None:
    app = open_app(tmp_path, "versus", left="dqn", right="linear")
    try:
        match = app.ctx.stack.top
        for _ in range(20):
            app.frame()
        drop(app, str(agent_files["sb3"]))
        assert app.ctx.stack.top is match
        assert [c.name for c in match.controllers] == ["dqn", "linear"]
        assert toasts(app)[-1].startswith(f"{NAMES['sb3']} is kept in Open an agent…")
    finally:
        app.close()


def hostile_drops(folder: Path) -> dict[str, str]:
    """Things a player (or a file manager) may drop, and what the toast must say of each."""
    huge = folder / "huge.zip"
    with open(huge, "wb") as file:
        file.truncate(3 << 30)  # 3 GB, sparse: never read
    fifo = folder / "agent.fifo"
    os.mkfifo(fifo)  # opening it for reading would block: it must not be opened so
    garbage = folder / "garbage.pth"
    garbage.write_bytes(bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8)))
    pickle = folder / "vec_normalize.pkl"
    pickle.write_bytes(b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00K\x01.")
    return {
        str(folder): "Cannot open hostile: is a directory",
        str(huge): "Cannot open huge.zip: not a usable checkpoint file: too large",
        str(fifo): "Cannot open agent.fifo: not a usable checkpoint file: not a regular file",
        str(garbage): "Cannot open garbage.pth: not a cartpole_game checkpoint",
        str(pickle): "Cannot open vec_normalize.pkl: a raw Python pickle",
        str(folder / "gone.zip"): "Cannot open gone.zip: no such",
        "": "Cannot open that: not a file name",
    }


@pytest.mark.parametrize("mode", ["menu", "watch", "takeover", "open-agent", "versus-setup"])
def test_a_bad_drop_is_a_toast_and_changes_nothing(tmp_path: Path, mode: str) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    drops = hostile_drops(folder)
    app = open_app(tmp_path, mode, agent="dqn")
    try:
        scene = app.ctx.stack.top
        agent = getattr(scene, "agent", None)
        for path, words in drops.items():
            drop(app, path)
            assert app.running and app.ctx.stack.top is scene
            assert getattr(scene, "agent", None) is agent
            assert toasts(app)[-1].startswith(words), (path, toasts(app))
        drop(app, None)  # an event without a file name at all
        assert app.running and app.ctx.stack.top is scene
        for _ in range(5):
            app.frame()
    finally:
        app.close()
    assert not (tmp_path / "data" / "recent_agents.json").exists()
    assert sorted(p.name for p in folder.iterdir()) == [
        "agent.fifo", "garbage.pth", "huge.zip", "vec_normalize.pkl"
    ]  # fmt: skip
