"""F12 screenshots, V episode GIFs and sound: saved where promised, silent without a device.

Screenshots and GIFs go through the atomic writer (issue 11): a full disk (simulated by patching
``os.write``; the command-line screenshot in a subprocess through a tiny wrapper) leaves the old
file untouched and says so; GIFs stream to a temp file with only a few frames in memory.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pygame
import pytest
from PIL import Image

from cartpole_game.core import atomic
from cartpole_game.game import recording
from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.recording import QUEUE_FRAMES, GifRecorder
from cartpole_game.game.sound import SoundBoard
from tests.helpers import REPO_ROOT, load_png_pixels, run_play

OLD = b"the old file, which must survive"


def enospc(*args: object) -> int:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(".")]


def watch_app(tmp_path: Path) -> App:
    return App(RunConfig(mode="watch", headless=True, seed=0, data_dir=tmp_path, agent="dqn"))


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
        press(pygame.K_v)  # the GIF's temp file cannot be made: said at once
        app.frame()
        assert any("could not save the GIF" in t.text for t in app.ctx.toasts)
        assert not app.recorder.active
        press(pygame.K_RIGHT)
        for _ in range(200):
            app.frame()
            if app.ctx.episodes_finished:
                break
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


# -- screenshots on a full disk, unique names, 0644 (issue 11) ------------------------------------
def test_f12_on_a_full_disk_warns_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = watch_app(tmp_path)
    try:
        app.frame()
        monkeypatch.setattr(os, "write", enospc)
        press(pygame.K_F12)
        app.frame()
        monkeypatch.undo()
        texts = [t.text for t in app.ctx.toasts]
        assert any(t.startswith("Warning: could not save the screenshot") for t in texts), texts
        assert not any(t.startswith("Screenshot saved") for t in texts)
        shots = tmp_path / "screenshots"
        assert not shots.exists() or list(shots.iterdir()) == []
    finally:
        app.close()


def test_f12_twice_in_one_second_keeps_both_screenshots_0644(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recording.time, "time", lambda: 1_700_000_000.25)  # one instant
    app = watch_app(tmp_path)
    try:
        app.frame()
        press(pygame.K_F12)
        app.frame()
        press(pygame.K_F12)
        app.frame()
    finally:
        app.close()
    shots = sorted((tmp_path / "screenshots").iterdir())
    assert len(shots) == 2, shots
    assert all(mode_of(p) == 0o644 for p in shots)
    assert all(load_png_pixels(p).shape == (720, 1280, 3) for p in shots)
    assert ".250" in shots[0].name  # milliseconds in the name


def test_screenshot_option_writes_a_0644_png(tmp_path: Path) -> None:
    from cartpole_game.cli.main import main

    shot = tmp_path / "shot.png"
    shot.write_bytes(OLD)
    args = ["watch", "--headless", "--frames", "3", "--screenshot", str(shot)]
    assert main([*args, "--data-dir", str(tmp_path)]) == 0
    assert load_png_pixels(shot).shape == (720, 1280, 3) and mode_of(shot) == 0o644


FULL_DISK_WRAPPER = """
import errno, os, sys
real_write = os.write
def write(fd, data):
    if bytes(data[:4]) == b"\\x89PNG":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return real_write(fd, data)
