"""Versus: same start, same disturbances, a frozen loser, a result, and the headless table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pygame

from cartpole_game.agents import load_agent
from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.render.theme import Palette
from cartpole_game.sim.actions import NO_PUSH
from cartpole_game.sim.controllers import ConstantController, HumanController
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
    assert left.log.pokes == right.log.pokes and len(left.log.pokes) >= 6
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
