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


def test_the_demonstrations_row_compares_medians_and_counts_runs_that_never_got_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cartpole_game.harness import bench_demos

    # Without: robust at 10k, 20k, 30k steps; with: 5k, 10k and one never robust in 50k steps.
    robust = {None: [10_000, 20_000, 30_000], "demos": [5_000, 10_000, None]}

    def fake_run(seed: int, demos: object, margin: float) -> dict[str, object]:
        side = None if demos is None else "demos"
        at = robust[side][seed]
        return {
            "seed": seed,
            "solved_at_steps": 1_000,
            "solved_at_seconds": 1.0 if side else 2.0,
            "robust_at_steps": at,
            "robust_at_seconds": None if at is None else at / 1000,
            "steps": 50_000,
            "seconds": 60.0,
        }

    monkeypatch.setattr(bench_demos, "_run", fake_run)
    fig = bench_demos.dqn_demos_benchmark(seeds=3)
    assert fig["demonstrations"]["episodes"] == 5 and fig["demonstrations"]["drivers"] == {
        "lqr": 2500
    }
    assert fig["robust_median_steps"] == [20_000, 10_000]  # the run that never did counts 50k
    assert fig["robust_steps_reduction"] == pytest.approx(0.5)
    assert fig["robust_median_seconds"] == [20.0, 10.0]
    assert fig["robust_never"] == [0, 1]
    assert fig["solved_seconds_reduction"] == pytest.approx(0.5)
    rows = bench_learn.table_rows({"clone": [], "lqr_available": True, "dqn_demos": fig})
    solved, robust_row = rows[-2], rows[-1]
    assert "1,000 → 1,000 steps (0% fewer), 2.0 → 1.0 s (50% fewer)" in solved[1]
    assert solved[2].endswith("no")
    assert "20,000 → 10,000 steps (50% fewer)" in robust_row[1]
    assert "never robust in the budget: 0 without, 1 with" in robust_row[1]
    assert robust_row[2].endswith("yes")


def test_the_simulated_players_row_gives_the_most_any_clone_could_agree() -> None:
    teacher = bench_learn.Teacher("simulated player", LEVELS[0])
    row = bench_learn.clone_fidelity(teacher, eval_episodes=2)
    ceiling = row["noiseless_agreement"]
    assert ceiling is not None and 0.8 < ceiling < 1.0  # its noise flips some of its presses
    rows = bench_learn.table_rows({"clone": [row], "lqr_available": True})
    assert f"the player without its noise agrees on {ceiling:.1%}" in rows[0][1]
    assert rows[0][2].endswith("out of reach: its noise caps any clone below 95%)")