os.write = write
sys.argv[0] = "play.py"
from cartpole_game.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_screenshot_option_on_a_full_disk_keeps_the_old_png_and_fails(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    shot.write_bytes(OLD)
    result = subprocess.run(
        [
            *(sys.executable, "-c", FULL_DISK_WRAPPER, "watch", "--headless", "--frames", "3"),
            *("--screenshot", str(shot), "--data-dir", str(tmp_path)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
    )
    assert result.returncode != 0
    lines = [ln for ln in result.stderr.splitlines() if ln.strip() and "ALSA" not in ln]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("play.py: error: cannot write screenshot")
    assert "No space left on device" in lines[0]
    assert shot.read_bytes() == OLD
    assert leftovers(tmp_path) == []


# -- GIF recording: streamed, capped, not while paused --------------------------------------------
def test_recording_streams_to_disk_and_keeps_only_a_few_frames_in_memory(tmp_path: Path) -> None:
    app = watch_app(tmp_path)
    try:
        press(pygame.K_v)
        for _ in range(300):  # the agent balances: no episode ends in 5 s
            app.frame()
            assert app.recorder.frames_in_memory <= QUEUE_FRAMES
        assert app.recorder.active and app.recorder.frames_captured >= 140
        assert not hasattr(app.recorder, "frames")  # no list of frames
        # The frames are on disk already, in the temp file that becomes the GIF.
        (temp,) = [p for p in (tmp_path / "replays").iterdir() if p.name.startswith(".")]
        assert temp.stat().st_size > 0
        score = app.ctx.stack.top.arena.score
        assert score > 0
    finally:
        app.close()  # quitting mid-episode finishes the GIF
    (gif,) = (tmp_path / "replays").iterdir()
    assert gif.name.startswith(f"watch-dqn-score{score}-"), gif.name  # not "score0"
    assert mode_of(gif) == 0o644
    with Image.open(gif) as image:
        assert image.size == (640, 360) and image.n_frames >= 100


def test_quitting_while_paused_names_the_gif_after_the_recorded_episode(tmp_path: Path) -> None:
    app = watch_app(tmp_path)
    try:
        press(pygame.K_v)
        for _ in range(40):
            app.frame()
        score = app.ctx.stack.top.arena.score
        press(pygame.K_SPACE)  # pause: an overlay on top
        app.frame()
        assert app.ctx.stack.top.is_overlay
    finally:
        app.close()
    (gif,) = (tmp_path / "replays").glob("*.gif")
    assert gif.name.startswith(f"watch-dqn-score{score}-"), gif.name


def test_nothing_is_captured_while_paused(tmp_path: Path) -> None:
    app = watch_app(tmp_path)
    try:
        press(pygame.K_v)
        for _ in range(10):
            app.frame()
        press(pygame.K_SPACE)
        app.frame()
        captured = app.recorder.frames_captured
        for _ in range(100):
            app.frame()
        assert app.recorder.active and app.recorder.frames_captured == captured
        press(pygame.K_SPACE)  # resume: capturing again
        for _ in range(10):
            app.frame()
        assert app.recorder.frames_captured > captured
    finally:
        app.close()


def test_a_recording_stops_itself_at_its_frame_cap(tmp_path: Path) -> None:
    app = watch_app(tmp_path)
    app.recorder = GifRecorder(max_frames=12)
    try:
        press(pygame.K_v)
        for _ in range(60):
            app.frame()
        assert not app.recorder.active
        assert any("limit" in t.text for t in app.ctx.toasts)
        app.recorder.wait()
        app.frame()
        assert any(t.text.startswith("Saved ") for t in app.ctx.toasts)
    finally:
        app.close()
    (gif,) = (tmp_path / "replays").glob("*.gif")
    with Image.open(gif) as image:
        assert 1 <= image.n_frames <= 12


def test_a_gif_that_cannot_be_written_mid_recording_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = watch_app(tmp_path)
    try:
        press(pygame.K_v)
        app.frame()
        monkeypatch.setattr(atomic.os, "write", enospc)
        for _ in range(30):
            app.frame()
            if not app.recorder.active:
                break
        monkeypatch.undo()
        app.frame()
        assert not app.recorder.active
        assert any(t.text.startswith("Warning: could not save the GIF") for t in app.ctx.toasts)
    finally:
        app.close()
    assert list((tmp_path / "replays").iterdir()) == []


def test_the_streamed_gif_shows_the_frames_captured(tmp_path: Path) -> None:
    pygame.display.init()
    recorder = GifRecorder()
    recorder.start(tmp_path)
    surface = pygame.Surface((320, 200))
    sources = []
    for i in range(12):
        surface.fill((20, 30, 60))
        pygame.draw.rect(surface, (240, 180, 40), (10 + 12 * (i // 2), 60, 40, 40))
        if i % 4 < 2:  # every other captured frame repeats the one before it
            pygame.draw.rect(surface, (240, 180, 40), (10, 60, 40, 40))
        recorder.capture(surface)  # every other call is captured
        if i % 2 == 0:
            sources.append(pygame.surfarray.array3d(surface)[::2, ::2].transpose(1, 0, 2))
    assert recorder.finish(tmp_path / "out.gif") is not None
    recorder.wait()
    assert recorder.messages() == [f"Saved {tmp_path / 'out.gif'}"]
    with Image.open(tmp_path / "out.gif") as gif:
        assert gif.size == (160, 100)
        decoded = []
        for n in range(gif.n_frames):
            gif.seek(n)
            decoded.append(np.asarray(gif.convert("RGB"), dtype=int))
    distinct = [s for k, s in enumerate(sources) if k == 0 or (s != sources[k - 1]).any()]
    assert len(decoded) == len(distinct)
    for got, want in zip(decoded, distinct, strict=True):
        assert np.abs(got - want.astype(int)).mean() < 8


def test_quitting_never_waits_long_for_a_stuck_encoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pygame.display.init()
    release = threading.Event()
    real_add = recording._GifJob._add

    def stuck_add(self: recording._GifJob, frame: np.ndarray) -> None:
        release.wait()
        real_add(self, frame)

    monkeypatch.setattr(recording._GifJob, "_add", stuck_add)
    recorder = GifRecorder()
    recorder.start(tmp_path)
    surface = pygame.Surface((64, 64))
    recorder.capture(surface)
    recorder.finish(tmp_path / "stuck.gif")
    messages = recorder.close(timeout=0.05)
    assert any("was dropped" in m for m in messages), messages
    release.set()
    for job in recorder._saving:
        job.thread.join(10)
    assert list(tmp_path.iterdir()) == []  # dropped: no GIF, no temp file


def test_no_sound_card_prints_no_audio_library_noise(tmp_path: Path) -> None:
    # SDL's ALSA driver on a machine without a sound card (CI's) makes alsa-lib print 8 lines.
    result = run_play(
        "watch", "--headless", "--frames", "3", "--data-dir", str(tmp_path),
        env={"SDL_AUDIODRIVER": "alsa"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "ALSA lib" not in result.stderr and "XDG_RUNTIME_DIR" not in result.stderr
