"""``python play.py train``: train a DQN or a linear policy headless, with a progress bar.

Trains until robust (:mod:`cartpole_game.training.robust_check`), then plays the held-out card
(:mod:`cartpole_game.training.held_out`) and writes the best checked weights as a checkpoint,
with the card in its metadata, the learning curve as JSON lines and a PNG plot of it next to
the checkpoint; the report (:mod:`.train_report`) keeps the time to solve, the time to robust
and the run's time apart. ``--level N`` trains and measures on a level. Ctrl-C or SIGTERM stops
training and still saves the best weights so far (with their card). With ``--json`` the last
line of output is a JSON summary.

An existing checkpoint is never overwritten unless ``--force`` says so (the default name is made
unique instead), an interrupted run never replaces an existing file, and the shipped agents are
never a target at all.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cartpole_game.agents.checkpoint import save_with_fallback, unused_path
from cartpole_game.agents.loader import is_shipped
from cartpole_game.agents.registry import demo_seeded_kinds, demo_trained_kinds, trainable_kinds
from cartpole_game.cli.commands.train_report import RunOutcome, print_report
from cartpole_game.cli.main import program_name
from cartpole_game.core.atomic import atomic_write_text
from cartpole_game.core.errors import UsageError
from cartpole_game.core.text import drawable_path
from cartpole_game.game.app import run_game
from cartpole_game.game.arguments import (
    check_writable_file,
    level_number,
    non_negative_number,
    whole_number,
)
from cartpole_game.game.config import RunConfig, TrainConfig
from cartpole_game.game.render.chart import LearningCurve, render_learning_curve_png
from cartpole_game.sim.actions import NO_PUSH
from cartpole_game.sim.levels import LEVELS
from cartpole_game.training.demonstrations import DRIVERS, load_demonstrations, skipped_line
from cartpole_game.training.held_out import final_checkpoint
from cartpole_game.training.trainers import TrainerSpec, trainer_ref

if TYPE_CHECKING:
    from cartpole_game.training import Trainer, TrainProgress

PACE_NAMES = ("real-time", "4x", "16x", "turbo")  # the order of cartpole_game.training.live.PACES
RUNS_DIR = Path("runs")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    algos = trainable_kinds()
    cloners = demo_trained_kinds()
    parser.add_argument("--algo", choices=(*algos, *cloners), required=True, help="what to train")
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
        help="dqn: once robust, keep training until N steps, keeping the best checked weights "
        "(a longer-trained agent recovers better from pushes)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="checkpoint to write (default runs/<algo>-seed<N>.safetensors, or -2, -3... "
        "if that exists); an existing file is refused unless --force",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="let --out replace an existing checkpoint (never a shipped agent)",
    )
    parser.add_argument("--json", action="store_true", help="end with a JSON summary line")
    seeded = demo_seeded_kinds()
    demos = parser.add_argument_group(
        f"learning from demonstrations (--algo {'|'.join(cloners)}; "
        f"--algo {'|'.join(seeded)}: they seed its replay buffer)"
    )
    demos.add_argument(
        "--demos",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="replay files, or folders of them (e.g. --save-replays DIR, or the data folder's demos/)",
    )
    demos.add_argument(
        "--demo-margin",
        type=non_negative_number("demo-margin"),
        default=0.0,
        metavar="M",
        help=f"--algo {'|'.join(seeded)} --demos: DQfD's large-margin loss, the demonstrated "
        "push at least M above the other in Q (default 0: none)",
    )
    demos.add_argument(
        "--driver",
        choices=DRIVERS,
        default="any",
        help="learn from the steps a human drove, an agent drove, or every step (default any)",
    )
    demos.add_argument(
        "--level",
        type=level_number,
        metavar="N|NAME",
        help="only the replays of this level; with --algo "
        f"{'|'.join(algos)} --headless: train on the level's physics, goal, wind and pokes, and "
        f"measure the result there (1 to {len(LEVELS)} or its name; default CartPole-v1)",
    )
    parser.add_argument(
        "--headless", action="store_true", help="no window: a progress bar in the terminal"
    )
    view = parser.add_argument_group("the live training view (without --headless)")
    view.add_argument(
        "--continue-after-solved",
        action="store_true",
        help="keep training once robust (default: stop at the first check meeting every target)",
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


def _check_out_path(out: Path, force: bool = False) -> None:
    shown = drawable_path(out, 1000)
    if out.suffix != ".safetensors":
        raise UsageError(f"--out {shown}: the file name must end in .safetensors")
    if out.is_dir():
        raise UsageError(f"cannot write checkpoint {shown}: it is a directory")
    if is_shipped(out):
        raise UsageError(
            f"--out {shown}: that is where the shipped agents live; "
            "training never overwrites them (write elsewhere, then copy)"
        )
    if (out.exists() or out.is_symlink()) and not force:
        raise UsageError(
            f"--out {shown} already exists; add --force to replace it, or choose another name"
        )
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot write checkpoint {shown}: {e.strerror or e}") from None
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise UsageError(f"cannot write checkpoint {shown}: permission denied")


class _Signals:
    """SIGTERM turned into KeyboardInterrupt (so both save the best weights and exit cleanly),
    from the very start of the command: the seconds spent importing torch included. Once
    ``saving`` is set, further signals are only recorded, so nothing interrupts the save."""

    def __init__(self) -> None:
        self.received: list[int] = []
        self.saving = False

    def handler(self, signum: int, frame: object) -> None:
        self.received.append(signum)
        if not self.saving:
            raise KeyboardInterrupt


@contextlib.contextmanager
def _sigterm_as_interrupt(signals: _Signals) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, signals.handler)
    previous_int = signal.getsignal(signal.SIGINT)

    def on_sigint(signum: int, frame: object) -> None:
        if signals.saving:  # a second Ctrl-C while saving: let the save finish
            signals.received.append(signum)
            return
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


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
        _check_out_path(args.out, args.force)
    if args.screenshot is not None:
        check_writable_file(args.screenshot, "screenshot")
    if args.json:
        raise UsageError("--json goes with --headless (the terminal progress bar)")
    if args.level is not None:
        raise UsageError("--level goes with --headless (the live view trains on CartPole-v1)")
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
            demos=_check_demos(args, len(LEVELS)),
            demo_driver=args.driver,
            demo_margin=args.demo_margin,
        ),
    )
    return run_game(config)


def run(args: argparse.Namespace) -> int:
    if args.algo in demo_trained_kinds():
        from cartpole_game.cli.commands.train_clone import run_clone

        return run_clone(args, _check_out_path, _command_line(), RUNS_DIR)
    if args.demos and args.algo not in demo_seeded_kinds():
        takes = (*demo_trained_kinds(), *demo_seeded_kinds())
        raise UsageError(f"--demos goes with --algo {'|'.join(takes)}")
    if args.demo_margin and not args.demos:
        raise UsageError("--demo-margin needs --demos PATH [PATH ...]")
    if args.view or not args.headless:
        return run_view(args)
    started = time.perf_counter()
    signals = _Signals()
    with _sigterm_as_interrupt(signals):
        return _run_headless(args, signals, started)


def _check_demos(args: argparse.Namespace, level: int) -> tuple[str, ...]:
    """``--demos`` for a trainer that plays: loaded once here (numpy, before torch), so a bad
    file or nothing to learn from is one line before any training; the paths go to the spec."""
    if not args.demos:
        return ()
    demos = load_demonstrations(args.demos, args.driver, level)
    if demos.skipped:
        print(f"{program_name()}: warning: {skipped_line(demos)}", file=sys.stderr)
    if not int((demos.actions != NO_PUSH).sum()):
        raise UsageError(
            "the demonstrations hold no push to learn from (a DQN cannot take 'no push')"
        )
    return tuple(str(path) for path in args.demos)


def _run_headless(args: argparse.Namespace, signals: _Signals, started: float) -> int:
    level = args.level or len(LEVELS)
    spec = TrainerSpec(
        args.algo,
        args.steps,
        args.seed,
        min_steps=args.min_steps,
        level=level,
        demos=_check_demos(args, level),
        demo_driver=args.driver,
        demo_margin=args.demo_margin,
    )
    steps = spec.budget
    if spec.min_steps and args.algo != "dqn":
        raise UsageError("--min-steps applies to --algo dqn only")
    if spec.min_steps > steps:
        raise UsageError(f"--min-steps {spec.min_steps} is more than the budget --steps {steps}")
    out = _output_path(args)
    existed = out.exists() or out.is_symlink()  # only with --force

    try:
        trainer = spec.build()  # imports torch: seconds in which a signal may arrive
    except KeyboardInterrupt:
        signals.saving = True
        how = "SIGTERM" if signal.SIGTERM in signals.received else "interrupted"
        print(
            f"{program_name()}: {how} while starting up, before any training: nothing to save",
            file=sys.stderr,
        )
        return 128 + signal.SIGTERM if signal.SIGTERM in signals.received else 130

    run = _train(trainer, steps, signals)
    if run.interrupted:
        how = "SIGTERM" if signal.SIGTERM in signals.received else "interrupted"
        print(f"{how}: saving the best weights so far", file=sys.stderr)
    if trainer.best_checkpoint() is None:  # stopped before any evaluation: evaluate now
        point = trainer.evaluate_current()
        run.evals.append((point.steps, point.mean))
    final = final_checkpoint(trainer, command=_command_line())
    assert final is not None, "evaluated above if not before"
    checkpoint, card = final
    target = out
    if (run.interrupted and existed) or ((out.exists() or out.is_symlink()) and not existed):
        # An interrupted run never replaces a file (with --force either), and a file that
        # appeared while training is someone else's: write next to it instead.
        target = unused_path(out)
        print(
            f"{program_name()}: {drawable_path(out, 1000)} is kept as it is; "
            f"this run's weights go to {drawable_path(target, 1000)}",
            file=sys.stderr,
        )
    where, error = save_with_fallback(target, checkpoint)
    curve_path, plot_path = (None, None) if error else _try_curve(target, run, args)
    if error is not None:
        kept = f"; the weights were saved to {where} instead" if where is not None else ""
        print(f"{program_name()}: error: {error}{kept}", file=sys.stderr)
    outcome = RunOutcome(
        args.algo, args.seed, level, trainer, run.progress, card, where, curve_path, plot_path,
        run.interrupted, time.perf_counter() - started,
    )  # fmt: skip
    print_report(outcome, args.json)
    if error is not None:
        return 1
    if run.interrupted:
        return 128 + signal.SIGTERM if signal.SIGTERM in signals.received else 130
    return 0


def _output_path(args: argparse.Namespace) -> Path:
    """``--out``, checked, or the default name made unique: never an existing file."""
    if args.out is not None:
        _check_out_path(args.out, args.force)
        return Path(args.out)
    out = unused_path(RUNS_DIR / f"{args.algo}-seed{args.seed}.safetensors")
    _check_out_path(out)
    return out


def _try_curve(out: Path, run: _Run, args: argparse.Namespace) -> tuple[Path | None, Path | None]:
    """Write the learning curve and its plot beside ``out``; a failure is only a warning."""
    try:
        return _write_curve(out, run.returns, run.evals, f"{args.algo}, seed {args.seed}")
    except Exception as e:  # the checkpoint is safe; a missing plot is only worth a warning
        print(
            f"{program_name()}: warning: could not write the learning curve: {e}", file=sys.stderr
        )
        return None, None


@dataclass
class _Run:
    """A headless training loop's record: its last progress, its curve, and how it ended."""

    progress: TrainProgress | None = None
    returns: list[tuple[int, float]] = field(default_factory=list)
    evals: list[tuple[int, float]] = field(default_factory=list)
    interrupted: bool = False


