"""The simulated player: it sees late, holds its keys, rests in the dead band, and finds the first
level far easier than the last."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import Controller
from cartpole_game.sim.levels import LEVELS
from cartpole_game.sim.player_model import HUMAN_MODEL, PlayerModel, SimulatedPlayer, play_level

UPRIGHT = np.zeros(4, dtype=np.float32)
LEANING_RIGHT = np.array([0.0, 0.0, 0.1, 0.0], dtype=np.float32)
LEANING_LEFT = -LEANING_RIGHT
NOISELESS = dataclasses.replace(HUMAN_MODEL, angle_noise=0.0, angular_velocity_noise=0.0)


def actions(player: SimulatedPlayer, observations: list[np.ndarray]) -> list[int]:
    return [player.act(obs) for obs in observations]


def test_the_model_is_the_issues_player() -> None:
    assert HUMAN_MODEL.reaction_delay_s == 0.2
    assert HUMAN_MODEL.hold_min_s == 0.06
    assert HUMAN_MODEL.angle_noise > 0 and HUMAN_MODEL.angular_velocity_noise > 0
    assert HUMAN_MODEL.dead_band > 0
    assert isinstance(SimulatedPlayer(), Controller)


@pytest.mark.parametrize(
    ("time_scale", "delay", "hold"),
    [(0.25, 3, 1), (0.5, 5, 2), (0.75, 8, 3), (1.0, 10, 3), (2.0, 20, 6)],
)
def test_delay_and_hold_are_real_time_converted_to_steps(
    time_scale: float, delay: int, hold: int
) -> None:
    # 0.2 s and 60 ms of real time are 0.2·s and 0.06·s of game time, in 0.02 s steps.
    player = SimulatedPlayer(time_scale=time_scale)
    assert (player.delay, player.hold) == (delay, hold)


def test_no_delay_and_a_single_step_hold_at_the_extremes() -> None:
    instant = dataclasses.replace(NOISELESS, reaction_delay_s=0.0, hold_min_s=0.0)
    player = SimulatedPlayer(instant, time_scale=1.0)
    assert (player.delay, player.hold) == (0, 1)
    assert actions(player, [LEANING_RIGHT, LEANING_LEFT, UPRIGHT]) == [
        PUSH_RIGHT,
        PUSH_LEFT,
        NO_PUSH,
    ]


@pytest.mark.parametrize("time_scale", [0.5, 1.0])
def test_a_lean_shows_in_the_actions_only_after_the_reaction_delay(time_scale: float) -> None:
    player = SimulatedPlayer(NOISELESS, time_scale=time_scale)
    delay = player.delay
    upright_for = 15
    got = actions(player, [UPRIGHT] * upright_for + [LEANING_RIGHT] * (delay + 3))
    # Reacting to the start, then the upright pole: nothing. The lean at step 15 is acted on
    # exactly ``delay`` steps later, not one step sooner.
    assert got[: upright_for + delay] == [NO_PUSH] * (upright_for + delay)
    assert got[upright_for + delay :] == [PUSH_RIGHT] * 3


def test_nothing_is_pressed_while_the_player_is_still_reacting_to_the_start() -> None:
    player = SimulatedPlayer(NOISELESS, time_scale=1.0)
    got = actions(player, [LEANING_LEFT] * 12)
    assert got == [NO_PUSH] * 10 + [PUSH_LEFT] * 2
    player.reset()  # a new episode: the reaction starts over
    assert actions(player, [LEANING_LEFT] * 11) == [NO_PUSH] * 10 + [PUSH_LEFT]


@pytest.mark.parametrize("time_scale", [0.5, 1.0, 2.0])
def test_a_press_lasts_at_least_the_minimum_hold(time_scale: float) -> None:
    player = SimulatedPlayer(
        dataclasses.replace(NOISELESS, reaction_delay_s=0.0), time_scale=time_scale
    )
    hold = player.hold
    # The pole leans right for one look only, then is upright: the key stays down for the hold.
    got = actions(player, [LEANING_RIGHT] + [UPRIGHT] * (hold + 2))
    assert got == [PUSH_RIGHT] * hold + [NO_PUSH] * 3
    # A lean the other way during a hold waits for the hold to end.
    player.reset()
    got = actions(player, [LEANING_RIGHT] + [LEANING_LEFT] * (hold + 1))
    assert got == [PUSH_RIGHT] * hold + [PUSH_LEFT] * 2


def test_the_dead_band_means_no_push_near_upright() -> None:
    player = SimulatedPlayer(dataclasses.replace(NOISELESS, reaction_delay_s=0.0))
    band = HUMAN_MODEL.dead_band
    for theta in (0.0, 0.5 * band, -0.9 * band):
        player.reset()
        assert player.act(np.array([0.0, 0.0, theta, 0.0], dtype=np.float32)) == NO_PUSH
    player.reset()
    assert player.act(np.array([0.0, 0.0, 1.5 * band, 0.0], dtype=np.float32)) == PUSH_RIGHT
    player.reset()
    # Falling left fast while still upright: it pushes left, ahead of the lean.
    assert player.act(np.array([0.0, 0.0, 0.0, -0.3], dtype=np.float32)) == PUSH_LEFT
    # With its noisy eyes it still mostly leaves a still, upright pole alone.
    noisy = SimulatedPlayer(dataclasses.replace(HUMAN_MODEL, reaction_delay_s=0.0), seed=3)
    presses = 0
    for _ in range(400):
        noisy.reset()
        presses += noisy.act(UPRIGHT) != NO_PUSH
    assert presses < 200


def test_the_same_seed_plays_the_same_episodes() -> None:
    level = LEVELS[3]  # the windy one: the wind is seeded too
    assert level.disturbances.wind is not None
    first = play_level(level, episodes=4, seed=11)
    again = play_level(level, episodes=4, seed=11)
    other = play_level(level, episodes=4, seed=12)
    assert first.steps == again.steps and first.wins == again.wins
    assert first.steps != other.steps


def test_the_first_level_is_won_far_more_often_than_the_last() -> None:
    first = play_level(LEVELS[0], episodes=20, seed=0)
    last = play_level(LEVELS[-1], episodes=20, seed=0)
    assert first.win_share >= 0.8
    assert last.wins == 0
    # On CartPole-v1 at 1x this player lasts tens of steps, as a person with a 0.2 s reaction does.
    assert 10 <= last.median_steps <= 60
    assert first.median_steps == LEVELS[0].goal_steps


def test_bench_human_prints_a_row_per_level_and_writes_json(tmp_path: Path) -> None:
    from tests.helpers import run_play

    out = tmp_path / "bench.json"
    result = run_play("bench", "--only", "human", "--human-episodes", "3", "--out", str(out))
    assert result.returncode == 0, result.stderr
    figures = json.loads(out.read_text())["human"]
    assert [row["name"] for row in figures["levels"]] == [level.name for level in LEVELS]
    assert all(row["episodes"] == 3 for row in figures["levels"])
    assert figures["model"]["reaction_delay_s"] == 0.2
    for level in LEVELS:
        assert f"level {level.number} {level.name}" in result.stdout


def _episode_with_the_noiseless_twin(
    model: PlayerModel, asking: bool
) -> tuple[list[int], list[int]]:

    level = LEVELS[0]
    player = SimulatedPlayer(model, level.time_scale, level.params.tau, seed=5)
    arena = Arena(player, seed=5, params=level.params)
    expected: list[int] = []
    while not arena.done:
        if asking:
            expected.append(player.noiseless_action(arena.observation.copy()))
        arena.step()
    return list(arena.log.actions), expected


def test_the_noiseless_action_is_the_players_own_when_it_sees_without_noise() -> None:
    clear_eyes = dataclasses.replace(HUMAN_MODEL, angle_noise=0.0, angular_velocity_noise=0.0)
    actions, expected = _episode_with_the_noiseless_twin(clear_eyes, asking=True)
    assert len(actions) == 300 and actions == expected
    assert {PUSH_LEFT, PUSH_RIGHT, NO_PUSH} <= set(actions)


def test_the_noiseless_action_changes_nothing_and_differs_where_the_noise_decides() -> None:
    asked, expected = _episode_with_the_noiseless_twin(HUMAN_MODEL, asking=True)
    alone, _ = _episode_with_the_noiseless_twin(HUMAN_MODEL, asking=False)
    assert asked == alone, "asking must not change what the player does"
    differing = sum(a != e for a, e in zip(asked, expected, strict=True))
    assert 0 < differing < len(asked) // 4
