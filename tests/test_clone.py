"""Behaviour cloning: a clone of a deterministic teacher agrees with it on held-out episodes, the
held-out steps are whole episodes, "no push" is learned where the teacher used it, and
``train --algo clone`` writes a normal checkpoint of the clone kind with its demonstrations'
summary, or refuses bad input with one line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cartpole_game.agents import load_agent
from cartpole_game.agents.checkpoint import load_checkpoint, save_checkpoint
from cartpole_game.agents.clone import ClonePolicy
from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.replay import Replay
from cartpole_game.training.clone import CloneConfig, fit_clone, held_out_mask, train_clone
from cartpole_game.training.demonstrations import load_demonstrations
from tests.helpers import run_play

QUICK = CloneConfig(max_epochs=150, patience=20)


class Calm:
    """A deterministic teacher that pushes only when the pole leans enough: "no push" otherwise."""

    name = "human"  # taught as a player would

    def __init__(self) -> None:
        self.linear = load_agent("linear")

    def act(self, observation: np.ndarray) -> int:
        score = self.linear.action_values(observation)[1]
        return NO_PUSH if abs(score) < 0.05 else (PUSH_RIGHT if score > 0 else PUSH_LEFT)

    def reset(self) -> None:
        pass


def teach(teacher: object, folder: Path, episodes: int = 5, seed: int = 0) -> Path:
    """``episodes`` of ``teacher`` on CartPole-v1, saved as replays in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    arena = Arena(teacher, seed=seed)  # type: ignore[arg-type]
    for number in range(episodes):
        if number:
            arena.reset()
        while not arena.done:
            arena.step()
        Replay.from_arena(arena, "watch", 1.0).save(folder / f"episode{number}.json")
    return folder


def test_held_out_steps_are_whole_episodes() -> None:
    episodes = np.repeat(np.arange(10), 7)
    held = held_out_mask(episodes, 0.2, seed=3)
    assert len(np.unique(episodes[held])) == 2
    assert not set(episodes[held]) & set(episodes[~held])
    assert not held_out_mask(np.zeros(9, dtype=int), 0.2, seed=3).any(), "one episode: none"


def test_a_clone_of_a_deterministic_teacher_agrees_with_it_on_held_out_steps(
    tmp_path: Path,
) -> None:
    demos = load_demonstrations([teach(load_agent("linear"), tmp_path / "linear")])
    fit, checkpoint = train_clone(demos, QUICK, seed=0)
    assert fit.held_out_episodes == 1 and fit.held_out_steps == 500
    assert fit.agreement is not None and fit.agreement >= 0.95
    assert fit.actions == 2, "the teacher always pushed: CartPole-v1's two actions"
    path = save_checkpoint(tmp_path / "clone.safetensors", checkpoint)
    clone = load_agent(path)
    assert isinstance(clone, ClonePolicy)
    seen = demos.observations[demos.episodes == demos.episodes.max()]
    assert (clone.act_batch(seen) == fit.policy().act_batch(seen)).all()
    meta = load_checkpoint(path).metadata
    assert meta["kind"] == "clone" and meta["action_space"]["n"] == 2
    made = meta["demonstrations"]
    assert (made["episodes"], made["steps"], made["files"]) == (5, 2500, 5)
    assert made["drivers"] == {"linear": 2500} and made["levels"] == [6]
    assert made["held_out_agreement"] == pytest.approx(fit.agreement)


def test_no_push_is_a_third_action_where_the_teacher_used_it(tmp_path: Path) -> None:
    demos = load_demonstrations([teach(Calm(), tmp_path / "calm", episodes=4)])
    assert NO_PUSH in demos.actions.tolist()
    fit = fit_clone(demos.observations, demos.actions, demos.episodes, QUICK, seed=1)
    assert fit.actions == 3 and fit.agreement is not None and fit.agreement >= 0.9
    by_action = fit.agreement_by_action
    assert by_action["no_push"] is not None and by_action["no_push"] > 0.5
    clone = fit.policy()
    chosen = clone.act_batch(demos.observations)
    assert NO_PUSH in chosen.tolist()
    values = clone.action_values(demos.observations[0])
    assert values.shape == (3,) and values.sum() == pytest.approx(1.0, abs=1e-5)


def test_the_same_seed_trains_the_same_clone(tmp_path: Path) -> None:
    demos = load_demonstrations([teach(load_agent("linear"), tmp_path / "d", episodes=3)])
    config = CloneConfig(max_epochs=5, patience=5)
    first = fit_clone(demos.observations, demos.actions, demos.episodes, config, seed=7)
    again = fit_clone(demos.observations, demos.actions, demos.episodes, config, seed=7)
    for name, tensor in first.tensors.items():
        assert np.array_equal(tensor, again.tensors[name]), name


def test_train_clone_from_the_command_line(tmp_path: Path) -> None:
    folder = teach(load_agent("linear"), tmp_path / "demos")
    out = tmp_path / "clone.safetensors"
    result = run_play(
        "train", "--algo", "clone", "--demos", str(folder), "--out", str(out), "--json",
        "--seed", "2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["checkpoint"] == str(out) and summary["seed"] == 2
    assert summary["held_out_agreement"] >= 0.95
    assert summary["demonstrations"]["episodes"] == 5
    assert load_checkpoint(out).kind == "clone"
    evaluated = run_play("eval", "--agent", str(out), "--episodes", "5", "--json")
    assert evaluated.returncode == 0, evaluated.stderr
    assert json.loads(evaluated.stdout.strip().splitlines()[-1])["mean"] == 500.0
    again = run_play("train", "--algo", "clone", "--demos", str(folder), "--out", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--algo", "clone"], "--algo clone needs --demos PATH"),
        (["--algo", "clone", "--demos", "MISSING"], "no such file or folder"),
        (
            ["--algo", "clone", "--demos", "DEMOS", "--driver", "human"],
            "no steps driven by a human",
        ),
        (["--algo", "clone", "--demos", "DEMOS", "--steps", "5"], "--steps does not apply"),
        (["--algo", "clone", "--demos", "BAD"], "bad.json: not a replay file"),
        (["--algo", "linear", "--demos", "DEMOS", "--headless"], "--demos goes with --algo clone"),
        (["--algo", "clone", "--demos", "DEMOS", "--demo-margin", "1"], "--demo-margin does not"),
    ],
)
def test_train_clone_bad_input_is_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    folder = teach(load_agent("linear"), tmp_path / "demos", episodes=1)
    bad = tmp_path / "bad.json"
    bad.write_text("nope")
    names = {"DEMOS": str(folder), "MISSING": str(tmp_path / "missing"), "BAD": str(bad)}
    argv = [names.get(a, a) for a in args]
    result = run_play("train", *argv, "--out", str(tmp_path / "c.safetensors"))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert not (tmp_path / "c.safetensors").exists()
