"""A simulated human player: how hard is each level for a person at the keys?

``python play.py bench --only human`` lets this player play every level of the ladder and
reports the share of wins; the ladder in :mod:`cartpole_game.sim.levels` is ordered by it.

What it models, and why each number (:class:`PlayerModel` holds them, fixed for every level):

- **It sees late.** What it acts on is the state ``reaction_delay_s`` = 0.2 s of *real* time ago,
  a typical visual-motor reaction time for a tracking task. At time scale ``s`` (0.5 = slow
  motion) that is ``0.2·s`` s of game time, ``0.2·s / tau`` physics steps rounded (halves up):
  10 steps at 1x, 5 at 0.5x. Slow motion helps a person exactly this way: the same reaction covers less game time.
- **It sees with noise.** Each look adds Gaussian noise: ``angle_noise`` = 0.01 rad (about 0.6°,
  a few pixels at the tip of the pole on screen) to the angle, and ``angular_velocity_noise`` =
  0.05 rad/s (3°/s) to the angular velocity *as it looks on screen* (in real time; the game-time value is
  that divided by ``s``). Judging a speed by eye is rougher than judging a tilt.
- **It holds a key at least ``hold_min_s``** = 60 ms of real time, a quick tap:
  ``ceil(0.06·s / tau)`` steps, at least one (3 steps at 1x, 2 at 0.5x). Having pressed, it keeps
  the key that long whatever it sees; then it decides again each step.
- **It pushes by a rule with a dead band.** It predicts the lean ``lookahead_s`` = 0.6 s of real
  time ahead from what it sees (the angle plus the on-screen angular velocity times 0.6 s): its
  own 0.2 s of delay plus 0.4 s. Of 0.25 to 1 s, about 0.6 s served this rule best on levels of
  middling difficulty, as a practised player would have learned; shorter over-corrects. It aims for the pole to lean slightly toward the middle
  of the track (``position_gain`` = 0.02 rad per metre off centre and ``velocity_gain`` = 0.05 rad
  per m/s of on-screen cart speed, so the cart drifts back instead of running off the track; a
  person does watch the cart) and pushes toward the side the pole will lean to. When the
  predicted lean is within ``dead_band`` = 0.03 rad (under 2°, about as well as one judges a
  pole to be upright) of that aim, it presses nothing: no key, no force.

These are the numbers of an attentive, practised player, not a perfect one, and they are the same
on every level: the levels are tuned, never the player. On CartPole-v1 at 1x the delay is 10
steps, a quarter of the time an untouched pole takes to fall, and a 60 ms tap of 10 N already turns the pole
by about 0.9 rad/s before the player can see it: this player survives about 20 steps on average
(fewer than not pushing at all, about 40: over-correcting late is what a 0.2 s reaction does
there) and never reaches 500. In slow motion the same reaction covers less game time, and softer
pushes (a smaller ``force_mag``) over-correct less; the easy levels use both.

Numpy only: no pygame, no torch.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass

import numpy as np

from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.arena import Arena, EndReason
from cartpole_game.sim.disturbances import Disturbances
from cartpole_game.sim.levels import Level

_EPS = 1e-9  # keeps 0.06 * 1.0 / 0.02 = 2.9999999999999996 from rounding the wrong way


@dataclass(frozen=True)
class PlayerModel:
    """The simulated player's numbers; times in seconds of real time (see the module docstring)."""

    reaction_delay_s: float = 0.2
    hold_min_s: float = 0.06
    angle_noise: float = 0.01  # rad, std of each look at the angle
    angular_velocity_noise: float = 0.05  # rad/s on screen (real time), std of each look
    lookahead_s: float = (
        0.6  # real seconds: lean predicted = angle + on-screen ang. velocity * this
    )
    position_gain: float = 0.02  # rad of aimed lean toward the middle per metre off centre
    velocity_gain: float = 0.05  # rad of aimed lean against the cart's on-screen speed, per m/s
    dead_band: float = 0.03  # rad: a predicted lean this close to the aim needs no push

    def delay_steps(self, time_scale: float, tau: float) -> int:
        """Physics steps between a state and the player acting on it (at least 0)."""
        return max(0, math.floor(self.reaction_delay_s * time_scale / tau + 0.5 + _EPS))

    def hold_steps(self, time_scale: float, tau: float) -> int:
        """Physics steps a press lasts at least (at least 1)."""
        return max(1, math.ceil(self.hold_min_s * time_scale / tau - _EPS))


HUMAN_MODEL = PlayerModel()


