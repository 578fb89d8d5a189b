"""Datasets others can use: the npz export always loads (plain arrays, no pickle); the Minari
export loads back with Minari where it is installed, with the spaces declared and episodes as
gymnasium gives them, and is skipped cleanly where it is not; bad input is one line."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from cartpole_game.agents import load_agent
from cartpole_game.game.demos import EpisodeKeeper
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.levels import LEVELS
from cartpole_game.training.datasets import (
    ExportError,
    export_minari,
    export_npz,
    import_minari,
    segments,
)
from cartpole_game.training.demonstrations import load_demonstrations
from tests.helpers import run_play

HAS_MINARI = sys.version_info >= (3, 11) and importlib.util.find_spec("minari") is not None


def takeover_runs(folder: Path, level_number: int = 6, count: int = 2) -> Path:
    """``count`` takeovers on a level: a human pushes for 30 steps (nothing on every fifth),
    the linear agent drives to the end."""
    level = LEVELS[level_number - 1]
    keeper = EpisodeKeeper(folder, folder.parent / "demos")
    human, linear = HumanController(), load_agent("linear")
    arena = Arena(human, seed=level_number * 10, params=level.params)
    for run in range(count):
        if run:
            arena.set_controller(human)
            arena.reset()
        while not arena.done:
            if arena.score == 30:
                arena.set_controller(linear)
            human.release_all()
            if arena.score % 5:
                human.press(linear.act(arena.observation))
            arena.step()
        keeper.keep(arena, "takeover", level, level.time_scale)
    return folder


def test_the_npz_export_loads_without_pickle(tmp_path: Path) -> None:
    demos = load_demonstrations([takeover_runs(tmp_path / "runs")])
    path = export_npz(demos, tmp_path / "out" / "demos.npz")
    with np.load(path, allow_pickle=False) as data:
        assert data["observations"].tobytes() == demos.observations.tobytes()
        assert data["actions"].tolist() == demos.actions.tolist()
        assert set(data["drivers"].tolist()) == {"human", "linear"}
        assert data["human"].sum() == 60 and data["rewards"].sum() == len(demos)
        assert data["action_names"].tolist() == ["push_left", "push_right", "no_push"]
        assert data["episode_seeds"].tolist() == [60, 61]
        assert data["terminations"].sum() + data["truncations"].sum() >= 2
    with pytest.raises(ExportError, match="already exists; add --force"):
        export_npz(demos, path)
    assert export_npz(demos, path, force=True) == path


def test_export_demos_npz_from_the_command_line(tmp_path: Path) -> None:
    runs = takeover_runs(tmp_path / "runs")
    result = run_play(
        "export-demos", "--demos", str(runs), "--format", "npz", "--name", "mine",
        "--out", str(tmp_path / "out"), "--driver", "human", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["steps"] == 60 and summary["drivers"] == {"human": 60}
    with np.load(tmp_path / "out" / "mine.npz", allow_pickle=False) as data:
        assert set(data["drivers"].tolist()) == {"human"}
    again = run_play(
        "export-demos", "--demos", str(runs), "--format", "npz", "--name", "mine",
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert again.returncode == 2 and again.stderr.count("\n") == 1
    assert "already exists" in again.stderr


def test_stretches_of_one_driver_are_cut_where_another_takes_over(tmp_path: Path) -> None:
    demos = load_demonstrations([takeover_runs(tmp_path / "runs")], driver="human")
    assert segments(demos) == [(0, 30), (30, 60)]


@pytest.mark.skipif(not HAS_MINARI, reason="Minari is not installed (needs Python 3.11+, numpy 2)")
def test_the_minari_export_loads_back_with_minari(tmp_path: Path) -> None:
    import gymnasium as gym
    import minari

    runs = takeover_runs(tmp_path / "runs")
    demos = load_demonstrations([runs])
    dataset_id, where = export_minari(demos, "cartpole/test-demos", tmp_path / "minari")
    assert dataset_id == "cartpole/test-demos-v0" and where.is_dir()
    assert not list((tmp_path / "minari").glob(".cartpole_game-export-*")), "no leftovers"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MINARI_DATASETS_PATH", str(tmp_path / "minari"))
        dataset = minari.load_dataset(dataset_id)
        assert dataset.spec.action_space == gym.spaces.Discrete(3)
        assert dataset.spec.observation_space == gym.make("CartPole-v1").observation_space
        assert dataset.total_episodes == 2 and dataset.total_steps == len(demos)
        for number, episode in enumerate(dataset.iterate_episodes()):
            rows = demos.episodes == number
            assert episode.observations.shape == (rows.sum() + 1, 4)
            assert episode.observations[:-1].tobytes() == demos.observations[rows].tobytes()
            assert episode.observations[-1].tobytes() == demos.next_observations[rows][-1].tobytes()
            assert episode.actions.tolist() == demos.actions[rows].tolist()
            assert episode.rewards.tolist() == [1.0] * int(rows.sum())
            ended = bool(episode.terminations[-1] or episode.truncations[-1])
            assert ended and not episode.terminations[:-1].any()
        with pytest.raises(ExportError, match="already exists"):
            export_minari(demos, "cartpole/test-demos-v0", tmp_path / "minari")
        export_minari(demos, "cartpole/test-demos-v0", tmp_path / "minari", force=True)
        assert minari.load_dataset(dataset_id).total_episodes == 2


@pytest.mark.skipif(not HAS_MINARI, reason="Minari is not installed (needs Python 3.11+, numpy 2)")
def test_a_minari_dataset_holds_one_level(tmp_path: Path) -> None:
    takeover_runs(tmp_path / "runs", level_number=6)
    takeover_runs(tmp_path / "runs", level_number=1)
    demos = load_demonstrations([tmp_path / "runs"])
    with pytest.raises(ExportError, match="export one level at a time"):
        export_minari(demos, "mixed", tmp_path / "minari")
    with pytest.raises(ExportError, match="--name"):
        export_minari(demos, "bad name!", tmp_path / "minari")


def test_without_minari_the_export_says_what_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "minari", None)  # an import of it fails, as if missing
    with pytest.raises(ExportError) as caught:
        import_minari()
    message = str(caught.value)
    assert "Python 3.11" in message and "numpy 2" in message and "npz" in message
    assert "\n" not in message
