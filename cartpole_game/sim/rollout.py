"""Many CartPole episodes played side by side in numpy, until each ends or reaches the limit.

The one batched rollout: greedy evaluation and the linear search both play through it. Each step
advances only the episodes still running, with :func:`physics.step_batch` (bit for bit the
single-environment step), so a batch is exactly ``n`` CartPole episodes without a Python loop
over them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cartpole_game.sim import physics
from cartpole_game.sim.actions import force_table

# (k, 4) float32 observations of the episodes still running, and their (k,) row numbers in the
# batch (so a policy can hold one set of weights per episode) -> (k,) actions.
BatchPolicy = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class BatchOutcome:
    returns: np.ndarray  # (n,) CartPole-v1's return: 1 per step, the terminating one included
    max_abs_x: np.ndarray  # (n,) the furthest the cart got from the centre, in metres
    steps: int  # environment steps taken, over all episodes


def rollout_batch(
    policy: BatchPolicy, starts: np.ndarray, params: physics.CartPoleParams = physics.CARTPOLE_V1
) -> BatchOutcome:
    """Play one episode from each row of ``starts`` (an ``(n, 4)`` array) under ``policy``."""
    states = np.array(starts, dtype=np.float64)
    n = len(states)
    forces = force_table(params)
    alive = np.ones(n, dtype=bool)
    returns = np.zeros(n)
    max_abs_x = np.zeros(n)
    steps = 0
    for _ in range(params.max_episode_steps):
        rows = np.flatnonzero(alive)
        if rows.size == 0:
            break
        actions = np.asarray(policy(states[rows].astype(np.float32), rows), dtype=np.int64)
        nxt = physics.step_batch(states[rows], forces[actions], params)
        states[rows] = nxt
        returns[rows] += 1.0
        max_abs_x[rows] = np.maximum(max_abs_x[rows], np.abs(nxt[:, 0]))
        steps += rows.size
        alive[rows[physics.terminal_mask(nxt, params)]] = False
    return BatchOutcome(returns, max_abs_x, steps)
