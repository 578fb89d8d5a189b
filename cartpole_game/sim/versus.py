"""A versus match: two controllers on two arenas with the same start and the same disturbances.

No pygame: the versus scene draws a match, and ``versus --headless`` runs one at full speed.
"""

from __future__ import annotations

from dataclasses import dataclass

from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import Controller
from cartpole_game.sim.disturbances import Disturbances


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
    """Best of ``rounds``. Both arenas start each round from the same seeded state; wind and
    pokes reach both at the same simulated step. A side that fails freezes; the other goes on."""

    def __init__(self, left: Controller, right: Controller, seed: int, rounds: int = 3) -> None:
        self.seed = seed
        self.rounds = rounds
        self.left = Arena(left, seed=seed)
        self.right = Arena(right, seed=seed)
        self.results: list[RoundResult] = []
        self.disturbances = Disturbances(self._round_seed())

    @property
    def arenas(self) -> tuple[Arena, Arena]:
        return self.left, self.right

    @property
    def round_number(self) -> int:
        return len(self.results) + (0 if self.round_over else 1)

    @property
    def round_over(self) -> bool:
        return self.left.done and self.right.done

    def _round_seed(self) -> int:
        return (self.seed * 7919 + len(self.results)) % 2**32

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
        wind = self.disturbances.next_wind()
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
        self.disturbances = Disturbances(self._round_seed())
        if wind_on:
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
