"""The live training view: progress while drawing, pause, saving on close, a clean shutdown,
and controls that tell the truth: C resumes a solved run, S names the file it wrote, and keys
that do nothing now are greyed out."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pygame

from cartpole_game.agents import load_agent, shipped_path
from cartpole_game.agents.checkpoint import load_checkpoint
from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig, TrainConfig
from cartpole_game.game.input.tables import TRAIN
from cartpole_game.game.render.theme import Palette
from cartpole_game.game.scenes.train_view import (
    CHART_RECT,
    GREYED,
    TrainViewScene,
    network_name,
)
from cartpole_game.training.live import save_new
from tests.helpers import REPO_ROOT, color_mask, surface_pixels


def make_app(tmp_path: Path, **train) -> App:
    config = RunConfig(
        mode="train",
        headless=True,
        seed=0,
        data_dir=tmp_path,
        train=TrainConfig(out=tmp_path / "live.safetensors", **train),
    )
    return App(config)


def run_until(app: App, condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        app.frame()


def trainer_workers() -> list[str]:
    """Trainer processes and threads still running."""
    processes = [p.name for p in multiprocessing.active_children() if p.name == "cartpole-trainer"]
    return processes + [t.name for t in threading.enumerate() if t.name == "cartpole-trainer"]


def test_view_shows_progress_and_the_chart_gains_points(tmp_path: Path) -> None:
    app = make_app(tmp_path, pace=3, stop_when_solved=False)
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, TrainViewScene)
        run_until(app, lambda: scene.view.steps > 0)
        first_steps, first_points = scene.view.steps, len(scene.view.returns)
        blank = surface_pixels(scene._chart_surface(scene.view)).copy()
        run_until(app, lambda: len(scene.view.returns) > first_points + 20)
        assert scene.view.steps > first_steps
        app.frame()
        pixels = surface_pixels(app.screen)
        chart = pixels[CHART_RECT.top : CHART_RECT.bottom, CHART_RECT.left : CHART_RECT.right]
        assert (chart != blank).any(axis=-1).sum() > 50  # dots and the moving average appeared
        assert color_mask(chart, (90, 140, 220), tolerance=10).sum() > 20  # episode-return dots
    finally:
        app.close()


def test_pause_stops_the_steps(tmp_path: Path) -> None:
    app = make_app(tmp_path, pace=3, stop_when_solved=False)
    try:
        scene = app.ctx.stack.top
        run_until(app, lambda: scene.view.steps > 0)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE))
        app.frame()
        assert scene.session.paused
        time.sleep(0.3)  # let an iteration in flight finish
        app.frame()
        frozen = scene.view.steps
        for _ in range(20):
            app.frame()
        time.sleep(0.3)
        app.frame()
        assert scene.view.steps == frozen
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE))
        run_until(app, lambda: scene.view.steps > frozen)
    finally:
        app.close()


def test_closing_mid_training_leaves_a_valid_checkpoint_and_no_orphan(tmp_path: Path) -> None:
    out = tmp_path / "live.safetensors"
    app = make_app(tmp_path, pace=0, stop_when_solved=False)  # real time: far from solved
    try:
        scene = app.ctx.stack.top
        run_until(app, lambda: scene.view.steps > 200)
        assert trainer_workers() == ["cartpole-trainer"]
        process = scene.session.process
    finally:
        app.close()
    assert trainer_workers() == []
    assert not process.is_alive() and process.exitcode == 0
    checkpoint = load_checkpoint(out)
    assert checkpoint.kind == "dqn" and checkpoint.metadata["steps_trained"] > 0
    load_agent(str(out))


def toast_texts(app: App) -> list[str]:
    return [t.text for t in app.ctx.toasts]


def press(app: App, key: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key))
    app.frame()


def test_s_saves_now_names_the_file_and_escape_stops_and_saves(tmp_path: Path) -> None:
    out = tmp_path / "live.safetensors"
    app = make_app(tmp_path, pace=0, stop_when_solved=False)
    try:
        scene = app.ctx.stack.top
        run_until(app, lambda: scene.view.weights is not None and scene.view.steps > 100)
        press(app, pygame.K_s)
        run_until(app, lambda: any(t.startswith("Saved ") for t in toast_texts(app)), timeout=30)
        assert out.exists() and any(str(out) in t for t in toast_texts(app))  # names the file
        first = out.read_bytes()
        load_checkpoint(out)
        run_until(app, lambda: scene.view.steps > 300)
        app.ctx.toasts.clear()
        press(app, pygame.K_s)  # again: a new file, or "already saved", never the first replaced
        run_until(app, lambda: any("sav" in t and "…" not in t for t in toast_texts(app)))
        assert out.read_bytes() == first
        named = [
            p for p in tmp_path.glob("live*.safetensors") if str(p) in " ".join(toast_texts(app))
        ]
        assert named, toast_texts(app)
        press(app, pygame.K_ESCAPE)
        assert type(app.ctx.stack.top).__name__ == "MenuScene"
        assert trainer_workers() == []
        assert any("on exit" in t.lower() for t in toast_texts(app))  # said after leaving
        assert out.read_bytes() == first
    finally:
        app.close()


def test_a_save_never_replaces_a_file(tmp_path: Path) -> None:
    checkpoint = load_checkpoint(shipped_path("dqn"))
    target = tmp_path / "runs" / "live.safetensors"
    where, error = save_new(target, checkpoint)
    assert (where, error) == (target, None)
    first = target.read_bytes()
    where, error = save_new(target, checkpoint)
    assert (where, error) == (target.with_name("live-2.safetensors"), None)
    assert target.read_bytes() == first
    load_checkpoint(where)


def test_unwritable_checkpoint_falls_back_to_the_temp_folder(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))  # the worker process is new: it reads TMPDIR
    config = RunConfig(
        mode="train",
        headless=True,
        seed=0,
        data_dir=tmp_path,
        train=TrainConfig(out=blocker / "live.safetensors", pace=3, stop_when_solved=False),
    )
    app = App(config)
    try:
        scene = app.ctx.stack.top
        run_until(app, lambda: scene.view.steps > 100)
        session = scene.session
    finally:
        app.close()
    saved = list(temp.glob("cartpole_game-*-live.safetensors"))
    assert len(saved) == 1 and session.fallback == saved[0]  # the weights are in a file
    assert load_checkpoint(saved[0]).kind == "dqn"
    assert str(saved[0]) in session.last_message
    assert any(saved[0].name in t.text for t in app.ctx.toasts)  # on screen
    assert str(saved[0]) in capsys.readouterr().err  # and in the terminal


def test_t_tries_the_network_in_takeover_and_esc_comes_back(tmp_path: Path) -> None:
    app = make_app(tmp_path, pace=3, stop_when_solved=False)
    try:
        scene = app.ctx.stack.top
        run_until(app, lambda: scene.view.weights is not None)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_t))
        app.frame()
        assert type(app.ctx.stack.top).__name__ == "TakeoverScene"
        steps = scene.view.steps
        time.sleep(0.3)
        assert scene.session.view().steps > steps  # training goes on underneath
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE))
        app.frame()
        assert app.ctx.stack.top is scene
    finally:
        app.close()


def test_linear_search_live_shows_its_population(tmp_path: Path) -> None:
    app = make_app(tmp_path, algo="linear", pace=0)
    try:
        scene = app.ctx.stack.top
        run_until(app, lambda: scene.view.population is not None)
        assert len(scene.view.population) == 32
        app.frame()
        pixels = surface_pixels(app.screen)
        bars = color_mask(pixels[440:620, 980:1260], Palette().accent, tolerance=10) | color_mask(
            pixels[440:620, 980:1260], Palette().good, tolerance=10
        )
        assert bars.sum() > 100
    finally:
        app.close()


def process_start(pid: int) -> str | None:
    """The process's start time (field 22 of /proc/PID/stat), or None once it is gone.

    A pid and its start time name one process, even if the pid is reused later.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def children_of(parent: int) -> set[tuple[int, str]]:
    """(pid, start time) of the live child processes of ``parent``: only the game's own, so other
    programs on the machine (their multiprocessing workers included) never affect the test."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.add((int(entry), fields[19]))
    return found


def test_sigterm_to_the_training_view_saves_and_leaves_no_orphan(tmp_path: Path) -> None:
    out = tmp_path / "term.safetensors"
    game = subprocess.Popen(
        [
            sys.executable,
            str(REPO_ROOT / "play.py"),
            "train",
            "--algo",
            "dqn",
            "--headless",
            "--view",
            "--frames",
            "1000000",
            "--pace",
            "real-time",
            "--continue-after-solved",
            "--out",
            str(out),
            "--data-dir",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    children: set[tuple[int, str]] = set()
    deadline = time.monotonic() + 30
    while not children and time.monotonic() < deadline:
        children = children_of(game.pid)
        time.sleep(0.1)
    assert children, "the trainer process never started"
    time.sleep(6)  # the worker imports torch and trains a few hundred steps
    children |= children_of(game.pid)
    game.send_signal(signal.SIGTERM)
    _, stderr = game.communicate(timeout=60)
    assert game.returncode == 0, stderr
    load_agent(str(out))
    deadline = time.monotonic() + 5
    alive = children
    while alive and time.monotonic() < deadline:
        alive = {(pid, start) for pid, start in children if process_start(pid) == start}
        time.sleep(0.1)
    assert alive == set(), "a child of the game outlived it"


def hint_pixels(app: App, color: tuple[int, int, int]) -> int:
    """How many pixels of the key-hint line have ``color`` (greyed or active text)."""
    app.frame()
    row = surface_pixels(app.screen)[690:716, 0:1280]
    return int(color_mask(row, color, tolerance=6).sum())


def test_network_names_and_greyed_status_parts() -> None:
    assert network_name(11_000) == "your network (11k steps)"
    assert network_name(2_500) == "your network (2.5k steps)"
    assert network_name(2_000) == "your network (2k steps)"
    assert network_name(480) == "your network (480 steps)"
    parts = TRAIN.status_parts(TRAIN.commands, {"faster", "slower", "save"})
    assert parts[0] == ("Space pause", True)
    assert ("+/− pace", False) in parts and ("S save", False) in parts
    assert ("+/− pace", True) in TRAIN.status_parts(TRAIN.commands, {"faster"})  # − still works
    assert " · ".join(text for text, _ in parts) == TRAIN.status_line(TRAIN.commands, " · ")


def test_solved_and_stopped_is_honest_and_c_trains_on(tmp_path: Path) -> None:
    app = make_app(tmp_path, pace=3, stop_when_solved=True)
    pal = Palette()
    try:
        scene = app.ctx.stack.top
        assert not scene.session.continue_after_solved
        assert {"save", "try_takeover", "try_versus"} <= scene.inactive_commands()  # no weights
        run_until(app, lambda: scene.view.halted, timeout=300)
        # Solved first (the banner), then on until robust, where it stopped.
        solved, robust = scene.view.solved_at_steps, scene.view.robust_at_steps
        assert solved is not None and robust is not None and solved <= robust
        assert scene.view.steps == robust
        assert scene.session.alive and not scene.view.done  # halted, not gone: C and S work
        # The robust weights are saved at once, and the toast names the file.
        run_until(
            app, lambda: any(t.startswith("Robust: saved") for t in toast_texts(app)), timeout=60
        )
        out = tmp_path / "live.safetensors"
        assert out.exists() and any(str(out) in t for t in toast_texts(app))
        assert not any("on exit" in t.lower() for t in toast_texts(app))  # still in the view
        # Pace and pause do nothing now: greyed; the rest is drawn as usual.
        assert scene.inactive_commands() == {"pause", "faster", "slower"}
        greyed, active = hint_pixels(app, GREYED), hint_pixels(app, pal.text_dim)
        assert greyed > 30 and active > 100
        press(app, pygame.K_PLUS)
        assert scene.session.pace == 3 and "Nothing is training" in toast_texts(app)[-1]
        # S again: nothing better since, so no second file and the first is kept.
        first = out.read_bytes()
        press(app, pygame.K_s)
        run_until(app, lambda: any("already in" in t for t in toast_texts(app)))
        assert out.read_bytes() == first and list(tmp_path.glob("live*.safetensors")) == [out]
        # C: training really goes on, and the hints light up again.
        time.sleep(0.3)
        app.frame()
        assert scene.view.steps == robust
        press(app, pygame.K_c)
        assert scene.session.continue_after_solved
        run_until(app, lambda: scene.view.steps > robust + 1000, timeout=60)
        assert not scene.view.halted and scene.inactive_commands() == frozenset()
        assert hint_pixels(app, GREYED) < greyed
        # T: the live network drives under a name a player knows.
        press(app, pygame.K_t)
        takeover = app.ctx.stack.top
        assert type(takeover).__name__ == "TakeoverScene"
        press(app, pygame.K_TAB)  # the human starts; Tab hands the cart to the network
        label = takeover.driver_label()
        assert "your network (" in toast_texts(app)[-1]
        assert label.startswith("YOUR NETWORK (") and label.endswith("K STEPS) DRIVES"), label
    finally:
        app.close()


def test_once_solved_keep_training_goes_past_the_solve(tmp_path: Path) -> None:
    app = make_app(tmp_path, pace=3, stop_when_solved=True)
    try:
        scene = app.ctx.stack.top
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_c))
        app.frame()
        assert scene.session.continue_after_solved
        run_until(app, lambda: scene.view.solved_at_steps is not None, timeout=120)
        run_until(app, lambda: scene.view.steps > scene.view.solved_at_steps + 2000, timeout=120)
        assert not scene.view.done and not scene.view.halted  # it kept training past the solve
    finally:
        app.close()
