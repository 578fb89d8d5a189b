"""``python play.py train``: train a DQN or a linear policy headless, with a progress bar.

Writes the best evaluated weights as a checkpoint, the learning curve as JSON lines and a PNG
plot of it next to the checkpoint. Ctrl-C or SIGTERM stops training and still saves the best
weights so far. With ``--json`` the last line of output is a JSON summary.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cartpole_game.agents.checkpoint import save_checkpoint
from cartpole_game.agents.registry import trainable_kinds
from cartpole_game.cli.main import program_name
from cartpole_game.core.atomic import atomic_write_text
from cartpole_game.core.errors import UsageError
from cartpole_game.game.app import run_game
from cartpole_game.game.arguments import check_writable_file, whole_number
from cartpole_game.game.config import RunConfig, TrainConfig
from cartpole_game.game.render.chart import LearningCurve, render_learning_curve_png
from cartpole_game.training.trainers import TrainerSpec, trainer_ref

if TYPE_CHECKING:
    from cartpole_game.agents.checkpoint import Checkpoint
    from cartpole_game.training import TrainProgress

PACE_NAMES = ("real-time", "4x", "16x", "turbo")  # the order of cartpole_game.training.live.PACES
RUNS_DIR = Path("runs")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    algos = trainable_kinds()
    parser.add_argument("--algo", choices=algos, required=True, help="what to train")
    parser.add_argument("--seed", type=whole_number(0, "seed"), default=0, help="default 0")
    parser.add_argument(
        "--steps",
        type=whole_number(1, "steps"),
        metavar="N",
        help="environment-step budget (default "
        + ", ".join(f"{trainer_ref(a).default_steps:,} for {a}" for a in algos)
        + ")",
    )
    parser.add_argument(
        "--min-steps",
        type=whole_number(0, "min-steps"),
        default=0,
        metavar="N",
        help="dqn: once solved, keep training until N steps, keeping the best weights "
        "(a longer-trained agent recovers better from pushes)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="checkpoint to write (default runs/<algo>-seed<N>.safetensors)",
    )
    parser.add_argument("--json", action="store_true", help="end with a JSON summary line")
    parser.add_argument(
        "--headless", action="store_true", help="no window: a progress bar in the terminal"
    )
    view = parser.add_argument_group("the live training view (without --headless)")
    view.add_argument(
        "--continue-after-solved",
        action="store_true",
        help="keep training after a greedy evaluation reaches 475 (default: stop there)",
    )
    view.add_argument(
        "--pace",
        choices=PACE_NAMES,
        default="turbo",
        help="real-time shows every training step at 50 Hz; turbo trains at full speed",
    )
    view.add_argument(
        "--view",
        action="store_true",
        help="draw the live view even with --headless (SDL's dummy driver; for --screenshot)",
    )
    view.add_argument(
        "--frames", type=whole_number(1, "frames"), metavar="N", help="stop after N frames"
    )
    view.add_argument(
        "--screenshot", type=Path, metavar="PATH", help="save the last frame as a PNG"
    )
    view.add_argument("--data-dir", type=Path, metavar="DIR", help="where live checkpoints go")


def _command_line() -> str:
    """The command that is running, as it would be typed, for the checkpoint's metadata."""
    prog = program_name()
    typed = ["python", prog] if prog.endswith(".py") else prog.split()
    return shlex.join([*typed, *sys.argv[1:]])


def _check_out_path(out: Path) -> None:
    if out.suffix != ".safetensors":
        raise UsageError(f"--out {out}: the file name must end in .safetensors")
    if out.is_dir():
        raise UsageError(f"cannot write checkpoint {out}: it is a directory")
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot write checkpoint {out}: {e.strerror or e}") from None
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise UsageError(f"cannot write checkpoint {out}: permission denied")


@contextlib.contextmanager
def _sigterm_as_interrupt(received: list[int]) -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt, so both save the best weights and exit cleanly."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def save_with_fallback(path: Path, checkpoint: Checkpoint) -> tuple[Path, str | None]:
    """Save atomically to ``path``; if that fails, to a temp folder. Returns (where, error)."""
    try:
        return save_checkpoint(path, checkpoint), None
    except OSError as e:
        error = f"cannot write checkpoint {path}: {e.strerror or e}"
    fallback = Path(tempfile.gettempdir()) / f"cartpole_game-{os.getpid()}-{path.name}"
    try:
        return save_checkpoint(fallback, checkpoint), error
    except OSError as e:
        return Path(), f"{error}; nor to {fallback}: {e.strerror or e}"


def _write_curve(
    out: Path, returns: list[tuple[int, float]], evals: list[tuple[int, float]], title: str
) -> tuple[Path, Path]:

    curve_path = out.with_name(out.stem + ".curve.jsonl")
    plot_path = out.with_name(out.stem + ".curve.png")
    lines = [json.dumps({"type": "episode", "step": s, "return": r}) for s, r in returns]
    lines += [json.dumps({"type": "eval", "step": s, "mean": m}) for s, m in evals]
    atomic_write_text(curve_path, "\n".join(lines) + "\n")
    render_learning_curve_png(str(plot_path), LearningCurve(returns, evals, title=title))
    return curve_path, plot_path


