"""The menu's "Clone me" trains in a worker process of its own: the window never waits on it.

A :class:`CloneJob` starts a fresh interpreter (spawn: no SDL state copied), which reads the
player's runs, imports torch, trains the clone (:func:`cartpole_game.training.clone.
train_clone`) and saves its checkpoint, reporting as it goes through a pipe of small messages
(``kind`` plus fields): ``status`` (what it is doing), ``epoch`` (after each epoch: the held-out
agreement so far), then ``done`` (the clone's figures and where it was saved) or ``error`` (one
line). The window polls :meth:`CloneJob.messages` once a frame. Training takes seconds, so it
runs at the normal priority; closing the scene ends the worker.

The live view's worker (:mod:`cartpole_game.training.live_worker`) drives trainers that play
CartPole step by step and report learning curves; a clone learns from a fixed set of
demonstrations in one go, so it has this small worker instead.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cartpole_game.agents.checkpoint import save_with_fallback, unused_path
from cartpole_game.core.errors import UserFacingError
from cartpole_game.training.demonstrations import load_demonstrations

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from cartpole_game.training.clone import CloneProgress

WORKER_NAME = "cartpole-clone"


@dataclass(frozen=True)
class CloneOrder:
    """What to clone and where the checkpoint goes (an existing file is never replaced)."""

    paths: tuple[Path, ...]
    out: Path
    driver: str = "human"
    level: int | None = None
    seed: int = 0
    command: str = ""


class CloneJob:
    """A clone being trained in a worker process; every method is for the window's thread.

    ``entry`` (default :func:`clone_entry`) is the worker's function, given the order and its
    end of the pipe; with ``duplex`` the window may send it further orders (:meth:`send`), as
    the teaching mode's worker (:mod:`cartpole_game.training.teach_worker`) takes them."""

    def __init__(
        self,
        order: Any,
        entry: Callable[[Any, Connection], None] | None = None,
        duplex: bool = False,
        name: str = WORKER_NAME,
    ) -> None:
        ctx = mp.get_context("spawn")
        self.receive, send = ctx.Pipe(duplex=duplex)
        self.process = ctx.Process(
            target=entry or clone_entry, args=(order, send), name=name, daemon=True
        )
        self._send = send
        self.finished = False  # "done" or "error" received, or the worker is gone

    def start(self) -> None:
        self.process.start()
        self._send.close()  # the worker holds the only writing end: EOF when it ends

    def messages(self) -> list[dict[str, Any]]:
        """Everything the worker has sent since the last call (never waits)."""
        out: list[dict[str, Any]] = []
        if self.receive.closed:
            return out
        try:
            while self.receive.poll():
                message = self.receive.recv()
                out.append(message)
                self.finished = self.finished or message["kind"] in ("done", "error")
        except (EOFError, OSError):
            if not self.finished:
                out.append({"kind": "error", "text": "the trainer stopped unexpectedly"})
            self.finished = True
            self.receive.close()
        return out

    def send(self, order: dict[str, Any]) -> bool:
        """Give a duplex worker an order; False if it is gone."""
        if self.receive.closed or self.finished:
            return False
        try:
            self.receive.send(order)
        except (OSError, ValueError):
            return False
        return True

    def stop(self) -> None:
        """End the worker (a clone half-trained is not saved) and close the pipe."""
        if self.process.is_alive():
            self.process.terminate()
        with contextlib.suppress(ValueError, AssertionError):  # never started
            self.process.join(5)
        self.receive.close()


def clone_entry(order: CloneOrder, conn: Connection) -> None:
    """The worker process: read the runs, train, save, report. No pygame."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the window's process handles Ctrl+C

    def send(kind: str, **payload: Any) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            conn.send({"kind": kind, **payload})

    try:
        send("status", text="Reading your runs…")
        demos = load_demonstrations(list(order.paths), order.driver, order.level)
        send("status", text="Loading the trainer…", summary=demos.summary())
        from cartpole_game.training.clone import train_clone  # torch: on one thread

        def on_epoch(progress: CloneProgress) -> None:
            send(
                "epoch",
                epoch=progress.epoch,
                max_epochs=progress.max_epochs,
                agreement=progress.held_out_agreement,
                seconds=progress.seconds,
            )

        fit, checkpoint = train_clone(
            demos, seed=order.seed, on_epoch=on_epoch, command=order.command
        )
        where, error = save_with_fallback(unused_path(order.out), checkpoint)
        send(
            "done",
            report=fit.report(),
            summary=demos.summary(),
            path=str(where) if where is not None else None,
            warning=error,
        )
    except UserFacingError as exc:
        send("error", text=str(exc))
    except Exception as exc:  # a bug must still reach the screen as one line
        send("error", text=f"{type(exc).__name__}: {exc}")
    finally:
        with contextlib.suppress(OSError):
            conn.close()
