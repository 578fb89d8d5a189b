"""``bench --only learn``: clone fidelity, a clone's agreement with its teacher on fresh states
and how long it plays."""

from __future__ import annotations

import pytest

from cartpole_game.harness import bench_learn
from cartpole_game.sim.levels import LEVELS
from tests.helpers import run_play


@pytest.mark.slow
def test_the_bench_measures_a_linear_teachers_clone() -> None:
    teacher = bench_learn.Teacher("linear", LEVELS[-1], "linear")
    row = bench_learn.clone_fidelity(teacher, eval_episodes=2)
    assert row["eval_states"] == 1000 and row["demo_steps"] == 2500
    assert row["agreement"] >= 0.95 and row["length_met"]
    rows = bench_learn.table_rows({"clone": [row], "lqr_available": False})
    assert "agrees on" in rows[0][1] and rows[0][2].endswith("met")
    assert rows[-1][0] == "clone of lqr"


def test_bench_learn_refuses_no_episodes_with_one_line() -> None:
    result = run_play("bench", "--only", "learn", "--learn-episodes", "0")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "--learn-episodes must be at least 1" in result.stderr
