"""What "Clone me" shows, apart from how: the clone's phase and the worker's reports
(:class:`CloneState`), and the choices on screen (:class:`CloneView`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from cartpole_game.sim.levels import Level

HELD_OUT_SHARE = 0.2  # as training holds out (CloneConfig.held_out)


def held_out_runs(runs: int) -> int:
    """How many of ``runs`` the clone never sees (as :func:`training.clone.held_out_mask`)."""
    return 0 if runs < 2 else min(runs - 1, max(1, round(HELD_OUT_SHARE * runs)))


class Phase(enum.Enum):
    READY = "ready"
    TRAINING = "training"
    DONE = "done"
    FAILED = "failed"


@dataclass
class CloneState:
    """What the screen shows of the clone: its phase and the worker's reports."""

    phase: Phase = Phase.READY
    status: str = ""
    curve: list[float] = field(default_factory=list)  # held-out agreement after each epoch
    epoch: int = 0
    report: dict[str, Any] | None = None  # the clone's figures (CloneFit.report)
    summary: dict[str, Any] | None = None  # what it learned from (Demonstrations.summary)
    path: str | None = None  # where it was saved
    level: Level | None = None  # the level it learned
    error: str | None = None

    def take(self, message: dict[str, Any]) -> None:
        """A message from the worker (see :mod:`cartpole_game.training.clone_worker`)."""
        kind = message.get("kind")
        if kind == "status":
            self.status = str(message.get("text", ""))
            self.summary = message.get("summary", self.summary)
        elif kind == "epoch":
            self.epoch = int(message.get("epoch", self.epoch))
            agreement = message.get("agreement")
            if agreement is not None:
                self.curve.append(float(agreement))
            self.status = f"epoch {self.epoch}"
        elif kind == "done":
            self.phase = Phase.DONE
            self.report, self.summary = message.get("report"), message.get("summary")
            self.path = message.get("path")
            self.error = message.get("warning")
        elif kind == "error":
            self.phase = Phase.FAILED
            self.error = str(message.get("text", "the trainer failed"))


@dataclass(frozen=True)
class CloneView:
    """The scene as the painter draws it."""

    level: Level  # the level chosen
    runs: int  # the newest runs asked for
    kept: int  # the player's runs kept on the level
    used: int  # how many the clone would learn from
    selected: int  # the row chosen: 0 the level, 1 the runs
    state: CloneState
    keys: str  # the status line of keys
