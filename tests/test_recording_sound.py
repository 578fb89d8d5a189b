"""F12 screenshots, V episode GIFs and sound: saved where promised, silent without a device."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest
from PIL import Image

from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.sound import SoundBoard
from tests.helpers import load_png_pixels


def make_app(tmp_path: Path, mode: str = "watch") -> App:
    return App(RunConfig(mode=mode, headless=True, seed=0, data_dir=tmp_path, agent="dqn"))


def press(key: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key))


def test_f12_saves_a_png_of_the_screen(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        for _ in range(5):
            app.frame()
        press(pygame.K_F12)
        app.frame()
        shots = list((tmp_path / "screenshots").glob("*.png"))
        assert len(shots) == 1
        assert load_png_pixels(shots[0]).shape == (720, 1280, 3)
        assert not [p for p in (tmp_path / "screenshots").iterdir() if p.name.startswith(".")]
    finally:
        app.close()


def test_v_records_the_episode_to_a_named_gif(tmp_path: Path) -> None:
    app = App(RunConfig(mode="play", headless=True, seed=0, data_dir=tmp_path))
    try:
        press(pygame.K_v)
        press(pygame.K_RIGHT)  # the pole falls within a few dozen steps
        for _ in range(200):
            app.frame()
            if app.ctx.episodes_finished:
                break
        app.frame()
        score = app.ctx.stack.top.arena.score
        app.recorder.wait()
    finally:
        app.close()
    gifs = list((tmp_path / "replays").glob("*.gif"))
    assert len(gifs) == 1
    assert gifs[0].name.startswith(f"play-human-score{score}-")
    with Image.open(gifs[0]) as gif:
        assert gif.size == (640, 360) and gif.n_frames >= score // 2


def test_gif_save_failure_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    app = App(RunConfig(mode="play", headless=True, seed=0, data_dir=blocker))
    try:
        press(pygame.K_v)
        press(pygame.K_RIGHT)
        for _ in range(200):
            app.frame()
            if app.ctx.episodes_finished:
                break
        app.recorder.wait()
        app.frame()
        assert any("could not save the GIF" in t.text for t in app.ctx.toasts)
    finally:
        app.close()


def test_m_mutes(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        press(pygame.K_m)
        app.frame()
        assert app.ctx.sounds.muted and not app.ctx.sounds.play("poke")
        press(pygame.K_m)
        app.frame()
        assert not app.ctx.sounds.muted
    finally:
        app.close()


def test_sounds_load_from_assets_when_a_device_exists() -> None:
    board = SoundBoard()
    try:
        if board.problem and "no audio device" in board.problem:
            pytest.skip(board.problem)
        assert sorted(board.sounds) == ["fall", "poke", "push", "win"]
        assert board.play("win")
    finally:
        board.close()


def test_no_audio_device_runs_silent(tmp_path: Path, monkeypatch) -> None:
    def no_device(*args, **kwargs):
        raise pygame.error("No available audio device")

    monkeypatch.setattr(pygame.mixer, "init", no_device)
    app = make_app(tmp_path)
    try:
        assert not app.ctx.sounds.available and "no audio device" in app.ctx.sounds.problem
        press(pygame.K_p)  # a poke would play a sound
        for _ in range(30):
            app.frame()
        assert len(app.ctx.stack.top.arena.log.pokes) == 1
    finally:
        app.close()
