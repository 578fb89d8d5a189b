"""The clone agent: a small network that plays the way its demonstrations did. Numpy only.

It is trained by behaviour cloning (``python play.py train --algo clone --demos PATH``, or the
menu's "Clone me"): shown what its teacher saw and what the teacher did, step by step, it learns
to pick the same action. Its inputs are normalised with the mean and scale of the observations
it learned from (kept in the checkpoint), then a ReLU MLP gives one score per action.

A clone of a human who sometimes pressed nothing has three actions, as the game does: push left,
push right and no push (:mod:`cartpole_game.sim.actions`), so its ``act`` may answer 2. A clone
whose teacher always pushed has the two of CartPole-v1 and plays gymnasium's own environment.

``action_values`` are the probabilities it gives each action (a softmax of the scores): how
likely it thinks its teacher was to push each way, and then not at all.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from cartpole_game.agents.kind import AgentKind

ARCHITECTURE_TYPE = "clone-mlp"
DEFAULT_HIDDEN = (64, 64)
ACTION_NAMES = ("push_left", "push_right", "no_push")


def clone_architecture(actions: int, hidden: tuple[int, ...] = DEFAULT_HIDDEN) -> dict[str, Any]:
    """The checkpoint's description of a ``4 -> hidden... -> actions`` clone."""
    return {
        "type": ARCHITECTURE_TYPE,
        "sizes": [4, *[int(h) for h in hidden], int(actions)],
        "activation": "relu",
    }


class ClonePolicy:
    """The clone as numpy arrays: normalise, then the MLP; the largest score is the action."""

    kind = "clone"

    def __init__(self, tensors: Mapping[str, np.ndarray], name: str = "clone") -> None:
        self.mean = np.asarray(tensors["input_mean"], dtype=np.float32).copy()
        self.scale = np.asarray(tensors["input_scale"], dtype=np.float32).copy()
        count = sum(1 for key in tensors if key.startswith("layers.")) // 2
        self.layers = [
            (
                np.ascontiguousarray(tensors[f"layers.{i}.weight"], dtype=np.float32).T.copy(),
                np.asarray(tensors[f"layers.{i}.bias"], dtype=np.float32).copy(),
            )
            for i in range(count)
        ]
        self.name = name

    @property
    def actions(self) -> int:
        """How many actions it chooses among: 2 (left, right) or 3 (and no push)."""
        return int(self.layers[-1][1].shape[0])

    def scores_batch(self, observations: np.ndarray) -> np.ndarray:
        """The network's scores (logits) for an ``(n, 4)`` batch: ``(n, actions)`` float32."""
        x = (np.asarray(observations, dtype=np.float32) - self.mean) / self.scale
        for w, b in self.layers[:-1]:
            x = np.maximum(x @ w + b, 0.0)
        w, b = self.layers[-1]
        return x @ w + b

    def act_batch(self, observations: np.ndarray) -> np.ndarray:
        return np.argmax(self.scores_batch(observations), axis=1)

    def act(self, observation: np.ndarray) -> int:
        return int(self.act_batch(np.asarray(observation)[None, :])[0])

    def action_values(self, observation: np.ndarray) -> np.ndarray:
        scores = self.scores_batch(np.asarray(observation)[None, :])[0].astype(np.float64)
        shifted = np.exp(scores - scores.max())
        return (shifted / shifted.sum()).astype(np.float32)

    def reset(self) -> None:
        pass


def tensor_shapes(architecture: Mapping[str, Any]) -> dict[str, tuple[int, ...]]:
    """The tensors a clone checkpoint holds: the input's mean and scale, then the layers."""
    if architecture.get("type") != ARCHITECTURE_TYPE or architecture.get("activation") != "relu":
        raise ValueError("not a clone network")
    sizes = [int(s) for s in architecture["sizes"]]
    if len(sizes) < 2 or sizes[0] != 4 or sizes[-1] not in (2, 3) or min(sizes) < 1:
        raise ValueError("a clone maps 4 inputs to 2 or 3 actions")
    shapes: dict[str, tuple[int, ...]] = {"input_mean": (4,), "input_scale": (4,)}
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        shapes[f"layers.{i}.weight"] = (n_out, n_in)
        shapes[f"layers.{i}.bias"] = (n_out,)
    return shapes


def from_tensors(tensors: Mapping[str, np.ndarray], name: str) -> ClonePolicy:
    return ClonePolicy(tensors, name=name)


KIND = AgentKind(
    name="clone",
    summary="a behaviour clone: a small network that learned to act as its demonstrations did",
    value_label="probabilities",
    plain="how likely its teacher was to push each way",
    tensor_shapes=tensor_shapes,
    from_tensors=from_tensors,
    learns_from_demos=True,
)
