"""Demonstrations in the DQN's replay: n-step transitions of the demonstrated pushes (no push
left out), kept in front of the agent's buffer for good, and DQfD's margin loss."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from cartpole_game.agents.lqr import LQRPolicy
from cartpole_game.harness.bench_demos import write_demonstrations
from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.training.demo_replay import (
    DemoSeededReplay,
    demo_transitions,
    margin_loss,
)
from cartpole_game.training.demonstrations import Demonstrations, load_demonstrations

GAMMA = 0.9


def test_one_step_transitions_are_the_demonstrated_steps_exactly(tmp_path: Path) -> None:
    write_demonstrations(LQRPolicy(), tmp_path, episodes=2)
    demos = load_demonstrations([tmp_path])
    shown = demo_transitions(demos, n_step=1, gamma=GAMMA)
    assert len(shown) == len(demos) == 1000 and shown.dropped == 0
    np.testing.assert_array_equal(shown.obs, demos.observations)
    np.testing.assert_array_equal(shown.actions, demos.actions)
    np.testing.assert_array_equal(shown.next_obs, demos.next_observations)
    assert (shown.rewards == 1.0).all()
    # LQR reaches the goal: a truncation, so every transition bootstraps.
    np.testing.assert_allclose(shown.discounts, GAMMA)


def _demos(actions: list[int], terminated_last: bool) -> Demonstrations:
    n = len(actions)
    observations = np.arange(n * 4, dtype=np.float32).reshape(n, 4)
    last = np.zeros(n, dtype=bool)
    last[-1] = True
    return Demonstrations(
        observations=observations,
        next_observations=observations + 1000,
        actions=np.array(actions, dtype=np.int64),
        drivers=np.array(["human"] * n),
        episodes=np.zeros(n, dtype=np.int64),
        steps=np.arange(n, dtype=np.int64),
        levels=np.full(n, 6, dtype=np.int64),
        push_fractions=np.zeros(n, dtype=np.float32),
        wind=np.zeros(n),
        terminations=last & terminated_last,
        truncations=last & (not terminated_last),
        episode_list=(),
        files=(),
        skipped=(),
    )


def test_n_step_returns_stop_before_a_no_push_and_at_a_termination() -> None:
    demos = _demos([PUSH_LEFT, PUSH_RIGHT, NO_PUSH, PUSH_RIGHT, PUSH_LEFT, PUSH_LEFT], True)
    shown = demo_transitions(demos, n_step=3, gamma=GAMMA)
    assert shown.dropped == 1 and len(shown) == 5
    assert shown.actions.tolist() == [PUSH_LEFT, PUSH_RIGHT, PUSH_RIGHT, PUSH_LEFT, PUSH_LEFT]
    # Row 0 sees two pushes, then the no push cuts it: it bootstraps from where that was made.
    np.testing.assert_allclose(shown.rewards, [1 + GAMMA, 1, 1 + GAMMA + GAMMA**2, 1 + GAMMA, 1])
    np.testing.assert_array_equal(shown.next_obs[0], demos.next_observations[1])
    np.testing.assert_array_equal(shown.next_obs[2], demos.next_observations[5])
    np.testing.assert_allclose(shown.discounts, [GAMMA**2, GAMMA, 0, 0, 0])


def test_shaped_rewards_come_from_the_states_reached() -> None:
    demos = _demos([PUSH_LEFT, PUSH_RIGHT], False)
    shown = demo_transitions(demos, 1, GAMMA, reward=lambda states: 1.0 - states[:, 0] / 2000)
    np.testing.assert_allclose(shown.rewards, 1.0 - demos.next_observations[:, 0] / 2000)


class _Buffer:
    """The agent's buffer: ``size`` rows of one constant transition."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.added = 0

    def add(self, *arrays: np.ndarray) -> None:
        self.added += len(arrays[1])

    def sample(self, batch_size: int, generator: torch.Generator) -> tuple[torch.Tensor, ...]:
        return (
            torch.full((batch_size, 4), -1.0),
            torch.zeros(batch_size, dtype=torch.int64),
            torch.full((batch_size,), 7.0),
            torch.full((batch_size, 4), -2.0),
            torch.full((batch_size,), 0.5),
        )


def test_the_seeded_replay_holds_the_demonstrations_exactly(tmp_path: Path) -> None:
    write_demonstrations(LQRPolicy(), tmp_path, episodes=1)
    shown = demo_transitions(load_demonstrations([tmp_path]), 3, GAMMA)
    replay = DemoSeededReplay(_Buffer(0), shown)
    assert replay.size == len(shown) == 500
    for tensor, array in zip(
        replay.tensors,
        (shown.obs, shown.actions, shown.rewards, shown.next_obs, shown.discounts),
        strict=True,
    ):
        np.testing.assert_array_equal(tensor.numpy(), array)
    obs, actions, rewards, next_obs, discounts = replay.sample(
        256, torch.Generator().manual_seed(0)
    )
    assert bool(replay.demo_rows.all()), "with no play of its own yet, every row is demonstrated"
    rows = [int(np.flatnonzero((shown.obs == row).all(axis=1))[0]) for row in obs.numpy()]
    np.testing.assert_array_equal(next_obs.numpy(), shown.next_obs[rows])
    np.testing.assert_array_equal(rewards.numpy(), shown.rewards[rows])
    np.testing.assert_array_equal(actions.numpy(), shown.actions[rows])
    np.testing.assert_array_equal(discounts.numpy(), shown.discounts[rows])
    # Once the agent has played as much, about half of each batch is its own; the rows say which.
    replay.buffer = _Buffer(500)
    replay.add(np.zeros((3, 4)), np.zeros(3), np.zeros(3), np.zeros((3, 4)), np.zeros(3))
    assert replay.buffer.added == 3
    _, _, rewards, _, _ = replay.sample(1000, torch.Generator().manual_seed(1))
    assert 400 < int(replay.demo_rows.sum()) < 600
    assert bool((rewards[~replay.demo_rows] == 7.0).all())
    assert not bool((rewards[replay.demo_rows] == 7.0).any())


def test_the_margin_loss_lifts_the_teachers_action_by_the_margin() -> None:
    q = torch.tensor([[1.0, 0.5], [0.0, 2.0], [3.0, 3.0]])
    actions = torch.tensor([0, 0, 1])
    rows = torch.tensor([True, True, False])
    # Row 0: max(1, 0.5 + 0.8) - 1 = 0.3; row 1: max(0, 2.8) - 0 = 2.8; row 2 is not shown.
    assert float(margin_loss(q, actions, rows, 0.8)) == np.float32((0.3 + 2.8) / 2)
    assert float(margin_loss(q, actions, torch.zeros(3, dtype=torch.bool), 0.8)) == 0.0
