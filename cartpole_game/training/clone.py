"""Behaviour cloning in plain torch: a small network learns to do what its demonstrations did.

:func:`fit_clone` takes arrays (observations, the action taken on each, and the episode each
step belongs to) and trains the :mod:`clone agent <cartpole_game.agents.clone>`'s MLP on them:

- **Three actions where the teacher used them.** A human who pressed nothing on some steps has
  taught "no push" too, and the clone learns it as a third action; a teacher who always pushed
  gives a clone of CartPole-v1's two.
- **Class-balanced.** Each action's steps weigh in inversely to how common they are, so a rare
  action (a human's few no-push steps, or the pushes of a calm teacher) is not drowned out.
- **Held out by episode.** A share of the episodes (never only some of an episode's steps: those
  would be near-copies of steps trained on) is kept aside; the clone's agreement with the teacher
  on them is the honest figure of how well it learned.
- **Early stopping.** Training stops once the held-out loss has not improved for ``patience``
  epochs (or after ``max_epochs``, or ``max_seconds``), and keeps the best weights.

:func:`train_clone` does this for loaded :class:`~cartpole_game.training.demonstrations.
Demonstrations` and returns a checkpoint with their summary in its metadata. Both can be called
without the command line (a teaching loop retrains with ``initial`` weights each round).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from cartpole_game.agents.checkpoint import Checkpoint
from cartpole_game.agents.clone import ACTION_NAMES, ClonePolicy, clone_architecture
from cartpole_game.sim.actions import NO_PUSH
from cartpole_game.training.demonstrations import Demonstrations

# An untrained clone's input scale: a typical size of x, x_dot, theta and theta_dot.
UNTRAINED_SCALE = (1.0, 1.0, 0.1, 1.0)


@dataclass(frozen=True)
class CloneConfig:
    hidden: tuple[int, ...] = (64, 64)
    learning_rate: float = 3e-3
    batch_size: int = 256
    max_epochs: int = 400
    patience: int = 30  # epochs without a better held-out loss before stopping
    held_out: float = 0.2  # the share of episodes kept aside (at least one, given two or more)
    max_seconds: float = 120.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "hidden": list(self.hidden)}


@dataclass(frozen=True)
class CloneProgress:
    """After each epoch: how far training is, and how well the clone agrees so far."""

    epoch: int
    max_epochs: int
    train_loss: float
    held_out_loss: float | None
    held_out_agreement: float | None
    seconds: float


@dataclass(frozen=True)
class CloneFit:
    """The trained clone's weights and how well it agrees with its teacher."""

    tensors: dict[str, np.ndarray]
    actions: int  # 2 (left, right) or 3 (and no push)
    hidden: tuple[int, ...]
    agreement: float | None  # on the held-out episodes' steps (None: nothing was held out)
    agreement_by_action: dict[str, float | None]  # held out: the share of each action matched
    train_agreement: float
    held_out_episodes: int
    held_out_steps: int
    train_steps: int
    epochs: int
    best_epoch: int
    stopped_early: bool
    seconds: float

    def policy(self, name: str = "clone") -> ClonePolicy:
        return ClonePolicy(self.tensors, name=name)

    def report(self) -> dict[str, Any]:
        """The figures a summary or a checkpoint's metadata shows."""
        return {
            "held_out_agreement": self.agreement,
            "held_out_agreement_by_action": self.agreement_by_action,
            "held_out_episodes": self.held_out_episodes,
            "held_out_steps": self.held_out_steps,
            "train_agreement": self.train_agreement,
            "train_steps": self.train_steps,
            "actions": list(ACTION_NAMES[: self.actions]),
            "epochs": self.epochs,
            "best_epoch": self.best_epoch,
            "stopped_early": self.stopped_early,
            "train_seconds": round(self.seconds, 3),
        }


def held_out_mask(episodes: np.ndarray, share: float, seed: int) -> np.ndarray:
    """Which steps are held out: those of ``share`` of the episodes, chosen with ``seed`` (at
    least one episode when there are two or more; none when there is only one)."""
    ids = np.unique(episodes)
    count = 0 if len(ids) < 2 else min(len(ids) - 1, max(1, round(share * len(ids))))
    chosen = np.random.default_rng(seed).permutation(ids)[:count]
    return np.isin(episodes, chosen)


