"""Agents trained elsewhere (Stable-Baselines3, RL-Zoo, CleanRL, ONNX), as the game's controllers.

Whatever the file, the agent that plays is a :class:`ForeignPolicy`: a function from a batch of
observations to the network's raw outputs (Q-values, or a policy's logits), whose argmax is the
push — the library's own deterministic choice — and the values the decision panel shows: the
Q-values for DQN and QR-DQN, the action probabilities (softmax of the logits) for PPO and A2C.
Its ``kind`` names one of the registry entries below, which give the panel its words.

The loaders that build these live in :mod:`cartpole_game.agents.foreign_loader`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cartpole_game.agents.kind import AgentKind

Forward = Callable[[np.ndarray], np.ndarray]  # (n, 4) float32 -> (n, 2) raw outputs


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax (the probabilities a categorical policy gives each action)."""
    z = np.asarray(logits, dtype=np.float64)
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return (z / z.sum(axis=-1, keepdims=True)).astype(np.float32)


class ForeignPolicy:
    """A CartPole agent from another library, numpy only at play time.

    ``forward`` maps an ``(n, 4)`` batch to ``(n, 2)`` raw outputs; the action is their argmax
    (ties to the left, as torch's and numpy's argmax both do). ``shown`` turns raw outputs into
    the values ``action_values`` returns (identity for Q-values, softmax for logits).
    """

    def __init__(
        self,
        name: str,
        kind: str,
        forward: Forward,
        shown: Forward | None = None,
        description: str = "",
        hidden: tuple[int, ...] = (),
    ) -> None:
        self.name = name
        self.kind = kind
        self.description = description  # e.g. "PPO 4-64-64-2 tanh", for messages and the bench
        self.hidden = hidden  # the hidden layers' sizes, where the network is known
        self._forward = forward
        self._shown = shown

    def outputs_batch(self, observations: np.ndarray) -> np.ndarray:
        """The network's raw outputs for an ``(n, 4)`` batch: ``(n, 2)`` float32."""
        obs = np.asarray(observations, dtype=np.float32).reshape(-1, 4)
        return np.asarray(self._forward(obs), dtype=np.float32)

    def values_batch(self, observations: np.ndarray) -> np.ndarray:
        """What the decision panel shows for an ``(n, 4)`` batch: ``(n, 2)``."""
        raw = self.outputs_batch(observations)
        return raw if self._shown is None else self._shown(raw)

    def action_values(self, observation: np.ndarray) -> np.ndarray:
        return self.values_batch(np.asarray(observation, dtype=np.float32)[None, :])[0]

    def act(self, observation: np.ndarray) -> int:
        return int(np.argmax(self.outputs_batch(observation)[0]))

    def act_batch(self, observations: np.ndarray) -> np.ndarray:
        return np.argmax(self.outputs_batch(observations), axis=1)

    def reset(self) -> None:
        pass


# The kinds of foreign agent, by what their values are. Never saved as game checkpoints (no
# tensor_shapes), never trained here (no trainer), never named on the command line (a file).
Q_VALUES = AgentKind(
    name="q-network",
    summary="a Q-network trained elsewhere (SB3 or RL-Zoo DQN and QR-DQN, CleanRL DQN)",
    value_label="Q-values",
    plain="how much future balance it expects from each push",
)
PROBABILITIES = AgentKind(
    name="actor-critic",
    summary="a policy network trained elsewhere (SB3 or RL-Zoo PPO and A2C, CleanRL PPO)",
    value_label="probabilities",
    plain="how likely it is to choose each push; it plays the likelier",
)
SCORES = AgentKind(
    name="action-scores",
    summary="a network that scores each push (an ONNX model, an ARS policy)",
    value_label="scores",
    plain="its network's score for each push; the larger one wins",
)
CHOICE_ONLY = AgentKind(
    name="choice-only",
    summary="a model that gives only its push, not its reasons (an ONNX export of actions)",
    value_label="its choice",
    plain="the file gives only the push it picks, not why",
)
KINDS = (Q_VALUES, PROBABILITIES, SCORES, CHOICE_ONLY)
