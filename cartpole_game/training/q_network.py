"""The DQN agent's Q-network in torch: the training twin of the numpy :class:`DQNPolicy`.

Only training imports torch; acting runs the same MLP in numpy
(:mod:`cartpole_game.agents.dqn`). Both use the tensor names ``layers.{i}.weight`` /
``layers.{i}.bias`` (torch ``nn.Linear`` layout: ``(out, in)``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn


class QNetwork(nn.Module):
    """Linear layers with ReLU between them, one output per action.

    ``input_scale`` multiplies the observation before the first layer (training is faster when
    the four inputs have similar ranges); it is a non-persistent buffer, so it is not part of
    the ``state_dict``: :func:`network_tensors` folds it into the first layer's weights, and
    checkpoints stay a plain MLP.
    """

    input_scale: torch.Tensor

    def __init__(self, sizes: Sequence[int], input_scale: Sequence[float] | None = None) -> None:
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(sizes))
        scale = torch.ones(sizes[0]) if input_scale is None else torch.tensor(input_scale)
        self.register_buffer("input_scale", scale.float(), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x * self.input_scale
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x))
        out: torch.Tensor = self.layers[-1](x)
        return out


def build_q_network(sizes: Sequence[int], input_scale: Sequence[float] | None = None) -> QNetwork:
    """The torch Q-network for a ``sizes[0] -> ... -> sizes[-1]`` ReLU MLP."""
    return QNetwork(sizes, input_scale)


def network_tensors(net: QNetwork) -> dict[str, np.ndarray]:
    """A numpy float32 copy of a Q-network's weights, named as in checkpoints."""
    tensors = {
        k: v.detach().cpu().numpy().astype(np.float32, copy=True)
        for k, v in net.state_dict().items()
    }
    scale = net.input_scale.detach().cpu().numpy().astype(np.float32)
    tensors["layers.0.weight"] = tensors["layers.0.weight"] * scale[None, :]
    return tensors
