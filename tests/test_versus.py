"""Versus: same start, same disturbances, a frozen loser, a result, and the headless table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pygame
import pytest

from cartpole_game.agents import load_agent
from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.render.theme import Palette
from cartpole_game.game.scenes.versus import VersusScene, handicap_side, side_title
from cartpole_game.sim.actions import NO_PUSH
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import ConstantController, HumanController
from cartpole_game.sim.handicap import DelayedController, handicapped, parse_handicap
from cartpole_game.sim.versus import VersusMatch
from tests.helpers import color_mask, headless_screenshot, run_play, surface_pixels


def test_both_sides_start_from_the_same_state_every_round() -> None:
    match = VersusMatch(load_agent("dqn"), ConstantController(NO_PUSH), seed=9, rounds=3)
    for _ in range(3):
        left, right = match.arenas
        assert left.state.tobytes() == right.state.tobytes()
        match.play_round()
        match.next_round()


def test_pokes_and_wind_reach_both_sides_identically() -> None:
    same = load_agent("linear")
    match = VersusMatch(same, load_agent("linear"), seed=4, rounds=1)
    match.disturbances.toggle_wind()
    for step in range(200):
        if step % 37 == 5:
            match.random_poke()
        if step == 60:
            match.poke(1.1)
        match.step()
    left, right = match.arenas
    assert left.log.pokes == right.log.pokes and len(left.log.pokes) >= 4
    assert left.log.wind == right.log.wind and len(left.log.wind) == left.score > 50
    # Same controller, same start, same disturbances: the very same trajectory.
    assert left.state.tobytes() == right.state.tobytes()


def test_a_failed_side_freezes_while_the_other_goes_on() -> None:
    match = VersusMatch(ConstantController(NO_PUSH), load_agent("dqn"), seed=1, rounds=1)
    while not match.left.done:
        match.step()
    frozen = match.left.state.copy()
    for _ in range(50):
        match.step()
    assert match.left.state.tobytes() == frozen.tobytes()
    assert match.right.score > match.left.score and not match.right.done
    result = match.play_round()
    assert result.winner == "right" and result.margin == match.right.score - match.left.score


def test_best_of_n_tally() -> None:
    match = VersusMatch(load_agent("dqn"), ConstantController(NO_PUSH), seed=2, rounds=3)
    match.play_round()
    match.next_round()
    match.play_round()
    assert match.wins("left") == 2 and match.match_over and match.match_winner == "left"


def test_versus_scene_with_a_human_on_the_left(tmp_path: Path) -> None:
    app = App(
        RunConfig(
            mode="versus", headless=True, seed=3, data_dir=tmp_path, left="human", right="dqn"
        )
    )
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene.controllers[0], HumanController)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RIGHT))
        for _ in range(6):
            app.frame()
        assert scene.match.left.env.last_force == 10.0
        assert scene.match.left.state[1] > scene.match.right.state[1]  # only the human pushed right
        for _ in range(900):
            app.frame()
            if scene.match.round_over:
                break
        assert scene.match.round_over and scene.match.results[0].winner == "right"
        app.frame()
        pixels = surface_pixels(app.screen)
        good = color_mask(pixels, Palette().good, tolerance=40)
        assert good[250:420, 260:1020].sum() > 300  # the result banner
    finally:
        app.close()


def test_versus_headless_screenshot_shows_two_arenas(tmp_path: Path) -> None:
    pixels = headless_screenshot(
        tmp_path, "versus", "--left", "dqn", "--right", "linear", "--frames", "120", "--seed", "5"
    )
    cart = color_mask(pixels, Palette().cart, tolerance=4)
    band = cart[460:540]
    assert band[:, :640].sum() > 800 and band[:, 640:].sum() > 800  # one cart in each arena
    accent = color_mask(pixels, Palette().accent, tolerance=10)
    assert accent[120:230, :640].sum() > 100 and accent[120:230, 640:].sum() > 100  # both panels


def test_agent_against_agent_headless_table_and_json() -> None:
    result = run_play(
        "versus",
        "--left",
        "dqn",
        "--right",
        "linear",
        "--headless",
        "--episodes",
        "3",
        "--seed",
        "0",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].split()[:1] == ["round"] and len(lines) == 1 + 3 + 2
    summary = json.loads(lines[-1])
    assert summary["episodes"] == 3 and len(summary["rounds"]) == 3
    for row, line in zip(summary["rounds"], lines[1:4], strict=True):
        assert line.split()[:3] == [str(row["round"]), str(row["left"]), str(row["right"])]
    assert np.isclose(summary["mean"]["left"], np.mean([r["left"] for r in summary["rounds"]]))


def test_versus_json_without_headless_is_refused() -> None:
    result = run_play("versus", "--left", "dqn", "--right", "linear", "--json", "--frames", "3")
    assert result.returncode == 2 and "--headless" in result.stderr


def _agent_alone_score(name: str, seed: int) -> int:
    """What the agent scores playing the same start alone, step by step (real-time play)."""
    arena = Arena(load_agent(name), seed=seed)
    while not arena.done:
        arena.step()
    return arena.score


def _human_falls(app: App, scene: VersusScene) -> int:
    """Hold → until the human's pole falls; the frames it took."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RIGHT))
    for frames in range(1, 600):
        app.frame()
        if scene.match.left.done:
            return frames
    raise AssertionError("the human never fell")


