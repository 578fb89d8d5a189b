"""Handicaps for an agent side: controller wrappers that make it see late or act sloppily.

No pygame. ``DelayedController`` acts on the observation of ``k`` steps ago (a reaction delay);
``NoisyController`` replaces each action, with probability ``p``, by a random push, from its own
seeded generator so a handicapped match replays the same. Both keep the wrapped controller's
name and kind, so tables and summaries name the agent as before; ``handicap`` says what it is.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from cartpole_game.sim.actions import PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.controllers import Controller


@dataclass(frozen=True)
class Handicap:
    """``kind`` "delay" (``amount``: steps, an int ≥ 1) or "noise" (``amount``: 0 < p ≤ 1)."""

    kind: str
    amount: float

    def __str__(self) -> str:
        if self.kind == "delay":
            return f"sees {int(self.amount)} steps late"
        return f"{self.amount:.0%} random pushes"


def parse_handicap(text: str) -> Handicap:
    """``delay:K`` (K whole steps, 1…50) or ``noise:P`` (a probability, 0 < P ≤ 1)."""
    kind, _, value = text.partition(":")
    try:
        if kind == "delay":
            steps = int(value)
            if 1 <= steps <= 50:
                return Handicap("delay", steps)
        elif kind == "noise":
            p = float(value)
            if 0.0 < p <= 1.0:
                return Handicap("noise", p)
    except ValueError:
        pass
    raise ValueError(f"expected delay:K (1–50 steps) or noise:P (0 < P ≤ 1), not {text!r}")


class DelayedController:
    """``inner`` acting on the observation of ``delay`` steps ago (the first one until then)."""

    def __init__(self, inner: Controller, delay: int) -> None:
        if delay < 1:
            raise ValueError("a delay is at least one step")
        self.inner = inner
        self.delay = delay
        self.name = inner.name
        self.kind = getattr(inner, "kind", "")
        self.handicap = Handicap("delay", delay)
        self._seen: deque[np.ndarray] = deque(maxlen=delay + 1)

    def _late(self, observation: np.ndarray) -> np.ndarray:
        """The observation acted on if ``observation`` came now, without remembering it."""
        window = [*self._seen, observation][-(self.delay + 1) :]
        return window[0]

    def act(self, observation: np.ndarray) -> int:
        self._seen.append(np.array(observation, copy=True))
        return self.inner.act(self._seen[0])

    def action_values(self, observation: np.ndarray) -> np.ndarray | None:
        """The wrapped agent's values for the observation it would act on now."""
        explain = getattr(self.inner, "action_values", None)
        return explain(self._late(observation)) if explain is not None else None

    def reset(self) -> None:
        self._seen.clear()
        self.inner.reset()


class NoisyController:
    """``inner``, except that with probability ``p`` a step pushes a random way instead."""

    def __init__(self, inner: Controller, p: float, seed: int = 0) -> None:
        if not 0.0 < p <= 1.0:
            raise ValueError("the noise is a probability above 0")
        self.inner = inner
        self.p = p
        self.name = inner.name
        self.kind = getattr(inner, "kind", "")
        self.handicap = Handicap("noise", p)
        self._rng = np.random.default_rng(seed)

    def act(self, observation: np.ndarray) -> int:
        action = self.inner.act(observation)
        if self._rng.random() < self.p:
            return int(self._rng.choice((PUSH_LEFT, PUSH_RIGHT)))
        return action

    def action_values(self, observation: np.ndarray) -> np.ndarray | None:
        explain = getattr(self.inner, "action_values", None)
        return explain(observation) if explain is not None else None

    def reset(self) -> None:
        self.inner.reset()


def handicapped(inner: Controller, handicap: Handicap, seed: int = 0) -> Controller:
    """``inner`` with ``handicap``."""
    if handicap.kind == "delay":
        return DelayedController(inner, int(handicap.amount))
    return NoisyController(inner, handicap.amount, seed=seed)