class SimulatedPlayer:
    """A controller that plays like :class:`PlayerModel` says a person does, at one time scale."""

    name = "simulated player"

    def __init__(
        self,
        model: PlayerModel = HUMAN_MODEL,
        time_scale: float = 1.0,
        tau: float = 0.02,
        seed: int = 0,
    ) -> None:
        self.model = model
        self.time_scale = time_scale
        self.delay = model.delay_steps(time_scale, tau)
        self.hold = model.hold_steps(time_scale, tau)
        self.rng = np.random.default_rng(seed)
        self._seen: deque[np.ndarray] = deque(maxlen=self.delay + 1)
        self._key = NO_PUSH
        self._held_for = 0  # steps the current key has been down

    def reset(self) -> None:
        """A new episode: nothing seen yet, no key down (the noise stream goes on)."""
        self._seen.clear()
        self._key = NO_PUSH
        self._held_for = 0

    def act(self, observation: np.ndarray) -> int:
        # What the player acts on now is the observation ``delay`` steps ago; in the first
        # ``delay`` steps of an episode it is still reacting to the start and presses nothing.
        self._seen.append(np.asarray(observation, dtype=np.float64).copy())
        noise = self.rng.normal(size=2)
        if len(self._seen) <= self.delay:
            return NO_PUSH
        if self._key != NO_PUSH and self._held_for < self.hold:
            self._held_for += 1
            return self._key
        wanted = self.decide(self._seen[0], noise)
        if wanted == self._key:
            self._held_for += 1
        else:
            self._key = wanted
            self._held_for = 1
        return self._key

    def noiseless_action(self, observation: np.ndarray) -> int:
        """What :meth:`act` would return on ``observation`` if its looks had no noise: the same
        late view, the same key held. Call it before ``act``; it changes nothing. No copy of the
        player that lacks its noise (a clone, however much it remembers) can agree with it more
        often than this does."""
        seen = [*self._seen, np.asarray(observation, dtype=np.float64)][-(self.delay + 1) :]
        if len(seen) <= self.delay:
            return NO_PUSH
        if self._key != NO_PUSH and self._held_for < self.hold:
            return self._key
        return self.decide(seen[0], np.zeros(2))

    def decide(self, seen: np.ndarray, noise: np.ndarray) -> int:
        """The rule, on one (late) observation and two standard-normal draws for the noise."""
        m = self.model
        s = self.time_scale
        x, x_dot, theta, theta_dot = (float(v) for v in seen)
        angle = theta + m.angle_noise * noise[0]
        spin = theta_dot * s + m.angular_velocity_noise * noise[1]  # rad/s as seen on screen
        lean = angle + m.lookahead_s * spin
        aim = -(m.position_gain * x + m.velocity_gain * x_dot * s)  # lean a little to the middle
        error = lean - aim
        if error > m.dead_band:
            return PUSH_RIGHT
        if error < -m.dead_band:
            return PUSH_LEFT
        return NO_PUSH


@dataclass(frozen=True)
class LevelResult:
    """How the simulated player did on one level."""

    level: Level
    steps: tuple[int, ...]  # steps survived, per episode
    wins: int  # episodes that reached the level's goal

    @property
    def episodes(self) -> int:
        return len(self.steps)

    @property
    def win_share(self) -> float:
        return self.wins / self.episodes if self.episodes else 0.0

    @property
    def median_steps(self) -> float:
        return float(statistics.median(self.steps)) if self.steps else 0.0


def play_level(
    level: Level, episodes: int = 100, seed: int = 0, model: PlayerModel = HUMAN_MODEL
) -> LevelResult:
    """The simulated player plays ``level`` ``episodes`` times, with its wind and pokes.

    Deterministic given ``seed``: episode k starts from the arena's seed ``seed + k``, its
    disturbances and the player's noise come from generators seeded by ``seed`` too.
    """
    params = level.params
    player = SimulatedPlayer(model, level.time_scale, params.tau, seed=seed)
    arena = Arena(player, seed=seed, params=params)
    disturbance_seeds = np.random.SeedSequence([seed, 1]).generate_state(max(episodes, 1))
    steps: list[int] = []
    wins = 0
    for episode in range(episodes):
        if episode:
            arena.reset()
        disturbances = Disturbances(int(disturbance_seeds[episode]), schedule=level.disturbances)
        while not arena.done:
            poke = disturbances.scheduled_poke(len(arena.log.actions))
            if poke:
                arena.poke(poke)
            arena.step(disturbances.next_wind())
        steps.append(arena.score)
        wins += arena.end_reason is EndReason.MAX_STEPS
    return LevelResult(level=level, steps=tuple(steps), wins=wins)
