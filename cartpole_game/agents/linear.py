"""The linear policy: push right when ``w·s + b > 0``, else push left. Numpy only."""

from __future__ import annotations

import numpy as np

from cartpole_game.env import PUSH_LEFT, PUSH_RIGHT


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
        return float(np.dot(self.weights, np.asarray(observation, dtype=np.float64)) + self.bias)

    def act(self, observation: np.ndarray) -> int:
        return PUSH_RIGHT if self.score(observation) > 0 else PUSH_LEFT

    def act_batch(self, observations: np.ndarray) -> np.ndarray:
        """Actions for an ``(n, 4)`` batch of observations."""
        scores = np.asarray(observations, dtype=np.float64) @ self.weights + self.bias
        return (scores > 0).astype(np.int64)

    def action_values(self, observation: np.ndarray) -> np.ndarray:
        s = self.score(observation)
        return np.array([-s, s], dtype=np.float32)

    def reset(self) -> None:
        pass
