"""Agent files from other libraries for the screen states and the layout test, made here without
those libraries: an SB3 2.4 PPO zip laid out as SB3 saves one (``data`` JSON, ``policy.pth``,
``_stable_baselines3_version``), so the game names it "PPO (SB3 2.4) · ppo-CartPole-v1.zip".

Its network is SB3's default PPO policy (4-64-64-2 with Tanh, and the value net beside it) with
weights that make it the shipped linear policy, smoothed: the first unit of each hidden layer
carries ``tanh(k·(w·s + b))``, the logits are ``∓`` that, so it pushes as the linear rule does
(and balances) and is sure in proportion. Only torch's own ``torch.save`` writes ``policy.pth``.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import torch

from cartpole_game.agents import load_agent
from cartpole_game.agents.linear import LinearPolicy

HIDDEN = 64
SHARPNESS = 3.0  # k: a typical score of 0.3 gives about 70/30, a clear one 95/5


def _ppo_state_dict() -> dict[str, torch.Tensor]:
    linear = load_agent("linear")
    assert isinstance(linear, LinearPolicy)
    zeros = {
        "mlp_extractor.policy_net.0": (HIDDEN, 4),
        "mlp_extractor.policy_net.2": (HIDDEN, HIDDEN),
        "mlp_extractor.value_net.0": (HIDDEN, 4),
        "mlp_extractor.value_net.2": (HIDDEN, HIDDEN),
        "action_net": (2, HIDDEN),
        "value_net": (1, HIDDEN),
    }
    state: dict[str, torch.Tensor] = {}
    for prefix, shape in zeros.items():
        state[f"{prefix}.weight"] = torch.zeros(shape)
        state[f"{prefix}.bias"] = torch.zeros(shape[0])
    weights = torch.from_numpy(np.asarray(linear.weights, dtype=np.float32))
    state["mlp_extractor.policy_net.0.weight"][0] = SHARPNESS * weights
    state["mlp_extractor.policy_net.0.bias"][0] = SHARPNESS * linear.bias
    state["mlp_extractor.policy_net.2.weight"][0, 0] = 2.0
    state["action_net.weight"][:, 0] = torch.tensor([-1.5, 1.5])
    return state


def _data() -> dict[str, object]:
    """The parts of SB3's ``data`` JSON the game reads (the pickled entries are stand-ins)."""
    stand_in = "gAWVAAAAAAAAAAA="
    return {
        "policy_class": {
            ":type:": "<class 'abc.ABCMeta'>",
            ":serialized:": stand_in,
            "__module__": "stable_baselines3.common.policies",
        },
        "policy_kwargs": {},
        "observation_space": {
            ":type:": "<class 'gymnasium.spaces.box.Box'>",
            ":serialized:": stand_in,
            "dtype": "float32",
            "_shape": [4],
        },
        "action_space": {
            ":type:": "<class 'gymnasium.spaces.discrete.Discrete'>",
            ":serialized:": stand_in,
            "n": "2",
            "_shape": [],
            "dtype": "int64",
        },
        "n_steps": 32,
        "gae_lambda": 0.8,
        "clip_range": {":type:": "<class 'function'>", ":serialized:": stand_in},
    }


def write_sb3_ppo_zip(folder: Path, name: str = "ppo-CartPole-v1.zip") -> Path:
    """An SB3 2.4 PPO agent in ``folder/name``; its path."""
    folder.mkdir(parents=True, exist_ok=True)
    policy = io.BytesIO()
    torch.save(_ppo_state_dict(), policy)
    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data", json.dumps(_data(), indent=4))
        archive.writestr("policy.pth", policy.getvalue())
        archive.writestr("_stable_baselines3_version", "2.4.0")
    return path
