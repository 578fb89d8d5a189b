"""The versus setup: the menu's Versus opens it; ←/→ choose the sides, Enter plays, Esc goes back."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pygame
import pytest

from cartpole_game.agents.loader import shipped_path
from cartpole_game.game.app import App
from cartpole_game.game.arguments import FAIR
from cartpole_game.game.config import RunConfig
from cartpole_game.game.input.bindings import HAT_DOWN, HAT_RIGHT
from cartpole_game.game.input.tables import GLOBAL, VERSUS_SETUP
from cartpole_game.game.modes import MODES
from cartpole_game.game.render.theme import Theme
from cartpole_game.game.scenes import versus_setup
from cartpole_game.game.scenes.menu import MenuScene
from cartpole_game.game.scenes.overlays import HELP_BOX_WIDTH, HELP_KEYS_X, HELP_MEANING_X
from cartpole_game.game.scenes.versus import VersusScene
from cartpole_game.game.scenes.versus_choices import recent_agent_files
from cartpole_game.game.scenes.versus_setup import (
    HANDICAP,
    LEFT,
    LEVEL,
    RIGHT,
    ROUNDS_ROW,
    VersusSetupScene,
)
from cartpole_game.harness.stress import fuzz_events
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.handicap import FAIR_HANDICAPS, DelayedController
from cartpole_game.sim.levels import LEVELS


def make_app(tmp_path: Path) -> App:
    return App(RunConfig(mode="menu", headless=True, seed=0, data_dir=tmp_path))


def press(app: App, key: int) -> None:
    for kind in (pygame.KEYDOWN, pygame.KEYUP):
        pygame.event.post(pygame.event.Event(kind, key=key, mod=0, unicode="", scancode=0))
    app.frame()


def open_setup(app: App) -> VersusSetupScene:
    menu = app.ctx.stack.top
    assert isinstance(menu, MenuScene)
    menu.selected = [entry.title for entry in menu.entries].index("Versus")
    press(app, pygame.K_RETURN)
    setup = app.ctx.stack.top
    assert isinstance(setup, VersusSetupScene)
    return setup


def choose(app: App, setup: VersusSetupScene, row: int, value: object) -> None:
    """Move to ``row`` with ↑/↓ and press → until it shows ``value``."""
    while setup.selected != row:
        press(app, pygame.K_DOWN)
    for _ in range(len(setup.rows[row])):
        if setup.value(row) == value:
            return
        press(app, pygame.K_RIGHT)
    raise AssertionError(f"{value!r} is not offered in row {row}")


def test_the_menu_versus_opens_the_setup_and_esc_returns(tmp_path: Path) -> None:
    assert MODES["versus"].menu is None  # the command line's versus mode stays as it is
    app = make_app(tmp_path)
    try:
        setup = open_setup(app)
        assert setup.sides == ("human", "dqn") and setup.rounds == 3
        assert setup.handicap == "fair" and setup.level.number == 1  # a new player's level
        press(app, pygame.K_ESCAPE)
        assert isinstance(app.ctx.stack.top, MenuScene)
    finally:
        app.close()


def test_left_right_choose_agents_and_enter_plays_them(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        setup = open_setup(app)
        choose(app, setup, LEFT, "linear")
        choose(app, setup, ROUNDS_ROW, 1)
        press(app, pygame.K_RETURN)
        scene = app.ctx.stack.top
        assert isinstance(scene, VersusScene)
        assert [c.name for c in scene.controllers] == ["linear", "dqn"]
        assert not scene.humans and scene.match.rounds == 1
    finally:
        app.close()


def test_a_handicap_wraps_the_agent_side_only(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        setup = open_setup(app)
        choose(app, setup, HANDICAP, "delay:2")
        choose(app, setup, ROUNDS_ROW, 5)
        press(app, pygame.K_KP_ENTER)
        scene = app.ctx.stack.top
        assert isinstance(scene, VersusScene)
        left, right = scene.controllers
        assert isinstance(left, HumanController)
        assert isinstance(right, DelayedController) and right.delay == 2
        assert right.name == "dqn" and scene.match.rounds == 5
    finally:
        app.close()


def test_the_pad_moves_and_changes_rows(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        setup = open_setup(app)
        for value in ((0, -1), (0, 0), (1, 0), (0, 0)):  # down, centre, right, centre
            pygame.event.post(pygame.event.Event(pygame.JOYHATMOTION, joy=0, hat=0, value=value))
        app.frame()
        assert setup.selected == 1 and setup.value(1) != "dqn"
        assert {HAT_DOWN, HAT_RIGHT} <= {b for x in VERSUS_SETUP.bindings for b in x.buttons}
    finally:
        app.close()


def test_recent_agent_files_are_offered_newest_first(tmp_path: Path) -> None:
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    for i in range(7):
        path = folder / f"dqn-live-{i}.safetensors"
        shutil.copy(shipped_path("dqn"), path)
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    (folder / "notes.txt").write_text("not an agent")
    recent = recent_agent_files(tmp_path)
    assert [p.name for p in recent] == [f"dqn-live-{i}.safetensors" for i in (6, 5, 4, 3, 2)]
    assert recent_agent_files(tmp_path / "missing") == []
    app = make_app(tmp_path)
    try:
        setup = open_setup(app)
        labels = [choice.label for choice in setup.rows[1]]
        assert labels[:4] == ["Human (you)", "dqn", "linear", "lqr"]
        assert labels[4:] == [p.name for p in recent]
        choose(app, setup, RIGHT, str(folder / "dqn-live-6.safetensors"))
        press(app, pygame.K_RETURN)
        scene = app.ctx.stack.top
        assert isinstance(scene, VersusScene)
        assert isinstance(scene.controllers[0], HumanController)
    finally:
        app.close()


def test_a_corrupt_agent_file_is_a_toast_and_the_setup_stays(tmp_path: Path) -> None:
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    bad = folder / "broken.safetensors"
    bad.write_bytes(b"\x00\x01 not a checkpoint")
    app = make_app(tmp_path)
    try:
        setup = open_setup(app)
        choose(app, setup, RIGHT, str(bad))
        press(app, pygame.K_RETURN)
        assert app.ctx.stack.top is setup
        assert any(t.text.startswith("Cannot use broken.safetensors") for t in app.ctx.toasts), (
            app.ctx.toasts
        )
        bad.unlink()  # a file gone since the list was made: a toast too
        press(app, pygame.K_RETURN)
        assert app.ctx.stack.top is setup
        for _ in range(5):
            app.frame()  # draws with its toast
    finally:
        app.close()


def test_the_setup_help_fits_the_help_overlay() -> None:
    pygame.font.init()
    fonts = Theme.create().fonts
    for keys, meaning in VERSUS_SETUP.help_rows() + GLOBAL.help_rows():
        assert fonts.render(keys, 19, (0, 0, 0), bold=True).get_width() < (
            HELP_MEANING_X - HELP_KEYS_X
        ), keys
        assert fonts.render(meaning, 18, (0, 0, 0)).get_width() <= (
            HELP_BOX_WIDTH - HELP_MEANING_X - HELP_KEYS_X
        ), meaning


@pytest.mark.parametrize("seed", [5, 6])
def test_random_events_never_crash_the_setup(tmp_path: Path, seed: int) -> None:
    shutil.copy(shipped_path("linear"), tmp_path / "x.safetensors")
    (tmp_path / "checkpoints").mkdir()
    (tmp_path / "checkpoints" / "bad.safetensors").write_bytes(b"")
    report = fuzz_events(800, seed=seed, data_dir=tmp_path, modes=("versus-setup",))
    assert report.problems == []
    assert "VersusSetupScene" in report.scenes_seen


def test_the_level_row_offers_every_level_and_sets_the_match(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        setup = open_setup(app)
        assert [choice.value for choice in setup.rows[LEVEL]] == [lv.number for lv in LEVELS]
        assert not app.ctx.progress.unlocked(LEVELS[3])  # locked in the ladder, open here
        choose(app, setup, LEVEL, 4)
        choose(app, setup, LEFT, "linear")
        press(app, pygame.K_RETURN)
        scene = app.ctx.stack.top
        assert isinstance(scene, VersusScene) and scene.match.level is LEVELS[3]
        assert scene.match.left.params == LEVELS[3].params and scene.match.disturbances.wind_on
        assert app.ctx.time_scale == LEVELS[3].time_scale
        for _ in range(3):
            app.frame()
        assert scene.match.left.log.wind  # Breezy's wind blows without W
    finally:
        app.close()


def test_fair_for_this_level_gives_each_agent_its_measured_handicap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str] = []
    original = versus_setup.blit_text

    def spy(
        surface: pygame.Surface, theme: Theme, text: str, *args: object, **kw: object
    ) -> object:
        drawn.append(text)
        return original(surface, theme, text, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(versus_setup, "blit_text", spy)
    app = App(RunConfig(mode="menu", headless=True, seed=0, data_dir=tmp_path, level=6))
    try:
        setup = open_setup(app)
        assert setup.level is LEVELS[5] and setup.handicap == FAIR
        dqn = FAIR_HANDICAPS[6]["dqn"]
        assert dqn is not None
        drawn.clear()
        app.frame()
        assert f"fair handicap: dqn {dqn}" in drawn, drawn
        assert f"dqn {dqn}" in drawn  # the row's line under "fair for this level"
        press(app, pygame.K_RETURN)
        scene = app.ctx.stack.top
        assert isinstance(scene, VersusScene)
        left, right = scene.controllers
        assert isinstance(left, HumanController) and getattr(right, "handicap", None) == dqn
    finally:
        app.close()
