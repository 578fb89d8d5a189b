"""The live view's worker process, its side: get ready, wait for what to train, train, report.

A worker can be started before anyone asks for training (the menu starts one, "warm"): it
imports torch and everything its trainer loads lazily, at a lower priority, then sleeps on its
orders pipe until the training view gives it a spec, a checkpoint path and a command line. If the
game closes first, the pipe ends and the worker leaves without a word.

Training reports to the window through small messages (``kind`` plus fields) and obeys the shared
controls: pause, pace, save, stop and "keep going once solved". A run that becomes robust with
"once solved: stop" (or uses up its step budget) *halts*: the worker saves the best weights and stays,
waiting, so "keep training" and "save" keep working. The worker exits only when told to stop, or
when the game's process is gone.

Every save writes a new file (``NAME.safetensors``, then ``NAME-2``…; an existing file is never
replaced) and says which; saving again with nothing better since writes nothing and says where
the best already is. When the disk refuses, it saves to the temp folder instead and says where;
only if that fails too does it send the weights to the window's process.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from cartpole_game.agents.checkpoint import Checkpoint, save_with_fallback, unused_path
from cartpole_game.core.text import drawable_path
from cartpole_game.sim.levels import LEVELS
from cartpole_game.training.held_out import held_out_card, policy_of, with_card
from cartpole_game.training.trainers import TrainerSpec, trainer_ref

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.sharedctypes import Synchronized
    from multiprocessing.synchronize import Event

    from cartpole_game.training import Trainer, TrainProgress

# Pace: trainer iterations per simulated 0.02 s step. None: as fast as it goes (turbo).
PACES: tuple[tuple[str, int | None], ...] = (
    ("real time", 1),
    ("4×", 4),
    ("16×", 16),
    ("turbo", None),
)
SEND_EVERY = 0.02  # seconds between updates to the window: 50 a second, like the game's steps
SNAPSHOT_EVERY = 0.25  # seconds between weight snapshots for the preview


@dataclass(frozen=True)
class WorkerControls:
    """The window's controls over a worker, and the worker's end of the updates pipe.

    Picklable into a spawned process, so a worker started early has them before it knows what
    it will train."""

    updates: Connection  # the worker's (writing) end
    paused: Event
    stop: Event
    save: Event
    pace: Synchronized[int]  # an index into PACES
    keep_going: Synchronized[int]  # a byte: nonzero keeps training after solving


@dataclass(frozen=True)
class Orders:
    """What the view tells a waiting worker to train."""

    spec: TrainerSpec
    checkpoint_path: Path
    command: str = ""


class _Send(Protocol):
    """The worker's way to message the window: ``send("note", text=...)``."""

    def __call__(self, kind: str, **payload: Any) -> None: ...


def worker_entry(
    algo: str, nice: int, ready: Event, orders: Connection, controls: WorkerControls
) -> None:
    """A worker process's life: get ready for ``algo``, wait for orders, train. No pygame."""
    # Ctrl+C in the terminal reaches the whole process group; the window's process handles it
    # and stops this worker cleanly (the best weights saved), without a traceback from here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    prepare(algo, nice)
    ready.set()
    try:
        given: Orders = orders.recv()
    except (EOFError, OSError):  # the game closed without training: leave quietly
        with contextlib.suppress(OSError):
            controls.updates.close()
        return
    finally:
        orders.close()
    run_worker(given, controls)


def prepare(algo: str, nice: int = 0) -> None:
    """Import all that ``algo``'s trainer needs by building one and throwing it away: torch, and
    what it loads only when first used (Adam alone pulls in ``torch._dynamo``, a second's work).

    With ``nice`` (Linux) this runs in a thread at that lower priority, so a game played
    meanwhile keeps the CPU; Linux keeps a nice value per thread, so the training that follows in
    the main thread runs at normal priority. A failure here is left to the real build to report.
    """
    lower = nice if sys.platform.startswith("linux") else 0

    def build() -> None:
        if lower:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), lower)
        with contextlib.suppress(Exception):
            TrainerSpec(algo).build()

    if not lower:
        build()
        return
    thread = threading.Thread(target=build, name="cartpole-warm-up", daemon=True)
    thread.start()
    thread.join()


