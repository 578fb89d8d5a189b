"""A versus match: two controllers on two arenas with the same start and the same disturbances.

A match is played on a level of the ladder (CartPole-v1 unless told): both arenas have its physics
and goal, and its wind and pokes reach both at the same step, seeded as play seeds them (by the
round's seed), so a side of a versus round is the very episode play would have with that seed.

No pygame: the versus scene draws a match, and ``versus --headless`` runs one at full speed.
"""

from __future__ import annotations

from dataclasses import dataclass

from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import Controller
from cartpole_game.sim.disturbances import Disturbances
from cartpole_game.sim.levels import LEVELS, Level


@dataclass(frozen=True)
class RoundResult:
    round: int
    left_score: int
    right_score: int

    @property
    def winner(self) -> str:
        if self.left_score == self.right_score:
            return "draw"
        return "left" if self.left_score > self.right_score else "right"

    @property
    def margin(self) -> int:
        return abs(self.left_score - self.right_score)


class VersusMatch:
    """Best of ``rounds`` on ``level``. Round k starts both arenas from the state of seed
    ``seed + k``; the level's wind and pokes (and P's and W's) reach both at the same simulated
    step. A side that fails freezes; the other goes on."""

    def __init__(
        self,
        left: Controller,
        right: Controller,
        seed: int,
        rounds: int = 3,
        level: Level = LEVELS[-1],
    ) -> None:
        self.seed = seed
        self.rounds = rounds
        self.level = level
        self.left = Arena(left, seed=seed, params=level.params, analog=level.analog)
        self.right = Arena(right, seed=seed, params=level.params, analog=level.analog)
        self.results: list[RoundResult] = []
        self.steps = 0  # steps taken this round
        self.disturbances = self._round_disturbances()

    @property
    def arenas(self) -> tuple[Arena, Arena]:
        return self.left, self.right

    @property
    def round_number(self) -> int:
        return len(self.results) + (0 if self.round_over else 1)

    @property
    def round_over(self) -> bool:
        return self.left.done and self.right.done

    def _round_disturbances(self) -> Disturbances:
        """The level's wind and pokes for this round, seeded by the round's seed as play does."""
        return Disturbances(self.left.log.seed, schedule=self.level.disturbances)

    def wins(self, side: str) -> int:
        return sum(1 for r in self.results if r.winner == side)

    @property
    def match_over(self) -> bool:
        needed = self.rounds // 2 + 1
        return (
            len(self.results) >= self.rounds
            or self.wins("left") >= needed
            or self.wins("right") >= needed
        )

    @property
    def match_winner(self) -> str | None:
        if not self.match_over:
            return None
        left, right = self.wins("left"), self.wins("right")
        return "draw" if left == right else ("left" if left > right else "right")

    def step(self) -> RoundResult | None:
        """One 0.02 s step for each side still playing; returns the result when the round ends."""
        if self.round_over:
            return None
        poke, wind = round_step_disturbances(self.disturbances, self.steps)
        if poke:
            self.poke(poke)
        self.steps += 1
        for arena in self.arenas:
            if not arena.done:
                arena.step(wind)
        if self.round_over:
            result = RoundResult(len(self.results) + 1, self.left.score, self.right.score)
            self.results.append(result)
            return result
        return None

    def poke(self, delta_theta_dot: float) -> None:
        """The same impulse, at the same step, to every side still playing."""
        for arena in self.arenas:
            arena.poke(delta_theta_dot)

    def random_poke(self) -> float:
        delta = self.disturbances.random_poke()
        self.poke(delta)
        return delta

    def step_many(self, steps: int) -> RoundResult | None:
        """Up to ``steps`` steps at once (a fast-forward): the very same steps, one by one, that
        real-time play would take, so the scores are the same; the result if the round ends."""
        for _ in range(steps):
            result = self.step()
            if result is not None:
                return result
        return None

    def next_round(self) -> None:
        """Start the next round; after a finished match, a new match begins."""
        if self.match_over:
            self.results.clear()
        wind_on = self.disturbances.wind_on
        for arena in self.arenas:
            arena.reset()
        self.steps = 0
        self.disturbances = self._round_disturbances()
        if self.disturbances.wind_on != wind_on:  # W's choice holds for the match
            self.disturbances.toggle_wind()

    def new_match(self) -> None:
        """Forget every round and start round 1 again (the wind stays as it was)."""
        self.results.clear()
        self.next_round()

    def play_round(self, max_steps: int = 100_000) -> RoundResult:
        """Run the current round to its end without drawing."""
        for _ in range(max_steps):
            result = self.step()
            if result is not None:
                return result
        raise RuntimeError("round did not end")


def round_step_disturbances(disturbances: Disturbances, steps: int) -> tuple[float, float]:
    """The level's poke before the step after ``steps`` steps (0.0: none) and that step's wind."""
    return disturbances.scheduled_poke(steps), disturbances.next_wind()


def play_side_alone(arena: Arena, level: Level, seed: int, until: int | None = None) -> int:
    """One side of a versus round on ``level`` with round seed ``seed``, played without the other:
    ``arena`` (on the level's physics) is reset to that seed and gets the level's wind and pokes
    at the very steps :class:`VersusMatch` gives them, so its score is the one it makes in the
    match. With ``until``, it stops once it has survived that many steps (the round's result is
    known then); its score."""
    arena.reset(seed)
    disturbances = Disturbances(seed, schedule=level.disturbances)
    steps = 0
    while not arena.done and (until is None or arena.score < until):
        poke, wind = round_step_disturbances(disturbances, steps)
        if poke:
            arena.poke(poke)
        arena.step(wind)
        steps += 1
    return arena.score
