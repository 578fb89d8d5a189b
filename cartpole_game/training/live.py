"""Training in a worker process, for the live view: the UI reads updates, never waits on it.

The worker process owns the trainer (and torch); the window's process only talks to it through
this session: pause, pace, save, stop, and a pipe of small updates (about 50 a second) with the
new episode returns, evaluations, figures, the first training environment's state and, now and
then, a snapshot of the weights. Two processes, two cores, no shared interpreter lock: drawing
never slows training and training never freezes the window. The worker's side, its saves and
its halting once solved, is :mod:`cartpole_game.training.live_worker`.

Importing torch takes seconds, so a worker can be started ahead of time: the menu asks a
:class:`TrainerWarmer` for one, which starts a :class:`WorkerProcess` that gets ready at a lower
priority and then sleeps, using no CPU, until a session adopts it ("Train live" then shows
learning at once) or the game closes and dismisses it.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cartpole_game.agents.checkpoint import Checkpoint
from cartpole_game.training.live_worker import (
    PACES,
    Orders,
    WorkerControls,
    save_new,
    worker_entry,
)
from cartpole_game.training.trainers import TrainerSpec

__all__ = ["PACES", "LiveView", "TrainerWarmer", "TrainingSession", "WorkerProcess", "save_new"]

WORKER_NAME = "cartpole-trainer"  # a worker that trains (or has been told to)
WARM_NAME = "cartpole-trainer-warm"  # a worker ready and waiting, not yet adopted


@dataclass
class LiveView:
    """What the UI draws: the training as last reported by the worker."""

    algo: str
    steps: int = 0
    episodes: int = 0
    epsilon: float | None = None
    loss: float | None = None
    steps_per_second: float = 0.0
    elapsed: float = 0.0  # training time (inside the trainer's steps)
    wall_seconds: float = 0.0  # wall-clock since the trainer started
    buffer_fill: float | None = None
    returns: list[tuple[int, float]] = field(default_factory=list)
    evaluations: list[tuple[int, float]] = field(default_factory=list)
    population: list[float] | None = None  # linear search: the last generation's scores
    solved_at_steps: int | None = None
    solved_after_seconds: float | None = None
    solved_wall_seconds: float | None = None
    robust_at_steps: int | None = None  # a check met every robustness target: training halts
    robust_after_seconds: float | None = None
    done: bool = False  # the worker has exited (the view stopped it, or it failed)
    halted: bool = False  # training stopped by itself (solved with "stop", or out of steps)
    finished: bool = False  # the trainer has no steps left: nothing can resume it
    started: bool = False  # False while the worker imports torch and builds the trainer
    error: str | None = None
    env_state: np.ndarray | None = None  # the first training environment, exploration and all
    env_step: int = 0
    weights: dict[str, np.ndarray] | None = None
    weights_version: int = 0
    saved: list[str] = field(default_factory=list)  # save messages not yet shown


class TrainingSession:
    """A trainer in a worker process. Every method is for the window's (single) thread."""

    def __init__(
        self,
        spec: TrainerSpec,
        checkpoint_path: Path,
        command: str = "",
        pace: int = len(PACES) - 1,
        worker: WorkerProcess | None = None,
    ) -> None:
        """A session for ``spec``; ``worker``: a warm worker to adopt, else a new one starts."""
        self.spec = spec
        self.checkpoint_path = checkpoint_path
        self.command = command
        self.worker = worker or WorkerProcess(spec.algo)
        self.adopted = worker is not None
        self.process = self.worker.process
        self._receive = self.worker.receive
        controls = self.worker.controls
        self._paused, self._stop, self._save = controls.paused, controls.stop, controls.save
        self._pace, self._keep_going = controls.pace, controls.keep_going
        self._pace.value = pace
        self._keep_going.value = not spec.stop_when_solved  # after solving
        self._view = LiveView(algo=spec.algo)
        self.unsaved: Checkpoint | None = None  # the best weights, when the disk refused them
        self.fallback: Path | None = None  # where they went instead, when the target refused
        self.last_message = ""

    # -- control ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker (unless it is a warm one, already running) and tell it to train."""
        if not self.worker.started:
            self.worker.start()
        self.worker.give_orders(Orders(self.spec, self.checkpoint_path, self.command))

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    def set_paused(self, paused: bool) -> None:
        (self._paused.set if paused else self._paused.clear)()

    @property
    def pace(self) -> int:
        return self._pace.value

    @property
    def pace_name(self) -> str:
        return PACES[self._pace.value][0]

    def change_pace(self, direction: int) -> str:
        self._pace.value = max(0, min(len(PACES) - 1, self._pace.value + direction))
        return self.pace_name

    @property
    def continue_after_solved(self) -> bool:
        return bool(self._keep_going.value)

    def toggle_continue_after_solved(self) -> bool:
        self._keep_going.value = not self._keep_going.value
        return bool(self._keep_going.value)

    def keep_training(self) -> None:
        """Resume a run halted at its solve: it trains on, and no longer stops when solved."""
        self._keep_going.value = True

    def request_save(self) -> None:
        self._save.set()

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop training; the worker saves the best weights and exits. True once it is gone."""
        self._stop.set()
        self._paused.clear()
        deadline = time.monotonic() + timeout
        while self.process.is_alive() and time.monotonic() < deadline:
            self._drain(wait=0.05)
        self.process.join(max(0.0, deadline - time.monotonic()))
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
            self._note("the trainer did not stop in time and was terminated")
        self._drain()
        self._receive.close()
        return not self.process.is_alive()

    def view(self) -> LiveView:
        """The latest state (after taking in everything the worker has sent). The caller owns
        the returned object's ``saved`` messages; the lists are shared, read-only."""
        self._drain()
        v = self._view
        copy = LiveView(**v.__dict__)
        copy.saved, v.saved = v.saved, []
        return copy

    # -- updates from the worker ------------------------------------------------------------
    def _drain(self, wait: float = 0.0) -> None:
        if self._receive.closed:
            return
        try:
            while self._receive.poll(wait):
                self._apply(self._receive.recv())
                wait = 0.0
        except (EOFError, OSError):
            self._view.done = True

    def _apply(self, message: dict[str, Any]) -> None:
        v = self._view
        kind = message.pop("kind")
        if kind == "update":
            v.returns.extend(message.pop("new_returns"))
            v.evaluations.extend(message.pop("new_evaluations"))
            weights = message.pop("weights", None)
            if weights is not None:
                v.weights, v.weights_version = weights, v.weights_version + 1
            for name, value in message.items():
                setattr(v, name, value)
        elif kind == "note":
            self._note(message["text"])
        elif kind == "unsaved":
            self.unsaved = message["checkpoint"]
        elif kind == "fallback":
            self.fallback = Path(message["path"])
        elif kind == "error":
            v.error = message["text"]
        elif kind == "done":
            v.done = True

    def _note(self, text: str) -> None:
        self._view.saved.append(text)
        self.last_message = text


