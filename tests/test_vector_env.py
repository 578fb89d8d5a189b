"""The numpy batch of CartPoles is CartPole-v1, with auto-reset and the 500-step limit."""

import gymnasium as gym
import numpy as np

from cartpole_game.agents import load_agent
from cartpole_game.training.vector_env import VectorCartPole


def test_batch_matches_gymnasium_cartpole_step_for_step():
    n = 4
    gyms = [gym.make("CartPole-v1") for _ in range(n)]
    for i, g in enumerate(gyms):
        g.reset(seed=10 + i)
    venv = VectorCartPole(n, seed=0)
    venv.reset()
    venv.states = np.array([g.unwrapped.state for g in gyms], dtype=np.float64)
    rng = np.random.default_rng(1)
    done_once = np.zeros(n, dtype=bool)
    for _ in range(60):
        actions = rng.integers(0, 2, n)
        out = venv.step(actions)
        for i, g in enumerate(gyms):
            if done_once[i]:
                continue
            obs, reward, terminated, truncated, _ = g.step(int(actions[i]))
            assert np.array_equal(out.final_obs[i], obs)
            assert out.rewards[i] == reward
            assert bool(out.terminated[i]) == terminated
            assert bool(out.truncated[i]) == truncated
            if terminated:
                done_once[i] = True
                # auto-reset: the next observation is a fresh start, not the terminal one
                assert np.all(np.abs(out.obs[i]) <= 0.05)
                assert not np.array_equal(out.obs[i], out.final_obs[i])
    assert done_once.all()


def test_truncation_at_500_steps_is_not_termination():
    policy = load_agent("linear")
    venv = VectorCartPole(3, seed=5)
    obs = venv.reset()
    for t in range(1, 501):
        out = venv.step(policy.act_batch(obs))
        obs = out.obs
        if t < 500:
            assert not out.truncated.any() and not out.terminated.any()
    assert out.truncated.all() and not out.terminated.any()
    assert out.episode_returns.tolist() == [500.0, 500.0, 500.0]
    assert np.all(np.abs(out.obs) <= 0.05)  # reset after truncation too
    assert np.all(venv.lengths == 0)


def test_same_seed_same_run():
    a, b = VectorCartPole(5, seed=7), VectorCartPole(5, seed=7)
    assert np.array_equal(a.reset(), b.reset())
    for _ in range(100):
        actions = np.ones(5, dtype=np.int64)
        sa, sb = a.step(actions), b.step(actions)
        assert np.array_equal(sa.obs, sb.obs)
    assert not np.array_equal(VectorCartPole(5, seed=8).reset(), VectorCartPole(5, seed=7).reset())
