"""CleanRL state dicts and ONNX exports play as their own networks do, whatever the file is called.

CleanRL's CartPole networks (its DQN ``QNetwork`` and PPO ``Agent``) with random weights, saved
as CleanRL saves them (``torch.save(model.state_dict())``), and ONNX exports of SB3 agents (SB3's
documented ``OnnxableSB3Policy`` wrapper and ``torch.onnx.export`` at opset 17): the game's
action equals the network's argmax, or the library's ``predict``, on 10,000 real states.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from stable_baselines3 import A2C, DQN, PPO
from torch import nn

from cartpole_game.agents import load_agent, shipped_path
from tests.foreign_helpers import (
    CleanRLAgent,
    CleanRLQNetwork,
    real_states,
    refusal,
    scramble,
)
from tests.helpers import REPO_ROOT


@pytest.fixture(scope="module")
def states() -> np.ndarray:
    return real_states()


def _both_actions(actions: np.ndarray) -> None:
    assert len(set(actions.tolist())) == 2, "an agent that always pushes one way tells nothing"


@pytest.mark.parametrize("filename", ["dqn.cleanrl_model", "q.pth", "weights.bin"])
def test_cleanrl_dqn(tmp_path: Path, states: np.ndarray, filename: str) -> None:
    network = scramble(CleanRLQNetwork(), seed=0)
    path = tmp_path / filename
    torch.save(network.state_dict(), path)
    agent = load_agent(path)
    with torch.no_grad():
        q = network(torch.as_tensor(states)).numpy()
    _both_actions(q.argmax(axis=1))
    assert (agent.act_batch(states) == q.argmax(axis=1)).all()  # type: ignore[attr-defined]
    np.testing.assert_allclose(agent.action_values(states[0]), q[0], rtol=1e-5, atol=1e-6)
    assert agent.name == f"DQN (CleanRL) · {filename}"
    assert agent.kind == "q-network"  # type: ignore[attr-defined]


@pytest.mark.parametrize("filename", ["ppo.cleanrl_model", "agent.pt"])
def test_cleanrl_ppo(tmp_path: Path, states: np.ndarray, filename: str) -> None:
    agent_net = scramble(CleanRLAgent(), seed=1)
    path = tmp_path / filename
    torch.save(agent_net.state_dict(), path)
    agent = load_agent(path)
    with torch.no_grad():
        logits = agent_net.actor(torch.as_tensor(states))
    expected = logits.argmax(dim=1).numpy()
    _both_actions(expected)
    assert (agent.act_batch(states) == expected).all()  # type: ignore[attr-defined]
    probs = torch.softmax(logits[:20], dim=1).numpy()
    np.testing.assert_allclose([agent.action_values(s) for s in states[:20]], probs, atol=1e-6)
    assert agent.name == f"PPO (CleanRL) · {filename}"
    assert agent.kind == "actor-critic"  # type: ignore[attr-defined]


class OnnxableSB3Policy(nn.Module):
    """SB3's documented export wrapper: the policy's deterministic (actions, values, log_prob)."""

    def __init__(self, policy: nn.Module) -> None:
        super().__init__()
        self.policy = policy

    def forward(self, observation: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return self.policy(observation, deterministic=True)


class OnnxableQNet(nn.Module):
    """A DQN's Q-network: observation -> Q-values."""

    def __init__(self, policy: nn.Module) -> None:
        super().__init__()
        self.q_net = policy.q_net

    def forward(self, observation: torch.Tensor) -> torch.Tensor:
        return self.q_net(observation)


class OnnxableLogits(nn.Module):
    """SB3's older documented wrapper: the extractor and the action net -> logits, and the value."""

    def __init__(self, policy: nn.Module) -> None:
        super().__init__()
        self.extractor = policy.mlp_extractor
        self.action_net = policy.action_net
        self.value_net = policy.value_net

    def forward(self, observation: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        action_hidden, value_hidden = self.extractor(observation)
        return self.action_net(action_hidden), self.value_net(value_hidden)


def _export(wrapper: nn.Module, path: Path, batch: bool) -> Path:
    with warnings.catch_warnings():  # the exporter's notes on tracing SB3's distributions
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            (torch.zeros(1, 4),),
            str(path),
            opset_version=17,
            input_names=["obs"],
            dynamic_axes={"obs": {0: "batch"}} if batch else None,
            dynamo=False,  # the TorchScript exporter needs only the onnx package
        )
    return path


