"""The pure physics step equals gymnasium's CartPole-v1 arithmetic."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from cartpole_game.sim import physics


def gym_step(state: np.ndarray, action: int) -> np.ndarray:
    env = gym.make("CartPole-v1").unwrapped
    env.reset(seed=0)
    env.state = np.array(state, dtype=np.float64)
    env.step(action)
    return env.state


@pytest.mark.parametrize("action", [0, 1])
def test_step_matches_gymnasium_bit_for_bit(action: int) -> None:
    rng = np.random.default_rng(1)
    for _ in range(200):
        state = rng.uniform(-0.3, 0.3, size=4)
        force = 10.0 if action == 1 else -10.0
        ours = np.array(physics.step(physics.State(*state), force), dtype=np.float64)
        assert ours.tobytes() == gym_step(state, action).tobytes()


def test_no_force_only_gravity_acts() -> None:
    upright = physics.State(0.0, 0.0, 0.0, 0.0)
    assert physics.step(upright, 0.0) == (0.0, 0.0, 0.0, 0.0)
    leaning = physics.step(physics.State(0.0, 0.0, 0.05, 0.0), 0.0)
    assert leaning.theta_dot > 0  # gravity pulls a right-leaning pole further right
    assert leaning.x_dot < 0  # and the cart recoils left


def test_batch_step_equals_scalar_steps() -> None:
    rng = np.random.default_rng(2)
    states = rng.uniform(-0.2, 0.2, size=(64, 4))
    forces = rng.choice([-10.0, 0.0, 10.0], size=64)
    batch = physics.step_batch(states, forces)
    for i in range(64):
        single = physics.step(physics.State(*states[i]), forces[i])
        np.testing.assert_allclose(batch[i], single, rtol=0, atol=1e-15)


def test_termination_limits() -> None:
    limit = physics.CARTPOLE_V1.theta_threshold
    assert not physics.is_terminal(physics.State(2.39, 0, limit * 0.99, 0))
    assert physics.is_terminal(physics.State(2.41, 0, 0, 0))
    assert physics.is_terminal(physics.State(0, 0, -limit * 1.01, 0))
    mask = physics.terminal_mask(np.array([[0, 0, 0, 0], [-2.5, 0, 0, 0], [0, np.nan, 0, 0]]))
    assert mask.tolist() == [False, True, True]
