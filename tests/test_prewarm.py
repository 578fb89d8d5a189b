"""The training worker warmed by the menu: the menu starts one in the background (torch loads
there, never in the game's process), it waits without training, "Train live" adopts it instead
of starting another, and closing the game without training ends it silently."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pygame

from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig, TrainConfig
from cartpole_game.game.loop import RealClock
from cartpole_game.game.scenes.menu import WARM_AFTER, MenuScene
from cartpole_game.game.scenes.train_view import CHART_RECT, TrainViewScene
from cartpole_game.training.live import WARM_NAME, WORKER_NAME
from tests.helpers import REPO_ROOT, color_mask, run_play, surface_pixels

READY_TIMEOUT = 180.0  # importing torch at low priority on a busy machine can be slow


def open_game(tmp_path: Path, mode: str = "menu", prewarm: bool = True) -> App:
    """A headless game on the real clock, as a player's: the menu's warm-up waits real time."""
    train = TrainConfig(out=tmp_path / "live.safetensors", pace=3, prewarm=prewarm)
    config = RunConfig(mode=mode, headless=True, seed=0, data_dir=tmp_path, train=train)
    return App(config, clock=RealClock())


def run_until(app: App, condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        app.frame()


def run_for(app: App, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.frame()


def workers() -> list[str]:
    """The names of this process's trainer workers still running, warm or training."""
    names = (WARM_NAME, WORKER_NAME)
    return sorted(p.name for p in multiprocessing.active_children() if p.name in names)


def click_entry(app: App, title: str) -> None:
    """Click a menu entry where it is drawn, as a player would."""
    menu = app.ctx.stack.top
    assert isinstance(menu, MenuScene)
    index = [entry.title for entry in menu.entries].index(title)
    pos = menu._rects[index].center
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    app.frame()


def test_the_menu_warms_one_worker_that_waits_and_train_live_adopts_it(tmp_path: Path) -> None:
    app = open_game(tmp_path)
    try:
        warmer = app.trainer_warmer
        run_until(app, lambda: warmer.worker is not None)
        assert workers() == [WARM_NAME]
        warm = warmer.worker
        assert warm is not None
        run_until(app, lambda: warmer.ready or not warm.alive, READY_TIMEOUT)
        assert warmer.ready, "the warm worker died getting ready"
        run_for(app, 0.5)  # the menu stays up: no second worker, and this one does not train
        assert workers() == [WARM_NAME] and warmer.warmed == 1
        assert not warm.receive.poll(0.5), "the warm worker sent something before its orders"

        click_entry(app, "Train live")
        scene = app.ctx.stack.top
        assert isinstance(scene, TrainViewScene)
        assert scene.session.adopted and scene.session.process is warm.process
        assert workers() == [WORKER_NAME]  # the same process, now training: no second one
        run_until(app, lambda: len(scene.view.returns) >= 20)
        assert scene.view.started and scene.view.steps > 0
        app.frame()
        chart = surface_pixels(app.screen)[
            CHART_RECT.top : CHART_RECT.bottom, CHART_RECT.left : CHART_RECT.right
        ]
        assert color_mask(chart, (90, 140, 220), tolerance=10).sum() > 20  # episode-return dots
    finally:
        app.close()
    assert workers() == []
    assert not warm.alive and warm.process.exitcode == 0
    assert (tmp_path / "live.safetensors").exists()  # saved on leaving, as a cold start does


def test_closing_the_game_while_the_worker_warms_ends_it_silently(
    tmp_path: Path, monkeypatch, capfd
) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))  # the worker is a new process: it reads TMPDIR
    app = open_game(tmp_path / "data")
    try:
        run_until(app, lambda: app.trainer_warmer.worker is not None)
        warm = app.trainer_warmer.worker
        assert warm is not None and warm.alive
    finally:
        app.close()
    assert not warm.alive and warm.process.exitcode is not None  # gone, and reaped: no zombie
    assert workers() == []
    assert list(temp.iterdir()) == []
    assert capfd.readouterr().err == ""


def test_a_mode_opened_directly_or_with_prewarm_off_warms_nothing(tmp_path: Path) -> None:
    for mode, prewarm in (("watch", True), ("menu", False)):
        app = open_game(tmp_path, mode, prewarm)
        try:
            run_for(app, WARM_AFTER + 0.3)
            assert app.trainer_warmer.worker is None and workers() == []
        finally:
            app.close()


WARM_THEN_QUIT = """
import sys, time
from pathlib import Path
from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.loop import RealClock

if __name__ == "__main__":
    app = App(RunConfig(headless=True, data_dir=Path(sys.argv[1])), clock=RealClock())
    deadline = time.monotonic() + float(sys.argv[2])
    while not app.trainer_warmer.ready and time.monotonic() < deadline:
        app.frame()
    worker = app.trainer_warmer.worker
    maps = Path(f"/proc/{worker.process.pid}/maps").read_text()
    print("ready", app.trainer_warmer.ready)
    print("torch in the worker", "libtorch" in maps)
    print("torch in the game", "torch" in sys.modules)
    app.close()
    print("worker exit code", worker.process.exitcode)
"""


def test_torch_loads_in_the_warm_worker_only_and_quitting_ends_it(tmp_path: Path) -> None:
    script = tmp_path / "warm_then_quit.py"
    script.write_text(WARM_THEN_QUIT)
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "TMPDIR": str(temp)}
    out = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "data"), str(READY_TIMEOUT)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        timeout=READY_TIMEOUT + 60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "ready True",
        "torch in the worker True",
        "torch in the game False",
        "worker exit code 0",  # it left by itself once its orders pipe closed
    ]
    assert out.stderr == ""
    # Nothing of ours is left; torch makes its per-user cache folder (empty, reused by every
    # later run) when it loads, as any training does.
    assert [p.name for p in temp.iterdir() if not p.name.startswith("torchinductor_")] == []


def test_bench_times_the_click_to_the_first_chart_point_warm_and_cold(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = run_play(
        "bench", "--only", "train-start", "--train-start-runs", "1", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    for row in (
        "Train live: click to first chart point, warm worker",
        "Train live: the same, cold (no worker warmed)",
    ):
        assert row in result.stdout
    figures = json.loads(out.read_text())["train-start"]
    assert figures["warm"]["adopted_warm_worker"] is True  # the warm runs used the menu's worker
    assert figures["cold"]["adopted_warm_worker"] is False
    assert figures["first_point_within_1_5_s"] == (figures["warm"]["median_s"] <= 1.5)
    assert ("(met)" in result.stdout) == figures["first_point_within_1_5_s"]


def test_bench_refuses_zero_train_start_runs() -> None:
    result = run_play("bench", "--only", "train-start", "--train-start-runs", "0")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("--train-start-runs must be at least 1, got 0")
