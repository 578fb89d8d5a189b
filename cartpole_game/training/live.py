"""Training in a worker thread, for the live view: the UI reads snapshots, never waits on it.

The worker owns the trainer; the UI talks to it only through this session: pause, pace, save,
stop. What the UI draws comes from :meth:`TrainingSession.view`, a copy taken under a lock.
torch is imported by the worker (inside ``make_trainer``), so the window stays responsive while
it loads. The session always leaves the best checkpoint on disk when it stops, and keeps the
weights in memory (and says so) when the disk refuses them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cartpole_game.agents.checkpoint import Checkpoint, save_checkpoint
from cartpole_game.training import TrainProgress

# Pace: trainer iterations per simulated 0.02 s step. None: as fast as it goes (turbo).
PACES: tuple[tuple[str, int | None], ...] = (
    ("real time", 1),
    ("4×", 4),
    ("16×", 16),
    ("turbo", None),
)
STEP_SECONDS = 0.02


@dataclass
class LiveView:
    """What the UI needs, copied out of the worker under the lock."""

    algo: str
    steps: int = 0
    episodes: int = 0
    epsilon: float | None = None
    loss: float | None = None
    steps_per_second: float = 0.0
    elapsed: float = 0.0
    buffer_fill: float | None = None
    returns: list[tuple[int, float]] = field(default_factory=list)
    evaluations: list[tuple[int, float]] = field(default_factory=list)
    population: list[float] | None = None  # linear search: the last generation's scores
    solved_at_steps: int | None = None
    solved_after_seconds: float | None = None
    done: bool = False
    started: bool = False  # False while torch loads and the trainer is built
    error: str | None = None
    env_state: np.ndarray | None = None  # the first training environment, exploration and all
    env_step: int = 0
    weights: dict[str, np.ndarray] | None = None
    weights_version: int = 0
    saved: list[str] = field(default_factory=list)  # messages about saves, oldest first


class TrainingSession:
    """Runs ``make_trainer()`` in a thread; every method is safe to call from the UI thread."""

    def __init__(
        self,
        make_trainer: Callable[[], object],
        algo: str,
        checkpoint_path: Path,
        command: str = "",
        pace: int = len(PACES) - 1,
        snapshot_every: float = 0.25,
    ) -> None:
        self._make_trainer = make_trainer
        self.checkpoint_path = checkpoint_path
        self.command = command
        self._lock = threading.Lock()
        self._view = LiveView(algo=algo)
        self._pace = pace
        self._paused = threading.Event()
        self._stop = threading.Event()
        self._save_requested = threading.Event()
        self._snapshot_every = snapshot_every
        self._last_snapshot = 0.0
        self.unsaved: Checkpoint | None = None  # the best weights, when the disk refused them
        self._thread = threading.Thread(target=self._run, name="cartpole-trainer", daemon=True)

    # -- control (UI thread) ----------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    def set_paused(self, paused: bool) -> None:
        if paused:
            self._paused.set()
        else:
            self._paused.clear()

    @property
    def pace(self) -> int:
        return self._pace

    @property
    def pace_name(self) -> str:
        return PACES[self._pace][0]

    def change_pace(self, direction: int) -> str:
        self._pace = max(0, min(len(PACES) - 1, self._pace + direction))
        return self.pace_name

    def request_save(self) -> None:
        self._save_requested.set()

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop training, save the best weights, and wait for the worker; True once it is gone."""
        self._stop.set()
        self._paused.clear()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def view(self) -> LiveView:
        with self._lock:
            v = self._view
            copy = LiveView(
                **{**v.__dict__, "returns": list(v.returns), "evaluations": list(v.evaluations)}
            )
            copy.saved = list(v.saved)
            v.saved.clear()
            return copy

    # -- worker -----------------------------------------------------------------------------
    def _run(self) -> None:
        trainer = None
        try:
            trainer = self._make_trainer()
            with self._lock:
                self._view.started = True
            next_due = time.monotonic()
            while not self._stop.is_set():
                if self._save_requested.is_set():
                    self._save_requested.clear()
                    self._save(trainer, reason="saved")
                if self._paused.is_set():
                    self._stop.wait(0.05)
                    next_due = time.monotonic()
                    continue
                try:
                    progress = next(trainer)  # type: ignore[call-overload]
                except StopIteration:
                    break
                self._publish(trainer, progress)
                if progress.done:
                    break
                per_step = PACES[self._pace][1]
                if per_step is not None:
                    # Real-time pacing: per_step iterations per 0.02 s, like the game's own clock.
                    # One linear-search iteration is a whole generation: give it half a second.
                    period = STEP_SECONDS if self._view.algo == "dqn" else 25 * STEP_SECONDS
                    next_due += period / per_step
                    delay = next_due - time.monotonic()
                    if delay > 0:
                        self._stop.wait(delay)
                    else:
                        next_due = time.monotonic()
        except Exception as exc:  # the view shows it; the best weights are still saved below
            with self._lock:
                self._view.error = f"{type(exc).__name__}: {exc}"
        finally:
            with self._lock:
                self._view.done = True
            if trainer is not None:
                self._save(trainer, reason="saved on exit")

    def _publish(self, trainer, progress: TrainProgress) -> None:
        now = time.monotonic()
        envs = getattr(trainer, "envs", None)
        buffer = getattr(trainer, "buffer", None)
        take_weights = (
            progress.evaluation is not None or now - self._last_snapshot >= self._snapshot_every
        )
        weights = progress.snapshot() if take_weights else None
        population = getattr(trainer, "last_population_returns", None)
        with self._lock:
            v = self._view
            v.steps, v.episodes = progress.steps, progress.episodes
            v.epsilon, v.loss = progress.epsilon, progress.loss
            v.steps_per_second, v.elapsed = progress.steps_per_second, progress.elapsed
            v.returns.extend((progress.steps, r) for r in progress.episode_returns)
            if progress.evaluation is not None:
                v.evaluations.append((progress.evaluation.steps, progress.evaluation.mean))
            if progress.solved and v.solved_at_steps is None:
                v.solved_at_steps, v.solved_after_seconds = (
                    progress.solved_at_steps,
                    progress.elapsed,
                )
            if buffer is not None and hasattr(buffer, "size") and hasattr(buffer, "capacity"):
                v.buffer_fill = buffer.size / max(1, buffer.capacity)
            if envs is not None:
                v.env_state = np.array(envs.states[0], dtype=np.float64)
                v.env_step = int(envs.lengths[0])
            if population is not None:
                v.population = [float(x) for x in np.ravel(population)]
            if weights is not None:
                v.weights, v.weights_version = weights, v.weights_version + 1
                self._last_snapshot = now

    def _save(self, trainer, reason: str) -> None:
        try:
            checkpoint = trainer.best_checkpoint(self.command)
            if checkpoint is None:  # nothing evaluated yet: evaluate the weights as they are
                trainer.evaluate_current()
                checkpoint = trainer.best_checkpoint(self.command)
        except Exception as exc:
            self._note(f"could not prepare a checkpoint: {exc}")
            return
        if checkpoint is None:
            return
        try:
            save_checkpoint(self.checkpoint_path, checkpoint)
        except OSError as exc:
            self.unsaved = checkpoint
            self._note(
                f"could not write {self.checkpoint_path}: {exc.strerror or exc}; "
                "the weights are kept in memory"
            )
            return
        self.unsaved = None
        self._note(
            f"{reason}: {self.checkpoint_path} (eval mean {checkpoint.metadata.get('eval_mean', 0):.0f})"
        )

    def _note(self, message: str) -> None:
        with self._lock:
            self._view.saved.append(message)
            self.last_message = message
