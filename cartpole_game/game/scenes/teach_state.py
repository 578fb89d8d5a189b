"""What the teaching mode knows, apart from drawing: the player's corrections as they are made
(:class:`CorrectingHuman`), and the rounds the worker reports (:class:`TeachState`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cartpole_game.sim.actions import NO_PUSH
from cartpole_game.sim.controllers import HumanController


class CorrectingHuman(HumanController):
    """The player. While they have the cart, each step they drive is a correction: what the
    student had led the cart into, and what the player pressed there (no push included). The
    steps between taking the cart and the first push are left out: the player was still
    reacting, not choosing to leave the cart alone."""

    def __init__(self, analog: bool = False) -> None:
        super().__init__(analog)
        self.seen: list[np.ndarray] = []
        self.pressed: list[int] = []
        self.reacting = True

    def took_the_cart(self) -> None:
        self.reacting = True

    def act(self, observation: np.ndarray) -> int:
        action = super().act(observation)
        if action != NO_PUSH:
            self.reacting = False
        if not self.reacting:
            self.seen.append(np.array(observation, dtype=np.float32))
            self.pressed.append(int(action))
        return action

    def take_corrections(self) -> tuple[np.ndarray, np.ndarray]:
        """The corrections made since the last call (observations, actions), and forget them."""
        seen = np.array(self.seen, dtype=np.float32).reshape(-1, 4)
        pressed = np.array(self.pressed, dtype=np.int64)
        self.seen, self.pressed = [], []
        return seen, pressed

    @property
    def pending(self) -> int:
        return len(self.pressed)


class Phase(enum.Enum):
    STARTING = "starting"  # the worker makes round 0's student
    PLAYING = "playing"
    LEARNING = "learning"  # the student retrains on the corrections so far
    FAILED = "failed"


@dataclass(frozen=True)
class RoundScore:
    round: int
    mean: float  # the student alone: steps survived on average...
    reached: float  # ...and the share of its episodes that reached the goal
    episodes: int
    corrections: int  # every correction it had learned from


@dataclass
class TeachState:
    """The session as the worker reports it (see :mod:`cartpole_game.training.teach_worker`)."""

    student: str  # "clone" or "untrained"
    phase: Phase = Phase.STARTING
    status: str = ""
    rounds: list[RoundScore] = field(default_factory=list)
    sent: int = 0  # corrections given to the worker
    demos: int = 0  # steps of the player's runs a clone learned from
    tensors: dict[str, np.ndarray] | None = None  # a new student, not yet at the cart
    path: str | None = None  # where the newest student is saved
    error: str | None = None  # why the worker failed, or a save's warning

    @property
    def round(self) -> int:
        return self.rounds[-1].round if self.rounds else 0

    def take(self, message: dict[str, Any]) -> None:
        kind = message.get("kind")
        if kind == "status":
            self.status = str(message.get("text", ""))
        elif kind == "round":
            self.rounds.append(
                RoundScore(
                    int(message.get("round", 0)),
                    float(message.get("mean", 0.0)),
                    float(message.get("reached", 0.0)),
                    int(message.get("episodes", 0)),
                    int(message.get("corrections", 0)),
                )
            )
            self.demos = int(message.get("demos", self.demos))
            self.tensors = message.get("tensors")
            self.path = message.get("path") or self.path
            self.error = message.get("warning")
            self.phase = Phase.PLAYING
            self.status = ""
        elif kind == "error":
            self.phase = Phase.FAILED
            self.error = str(message.get("text", "the trainer failed"))
