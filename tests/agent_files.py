"""One agent file of each format the game reads, made here with the real libraries (nothing is
downloaded), for the tests that check every way of naming an agent works with every format:
``--agent PATH`` in each mode, drag and drop, "Open an agent…".

* an SB3 PPO ``.zip``: trained by stable-baselines3 for a few steps;
* a CleanRL DQN state dict (``.pth``): CleanRL's own QNetwork with random weights
  (:mod:`tests.foreign_helpers`), saved as CleanRL saves it;
* an ``.onnx`` model: that network exported by ``torch.onnx.export`` at opset 17;
* a ``.safetensors`` checkpoint of the game's own: a copy of the shipped linear agent.

The four expected names are what the game calls each one.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
import stable_baselines3
import torch

from cartpole_game.agents import shipped_path
from tests.foreign_helpers import CleanRLQNetwork, scramble

SB3_VERSION = ".".join(stable_baselines3.__version__.split(".")[:2])
NAMES = {
    "sb3": f"PPO (SB3 {SB3_VERSION}) · ppo-CartPole-v1.zip",
    "cleanrl": "DQN (CleanRL) · dqn.pth",
    "onnx": "ONNX · dqn.onnx",
    "safetensors": "my-linear",
}
FORMATS = tuple(NAMES)


def make_agent_files(folder: Path) -> dict[str, Path]:
    """The four files in ``folder``, by format."""
    from stable_baselines3 import PPO

    folder.mkdir(parents=True, exist_ok=True)
    ppo = PPO("MlpPolicy", "CartPole-v1", n_steps=64, batch_size=32, n_epochs=1, seed=0)
    ppo.learn(64)
    ppo.save(folder / "ppo-CartPole-v1.zip")
    network = scramble(CleanRLQNetwork(), seed=0)
    torch.save(network.state_dict(), folder / "dqn.pth")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            network,
            (torch.zeros(1, 4),),
            str(folder / "dqn.onnx"),
            opset_version=17,
            input_names=["obs"],
            dynamic_axes={"obs": {0: "batch"}},
            dynamo=False,
        )
    shutil.copyfile(shipped_path("linear"), folder / "my-linear.safetensors")
    return {
        "sb3": folder / "ppo-CartPole-v1.zip",
        "cleanrl": folder / "dqn.pth",
        "onnx": folder / "dqn.onnx",
        "safetensors": folder / "my-linear.safetensors",
    }


@pytest.fixture(scope="session")
def agent_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_agent_files(tmp_path_factory.mktemp("agent-files"))
