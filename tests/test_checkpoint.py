"""The checkpoint format: round trips, the shipped agents, and refusing bad or hostile files."""

import itertools
import json
import os
import pickle
import struct

import numpy as np
import pytest
from safetensors.numpy import save as st_save

from cartpole_game.agents import load_agent, shipped_path
from cartpole_game.agents.checkpoint import (
    FORMAT_VERSION,
    Checkpoint,
    load_checkpoint,
    save_checkpoint,
)
from cartpole_game.agents.dqn import DQNPolicy, mlp_architecture
from cartpole_game.agents.linear import LinearPolicy
from cartpole_game.core.errors import FileFormatError
from cartpole_game.training.evaluate import evaluate_batch, evaluate_controller

OBS = np.random.default_rng(0).normal(size=(50, 4)).astype(np.float32)


def dqn_checkpoint(hidden=(16, 16), seed=0):
    rng = np.random.default_rng(seed)
    sizes = [4, *hidden, 2]
    tensors = {}
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        tensors[f"layers.{i}.weight"] = rng.normal(size=(b, a)).astype(np.float32)
        tensors[f"layers.{i}.bias"] = rng.normal(size=b).astype(np.float32)
    meta = {
        "seed": seed,
        "steps_trained": 123,
        "eval_mean": 499.5,
        "eval_std": 1.0,
        "command": "python play.py train --algo dqn",
        "training_config": {"lr": 1e-3},
    }
    return Checkpoint("dqn", mlp_architecture(hidden), tensors, meta)


def linear_checkpoint():
    tensors = {
        "weights": np.array([0.1, 0.5, 2.0, 0.8], np.float32),
        "bias": np.zeros(1, np.float32),
    }
    return Checkpoint(
        "linear",
        {"type": "linear", "inputs": 4, "bias": True},
        tensors,
        {"seed": 3, "command": "python play.py train --algo linear"},
    )


def test_dqn_round_trip(tmp_path):
    ckpt = dqn_checkpoint()
    path = save_checkpoint(tmp_path / "a.safetensors", ckpt)
    assert os.listdir(tmp_path) == ["a.safetensors"]  # no temp file left behind
    agent = load_agent(str(path))
    assert isinstance(agent, DQNPolicy)
    np.testing.assert_array_equal(
        agent.q_values_batch(OBS), DQNPolicy(ckpt.tensors).q_values_batch(OBS)
    )
    meta = load_checkpoint(path).metadata
    assert meta["format_version"] == FORMAT_VERSION and meta["kind"] == "dqn"
    assert meta["seed"] == 0 and meta["steps_trained"] == 123 and meta["eval_mean"] == 499.5
    assert meta["command"].startswith("python play.py train")
    assert meta["architecture"]["sizes"] == [4, 16, 16, 2]
    assert meta["observation_space"]["shape"] == [4] and meta["action_space"]["n"] == 2


def test_linear_round_trip(tmp_path):
    path = save_checkpoint(tmp_path / "l.safetensors", linear_checkpoint())
    agent = load_agent(str(path))
    assert isinstance(agent, LinearPolicy)
    assert [agent.act(o) for o in OBS] == [
        int(np.dot([0.1, 0.5, 2.0, 0.8], o) > 0) for o in OBS.astype(np.float64)
    ]
    assert load_checkpoint(path).metadata["seed"] == 3


def test_save_replaces_atomically(tmp_path):
    path = tmp_path / "a.safetensors"
    save_checkpoint(path, dqn_checkpoint(seed=1))
    save_checkpoint(path, dqn_checkpoint(seed=2))
    assert load_checkpoint(path).metadata["seed"] == 2
    assert sorted(os.listdir(tmp_path)) == ["a.safetensors"]


@pytest.mark.parametrize("name", ["dqn", "linear"])
def test_shipped_agents_score_at_least_475(name):
    agent = load_agent(name)
    result = evaluate_controller(agent, episodes=100, seed=0)
    assert result.mean >= 475
    assert result.fraction_at(500) >= 0.99
    # The vectorised evaluation agrees with the real environment.
    assert evaluate_batch(agent.act_batch, 100, seed=1).mean >= 475
    meta = load_checkpoint(shipped_path(name)).metadata
    assert meta["command"].startswith(f"python play.py train --algo {name}")
    assert isinstance(meta["seed"], int)


