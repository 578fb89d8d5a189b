"""The teaching mode's worker: the student learns between rounds in a process of its own.

The window (:mod:`cartpole_game.game.scenes.teach`) starts it with a :class:`TeachOrder`, through
the clone worker's :class:`~cartpole_game.training.clone_worker.CloneJob` (spawn, a pipe both
ways). The worker makes round 0's student: a clone of the player's runs on the level, or an
untrained network. Then, whenever the window sends a ``learn`` order (the steps the player drove
after taking the cart: what the student saw, and what the player pressed), it adds them to all
the data so far (:class:`cartpole_game.training.dagger.Aggregate`), retrains the student from
its own weights, and scores it alone on fresh episodes of the level.

Messages to the window: ``status`` (what it is doing), ``round`` (the new student's weights, its
score, and the counts so far) and ``error`` (one line). Each student after an untrained one is
saved in the data folder's ``checkpoints/`` (one file per session, never over a file it did not
write), so it can be watched or raced later.
"""

from __future__ import annotations

import contextlib
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cartpole_game.agents.checkpoint import Checkpoint, save_with_fallback, unused_path
from cartpole_game.agents.clone import ACTION_NAMES, clone_architecture
from cartpole_game.core.errors import UserFacingError
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.training.clone_worker import CloneJob
from cartpole_game.training.demonstrations import load_demonstrations

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from cartpole_game.training.dagger import Aggregate

WORKER_NAME = "cartpole-teach"
STUDENTS = ("clone", "untrained")  # a clone of the player's runs, or a network that knows nothing
EVAL_EPISODES = 20  # the student alone, after each round: a few hundredths of a second


@dataclass(frozen=True)
class TeachOrder:
    """Who learns, on which level, from which runs, and where the student is kept."""

    student: str  # one of STUDENTS
    level: int
    paths: tuple[Path, ...] = ()  # the player's runs, for a clone
    out: Path | None = None  # where each student is saved (None: not saved)
    seed: int = 0
    eval_episodes: int = EVAL_EPISODES


class TeachJob(CloneJob):
    """The teaching worker, seen from the window: :meth:`learn` sends it a round's corrections."""

    def __init__(self, order: TeachOrder) -> None:
        super().__init__(order, entry=teach_entry, duplex=True, name=WORKER_NAME)

    def learn(self, observations: np.ndarray, actions: np.ndarray) -> bool:
        """Retrain on these corrections too; False if the worker is gone."""
        order = {"kind": "learn", "observations": observations, "actions": actions}
        return self.send(order)


class _Session:
    """The worker's side: the data so far, the student, and the rounds reported."""

    def __init__(self, order: TeachOrder, conn: Connection) -> None:
        from cartpole_game.training.clone import untrained_tensors
        from cartpole_game.training.dagger import Aggregate  # torch

        self.order, self.conn = order, conn
        self.level: Level = LEVELS[order.level - 1]
        self.aggregate: Aggregate = Aggregate(
            seed=order.seed, tensors=untrained_tensors(order.seed)
        )
        self.round = 0
        self.demos = 0  # steps of the player's runs
        self.corrections = 0
        self.scores: list[float] = []
        self.saved_to: Path | None = None

    def send(self, kind: str, **payload: Any) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            self.conn.send({"kind": kind, **payload})

    def begin(self) -> None:
        """Round 0: a clone of the player's runs, or the untrained network as it is."""
        order = self.order
        if order.student == "clone":
            self.send("status", text="Reading your runs…")
            demos = load_demonstrations(list(order.paths), "human", order.level)
            self.demos = len(demos)
            self.aggregate.add(demos.observations, demos.actions)
            episodes = len(demos.episode_list)
            self.send("status", text=f"Your clone is learning from your {episodes} run(s)…")
            self.aggregate.retrain()
        self.report(0.0)

    def learn(self, observations: np.ndarray, actions: np.ndarray) -> None:
        self.aggregate.add(observations, actions)
        self.corrections += len(actions)
        started = time.perf_counter()
        self.aggregate.retrain()
        self.round += 1
        self.report(time.perf_counter() - started)

    def report(self, seconds: float) -> None:
        from cartpole_game.training.dagger import evaluate_student

        score = evaluate_student(self.aggregate.student(), self.level, self.order.eval_episodes)
        self.scores.append(score.mean)
        path, warning = self.save()
        self.send(
            "round",
            round=self.round,
            tensors=self.aggregate.tensors,
            mean=score.mean,
            reached=score.reached,
            episodes=score.episodes,
            corrections=self.corrections,
            demos=self.demos,
            dataset=len(self.aggregate),
            seconds=seconds,
            path=str(path) if path is not None else None,
            warning=warning,
        )

    def save(self) -> tuple[Path | None, str | None]:
        """The student in its session's file (an untrained one is not worth keeping)."""
        if self.order.out is None or (self.order.student == "untrained" and self.round == 0):
            return None, None
        if self.saved_to is None:
            self.saved_to = unused_path(self.order.out)
        from cartpole_game.training.dagger import action_count

        tensors = self.aggregate.tensors
        actions = action_count(tensors)
        hidden = self.aggregate.config.hidden
        checkpoint = Checkpoint(
            kind="clone",
            architecture=clone_architecture(actions, hidden),
            tensors=tensors,
            metadata={
                "training_config": {"algo": "dagger", **self.aggregate.config.as_dict()},
                "seed": self.order.seed,
                "action_space": {
                    "type": "Discrete",
                    "n": actions,
                    "names": list(ACTION_NAMES[:actions]),
                },
                "teaching": {
                    "student": self.order.student,
                    "level": self.order.level,
                    "rounds": self.round,
                    "demonstration_steps": self.demos,
                    "corrections": self.corrections,
                    "mean_steps_by_round": self.scores,
                },
            },
        )
        where, error = save_with_fallback(self.saved_to, checkpoint)
        return where, error


def teach_entry(order: TeachOrder, conn: Connection) -> None:
    """The worker process: round 0, then a round for each ``learn`` order. No pygame."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the window's process handles Ctrl+C
    session: _Session | None = None
    try:
        with contextlib.suppress(OSError, BrokenPipeError):
            conn.send({"kind": "status", "text": "Loading the trainer…"})
        session = _Session(order, conn)
        session.begin()
        while True:
            message = conn.recv()  # EOFError once the window closes its end
            if message.get("kind") == "learn":
                session.learn(message["observations"], message["actions"])
    except EOFError:
        pass
    except UserFacingError as exc:
        with contextlib.suppress(OSError, BrokenPipeError):
            conn.send({"kind": "error", "text": str(exc)})
    except Exception as exc:  # a bug must still reach the screen as one line
        with contextlib.suppress(OSError, BrokenPipeError):
            conn.send({"kind": "error", "text": f"{type(exc).__name__}: {exc}"})
    finally:
        with contextlib.suppress(OSError):
            conn.close()
