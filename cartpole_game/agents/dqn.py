"""The DQN agent: its checkpoint architecture and the acting policy (numpy).

Acting never imports torch: the game loads the weights with ``safetensors.numpy`` and runs the
same MLP forward in float32 numpy, so watching an agent starts in a fraction of a second. The
training code builds the torch twin with
:func:`cartpole_game.training.q_network.build_q_network`; both use the tensor names
``layers.{i}.weight`` / ``layers.{i}.bias`` (torch ``nn.Linear`` layout: ``(out, in)``).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cartpole_game.agents.kind import AgentKind, TrainerRef
from cartpole_game.sim.physics import CARTPOLE_V1

DEFAULT_HIDDEN = (64, 64)
TRAIN_STEPS = 50_000  # the DQN trainer's default environment-step budget


def mlp_architecture(hidden: Sequence[int] = DEFAULT_HIDDEN) -> dict[str, Any]:
    """The checkpoint's description of a ``4 -> hidden... -> 2`` ReLU MLP."""
    return {"type": "mlp", "sizes": [4, *[int(h) for h in hidden], 2], "activation": "relu"}


class DQNPolicy:
    """Greedy policy of a Q-network held as numpy arrays. ``action_values`` are the Q-values."""

    kind = "dqn"

    def __init__(self, tensors: Mapping[str, np.ndarray], name: str = "dqn") -> None:
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


def tensor_shapes(architecture: Mapping[str, Any]) -> dict[str, tuple[int, ...]]:
    """The tensor names and shapes a ReLU MLP checkpoint needs."""
    if architecture.get("type") != "mlp" or architecture.get("activation", "relu") != "relu":
        raise ValueError("not a ReLU MLP")
    sizes = [int(s) for s in architecture["sizes"]]
    if len(sizes) < 2 or sizes[0] != 4 or sizes[-1] != 2 or min(sizes) < 1:
        raise ValueError("an MLP for CartPole maps 4 inputs to 2 outputs")
    shapes: dict[str, tuple[int, ...]] = {}
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        shapes[f"layers.{i}.weight"] = (n_out, n_in)
        shapes[f"layers.{i}.bias"] = (n_out,)
    return shapes


def from_tensors(tensors: Mapping[str, np.ndarray], name: str) -> DQNPolicy:
    return DQNPolicy(tensors, name=name)


KIND = AgentKind(
    name="dqn",
    summary="a Double DQN: a small network that rates each push (its Q-values)",
    value_label="Q-values",
    plain="how much future balance it expects from each push",
    tensor_shapes=tensor_shapes,
    from_tensors=from_tensors,
    shipped_file="dqn.safetensors",
    trainer=TrainerRef(
        "cartpole_game.training.dqn", TRAIN_STEPS, CARTPOLE_V1.tau, seeded_by_demos=True
    ),
)
