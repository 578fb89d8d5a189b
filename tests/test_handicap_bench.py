"""The handicap bench: versus rounds of the simulated player against handicapped agents, the fair
setting closest to 50%, and the table of fair settings the versus setup offers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cartpole_game.agents import load_agent
from cartpole_game.harness.bench_handicap import (
    AGENTS,
    GRID,
    NONE,
    HandicapRow,
    fair_settings,
    handicap_rows,
    player_scores,
    table_mismatches,
    table_spec,
    versus_outcomes,
)
from cartpole_game.sim.handicap import FAIR_HANDICAPS, handicapped, parse_handicap
from cartpole_game.sim.levels import LEVELS
from cartpole_game.sim.player_model import HUMAN_MODEL, SimulatedPlayer
from cartpole_game.sim.versus import VersusMatch
from tests.helpers import run_play


def _row(handicap: str, wins: int, draws: int, losses: int, level: int = 1) -> HandicapRow:
    episodes = wins + draws + losses
    return HandicapRow(
        level=level,
        name="x",
        agent="dqn",
        handicap=handicap,
        episodes=episodes,
        wins=wins,
        draws=draws,
        losses=losses,
        win_share=(wins + draws / 2) / episodes,
    )


def test_the_fair_setting_is_the_one_closest_to_half_the_rounds() -> None:
    rows = [
        _row(NONE, 0, 2, 8),  # 10%
        _row("delay:2", 3, 0, 7),  # 30%
        _row("rate:3", 5, 2, 3),  # 60%: closest
        _row("noise:0.3", 9, 0, 1),  # 90%
        _row(NONE, 5, 0, 5, level=2),  # 50%, first: kept on a tie
        _row("delay:2", 4, 2, 4, level=2),  # 50% too
    ]
    assert fair_settings(rows) == {1: {"dqn": "rate:3"}, 2: {"dqn": NONE}}


@pytest.mark.parametrize(
    ("level", "agent", "handicap"), [(4, "dqn", "delay:2"), (5, "linear", "rate:4")]
)
def test_the_bench_counts_what_real_versus_rounds_give(
    level: int, agent: str, handicap: str
) -> None:
    """Playing each side alone gives the very rounds a versus match of the two plays."""
    chosen = LEVELS[level - 1]
    rounds, seed = 8, 3
    scores = player_scores(chosen, rounds, seed)
    counted = versus_outcomes(chosen, agent, handicap, scores, seed)
    player = SimulatedPlayer(HUMAN_MODEL, chosen.time_scale, chosen.params.tau, seed=seed)
    opponent = handicapped(load_agent(agent), parse_handicap(handicap), seed=seed)
    match = VersusMatch(player, opponent, seed=seed, rounds=2 * rounds - 1, level=chosen)
    results = []
    for k in range(rounds):
        if k:
            match.next_round()
        results.append(match.play_round())
    assert [r.left_score for r in results] == scores
    winners = [r.winner for r in results]
    assert counted == (winners.count("left"), winners.count("draw"), winners.count("right"))
    assert sum(counted) == rounds and len(set(winners)) > 1  # a real contest, not all one way


def test_every_fair_setting_in_the_table_is_one_the_bench_measures() -> None:
    assert sorted(FAIR_HANDICAPS) == [level.number for level in LEVELS]
    for level in LEVELS:
        for agent in AGENTS:
            assert table_spec(level.number, agent) in GRID, (level.number, agent)


def test_the_table_matches_a_fresh_run_on_cartpole_v1() -> None:
    """The full bench takes about a minute; CartPole-v1, where the player falls within a second,
    is cheap enough to remeasure here with the bench's own rounds and seed."""
    fair = fair_settings(handicap_rows(levels=(LEVELS[-1],)))
    assert table_mismatches(fair) == []
    assert fair[6] == {agent: table_spec(6, agent) for agent in AGENTS}
    assert table_mismatches({6: {"dqn": NONE}}) == [
        f"level 6 dqn: the table says {table_spec(6, 'dqn')}, the bench measured none"
    ]


def test_bench_only_handicap_prints_the_grid_and_the_fair_settings(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = run_play("bench", "--only", "handicap", "--handicap-episodes", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert sum(line.startswith("fair handicap, level ") for line in lines) == 2 * len(LEVELS)
    grid = lines.index(next(line for line in lines if line.startswith("handicap ")))
    assert [line.split()[0] for line in lines[grid + 1 : grid + 1 + len(GRID)]] == list(GRID)
    assert "FAIR_HANDICAPS" in result.stdout
    figures = json.loads(out.read_text())["handicap"]
    assert len(figures["rows"]) == len(LEVELS) * len(AGENTS) * len(GRID)
    assert figures["table_matches"] == (figures["mismatches"] == [])
    bad = run_play("bench", "--only", "handicap", "--handicap-episodes", "0")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
