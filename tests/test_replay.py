"""Replays: exact playback, strict loading, and the best human runs saved automatically."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pygame
import pytest

from cartpole_game.core.errors import FileFormatError
from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.disturbances import Disturbances
from cartpole_game.sim.levels import LEVELS
from cartpole_game.sim.replay import FORMAT_VERSION, Replay, load_replay, play_back
from tests.helpers import run_play


class RandomPusher:
    name = "random"

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def act(self, observation: np.ndarray) -> int:
        return int(self.rng.integers(3))

    def reset(self) -> None:
        pass


def recorded_episode(seed: int = 11) -> tuple[Arena, Replay]:
    arena = Arena(RandomPusher(seed), seed=seed)
    wind = Disturbances(seed)
    wind.toggle_wind()
    steps = 0
    while not arena.done:
        if steps % 5 == 2:
            arena.poke(0.05 * (1 if steps % 2 else -1))
        arena.step(wind.next_wind())
        steps += 1
    return arena, Replay.from_arena(arena, "play", 1.0)


def test_replay_reproduces_the_exact_final_state(tmp_path: Path) -> None:
    for seed in range(5):
        arena, replay = recorded_episode(seed)
        assert replay.pokes and replay.wind  # the episode really had disturbances
        path = tmp_path / f"r{seed}.json"
        replay.save(path)
        loaded = load_replay(path)
        assert loaded == replay
        assert play_back(loaded).tobytes() == arena.state.tobytes()


def test_replay_command_plays_back_and_verifies(tmp_path: Path) -> None:
    _, replay = recorded_episode(3)
    path = tmp_path / "run.json"
    replay.save(path)
    app = App(RunConfig(mode="replay", headless=True, episodes=1, replay=path, data_dir=tmp_path))
    try:
        app.run()
        scene = app.ctx.stack.top
        assert scene.verified is True
        assert scene.arena.state.tobytes() == np.array(replay.final_state).tobytes()
    finally:
        app.close()
    result = run_play(
        "replay", str(path), "--headless", "--episodes", "1", "--data-dir", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr


def write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(content)
    return path


def good_payload() -> dict:
    _, replay = recorded_episode(1)
    return json.loads(replay.to_json())


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d.update(format_version=FORMAT_VERSION + 1), "newer"),
        (lambda d: d.update(actions="01x"), "actions"),
        (lambda d: d.update(seed=-4), "seed"),
        (lambda d: d.update(pokes=[[3]]), "pokes"),
        (lambda d: d.update(pokes=[[99999, 0.1]]), "pokes step"),
        (lambda d: d.pop("final_state"), "final_state"),
        (lambda d: d.update(format="something-else"), "not a cartpole_game replay"),
    ],
)
def test_malformed_replays_name_the_problem(tmp_path: Path, mutate, problem: str) -> None:
    data = good_payload()
    mutate(data)
    path = write(tmp_path, json.dumps(data))
    with pytest.raises(FileFormatError) as info:
        load_replay(path)
    assert problem in str(info.value) and str(path) in str(info.value)


def test_not_json_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="not valid JSON"):
        load_replay(write(tmp_path, "{truncated"))
    with pytest.raises(FileFormatError, match="no such replay file"):
        load_replay(tmp_path / "nope.json")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("{oops", "not valid JSON"), (None, "newer than this game reads")],
)
def test_replay_command_bad_files_exit_2(
    tmp_path: Path, content: str | None, fragment: str
) -> None:
    if content is None:
        data = good_payload()
        data["format_version"] = 99
        content = json.dumps(data)
    path = write(tmp_path, content)
    result = run_play("replay", str(path), "--headless", "--frames", "5")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and str(path) in lines[0]


def test_best_human_run_is_saved_automatically(tmp_path: Path) -> None:
    app = App(RunConfig(mode="play", headless=True, seed=2, data_dir=tmp_path))
    try:
        scene = app.ctx.stack.top
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_LEFT))
        for _ in range(900):
            app.frame()
            if scene.arena.done:
                break
        assert scene.arena.done and scene.new_best
        # Filed under the level and the speed the run started at: the first level's own.
        first = LEVELS[0]
        saved = tmp_path / "replays" / f"best-level1-{first.time_scale:g}x.json"
        replay = load_replay(saved)
        assert replay.score == scene.arena.score and replay.drivers == ((0, "human"),)
        assert replay.level == 1 and replay.params == first.params
        assert play_back(replay).tobytes() == scene.arena.state.tobytes()
    finally:
        app.close()
