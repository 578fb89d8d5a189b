"""``bench --only dqn,sb3``: the ratio to SB3 for each rule, and an honest lower bound when SB3's
runs never became robust in their budget."""

from __future__ import annotations

import pytest

from cartpole_game.harness import bench_agents

DQN = {"median_solve_training_seconds": 0.5, "median_robust_training_seconds": 4.0}
SB3 = {
    "available": True,
    "seeds": 3,
    "budget": 50_000,
    "solved": 3,
    "robust": 0,
    "median_solve_seconds": 20.0,
    "median_robust_seconds": float("inf"),
    "median_robust_seconds_at_least": 60.0,
}


def test_the_ratios_divide_sb3s_medians_by_ours() -> None:
    assert bench_agents.speedup_ratio(DQN, SB3, "solve") == pytest.approx(40.0)
    assert bench_agents.speedup_ratio(DQN, SB3, "robust") is None  # SB3 never got there
    assert bench_agents.speedup_ratio(DQN, SB3, "robust_at_least") == pytest.approx(15.0)
    assert bench_agents.speedup_ratio(DQN, {"available": False}, "solve") is None


def test_the_rows_say_when_sb3_never_became_robust_and_give_the_lower_bound() -> None:
    ratios = {rule: bench_agents.speedup_ratio(DQN, SB3, rule) for rule in
              ("solve", "robust", "robust_at_least")}  # fmt: skip
    rows = bench_agents.table_rows({"sb3": SB3, "sb3_over_ours": ratios})
    solve, robust = rows
    assert "20.0 s training (3 of 3 seeds); ours is 40.0× faster" in solve[1]
    assert "not reached by most of 3 seeds in 50,000 steps (0 did)" in robust[1]
    assert "SB3 trained 60.0 s (median) without getting there" in robust[1]
    assert "at least 15.0× faster" in robust[1]
