"""Demonstrations in the DQN's replay: transitions a teacher made, kept for the whole run.

``train --algo dqn --demos PATH`` seeds the DQN with demonstrations (replay files, loaded by
:func:`cartpole_game.training.demonstrations.load_demonstrations`), as DQfD does (Hester et
al., 2018):

- **The same transitions as the agent's own.** Each demonstrated step becomes an n-step
  transition (the trainer's ``n`` and ``γ``): the state, the action, the discounted reward of
  the next ``k ≤ n`` steps, the state ``k`` steps later, and ``γ^k`` (0 where the pole fell
  within them, so nothing is bootstrapped past a termination; a goal reached is a truncation and
  bootstraps as the agent's own transitions do). The reward is 1 per step, or the trainer's own
  shaping of it (``reward``).
- **No push is left out.** The DQN has CartPole-v1's two actions; a human's "no push" (action 2)
  is neither, and mapping it to a push would teach a push the teacher did not make. Those steps
  are dropped, and an n-step return stops before one (it bootstraps from the state the teacher
  then left alone): every transition kept is made only of pushes.
- **Kept for good.** :class:`DemoSeededReplay` puts them in front of the agent's ring buffer:
  a batch is drawn uniformly from both together, as from one buffer in which the demonstrations
  are never overwritten.
- **Optionally a margin** (``--demo-margin M``): DQfD's large-margin loss on the demonstrated
  rows of each batch, ``max_a [Q(s, a) + M·(a ≠ a_E)] − Q(s, a_E)``, pushes the teacher's action
  at least ``M`` above the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch

from cartpole_game.sim.actions import NO_PUSH
from cartpole_game.training.demonstrations import Demonstrations

Reward = Callable[[np.ndarray], np.ndarray]  # (k, 4) states reached -> (k,) rewards


@dataclass(frozen=True)
class DemoTransitions:
    """n-step transitions of the demonstrated pushes, arrays of one row each."""

    obs: np.ndarray  # (m, 4) float32
    actions: np.ndarray  # (m,) int64: 0 or 1
    rewards: np.ndarray  # (m,) float32: the discounted sum over the k steps
    next_obs: np.ndarray  # (m, 4) float32: the state k steps later
    discounts: np.ndarray  # (m,) float32: γ^k, or 0 where the episode terminated within
    dropped: int  # the "no push" steps left out

    def __len__(self) -> int:
        return int(self.actions.shape[0])


def _segments(demos: Demonstrations) -> list[np.ndarray]:
    """The row numbers of each unbroken run of pushes: one episode, consecutive steps."""
    pushes = demos.actions != NO_PUSH
    breaks = np.ones(len(demos), dtype=bool)
    breaks[1:] = (demos.episodes[1:] != demos.episodes[:-1]) | (
        demos.steps[1:] != demos.steps[:-1] + 1
    )
    runs: list[np.ndarray] = []
    current: list[int] = []
    for row in range(len(demos)):
        if (breaks[row] or not pushes[row]) and current:
            runs.append(np.array(current))
            current = []
        if pushes[row]:
            current.append(row)
    if current:
        runs.append(np.array(current))
    return runs


def demo_transitions(
    demos: Demonstrations, n_step: int, gamma: float, reward: Reward | None = None
) -> DemoTransitions:
    """The n-step transitions of ``demos`` (see the module's docstring)."""
    step_rewards = (
        np.ones(len(demos)) if reward is None else np.asarray(reward(demos.next_observations))
    )
    parts: list[tuple[int, int, float, float]] = []  # row, last row, return, discount
    for run in _segments(demos):
        for t in range(len(run)):
            window = run[t : t + n_step]
            k = len(window)
            ret = float(np.sum(step_rewards[window] * gamma ** np.arange(k)))
            last = int(window[-1])
            ended = bool(demos.terminations[last])
            parts.append((int(run[t]), last, ret, 0.0 if ended else gamma**k))
    rows = np.array([p[0] for p in parts], dtype=np.int64)
    lasts = np.array([p[1] for p in parts], dtype=np.int64)
    return DemoTransitions(
        obs=demos.observations[rows].astype(np.float32).reshape(-1, 4),
        actions=demos.actions[rows].astype(np.int64),
        rewards=np.array([p[2] for p in parts], dtype=np.float32),
        next_obs=demos.next_observations[lasts].astype(np.float32).reshape(-1, 4),
        discounts=np.array([p[3] for p in parts], dtype=np.float32),
        dropped=int((demos.actions == NO_PUSH).sum()),
    )


class Buffer(Protocol):
    """The DQN's ring buffer, as far as the demonstrations need it."""

    size: int
    capacity: int

    def add(
        self,
        obs: np.ndarray,
        actions: np.ndarray,
        rewards: np.ndarray,
        next_obs: np.ndarray,
        discounts: np.ndarray,
    ) -> None: ...

    def sample(self, batch_size: int, generator: torch.Generator) -> tuple[torch.Tensor, ...]: ...


class DemoSeededReplay:
    """The agent's replay buffer with the demonstrations in front of it, never overwritten.

    ``sample`` draws uniformly from both together; ``demo_rows`` then says which rows of that
    batch were demonstrated (for the margin loss)."""

    def __init__(self, buffer: Buffer, demos: DemoTransitions) -> None:
        self.buffer = buffer
        self.demos = demos
        self.tensors = tuple(
            torch.from_numpy(a)
            for a in (demos.obs, demos.actions, demos.rewards, demos.next_obs, demos.discounts)
        )
        self.demo_rows = torch.zeros(0, dtype=torch.bool)

    @property
    def size(self) -> int:
        return self.buffer.size + len(self.demos)

    @property
    def capacity(self) -> int:
        return self.buffer.capacity + len(self.demos)

    def add(
        self,
        obs: np.ndarray,
        actions: np.ndarray,
        rewards: np.ndarray,
        next_obs: np.ndarray,
        discounts: np.ndarray,
    ) -> None:
        self.buffer.add(obs, actions, rewards, next_obs, discounts)

    def sample(self, batch_size: int, generator: torch.Generator) -> tuple[torch.Tensor, ...]:
        """A batch, its demonstrated rows first (``demo_rows``), then the agent's own."""
        i = torch.randint(0, self.size, (batch_size,), generator=generator)
        shown = i[i < len(self.demos)]
        own = batch_size - len(shown)
        theirs = tuple(t[shown] for t in self.tensors)
        mine = self.buffer.sample(own, generator) if own else tuple(t[:0] for t in self.tensors)
        self.demo_rows = torch.arange(batch_size) < len(shown)
        return tuple(torch.cat([a, b]) for a, b in zip(theirs, mine, strict=True))


def margin_loss(
    q: torch.Tensor, actions: torch.Tensor, demo_rows: torch.Tensor, margin: float
) -> torch.Tensor:
    """DQfD's large-margin loss over the batch's demonstrated rows (0 when there are none):
    ``max_a [Q(s, a) + margin·(a ≠ a_E)] − Q(s, a_E)``, averaged over those rows."""
    if not bool(demo_rows.any()):
        return q.sum() * 0.0
    shown_q = q[demo_rows]
    taught = actions[demo_rows]
    lifted = shown_q + margin
    lifted = lifted.scatter(1, taught.unsqueeze(1), shown_q.gather(1, taught.unsqueeze(1)))
    return (lifted.max(dim=1).values - shown_q.gather(1, taught.unsqueeze(1)).squeeze(1)).mean()


def margin_gradients(
    net: torch.nn.Module,
    params: list[torch.Tensor],
    batch: tuple[torch.Tensor, ...],
    demo_rows: torch.Tensor,
    margin: float,
) -> tuple[list[torch.Tensor], float]:
    """The margin loss's gradients for ``params`` (``net``'s, in their order) and its value, to
    add to the TD loss's: the network is run again on the demonstrated rows only."""
    obs, actions = batch[0], batch[1]
    if not bool(demo_rows.any()):
        return [torch.zeros_like(p) for p in params], 0.0
    with torch.enable_grad():
        loss = margin_loss(net(obs[demo_rows]), actions[demo_rows], demo_rows[demo_rows], margin)
        grads = torch.autograd.grad(loss, params)
    return list(grads), float(loss.detach())