@pytest.fixture(scope="module")
def onnx_agents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[object, Path]]:
    """SB3 agents trained a few hundred steps, exported three ways."""
    folder = tmp_path_factory.mktemp("onnx")
    dqn = DQN(
        "MlpPolicy",
        "CartPole-v1",
        seed=1,
        learning_starts=50,
        learning_rate=1e-3,
        policy_kwargs={"net_arch": [32, 32]},
        device="cpu",
    ).learn(400)
    ppo = PPO("MlpPolicy", "CartPole-v1", seed=2, n_steps=64, batch_size=32, device="cpu")
    ppo.learn(128)
    a2c = A2C("MlpPolicy", "CartPole-v1", seed=2, n_steps=8, device="cpu").learn(200)
    for model in (dqn, ppo, a2c):
        model.policy.set_training_mode(False)
    return {
        "q-values": (dqn, _export(OnnxableQNet(dqn.policy), folder / "dqn.onnx", True)),
        "actions": (ppo, _export(OnnxableSB3Policy(ppo.policy), folder / "ppo.onnx", True)),
        "logits, one at a time": (
            a2c,
            _export(OnnxableLogits(a2c.policy), folder / "a2c-batch1.onnx", False),
        ),
    }


@pytest.mark.parametrize(
    ("export", "kind"),
    [
        ("q-values", "action-scores"),
        ("actions", "choice-only"),
        ("logits, one at a time", "action-scores"),
    ],
)
def test_onnx_exports_act_as_sb3_predicts(
    onnx_agents: dict[str, tuple[object, Path]], states: np.ndarray, export: str, kind: str
) -> None:
    model, path = onnx_agents[export]
    count = len(states) if export != "logits, one at a time" else 2000  # one run per state
    expected, _ = model.predict(states[:count], deterministic=True)  # type: ignore[attr-defined]
    _both_actions(expected)
    agent = load_agent(path)
    assert (agent.act_batch(states[:count]) == expected).all()  # type: ignore[attr-defined]
    assert [agent.act(s) for s in states[:100]] == expected[:100].tolist()
    assert agent.name == f"ONNX · {path.name}"
    assert agent.kind == kind  # type: ignore[attr-defined]


def test_onnx_and_safetensors_load_without_torch(
    onnx_agents: dict[str, tuple[object, Path]],
) -> None:
    code = (
        "import sys\n"
        "import numpy as np\n"
        "from cartpole_game.agents import load_agent\n"
        "for path in sys.argv[1:]:\n"
        "    agent = load_agent(path)\n"
        "    assert agent.act(np.zeros(4, np.float32)) in (0, 1)\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "print('ok')\n"
    )
    paths = [str(onnx_agents["q-values"][1]), str(shipped_path("dqn"))]
    result = subprocess.run(
        [sys.executable, "-c", code, *paths],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_without_onnxruntime_one_line_says_how_to_add_it(
    onnx_agents: dict[str, tuple[object, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import onnxruntime -> ImportError
    problem = refusal(onnx_agents["q-values"][1])
    assert 'pip install "cartpole_game[onnx]"' in problem


def test_an_onnx_model_cannot_read_other_files(
    onnx_agents: dict[str, tuple[object, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import onnx
    import onnxruntime

    model = onnx.load(str(onnx_agents["q-values"][1]))
    weights = model.graph.initializer[0]
    secret = tmp_path / "secret.bin"  # just the size of the weights it would fill
    secret.write_bytes(np.ones(int(np.prod(weights.dims)), np.float32).tobytes())
    weights.ClearField("raw_data")
    weights.data_location = onnx.TensorProto.EXTERNAL
    monkeypatch.chdir(tmp_path)  # where onnxruntime looks for the data of a model given as bytes
    for location in ("secret.bin", str(secret), "../secret.bin"):
        del weights.external_data[:]
        entry = weights.external_data.add()
        entry.key, entry.value = "location", location
        path = tmp_path / "external.onnx"
        path.write_bytes(model.SerializeToString())
        assert "external data" in refusal(path)
    # The threat is real: onnxruntime given the bytes reads the file beside it.
    del weights.external_data[:]
    entry = weights.external_data.add()
    entry.key, entry.value = "location", "secret.bin"
    onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])


def _export_any(module: nn.Module, inputs: tuple[torch.Tensor, ...], path: Path) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, inputs, str(path), opset_version=17, dynamo=False)
    return path


class TwoInputs(nn.Module):
    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return a + b


def test_broken_onnx_files_get_one_line(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"\x08\x08\x12\x07not a protobuf model at all")
    assert "not a usable ONNX model" in refusal(garbage)
    text = tmp_path / "text.onnx"
    text.write_text('{"not": "a model"}')
    assert "nor an agent from another library" in refusal(text)
    lunar = _export_any(nn.Linear(8, 4), (torch.zeros(1, 8),), tmp_path / "lunar.onnx")
    assert "CartPole gives 4 observations" in refusal(lunar)
    three = _export_any(nn.Linear(4, 3), (torch.zeros(1, 4),), tmp_path / "three.onnx")
    assert "neither 2 scores nor 1 action" in refusal(three)
    two = _export_any(TwoInputs(), (torch.zeros(1, 4), torch.zeros(1, 4)), tmp_path / "two.onnx")
    assert "2 inputs" in refusal(two)
