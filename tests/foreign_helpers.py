"""Helpers for the tests of agents from other libraries: real CartPole states, CleanRL's networks,
and zip surgery for the hand-made and hostile SB3 files. Fixtures are built by the real libraries
(SB3, sb3-contrib, torch, onnx) inside the tests; nothing is downloaded.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
import torch
from torch import nn

from cartpole_game.agents import load_agent
from cartpole_game.core.errors import FileFormatError

N_STATES = 10_000


def real_states(n: int = N_STATES, seed: int = 0) -> np.ndarray:
    """``n`` observations from real CartPole-v1 episodes: a decent hand-made controller that
    pushes at random half the time, so the episodes are long and wander (leaning poles, carts
    near the edges, fast ones) as well as short."""
    rng = np.random.default_rng(seed)
    env = gym.make("CartPole-v1")
    states: list[np.ndarray] = []
    obs, _ = env.reset(seed=seed)
    while len(states) < n:
        states.append(obs)
        if rng.random() < 0.5:
            action = int(rng.integers(2))
        else:
            action = int(obs[2] + 0.5 * obs[3] + 0.05 * obs[1] > 0)
        obs, _, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            obs, _ = env.reset()
    env.close()
    return np.asarray(states, dtype=np.float32)


class CleanRLQNetwork(nn.Module):
    """CleanRL's ``dqn.py`` QNetwork for CartPole, as it is written there."""

    def __init__(self) -> None:
        super().__init__()
        self.network = nn.Sequential(
            nn.Linear(4, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 2)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.network(x)


class CleanRLAgent(nn.Module):
    """CleanRL's ``ppo.py`` Agent for CartPole: actor and critic, 64-64 with Tanh."""

    def __init__(self) -> None:
        super().__init__()
        self.critic = nn.Sequential(
            nn.Linear(4, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1)
        )
        self.actor = nn.Sequential(
            nn.Linear(4, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 2)
        )


def scramble(module: nn.Module, seed: int, std: float = 0.5) -> nn.Module:
    """Random weights larger than torch's initial ones, so the network's argmax varies."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator) * std)
    return module


def torch_bytes(obj: object) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def zip_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_zip(path: Path, members: dict[str, bytes] | list[tuple[str, bytes]]) -> Path:
    items = members.items() if isinstance(members, dict) else members
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in items:
            archive.writestr(name, data)
    return path


def with_data(path: Path, out: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the SB3 zip ``path`` whose ``data`` JSON ``edit(data)`` changed."""
    members = zip_members(path)
    data = json.loads(members["data"])
    edit(data)
    members["data"] = json.dumps(data, indent=4).encode()
    return write_zip(out, members)


def replace_pickle(torch_file: bytes, payload: bytes) -> bytes:
    """A ``torch.save`` archive whose ``data.pkl`` is ``payload`` (the tensors stay)."""
    source = zipfile.ZipFile(io.BytesIO(torch_file))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            data = payload if info.filename.endswith("/data.pkl") else source.read(info)
            archive.writestr(info, data)
    return out.getvalue()


def refusal(path: Path) -> str:
    """The one-line message ``load_agent`` refuses ``path`` with (which names the file)."""
    with pytest.raises(FileFormatError) as err:
        load_agent(path)
    message = str(err.value)
    assert "\n" not in message and len(message) < 600, message
    assert str(path) in message, message
    return err.value.problem
