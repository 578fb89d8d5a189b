"""Training in a worker process, for the live view: the UI reads updates, never waits on it.

The worker process owns the trainer (and torch); the window's process only talks to it through
this session: pause, pace, save, stop, and a pipe of small updates (about 50 a second) with the
new episode returns, evaluations, figures, the first training environment's state and, now and
then, a snapshot of the weights. Two processes, two cores, no shared interpreter lock: drawing
never slows training and training never freezes the window.

A run that solves with "once solved: stop" (or uses up its step budget) *halts*: the worker saves
the best weights and stays, waiting, so the view's commands keep working — "keep training"
resumes a solved run, "save" still saves. The worker exits only when the view stops it.

Every save writes a new file (``NAME.safetensors``, then ``NAME-2``…; an existing file is never
replaced) and says which; saving again with nothing better since writes nothing and says where
the best already is. When the disk refuses, it saves to the temp folder instead and says where
(``TrainingSession.fallback``); only if that fails too does it send the weights to the window's
process, which keeps them in memory.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing as mp
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from cartpole_game.agents.checkpoint import Checkpoint, save_with_fallback, unused_path
from cartpole_game.core.text import drawable_path
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
    ) -> None:
        self.spec = spec
        self.checkpoint_path = checkpoint_path
        ctx = mp.get_context("spawn")  # a clean interpreter: no SDL state copied by fork
        self._receive, send = ctx.Pipe(duplex=False)
        self._paused = ctx.Event()
        self._stop = ctx.Event()
        self._save = ctx.Event()
        self._pace = ctx.Value("i", pace)
        self._keep_going = ctx.Value("b", not spec.stop_when_solved)  # after solving
        self._view = LiveView(algo=spec.algo)
        self.unsaved: Checkpoint | None = None  # the best weights, when the disk refused them
        self.fallback: Path | None = None  # where they went instead, when the target refused
        self.last_message = ""
        self.process = ctx.Process(
            target=_worker_main,
            args=(
                spec,
                send,
                self._paused,
                self._stop,
                self._save,
                self._pace,
                self._keep_going,
                checkpoint_path,
                command,
            ),
            name="cartpole-trainer",
            daemon=True,  # never outlives the game
        )
        self._send_end = send

    # -- control ----------------------------------------------------------------------------
    def start(self) -> None:
        self.process.start()
        self._send_end.close()  # the worker holds the only writing end: EOF when it exits

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


class _Send(Protocol):
    """The worker's way to message the window: ``send("note", text=...)``."""

    def __call__(self, kind: str, **payload: Any) -> None: ...


def _worker_main(
    spec: TrainerSpec,
    conn: Connection,
    paused: Event,
    stop: Event,
    save: Event,
    pace: Synchronized[int],
    keep_going: Synchronized[int],  # a byte: nonzero keeps training after solving
    checkpoint_path: Path,
    command: str,
) -> None:
    """The worker process: build the trainer, train, report, save. Runs no pygame."""
    parent = mp.parent_process()

    def send(kind: str, **payload: Any) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            conn.send({"kind": kind, **payload})

    trainer: Trainer | None = None
    saver = _Saver(checkpoint_path, command)
    iteration_seconds = trainer_ref(spec.algo).iteration_seconds
    try:
        # The worker decides when a solved run stops (the view can change its mind).
        trainer = dataclasses.replace(spec, stop_when_solved=False).build()
        started = time.monotonic()
        send("update", started=True, new_returns=[], new_evaluations=[])
        pending_returns: list[tuple[int, float]] = []
        pending_evals: list[tuple[int, float]] = []
        last_send = last_snapshot = last_parent_check = 0.0
        solved = halted = finished = False
        next_due = time.monotonic()
        while not stop.is_set():
            now = time.monotonic()
            if now - last_parent_check > 0.5:
                last_parent_check = now
                if parent is not None and not parent.is_alive():
                    break  # the game is gone: no orphan keeps training
            if save.is_set():
                save.clear()
                saver.save(trainer, send, "saved")
            if halted:
                if finished or not keep_going.value:
                    stop.wait(0.05)  # halted: still here for "save" and "keep training"
                    continue
                halted = False  # "keep training": a solved run goes on
                send("update", halted=False, new_returns=[], new_evaluations=[])
                next_due = time.monotonic()
            if paused.is_set():
                stop.wait(0.05)
                next_due = time.monotonic()
                continue
            try:
                progress = next(trainer)
            except StopIteration:
                halted = finished = True
                send("update", halted=True, finished=True, new_returns=[], new_evaluations=[])
                saver.save(trainer, send, "out of steps: saved")
                continue
            pending_returns.extend((progress.steps, r) for r in progress.episode_returns)
            if progress.evaluation is not None:
                pending_evals.append((progress.evaluation.steps, progress.evaluation.mean))
            now = time.monotonic()
            urgent = (
                progress.evaluation is not None or progress.done or (progress.solved and not solved)
            )
            if urgent or now - last_send >= SEND_EVERY:
                update = _figures(trainer, progress, now - started)
                if progress.solved and not solved:
                    solved = True
                    update.update(
                        solved_at_steps=progress.solved_at_steps,
                        solved_after_seconds=progress.elapsed,
                        solved_wall_seconds=now - started,
                    )
                if progress.evaluation is not None or now - last_snapshot >= SNAPSHOT_EVERY:
                    update["weights"] = progress.snapshot()
                    last_snapshot = now
                send("update", new_returns=pending_returns, new_evaluations=pending_evals, **update)
                pending_returns, pending_evals = [], []
                last_send = now
            if progress.done or (progress.solved and not keep_going.value):
                halted, finished = True, progress.done
                send("update", halted=True, finished=finished, new_returns=[], new_evaluations=[])
                saver.save(
                    trainer, send, "solved: saved" if progress.solved else "out of steps: saved"
                )
                continue
            per_step = PACES[pace.value][1]
            if per_step is not None:
                # Real-time pacing: per_step iterations per iteration's worth of game time.
                next_due += iteration_seconds / per_step
                delay = next_due - time.monotonic()
                if delay > 0:
                    stop.wait(delay)
                else:
                    next_due = time.monotonic()
            else:
                next_due = time.monotonic()
    except Exception as exc:  # shown in the view; the best weights are still saved below
        send("error", text=f"{type(exc).__name__}: {exc}")
    finally:
        if trainer is not None:
            saver.save(trainer, send, "saved on exit:")
        send("done")
        with contextlib.suppress(OSError):
            conn.close()


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
        mean = checkpoint.metadata.get("eval_mean", 0)
        key = (checkpoint.metadata.get("steps_trained"), mean)
        if key == self.last and self.last_where is not None and self.last_where.exists():
            prefix = "on exit: " if "exit" in reason else ""
            send(
                "note",
                text=f"{prefix}nothing better to save: the best is already in "
                f"{drawable_path(self.last_where)} (eval mean {mean:.0f})",
            )
            return
        where, error = _save_new(self.path, checkpoint)
        if where is None:
            send("unsaved", checkpoint=checkpoint)
            send("note", text=f"{error}; the weights are kept in memory only")
            return
        self.last, self.last_where = key, where
        if error is not None:
            send("fallback", path=str(where))
            prefix = "on exit: " if "exit" in reason else ""
            send("note", text=f"{prefix}saved to {drawable_path(where)} instead ({error})")
            return
        send("note", text=f"{reason} {drawable_path(where)} (eval mean {mean:.0f})")


def _save_new(path: Path, checkpoint: Checkpoint) -> tuple[Path | None, str | None]:
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