def _versus_app(tmp_path: Path, seed: int, rounds: int = 3, time_scale: float = 1.0) -> App:
    app = App(
        RunConfig(
            mode="versus",
            headless=True,
            seed=seed,
            data_dir=tmp_path,
            left="human",
            right="dqn",
            rounds=rounds,
        )
    )
    app.ctx.time_scale = time_scale
    return app


@pytest.mark.parametrize("time_scale", [1.0, 0.25])
def test_a_round_against_a_fallen_human_ends_within_2_s_with_the_real_time_score(
    tmp_path: Path, time_scale: float
) -> None:
    seed = 3
    app = _versus_app(tmp_path, seed, time_scale=time_scale)
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, VersusScene)
        _human_falls(app, scene)
        assert not scene.match.right.done and scene.fast_forwarding
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_RIGHT))
        frames = 0
        while not scene.match.round_over:
            app.frame()
            frames += 1
            assert frames / app.config.display.fps <= 2.0  # game time since the fall
        assert frames > 1  # a fast-forward, not a jump
        result = scene.match.results[0]
        assert result.right_score == _agent_alone_score("dqn", seed) > result.left_score
        assert result.right_score > 100  # the agent had seconds left to play
        pixels = surface_pixels(app.screen)
        good = color_mask(pixels, Palette().good, tolerance=40)
        assert good[250:420, 260:1020].sum() > 300  # the result shows at once
    finally:
        app.close()


def test_n_skips_straight_to_the_result_once_no_human_plays(tmp_path: Path) -> None:
    seed = 5
    app = _versus_app(tmp_path, seed)
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, VersusScene)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_n))
        app.frame()  # N while the human still plays: nothing is skipped
        assert not scene.match.round_over and not scene.match.left.done
        _human_falls(app, scene)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_n))
        app.frame()
        assert scene.match.round_over
        assert scene.match.results[0].right_score == _agent_alone_score("dqn", seed)
        left, right = app.ctx.episodes[-2:]  # both sides filed, as always
        assert (left.side, right.side) == (
            "left",
            "right",
        ) and right.score == scene.match.right.score
    finally:
        app.close()


