"""``bench --only learn``, DAgger: rounds of LQR's labels until an untrained student reaches 500
in 95% of its episodes, and the labels it took."""

from __future__ import annotations

from cartpole_game.harness import bench_dagger


def test_a_seed_counts_the_rounds_and_labels_to_the_target() -> None:
    row = bench_dagger.dagger_seed(2)
    assert row["rounds_to_target"] == len(row["reached_by_round"]) - 1 >= 1
    assert row["labelled"] == 500 * row["rounds_to_target"]
    assert row["reached_by_round"][0] == 0.0 and row["reached_by_round"][-1] >= 0.95
    assert 0 < row["disagreed"] <= row["labelled"]


def test_the_row_says_whether_every_seed_met_the_target() -> None:
    seeds = [
        {"rounds_to_target": 2, "labelled": 1000, "disagreed": 600},
        {"rounds_to_target": None, "labelled": 2500, "disagreed": 900},
    ]
    (row,) = bench_dagger.table_rows({"seeds": seeds, "met": False})
    assert "2, >5" in row[1] and "2,500 labelled steps" in row[1] and row[2].endswith("not met")
