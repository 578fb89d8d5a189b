"""Many CartPole episodes played side by side in numpy, until each ends or reaches the limit.

The one batched rollout: greedy evaluation and the linear search both play through it. Each step
advances only the episodes still running, with :func:`physics.step_batch` (bit for bit the
single-environment step), so a batch is exactly ``n`` CartPole episodes without a Python loop
over them.

Disturbances come as one :class:`Disturbances` per episode, the game's own: before each step,
that episode's scheduled poke lands on the pole (the policy sees it, as in the game) and its wind
joins the push, exactly as :func:`cartpole_game.sim.versus.play_side_alone` plays a level.
A policy may also push with part of the force: with ``fractions=True`` it returns each row's
signed share of ``force_mag`` instead of an action.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from cartpole_game.sim import physics
from cartpole_game.sim.actions import force_table
from cartpole_game.sim.disturbances import Disturbances

# (k, 4) float32 observations of the episodes still running, and their (k,) row numbers in the
# batch (so a policy can hold one set of weights per episode) -> (k,) actions.
BatchPolicy = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class BatchOutcome:
    returns: np.ndarray  # (n,) CartPole-v1's return: 1 per step, the terminating one included
    max_abs_x: np.ndarray  # (n,) the furthest the cart got from the centre, in metres
    steps: int  # environment steps taken, over all episodes
    left_track: np.ndarray  # (n,) bool: the episode ended with the cart off the track


class DisturbanceSources:
    """One :class:`Disturbances` per episode, drawn from in the game's order, in batches.

    Before each step an episode's scheduled poke is drawn, then its wind. Only the episodes
    that draw anything now are visited one by one (a poke due, or gusts blowing); the others'
    wind is their steady wind, the same all episode. Each episode has its own generator, so
    this draws exactly what visiting every episode in turn would.
    """

    def __init__(self, disturbances: Sequence[Disturbances]) -> None:
        self.sources = disturbances
        self.steady = np.array([d.steady_force for d in disturbances], dtype=np.float64)
        self.gusty = np.array([d.wind_on for d in disturbances], dtype=bool)
        self.every = np.array([d.schedule.poke_every for d in disturbances], dtype=np.int64)

    def step(self, rows: np.ndarray, steps_taken: int) -> tuple[np.ndarray, np.ndarray]:
        """The pokes (rad/s) before the next step of the episodes ``rows``, after
        ``steps_taken`` steps, and that step's wind (N)."""
        pokes = np.zeros(rows.size)
        wind = self.steady[rows]
        if steps_taken:
            every = self.every[rows]
            due = np.flatnonzero((every > 0) & (steps_taken % np.maximum(every, 1) == 0))
            for i in due:
                pokes[i] = self.sources[rows[i]].scheduled_poke(steps_taken)
        for i in np.flatnonzero(self.gusty[rows]):
            wind[i] = self.sources[rows[i]].next_wind()
        return pokes, wind


def rollout_batch(
    policy: BatchPolicy,
    starts: np.ndarray,
    params: physics.CartPoleParams = physics.CARTPOLE_V1,
    disturbances: Sequence[Disturbances] | None = None,
    fractions: bool = False,
) -> BatchOutcome:
    """Play one episode from each row of ``starts`` (an ``(n, 4)`` array) under ``policy``,
    with ``disturbances[i]`` poking and blowing on episode ``i`` if given."""
    states = np.array(starts, dtype=np.float64)
    n = len(states)
    forces = force_table(params)
    alive = np.ones(n, dtype=bool)
    returns = np.zeros(n)
    max_abs_x = np.zeros(n)
    steps = 0
    sources = DisturbanceSources(disturbances) if disturbances is not None else None
    for taken in range(params.max_episode_steps):
        rows = np.flatnonzero(alive)
        if rows.size == 0:
            break
        wind: np.ndarray | float = 0.0
        if sources is not None:
            pokes, wind = sources.step(rows, taken)
            states[rows, 3] += pokes
        with np.errstate(over="ignore"):  # an absurd state overflows float32; the step ends it
            chosen = np.asarray(policy(states[rows].astype(np.float32), rows))
        if fractions:
            push = chosen.astype(np.float64) * params.force_mag
        else:
            push = forces[np.asarray(chosen, dtype=np.int64)]
        with np.errstate(over="ignore", invalid="ignore"):
            nxt = physics.step_batch(states[rows], push + wind, params)
        states[rows] = nxt
        returns[rows] += 1.0
        max_abs_x[rows] = np.maximum(max_abs_x[rows], np.abs(nxt[:, 0]))
        steps += rows.size
        alive[rows[physics.terminal_mask(nxt, params)]] = False
    left_track = np.abs(states[:, 0]) > params.x_threshold
    return BatchOutcome(returns, max_abs_x, steps, left_track & ~alive)