def run_view(args: argparse.Namespace) -> int:
    """The live training view: the game window, with the trainer in a worker thread."""
    if args.out is not None:
        _check_out_path(args.out)
    if args.screenshot is not None:
        check_writable_file(args.screenshot, "screenshot")
    if args.json:
        raise UsageError("--json goes with --headless (the terminal progress bar)")
    if args.headless and args.frames is None:
        raise UsageError("--headless --view needs --frames N, or it would never end")
    config = RunConfig(
        mode="train",
        headless=args.headless,
        frames=args.frames,
        seed=args.seed,
        screenshot=args.screenshot,
        data_dir=args.data_dir,
        train=TrainConfig(
            algo=args.algo,
            steps=args.steps,
            out=args.out,
            stop_when_solved=not args.continue_after_solved,
            pace=PACE_NAMES.index(args.pace),
        ),
    )
    return run_game(config)


def run(args: argparse.Namespace) -> int:
    if args.view or not args.headless:
        return run_view(args)
    from tqdm import tqdm

    spec = TrainerSpec(args.algo, args.steps, args.seed, min_steps=args.min_steps)
    steps = spec.budget
    out: Path = args.out or RUNS_DIR / f"{args.algo}-seed{args.seed}.safetensors"
    if spec.min_steps and args.algo != "dqn":
        raise UsageError("--min-steps applies to --algo dqn only")
    if spec.min_steps > steps:
        raise UsageError(f"--min-steps {spec.min_steps} is more than the budget --steps {steps}")
    _check_out_path(out)
    trainer = spec.build()

    returns: list[tuple[int, float]] = []
    evals: list[tuple[int, float]] = []
    recent: deque[float] = deque(maxlen=20)
    progress = None
    interrupted = False
    signals: list[int] = []
    bar = tqdm(total=steps, unit="step", unit_scale=True, dynamic_ncols=True, file=sys.stderr)
    last_postfix = 0.0
    try:
        with _sigterm_as_interrupt(signals):
            for progress in trainer:
                returns.extend((progress.steps, r) for r in progress.episode_returns)
                recent.extend(progress.episode_returns)
                if progress.evaluation is not None:
                    evals.append((progress.steps, progress.evaluation.mean))
                bar.update(min(progress.steps, steps) - bar.n)
                now = time.monotonic()
                if now - last_postfix > 0.25 or progress.done:
                    last_postfix = now
                    bar.set_postfix_str(_postfix(progress, recent, evals), refresh=False)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()

    if trainer.best_checkpoint() is None:  # stopped before any evaluation: evaluate now
        point = trainer.evaluate_current()
        evals.append((point.steps, point.mean))
    checkpoint = trainer.best_checkpoint(command=_command_line())
    best = trainer.best_eval
    assert checkpoint is not None and best is not None, "evaluated above if not before"
    where, error = save_with_fallback(out, checkpoint)
    curve_path = plot_path = None
    if error is None:
        try:
            curve_path, plot_path = _write_curve(
                out, returns, evals, f"{args.algo}, seed {args.seed}"
            )
        except Exception as e:  # the checkpoint is safe; a missing plot is only worth a warning
            print(
                f"{program_name()}: warning: could not write the learning curve: {e}",
                file=sys.stderr,
            )

    solved = progress is not None and progress.solved
    summary = {
        "algo": args.algo,
        "seed": args.seed,
        "solved": solved,
        "solved_at_steps": progress.solved_at_steps if progress else None,
        "steps": trainer.steps,
        "train_seconds": round(trainer.elapsed, 3),
        "eval_mean": best.mean,
        "eval_std": best.std,
        "eval_episodes": best.episodes,
        "checkpoint": str(where) if str(where) != "." else None,
        "curve": str(curve_path) if curve_path else None,
        "plot": str(plot_path) if plot_path else None,
        "interrupted": interrupted,
    }
    if interrupted:
        print("interrupted: saving the best weights so far", file=sys.stderr)
    if error is not None:
        kept = f"; the weights were saved to {where} instead" if summary["checkpoint"] else ""
        print(f"{program_name()}: error: {error}{kept}", file=sys.stderr)
    if not args.json:
        state = (
            f"solved after {summary['solved_at_steps']:,} steps"
            if solved
            else f"not solved in {trainer.steps:,} steps"
        )
        print(
            f"{args.algo} seed {args.seed}: {state} in {trainer.elapsed:.1f} s of training; "
            f"best evaluation {best.mean:.1f} ± {best.std:.1f} over {best.episodes} episodes"
        )
        if summary["checkpoint"]:
            print(f"checkpoint: {where}")
        if curve_path:
            print(f"learning curve: {curve_path} (plot {plot_path})")
    else:
        print(json.dumps(summary))
    if error is not None:
        return 1
    if interrupted:
        return 128 + signal.SIGTERM if signals else 130
    return 0


def _postfix(progress: TrainProgress, recent: deque[float], evals: list[tuple[int, float]]) -> str:
    parts = []  # tqdm itself shows steps/s
    if recent:
        parts.append(f"return {sum(recent) / len(recent):.0f}")
    if progress.epsilon is not None:
        parts.append(f"ε {progress.epsilon:.2f}")
    if evals:
        parts.append(f"last eval {evals[-1][1]:.0f}")
    return ", ".join(parts)