class _Net(nn.Module):
    mean: torch.Tensor
    scale: torch.Tensor

    def __init__(self, sizes: list[int], mean: np.ndarray, scale: np.ndarray) -> None:
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(sizes))
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32))
        self.register_buffer("scale", torch.tensor(scale, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = (x - self.mean) / self.scale
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x))
        out: torch.Tensor = self.layers[-1](x)
        return out

    def tensors(self) -> dict[str, np.ndarray]:
        out = {"input_mean": self.mean.numpy().copy(), "input_scale": self.scale.numpy().copy()}
        for name, value in self.state_dict().items():
            if name.startswith("layers."):
                out[name] = value.detach().numpy().astype(np.float32).copy()
        return out


def _balanced_weights(labels: np.ndarray, actions: int) -> torch.Tensor:
    """Each action's weight in the loss: inversely to how often it was taken (0 if never)."""
    counts = np.bincount(labels, minlength=actions).astype(np.float64)
    present = counts > 0
    weights = np.zeros(actions)
    weights[present] = counts.sum() / (present.sum() * counts[present])
    return torch.tensor(weights, dtype=torch.float32)


def _agreement_by_action(chosen: np.ndarray, labels: np.ndarray, actions: int) -> dict:
    out: dict[str, float | None] = {}
    for action in range(actions):
        taken = labels == action
        out[ACTION_NAMES[action]] = float((chosen[taken] == action).mean()) if taken.any() else None
    return out


def fit_clone(
    observations: np.ndarray,
    actions: np.ndarray,
    episodes: np.ndarray,
    config: CloneConfig = CloneConfig(),
    seed: int = 0,
    on_epoch: Callable[[CloneProgress], None] | None = None,
    initial: Mapping[str, np.ndarray] | None = None,
) -> CloneFit:
    """Train a clone on ``(n, 4)`` observations and the ``(n,)`` actions taken on them, holding
    out whole episodes (``episodes``: each step's episode). ``initial``: weights of a clone of the
    same shape to start from (its normalisation is kept)."""
    started = time.perf_counter()
    obs = np.asarray(observations, dtype=np.float32)
    labels = np.asarray(actions, dtype=np.int64)
    if len(labels) == 0:
        raise ValueError("no demonstrations to learn from")
    n_actions = 3 if (labels == NO_PUSH).any() else 2
    held = held_out_mask(np.asarray(episodes), config.held_out, seed)
    train = ~held
    # A controller as calm as LQR leaves the state near zero, and the gradients' subnormal
    # floats are slow on a CPU (three times, here): flushed to zero while training. And a
    # network this small trains fastest on one thread: on a busy two-core machine, two threads
    # waiting on each other took 15 to 50 times as long.
    flushed = torch.set_flush_denormal(True)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            net = _build(obs[train], n_actions, config.hidden, initial)
            loop = _Loop(net, obs, labels, train, config, n_actions, seed)
            best_epoch, stopped_early = loop.run(on_epoch, started)
    finally:
        torch.set_num_threads(threads)
        if flushed:
            torch.set_flush_denormal(False)  # torch's default
    net.load_state_dict(loop.best_state)
    with torch.no_grad():
        chosen = net(torch.from_numpy(obs)).argmax(dim=1).numpy()
    right = chosen == labels
    return CloneFit(
        tensors=net.tensors(),
        actions=n_actions,
        hidden=tuple(config.hidden),
        agreement=float(right[held].mean()) if held.any() else None,
        agreement_by_action=_agreement_by_action(chosen[held], labels[held], n_actions),
        train_agreement=float(right[train].mean()),
        held_out_episodes=len(np.unique(np.asarray(episodes)[held])),
        held_out_steps=int(held.sum()),
        train_steps=int(train.sum()),
        epochs=loop.epoch,
        best_epoch=best_epoch,
        stopped_early=stopped_early,
        seconds=time.perf_counter() - started,
    )


