"""No free scores, and the session summary: idle sessions record nothing, speed changes unrank,
and ``--summary`` is written on a normal exit, on SIGTERM and when the window closes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pygame

from cartpole_game.game.app import App
from cartpole_game.game.config import LoopConfig, RunConfig
from cartpole_game.sim.levels import LEVELS
from tests.helpers import REPO_ROOT, run_play

KEYS = {"mode", "level", "time_scale", "score", "end_reason", "human_push_steps", "counted", "seed"}


def play_app(tmp_path: Path, mode: str = "play") -> App:
    config = RunConfig(
        mode=mode,
        headless=True,
        seed=3,
        data_dir=tmp_path / "data",
        summary=tmp_path / "summary.json",
        level=len(LEVELS),
        loop=LoopConfig(time_scale=1.0),
    )
    return App(config)


def key(kind: int, code: int) -> None:
    pygame.event.post(pygame.event.Event(kind, key=code, mod=0, unicode="", scancode=0))


def read_summary(tmp_path: Path) -> list[dict]:
    return json.loads((tmp_path / "summary.json").read_text())["episodes"]


def test_an_idle_session_records_nothing(tmp_path: Path) -> None:
    app = play_app(tmp_path)
    try:
        for _ in range(900):  # fifteen seconds of an untouched window
            app.frame()
    finally:
        app.close()
    data = tmp_path / "data"
    assert not (data / "highscores.json").exists()
    assert not (data / "replays").exists()
    assert not (data / "progress.json").exists()
    assert read_summary(tmp_path) == []


def test_a_speed_change_mid_run_leaves_it_unranked(tmp_path: Path) -> None:
    app = play_app(tmp_path)
    try:
        scene = app.ctx.stack.top
        key(pygame.KEYDOWN, pygame.K_LEFT)  # held: the run starts and the pole soon falls
        for _ in range(5):
            app.frame()
        key(pygame.KEYDOWN, pygame.K_MINUS)  # slower, mid-run
        for _ in range(600):
            app.frame()
            if scene.arena.done:
                break
        assert scene.arena.done and scene.arena.score > 0
        assert scene.hud_best()[0] == "UNRANKED RUN"
        app.frame()
    finally:
        app.close()
    [episode] = read_summary(tmp_path)
    assert episode["counted"] is False and episode["time_scale"] == 1.0
    assert episode["human_push_steps"] == episode["score"] > 0
    assert not (tmp_path / "data" / "highscores.json").exists()


def test_a_counted_run_is_summarised_with_every_field(tmp_path: Path) -> None:
    app = play_app(tmp_path)
    try:
        scene = app.ctx.stack.top
        key(pygame.KEYDOWN, pygame.K_RIGHT)
        key(pygame.KEYUP, pygame.K_RIGHT)  # one tap, then nothing: the pole falls on its own
        for _ in range(600):
            app.frame()
            if scene.arena.done:
                break
        score = scene.arena.score
    finally:
        app.close()
    [episode] = read_summary(tmp_path)
    assert set(episode) >= KEYS
    assert episode["mode"] == "play" and episode["level"] == len(LEVELS)
    assert episode["counted"] is True and episode["score"] == score
    assert episode["human_push_steps"] == 1 and episode["seed"] == 3
    assert episode["end_reason"] in ("pole_fell", "cart_left_track")
    scores = json.loads((tmp_path / "data" / "highscores.json").read_text())["best"]
    assert scores == {f"level{len(LEVELS)} 1x": score}


def test_closing_the_window_writes_the_summary_with_the_running_episode(tmp_path: Path) -> None:
    app = play_app(tmp_path, mode="watch")
    try:
        for _ in range(30):
            app.frame()
        pygame.event.post(pygame.event.Event(pygame.QUIT))
        app.frame()
        assert not app.running
    finally:
        app.close()
    [episode] = read_summary(tmp_path)
    assert episode["end_reason"] == "running" and episode["mode"] == "watch"
    assert episode["human_push_steps"] == 0 and episode["counted"] is False


def test_the_summary_is_written_on_a_normal_exit(tmp_path: Path) -> None:
    summary = tmp_path / "s.json"
    result = run_play(
        "watch", "--headless", "--episodes", "2", "--seed", "9",
        "--data-dir", str(tmp_path), "--summary", str(summary),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    episodes = json.loads(summary.read_text())["episodes"]
    assert [e["seed"] for e in episodes] == [9, 10]
    assert all(set(e) >= KEYS and e["mode"] == "watch" for e in episodes)


def test_the_summary_is_written_on_sigterm(tmp_path: Path) -> None:
    summary = tmp_path / "s.json"
    game = subprocess.Popen(
        [
            sys.executable, str(REPO_ROOT / "play.py"), "watch", "--headless",
            "--frames", "100000000", "--data-dir", str(tmp_path),
            "--summary", str(summary), "--report-first-frame",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert game.stdout is not None
        assert game.stdout.readline().startswith("first-frame")
        time.sleep(1.0)  # headless frames run unpaced: an episode is well under way by now
        game.send_signal(signal.SIGTERM)
        _, err = game.communicate(timeout=60)
    finally:
        game.kill()
    assert game.returncode == 0, err
    # Whether an episode was under way at that instant depends on the machine's speed; that the
    # running one is included is tested in-process (closing the window) above.
    episodes = json.loads(summary.read_text())["episodes"]
    assert episodes and all(set(e) >= KEYS and e["mode"] == "watch" for e in episodes)
    assert sum(e["score"] for e in episodes) > 0


def test_an_unwritable_summary_path_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_play(
        "watch", "--headless", "--frames", "3", "--summary", str(tmp_path / "no" / "s.json")
    )
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "does not exist" in result.stderr


def test_versus_summarises_both_sides_of_each_round(tmp_path: Path) -> None:
    summary = tmp_path / "s.json"
    result = run_play(
        "versus", "--left", "dqn", "--right", "linear", "--headless", "--episodes", "1",
        "--frames", "5000", "--seed", "4", "--data-dir", str(tmp_path), "--summary", str(summary),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    left, right = json.loads(summary.read_text())["episodes"]
    assert (left["side"], right["side"]) == ("left", "right")
    assert left["mode"] == right["mode"] == "versus" and left["seed"] == right["seed"] == 4
    assert left["human_push_steps"] == 0 and not left["counted"]


def test_a_replay_session_summarises_the_recording_it_played(tmp_path: Path) -> None:
    from cartpole_game.sim.actions import PUSH_LEFT
    from cartpole_game.sim.arena import Arena
    from cartpole_game.sim.controllers import ConstantController
    from cartpole_game.sim.replay import Replay

    first = LEVELS[0]
    arena = Arena(ConstantController(PUSH_LEFT, name="human"), seed=8, params=first.params)
    while not arena.done:
        arena.step()
    path = tmp_path / "run.json"
    Replay.from_arena(arena, "play", first.time_scale, level=first.number).save(path)
    summary = tmp_path / "s.json"
    result = run_play(
        "replay", str(path), "--headless", "--episodes", "1", "--summary", str(summary),
        "--data-dir", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [episode] = json.loads(summary.read_text())["episodes"]
    assert episode["mode"] == "replay" and episode["level"] == 1 and episode["seed"] == 8
    assert episode["score"] == arena.score == episode["human_push_steps"]