def test_shipped_agents_play_the_same_on_gymnasium_cartpole():
    import gymnasium as gym

    for name in ("dqn", "linear"):
        agent = load_agent(name)
        env = gym.make("CartPole-v1")
        returns = []
        for i in range(20):
            obs, _ = env.reset(seed=0 if i == 0 else None)
            total, done = 0.0, False
            while not done:
                obs, r, terminated, truncated, _ = env.step(agent.act(obs))
                total += r
                done = terminated or truncated
            returns.append(total)
        ours = evaluate_controller(agent, episodes=20, seed=0).returns.tolist()
        assert ours == returns


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("filename", ["evil.safetensors", "evil.pt"])
def test_a_pickle_is_refused_and_never_runs(tmp_path, filename):
    marker = tmp_path / "pwned"
    path = tmp_path / filename
    path.write_bytes(pickle.dumps(_Evil(str(marker))))
    with pytest.raises(FileFormatError) as err:
        load_agent(str(path))
    assert str(path) in str(err.value) and "pickle" in str(err.value)
    assert not marker.exists()
    pickle.loads(path.read_bytes())  # the payload is real: unpickling would have run it
    assert marker.exists()


def _error_for(path):
    with pytest.raises(FileFormatError) as err:
        load_agent(str(path))
    message = str(err.value)
    assert message.startswith(str(path)) and "\n" not in message
    return err.value.problem


def test_truncated_file(tmp_path):
    good = save_checkpoint(tmp_path / "good.safetensors", dqn_checkpoint()).read_bytes()
    for cut in (len(good) // 2, len(good) - 3, 40, 4, 0):
        path = tmp_path / f"cut{cut}.safetensors"
        path.write_bytes(good[:cut])
        assert "truncated" in _error_for(path) or "empty" in _error_for(path)


def test_corrupt_file(tmp_path):
    good = save_checkpoint(tmp_path / "good.safetensors", dqn_checkpoint()).read_bytes()
    path = tmp_path / "corrupt.safetensors"
    path.write_bytes(good[:8] + b"\xff" * 30 + good[38:])
    assert "not a" in _error_for(path) or "corrupt" in _error_for(path)
    path.write_bytes(os.urandom(500))
    _error_for(path)
    nan = dqn_checkpoint()
    nan.tensors["layers.0.weight"][0, 0] = np.nan
    assert "NaN" in _error_for(save_checkpoint(tmp_path / "nan.safetensors", nan))


def test_wrong_shapes(tmp_path):
    ckpt = dqn_checkpoint(hidden=(16, 16))
    ckpt.tensors["layers.1.weight"] = np.zeros((16, 8), np.float32)
    problem = _error_for(save_checkpoint(tmp_path / "shape.safetensors", ckpt))
    assert "wrong shape for layers.1.weight" in problem
    ckpt = dqn_checkpoint()
    del ckpt.tensors["layers.2.bias"]
    assert "wrong tensors" in _error_for(save_checkpoint(tmp_path / "miss.safetensors", ckpt))


def test_wrong_kind_newer_version_foreign_and_missing(tmp_path):
    path = save_checkpoint(tmp_path / "lin.safetensors", linear_checkpoint())
    with pytest.raises(FileFormatError, match="wrong kind of checkpoint: expected dqn"):
        load_checkpoint(path, kind="dqn")
    meta = {"format_version": FORMAT_VERSION + 1, "kind": "dqn"}
    newer = tmp_path / "newer.safetensors"
    newer.write_bytes(st_save(dqn_checkpoint().tensors, {"cartpole_game": json.dumps(meta)}))
    assert "newer" in _error_for(newer)
    foreign = tmp_path / "foreign.safetensors"
    foreign.write_bytes(st_save({"x": np.zeros(3, np.float32)}))
    assert "not a cartpole_game checkpoint" in _error_for(foreign)
    odd = tmp_path / "odd.safetensors"
    odd.write_bytes(
        st_save(
            linear_checkpoint().tensors,
            {"cartpole_game": json.dumps({"format_version": 1, "kind": "ppo"})},
        )
    )
    assert "unknown agent kind" in _error_for(odd)
    assert "no such" in _error_for(tmp_path / "missing.safetensors")
    assert "directory" in _error_for(tmp_path)
    header_only = tmp_path / "hdr.safetensors"
    header_only.write_bytes(struct.pack("<Q", 10**12) + b"{}")
    _error_for(header_only)


def test_architecture_that_does_not_fit_cartpole(tmp_path):
    ckpt = dqn_checkpoint()
    ckpt.architecture = {"type": "mlp", "sizes": [3, 16, 16, 2], "activation": "relu"}
    ckpt.tensors["layers.0.weight"] = np.zeros((16, 3), np.float32)
    assert "4 inputs to 2 outputs" in _error_for(save_checkpoint(tmp_path / "a.safetensors", ckpt))
    ckpt = dqn_checkpoint()
    ckpt.architecture = "mlp"
    assert "bad architecture" in _error_for(save_checkpoint(tmp_path / "b.safetensors", ckpt))
