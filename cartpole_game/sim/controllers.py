"""Who drives the cart: one interface for humans and agents, observation in, action out.

The game loop only ever calls ``act``; it never asks who is driving. Handing control to an agent
in the middle of an episode is swapping one controller for another.

A controller may also push with less than full force (a gamepad's stick on a level that allows
it): then it has ``force_fraction()``, the signed share of ``force_mag`` its last action pushes
with. Its action stays ``PUSH_LEFT``/``PUSH_RIGHT``/``NO_PUSH`` by the sign, so every interface
that reads actions is unchanged; the arena applies and records the fraction.

A controller computed from the physics (an LQR) has ``use_physics(params, analog)``: whatever
is about to drive or explain on some physics calls :func:`fit_to_physics` first (the arena does,
for each controller it is given), so the controller knows the level's parameters and whether it
may push with part of the force.
"""

from __future__ import annotations

import math
from typing import Protocol, runtime_checkable

import numpy as np

from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.physics import CartPoleParams


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


@runtime_checkable
class ProportionalController(Controller, Protocol):
    """A controller that can push with part of the force (an analog stick)."""

    def force_fraction(self) -> float | None:
        """The push of the action ``act`` last returned, as a signed fraction of ``force_mag``
        in [-1, 1] whose sign matches the action; None for a full push (or none)."""
        ...


@runtime_checkable
class PhysicsAwareController(Controller, Protocol):
    """A controller computed from the physics it drives (an LQR: its gain)."""

    def use_physics(self, params: CartPoleParams, analog: bool) -> None:
        """Fit itself to ``params``; ``analog``: it may push with part of the force (through
        ``force_fraction``), as a gamepad's stick may on such a level."""
        ...


def fit_to_physics(controller: object, params: CartPoleParams, analog: bool = False) -> None:
    """Tell ``controller`` the physics it is about to drive or explain, if it wants to know."""
    method = getattr(controller, "use_physics", None)
    if method is not None:
        method(params, analog)


def push_fraction(controller: Controller, action: int) -> float | None:
    """The checked force fraction of ``action``, just returned by ``controller.act``.

    None means the action's full force, as for every controller without ``force_fraction``; a
    fraction of exactly ±1 is a full push too, so it is None as well (the force is the same).
    A fraction that is not finite, outside [-1, 1], zero or against the action's direction is a
    bug in the controller: ``ValueError``.
    """
    method = getattr(controller, "force_fraction", None)
    if method is None:
        return None
    fraction = method()
    if fraction is None:
        return None
    value = float(fraction)
    direction = {PUSH_LEFT: -1.0, PUSH_RIGHT: 1.0}.get(action)
    if direction is None or not math.isfinite(value) or not 0.0 < value * direction <= 1.0:
        raise ValueError(
            f"{controller.name}: force fraction {fraction!r} does not fit action {action!r}"
        )
    return None if abs(value) == 1.0 else value


def action_for_fraction(fraction: float) -> int:
    """The action a signed push fraction is recorded as: its direction."""
    if fraction > 0:
        return PUSH_RIGHT
    if fraction < 0:
        return PUSH_LEFT
    return NO_PUSH


STICK_PUSH_THRESHOLD = 0.5  # on a level without analog pushes, the stick pushes fully past this


class HumanController:
    """Held pushes (keys, d-pad, buttons) and an analog stick.

    While a direction is held it pushes with full force; with none held, no force. If both
    directions are held, the one pressed last wins, as in most games. Every press counts: a tap
    that starts and ends between two physics steps (80 ms apart at 0.25x) still pushes for the
    next step, because the press is latched until a step has acted on it.

    The stick (``set_analog``, already past its dead zone) pushes when nothing is held. With
    ``analog`` True (the level allows it) it pushes in proportion, ``force_fraction()`` of the
    full force; otherwise it acts like a d-pad: past ``STICK_PUSH_THRESHOLD`` a full push.
    """

    name = "human"

    def __init__(self, analog: bool = False) -> None:
        self.analog = analog
        self._held: list[int] = []
        self._tapped: int | None = None  # the last press no step has acted on yet
        self._stick = 0.0  # the stick's deflection in [-1, 1], dead zone already taken off
        self._fraction: float | None = None  # the force fraction of the last action

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

    def set_analog(self, fraction: float) -> None:
        """Where the stick is: -1 (full left) … 1 (full right), its dead zone already removed."""
        value = float(fraction)
        self._stick = max(-1.0, min(1.0, value)) if math.isfinite(value) else 0.0

    @property
    def stick(self) -> float:
        return self._stick

    def release_all(self) -> None:
        """Forget every key, tap and the stick (focus lost, pad unplugged, paused): nothing
        pushes until pressed or moved again."""
        self._held.clear()
        self._tapped = None
        self._stick = 0.0

    def _stick_push(self) -> tuple[int, float | None]:
        """The stick's action and force fraction (None: full force or none)."""
        stick = self._stick
        if self.analog:
            return action_for_fraction(stick), (stick if 0.0 < abs(stick) < 1.0 else None)
        if abs(stick) >= STICK_PUSH_THRESHOLD:
            return action_for_fraction(stick), None
        return NO_PUSH, None

    @property
    def held(self) -> int:
        """The direction held now (a key, a button or the stick), or ``NO_PUSH``."""
        return self._held[-1] if self._held else self._stick_push()[0]

    @property
    def pushing(self) -> bool:
        """Whether the next step will push: something is held, or a tap waits for its step."""
        return self.held != NO_PUSH or self._tapped is not None

    def act(self, observation: np.ndarray) -> int:
        tapped, self._tapped = self._tapped, None
        self._fraction = None
        if self._held:
            return self._held[-1]
        if tapped is not None:
            return tapped
        action, self._fraction = self._stick_push()
        return action

    def force_fraction(self) -> float | None:
        """The stick's share of the force for the action ``act`` last returned (None: full)."""
        return self._fraction

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
