"""``python play.py bench``: the performance figures the issues ask for, as a table and JSON.

The measurements live in :mod:`cartpole_game.harness.bench_game` (frames, start-up, live
training), :mod:`cartpole_game.harness.bench_agents` (training speed and reliability),
:mod:`cartpole_game.harness.bench_human` (how often a simulated player wins each level),
:mod:`cartpole_game.harness.bench_handicap` (which agent handicap is a fair match on each level)
:mod:`cartpole_game.harness.bench_foreign` (loading and playing agents from other libraries)
and :mod:`cartpole_game.harness.bench_train_start` (how soon Train live shows learning)
and :mod:`cartpole_game.harness.bench_learn` (learning from demonstrations: clone fidelity).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cartpole_game.core.atomic import atomic_write_text
from cartpole_game.core.errors import UsageError
from cartpole_game.harness import (
    bench_agents,
    bench_foreign,
    bench_game,
    bench_handicap,
    bench_human,
    bench_learn,
    bench_train_start,
)

SECTIONS = (
    "frames",
    "startup",
    "gym-render",
    "linear",
    "dqn",
    "sb3",
    "throughput",
    "live",
    "train-start",
    "human",
    "handicap",
    "foreign",
    "learn",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--only",
        metavar="LIST",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run (default: all of {', '.join(SECTIONS)})",
    )
    parser.add_argument(
        "--frames",
        type=int,
        default=1500,
        metavar="N",
        help="frames per frame-time measurement (default 1500)",
    )
    parser.add_argument(
        "--startup-runs",
        type=int,
        default=5,
        metavar="N",
        help="launches to time for start-up (default 5)",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=10,
        metavar="N",
        help="seeds of the default linear and DQN training runs (default 10)",
    )
    parser.add_argument(
        "--sb3-seeds",
        type=int,
        default=3,
        metavar="N",
        help="seeds for the Stable-Baselines3 reference, when it is installed (default 3)",
    )
    parser.add_argument(
        "--live-seeds",
        type=int,
        default=5,
        metavar="N",
        help="seeds for the live-training comparison (default 5)",
    )
    parser.add_argument(
        "--train-start-runs",
        type=int,
        default=3,
        metavar="N",
        help="clicks on Train live to time, with a warm worker and cold (default 3 each)",
    )
    parser.add_argument(
        "--human-episodes",
        type=int,
        default=100,
        metavar="N",
        help="episodes the simulated player plays on each level (default 100)",
    )
    parser.add_argument(
        "--human-seed",
        type=int,
        default=0,
        metavar="N",
        help="seed of the simulated player's episodes (default 0)",
    )
    parser.add_argument(
        "--handicap-episodes",
        type=int,
        default=bench_handicap.EPISODES,
        metavar="N",
        help="versus rounds per level, agent and handicap, for the fair handicaps "
        f"(default {bench_handicap.EPISODES})",
    )
    parser.add_argument(
        "--learn-episodes",
        type=int,
        default=bench_learn.EVAL_EPISODES,
        metavar="N",
        help="fresh episodes on which each teacher's clone is judged "
        f"(default {bench_learn.EVAL_EPISODES})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("bench_results.json"),
        metavar="PATH",
        help="where to write the figures as JSON (default bench_results.json)",
    )


def run(args: argparse.Namespace) -> int:
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        raise UsageError(
            f"--only: unknown section {unknown[0]!r} (choose from {', '.join(SECTIONS)})"
        )
    if args.frames < 100:
        raise UsageError(f"--frames must be at least 100, got {args.frames}")
    if args.human_episodes < 1:
        raise UsageError(f"--human-episodes must be at least 1, got {args.human_episodes}")
    if args.handicap_episodes < 1:
        raise UsageError(f"--handicap-episodes must be at least 1, got {args.handicap_episodes}")
    if args.learn_episodes < 1:
        raise UsageError(f"--learn-episodes must be at least 1, got {args.learn_episodes}")
    if args.train_start_runs < 1:
        raise UsageError(f"--train-start-runs must be at least 1, got {args.train_start_runs}")

    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    }
    with tempfile.TemporaryDirectory() as scratch:
        steps: dict[str, Callable[[], dict[str, Any]]] = {
            "frames": lambda: {
                mode: bench_game.measure_mode_frames(mode, args.frames, Path(scratch))
                for mode in bench_game.FRAME_MODES
            },
            "startup": lambda: bench_game.measure_startup(args.startup_runs),
            "gym-render": lambda: bench_game.measure_gym_render(args.frames),
            "live": lambda: bench_game.measure_live(args.live_seeds, Path(scratch)),
            "train-start": lambda: bench_train_start.measure_train_start(
                args.train_start_runs, Path(scratch)
            ),
            "linear": lambda: bench_agents.linear_benchmark(args.seeds),
            "dqn": lambda: bench_agents.dqn_benchmark(args.seeds),
            "sb3": lambda: bench_agents.sb3_reference(args.sb3_seeds),
            "throughput": bench_agents.headless_training_throughput,
            "human": lambda: bench_human.human_benchmark(args.human_episodes, args.human_seed),
            "foreign": lambda: bench_foreign.foreign_benchmark(Path(scratch)),
            "handicap": lambda: bench_handicap.handicap_benchmark(
                args.handicap_episodes, args.human_seed
            ),
            "learn": lambda: bench_learn.learn_benchmark(args.learn_episodes),
        }
        for name in wanted:
            print(f"measuring {name} ...", file=sys.stderr, flush=True)
            results[name] = steps[name]()
    if "dqn" in results and "sb3" in results:
        results["sb3_over_ours"] = {
            rule: bench_agents.speedup_ratio(results["dqn"], results["sb3"], rule)
            for rule in ("solve", "robust", "robust_at_least")
        }
    print(format_table(results))
    if "handicap" in results:
        print("\n" + bench_handicap.format_grid(results["handicap"]))
    try:
        atomic_write_text(args.out, json.dumps(results, indent=2) + "\n")
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(f"\nwritten to {args.out}")
    return 0


def format_table(results: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str]] = []
    for mode, fig in results.get("frames", {}).items():
        target = {"play": "median ≤ 2 ms"}.get(
            mode, "median ≤ 4 ms" if mode.startswith("versus") else ""
        )
        rows.append(
            (
                f"frame time, {mode}, 1280×720 (CPU)",
                f"median {fig['median_ms']:.2f} ms, p99 {fig['p99_ms']:.2f} ms",
                target,
            )
        )
    if "startup" in results:
        fig = results["startup"]
        rows.append(
            (
                "launch to first frame (headless)",
                f"median {fig['median_s']:.2f} s, max {fig['max_s']:.2f} s",
                "≤ 1 s",
            )
        )
    if "gym-render" in results:
        fig = results["gym-render"]
        rows.append(
            (
                "reference: gymnasium render + step, 600×400",
                f"median {fig['median_ms']:.2f} ms, p99 {fig['p99_ms']:.2f} ms",
                "",
            )
        )
    rows += bench_agents.table_rows(results)
    if "live" in results:
        fig = results["live"]
        rows.append(
            (
                "live training (turbo): throughput vs headless",
                f"{fig['live_steps_per_s']:,.0f} vs {fig['headless_steps_per_s']:,.0f} steps/s "
                f"({fig['throughput_ratio']:.0%})",
                "≥ 80%",
            )
        )
        rows.append(
            (
                "live training: UI frame rate, longest frame",
                f"median {fig['fps_median']:.1f} FPS, max {fig['frame_max_ms']:.0f} ms",
                "≥ 55 FPS, ≤ 50 ms",
            )
        )
        rows.append(
            (
                "live training: time to solve vs headless",
                f"{fig['solve_ratio']:.2f}× (median over {fig['seeds']} seeds)",
                "≤ 1.25×",
            )
        )
    if "train-start" in results:
        rows += bench_train_start.table_rows(results["train-start"])
    if "human" in results:
        fig = results["human"]
        rows_human = fig["levels"]
        for index, row in enumerate(rows_human):
            if index == 0:
                target = f"≥ {bench_human.FIRST_LEVEL_TARGET:.0%}"
            else:
                target = f"< level {rows_human[index - 1]['level']}"
                if index == len(rows_human) - 1:
                    target += ", hard"
            rows.append(
                (
                    f"simulated player, level {row['level']} {row['name']} "
                    f"({row['time_scale']:g}×, goal {row['goal_steps']})",
                    f"wins {row['win_share']:.0%} of {row['episodes']}, "
                    f"median {row['median_steps']:g} steps",
                    target,
                )
            )
    if "handicap" in results:
        rows += handicap_rows(results["handicap"])
    if "foreign" in results:
        rows += bench_foreign.table_rows(results["foreign"])
    if "learn" in results:
        rows += bench_learn.table_rows(results["learn"])
    widths = [max(len(r[i]) for r in [("figure", "measured", "target"), *rows]) for i in range(3)]
    lines = [
        " | ".join(
            h.ljust(w) for h, w in zip(("figure", "measured", "target"), widths, strict=True)
        )
    ]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def handicap_rows(fig: dict[str, Any]) -> list[tuple[str, str, str]]:
    """One row per level and agent: its fair handicap, the simulated player's record against it
    (wins-draws-losses) and whether the table the versus setup uses still says the same."""
    rows = []
    for level, by_agent in fig["fair"].items():
        for agent in by_agent:
            row = bench_handicap.fair_row(fig, int(level), agent)
            table = bench_handicap.table_spec(int(level), agent)
            verdict = "matches" if table == row["handicap"] else f"differs ({table})"
            rows.append(
                (
                    f"fair handicap, level {level} {row['name']}, {agent}",
                    f"{row['handicap']}: player wins {row['win_share']:.0%} of "
                    f"{row['episodes']} ({row['wins']}-{row['draws']}-{row['losses']})",
                    f"closest to 50%; table {verdict}",
                )
            )
    return rows