def run_worker(orders: Orders, controls: WorkerControls) -> None:
    """Build the trainer, train, report, save; until told to stop or the game is gone."""
    conn = controls.updates

    def send(kind: str, **payload: Any) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            conn.send({"kind": kind, **payload})

    run: _Run | None = None
    try:
        # The worker decides when a solved run stops (the view can change its mind).
        trainer = dataclasses.replace(orders.spec, stop_when_solved=False).build()
        run = _Run(orders, controls, trainer, send)
        send("update", started=True, new_returns=[], new_evaluations=[])
        run.loop()
    except Exception as exc:  # shown in the view; the best weights are still saved below
        send("error", text=f"{type(exc).__name__}: {exc}")
    finally:
        if run is not None:
            run.saver.save(run.trainer, send, "saved on exit:")
        send("done")
        with contextlib.suppress(OSError):
            conn.close()


class _Run:
    """One training run in the worker: the loop and what it remembers between iterations."""

    def __init__(
        self, orders: Orders, controls: WorkerControls, trainer: Trainer, send: _Send
    ) -> None:
        self.controls = controls
        self.trainer = trainer
        self.send = send
        self.saver = _Saver(orders.checkpoint_path, orders.command)
        self.iteration_seconds = trainer_ref(orders.spec.algo).iteration_seconds
        self.started = time.monotonic()
        self.pending_returns: list[tuple[int, float]] = []
        self.pending_evals: list[tuple[int, float]] = []
        self.last_send = self.last_snapshot = 0.0
        self.solved = self.robust = self.halted = self.finished = False
        self.next_due = time.monotonic()

    def halt(self, finished: bool, reason: str) -> None:
        self.halted, self.finished = True, finished
        self.send("update", halted=True, finished=finished, new_returns=[], new_evaluations=[])
        self.saver.save(self.trainer, self.send, reason)

    def loop(self) -> None:
        c = self.controls
        parent = mp.parent_process()
        last_parent_check = 0.0
        while not c.stop.is_set():
            now = time.monotonic()
            if now - last_parent_check > 0.5:
                last_parent_check = now
                if parent is not None and not parent.is_alive():
                    break  # the game is gone: no orphan keeps training
            if c.save.is_set():
                c.save.clear()
                self.saver.save(self.trainer, self.send, "saved")
            if self.halted:
                if self.finished or not c.keep_going.value:
                    c.stop.wait(0.05)  # halted: still here for "save" and "keep training"
                    continue
                self.halted = False  # "keep training": a solved run goes on
                self.send("update", halted=False, new_returns=[], new_evaluations=[])
                self.next_due = time.monotonic()
            if c.paused.is_set():
                c.stop.wait(0.05)
                self.next_due = time.monotonic()
                continue
            self.iterate()

    def iterate(self) -> None:
        """One trainer iteration: report it, halt if solved or done, then keep the pace."""
        try:
            progress = next(self.trainer)
        except StopIteration:
            self.halt(True, "out of steps: saved")
            return
        self.report(progress)
        # "Once solved: stop" stops once robust (the solve comes first; robust agents are the aim).
        if progress.done or (progress.robust and not self.controls.keep_going.value):
            self.halt(progress.done, "robust: saved" if progress.robust else "out of steps: saved")
            return
        per_step = PACES[self.controls.pace.value][1]
        if per_step is None:
            self.next_due = time.monotonic()
            return
        # Real-time pacing: per_step iterations per iteration's worth of game time.
        self.next_due += self.iteration_seconds / per_step
        delay = self.next_due - time.monotonic()
        if delay > 0:
            self.controls.stop.wait(delay)
        else:
            self.next_due = time.monotonic()

    def report(self, progress: TrainProgress) -> None:
        """Send what is new, at most every SEND_EVERY seconds unless it cannot wait."""
        self.pending_returns.extend((progress.steps, r) for r in progress.episode_returns)
        if progress.evaluation is not None:
            self.pending_evals.append((progress.evaluation.steps, progress.evaluation.mean))
        now = time.monotonic()
        newly_solved = progress.solved and not self.solved
        newly_robust = progress.robust and not self.robust
        urgent = progress.evaluation is not None or progress.done or newly_solved or newly_robust
        if not urgent and now - self.last_send < SEND_EVERY:
            return
        update = _figures(self.trainer, progress, now - self.started)
        if newly_solved:
            self.solved = True
            update.update(
                solved_at_steps=progress.solved_at_steps,
                solved_after_seconds=progress.solved_at_seconds or progress.elapsed,
                solved_wall_seconds=now - self.started,
            )
        if newly_robust:
            self.robust = True
            update.update(
                robust_at_steps=progress.robust_at_steps,
                robust_after_seconds=progress.robust_at_seconds,
            )
        if progress.evaluation is not None or now - self.last_snapshot >= SNAPSHOT_EVERY:
            update["weights"] = progress.snapshot()
            self.last_snapshot = now
        self.send(
            "update",
            new_returns=self.pending_returns,
            new_evaluations=self.pending_evals,
            **update,
        )
        self.pending_returns, self.pending_evals = [], []
        self.last_send = now


