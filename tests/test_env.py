"""cartpole_game/CartPole-v1 is gymnasium's CartPole-v1, bit for bit, for actions 0 and 1."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium.utils.env_checker import check_env

import cartpole_game  # noqa: F401  (registers the environment)
from cartpole_game.sim.actions import NO_PUSH, PUSH_RIGHT, action_to_force
from cartpole_game.sim.env import ENV_ID, CartPoleEnv


def test_parity_with_gymnasium_over_20000_random_steps() -> None:
    ours = gym.make(ENV_ID)
    theirs = gym.make("CartPole-v1")
    rng = np.random.default_rng(123)
    steps = episodes = 0
    while steps < 20_000:
        seed = int(rng.integers(2**31))
        obs_a, _ = ours.reset(seed=seed)
        obs_b, _ = theirs.reset(seed=seed)
        assert obs_a.tobytes() == obs_b.tobytes()
        episodes += 1
        while True:
            action = int(rng.integers(2))
            a = ours.step(action)
            b = theirs.step(action)
            steps += 1
            assert a[0].tobytes() == b[0].tobytes(), f"observation differs at step {steps}"
            assert a[1:4] == b[1:4], f"reward/terminated/truncated differ at step {steps}"
            if a[2] or a[3]:
                break
    assert episodes > 100


def test_truncation_at_500_matches() -> None:
    # A balancing rule reaches the time limit; both envs must truncate on the same step.
    ours, theirs = gym.make(ENV_ID), gym.make("CartPole-v1")
    obs_a, _ = ours.reset(seed=5)
    theirs.reset(seed=5)
    weights = np.array([0.1, 0.5, 2.0, 0.5])
    steps = 0
    while True:
        action = int(obs_a @ weights > 0)
        obs_a, *rest_a = ours.step(action)
        _, *rest_b = theirs.step(action)
        steps += 1
        assert rest_a[:3] == rest_b[:3]
        if rest_a[1] or rest_a[2]:
            break
    assert steps == 500 and rest_a[2] is True and rest_a[1] is False


def test_passes_gymnasium_env_checker() -> None:
    check_env(gym.make(ENV_ID).unwrapped, skip_render_check=True)
    check_env(CartPoleEnv(allow_no_push=True), skip_render_check=True)


def test_spec_matches_cartpole_v1() -> None:
    ours, theirs = gym.spec(ENV_ID), gym.spec("CartPole-v1")
    assert ours.max_episode_steps == theirs.max_episode_steps == 500
    assert ours.reward_threshold == theirs.reward_threshold


def test_no_push_action_applies_zero_force() -> None:
    env = CartPoleEnv(allow_no_push=True)
    env.set_state([0.0, 0.0, 0.0, 0.0])
    obs, _reward, _terminated, _truncated, _ = env.step(NO_PUSH)
    assert env.last_force == 0.0 == action_to_force(NO_PUSH)
    assert obs.tolist() == [0.0, 0.0, 0.0, 0.0]
    env.step(PUSH_RIGHT)
    assert env.last_force == 10.0


def test_default_env_has_two_actions_like_gymnasium() -> None:
    env = CartPoleEnv()
    assert env.action_space == gym.make("CartPole-v1").action_space
    assert not env.action_space.contains(NO_PUSH)


def test_non_finite_state_terminates_as_diverged() -> None:
    env = CartPoleEnv(allow_no_push=True)
    env.reset(seed=0)
    env.apply_impulse(float("inf"))
    _, _, terminated, _, info = env.step(NO_PUSH)
    assert terminated and info.get("diverged")
