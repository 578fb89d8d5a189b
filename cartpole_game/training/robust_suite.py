"""The robustness suite: an agent over fresh seeded episodes in each condition players cause.

``python play.py eval --suite robust`` prints it as a report card; a trainer can select on it.
Numpy only (no torch): any controller plays, batched through its ``act_batch`` where it has one.

**Conditions** (:data:`CONDITIONS`), on a level's own physics and goal, with the level's own wind
and pokes kept unless the condition replaces them:

- *standard*: CartPole-v1's starts, every state variable uniform in ±0.05: the level as it plays;
- *wide starts ±0.15*: all four state variables uniform in ±0.15 (three times as wide: up to
  8.6° of lean, 0.15 rad/s of spin, 0.15 m off centre, 0.15 m/s), as after a player's shove;
- *poke P* (P = 0.5, 1.0, 1.5): after every 50 steps, P rad/s added to θ̇ to a random side (9
  pokes in a 500-step episode); the agent sees the poke before it acts, as in the game;
- *wind 3 N*: a steady 3 N on the cart, to a side drawn per episode, for the whole episode.

Pokes and wind come from the game's own :class:`Disturbances`, through the one batched rollout.

**Seeds.** Episode ``i`` of condition ``c`` (its place in the suite) starts from reset seed
``first_seed + c·SEEDS_PER_CONDITION + i``: its start is what ``CartPoleEnv.reset(seed=...)``
(with the condition's bounds) draws, and its disturbances are seeded by the next draw of that
same generator, as :class:`cartpole_game.sim.levels.LevelEnv` seeds a level's. So the conditions
never share a seed, and each episode can be replayed alone. The report card uses the held-out
block from :data:`HELD_OUT_FIRST_SEED` (10⁹); a trainer that evaluates on the suite while it
trains or selects must pass a ``first_seed`` whose blocks (:func:`condition_seeds`) stay below
it, so that the published figures come from episodes that played no part in training. (The
trainers' batch evaluations seed one generator per evaluation, whose first start is the start of
the reset seed with that number: keeping those seeds below 10⁹ keeps them clear of it too.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from cartpole_game.sim.actions import PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.controllers import Controller, fit_to_physics, push_fraction
from cartpole_game.sim.disturbances import Disturbances, DisturbanceSchedule
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.sim.physics import START_HALF_WIDTH
from cartpole_game.sim.rollout import BatchOutcome, rollout_batch

POKE_EVERY = 50  # steps between the suite's pokes
WIDE_HALF_WIDTH = 0.15
STEADY_WIND = 3.0  # newtons
SEEDS_PER_CONDITION = 1_000_000  # a condition's block of reset seeds (eval allows 100,000 episodes)
HELD_OUT_FIRST_SEED = 1_000_000_000  # the report card's block: training never evaluates here
DEFAULT_EPISODES = 1000  # per condition


@dataclass(frozen=True)
class Condition:
    key: str  # for JSON: "standard", "wide", "poke 1.0", "wind 3"
    label: str  # a column of the report card
    start_half_width: float = START_HALF_WIDTH
    poke: float = 0.0  # rad/s after every POKE_EVERY steps, to a random side; 0: the level's
    steady_wind: float = 0.0  # newtons, to a side drawn per episode; 0: the level's wind

    def schedule(self, level: Level) -> DisturbanceSchedule:
        """The level's own disturbances, with this condition's pokes or wind in their place."""
        schedule = level.disturbances
        if self.poke:
            schedule = replace(schedule, poke_every=POKE_EVERY, poke_size=self.poke)
        if self.steady_wind:
            schedule = replace(schedule, wind_noise=0.0, wind_max=0.0, steady_wind=self.steady_wind)
        return schedule


CONDITIONS: tuple[Condition, ...] = (
    Condition("standard", "standard"),
    Condition("wide", f"wide ±{WIDE_HALF_WIDTH:g}", start_half_width=WIDE_HALF_WIDTH),
    *(Condition(f"poke {p:.1f}", f"poke {p:.1f}", poke=p) for p in (0.5, 1.0, 1.5)),
    Condition(f"wind {STEADY_WIND:g}", f"wind {STEADY_WIND:g} N", steady_wind=STEADY_WIND),
)


def condition_seeds(index: int, episodes: int, first_seed: int = HELD_OUT_FIRST_SEED) -> range:
    """The reset seeds of the condition at ``index`` in the suite."""
    if not 0 < episodes <= SEEDS_PER_CONDITION:
        raise ValueError(f"1 to {SEEDS_PER_CONDITION:,} episodes per condition, not {episodes}")
    start = first_seed + index * SEEDS_PER_CONDITION
    return range(start, start + episodes)


def episode_setup(seed: int, condition: Condition, level: Level) -> tuple[np.ndarray, Disturbances]:
    """The start state and the disturbances of the episode with reset seed ``seed``: the start
    as ``CartPoleEnv.reset(seed=seed)`` draws it, then the disturbances' seed from the same
    generator, as ``LevelEnv`` draws it."""
    rng = np.random.default_rng(seed)
    half = condition.start_half_width
    start = rng.uniform(low=-half, high=half, size=(4,))
    disturbances = Disturbances(int(rng.integers(2**31)), schedule=condition.schedule(level))
    return start, disturbances


@dataclass(frozen=True)
class ConditionResult:
    condition: Condition
    seeds: range
    goal: int  # steps: 500 on CartPole-v1, the level's goal elsewhere
    returns: np.ndarray  # (episodes,) steps survived
    left_track: np.ndarray  # (episodes,) bool: ended with the cart off the track

    @property
    def reached(self) -> float:
        """The share of episodes that reached the goal."""
        return float((self.returns >= self.goal).mean())

    @property
    def mean(self) -> float:
        return float(self.returns.mean())

    @property
    def off_track_share_of_failures(self) -> float | None:
        """Of the episodes that failed, the share that ended with the cart off the track."""
        failed = self.returns < self.goal
        return float(self.left_track[failed].mean()) if failed.any() else None

    def as_dict(self) -> dict[str, object]:
        return {
            "condition": self.condition.key,
            "reached": self.reached,
            "mean": self.mean,
            "episodes": len(self.seeds),
            "seeds": [self.seeds.start, self.seeds.stop - 1],
            "failures_off_track": self.off_track_share_of_failures,
        }


@dataclass(frozen=True)
class RobustReport:
    agent: str
    level: Level
    results: tuple[ConditionResult, ...]

    def result(self, key: str) -> ConditionResult:
        return next(r for r in self.results if r.condition.key == key)

    def as_dict(self) -> dict[str, object]:
        return {
            "agent": self.agent,
            "level": self.level.number,
            "level_name": self.level.name,
            "goal": self.level.goal_steps,
            "conditions": [r.as_dict() for r in self.results],
        }


def _batch_pushes(controller: Controller) -> tuple[Callable[[np.ndarray], np.ndarray], bool] | None:
    """How to play ``controller`` on a whole batch: its pushes as fractions of the full force (an
    LQR on an analog level), or its actions; None when it can only act one observation at a time."""
    fractions = getattr(controller, "push_fractions_batch", None)
    if fractions is not None:
        return fractions, True
    actions = getattr(controller, "act_batch", None)
    return (actions, False) if actions is not None else None


def _one_by_one(controller: Controller, observations: np.ndarray) -> np.ndarray:
    """The signed push fraction ``controller`` makes for the single row of ``observations``."""
    action = int(controller.act(observations[0]))
    fraction = push_fraction(controller, action)
    if fraction is None:
        fraction = {PUSH_RIGHT: 1.0, PUSH_LEFT: -1.0}.get(action, 0.0)
    return np.array([fraction])


def play_episodes(
    controller: Controller, starts: np.ndarray, disturbances: Sequence[Disturbances], level: Level
) -> list[BatchOutcome]:
    """Play one episode per start under ``controller`` on ``level``'s physics: all at once if
    it acts on batches (every agent of the game does), else one after another, reset between."""
    params = level.params
    batch = _batch_pushes(controller)
    if batch is not None:
        policy, fractions = batch
        return [
            rollout_batch(
                lambda obs, _rows: policy(obs), starts, params, disturbances, fractions=fractions
            )
        ]
    outcomes = []
    for start, source in zip(starts, disturbances, strict=True):
        controller.reset()
        outcomes.append(
            rollout_batch(
                lambda obs, _rows: _one_by_one(controller, obs),
                start[None, :],
                params,
                [source],
                fractions=True,
            )
        )
    return outcomes


def run_condition(
    controller: Controller,
    condition: Condition,
    seeds: range,
    level: Level = LEVELS[-1],
) -> ConditionResult:
    """``controller`` over the episodes ``seeds`` of ``condition`` on ``level``."""
    fit_to_physics(controller, level.params, level.analog)
    setups = [episode_setup(seed, condition, level) for seed in seeds]
    starts = np.array([start for start, _ in setups])
    outcomes = play_episodes(controller, starts, [d for _, d in setups], level)
    returns = np.concatenate([o.returns for o in outcomes])
    left = np.concatenate([o.left_track for o in outcomes])
    return ConditionResult(condition, seeds, level.goal_steps, returns, left)


def robust_suite(
    controller: Controller,
    level: Level = LEVELS[-1],
    episodes: int = DEFAULT_EPISODES,
    first_seed: int = HELD_OUT_FIRST_SEED,
    conditions: Sequence[Condition] = CONDITIONS,
) -> RobustReport:
    """``controller`` over ``episodes`` fresh episodes of each condition, on ``level``.

    A condition's place in :data:`CONDITIONS` fixes its seeds, so a subset of them plays the
    very episodes the whole suite would; another condition takes the blocks after the suite's.
    """
    results = []
    for place, condition in enumerate(conditions):
        index = CONDITIONS.index(condition) if condition in CONDITIONS else len(CONDITIONS) + place
        seeds = condition_seeds(index, episodes, first_seed)
        results.append(run_condition(controller, condition, seeds, level))
    return RobustReport(controller.name, level, tuple(results))