def _figures(trainer: Trainer, progress: TrainProgress, wall: float) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "steps": progress.steps,
        "episodes": progress.episodes,
        "epsilon": progress.epsilon,
        "loss": progress.loss,
        "steps_per_second": progress.steps_per_second,
        "elapsed": progress.elapsed,
        "wall_seconds": wall,
    }
    buffer = getattr(trainer, "buffer", None)
    if buffer is not None and hasattr(buffer, "size") and hasattr(buffer, "capacity"):
        figures["buffer_fill"] = buffer.size / max(1, buffer.capacity)
    envs = getattr(trainer, "envs", None)
    if envs is not None:
        figures["env_state"] = np.array(envs.states[0], dtype=np.float64)
        figures["env_step"] = int(envs.lengths[0])
    population = getattr(trainer, "last_population_returns", None)
    if population is not None:
        figures["population"] = [float(x) for x in np.ravel(population)]
    return figures


class _Saver:
    """The worker's saves: each to a new file next to ``path``, none when nothing is new."""

    def __init__(self, path: Path, command: str) -> None:
        self.path = path
        self.command = command
        self.last: tuple[Any, Any] | None = None  # (steps_trained, eval_mean) saved last
        self.last_where: Path | None = None
        self.last_mean = 0.0

    def save(self, trainer: Trainer, send: _Send, reason: str) -> None:
        try:
            checkpoint = trainer.best_checkpoint(self.command)
            if checkpoint is None:  # nothing evaluated yet: evaluate the weights as they are
                trainer.evaluate_current()
                checkpoint = trainer.best_checkpoint(self.command)
        except Exception as exc:
            send("note", text=f"could not prepare a checkpoint: {exc}")
            return
        if checkpoint is None:
            return
        key = (checkpoint.metadata.get("steps_trained"), checkpoint.metadata.get("eval_mean"))
        prefix = "on exit: " if "exit" in reason else ""
        if key == self.last and self.last_where is not None and self.last_where.exists():
            send(
                "note",
                text=f"{prefix}nothing better to save: the best is already in "
                f"{drawable_path(self.last_where)} (eval mean {self.last_mean:.0f})",
            )
            return
        # The figures saved are the held-out card's, played now on fresh episodes.
        level = getattr(trainer, "level", LEVELS[-1])
        checkpoint = with_card(checkpoint, held_out_card(policy_of(checkpoint), level))
        mean = checkpoint.metadata["eval_mean"]
        where, error = save_new(self.path, checkpoint)
        if where is None:
            send("unsaved", checkpoint=checkpoint)
            send("note", text=f"{error}; the weights are kept in memory only")
            return
        self.last, self.last_where, self.last_mean = key, where, mean
        if error is not None:
            send("fallback", path=str(where))
            send("note", text=f"{prefix}saved to {drawable_path(where)} instead ({error})")
            return
        send("note", text=f"{reason} {drawable_path(where)} (eval mean {mean:.0f})")


def save_new(path: Path, checkpoint: Checkpoint) -> tuple[Path | None, str | None]:
    """Save to ``path`` or, if a file is there, the first free ``NAME-2``…: never replaces one.

    The name is claimed first with an exclusive create, so a file that appears meanwhile is
    never overwritten either. As :func:`save_with_fallback`: (where or None, error or None).
    """
    for _ in range(1000):
        target = unused_path(path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            continue  # taken meanwhile: the next free name
        except OSError:
            break  # the folder refuses: save_with_fallback says so and uses the temp folder
        where, error = save_with_fallback(target, checkpoint)
        if where != target:
            with contextlib.suppress(OSError):
                target.unlink()  # the claim, empty: the weights went elsewhere
        return where, error
    return save_with_fallback(unused_path(path), checkpoint)