class WorkerProcess:
    """A trainer's process and its controls; it can start before it knows what to train.

    Started, it imports what training ``algo`` needs (with ``nice``: at that lower priority),
    sets ``ready`` and waits for :meth:`give_orders`. Its updates arrive on ``receive``.
    """

    def __init__(self, algo: str, nice: int = 0, name: str = WORKER_NAME) -> None:
        ctx = mp.get_context("spawn")  # a clean interpreter: no SDL state copied by fork
        self.receive, updates = ctx.Pipe(duplex=False)
        orders_end, self._orders = ctx.Pipe(duplex=False)
        self.ready = ctx.Event()
        self.controls = WorkerControls(
            updates=updates,
            paused=ctx.Event(),
            stop=ctx.Event(),
            save=ctx.Event(),
            pace=ctx.Value("i", len(PACES) - 1),
            keep_going=ctx.Value("b", False),
        )
        self.process = ctx.Process(
            target=worker_entry,
            args=(algo, nice, self.ready, orders_end, self.controls),
            name=name,
            daemon=True,  # never outlives the game
        )
        self._child_ends = (updates, orders_end)
        self.started = False
        self.ordered = False

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def start(self) -> None:
        self.process.start()
        self.started = True
        for end in self._child_ends:  # the worker holds the only copies: EOF when either side ends
            end.close()

    def give_orders(self, orders: Orders) -> None:
        """Tell the (started) worker what to train; it starts at once if it is ready."""
        self.ordered = True
        self.process.name = WORKER_NAME
        with contextlib.suppress(OSError):  # a worker gone meanwhile: the view sees it done
            self._orders.send(orders)
        self._orders.close()

    def dismiss(self, timeout: float = 2.0) -> None:
        """End a worker that was never given orders: it leaves quietly (terminated if it is
        still getting ready, which would take too long to wait for)."""
        self._orders.close()  # the worker's wait ends: it exits by itself
        if self.started:
            if self.ready.is_set():
                self.process.join(timeout)
            if self.process.is_alive():
                self.process.terminate()
            self.process.join(5)
        for end in (self.receive, *self._child_ends):  # closing twice does nothing
            with contextlib.suppress(OSError):
                end.close()


class TrainerWarmer:
    """At most one warm worker for the game: the menu warms one, the training view adopts it,
    and closing the game dismisses one never adopted. ``enabled=False`` warms nothing."""

    def __init__(self, algo: str = "dqn", nice: int = 10, enabled: bool = True) -> None:
        self.algo = algo
        self.nice = nice
        self.enabled = enabled
        self.worker: WorkerProcess | None = None
        self.warmed = 0  # workers started so far

    def warm(self) -> None:
        """Start a worker getting ready in the background, unless one is already there."""
        if not self.enabled or self.worker is not None:
            return
        worker = WorkerProcess(self.algo, self.nice, name=WARM_NAME)
        worker.start()
        self.worker = worker
        self.warmed += 1

    @property
    def ready(self) -> bool:
        """A warm worker is waiting with everything imported."""
        return self.worker is not None and self.worker.ready.is_set() and self.worker.alive

    def take(self) -> WorkerProcess | None:
        """The warm worker for a session to adopt (None: there is none, or it died)."""
        worker, self.worker = self.worker, None
        if worker is not None and not worker.alive:
            worker.dismiss()
            return None
        return worker

    def close(self) -> None:
        """Dismiss the warm worker if nobody adopted it."""
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.dismiss()
