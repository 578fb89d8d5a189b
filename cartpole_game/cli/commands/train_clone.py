"""``python play.py train --algo clone --demos PATH [PATH ...]``: behaviour cloning, in seconds.

Reads the demonstrations (replay files, or folders of them), keeps the steps of ``--driver``,
trains the clone (:mod:`cartpole_game.training.clone`) and writes a normal checkpoint whose
metadata holds the demonstrations' summary and the held-out agreement, which the last lines (or
the ``--json`` line) report too. The checkpoint is never written over an existing file unless
``--force`` says so, as for every ``train``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cartpole_game.agents.checkpoint import save_with_fallback, unused_path
from cartpole_game.cli.main import program_name
from cartpole_game.core.errors import UsageError
from cartpole_game.core.text import drawable_path
from cartpole_game.training.demonstrations import Demonstrations, load_demonstrations, skipped_line

# Options of the play-to-learn trainers that mean nothing to a clone, and how each was left.
_NOT_FOR_CLONE = (
    ("steps", None),
    ("min_steps", 0),
    ("view", False),
    ("frames", None),
    ("screenshot", None),
    ("continue_after_solved", False),
    ("demo_margin", 0.0),
)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def run_clone(
    args: argparse.Namespace,
    check_out: Callable[[Path, bool], None],
    command: str,
    runs_dir: Path,
) -> int:
    """Train a clone as ``args`` say; ``check_out`` refuses an output path that must not be
    written (as ``train`` does), ``command`` is recorded in the checkpoint."""
    for name, unset in _NOT_FOR_CLONE:
        if getattr(args, name, unset) != unset:
            flag = "--" + name.replace("_", "-")
            raise UsageError(
                f"{flag} does not apply to --algo {args.algo} (it learns from --demos)"
            )
    if not args.demos:
        raise UsageError(
            f"--algo {args.algo} needs --demos PATH [PATH ...]: replay files or folders of them"
        )
    out: Path = (
        args.out
        if args.out is not None
        else unused_path(runs_dir / f"{args.algo}-seed{args.seed}.safetensors")
    )
    check_out(out, args.force)
    existed = out.exists() or out.is_symlink()
    demos = load_demonstrations(args.demos, args.driver, args.level)
    if demos.skipped:
        print(f"{program_name()}: warning: {skipped_line(demos)}", file=sys.stderr)
    from cartpole_game.training.clone import train_clone  # torch: only once the demos are good

    fit, checkpoint = train_clone(demos, seed=args.seed, command=command)
    target = out
    if (out.exists() or out.is_symlink()) and not existed:
        target = unused_path(out)  # a file that appeared meanwhile is someone else's
        print(
            f"{program_name()}: {drawable_path(out, 1000)} appeared while training and is kept; "
            f"the clone goes to {drawable_path(target, 1000)}",
            file=sys.stderr,
        )
    where, error = save_with_fallback(target, checkpoint)
    summary: dict[str, Any] = {
        "algo": args.algo,
        "seed": args.seed,
        "checkpoint": str(where) if where is not None else None,
        **fit.report(),
        "demonstrations": demos.summary(),
        "skipped": list(demos.skipped),
    }
    if error is not None:
        kept = f"; the clone was saved to {where} instead" if where is not None else ""
        print(f"{program_name()}: error: {error}{kept}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary))
    else:
        print(report_line(demos, summary))
        if where is not None:
            print(f"checkpoint: {where}")
    return 1 if error is not None else 0


def report_line(demos: Demonstrations, summary: dict[str, Any]) -> str:
    """What the clone learned from and how well it agrees, in one line."""
    made = demos.summary()
    drivers = ", ".join(f"{name} {steps:,}" for name, steps in made["drivers"].items())
    levels = ", ".join(str(n) for n in made["levels"])
    held = summary["held_out_agreement"]
    if held is None:
        agrees = (
            f"agrees on {percent(summary['train_agreement'])} of the steps it learned from "
            "(one episode: none held out; give it two or more for an honest figure)"
        )
    else:
        episodes = summary["held_out_episodes"]
        agrees = (
            f"agrees with its teacher on {percent(held)} of {summary['held_out_steps']:,} "
            f"held-out steps ({episodes} episode{'s' if episodes != 1 else ''} it never saw)"
        )
    stopped = f", stopped early (best at epoch {summary['best_epoch']})"
    return (
        f"clone of {made['episodes']} episode(s), {made['steps']:,} steps ({drivers}) from "
        f"{made['files']} replay file(s), level {levels}: {agrees}; "
        f"{summary['train_seconds']:.1f} s, {summary['epochs']} epochs"
        + (stopped if summary["stopped_early"] else "")
    )
