"""The LQR agent: computed from each level's physics, it holds the pole, and explains its pushes."""

from __future__ import annotations

import numpy as np
import pytest

from cartpole_game.agents import load_agent, named_agents
from cartpole_game.agents.lqr import LQRPolicy, linearise, lqr_gain, solve_riccati
from cartpole_game.agents.registry import AGENT_KINDS
from cartpole_game.sim import physics
from cartpole_game.sim.actions import PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.handicap import Handicap, handicapped
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.sim.versus import play_side_alone
from cartpole_game.training.evaluate import evaluate_controller

LEVEL_IDS = [level.name for level in LEVELS]


def finite_difference_linearisation(
    params: physics.CartPoleParams, eps: float = 1e-6
) -> tuple[np.ndarray, np.ndarray]:
    """``(A, B)`` of the game's own step at upright, by central differences."""
    a = np.zeros((4, 4))
    for i in range(4):
        dx = np.zeros(4)
        dx[i] = eps
        plus = np.array(physics.step(physics.State(*dx), 0.0, params))
        minus = np.array(physics.step(physics.State(*-dx), 0.0, params))
        a[:, i] = (plus - minus) / (2 * eps)
    zero = physics.State(0.0, 0.0, 0.0, 0.0)
    push = np.array(physics.step(zero, eps, params)) - np.array(physics.step(zero, -eps, params))
    return a, (push / (2 * eps))[:, None]


@pytest.mark.parametrize("level", LEVELS, ids=LEVEL_IDS)
def test_the_gain_matches_a_finite_difference_linearisation_of_the_physics(level: Level) -> None:
    a_fd, b_fd = finite_difference_linearisation(level.params)
    a, b = linearise(level.params)
    np.testing.assert_allclose(a, a_fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(b, b_fd, rtol=1e-6, atol=1e-8)
    # The gain solved from the finite differences is the agent's gain.
    q, r = np.eye(4), np.array([[1.0]])
    p = solve_riccati(a_fd, b_fd, q, r)
    gain_fd = np.linalg.solve(r + b_fd.T @ p @ b_fd, b_fd.T @ p @ a_fd)[0]
    np.testing.assert_allclose(lqr_gain(level.params), gain_fd, rtol=1e-5)
    # P solves the Riccati equation, and the loop it closes is stable.
    residual = q + a_fd.T @ p @ a_fd - a_fd.T @ p @ b_fd @ gain_fd[None, :] - p
    assert np.max(np.abs(residual)) < 1e-6 * np.max(np.abs(p))
    assert np.max(np.abs(np.linalg.eigvals(a_fd - b_fd @ gain_fd[None, :]))) < 1.0


def test_the_riccati_iteration_agrees_with_scipy_where_it_is_installed() -> None:
    linalg = pytest.importorskip("scipy.linalg")
    for level in LEVELS:
        a, b = linearise(level.params)
        p = linalg.solve_discrete_are(a, b, np.eye(4), np.eye(1))
        expected = np.linalg.solve(np.eye(1) + b.T @ p @ b, b.T @ p @ a)[0]
        np.testing.assert_allclose(lqr_gain(level.params), expected, rtol=1e-7)


def test_lqr_is_a_named_agent_built_not_loaded() -> None:
    assert "lqr" in named_agents()
    kind = AGENT_KINDS["lqr"]
    assert kind.build is not None and kind.shipped_file is None and kind.trainer is None
    agent = load_agent("lqr")
    assert agent.name == "lqr" and getattr(agent, "kind", "") == "lqr"
    np.testing.assert_allclose(getattr(agent, "gain", None), lqr_gain(physics.CARTPOLE_V1))


def test_it_holds_500_on_cartpole_v1s_standard_starts() -> None:
    result = evaluate_controller(load_agent("lqr"), episodes=100, seed=0)
    assert result.min == 500.0


@pytest.mark.parametrize("level", LEVELS, ids=LEVEL_IDS)
def test_it_reaches_the_goal_on_every_level_as_the_level_plays(level: Level) -> None:
    """Its own physics, goal, wind and pokes, with a stick's partial pushes where allowed."""
    agent = load_agent("lqr")
    arena = Arena(agent, seed=0, params=level.params, analog=level.analog)
    scores = [play_side_alone(arena, level, seed) for seed in range(20)]
    assert scores == [level.goal_steps] * 20
    np.testing.assert_allclose(getattr(agent, "gain", None), lqr_gain(level.params))
    # Partial pushes exactly where the level allows them, and what it asked for.
    assert bool(arena.log.analog) == level.analog


def test_on_an_analog_level_it_pushes_in_proportion_to_its_command() -> None:
    level = next(lv for lv in LEVELS if lv.analog)
    agent = LQRPolicy()
    arena = Arena(agent, seed=4, params=level.params, analog=True)
    for _ in range(30):
        u = agent.command(arena.observation)
        record = arena.step()
        assert record is not None
        expected = float(np.clip(u / level.params.force_mag, -1, 1)) * level.params.force_mag
        assert record.force == pytest.approx(expected, rel=1e-12)
        assert record.action == (PUSH_RIGHT if u > 0 else PUSH_LEFT)


def test_bang_bang_pushes_right_exactly_when_its_command_is_positive() -> None:
    agent = LQRPolicy()
    rng = np.random.default_rng(1)
    observations = rng.uniform(-0.2, 0.2, size=(200, 4)).astype(np.float32)
    for obs in observations:
        u = agent.command(obs)
        values = agent.action_values(obs)
        assert values[1] == pytest.approx(u, rel=1e-6) and values[0] == -values[1]
        assert agent.act(obs) == (PUSH_RIGHT if u > 0 else PUSH_LEFT) == int(np.argmax(values))
        assert agent.force_fraction() is None
    np.testing.assert_array_equal(
        agent.act_batch(observations), [agent.act(obs) for obs in observations]
    )


def test_a_handicapped_lqr_fits_the_level_and_pushes_with_full_force() -> None:
    level = LEVELS[0]  # analog
    agent = LQRPolicy()
    side = handicapped(agent, Handicap("delay", 2))
    arena = Arena(side, seed=2, params=level.params, analog=level.analog)
    np.testing.assert_allclose(agent.gain, lqr_gain(level.params))
    while not arena.done and arena.score < 50:
        arena.step()
    assert not arena.log.analog


def test_the_decision_panel_names_its_numbers() -> None:
    from cartpole_game.game.render.decision_panel import plain_words, value_label

    agent = load_agent("lqr")
    assert value_label(agent) == "command u"
    assert "positive means right" in plain_words(agent)
