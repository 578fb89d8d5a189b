"""End to end in a real X window: start the game under Xvfb, hold → with xdotool, look at it.

Needs Xvfb, xdotool and xwd (Debian: xvfb, xdotool, x11-apps); ``.ci/run`` installs them. On CI
a missing tool is a failure, elsewhere the test is skipped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from cartpole_game.game.render.layout import MIN_WINDOW
from cartpole_game.game.render.theme import Palette
from cartpole_game.harness.xwd import read_xwd
from tests.helpers import REPO_ROOT, centroid_x, color_mask

TOOLS = ("Xvfb", "xdotool", "xwd")
missing = [tool for tool in TOOLS if shutil.which(tool) is None]
if missing and os.environ.get("CI"):
    raise RuntimeError(f"CI must provide {', '.join(missing)} for the real-window test")
pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}"),
]


def free_display() -> int:
    for number in range(90, 140):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise RuntimeError("no free X display number")


@pytest.fixture
def xvfb():
    number = free_display()
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1600x900x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    display = f":{number}"
    deadline = time.monotonic() + 15
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            pytest.fail("Xvfb did not start")
        time.sleep(0.05)
    yield display
    server.terminate()
    server.wait(timeout=10)


def xdo(display: str, *args: str) -> str:
    out = subprocess.run(
        ["xdotool", *args],
        env=dict(os.environ, DISPLAY=display),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return out.stdout.strip()


@contextlib.contextmanager
def game_window(display: str, data_dir: Path, *args: str):
    """Start ``python play.py ARGS`` on ``display``; yields (process, window id, stderr list);
    always stops it, then puts what it printed on stderr into the list."""
    env = {k: v for k, v in os.environ.items() if k != "SDL_VIDEODRIVER"}
    env.update(DISPLAY=display, SDL_AUDIODRIVER="dummy", CARTPOLE_GAME_DATA_DIR=str(data_dir))
    # A fresh data directory would open on the first-run lesson; these tests play at once.
    (data_dir / "progress.json").write_text('{"format_version": 1, "lesson_seen": true}\n')
    game = subprocess.Popen(
        [sys.executable, str(REPO_ROOT / "play.py"), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    printed: list[str] = []
    try:
        window = xdo(
            display, "search", "--sync", "--onlyvisible", "--pid", str(game.pid)
        ).splitlines()[0]
        yield game, window, printed
    finally:
        game.terminate()
        try:
            printed.append(game.communicate(timeout=15)[1])
        except subprocess.TimeoutExpired:
            game.kill()
            printed.append(game.communicate()[1])


def window_size(display: str, window: str) -> tuple[int, int]:
    shell = xdo(display, "getwindowgeometry", "--shell", window)
    fields = dict(line.split("=", 1) for line in shell.splitlines() if "=" in line)
    return int(fields["WIDTH"]), int(fields["HEIGHT"])


def settle_size(display: str, window: str, timeout: float = 20.0) -> tuple[int, int]:
    """Wait until the window's size stops changing, then give the game time to redraw.

    On a loaded machine the resize, and the game's answer to it, can take well over a second."""
    deadline = time.monotonic() + timeout
    last = window_size(display, window)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        size = window_size(display, window)
        if size == last:
            break
        last = size
    time.sleep(0.5)
    return window_size(display, window)


def resize_and_settle(
    display: str, window: str, size: tuple[int, int], expected: tuple[int, int]
) -> tuple[int, int]:
    """Resize to ``size`` and wait (bounded) for the window to reach ``expected`` and settle."""
    xdo(display, "windowsize", window, str(size[0]), str(size[1]))
    deadline = time.monotonic() + 20.0
    while window_size(display, window) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return settle_size(display, window)


def capture(display: str, window: str) -> np.ndarray:
    dump = subprocess.run(
        ["xwd", "-silent", "-id", window],
        env=dict(os.environ, DISPLAY=display),
        capture_output=True,
        timeout=30,
        check=True,
    ).stdout
    return read_xwd(dump)


