"""Domain randomisation: the disturbances players cause, met while training.

Players poke poles, blow wind and hand over states far from CartPole-v1's tiny starts; an agent
trained only on those starts has never seen any of it. A :class:`Randomisation` says what a
batch of training episodes meets, drawn per episode from the trainer's own generator:

- *wide starts*: a share of the episodes starts with every state variable uniform in
  ``±wide_half_width`` instead of CartPole-v1's ±0.05;
- *pokes*: in a share of the episodes, every step pokes the pole with probability
  ``1 / poke_every``: ``poke_min`` to ``poke_max`` rad/s added to θ̇ (the size uniform, the side
  random),
  landing after the step, so the agent sees it before it acts, as in the game;
- *wind*: in a share of the episodes, a steady force uniform in ``±wind_max`` newtons on the
  cart for the whole episode;
- a level's own wind and pokes (:class:`DisturbanceSchedule`), on every episode, as the level
  plays them (gusts as the same Ornstein-Uhlenbeck drift, drawn here in one batch);
- *a centred cart, an upright pole*: the reward learned from may be shaped,
  ``1 − centre_penalty·(x/x_limit)² − upright_penalty·(θ/θ_limit)²`` per step, so that a policy
  keeps its cart near the middle of the track and its pole near upright, with room to spare
  when a poke comes. Returns are still counted as CartPole-v1 counts them (1 per step), and
  every evaluation uses those.

Numpy only; :class:`cartpole_game.training.vector_env.VectorCartPole` plays it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from cartpole_game.sim.disturbances import NO_DISTURBANCES, DisturbanceSchedule, WindConfig
from cartpole_game.sim.physics import START_HALF_WIDTH, CartPoleParams, sample_starts


@dataclass(frozen=True)
class Randomisation:
    """What training episodes meet besides CartPole-v1's own starts (see the module)."""

    wide_share: float = 0.0
    wide_half_width: float = 0.15
    poke_share: float = 0.0
    poke_every: float = 50.0  # mean steps between pokes in an episode with pokes
    poke_max: float = 0.0  # rad/s
    poke_min: float = 0.0  # rad/s: poke sizes are uniform in [poke_min, poke_max]
    wind_share: float = 0.0
    wind_max: float = 0.0  # newtons of steady wind
    centre_penalty: float = 0.0
    upright_penalty: float = 0.0  # the same for the pole: 1 − ...·(θ/θ_limit)² per step

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    @property
    def any(self) -> bool:
        return bool(
            self.wide_share
            or (self.poke_share and self.poke_max)
            or (self.wind_share and self.wind_max)
            or self.centre_penalty
            or self.upright_penalty
        )

    @property
    def shaped(self) -> bool:
        return bool(self.centre_penalty or self.upright_penalty)

    def penalties(self, states: np.ndarray, params: CartPoleParams) -> np.ndarray:
        """The shaped reward's penalties for the ``(n, 4)`` states just reached."""
        off_centre = np.minimum(np.abs(states[:, 0]) / params.x_threshold, 1.0)
        lean = np.minimum(np.abs(states[:, 2]) / params.theta_threshold, 1.0)
        return self.centre_penalty * off_centre**2 + self.upright_penalty * lean**2


NO_RANDOMISATION = Randomisation()


class VectorDisturbances:
    """The per-episode disturbances of ``n`` environments, drawn from ``rng``."""

    def __init__(
        self,
        n: int,
        rng: np.random.Generator,
        randomisation: Randomisation = NO_RANDOMISATION,
        schedule: DisturbanceSchedule = NO_DISTURBANCES,
    ) -> None:
        self.n, self.rng, self.spec, self.schedule = n, rng, randomisation, schedule
        self.gust_config: WindConfig | None = schedule.wind
        self.poke_size = np.zeros(n)  # this episode's largest poke (0: none)
        self.steady = np.zeros(n)  # this episode's steady wind, newtons
        self.gust = np.zeros(n)

    def starts(self, count: int) -> np.ndarray:
        """``count`` start states: CartPole-v1's, or wide for a share of them."""
        spec = self.spec
        if not spec.wide_share:
            return sample_starts(self.rng, count)
        half = np.full((count, 1), START_HALF_WIDTH)
        half[self.rng.random(count) < spec.wide_share] = spec.wide_half_width
        return self.rng.uniform(-1.0, 1.0, size=(count, 4)) * half

    def reset(self, rows: np.ndarray) -> None:
        """New episodes in ``rows``: draw their poke sizes and winds."""
        spec, k = self.spec, int(rows.size)
        if not k:
            return
        self.gust[rows] = 0.0
        if spec.poke_share and spec.poke_max:
            poked = self.rng.random(k) < spec.poke_share
            self.poke_size[rows] = np.where(poked, spec.poke_max, 0.0)
        if spec.wind_share and spec.wind_max:
            windy = self.rng.random(k) < spec.wind_share
            self.steady[rows] = np.where(windy, self.rng.uniform(-1.0, 1.0, k) * spec.wind_max, 0.0)

    def wind(self) -> np.ndarray:
        """The wind on each cart for the coming step (newtons)."""
        cfg = self.gust_config
        if cfg is None:
            return self.steady
        drift = self.gust * cfg.decay + self.rng.normal(0.0, cfg.noise, self.n)
        self.gust = np.clip(drift, -cfg.max_force, cfg.max_force)
        return self.steady + self.gust

    def pokes(self, lengths: np.ndarray) -> np.ndarray:
        """The pokes (rad/s) landing after the step each episode has just taken (its
        ``lengths`` steps so far): the randomised ones and the level's scheduled ones."""
        out = np.zeros(self.n)
        spec = self.spec
        if spec.poke_share and spec.poke_max:
            due = self.rng.random(self.n) < 1.0 / spec.poke_every
            low = np.minimum(spec.poke_min, self.poke_size)
            size = low + self.rng.random(self.n) * (self.poke_size - low)
            side = np.where(self.rng.random(self.n) < 0.5, -1.0, 1.0)
            out += np.where(due, side * size, 0.0)
        every = self.schedule.poke_every
        if every:
            due = (lengths > 0) & (lengths % every == 0)
            side = np.where(self.rng.random(self.n) < 0.5, -1.0, 1.0)
            out += np.where(due, side * self.schedule.poke_size, 0.0)
        return out
