"""The foreign-agents bench: fixtures for each format, formats whose library is missing skipped
with the reason, and rows that say what was measured (the timings themselves are the bench's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartpole_game.agents import load_agent
from cartpole_game.harness import bench_foreign


def test_missing_libraries_skip_their_formats_and_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench_foreign, "_missing", lambda *modules: modules[0])
    fixtures = bench_foreign.build_fixtures(tmp_path)
    assert "onnx not installed" in str(fixtures["onnx"])
    assert "stable-baselines3 not installed" in str(fixtures["sb3-dqn"])
    assert "stable-baselines3 not installed" in str(fixtures["sb3-ppo"])
    # The formats that need only the game's own dependencies are still built, and load.
    assert load_agent(fixtures["cleanrl"]).name == "DQN (CleanRL) · dqn.cleanrl_model"
    assert load_agent(fixtures["safetensors"]).name == "dqn"


def test_rows_name_the_format_the_figures_and_the_targets() -> None:
    figures = {
        "baseline_act_us": 9.0,
        "runs": 3,
        "formats": {
            "onnx": {
                "load_median_s": 0.2,
                "load_max_s": 0.25,
                "imports_torch": False,
                "name": "ONNX · dqn.onnx",
                "description": "ONNX scores",
                "act_us": 10.0,
                "baseline_act_us": 9.0,
                "act_ratio": 10.0 / 9.0,
            },
            "sb3-ppo": {"skipped": "stable-baselines3 not installed"},
        },
    }
    rows = bench_foreign.table_rows(figures)
    assert rows[0] == (
        "load onnx (ONNX scores), fresh process",
        "median 0.20 s, max 0.25 s, no torch",
        "< 0.3 s, no torch",
    )
    assert rows[1][1].startswith("10.0 µs (1.11× the shipped DQN's 9.0 µs)")
    assert rows[2] == ("foreign agent, sb3-ppo", "skipped: stable-baselines3 not installed", "")
