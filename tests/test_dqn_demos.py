"""``train --algo dqn --demos PATH``: demonstrations seed the DQN's replay buffer for good, as
its own transitions (shaped and mirrored like them), with DQfD's margin if asked, and the run
learns sooner for them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from cartpole_game.agents.checkpoint import load_checkpoint
from cartpole_game.agents.lqr import LQRPolicy
from cartpole_game.harness.bench_demos import write_demonstrations
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.levels import LEVELS
from cartpole_game.sim.replay import Replay
from cartpole_game.training.demo_replay import DemoSeededReplay
from cartpole_game.training.demonstrations import Demonstrations, load_demonstrations
from cartpole_game.training.dqn import DQNConfig, DQNTrainer
from tests.helpers import run_play


@pytest.fixture(scope="module")
def lqr_demos(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Demonstrations]:
    folder = tmp_path_factory.mktemp("lqr-demos")
    write_demonstrations(LQRPolicy(), folder, episodes=2)
    return folder, load_demonstrations([folder])


def test_the_demonstrations_and_their_mirror_images_sit_in_front_of_the_buffer(
    lqr_demos: tuple[Path, Demonstrations],
) -> None:
    _, demos = lqr_demos
    cfg = DQNConfig()
    trainer = DQNTrainer(cfg, seed=0, demos=demos)
    assert isinstance(trainer.buffer, DemoSeededReplay)
    shown = trainer.buffer.demos
    half = len(demos)  # LQR always pushes, so every step is kept; then the mirror images
    assert len(shown) == trainer.demo_steps == 2 * half == 2000
    np.testing.assert_array_equal(shown.obs[:half], demos.observations)
    np.testing.assert_array_equal(shown.actions[:half], demos.actions)
    np.testing.assert_array_equal(shown.obs[half:], -demos.observations)
    np.testing.assert_array_equal(shown.actions[half:], 1 - demos.actions)
    # The run's own shaped reward: the last step of an episode is a one-step transition here.
    params = LEVELS[-1].params
    last = int(np.flatnonzero(demos.truncations)[0])
    reached = demos.next_observations[last : last + 1].astype(np.float64)
    expected = 1.0 - cfg.randomisation.penalties(reached, params)[0]
    row = int(np.flatnonzero((shown.obs[:half] == demos.observations[last]).all(axis=1))[0])
    assert shown.rewards[row] == pytest.approx(expected, rel=1e-6)
    assert shown.rewards[row] < 1.0, "the shaping took something off"
    # Demonstrated steps count as steps played: learning starts with the first step.
    next(trainer)
    assert trainer.n_updates == cfg.updates_per_step
    plain = DQNTrainer(cfg, seed=0)
    next(plain)
    assert plain.n_updates == 0


def test_the_margin_makes_the_network_prefer_the_teachers_pushes(
    lqr_demos: tuple[Path, Demonstrations],
) -> None:
    _, demos = lqr_demos
    obs = torch.from_numpy(demos.observations.astype(np.float32))

    def agreement(margin: float) -> float:
        trainer = DQNTrainer(DQNConfig(demo_margin=margin), seed=3, demos=demos)
        for _ in range(300):  # updates on the demonstrations alone: nothing played yet
            trainer._update()
        with torch.no_grad():
            chosen = trainer.q(obs).argmax(dim=1).numpy()
        return float((chosen == demos.actions).mean())

    # Q-learning alone already leans towards the pushes it saw (83% on this seed); the margin
    # makes them the network's choice.
    with_margin, without = agreement(1.0), agreement(0.0)
    assert with_margin >= 0.9
    assert with_margin > without, (with_margin, without)


def test_it_solves_sooner_with_lqrs_demonstrations_than_without(
    lqr_demos: tuple[Path, Demonstrations],
) -> None:
    _, demos = lqr_demos

    def solved_at(demos: Demonstrations | None) -> int:
        trainer = DQNTrainer(DQNConfig(stop_when_robust=False, total_steps=20_000), 0, demos)
        *_, last = trainer
        assert last.solved_at_steps is not None
        return last.solved_at_steps

    assert solved_at(demos) < solved_at(None)


def test_train_dqn_demos_reports_and_saves_what_seeded_it(
    lqr_demos: tuple[Path, Demonstrations], tmp_path: Path
) -> None:
    folder, demos = lqr_demos
    out = tmp_path / "seeded.safetensors"
    done = run_play(
        "train", "--algo", "dqn", "--headless", "--steps", "2000", "--demos", str(folder),
        "--demo-margin", "0.5", "--out", str(out), "--json", timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    shown = summary["demonstrations"]
    assert (shown["files"], shown["episodes"], shown["steps"]) == (2, 2, len(demos))
    assert (shown["transitions"], shown["margin"]) == (2 * len(demos), 0.5)
    metadata = load_checkpoint(out).metadata
    assert metadata["demonstrations"]["steps"] == len(demos)
    assert metadata["training_config"]["demo_margin"] == 0.5
    assert "--demos" in metadata["command"]


def _nothing_but_no_push(folder: Path) -> None:
    human = HumanController()  # no key is ever pressed
    arena = Arena(human, seed=4)
    while not arena.done:
        arena.step()
    folder.mkdir()
    Replay.from_arena(arena, "play", 1.0, len(LEVELS)).save(folder / "idle.json")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--algo", "linear", "--demos", "DEMOS"], "--demos goes with --algo clone|dqn"),
        (["--algo", "dqn", "--demo-margin", "1"], "--demo-margin needs --demos"),
        (["--algo", "dqn", "--demos", "DEMOS", "--demo-margin", "-1"], "from 0 to"),
        (["--algo", "dqn", "--demos", "IDLE"], "hold no push to learn from"),
        (["--algo", "dqn", "--demos", "MISSING"], "MISSING"),
    ],
)
def test_bad_demonstration_arguments_are_one_line_and_nothing_is_written(
    args: list[str], words: str, lqr_demos: tuple[Path, Demonstrations], tmp_path: Path
) -> None:
    _nothing_but_no_push(tmp_path / "idle")
    paths = {"DEMOS": str(lqr_demos[0]), "IDLE": str(tmp_path / "idle")}
    paths["MISSING"] = str(tmp_path / "MISSING")
    out = tmp_path / "never.safetensors"
    done = run_play(
        "train", "--headless", *(paths.get(a, a) for a in args), "--out", str(out), timeout=120
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
