"""Who drives the cart: one interface for humans and agents, observation in, action out.

The game loop only ever calls ``act``; it never asks who is driving. Handing control to an agent
in the middle of an episode is swapping one controller for another.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT


@runtime_checkable
class Controller(Protocol):
    """Chooses an action for an observation ``[x, x_dot, theta, theta_dot]`` (float32)."""

    name: str

    def act(self, observation: np.ndarray) -> int:
        """Return ``PUSH_LEFT`` (0), ``PUSH_RIGHT`` (1) or, for humans, ``NO_PUSH`` (2)."""
        ...

    def reset(self) -> None:
        """Forget any per-episode state."""
        ...


@runtime_checkable
class ExplainingController(Controller, Protocol):
    """A controller that can show why it acts: one value per action (Q-values, linear scores)."""

    def action_values(self, observation: np.ndarray) -> np.ndarray:
        """Per-action values for ``observation``; ``act`` picks the largest."""
        ...


class HumanController:
    """Keyboard-held pushes. While a direction is held it pushes; with none held, no force.

    If both directions are held, the one pressed last wins, as in most games. Every press counts:
    a tap that starts and ends between two physics steps (80 ms apart at 0.25x) still pushes for
    the next step, because the press is latched until a step has acted on it.
    """

    name = "human"

    def __init__(self) -> None:
        self._held: list[int] = []
        self._tapped: int | None = None  # the last press no step has acted on yet

    def press(self, action: int) -> None:
        if action not in (PUSH_LEFT, PUSH_RIGHT):
            raise ValueError(f"a human can press only left or right, not {action!r}")
        if action in self._held:
            self._held.remove(action)
        self._held.append(action)
        self._tapped = action

    def release(self, action: int) -> None:
        if action in self._held:
            self._held.remove(action)

    def release_all(self) -> None:
        """Forget every key and tap (focus lost, paused): nothing pushes until pressed again."""
        self._held.clear()
        self._tapped = None

    @property
    def held(self) -> int:
        return self._held[-1] if self._held else NO_PUSH

    @property
    def pushing(self) -> bool:
        """Whether the next step will push: a key is held, or a tap is waiting for its step."""
        return bool(self._held) or self._tapped is not None

    def act(self, observation: np.ndarray) -> int:
        tapped, self._tapped = self._tapped, None
        if self._held:
            return self._held[-1]
        return NO_PUSH if tapped is None else tapped

    def reset(self) -> None:
        # Keys physically held across a restart stay held: the next episode starts pushing. A tap
        # made while the last episode was over belongs to no step of the new one.
        self._tapped = None


class ConstantController:
    """Always the same action: handy for tests and demos."""

    def __init__(self, action: int, name: str = "constant") -> None:
        self.action = action
        self.name = name

    def act(self, observation: np.ndarray) -> int:
        return self.action

    def reset(self) -> None:
        pass
