"""The linear policy: push right when ``w·s + b > 0``, else push left. Numpy only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from cartpole_game.agents.kind import AgentKind, TrainerRef
from cartpole_game.sim.actions import PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.physics import CARTPOLE_V1

LINEAR_ARCHITECTURE = {"type": "linear", "inputs": 4, "bias": True}
TRAIN_STEPS = 5_000_000  # the linear search's default environment-step budget


def linear_scores(
    observations: np.ndarray, weights: np.ndarray, bias: float | np.ndarray = 0.0
) -> np.ndarray:
    """``w·s + b`` for one observation or a batch; ``weights`` is ``(4,)`` or one row per item.

    The one linear decision rule: the policy, its batch and the search's candidates all use it.
    """
    obs = np.asarray(observations, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    return np.einsum("...j,...j->...", obs, w) + bias


def linear_actions(
    observations: np.ndarray, weights: np.ndarray, bias: float | np.ndarray = 0.0
) -> np.ndarray:
    """Push right (1) where the score is positive, else left (0); ties at exactly 0 go left."""
    return (linear_scores(observations, weights, bias) > 0).astype(np.int64)


class LinearPolicy:
    """A controller defined by four weights (one per observation component) and a bias.

    ``action_values(obs)`` returns ``[-score, score]`` with ``score = w·obs + b``: the value of
    pushing right is the score, that of pushing left its opposite, so the larger value is always
    the action ``act`` picks (ties, a score of exactly 0, go left).
    """

    kind = "linear"

    def __init__(self, weights: np.ndarray, bias: float = 0.0, name: str = "linear") -> None:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (4,):
            raise ValueError(f"linear policy weights must have shape (4,), not {w.shape}")
        self.weights = w
        self.bias = float(bias)
        self.name = name

    def score(self, observation: np.ndarray) -> float:
        return float(linear_scores(observation, self.weights, self.bias))

    def act(self, observation: np.ndarray) -> int:
        return PUSH_RIGHT if self.score(observation) > 0 else PUSH_LEFT

    def act_batch(self, observations: np.ndarray) -> np.ndarray:
        """Actions for an ``(n, 4)`` batch of observations."""
        return linear_actions(observations, self.weights, self.bias)

    def action_values(self, observation: np.ndarray) -> np.ndarray:
        s = self.score(observation)
        return np.array([-s, s], dtype=np.float32)

    def reset(self) -> None:
        pass


def tensor_shapes(architecture: Mapping[str, Any]) -> dict[str, tuple[int, ...]]:
    """The tensors a linear checkpoint holds."""
    if architecture.get("type") != "linear":
        raise ValueError("not a linear architecture")
    return {"weights": (4,), "bias": (1,)}


def from_tensors(tensors: Mapping[str, np.ndarray], name: str) -> LinearPolicy:
    return LinearPolicy(tensors["weights"], float(np.ravel(tensors["bias"])[0]), name=name)


KIND = AgentKind(
    name="linear",
    summary="a linear policy: push right when w·s + b > 0",
    value_label="score w·s",
    plain="positive means push right, negative push left",
    tensor_shapes=tensor_shapes,
    from_tensors=from_tensors,
    shipped_file="linear.safetensors",
    # One search iteration is a whole generation: at real-time pace it gets half a second.
    trainer=TrainerRef(
        "cartpole_game.training.linear_search",
        TRAIN_STEPS,
        iteration_seconds=25 * CARTPOLE_V1.tau,
        shows_episodes=False,  # a search plays candidates in batches: no episode to watch
    ),
)