def test_the_match_ends_on_a_summary_that_waits_for_the_player(tmp_path: Path) -> None:
    app = _versus_app(tmp_path, seed=7, rounds=1)
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, VersusScene)
        _human_falls(app, scene)
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_RIGHT))
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_n))
        app.frame()
        assert scene.match.match_over and scene.match.match_winner == "right"
        for _ in range(60 * 12):  # far longer than any old delay: no new match by itself
            app.frame()
        assert scene.match.match_over and len(scene.match.results) == 1
        pixels = surface_pixels(app.screen)
        good = color_mask(pixels, Palette().good, tolerance=40)
        assert good[200:260, 330:950].sum() > 300  # "DQN wins the match 0–1"
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN))
        app.frame()
        assert scene.match.results == [] and scene.match.round_number == 1 and scene.waiting
        assert not scene.match.left.done and not scene.match.right.done
        assert app.ctx.stack.top is scene
        _human_falls(app, scene)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_n))
        app.frame()
        assert scene.match.match_over
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE))
        app.frame()
        assert type(app.ctx.stack.top).__name__ == "MenuScene"
    finally:
        app.close()


class _Recorder:
    """Remembers every observation it was asked to act on."""

    name = "recorder"

    def __init__(self) -> None:
        self.seen: list[np.ndarray] = []

    def act(self, observation: np.ndarray) -> int:
        self.seen.append(observation.copy())
        return NO_PUSH

    def reset(self) -> None:
        self.seen.clear()


def test_a_delayed_controller_acts_on_old_observations() -> None:
    inner = _Recorder()
    delayed = DelayedController(inner, 3)
    arena = Arena(delayed, seed=2)
    given = []
    for _ in range(8):
        given.append(arena.observation.copy())
        arena.step()
    # Steps 0..3 see the first observation; step t later sees step t-3's.
    expected = [given[max(0, t - 3)] for t in range(8)]
    assert all(np.array_equal(a, b) for a, b in zip(inner.seen, expected, strict=True))
    arena.reset()
    first = arena.observation.copy()
    arena.step()
    assert np.array_equal(inner.seen[-1], first)  # a new episode forgets the old one's frames


def test_a_handicapped_agent_does_worse_and_plays_the_same_each_time() -> None:
    dqn = load_agent("dqn")
    plain = VersusMatch(load_agent("dqn"), dqn, seed=11, rounds=1).play_round()
    spec = parse_handicap("delay:4")
    match = VersusMatch(load_agent("dqn"), handicapped(load_agent("dqn"), spec), seed=11, rounds=1)
    slowed = match.play_round()
    assert slowed.right_score < plain.right_score == plain.left_score
    noisy = [
        VersusMatch(
            load_agent("dqn"), handicapped(load_agent("dqn"), parse_handicap("noise:0.3"), 5), 11
        ).play_round()
        for _ in range(2)
    ]
    assert noisy[0] == noisy[1]
    for bad in ("delay:0", "noise:0", "noise:2", "delay:x", "lag:3"):
        with pytest.raises(ValueError):
            parse_handicap(bad)


def test_a_handicap_slows_the_agent_sides_and_says_so(tmp_path: Path) -> None:
    config = RunConfig(mode="versus", handicap="delay:4", seed=2)
    agent = handicap_side(load_agent("dqn"), config, "dqn")
    assert side_title(agent) == "DQN (sees 4 steps late)"
    human = HumanController()
    assert handicap_side(human, config, "human") is human  # the player is never handicapped
    fair = run_play("versus", "--left", "dqn", "--right", "linear", "--headless",
                    "--episodes", "2", "--seed", "1", "--json")  # fmt: skip
    slowed = run_play("versus", "--left", "dqn", "--right", "linear", "--headless",
                      "--episodes", "2", "--seed", "1", "--json", "--handicap", "delay:4")  # fmt: skip
    assert fair.returncode == slowed.returncode == 0, slowed.stderr
    mean = lambda out: json.loads(out.strip().splitlines()[-1])["mean"]["left"]  # noqa: E731
    assert mean(slowed.stdout) < mean(fair.stdout)
    bad = run_play("versus", "--headless", "--frames", "3", "--handicap", "delay:x")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
