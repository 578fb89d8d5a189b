"""The DQN's replay buffer and n-step collector (torch; only the DQN trainer uses them)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from cartpole_game.training.vector_env import VectorStep


@dataclass
class ReplayBuffer:
    """Fixed-size ring buffer of transitions, preallocated as torch tensors."""

    capacity: int
    obs: torch.Tensor = field(init=False)
    next_obs: torch.Tensor = field(init=False)
    actions: torch.Tensor = field(init=False)
    rewards: torch.Tensor = field(init=False)
    # γ^k for a k-step transition, or 0.0 where the episode terminated (no bootstrap)
    discounts: torch.Tensor = field(init=False)
    pos: int = 0
    size: int = 0

    def __post_init__(self) -> None:
        self.obs = torch.zeros((self.capacity, 4))
        self.next_obs = torch.zeros((self.capacity, 4))
        self.actions = torch.zeros(self.capacity, dtype=torch.int64)
        self.rewards = torch.zeros(self.capacity)
        self.discounts = torch.zeros(self.capacity)

    def add(
        self,
        obs: np.ndarray,
        actions: np.ndarray,
        rewards: np.ndarray,
        next_obs: np.ndarray,
        discounts: np.ndarray,
    ) -> None:
        n = len(actions)
        if n == 0:
            return
        idx = (np.arange(n) + self.pos) % self.capacity
        t = torch.from_numpy(idx)
        self.obs[t] = torch.from_numpy(obs)
        self.next_obs[t] = torch.from_numpy(next_obs)
        self.actions[t] = torch.from_numpy(np.asarray(actions, dtype=np.int64))
        self.rewards[t] = torch.from_numpy(rewards)
        self.discounts[t] = torch.from_numpy(discounts.astype(np.float32))
        self.pos = (self.pos + n) % self.capacity
        self.size = min(self.size + n, self.capacity)

    def sample(self, batch_size: int, generator: torch.Generator) -> tuple[torch.Tensor, ...]:
        i = torch.randint(0, self.size, (batch_size,), generator=generator)
        return self.obs[i], self.actions[i], self.rewards[i], self.next_obs[i], self.discounts[i]


class NStepCollector:
    """Turns one-step transitions from ``num_envs`` environments into n-step ones.

    Each environment has ``n`` slots of pending transitions. Every step adds the reward to all
    pending ones, emits those that are ``n`` steps long or whose episode just ended, and opens a
    new one in the slot that was just emptied.
    """

    def __init__(self, num_envs: int, n: int, gamma: float) -> None:
        self.n, self.gamma, self.t = n, gamma, 0
        self.obs = np.zeros((num_envs, n, 4), dtype=np.float32)
        self.actions = np.zeros((num_envs, n), dtype=np.int64)
        self.returns = np.zeros((num_envs, n), dtype=np.float32)
        self.lengths = np.zeros((num_envs, n), dtype=np.int64)
        self.pending = np.zeros((num_envs, n), dtype=bool)

    def add(self, obs: np.ndarray, actions: np.ndarray, step: VectorStep) -> tuple[np.ndarray, ...]:
        slot = self.t % self.n
        self.t += 1
        self.obs[:, slot], self.actions[:, slot] = obs, actions
        self.returns[:, slot], self.lengths[:, slot], self.pending[:, slot] = 0.0, 0, True
        self.returns += self.pending * (self.gamma**self.lengths) * step.rewards[:, None]
        self.lengths += self.pending
        ended = step.terminated | step.truncated
        emit = self.pending & ((self.lengths >= self.n) | ended[:, None])
        env_idx, slot_idx = np.nonzero(emit)
        self.pending[emit] = False
        discounts = np.where(
            step.terminated[env_idx], 0.0, self.gamma ** self.lengths[env_idx, slot_idx]
        )
        return (
            self.obs[env_idx, slot_idx],
            self.actions[env_idx, slot_idx],
            self.returns[env_idx, slot_idx],
            step.final_obs[env_idx],
            discounts,
        )
