"""Versus on a level of the ladder, the slower-rate handicap and the fair handicaps."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pygame
import pytest

from cartpole_game.agents import load_agent
from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.scenes import versus_draw
from cartpole_game.game.scenes.versus import VersusScene, handicap_side, side_handicap, side_title
from cartpole_game.sim.actions import NO_PUSH
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import ConstantController
from cartpole_game.sim.disturbances import Disturbances
from cartpole_game.sim.handicap import FAIR_HANDICAPS, SlowController, handicapped, parse_handicap
from cartpole_game.sim.levels import LEVELS, Level, LevelEnv
from cartpole_game.sim.versus import VersusMatch
from tests.helpers import run_play


class _Recorder:
    """Remembers every observation it was asked to act on; never pushes."""

    name = "recorder"

    def __init__(self) -> None:
        self.seen: list[np.ndarray] = []

    def act(self, observation: np.ndarray) -> int:
        self.seen.append(observation.copy())
        return NO_PUSH

    def reset(self) -> None:
        self.seen.clear()


# -- versus on a level ----------------------------------------------------------------------------
def _states_in_level_env(level: Level, seed: int, actions: list[int]) -> list[np.ndarray]:
    """The observations LevelEnv on ``level`` gives from ``seed`` under ``actions``."""
    env = LevelEnv(level.number, allow_no_push=True)
    observation, _ = env.reset(seed=seed)
    seen = [observation]
    for action in actions:
        observation, *_ = env.step(action)
        seen.append(observation)
    return seen


@pytest.mark.parametrize("level", [lv for lv in LEVELS if not lv.disturbances.any])
def test_a_match_on_a_level_plays_that_levels_physics_and_goal(level: Level) -> None:
    recorder = _Recorder()
    match = VersusMatch(recorder, load_agent("linear"), seed=21, rounds=3, level=level)
    match.play_round()
    match.next_round()  # round 2 starts from the next seed
    result = match.play_round()
    for arena in match.arenas:
        expected = _states_in_level_env(level, 22, arena.log.actions)
        assert np.array_equal(arena.observation, expected[-1])
    expected = _states_in_level_env(level, 22, match.left.log.actions)
    seen = [*recorder.seen, match.left.observation]  # every state of the side, in order
    assert all(np.array_equal(a, b) for a, b in zip(seen, expected, strict=True))
    assert match.left.params == level.params == match.right.params
    assert result.left_score < result.right_score <= level.goal_steps  # pushing beats not


def test_a_windy_level_blows_the_same_wind_on_both_sides_as_play_does() -> None:
    breezy = next(level for level in LEVELS if level.disturbances.wind is not None)
    match = VersusMatch(load_agent("dqn"), ConstantController(NO_PUSH), 5, level=breezy)
    assert match.disturbances.wind_on  # the level's wind, without W
    match.play_round()
    left, right = match.arenas
    assert right.log.wind == left.log.wind[: len(right.log.wind)] and len(left.log.wind) > 20
    play = Disturbances(5, schedule=breezy.disturbances)  # play seeds it by the run's seed
    assert [force for _, force in left.log.wind] == [
        play.next_wind() for _ in range(len(left.log.wind))
    ]
    assert max(abs(force) for _, force in left.log.wind) <= breezy.disturbances.wind_max
    match.disturbances.toggle_wind()  # W turns the level's wind off for the rest of the match
    match.next_round()
    assert not match.disturbances.wind_on


def test_versus_level_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = run_play("versus", "--level", "9", "--headless", "--frames", "3")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "no level 9" in bad.stderr
    table = run_play("versus", "--left", "dqn", "--right", "linear", "--level", "broom",
                     "--headless", "--episodes", "2", "--seed", "4", "--json")  # fmt: skip
    assert table.returncode == 0, table.stderr
    summary = json.loads(table.stdout.strip().splitlines()[-1])
    broom = LEVELS[0]
    assert summary["level"] == 1 and "tally on level 1 Broom" in table.stdout
    for row, seed in zip(summary["rounds"], (4, 5), strict=True):
        alone = Arena(load_agent("dqn"), seed=seed, params=broom.params)
        while not alone.done:
            alone.step()
        assert row["left"] == alone.score <= broom.goal_steps
    drawn: list[str] = []
    original = versus_draw.blit_text
    monkeypatch.setattr(
        versus_draw,
        "blit_text",
        lambda s, t, text, *a, **k: drawn.append(text) or original(s, t, text, *a, **k),
    )
    app = App(RunConfig(mode="versus", headless=True, seed=3, data_dir=tmp_path, level=3))
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, VersusScene) and scene.match.level is LEVELS[2]
        assert app.ctx.time_scale == LEVELS[2].time_scale  # the level's own speed
        assert scene.match.left.params == LEVELS[2].params == scene.match.right.params
        app.frame()
        assert any(text.startswith("Level 3 Half speed · 0.5×") for text in drawn), drawn
    finally:
        app.close()


def test_a_slower_rate_holds_each_decision_for_k_steps() -> None:
    class Alternating(_Recorder):
        def act(self, observation: np.ndarray) -> int:
            super().act(observation)
            return len(self.seen) % 2  # 1, 0, 1, ...: a new push at every decision

    inner = Alternating()
    slow = handicapped(inner, parse_handicap("rate:4"))
    assert isinstance(slow, SlowController) and str(slow.handicap) == "acts every 4 steps"
    arena = Arena(slow, seed=2)
    given = []
    for _ in range(10):
        given.append(arena.observation.copy())
        arena.step()
    assert arena.log.actions == [1, 1, 1, 1, 0, 0, 0, 0, 1, 1]
    assert all(np.array_equal(a, given[t]) for a, t in zip(inner.seen, (0, 4, 8), strict=True))
    arena.reset()
    arena.step()
    assert len(inner.seen) == 1  # a new episode decides at once
    assert side_title(slow) == "RECORDER (acts every 4 steps)"
    for bad in ("rate:1", "rate:26", "rate:x", "rate:2.5"):
        with pytest.raises(ValueError, match="rate:K"):
            parse_handicap(bad)
    cli = run_play("versus", "--headless", "--frames", "3", "--handicap", "rate:1")
    assert cli.returncode == 2 and cli.stderr.count("\n") == 1 and "rate:K" in cli.stderr


def test_the_fair_handicap_is_the_tables_setting_for_each_agent_on_the_level() -> None:
    config = RunConfig(mode="versus", handicap="fair", level=6, seed=1)
    dqn = handicap_side(load_agent("dqn"), config, "dqn")
    assert getattr(dqn, "handicap", None) == FAIR_HANDICAPS[6]["dqn"] is not None
    linear = handicap_side(load_agent("linear"), config, "linear")
    assert getattr(linear, "handicap", None) == FAIR_HANDICAPS[6]["linear"]
    file_agent = load_agent("dqn")
    assert handicap_side(file_agent, config, "/some/agent.safetensors") is file_agent
    easy = RunConfig(mode="versus", handicap="fair", level=1)
    assert FAIR_HANDICAPS[1]["dqn"] is None and side_handicap("dqn", easy) is None


def test_a_headless_table_keeps_every_round_when_one_side_wins_them_all() -> None:
    result = run_play("versus", "--left", "dqn", "--right", "linear", "--handicap", "delay:4",
                      "--headless", "--episodes", "4", "--seed", "1", "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert [r["round"] for r in summary["rounds"]] == [1, 2, 3, 4]
    assert summary["wins"]["right"] == summary["episodes"] == 4


@pytest.mark.parametrize("level", [LEVELS[0], LEVELS[-1]])
def test_the_stick_pushes_in_proportion_where_the_level_allows_it(
    tmp_path: Path, level: Level
) -> None:
    app = App(
        RunConfig(mode="versus", headless=True, seed=2, data_dir=tmp_path, level=level.number)
    )
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, VersusScene)
        tilt = pygame.event.Event(pygame.JOYAXISMOTION, instance_id=0, joy=0, axis=0, value=0.75)
        pygame.event.post(tilt)
        for _ in range(4):
            app.frame()
        force = scene.match.left.env.last_force
        full = level.physics.force_mag
        assert (0 < force < full) if level.analog else force == full  # a part, or a full push
    finally:
        app.close()


def test_two_humans_are_named_by_their_side_and_a_goal_says_goal() -> None:
    from cartpole_game.game.scenes.versus_draw import _ended, side_names
    from cartpole_game.sim.arena import Arena, EndReason
    from cartpole_game.sim.controllers import HumanController

    assert side_names((HumanController(), HumanController())) == ("LEFT PLAYER", "RIGHT PLAYER")
    arena = Arena(HumanController(), seed=1)
    arena.end_reason = EndReason.MAX_STEPS
    assert _ended(arena) == "Goal reached"


def test_the_headless_table_keeps_its_columns_under_a_long_agent_name(tmp_path: Path) -> None:
    import shutil

    from cartpole_game.agents.loader import shipped_path
    from tests.helpers import run_play

    long_name = tmp_path / "a-linear-agent-with-a-rather-long-name.safetensors"
    shutil.copy(shipped_path("linear"), long_name)
    result = run_play(
        "versus",
        "--left",
        "dqn",
        "--right",
        str(long_name),
        "--headless",
        "--episodes",
        "2",
        "--data-dir",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()[:3]
    assert "right a-linear-agent-with-a-rather-long-name" in header
    right_edge = header.index("long-name") + len("long-name")
    for row in rows:
        assert row[:right_edge].rstrip().endswith(row.split()[2])  # the right score ends there
        assert row[right_edge - 1] != " "
