"""Double DQN for CartPole-v1 (or a level), trained until robust, as an iterator of progress.

Reads top to bottom like CleanRL's ``dqn.py``: config, then the loop (act ε-greedily in a batch
of numpy CartPoles that meet pokes, wind and wide starts, store n-step transitions and their
mirror images, a few gradient steps on Double-DQN Huber targets with gradient clipping,
Polyak-update the target network, check the greedy policy on the robustness suite now and then,
keep the best checked weights). The replay buffer and n-step collector are in ``replay.py``;
demonstrations (``--demos``) sit in front of the buffer (``demo_replay.py``).

**Robust by default.** The training episodes meet what players do (``DQN_RANDOMISATION``, see
``randomisation.py``): half start wide (±0.2), half are poked now and then (up to 1.5 rad/s),
30% blow a steady wind (up to 4 N), and the reward learned from is shaped to keep the cart
centred and the pole upright (evaluation counts CartPole-v1's own reward); every transition is
stored with its mirror image too (CartPole is symmetric), which halves the steps to a robust
agent. Every 1,000 steps a check (``robust_check.py``) plays 100 fresh episodes of the robustness suite's conditions; the
run is *solved* at the first check averaging 475 on standard starts, *robust* at the first that
meets every target, and stops there, keeping the weights of the best check. Measured over seeds
by ``python play.py bench --only dqn`` (the README's benchmark table).

What makes it fast on a 2-core CPU:

- 8 environments stepped at once in numpy (``VectorCartPole``): one small forward pass acts
  for all of them;
- 3-step returns, and observations scaled to unit range;
- a preallocated torch replay buffer sampled with one ``randint``; torch's fused Adam kernel,
  called without ``torch.optim`` (which imports the compiler: 1.3 s; see ``adam.py``); the
  backward pass written out by hand (``q_update.py``: autograd's bookkeeping costs more than
  the sums);
- a small MLP on one torch thread (a second thread does not speed up a net this small, and it
  leaves a core for the game);
- a quick ε decay (10,000 steps);
- checks in stages, each batched: a policy still learning fails the standard episodes or the
  pokes of 1.0 rad/s, and the check ends there (DQN on CartPole can get worse again after a
  peak, hence keeping the best weights).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from cartpole_game.agents.checkpoint import Checkpoint
from cartpole_game.agents.dqn import TRAIN_STEPS, DQNPolicy, mlp_architecture
from cartpole_game.sim.levels import LEVELS
from cartpole_game.training import EvalPoint, TrainProgress
from cartpole_game.training.adam import FusedAdam
from cartpole_game.training.demo_replay import (
    DemoSeededReplay,
    DemoTransitions,
    demo_transitions,
    margin_gradients,
)
from cartpole_game.training.q_network import build_q_network, network_tensors
from cartpole_game.training.q_update import clip_, td_gradients
from cartpole_game.training.randomisation import Randomisation
from cartpole_game.training.replay import NStepCollector, ReplayBuffer
from cartpole_game.training.robust_check import Selection, selection_metadata
from cartpole_game.training.vector_env import VectorCartPole

if TYPE_CHECKING:
    from cartpole_game.training.demonstrations import Demonstrations
    from cartpole_game.training.trainers import TrainerSpec


# What the DQN's training episodes meet (measured: bench --only dqn, in the README).
DQN_RANDOMISATION = Randomisation(
    wide_share=0.5,
    wide_half_width=0.2,
    poke_share=0.5,
    poke_every=50,
    poke_max=1.5,
    wind_share=0.3,
    wind_max=4.0,
    centre_penalty=1.0,
    upright_penalty=1.0,
)


@dataclass
class DQNConfig:
    total_steps: int = TRAIN_STEPS  # environment-step budget
    num_envs: int = 8
    hidden: tuple[int, ...] = (64, 64)
    # Scales the observation to roughly unit range before the first layer.
    input_scale: tuple[float, ...] = (1 / 2.4, 1 / 3.0, 1 / 0.21, 1 / 3.0)
    learning_rate: float = 3e-3
    gamma: float = 0.99
    n_step: int = 3  # n-step returns: rewards reach back n steps per update, learning is faster
    # CartPole is the same seen in a mirror (x, ẋ, θ, θ̇ negated, left and right swapped; the
    # pokes, wind and shaping are too): store each transition's mirror image as well.
    mirror: bool = True
    buffer_size: int = 50_000
    batch_size: int = 128
    learning_starts: int = 1_000  # environment steps of random play before learning
    updates_per_step: int = 4  # gradient steps per vector step (of num_envs env steps)
    eps_start: float = 1.0
    eps_end: float = 0.05
    eps_decay_steps: int = 10_000
    target_tau: float = 0.01  # Polyak rate of the target network (1.0: hard copy)...
    target_update_every: int = 1  # ...applied every this many gradient steps
    max_grad_norm: float = 10.0
    eval_episodes: int = 100  # fresh episodes per condition and check (robust_check.py)
    eval_every: int = 1_000  # steps between checks (cheap: see above)
    # Stop at the first check that makes the agent robust (False: at the first that solves)...
    stop_when_robust: bool = True
    min_steps: int = 0  # ...but not before this many steps
    torch_threads: int = 1
    stop_when_solved: bool = True  # the live view may keep training after solving
    level: int = len(LEVELS)  # the level whose physics, goal, wind and pokes it trains on
    randomisation: Randomisation = field(default_factory=lambda: DQN_RANDOMISATION)
    # With demonstrations (--demos): DQfD's large-margin loss on their rows (0: none).
    demo_margin: float = 0.0

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        d["input_scale"] = list(self.input_scale)
        return d


class DQNTrainer:
    """Trains a Q-network; iterate it to train. Each ``next()``: one vector step + its updates."""

    algo = "dqn"

    def __init__(
        self,
        config: DQNConfig | None = None,
        seed: int = 0,
        demos: Demonstrations | None = None,
    ) -> None:
        self.config = cfg = config or DQNConfig()
        self.seed = seed
        self.level = LEVELS[cfg.level - 1]
        torch.set_num_threads(cfg.torch_threads)
        torch.manual_seed(seed)
        self.gen = torch.Generator().manual_seed(seed)
        # The run's own streams (acting, episodes), apart from every evaluation's seeds.
        acting, episodes = np.random.SeedSequence(seed).spawn(2)
        self.rng = np.random.default_rng(acting)

        self.sizes = [4, *cfg.hidden, 2]
        self.q = build_q_network(self.sizes, cfg.input_scale)
        self.target = build_q_network(self.sizes, cfg.input_scale)
        self.target.load_state_dict(self.q.state_dict())
        self.params: list[torch.Tensor] = list(self.q.parameters())
        self.target_params: list[torch.Tensor] = list(self.target.parameters())
        # The fused CPU Adam is one kernel instead of dozens of small ops: ~2x faster updates
        # (called directly: torch.optim would import torch._dynamo, 1.3 s; see adam.py).
        self.optimizer = FusedAdam(self.params, lr=cfg.learning_rate)
        self.buffer: ReplayBuffer | DemoSeededReplay = ReplayBuffer(cfg.buffer_size)
        # Demonstrations sit in front of the ring buffer for the whole run (demo_replay.py).
        self.demos = demos
        self.demo_steps = 0
        if demos is not None:
            seeded = DemoSeededReplay(self.buffer, self._demo_transitions(demos))
            self.buffer, self.demo_steps = seeded, len(seeded.demos)
        self.collector = NStepCollector(cfg.num_envs, cfg.n_step, cfg.gamma)
        self.envs = VectorCartPole(
            cfg.num_envs,
            seed=episodes,
            params=self.level.params,
            randomisation=cfg.randomisation,
            schedule=self.level.disturbances,
        )
        self.obs = self.envs.reset()

        self.steps = 0
        self.n_updates = 0
        self.episodes = 0
        self.elapsed = 0.0
        self.last_eval_steps = 0
        self.selection = Selection(seed, self.level, cfg.eval_episodes)
        self.best_eval: EvalPoint | None = None
        self.solved_seconds: float | None = None
        self.robust_seconds: float | None = None
        self.finished = False

    @property
    def solved_at(self) -> int | None:
        return self.selection.solved_at

    def _demo_transitions(self, demos: Demonstrations) -> DemoTransitions:
        """The demonstrations as this run's own transitions: its n, γ and shaped reward, and
        their mirror images too when the run stores its own mirrored."""
        cfg, params, shaping = self.config, self.level.params, self.config.randomisation

        def shaped(states: np.ndarray) -> np.ndarray:
            return 1.0 - shaping.penalties(states, params)

        made = demo_transitions(demos, cfg.n_step, cfg.gamma, shaped if shaping.shaped else None)
        if not cfg.mirror:
            return made
        return DemoTransitions(
            obs=np.concatenate([made.obs, -made.obs]),
            actions=np.concatenate([made.actions, 1 - made.actions]),
            rewards=np.concatenate([made.rewards, made.rewards]),
            next_obs=np.concatenate([made.next_obs, -made.next_obs]),
            discounts=np.concatenate([made.discounts, made.discounts]),
            dropped=made.dropped,
        )

    def demonstrations_summary(self) -> dict[str, object] | None:
        """What seeded the replay buffer (``--demos``), for reports; None without any."""
        if self.demos is None or not isinstance(self.buffer, DemoSeededReplay):
            return None
        return {
            **self.demos.summary(),
            "transitions": self.demo_steps,
            "no_push_left_out": self.buffer.demos.dropped,
            "margin": self.config.demo_margin,
        }

    def epsilon(self) -> float:
        cfg = self.config
        frac = min(1.0, self.steps / max(1, cfg.eps_decay_steps))
        return cfg.eps_start + frac * (cfg.eps_end - cfg.eps_start)

    def snapshot(self) -> dict[str, np.ndarray]:
        return network_tensors(self.q)

    def __iter__(self) -> DQNTrainer:
        return self

    def __next__(self) -> TrainProgress:
        if self.finished:
            raise StopIteration
        t0 = time.perf_counter()
        cfg = self.config
        n = cfg.num_envs

        # Act ε-greedily for every environment at once.
        eps = self.epsilon()
        with torch.inference_mode():
            greedy = self.q(torch.from_numpy(self.obs)).argmax(dim=1).numpy()
        explore = self.rng.random(n) < eps
        actions = np.where(explore, self.rng.integers(0, 2, n), greedy)
        out = self.envs.step(actions)
        # Bootstrap from the real last observation: only termination cuts the future off.
        obs, acts, rets, next_obs, discounts = self.collector.add(self.obs, actions, out)
        self.buffer.add(obs, acts, rets, next_obs, discounts)
        if cfg.mirror:  # the same transition seen in a mirror: as real as the first
            self.buffer.add(-obs, 1 - acts, rets, -next_obs, discounts)
        self.obs = out.obs
        self.steps += n
        returns = out.episode_returns.tolist()
        self.episodes += len(returns)

        # Learn.
        losses = []
        # Demonstrated steps count as steps played: with enough of them, learning starts at once.
        if self.steps + self.demo_steps >= cfg.learning_starts:
            for _ in range(cfg.updates_per_step):
                losses.append(self._update())

        # Check the greedy policy every so often; keep the most robust weights.
        evaluation = None
        if self.steps - self.last_eval_steps >= cfg.eval_every:
            evaluation = self._evaluate(t0)
        sel = self.selection
        stop_rule = sel.robust_at if cfg.stop_when_robust else sel.solved_at
        if (stop_rule is not None and cfg.stop_when_solved and self.steps >= cfg.min_steps) or (
            self.steps >= cfg.total_steps
        ):
            self.finished = True

        self.elapsed += time.perf_counter() - t0
        return TrainProgress(
            algo=self.algo,
            steps=self.steps,
            episodes=self.episodes,
            episode_returns=returns,
            epsilon=eps,
            loss=float(np.mean(losses)) if losses else None,
            steps_per_second=self.steps / self.elapsed if self.elapsed > 0 else 0.0,
            elapsed=self.elapsed,
            evaluation=evaluation,
            best_eval=self.best_eval,
            solved=sel.solved_at is not None,
            solved_at_steps=sel.solved_at,
            done=self.finished,
            snapshot=self.snapshot,
            solved_at_seconds=self.solved_seconds,
            robust_at_steps=sel.robust_at,
            robust_at_seconds=self.robust_seconds,
        )

    def _update(self) -> float:
        cfg = self.config
        batch = self.buffer.sample(cfg.batch_size, self.gen)
        # The Double-DQN Huber loss's gradients, the backward pass written out (q_update.py).
        grads, loss = td_gradients(self.q, self.target, batch)
        if cfg.demo_margin and isinstance(self.buffer, DemoSeededReplay):
            extra, _ = margin_gradients(
                self.q, self.params, batch, self.buffer.demo_rows, cfg.demo_margin
            )
            torch._foreach_add_(grads, extra)
        clip_(grads, cfg.max_grad_norm)
        self.optimizer.step(grads)
        self.n_updates += 1
        if self.n_updates % cfg.target_update_every == 0:
            with torch.no_grad():
                torch._foreach_lerp_(self.target_params, self.params, cfg.target_tau)
        return loss

    def evaluate_current(self) -> EvalPoint:
        """Evaluate the current weights now (e.g. when interrupted before any evaluation)."""
        return self._evaluate(time.perf_counter())

    def _evaluate(self, started: float) -> EvalPoint:
        """Check the current weights; ``started``: when this item's training time began."""
        sel = self.selection
        solved, robust = sel.solved_at, sel.robust_at
        tensors = self.snapshot()
        check = sel.offer(tensors, DQNPolicy(tensors), self.steps)
        self.last_eval_steps = self.steps
        point = check.eval_point()
        assert sel.best is not None  # a check was just offered
        self.best_eval = sel.best.eval_point()
        # Training time up to the end of this check: what the solve or robustness took.
        now = self.elapsed + time.perf_counter() - started
        if solved is None and sel.solved_at is not None:
            self.solved_seconds = now
        if robust is None and sel.robust_at is not None:
            self.robust_seconds = now
        return point

    def best_checkpoint(self, command: str = "") -> Checkpoint | None:
        sel = self.selection
        if sel.best is None or self.best_eval is None:
            return None
        return Checkpoint(
            kind="dqn",
            architecture=mlp_architecture(self.config.hidden),
            tensors=sel.best_weights,
            metadata={
                "training_config": {"algo": "dqn", **self.config.as_dict()},
                "seed": self.seed,
                **selection_metadata(sel, self.best_eval),
                **({} if self.demos is None else {"demonstrations": self.demos.summary()}),
                "command": command,
            },
        )


def build_trainer(spec: TrainerSpec) -> DQNTrainer:
    """The trainer for ``spec`` (called by :class:`cartpole_game.training.trainers.TrainerSpec`)."""
    config = DQNConfig(
        total_steps=spec.budget,
        stop_when_solved=spec.stop_when_solved,
        min_steps=spec.min_steps,
        level=spec.level,
        demo_margin=spec.demo_margin,
    )
    demos = None
    if spec.demos:
        from cartpole_game.training.demonstrations import load_demonstrations

        demos = load_demonstrations([Path(p) for p in spec.demos], spec.demo_driver, spec.level)
    return DQNTrainer(config, seed=spec.seed, demos=demos)
