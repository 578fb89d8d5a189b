"""The DQN agent: its Q-network (a small torch MLP, for training) and the acting policy (numpy).

Acting never imports torch: the game loads the weights with ``safetensors.numpy`` and runs the
same MLP forward in float32 numpy, so watching an agent starts in a fraction of a second. The
training code builds the torch twin with :func:`build_q_network`; both use the tensor names
``layers.{i}.weight`` / ``layers.{i}.bias`` (torch ``nn.Linear`` layout: ``(out, in)``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from torch import nn

DEFAULT_HIDDEN = (64, 64)


def mlp_architecture(hidden: Sequence[int] = DEFAULT_HIDDEN) -> dict[str, Any]:
    """The checkpoint's description of a ``4 -> hidden... -> 2`` ReLU MLP."""
    return {"type": "mlp", "sizes": [4, *[int(h) for h in hidden], 2], "activation": "relu"}


def build_q_network(sizes: Sequence[int], input_scale: Sequence[float] | None = None) -> nn.Module:
    """The torch Q-network: Linear layers with ReLU between them, one output per action.

    ``input_scale`` multiplies the observation before the first layer (training is faster when
    the four inputs have similar ranges); :func:`network_tensors` folds it into the first layer's
    weights, so checkpoints stay a plain MLP.
    """
    import torch
    from torch import nn

    class QNetwork(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(sizes))
            scale = torch.ones(sizes[0]) if input_scale is None else torch.tensor(input_scale)
            self.register_buffer("input_scale", scale.float(), persistent=False)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = x * self.input_scale
            for layer in self.layers[:-1]:
                x = torch.relu(layer(x))
            return self.layers[-1](x)

    return QNetwork()


def network_tensors(net: nn.Module) -> dict[str, np.ndarray]:
    """A numpy float32 copy of a Q-network's weights, named as in checkpoints."""
    tensors = {
        k: v.detach().cpu().numpy().astype(np.float32, copy=True)
        for k, v in net.state_dict().items()
    }
    scale = net.input_scale.detach().cpu().numpy().astype(np.float32)
    tensors["layers.0.weight"] = tensors["layers.0.weight"] * scale[None, :]
    return tensors


class DQNPolicy:
    """Greedy policy of a Q-network held as numpy arrays. ``action_values`` are the Q-values."""

    kind = "dqn"

    def __init__(self, tensors: dict[str, np.ndarray], name: str = "dqn") -> None:
        n_layers = len(tensors) // 2
        self.layers = [
            (
                np.ascontiguousarray(tensors[f"layers.{i}.weight"], dtype=np.float32).T.copy(),
                np.asarray(tensors[f"layers.{i}.bias"], dtype=np.float32).copy(),
            )
            for i in range(n_layers)
        ]
        self.name = name

    def q_values_batch(self, observations: np.ndarray) -> np.ndarray:
        """Q-values for an ``(n, 4)`` batch: an ``(n, 2)`` float32 array."""
        x = np.asarray(observations, dtype=np.float32)
        for w, b in self.layers[:-1]:
            x = np.maximum(x @ w + b, 0.0)
        w, b = self.layers[-1]
        return x @ w + b

    def action_values(self, observation: np.ndarray) -> np.ndarray:
        return self.q_values_batch(np.asarray(observation, dtype=np.float32)[None, :])[0]

    def act(self, observation: np.ndarray) -> int:
        return int(np.argmax(self.action_values(observation)))

    def act_batch(self, observations: np.ndarray) -> np.ndarray:
        return np.argmax(self.q_values_batch(observations), axis=1)

    def reset(self) -> None:
        pass
