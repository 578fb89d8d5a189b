"""CartPole-v1 dynamics as a pure function of state and force.

The constants and the Euler step are those of gymnasium's ``CartPoleEnv``, written with the same
numpy operations in the same order so that results match it bit for bit. The functions work on
scalars and, unchanged, on numpy arrays of many states at once (the vectorised trainers use that).
No pygame and no torch here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

import numpy as np


@dataclass(frozen=True)
class CartPoleParams:
    """Physical constants of CartPole-v1 (SI units)."""

    gravity: float = 9.8
    masscart: float = 1.0
    masspole: float = 0.1
    length: float = 0.5  # half the pole's length, as in gymnasium
    force_mag: float = 10.0
    tau: float = 0.02  # seconds per step
    theta_threshold: float = 12 * 2 * math.pi / 360
    x_threshold: float = 2.4
    max_episode_steps: int = 500

    @property
    def total_mass(self) -> float:
        return self.masspole + self.masscart

    @property
    def polemass_length(self) -> float:
        return self.masspole * self.length


CARTPOLE_V1 = CartPoleParams()
START_HALF_WIDTH = 0.05  # CartPole-v1 starts every state component uniformly in ±0.05
SOLVED_MEAN = 475.0  # CartPole-v1's reward threshold: solved means a mean return of at least this


class State(NamedTuple):
    """Cart position (m), cart velocity (m/s), pole angle (rad, 0 = upright), angular velocity."""

    x: float
    x_dot: float
    theta: float
    theta_dot: float


# A state as a :class:`State` or as a numpy array of its four components.
StateLike = State | np.ndarray
# One number, or (for the batch step) one number per state.
_Num = TypeVar("_Num", float, np.ndarray)


def _euler(
    x: _Num, x_dot: _Num, theta: _Num, theta_dot: _Num, force: _Num, params: CartPoleParams
) -> tuple[_Num, _Num, _Num, _Num]:
    """The Euler step on scalars or, elementwise, on arrays (gymnasium's operations and order)."""
    costheta = np.cos(theta)
    sintheta = np.sin(theta)
    total_mass = params.total_mass
    polemass_length = params.polemass_length
    temp = (force + polemass_length * np.square(theta_dot) * sintheta) / total_mass
    thetaacc = (params.gravity * sintheta - costheta * temp) / (
        params.length * (4.0 / 3.0 - params.masspole * np.square(costheta) / total_mass)
    )
    xacc = temp - polemass_length * thetaacc * costheta / total_mass
    tau = params.tau
    return (
        x + tau * x_dot,
        x_dot + tau * xacc,
        theta + tau * theta_dot,
        theta_dot + tau * thetaacc,
    )


def step(state: StateLike, force: float, params: CartPoleParams = CARTPOLE_V1) -> State:
    """Advance one Euler step of ``params.tau`` seconds under ``force`` newtons (+ pushes right)."""
    x, x_dot, theta, theta_dot = state
    return State(*_euler(x, x_dot, theta, theta_dot, force, params))


def cart_out_of_bounds(x: float, params: CartPoleParams = CARTPOLE_V1) -> bool:
    return bool(x < -params.x_threshold or x > params.x_threshold)


def pole_fallen(theta: float, params: CartPoleParams = CARTPOLE_V1) -> bool:
    return bool(theta < -params.theta_threshold or theta > params.theta_threshold)


def is_terminal(state: StateLike, params: CartPoleParams = CARTPOLE_V1) -> bool:
    """CartPole-v1's termination test: the cart left the track or the pole passed ±12°."""
    return cart_out_of_bounds(state[0], params) or pole_fallen(state[2], params)


def is_finite(state: State) -> bool:
    return all(math.isfinite(float(v)) for v in state)


def terminal_mask(states: np.ndarray, params: CartPoleParams = CARTPOLE_V1) -> np.ndarray:
    """Vectorised ``is_terminal`` for an ``(n, 4)`` array of states."""
    x = states[:, 0]
    theta = states[:, 2]
    return (
        (x < -params.x_threshold)
        | (x > params.x_threshold)
        | (theta < -params.theta_threshold)
        | (theta > params.theta_threshold)
        | ~np.isfinite(states).all(axis=1)
    )


def sample_starts(
    rng: np.random.Generator, count: int, half_width: float | np.ndarray = START_HALF_WIDTH
) -> np.ndarray:
    """``count`` start states, uniform in ``±half_width`` (per component if an array of 4)."""
    return rng.uniform(-half_width, half_width, size=(count, 4))


def step_batch(
    states: np.ndarray, forces: np.ndarray, params: CartPoleParams = CARTPOLE_V1
) -> np.ndarray:
    """``step`` for an ``(n, 4)`` float64 array of states and ``(n,)`` forces; returns a new array."""
    nxt = _euler(states[:, 0], states[:, 1], states[:, 2], states[:, 3], forces, params)
    return np.stack(nxt, axis=1)