def test_holding_right_in_a_real_window_moves_the_cart_right(xvfb: str, tmp_path: Path) -> None:
    # Seed 35 starts with the pole leaning right, so holding → carries the cart furthest.
    with game_window(xvfb, tmp_path, "play", "--seed", "35") as (game, window, stderr):
        time.sleep(0.5)  # first frames drawn, "Ready?" showing
        xdo(xvfb, "windowfocus", "--sync", window)
        before = capture(xvfb, window)
        # Real key events through XTEST, to the focused window (as a keyboard would send them).
        xdo(xvfb, "keydown", "Right")
        time.sleep(0.5)  # the push ends the "Ready?" pause; the pole falls left within ~10 steps
        after = capture(xvfb, window)
        xdo(xvfb, "keyup", "Right")
        assert game.poll() is None, "the game should still be running"
    assert after.shape[0] >= 720 and after.shape[1] >= 1280, after.shape
    cart = Palette().cart
    lower = slice(int(after.shape[0] * 0.5), int(after.shape[0] * 0.75))  # the cart's band
    x_before = centroid_x(color_mask(before[lower], cart, tolerance=6))
    x_after = centroid_x(color_mask(after[lower], cart, tolerance=6))
    center = after.shape[1] / 2
    assert abs(x_before - center) < 15, "the cart should start near the centre of the track"
    assert x_after > x_before + 25, f"cart did not move right: {x_before:.0f} -> {x_after:.0f} px"
    assert "Traceback" not in stderr[0]


def test_the_window_is_named_after_the_game_for_the_window_manager(
    xvfb: str, tmp_path: Path
) -> None:
    with game_window(xvfb, tmp_path, "menu") as (_game, window, _stderr):
        # WM_CLASS, which docks and task bars group by: pygame would make it "play.py".
        found = xdo(xvfb, "search", "--classname", "^cartpole_game$").splitlines()
        assert window in found


def test_20_ms_taps_at_quarter_speed_push_the_cart_in_a_real_window(
    xvfb: str, tmp_path: Path
) -> None:
    # At 0.25x the physics steps are 80 ms apart, so a 20 ms tap mostly falls between two of
    # them. Seed 35: untouched, the cart drifts left as the pole falls; three taps right, 0.32 s
    # (4 steps) apart, carry it about 36 px right, where one registered push gets it only 16 px.
    with game_window(xvfb, tmp_path, "play", "--seed", "35", "--time-scale", "0.25") as (
        game,
        window,
        stderr,
    ):
        time.sleep(0.5)
        xdo(xvfb, "windowfocus", "--sync", window)
        before = capture(xvfb, window)
        tap = ("keydown", "Right", "sleep", "0.02", "keyup", "Right")
        xdo(xvfb, *tap, "sleep", "0.3", *tap, "sleep", "0.3", *tap)
        time.sleep(1.6)  # about 28 steps from the first tap: the pole has fallen by then
        after = capture(xvfb, window)
        assert game.poll() is None, "the game should still be running"
    cart = Palette().cart
    lower = slice(int(after.shape[0] * 0.5), int(after.shape[0] * 0.75))
    x_before = centroid_x(color_mask(before[lower], cart, tolerance=6))
    x_after = centroid_x(color_mask(after[lower], cart, tolerance=6))
    assert x_after > x_before + 26, f"taps were lost: {x_before:.0f} -> {x_after:.0f} px"
    assert "Traceback" not in stderr[0]


def test_resized_window_keeps_the_whole_picture_with_its_aspect(xvfb: str, tmp_path: Path) -> None:
    with game_window(xvfb, tmp_path, "play", "--seed", "3") as (game, window, stderr):
        resize_and_settle(xvfb, window, (1000, 800), (1000, 800))
        shot = capture(xvfb, window)
        assert game.poll() is None, "the game should still be running"
    assert shot.shape[:2] == (800, 1000)
    # Black bars above and below; the 16:9 picture (562 px tall) in between.
    assert shot[:110].max() < 10 and shot[-110:].max() < 10
    limit = color_mask(shot[300:560], Palette().limit, tolerance=40)  # the track, not the gauges
    xs = np.nonzero(limit.any(axis=0))[0]
    # Both ±2.4 m posts are visible, symmetric about the centre, scaled by 1000/1280.
    assert xs.min() < 170 and xs.max() > 830
    assert (xs.min() + xs.max()) / 2 == pytest.approx(500, abs=8)
    assert "Traceback" not in stderr[0]


def test_a_window_squeezed_small_keeps_its_text_readable(xvfb: str, tmp_path: Path) -> None:
    """At 640x360 the picture's 14 px text would be 7 px: the window stays at least 960x540."""
    with game_window(xvfb, tmp_path, "play", "--seed", "3") as (game, window, stderr):
        width, height = resize_and_settle(xvfb, window, (640, 360), MIN_WINDOW)
        shot = capture(xvfb, window)
        assert game.poll() is None, "the game should still be running"
    assert (width, height) == MIN_WINDOW
    assert shot.shape[:2] == (MIN_WINDOW[1], MIN_WINDOW[0])
    assert "Traceback" not in stderr[0]
