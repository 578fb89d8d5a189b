"""``eval --suite robust``: an agent's robustness report card, with LQR's row beside it.

Both rows play the very same episodes (the suite's held-out seeds) on the same level; see
:mod:`cartpole_game.training.robust_suite` for the conditions and the seeds.
"""

from __future__ import annotations

import json
import time

from cartpole_game.agents import describe_source, load_agent
from cartpole_game.sim.controllers import Controller
from cartpole_game.sim.levels import Level
from cartpole_game.training.robust_suite import (
    CONDITIONS,
    HELD_OUT_FIRST_SEED,
    SEEDS_PER_CONDITION,
    RobustReport,
    robust_suite,
)

REFERENCE = "lqr"
MAX_NAME_WIDTH = 40
CELL_WIDTH = 13


def timed_suite(
    agent: Controller, level: Level, episodes: int, first_seed: int
) -> tuple[RobustReport, float]:
    started = time.perf_counter()
    report = robust_suite(agent, level, episodes=episodes, first_seed=first_seed)
    return report, time.perf_counter() - started


def cell(reached: float, mean: float) -> str:
    """``98.7 (493)``: the % of episodes reaching the goal, and their mean length."""
    return f"{100 * reached:.1f} ({mean:.0f})"


def table_lines(reports: list[RobustReport]) -> list[str]:
    """The header and a row per report, the names as wide as the longest (up to a limit)."""
    width = min(MAX_NAME_WIDTH, max(len("agent"), *(len(r.agent) for r in reports))) + 2
    header = "agent".ljust(width) + "".join(c.label.ljust(CELL_WIDTH) for c in CONDITIONS)
    lines = [header.rstrip()]
    for report in reports:
        cells = (cell(r.reached, r.mean).ljust(CELL_WIDTH) for r in report.results)
        lines.append((report.agent[: width - 2].ljust(width) + "".join(cells)).rstrip())
    return lines


def off_track_words(report: RobustReport) -> str:
    """How many of its failed episodes, over every condition, ended with the cart off the track."""
    failed = sum(int((r.returns < r.goal).sum()) for r in report.results)
    if not failed:
        return f"{report.agent} never failed"
    off = sum(int(r.left_track[r.returns < r.goal].sum()) for r in report.results)
    return f"{report.agent}: {off:,} of {failed:,} failures ran the cart off the track"


def run(spec: str, level: Level, episodes: int, seed: int, as_json: bool) -> int:
    agent = load_agent(spec)
    first_seed = HELD_OUT_FIRST_SEED + seed
    report, seconds = timed_suite(agent, level, episodes, first_seed)
    if spec == REFERENCE:
        reference, reference_seconds = report, seconds
    else:
        reference, reference_seconds = timed_suite(
            load_agent(REFERENCE), level, episodes, first_seed
        )
    if as_json:
        print(
            json.dumps(
                {
                    "suite": "robust",
                    "agent": spec,
                    "level": level.number,
                    "level_name": level.name,
                    "goal": level.goal_steps,
                    "episodes_per_condition": episodes,
                    "first_seed": first_seed,
                    "seeds_per_condition": SEEDS_PER_CONDITION,
                    "result": report.as_dict(),
                    "reference": reference.as_dict(),
                    "seconds": round(seconds, 3),
                    "reference_seconds": round(reference_seconds, 3),
                }
            )
        )
        return 0
    rows = [report] if spec == REFERENCE else [report, reference]
    print(
        f"{agent.name} ({describe_source(spec)}) on level {level.number}, {level.name}: % of "
        f"{episodes:,} fresh episodes per condition reaching {level.goal_steps} steps "
        "(mean steps)"
    )
    print("\n".join(table_lines(rows)))
    print("; ".join(off_track_words(r) for r in rows))
    print(
        f"seeds {first_seed:,} + {SEEDS_PER_CONDITION:,}·condition + episode (held out from "
        f"training); {seconds:.1f} s"
        + ("" if spec == REFERENCE else f", lqr {reference_seconds:.1f} s")
    )
    return 0