def untrained_tensors(
    seed: int = 0,
    actions: int = 2,
    hidden: tuple[int, ...] = CloneConfig.hidden,
    scale: tuple[float, ...] = UNTRAINED_SCALE,
) -> dict[str, np.ndarray]:
    """A clone that has learned nothing yet: torch's own initial weights (seeded), the input
    divided by ``scale`` (CartPole's usual ranges). A teaching loop may start from it."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = _Net([4, *hidden, actions], np.zeros(4), np.asarray(scale, dtype=np.float64))
    return net.tensors()


def _build(
    obs: np.ndarray,
    n_actions: int,
    hidden: tuple[int, ...],
    initial: Mapping[str, np.ndarray] | None,
) -> _Net:
    mean = obs.mean(axis=0)
    scale = np.maximum(obs.std(axis=0), 1e-3)
    net = _Net([4, *hidden, n_actions], mean, scale)
    if initial is not None:
        net.load_state_dict(
            {
                ("mean" if k == "input_mean" else "scale" if k == "input_scale" else k): (
                    torch.tensor(np.asarray(v, dtype=np.float32))
                )
                for k, v in initial.items()
            }
        )
    return net


class _Loop:
    """The epochs: minibatches of the training steps, then the held-out loss and agreement."""

    def __init__(
        self,
        net: _Net,
        obs: np.ndarray,
        labels: np.ndarray,
        train: np.ndarray,
        config: CloneConfig,
        n_actions: int,
        seed: int,
    ) -> None:
        self.net, self.config = net, config
        self.x = torch.from_numpy(obs[train])
        self.y = torch.from_numpy(labels[train])
        held = ~train
        # Without held-out episodes, the training steps themselves decide when to stop.
        self.vx = torch.from_numpy(obs[held] if held.any() else obs[train])
        self.vy = torch.from_numpy(labels[held] if held.any() else labels[train])
        self.has_held_out = bool(held.any())
        self.loss = nn.CrossEntropyLoss(weight=_balanced_weights(labels[train], n_actions))
        self.optimizer = torch.optim.Adam(net.parameters(), lr=config.learning_rate)
        self.generator = torch.Generator().manual_seed(seed)
        self.best_state = {k: v.clone() for k, v in net.state_dict().items()}
        self.epoch = 0

    def _train_epoch(self) -> float:
        order = torch.randperm(len(self.y), generator=self.generator)
        total, batches = 0.0, 0
        for start in range(0, len(order), self.config.batch_size):
            batch = order[start : start + self.config.batch_size]
            loss = self.loss(self.net(self.x[batch]), self.y[batch])
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            total, batches = total + loss.item(), batches + 1
        return total / max(batches, 1)

    def run(self, on_epoch: Callable[[CloneProgress], None] | None, started: float) -> tuple:
        config = self.config
        best_loss, best_epoch = float("inf"), 0
        while self.epoch < config.max_epochs:
            self.epoch += 1
            train_loss = self._train_epoch()
            with torch.no_grad():
                scores = self.net(self.vx)
                held_loss = float(self.loss(scores, self.vy))
                agreement = float((scores.argmax(dim=1) == self.vy).float().mean())
            if held_loss < best_loss:
                best_loss, best_epoch = held_loss, self.epoch
                self.best_state = {k: v.clone() for k, v in self.net.state_dict().items()}
            seconds = time.perf_counter() - started
            if on_epoch is not None:
                held = self.has_held_out
                on_epoch(
                    CloneProgress(
                        self.epoch,
                        config.max_epochs,
                        train_loss,
                        held_loss if held else None,
                        agreement if held else None,
                        seconds,
                    )
                )
            if self.epoch - best_epoch >= config.patience or seconds > config.max_seconds:
                return best_epoch, True
        return best_epoch, False


def clone_checkpoint(
    fit: CloneFit,
    summary: Mapping[str, Any],
    seed: int,
    config: CloneConfig = CloneConfig(),
    command: str = "",
) -> Checkpoint:
    """A normal checkpoint of the ``clone`` kind, with the demonstrations' ``summary`` and the
    held-out agreement in its metadata (``demonstrations``)."""
    names = list(ACTION_NAMES[: fit.actions])
    return Checkpoint(
        kind="clone",
        architecture=clone_architecture(fit.actions, fit.hidden),
        tensors=fit.tensors,
        metadata={
            "training_config": {"algo": "clone", **config.as_dict()},
            "seed": seed,
            "action_space": {"type": "Discrete", "n": fit.actions, "names": names},
            "demonstrations": {**summary, **fit.report()},
            "command": command,
        },
    )


def train_clone(
    demos: Demonstrations,
    config: CloneConfig = CloneConfig(),
    seed: int = 0,
    on_epoch: Callable[[CloneProgress], None] | None = None,
    command: str = "",
) -> tuple[CloneFit, Checkpoint]:
    """A clone of ``demos``: the fit, and the checkpoint to save."""
    fit = fit_clone(demos.observations, demos.actions, demos.episodes, config, seed, on_epoch)
    return fit, clone_checkpoint(fit, demos.summary(), seed, config, command)
