"""The ladder of levels: parameters reach the physics, and the last level is CartPole-v1."""

from __future__ import annotations

import dataclasses
import json

import gymnasium as gym
import numpy as np
import pytest

import cartpole_game  # noqa: F401  (registers the environments)
from cartpole_game.sim import physics
from cartpole_game.sim.actions import NO_PUSH
from cartpole_game.sim.arena import Arena, EndReason
from cartpole_game.sim.controllers import ConstantController
from cartpole_game.sim.levels import LEVELS, PHYSICS_KEYS, LevelEnv, level_by_spec


def test_last_level_is_cartpole_v1_bit_for_bit() -> None:
    last = LEVELS[-1]
    assert last.time_scale == 1.0 and last.goal_steps == 500
    assert last.params == physics.CARTPOLE_V1
    assert not last.disturbances.any
    ours = gym.make(last.env_id)
    theirs = gym.make("CartPole-v1")
    for key in PHYSICS_KEYS:
        assert getattr(last.physics, key) == getattr(theirs.unwrapped, key), key
    rng = np.random.default_rng(7)
    steps = 0
    for _ in range(40):
        seed = int(rng.integers(2**31))
        a, _ = ours.reset(seed=seed)
        b, _ = theirs.reset(seed=seed)
        assert a.tobytes() == b.tobytes()
        while True:
            action = int(rng.integers(2))
            got, want = ours.step(action), theirs.step(action)
            steps += 1
            assert got[0].tobytes() == want[0].tobytes(), f"step {steps}"
            assert got[1:4] == want[1:4]
            if got[2] or got[3]:
                break
    assert steps > 500


def test_a_longer_pole_falls_more_slowly_from_the_same_start() -> None:
    short = dataclasses.replace(physics.CARTPOLE_V1, length=0.5)
    long = dataclasses.replace(physics.CARTPOLE_V1, length=1.5)
    survived = {}
    for name, params in (("short", short), ("long", long)):
        arena = Arena(ConstantController(NO_PUSH), seed=3, params=params)
        while not arena.done:
            arena.step()
        assert arena.end_reason is EndReason.POLE_FELL
        survived[name] = arena.score
    assert survived["long"] > 1.3 * survived["short"]


def test_each_level_is_a_registered_environment_with_its_own_physics() -> None:
    for level in LEVELS:
        env = gym.make(level.env_id)
        assert env.spec is not None and env.spec.max_episode_steps == level.goal_steps
        assert env.unwrapped.params == level.params
    broom = gym.make(LEVELS[0].env_id)
    v1 = gym.make(LEVELS[-1].env_id)
    broom.reset(seed=1)
    v1.reset(seed=1)
    # Same start, same push: the long pole's angular velocity changes less.
    assert abs(broom.step(1)[0][3]) < abs(v1.step(1)[0][3])


def test_a_windy_level_is_reproducible_from_its_seed() -> None:
    windy = next(level for level in LEVELS if level.disturbances.wind is not None)

    def run(seed: int) -> list[bytes]:
        env = LevelEnv(windy.number)
        env.reset(seed=seed)
        return [env.step(i % 2)[0].tobytes() for i in range(12)]

    assert run(4) == run(4)
    assert run(4) != run(5)


def test_levels_are_found_by_number_or_name() -> None:
    assert level_by_spec("1") is LEVELS[0]
    assert level_by_spec(LEVELS[0].name.upper()) is LEVELS[0]
    assert level_by_spec("cartpole-v1") is LEVELS[-1]
    with pytest.raises(ValueError, match="there is no level 99"):
        level_by_spec("99")
    with pytest.raises(ValueError, match="no level named"):
        level_by_spec("jupiter")


def test_medals_are_a_third_two_thirds_and_all_of_the_goal() -> None:
    level = LEVELS[0]
    assert level.medal_for(0) is None
    assert level.medal_for(level.goal_steps // 3) == "bronze"
    assert level.medal_for(level.goal_steps * 2 // 3 + 1) == "silver"
    assert level.medal_for(level.goal_steps) == "gold"


def test_levels_command_lists_the_ladder_as_json() -> None:
    from tests.helpers import run_play

    result = run_play("levels", "--json")
    assert result.returncode == 0, result.stderr
    ladder = json.loads(result.stdout)
    assert [entry["name"] for entry in ladder] == [level.name for level in LEVELS]
    for entry in ladder:
        assert set(entry["physics"]) == set(PHYSICS_KEYS)
        assert {"time_scale", "goal_steps", "disturbances"} <= set(entry)
    last = ladder[-1]
    assert last["physics"] == {
        "gravity": 9.8,
        "masscart": 1.0,
        "masspole": 0.1,
        "length": 0.5,
        "force_mag": 10.0,
        "tau": 0.02,
    }
    assert last["time_scale"] == 1.0 and last["goal_steps"] == 500
    text = run_play("levels")
    assert text.returncode == 0 and "1. Broom" in text.stdout


@pytest.mark.parametrize(
    ("spec", "fragment"), [("99", "there is no level 99"), ("jupiter", "no level named 'jupiter'")]
)
def test_an_unknown_level_is_one_line_and_exit_2(spec: str, fragment: str) -> None:
    from tests.helpers import run_play

    result = run_play("play", "--level", spec, "--headless", "--frames", "3")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert fragment in result.stderr


def test_levels_into_a_pipe_that_closes_early_stops_quietly() -> None:
    import subprocess
    import sys

    from tests.helpers import REPO_ROOT

    game = subprocess.Popen(
        [sys.executable, "play.py", "levels"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert game.stdout is not None and game.stderr is not None
    game.stdout.close()  # the reader is gone before the game writes (like ``| head -0``)
    err = game.stderr.read()
    game.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err
