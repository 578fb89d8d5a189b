"""Abuse: an event storm through every scene, a short soak, kill -9 during saves, diverged physics."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pygame

from cartpole_game.agents import load_agent
from cartpole_game.agents.checkpoint import load_checkpoint
from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.highscores import HighScores
from cartpole_game.harness.stress import FUZZ_MODES, fuzz_events, soak
from cartpole_game.sim.arena import Arena, EndReason
from cartpole_game.sim.controllers import HumanController
from tests.helpers import REPO_ROOT


def test_event_storm_through_every_scene(tmp_path: Path) -> None:
    report = fuzz_events(6000, seed=1234, data_dir=tmp_path)
    assert report.problems == []
    assert report.events >= 6000 - len(FUZZ_MODES)
    assert report.drops > 20  # garbage, empty, folder, FIFO, missing and nameless files dropped
    for scene in (
        "MenuScene",
        "PlayScene",
        "WatchScene",
        "TakeoverScene",
        "VersusScene",
        "TrainViewScene",
    ):
        assert scene in report.scenes_seen


def test_short_soak_completes_without_runaway_memory() -> None:
    report = soak(40, seed=3, warmup=10)
    assert report.episodes == 40 and report.steps > 40 * 50
    assert report.growth < 0.10


def test_extreme_poke_ends_the_episode_as_physics_diverged(tmp_path: Path) -> None:
    arena = Arena(HumanController(), seed=0)
    arena.poke(1e308)
    arena.step()
    arena.poke(1e308)  # ignored: the episode is over
    assert arena.end_reason is EndReason.DIVERGED or arena.step() is None
    app = App(RunConfig(mode="play", headless=True, seed=0, data_dir=tmp_path))
    try:
        scene = app.ctx.stack.top
        scene.arena.env.state[3] = float("inf")
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RIGHT))
        for _ in range(5):
            app.frame()  # draws the non-finite end state without crashing
        assert scene.arena.end_reason is EndReason.DIVERGED
    finally:
        app.close()


WRITER = """
import sys, numpy as np
sys.path.insert(0, {root!r})
from pathlib import Path
from cartpole_game.game.highscores import HighScores
from cartpole_game.agents import load_agent
from cartpole_game.agents.checkpoint import load_checkpoint, save_checkpoint
scores = HighScores.load(Path({scores!r}))
checkpoint = load_checkpoint({shipped!r})
print("ready", flush=True)
i = 0
while True:
    i += 1
    scores.best["1x"] = i
    assert scores.save(), scores.warnings
    save_checkpoint({ckpt!r}, checkpoint)
"""


def test_kill_9_during_saves_never_corrupts_the_files(tmp_path: Path) -> None:
    from cartpole_game.agents import shipped_path

    scores_path = tmp_path / "highscores.json"
    ckpt_path = tmp_path / "agent.safetensors"
    HighScores.load(scores_path).submit("1x", 1)
    script = WRITER.format(
        root=str(REPO_ROOT),
        scores=str(scores_path),
        shipped=str(shipped_path("dqn")),
        ckpt=str(ckpt_path),
    )
    for delay in (0.05, 0.13, 0.21, 0.34, 0.55):
        writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(delay)
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        assert writer.returncode == -signal.SIGKILL, "the writer died before it was killed"
        scores = HighScores.load(scores_path)
        assert scores.warnings == [] and scores.get("1x") >= 1
        if ckpt_path.exists():
            load_checkpoint(ckpt_path)  # raises on a torn file
            load_agent(str(ckpt_path))