def _train(trainer: Trainer, steps: int, signals: _Signals) -> _Run:
    """Train with a progress bar until the trainer stops or a signal interrupts it."""
    from tqdm import tqdm

    run = _Run()
    recent: deque[float] = deque(maxlen=20)
    bar = tqdm(total=steps, unit="step", unit_scale=True, dynamic_ncols=True, file=sys.stderr)
    last_postfix = 0.0
    try:
        for progress in trainer:
            run.progress = progress
            run.returns.extend((progress.steps, r) for r in progress.episode_returns)
            recent.extend(progress.episode_returns)
            if progress.evaluation is not None:
                run.evals.append((progress.steps, progress.evaluation.mean))
            bar.update(min(progress.steps, steps) - bar.n)
            now = time.monotonic()
            if now - last_postfix > 0.25 or progress.done:
                last_postfix = now
                bar.set_postfix_str(_postfix(progress, recent, run.evals), refresh=False)
    except KeyboardInterrupt:
        run.interrupted = True
    finally:
        signals.saving = True  # from here on a signal never cuts the save short
        bar.close()
    return run


def _postfix(progress: TrainProgress, recent: deque[float], evals: list[tuple[int, float]]) -> str:
    parts = []  # tqdm itself shows steps/s
    if recent:
        parts.append(f"return {sum(recent) / len(recent):.0f}")
    if progress.epsilon is not None:
        parts.append(f"ε {progress.epsilon:.2f}")
    if evals:
        parts.append(f"last eval {evals[-1][1]:.0f}")
    if progress.robust:
        parts.append("robust")
    elif progress.solved:
        parts.append("solved")
    return ", ".join(parts)
