"""Handicaps for an agent side: controller wrappers that make it see late, act seldom or sloppily.

No pygame. ``DelayedController`` acts on the observation of ``k`` steps ago (a reaction delay);
``SlowController`` decides only every ``k`` steps and holds its last push between (a slower action
rate); ``NoisyController`` replaces each action, with probability ``p``, by a random push, from its
own seeded generator so a handicapped match replays the same. Each keeps the wrapped controller's
name and kind, so tables and summaries name the agent as before; ``handicap`` says what it is.
Each passes the physics on to the wrapped controller (an LQR fits its gain to the level), and
pushes with full force: a handicapped side makes no partial pushes.

``FAIR_HANDICAPS`` holds, per level and shipped agent, the handicap against which the simulated
player of :mod:`cartpole_game.sim.player_model` wins closest to half of the rounds:
``python play.py bench --only handicap`` measures it and says whether this table still matches.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from cartpole_game.sim.actions import PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.controllers import Controller, fit_to_physics
from cartpole_game.sim.physics import CartPoleParams

DELAY_STEPS = (1, 50)  # a reaction delay, in steps (0.02 s each)
RATE_STEPS = (2, 25)  # decides every K steps: 2 (25 decisions a second) to 25 (2 a second)


@dataclass(frozen=True)
class Handicap:
    """``kind`` "delay" (``amount``: steps, an int ≥ 1), "rate" (``amount``: steps between
    decisions, an int ≥ 2) or "noise" (``amount``: 0 < p ≤ 1)."""

    kind: str
    amount: float

    def __str__(self) -> str:
        if self.kind == "delay":
            return f"sees {int(self.amount)} steps late"
        if self.kind == "rate":
            return f"acts every {int(self.amount)} steps"
        return f"{self.amount:.0%} random pushes"

    @property
    def spec(self) -> str:
        """How the command line writes it: ``delay:4``, ``rate:4``, ``noise:0.2``."""
        if self.kind == "noise":
            return f"noise:{self.amount:g}"
        return f"{self.kind}:{int(self.amount)}"


def parse_handicap(text: str) -> Handicap:
    """``delay:K`` (K whole steps, 1…50), ``rate:K`` (decides every K steps, 2…25) or
    ``noise:P`` (a probability, 0 < P ≤ 1)."""
    kind, _, value = text.partition(":")
    try:
        if kind in ("delay", "rate"):
            steps = int(value)
            low, high = DELAY_STEPS if kind == "delay" else RATE_STEPS
            if low <= steps <= high:
                return Handicap(kind, steps)
        elif kind == "noise":
            p = float(value)
            if 0.0 < p <= 1.0:
                return Handicap("noise", p)
    except ValueError:
        pass
    raise ValueError(
        f"expected delay:K (1–50 steps), rate:K (2–25 steps) or noise:P (0 < P ≤ 1), not {text!r}"
    )


class _Wrapper:
    """What every handicap wrapper shares: the wrapped controller learns the physics."""

    inner: Controller

    def use_physics(self, params: CartPoleParams, analog: bool) -> None:
        fit_to_physics(self.inner, params, analog=False)  # the wrapper pushes with full force


class DelayedController(_Wrapper):
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


class SlowController(_Wrapper):
    """``inner`` deciding only every ``every`` steps (the first step of an episode, then every
    ``every``-th), holding its last push in between."""

    def __init__(self, inner: Controller, every: int) -> None:
        if every < 2:
            raise ValueError("a slower rate decides at most every second step")
        self.inner = inner
        self.every = every
        self.name = inner.name
        self.kind = getattr(inner, "kind", "")
        self.handicap = Handicap("rate", every)
        self._steps = 0  # steps acted this episode
        self._action = 0
        self._decided_on: np.ndarray | None = None

    def act(self, observation: np.ndarray) -> int:
        if self._steps % self.every == 0:
            self._decided_on = np.array(observation, copy=True)
            self._action = int(self.inner.act(self._decided_on))
        self._steps += 1
        return self._action

    def action_values(self, observation: np.ndarray) -> np.ndarray | None:
        """The wrapped agent's values behind the push it makes now: for ``observation`` when it
        decides this step, else for the observation of its last decision."""
        explain = getattr(self.inner, "action_values", None)
        if explain is None:
            return None
        deciding = self._steps % self.every == 0 or self._decided_on is None
        return explain(observation if deciding else self._decided_on)

    def reset(self) -> None:
        self._steps = 0
        self._decided_on = None
        self.inner.reset()


class NoisyController(_Wrapper):
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
    if handicap.kind == "rate":
        return SlowController(inner, int(handicap.amount))
    return NoisyController(inner, handicap.amount, seed=seed)


# Level number -> shipped agent -> the handicap the simulated player beats closest to half the
# time on that level, None when it already wins half of them against the agent as it is
# (``python play.py bench --only handicap`` remakes it and says whether this table still matches).
FAIR_HANDICAPS: dict[int, dict[str, Handicap | None]] = {
    1: {"dqn": None, "linear": None},  # the player and both agents reach the goal: draws
    # The player's win share against each (50 rounds, a draw counting half): dqn, then linear.
    2: {"dqn": Handicap("noise", 0.4), "linear": Handicap("noise", 0.4)},  # 50%, 51%
    3: {"dqn": Handicap("noise", 0.4), "linear": Handicap("noise", 0.4)},  # 52%, 52%
    4: {"dqn": Handicap("delay", 2), "linear": Handicap("noise", 0.3)},  # 50%, 46%
    5: {"dqn": Handicap("rate", 5), "linear": Handicap("rate", 4)},  # 54%, 47%
    6: {"dqn": Handicap("delay", 4), "linear": Handicap("delay", 5)},  # 49%, 50%
}


def has_fair_handicap(level: int, agent: str) -> bool:
    """Whether the bench measured a fair handicap of ``agent`` (a shipped agent) on ``level``."""
    return agent in FAIR_HANDICAPS.get(level, {})


def fair_handicap(level: int, agent: str) -> Handicap | None:
    """The fair handicap of ``agent`` on ``level``: None when it needs none or none is known."""
    return FAIR_HANDICAPS.get(level, {}).get(agent)
