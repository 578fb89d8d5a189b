"""The LQR agent: a classical controller computed from the level's own physics. Numpy only.

It is the reference every learned agent is measured against (``eval --suite robust``).

- **Linearise** gymnasium's Euler step at upright (all four state variables 0, no force). The
  game's physics *is* the discrete map ``s' = s + tau·f(s, F)``, so its exact linearisation is
  ``A = I + tau·∂f/∂s`` and ``B = tau·∂f/∂F``, with ``∂f`` the continuous Jacobian, worked out
  below by hand (the tests compare it with finite differences of :func:`physics.step`). This is
  the Euler discretisation, and here it is not an approximation: a zero-order-hold
  discretisation of the continuous system would describe dynamics the game does not run.
- **Solve** the discrete algebraic Riccati equation ``P = Q + AᵀPA − AᵀPB(R + BᵀPB)⁻¹BᵀPA`` by
  iterating it from ``P = Q`` until it stops changing (no scipy needed), with ``Q = I`` and
  ``R = 1`` by default (state in SI units, the force in newtons).
- **Act:** the command is ``u = −K·s`` newtons, ``K = (R + BᵀPB)⁻¹BᵀPA``. Bang-bang, it pushes
  right when ``u > 0`` and left otherwise (ties go left, as the linear policy's do). On a level
  whose pushes may be partial (a gamepad's stick pushes in proportion there) it pushes with
  ``u / force_mag`` of the full force, clipped to ±1.

Its ``action_values`` are ``[−u, u]``: the push it asks for, which the decision panel shows.
"""

from __future__ import annotations

import numpy as np

from cartpole_game.agents.kind import AgentKind
from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.physics import CARTPOLE_V1, CartPoleParams

RICCATI_TOLERANCE = 1e-11  # relative change of P between iterations at which it has converged
RICCATI_MAX_ITERATIONS = 200_000


def linearise(params: CartPoleParams = CARTPOLE_V1) -> tuple[np.ndarray, np.ndarray]:
    """``(A, B)``: the one-step map of :func:`physics.step` linearised at upright, ``s' ≈ As + BF``.

    At ``θ = θ̇ = 0`` gymnasium's accelerations are, to first order (``d = 4/3 − m/M``, ``M`` the
    total mass, ``m`` the pole's, ``l`` its half length)::

        θ̈ = (g·θ − F/M) / (l·d)          ẍ = F/M − (m·l/M)·θ̈
    """
    m, big_m, half = params.masspole, params.total_mass, params.length
    d = 4.0 / 3.0 - m / big_m
    theta_from_theta = params.gravity / (half * d)
    theta_from_force = -1.0 / (big_m * half * d)
    x_from_theta = -(m * half / big_m) * theta_from_theta
    x_from_force = 1.0 / big_m - (m * half / big_m) * theta_from_force
    continuous_a = np.array(
        [[0, 1, 0, 0], [0, 0, x_from_theta, 0], [0, 0, 0, 1], [0, 0, theta_from_theta, 0]],
        dtype=np.float64,
    )
    continuous_b = np.array([0.0, x_from_force, 0.0, theta_from_force])
    return np.eye(4) + params.tau * continuous_a, params.tau * continuous_b[:, None]


def solve_riccati(a: np.ndarray, b: np.ndarray, q: np.ndarray, r: np.ndarray) -> np.ndarray:
    """The stabilising solution ``P`` of the discrete algebraic Riccati equation, by iteration.

    Iterating ``P ← Q + AᵀPA − AᵀPB(R + BᵀPB)⁻¹BᵀPA`` from ``P = Q`` is value iteration of the
    infinite-horizon cost: for a controllable ``(A, B)`` it converges to the stabilising solution.
    ``ValueError`` if it has not within :data:`RICCATI_MAX_ITERATIONS`.
    """
    p = q.copy()
    for _ in range(RICCATI_MAX_ITERATIONS):
        bt_p = b.T @ p
        gain = np.linalg.solve(r + bt_p @ b, bt_p @ a)
        following = q + a.T @ p @ a - a.T @ p @ b @ gain
        following = (following + following.T) / 2  # keep it symmetric against rounding
        if np.max(np.abs(following - p)) <= RICCATI_TOLERANCE * max(1.0, np.max(np.abs(p))):
            return following
        p = following
    raise ValueError("the Riccati iteration did not converge")


