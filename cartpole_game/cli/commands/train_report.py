"""What ``train --headless`` says when it stops: when it solved, when it became robust, how long
the whole run took, and the held-out card (:mod:`cartpole_game.training.held_out`).

Three times are kept apart: the training time when the run first *solved* (CartPole-v1's mean
of 475 on a check's 100 fresh standard episodes), when it first became *robust* (a check met
every target of :mod:`cartpole_game.training.robust_check`), and the whole run's (training,
checks, the held-out card and saving). The figures reported for the saved weights are the
held-out card's, never the checks' that chose them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cartpole_game.cli.commands.robust_card import table_lines

if TYPE_CHECKING:
    from cartpole_game.training import Trainer, TrainProgress
    from cartpole_game.training.held_out import HeldOutCard


@dataclass(frozen=True)
class RunOutcome:
    """A finished headless run: what was trained, where it went, what it is worth."""

    algo: str
    seed: int
    level: int
    trainer: Trainer
    progress: TrainProgress | None
    card: HeldOutCard
    where: Path | None
    curve: Path | None
    plot: Path | None
    interrupted: bool
    wall_seconds: float  # from the command's start to the checkpoint and curve written


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def summary(run: RunOutcome) -> dict[str, Any]:
    """The JSON summary (the last line of ``--json``)."""
    p, card = run.progress, run.card
    standard = card.standard
    best = run.trainer.best_eval
    return {
        "algo": run.algo,
        "seed": run.seed,
        "level": run.level,
        "solved": p is not None and p.solved,
        "solved_at_steps": p.solved_at_steps if p else None,
        "solved_at_seconds": _rounded(p.solved_at_seconds) if p else None,
        "robust": p is not None and p.robust,
        "robust_at_steps": p.robust_at_steps if p else None,
        "robust_at_seconds": _rounded(p.robust_at_seconds) if p else None,
        # Of those times, the checks' (the same rule's cost for any learner; see bench).
        "check_seconds_to_solve": _check_seconds(run, p.solved_at_steps if p else None),
        "check_seconds_to_robust": _check_seconds(run, p.robust_at_steps if p else None),
        "steps": run.trainer.steps,
        "steps_kept": best.steps if best else None,
        "train_seconds": round(run.trainer.elapsed, 3),
        "wall_seconds": round(run.wall_seconds, 3),
        # The held-out standard episodes (1,000 fresh ones), not the checks that chose the weights.
        "eval_mean": standard.mean,
        "eval_std": float(standard.returns.std()),
        "eval_episodes": len(standard.seeds),
        "held_out": card.as_metadata(),
        "selection_eval_mean": best.mean if best else None,
        "checkpoint": str(run.where) if run.where is not None else None,
        "curve": str(run.curve) if run.curve else None,
        "plot": str(run.plot) if run.plot else None,
        "interrupted": run.interrupted,
        "demonstrations": _demonstrations(run.trainer),
    }


def _demonstrations(trainer: Trainer) -> dict[str, Any] | None:
    """What seeded the replay buffer (``--demos``), or None (a trainer without any)."""
    summary = getattr(trainer, "demonstrations_summary", None)
    return summary() if summary is not None else None


def _check_seconds(run: RunOutcome, steps: int | None) -> float | None:
    selection = getattr(run.trainer, "selection", None)
    if selection is None or steps is None:
        return None
    return round(selection.seconds_until(steps), 3)


def _when(steps: int | None, seconds: float | None) -> str:
    return f"step {steps:,}" + (f" ({seconds:.1f} s of training)" if seconds is not None else "")


def report_lines(run: RunOutcome) -> list[str]:
    """The human-readable report."""
    s = summary(run)
    done = []
    if s["solved"]:
        done.append("solved at " + _when(s["solved_at_steps"], s["solved_at_seconds"]))
    else:
        done.append("not solved")
    if s["robust"]:
        done.append("robust at " + _when(s["robust_at_steps"], s["robust_at_seconds"]))
    else:
        done.append("never robust on a check")
    lines = [f"{run.algo} seed {run.seed}: " + "; ".join(done)]
    if s["demonstrations"]:
        d = s["demonstrations"]
        margin = f", margin {d['margin']:g}" if d["margin"] else ""
        lines.append(
            f"seeded with {d['transitions']:,} demonstrated transitions (mirror images included) "
            f"from {d['episodes']} episode(s) in {d['files']} file(s); "
            f"{d['no_push_left_out']:,} 'no push' step(s) left out{margin}"
        )
    lines += [
        f"stopped at step {s['steps']:,} after {s['train_seconds']:.1f} s of training, "
        f"{s['wall_seconds']:.1f} s in all; kept the weights of step {s['steps_kept']:,}",
        f"held out ({s['eval_episodes']:,} fresh episodes per condition, never used to stop or "
        "choose), % reaching the goal (mean steps):",
        *("  " + line for line in table_lines([run.card.agent])),
        "  LQR on the same episodes: "
        + ", ".join(
            f"{r.condition.label} {100 * r.reached:.1f}" for r in run.card.reference.results
        ),
        f"standard: mean {s['eval_mean']:.1f} ± {s['eval_std']:.1f}",
    ]
    if s["checkpoint"]:
        lines.append(f"checkpoint: {s['checkpoint']}")
    if s["curve"]:
        lines.append(f"learning curve: {s['curve']} (plot {s['plot']})")
    return lines


def print_report(run: RunOutcome, as_json: bool) -> None:
    if as_json:
        print(json.dumps(summary(run)))
    else:
        print("\n".join(report_lines(run)))
