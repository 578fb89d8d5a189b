"""Open an agent…: the recent list on disk (newest first, at most ten, saved atomically, a corrupt
one moved aside, a vanished file greyed) and the screen (the recent files then the shipped
agents; Enter watches, T takes over, Y opens versus with it, Del forgets; a file that cannot be
used says why and the screen stays; Esc from what it opened comes back to it).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pygame
import pytest

from cartpole_game.agents import named_agents
from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.modes import MODES
from cartpole_game.game.recent_agents import MAX_RECENT, forget, load_recent, remember
from cartpole_game.game.scenes.menu import MenuScene
from cartpole_game.game.scenes.open_agent import OpenAgentScene
from cartpole_game.game.scenes.takeover import TakeoverScene
from cartpole_game.game.scenes.versus_setup import RIGHT, VersusSetupScene
from cartpole_game.game.scenes.watch import WatchScene
from cartpole_game.harness.screens import capture
from tests.agent_files import NAMES, agent_files
from tests.helpers import surface_pixels

__all__ = ["agent_files"]  # the fixture, used by name below


# -- the list on disk ----------------------------------------------------------------------------
def test_newest_first_once_each_and_at_most_ten(tmp_path: Path) -> None:
    files = []
    for i in range(MAX_RECENT + 3):
        path = tmp_path / f"agent{i}.zip"
        path.write_bytes(b"x")
        files.append(path)
        assert remember(tmp_path, path, f"agent {i}", now=1000.0 + i) is None
    assert remember(tmp_path, files[5], "agent 5 again", now=2000.0) is None
    recent, warnings = load_recent(tmp_path)
    assert warnings == []
    assert [e.name for e in recent[:3]] == ["agent 5 again", "agent 12", "agent 11"]
    assert len(recent) == MAX_RECENT and len({e.path for e in recent}) == MAX_RECENT
    saved = json.loads((tmp_path / "recent_agents.json").read_text())
    assert saved["format_version"] == 1 and len(saved["agents"]) == MAX_RECENT
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left
    assert forget(tmp_path, str(files[5])) is None
    assert load_recent(tmp_path)[0][0].name == "agent 12"


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"format_version": 1, "agents": [{"path": 3}]}', b"[]", b"\xff\xfe"],
)
def test_a_corrupt_list_is_moved_aside_and_starts_afresh(tmp_path: Path, content: bytes) -> None:
    store = tmp_path / "recent_agents.json"
    store.write_bytes(content)
    recent, warnings = load_recent(tmp_path)
    assert recent == [] and len(warnings) == 1 and "moved it to" in warnings[0]
    [aside] = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert aside.read_bytes() == content  # kept, not lost
    assert remember(tmp_path, tmp_path / "a.onnx", "ONNX · a.onnx") is None
    assert [e.name for e in load_recent(tmp_path)[0]] == ["ONNX · a.onnx"]


# -- the screen ----------------------------------------------------------------------------------
def open_app(data: Path, mode: str = "open-agent") -> App:
    return App(RunConfig(mode=mode, headless=True, seed=0, data_dir=data))


def key(code: int) -> None:
    for kind in (pygame.KEYDOWN, pygame.KEYUP):
        pygame.event.post(pygame.event.Event(kind, key=code, mod=0, unicode="", scancode=0))


def press(app: App, code: int) -> None:
    key(code)
    app.frame()


def texts(app: App) -> list[str]:
    return [entry.text for layer in capture(app) for entry in layer.texts]


def with_recent(tmp_path: Path, files: dict[str, Path]) -> Path:
    data = tmp_path / "data"
    gone = tmp_path / "gone-dqn.zip"
    remember(data, gone, "DQN (SB3 2.3) · gone-dqn.zip", now=1000.0)
    remember(data, files["cleanrl"], NAMES["cleanrl"], now=2000.0)
    remember(data, files["sb3"], NAMES["sb3"], now=3000.0)
    return data


def test_the_menu_offers_it_and_it_lists_recent_files_then_the_shipped_agents(
    agent_files: dict[str, Path], tmp_path: Path
) -> None:
    assert MODES["open-agent"].menu is not None
    data = with_recent(tmp_path, agent_files)
    app = open_app(data, "menu")
    try:
        menu = app.ctx.stack.top
        assert isinstance(menu, MenuScene)
        titles = [entry.title for entry in menu.entries]
        assert titles.index("Open an agent…") == titles.index("Watch an agent") + 1
        menu.selected = titles.index("Open an agent…")
        press(app, pygame.K_RETURN)
        scene = app.ctx.stack.top
        assert isinstance(scene, OpenAgentScene)
        shown = texts(app)
        order = [NAMES["sb3"], NAMES["cleanrl"], "DQN (SB3 2.3) · gone-dqn.zip", *named_agents()]
        assert [t for t in shown if t in order] == order  # on screen, in this order
        assert "file not found" in shown
    finally:
        app.close()


def brightest(pixels: np.ndarray, rect: pygame.Rect) -> int:
    return int(pixels[rect.top : rect.bottom, rect.left : rect.right].sum(axis=2).max())


def test_a_vanished_file_is_greyed_and_says_why_it_cannot_open(
    agent_files: dict[str, Path], tmp_path: Path
) -> None:
    app = open_app(with_recent(tmp_path, agent_files))
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, OpenAgentScene)
        app.frame()
        logs = capture(app)
        rects = {e.text: e.rect for layer in logs for e in layer.texts}
        pixels = surface_pixels(app.screen)
        gone = brightest(pixels, rects["DQN (SB3 2.3) · gone-dqn.zip"])
        present = brightest(pixels, rects[NAMES["cleanrl"]])
        assert gone < present - 150  # greyed: dimmer than a file that is there
        press(app, pygame.K_DOWN)
        press(app, pygame.K_DOWN)
        press(app, pygame.K_RETURN)
        assert app.ctx.stack.top is scene  # nothing opened, the screen stays
        assert app.ctx.toasts[-1].text.startswith("Cannot open gone-dqn.zip: the file is not there")
        assert any("not there any more" in t for t in texts(app))  # beside the list too
        press(app, pygame.K_DELETE)
        assert [e.name for e in load_recent(tmp_path / "data")[0]] == [
            NAMES["sb3"], NAMES["cleanrl"]
        ]  # fmt: skip
        assert "DQN (SB3 2.3) · gone-dqn.zip" not in texts(app)
    finally:
        app.close()


def test_enter_watches_t_takes_over_y_races_and_esc_comes_back(
    agent_files: dict[str, Path], tmp_path: Path
) -> None:
    app = open_app(with_recent(tmp_path, agent_files))
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, OpenAgentScene)
        press(app, pygame.K_DOWN)  # the CleanRL file
        press(app, pygame.K_RETURN)
        watch = app.ctx.stack.top
        assert isinstance(watch, WatchScene) and watch.agent.name == NAMES["cleanrl"]
        for _ in range(20):
            app.frame()
        assert watch.arena.score > 0
        press(app, pygame.K_ESCAPE)
        assert app.ctx.stack.top is scene
        app.frame()  # it was opened just now: first in the list, still chosen
        assert scene.rows[0].title == NAMES["cleanrl"] and scene.selected == 0
        press(app, pygame.K_t)
        takeover = app.ctx.stack.top
        assert isinstance(takeover, TakeoverScene) and takeover.agent.name == NAMES["cleanrl"]
        press(app, pygame.K_ESCAPE)
        press(app, pygame.K_y)
        setup = app.ctx.stack.top
        assert isinstance(setup, VersusSetupScene)
        assert setup.sides[RIGHT] == str(agent_files["cleanrl"])
        press(app, pygame.K_ESCAPE)
        press(app, pygame.K_ESCAPE)
        assert isinstance(app.ctx.stack.top, MenuScene)
    finally:
        app.close()


def test_a_shipped_agent_cannot_be_forgotten_and_a_changed_file_is_read_again(
    agent_files: dict[str, Path], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    changing = tmp_path / "changing.zip"
    changing.write_bytes(agent_files["sb3"].read_bytes())
    remember(data, changing, "PPO · changing.zip")
    app = open_app(data)
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, OpenAgentScene)
        changing.write_bytes(b"PK\x03\x04 not a zip any more")  # replaced since it was opened
        press(app, pygame.K_RETURN)
        assert app.ctx.stack.top is scene
        assert app.ctx.toasts[-1].text.startswith("Cannot open changing.zip: ")
        assert changing.read_bytes() == b"PK\x03\x04 not a zip any more"  # left as it was
        press(app, pygame.K_DOWN)  # dqn, shipped
        press(app, pygame.K_DELETE)
        assert app.ctx.toasts[-1].text == "The shipped agents stay on the list"
        assert [row.spec for row in scene.rows[1:]] == list(named_agents())
    finally:
        app.close()
