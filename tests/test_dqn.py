"""The DQN: numpy acting equals the torch network, and training solves CartPole."""

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from cartpole_game.agents.dqn import DQNPolicy
from cartpole_game.training.dqn import DQNConfig, DQNTrainer, NStepCollector
from cartpole_game.training.evaluate import evaluate_controller
from cartpole_game.training.q_network import build_q_network, network_tensors
from cartpole_game.training.vector_env import VectorCartPole


def test_numpy_q_values_equal_the_torch_network():
    torch.manual_seed(0)
    net = build_q_network([4, 64, 64, 2], input_scale=(1 / 2.4, 1 / 3.0, 1 / 0.21, 1 / 3.0))
    policy = DQNPolicy(network_tensors(net))
    obs = np.random.default_rng(0).normal(size=(500, 4)).astype(np.float32)
    with torch.no_grad():
        expected = net(torch.from_numpy(obs)).numpy()
    np.testing.assert_allclose(policy.q_values_batch(obs), expected, atol=1e-5, rtol=1e-5)
    for o, q in zip(obs[:20], expected[:20], strict=False):
        np.testing.assert_allclose(policy.action_values(o), q, atol=1e-5, rtol=1e-5)
        assert policy.act(o) == int(np.argmax(q))


def test_the_hand_written_update_has_autograd_s_gradients():
    import torch.nn.functional as F

    from cartpole_game.training.q_update import clip_, td_gradients

    torch.manual_seed(3)
    scale = (1 / 2.4, 1 / 3.0, 1 / 0.21, 1 / 3.0)
    online, target = build_q_network([4, 64, 64, 2], scale), build_q_network([4, 64, 64, 2], scale)
    n = 128
    obs, next_obs = torch.randn(n, 4) * 2, torch.randn(n, 4) * 2
    actions, rewards, discounts = torch.randint(0, 2, (n,)), torch.rand(n), torch.rand(n)
    grads, loss = td_gradients(online, target, (obs, actions, rewards, next_obs, discounts))
    q_both = online(torch.cat([obs, next_obs]))
    chosen = q_both[:n].gather(1, actions[:, None]).squeeze(1)
    with torch.no_grad():
        best = q_both[n:].argmax(dim=1, keepdim=True)
        td_target = rewards + discounts * target(next_obs).gather(1, best).squeeze(1)
    expected = F.smooth_l1_loss(chosen, td_target)
    expected.backward()
    assert loss == pytest.approx(expected.item(), rel=1e-6)
    for grad, param in zip(grads, online.parameters(), strict=True):
        torch.testing.assert_close(grad, param.grad, rtol=1e-5, atol=1e-6)
    clip_(grads, 0.01)
    torch.nn.utils.clip_grad_norm_(list(online.parameters()), 0.01)
    for grad, param in zip(grads, online.parameters(), strict=True):
        torch.testing.assert_close(grad, param.grad, rtol=1e-5, atol=1e-7)


def test_n_step_transitions_sum_discounted_rewards_and_stop_at_episode_ends():
    env, gamma = VectorCartPole(3, seed=1), 0.9
    collector = NStepCollector(3, 3, gamma)
    obs = env.reset()
    rng = np.random.default_rng(0)
    emitted, discounts = 0, []
    for _ in range(300):
        actions = rng.integers(0, 2, 3)
        step = env.step(actions)
        batch = collector.add(obs, actions, step)
        obs = step.obs
        emitted += len(batch[1])
        for ret, disc in zip(batch[2], batch[4], strict=False):
            if disc > 0:  # a full 3-step transition
                assert ret == pytest.approx(1 + gamma + gamma**2)
                assert disc == pytest.approx(gamma**3)
            discounts.append(disc)
    assert emitted == 300 * 3 - 2 * 3  # all but the two still-open transitions per env
    assert 0.0 in discounts  # terminations cut the bootstrap


@pytest.mark.slow
def test_dqn_solves_on_a_fixed_seed_within_budget():
    trainer = DQNTrainer(DQNConfig(total_steps=50_000), seed=1)
    items = []
    for progress in trainer:
        items.append(progress)
    last = items[-1]
    assert last.solved and last.solved_at_steps <= 50_000
    assert last.best_eval.mean >= 475
    eps = [p.epsilon for p in items]
    assert eps[0] == 1.0 and all(b <= a for a, b in itertools.pairwise(eps))
    assert any(p.loss is not None for p in items)
    assert all(p.steps_per_second > 0 for p in items[1:])
    ckpt = trainer.best_checkpoint("test")
    assert ckpt.kind == "dqn" and ckpt.metadata["seed"] == 1
    # The kept weights play as well on the real environment.
    assert evaluate_controller(DQNPolicy(ckpt.tensors), episodes=100, seed=9).mean >= 475


def test_each_next_is_a_small_step_and_snapshots_are_numpy():
    trainer = DQNTrainer(DQNConfig(total_steps=400, num_envs=8), seed=0)
    first = next(trainer)
    assert first.steps == 8 and not first.done
    snap = first.snapshot()
    assert set(snap) == {f"layers.{i}.{k}" for i in range(3) for k in ("weight", "bias")}
    assert all(isinstance(v, np.ndarray) for v in snap.values())
    rest = list(trainer)
    assert rest[-1].done and rest[-1].steps == 400
    # Stopping before any evaluation still leaves weights to save.
    trainer.evaluate_current()
    assert trainer.best_checkpoint() is not None


def test_acting_with_the_shipped_dqn_needs_neither_torch_nor_pygame():
    code = (
        "import sys, numpy as np\n"
        "from cartpole_game.agents import load_agent\n"
        "a = load_agent('dqn')\n"
        "a.act(np.zeros(4, np.float32)); a.action_values(np.zeros(4, np.float32))\n"
        "assert 'torch' not in sys.modules and 'pygame' not in sys.modules, 'imported'\n"
    )
    repo = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=repo)


def test_trainer_can_be_driven_from_a_worker_thread_and_paused():
    import threading

    trainer = DQNTrainer(DQNConfig(total_steps=100_000), seed=4)
    seen = []

    def work(n):
        for _ in range(n):
            seen.append(next(trainer).steps)

    worker = threading.Thread(target=work, args=(150,))
    worker.start()
    worker.join(timeout=60)
    paused_at = trainer.steps
    assert seen[-1] == paused_at == 150 * 8  # nothing moves while nobody calls next()
    snapshot = DQNPolicy(next(trainer).snapshot())
    assert snapshot.act(np.zeros(4, np.float32)) in (0, 1)


@pytest.mark.slow
def test_min_steps_trains_on_past_the_solve_and_keeps_the_best_checked_weights():
    config = DQNConfig(total_steps=50_000, min_steps=12_000, stop_when_robust=False)
    trainer = DQNTrainer(config, seed=10)
    last = list(trainer)[-1]
    assert last.solved and last.solved_at_steps < 12_000 <= last.steps
    ckpt = trainer.best_checkpoint("test")
    best = trainer.selection.best
    assert ckpt.metadata["steps_trained"] == best.steps and ckpt.metadata["eval_mean"] >= 475
    assert all(
        (c.complete, c.score) <= (best.complete, best.score)
        for c in trainer.selection.checks
        if c.complete
    )


def test_the_shipped_dqn_rescues_pushed_poles():
    from cartpole_game.agents import load_agent
    from cartpole_game.training.evaluate import HARD_STARTS, evaluate_batch

    agent = load_agent("dqn")
    result = evaluate_batch(agent.act_batch, 200, seed=5, start_half_width=HARD_STARTS)
    assert result.fraction_at(500) >= 0.95