def lqr_gain(
    params: CartPoleParams = CARTPOLE_V1,
    q: np.ndarray | None = None,
    r: float = 1.0,
) -> np.ndarray:
    """The gain ``K`` (shape ``(4,)``) of the command ``u = −K·s`` newtons; ``Q = I`` by default."""
    a, b = linearise(params)
    q_matrix = np.eye(4) if q is None else np.asarray(q, dtype=np.float64)
    r_matrix = np.array([[float(r)]])
    p = solve_riccati(a, b, q_matrix, r_matrix)
    return np.linalg.solve(r_matrix + b.T @ p @ b, b.T @ p @ a)[0]


class LQRPolicy:
    """``u = −K·s`` for the physics it was last fitted to (CartPole-v1 until then).

    ``use_physics(params, analog)`` recomputes ``K`` for another level (the arena calls it);
    with ``analog`` it pushes in proportion to ``u`` (``force_fraction``), else bang-bang.
    """

    kind = "lqr"

    def __init__(
        self,
        name: str = "lqr",
        params: CartPoleParams = CARTPOLE_V1,
        analog: bool = False,
        q: np.ndarray | None = None,
        r: float = 1.0,
    ) -> None:
        self.name = name
        self.q = None if q is None else np.asarray(q, dtype=np.float64)
        self.r = float(r)
        self.params = params
        self.analog = analog
        self.gain = lqr_gain(params, self.q, self.r)
        self._fraction: float | None = None

    def use_physics(self, params: CartPoleParams, analog: bool) -> None:
        if params != self.params:
            self.gain = lqr_gain(params, self.q, self.r)
            self.params = params
        self.analog = analog

    def command(self, observation: np.ndarray) -> float:
        """``u``: the force it asks for, in newtons (positive: to the right)."""
        return float(self.commands_batch(np.asarray(observation)[None, :])[0])

    def commands_batch(self, observations: np.ndarray) -> np.ndarray:
        """``u`` for each row of an ``(n, 4)`` batch (float64 newtons)."""
        return -(np.asarray(observations, dtype=np.float64) @ self.gain)

    def act(self, observation: np.ndarray) -> int:
        u = self.command(observation)
        self._fraction = None
        if not self.analog:
            return PUSH_RIGHT if u > 0 else PUSH_LEFT
        fraction = float(np.clip(u / self.params.force_mag, -1.0, 1.0))
        if fraction == 0.0:
            return NO_PUSH
        self._fraction = fraction
        return PUSH_RIGHT if fraction > 0 else PUSH_LEFT

    def force_fraction(self) -> float | None:
        """The share of the full force the last action pushes with (None: all of it)."""
        return self._fraction

    def act_batch(self, observations: np.ndarray) -> np.ndarray:
        """Bang-bang actions for an ``(n, 4)`` batch (the sign of ``u``)."""
        return (self.commands_batch(observations) > 0).astype(np.int64)

    def push_fractions_batch(self, observations: np.ndarray) -> np.ndarray:
        """The signed share of the full force for each row of an ``(n, 4)`` batch, as it
        pushes now: ``u / force_mag`` clipped to ±1 when analog, else ±1 by the sign of u."""
        u = self.commands_batch(observations)
        if self.analog:
            return np.clip(u / self.params.force_mag, -1.0, 1.0)
        return np.where(u > 0, 1.0, -1.0)

    def action_values(self, observation: np.ndarray) -> np.ndarray:
        u = self.command(observation)
        return np.array([-u, u], dtype=np.float32)

    def reset(self) -> None:
        self._fraction = None


KIND = AgentKind(
    name="lqr",
    summary="an LQR controller computed from the level's physics: the classical reference",
    value_label="command u",
    plain="the push it asks for: positive means right, and how hard",
    build=LQRPolicy,
)
