"""SB3 and RL-Zoo agents play in the game exactly as in SB3: the same greedy action as the
library's own ``predict(obs, deterministic=True)`` on 10,000 states from real episodes, so the
same episodes. Each algorithm is trained here for a few hundred steps (imperfect agents, so every
state tells), some with settings other than the defaults (net_arch, activation, quantiles) that
only the zip's ``data`` can tell the game.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
import stable_baselines3
import torch
from sb3_contrib import QRDQN
from stable_baselines3 import A2C, DQN, PPO

from cartpole_game.agents import load_agent
from tests.foreign_helpers import real_states, scramble, torch_bytes, write_zip
from tests.helpers import run_play

SB3_VERSION = ".".join(stable_baselines3.__version__.split(".")[:2])
RELU, TANH = torch.nn.ReLU, torch.nn.Tanh
# name: (class, constructor settings, training steps, the game's kind). Off-policy agents learn
# from the first steps; on-policy ones collect small rollouts, so a few hundred steps train.
ALGOS = {
    "DQN": (DQN, {"learning_starts": 50, "policy_kwargs": {"net_arch": [32, 32]}}, 400),
    "DQN-tanh": (DQN, {"learning_starts": 50, "policy_kwargs": {"activation_fn": TANH}}, 300),
    "QR-DQN": (
        QRDQN,
        {"learning_starts": 50, "policy_kwargs": {"n_quantiles": 7, "net_arch": [24, 16]}},
        400,
    ),
    "PPO": (PPO, {"n_steps": 128, "batch_size": 64, "n_epochs": 2}, 256),
    "PPO-relu": (
        PPO,
        {
            "n_steps": 64,
            "batch_size": 32,
            "n_epochs": 2,
            "policy_kwargs": {"net_arch": {"pi": [32, 16], "vf": [8]}, "activation_fn": RELU},
        },
        128,
    ),
    "A2C": (A2C, {"n_steps": 8}, 400),
}
KINDS = {"DQN": "q-network", "QR-DQN": "q-network", "PPO": "actor-critic", "A2C": "actor-critic"}


@pytest.fixture(scope="module")
def states() -> np.ndarray:
    return real_states()


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[object, Path]]:
    """Each algorithm trained a few hundred steps and saved as SB3 saves it."""
    folder = tmp_path_factory.mktemp("sb3")
    models: dict[str, tuple[object, Path]] = {}
    for label, (cls, settings, steps) in ALGOS.items():
        model = cls("MlpPolicy", "CartPole-v1", seed=1, device="cpu", **settings)
        model.learn(steps)
        path = folder / f"{label.lower()}-CartPole-v1.zip"
        model.save(path)
        models[label] = (model, path)
    return models


@pytest.mark.parametrize("label", list(ALGOS))
def test_the_same_actions_as_sb3_predict(
    trained: dict[str, tuple[object, Path]], states: np.ndarray, label: str
) -> None:
    model, path = trained[label]
    expected, _ = model.predict(states, deterministic=True)  # type: ignore[attr-defined]
    agent = load_agent(path)
    actions = agent.act_batch(states)  # type: ignore[attr-defined]
    assert len(set(expected.tolist())) == 2, "an agent that always pushes one way tells nothing"
    assert (actions == expected).all(), f"{int((actions != expected).sum())} of 10,000 differ"
    # One at a time, as the game calls it, agrees with the batch.
    assert [agent.act(s) for s in states[:300]] == actions[:300].tolist()


@pytest.mark.parametrize("label", list(ALGOS))
def test_named_by_what_it_is(trained: dict[str, tuple[object, Path]], label: str) -> None:
    _, path = trained[label]
    agent = load_agent(path)
    algo = label.split("-tanh")[0].split("-relu")[0]
    assert agent.name == f"{algo} (SB3 {SB3_VERSION}) · {path.name}"
    assert agent.kind == KINDS[algo]  # type: ignore[attr-defined]


def test_the_panel_shows_q_values_or_probabilities(
    trained: dict[str, tuple[object, Path]], states: np.ndarray
) -> None:
    from cartpole_game.game.render.decision_panel import value_label

    obs = states[:50]
    dqn, path = trained["DQN"]
    agent = load_agent(path)
    with torch.no_grad():
        q = dqn.q_net(torch.as_tensor(obs)).numpy()  # type: ignore[attr-defined]
    np.testing.assert_allclose([agent.action_values(s) for s in obs], q, rtol=1e-5, atol=1e-5)
    assert value_label(agent) == "Q-values"

    qr, path = trained["QR-DQN"]
    with torch.no_grad():
        quantiles = qr.policy.quantile_net(torch.as_tensor(obs))  # type: ignore[attr-defined]
    agent = load_agent(path)
    values = np.array([agent.action_values(s) for s in obs])
    np.testing.assert_allclose(values, quantiles.mean(dim=1).numpy(), rtol=1e-5, atol=1e-5)
    assert value_label(agent) == "Q-values"

    for label in ("PPO", "A2C"):
        model, path = trained[label]
        with torch.no_grad():
            dist = model.policy.get_distribution(torch.as_tensor(obs))  # type: ignore[attr-defined]
        agent = load_agent(path)
        probs = np.array([agent.action_values(s) for s in obs])
        np.testing.assert_allclose(probs, dist.distribution.probs.numpy(), atol=1e-6)
        assert value_label(agent) == "probabilities"


@pytest.mark.parametrize("label", ["DQN", "PPO"])
def test_the_same_episodes(trained: dict[str, tuple[object, Path]], label: str) -> None:
    model, path = trained[label]
    agent = load_agent(path)
    for seed in range(3):
        runs = []
        for choose in (
            lambda o: int(model.predict(o, deterministic=True)[0]),  # type: ignore[attr-defined]
            agent.act,
        ):
            env = gym.make("CartPole-v1")
            obs, _ = env.reset(seed=seed)
            actions, done = [], False
            while not done:
                actions.append(choose(obs))
                obs, _, terminated, truncated, _ = env.step(actions[-1])
                done = terminated or truncated
            runs.append(actions)
        assert runs[0] == runs[1]


def _sb3_1x_zip(path: Path, net: dict[str, torch.nn.Module]) -> Path:
    """A PPO zip laid out as SB3 1.x wrote them: gym's spaces (``shape``, ``n`` a number), a
    shared layer before the ``pi``/``vf`` split, no system_info.txt, a 1.x version file."""
    state = {
        f"mlp_extractor.{part}.{k}": v
        for part in ("shared_net", "policy_net", "value_net")
        for k, v in net[part].state_dict().items()
    }
    state |= {f"action_net.{k}": v for k, v in net["action_net"].state_dict().items()}
    state |= {f"value_net.{k}": v for k, v in net["value_head"].state_dict().items()}
    data = {
        "policy_class": {
            ":type:": "<class 'abc.ABCMeta'>",
            ":serialized:": "gAWVOwAAAAAAAACMIXN0YWJsZV9iYXNlbGluZXMzLmNvbW1vbi5wb2xpY2llc5Q=",
            "__module__": "stable_baselines3.common.policies",
        },
        "policy_kwargs": {"net_arch": [16, {"pi": [8], "vf": [8]}]},
        "observation_space": {
            ":type:": "<class 'gym.spaces.box.Box'>",
            ":serialized:": "gAWVAAAAAAAAAAA=",
            "dtype": "float32",
            "shape": [4],
        },
        "action_space": {
            ":type:": "<class 'gym.spaces.discrete.Discrete'>",
            ":serialized:": "gAWVAAAAAAAAAAA=",
            "n": 2,
            "shape": [],
            "dtype": "int64",
        },
        "n_steps": 32,
        "gae_lambda": 0.8,
        "clip_range": {":type:": "<class 'function'>", ":serialized:": "gAWVAAAAAAAAAAA="},
    }
    return write_zip(
        path,
        [
            ("data", json.dumps(data, indent=4).encode()),
            ("pytorch_variables.pth", torch_bytes({})),
            ("policy.pth", torch_bytes(state)),
            ("_stable_baselines3_version", b"1.1.0"),
        ],
    )


def test_an_sb3_1x_zip_with_a_shared_layer(tmp_path: Path, states: np.ndarray) -> None:
    torch.manual_seed(3)
    net = {
        "shared_net": torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh()),
        "policy_net": torch.nn.Sequential(torch.nn.Linear(16, 8), torch.nn.Tanh()),
        "value_net": torch.nn.Sequential(torch.nn.Linear(16, 8), torch.nn.Tanh()),
        "action_net": torch.nn.Linear(8, 2),
        "value_head": torch.nn.Linear(8, 1),
    }
    with torch.no_grad():  # larger than torch's default init, so both pushes happen
        for module in net.values():
            for parameter in module.parameters():
                parameter.normal_(0.0, 1.0)
    path = _sb3_1x_zip(tmp_path / "ppo-old.zip", net)
    agent = load_agent(path)
    with torch.no_grad():
        logits = net["action_net"](net["policy_net"](net["shared_net"](torch.as_tensor(states))))
    expected = logits.argmax(dim=1).numpy()
    assert len(set(expected.tolist())) == 2
    assert (agent.act_batch(states) == expected).all()  # type: ignore[attr-defined]
    assert agent.name == "PPO (SB3 1.1) · ppo-old.zip"


def test_eval_prints_the_agents_name(trained: dict[str, tuple[object, Path]]) -> None:
    _, path = trained["QR-DQN"]
    result = run_play("eval", "--agent", str(path), "--episodes", "3")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"QR-DQN (SB3 {SB3_VERSION}) · {path.name}"), first
    assert re.search(r"mean \d+\.\d", result.stdout)


@pytest.mark.parametrize("activation", ["ReLU", "Tanh", "ELU", "LeakyReLU", "Sigmoid", "SiLU"])
def test_every_activation_sb3_can_name(tmp_path: Path, states: np.ndarray, activation: str) -> None:
    act = getattr(torch.nn, activation)
    q_net = scramble(
        torch.nn.Sequential(
            torch.nn.Linear(4, 16), act(), torch.nn.Linear(16, 16), act(), torch.nn.Linear(16, 2)
        ),
        seed=4,
        std=2.0,  # wide enough that even a sigmoid network's choice varies
    )
    data = {
        "policy_kwargs": {
            ":type:": "<class 'dict'>",
            ":serialized:": "gAWVAAAAAAAAAAA=",
            "net_arch": [16, 16],
            "activation_fn": f"<class 'torch.nn.modules.activation.{activation}'>",
        }
    }
    state = {f"q_net.q_net.{k}": v for k, v in q_net.state_dict().items()}
    path = write_zip(
        tmp_path / "dqn.zip",
        {"data": json.dumps(data).encode(), "policy.pth": torch_bytes(state)},
    )
    agent = load_agent(path)
    with torch.no_grad():
        q = q_net(torch.as_tensor(states)).numpy()
    assert len(set(q.argmax(axis=1).tolist())) == 2
    assert (agent.act_batch(states) == q.argmax(axis=1)).all()  # type: ignore[attr-defined]
    np.testing.assert_allclose(agent.action_values(states[0]), q[0], rtol=1e-5, atol=1e-5)
    assert agent.name == "DQN (SB3) · dqn.zip"  # no version file: no version in the name
