"""Agent benchmarks: training time and reliability, measured, returned as dicts of figures.

``python play.py bench`` calls these. Each takes a seed count so a quick run is possible; the
targets are for 10 seeds:

- linear: 10 of 10 seeds give a policy scoring 500 in 100 of 100 episodes, each in <= 1 s;
- DQN: median training wall-clock to solve <= 15 s, 10 of 10 seeds solved within 50,000 steps;
- SB3 reference: RL-Zoo's tuned CartPole-v1 DQN, timed the same way (optional dependency).

Nothing here imports pygame; torch is imported only by the DQN and SB3 functions.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Sequence
from typing import Any, TypedDict

import numpy as np

from cartpole_game.agents.linear import LinearPolicy
from cartpole_game.sim.physics import SOLVED_MEAN
from cartpole_game.training.evaluate import evaluate_batch
from cartpole_game.training.linear_search import LinearSearch
from cartpole_game.training.vector_env import VectorCartPole

DQN_BUDGET = 50_000
# RL-Zoo (rl-baselines3-zoo hyperparams/dqn.yml), CartPole-v1.
SB3_ZOO_CARTPOLE = {
    "learning_rate": 2.3e-3,
    "batch_size": 64,
    "buffer_size": 100_000,
    "learning_starts": 1_000,
    "gamma": 0.99,
    "target_update_interval": 10,
    "train_freq": 256,
    "gradient_steps": 128,
    "exploration_fraction": 0.16,
    "exploration_final_eps": 0.04,
    "policy_kwargs": {"net_arch": [256, 256]},
}


class SolveRun(TypedDict):
    """One seed's training run: did it solve, in how long, after how many steps."""

    seed: int
    solved: bool
    seconds: float
    steps_to_solve: int | None  # set exactly when solved


class DQNRun(SolveRun):
    eval_mean: float | None


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _steps_to_solve(runs: Sequence[SolveRun]) -> list[int]:
    """The steps to solve of the solved runs."""
    return [r["steps_to_solve"] for r in runs if r["steps_to_solve"] is not None]


def linear_benchmark(seeds: int = 10) -> dict[str, Any]:
    """Train the linear policy on ``seeds`` seeds; check each on 100 fresh episodes."""
    runs = []
    for seed in range(seeds):
        search = LinearSearch(seed=seed)
        t0 = time.perf_counter()
        progress = list(search)[-1]
        wall = time.perf_counter() - t0
        ckpt = search.best_checkpoint()
        assert ckpt is not None, "a finished search has evaluated its weights"
        policy = LinearPolicy(ckpt.tensors["weights"], float(ckpt.tensors["bias"][0]))
        check = evaluate_batch(policy.act_batch, 100, seed=10_000 + seed)
        runs.append(
            {
                "seed": seed,
                "solved": progress.solved,
                "seconds": round(wall, 3),
                "steps": progress.steps,
                "check_mean": check.mean,
                "check_at_500": int((check.returns >= 500).sum()),
            }
        )
    perfect = [r for r in runs if r["solved"] and r["check_at_500"] == 100 and r["seconds"] <= 1.0]
    return {
        "seeds": seeds,
        "runs": runs,
        "perfect_within_1s": len(perfect),
        "max_seconds": max(r["seconds"] for r in runs),
        "target_met": len(perfect) == seeds,
    }


def dqn_benchmark(seeds: int = 10, budget: int = DQN_BUDGET) -> dict[str, Any]:
    """Train the DQN on ``seeds`` seeds with a ``budget``-step limit; time to solve and steps."""
    from cartpole_game.training.dqn import DQNConfig, DQNTrainer

    runs: list[DQNRun] = []
    for seed in range(seeds):
        trainer = DQNTrainer(DQNConfig(total_steps=budget), seed=seed)
        t0 = time.perf_counter()
        progress = list(trainer)[-1]
        wall = time.perf_counter() - t0
        runs.append(
            {
                "seed": seed,
                "solved": progress.solved,
                "seconds": round(wall, 2),
                "steps_to_solve": progress.solved_at_steps,
                "eval_mean": trainer.best_eval.mean if trainer.best_eval else None,
            }
        )
    solved = [r for r in runs if r["solved"]]
    # Unsolved runs count as infinitely slow, so the median is honest about failures.
    times = [r["seconds"] if r["solved"] else float("inf") for r in runs]
    median_seconds = _median(times)
    return {
        "seeds": seeds,
        "budget": budget,
        "runs": runs,
        "solved": len(solved),
        "median_seconds": median_seconds,
        "median_steps": _median(_steps_to_solve(solved)),
        "max_seconds": max((r["seconds"] for r in solved), default=None),
        "max_steps": max(_steps_to_solve(solved), default=None),
        "target_met": len(solved) == seeds and median_seconds is not None and median_seconds <= 15,
    }


def sb3_reference(
    seeds: int = 3, budget: int = DQN_BUDGET, check_every: int = 2_500, episodes: int = 20
) -> dict[str, Any]:
    """RL-Zoo's CartPole-v1 DQN in Stable-Baselines3: training time to a greedy mean of 475.

    Every ``check_every`` steps training pauses for a deterministic evaluation over
    ``episodes`` episodes (not timed); the run stops at the first mean >= 475 or at ``budget``.
    """
    try:
        import gymnasium as gym
        from stable_baselines3 import DQN
        from stable_baselines3.common.callbacks import BaseCallback
        from stable_baselines3.common.evaluation import evaluate_policy
        from stable_baselines3.common.monitor import Monitor
    except ImportError:
        return {
            "available": False,
            "reason": "stable-baselines3 is not installed (pip install stable-baselines3)",
        }
    import torch

    torch.set_num_threads(os.cpu_count() or 1)  # SB3's default: torch's own thread count

    class CheckSolved(BaseCallback):
        def __init__(self, eval_env: gym.Env) -> None:
            super().__init__()
            self.eval_env = eval_env
            self.paused = 0.0
            self.solved_at: int | None = None

        def _on_step(self) -> bool:
            if self.num_timesteps % check_every:
                return True
            t0 = time.perf_counter()
            mean, _ = evaluate_policy(
                self.model, self.eval_env, n_eval_episodes=episodes, deterministic=True
            )
            self.paused += time.perf_counter() - t0
            if mean >= SOLVED_MEAN:
                self.solved_at = self.num_timesteps
                return False
            return True

    runs: list[SolveRun] = []
    for seed in range(seeds):
        env = gym.make("CartPole-v1")
        eval_env = Monitor(gym.make("CartPole-v1"))
        eval_env.reset(seed=10_000 + seed)
        model = DQN("MlpPolicy", env, seed=seed, verbose=0, device="cpu", **SB3_ZOO_CARTPOLE)
        callback = CheckSolved(eval_env)
        t0 = time.perf_counter()
        model.learn(total_timesteps=budget, callback=callback)
        seconds = time.perf_counter() - t0 - callback.paused
        runs.append(
            {
                "seed": seed,
                "solved": callback.solved_at is not None,
                "seconds": round(seconds, 2),
                "steps_to_solve": callback.solved_at,
            }
        )
    times = [r["seconds"] if r["solved"] else float("inf") for r in runs]
    return {
        "available": True,
        "seeds": seeds,
        "runs": runs,
        "solved": sum(r["solved"] for r in runs),
        "median_seconds": _median(times),
        "median_steps": _median(_steps_to_solve(runs)),
        "torch_threads": torch.get_num_threads(),
    }


def speedup_ratio(dqn: dict[str, Any], sb3: dict[str, Any]) -> float | None:
    """SB3's median time to solve over ours (greater than 1: ours is faster)."""
    ours, theirs = dqn.get("median_seconds"), sb3.get("median_seconds")
    if not sb3.get("available", True) or not ours or not theirs or ours == float("inf"):
        return None
    return theirs / ours


def headless_training_throughput(seconds: float = 3.0) -> dict[str, Any]:
    """Environment steps per second: the bare numpy batch, and the DQN trainer while learning."""
    from cartpole_game.training.dqn import DQNConfig, DQNTrainer

    out: dict[str, Any] = {}
    for n in (8, 100):
        env = VectorCartPole(n, seed=0)
        env.reset()
        rng = np.random.default_rng(0)
        steps, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds / 3:
            env.step(rng.integers(0, 2, n))
            steps += n
        out[f"vector_env_{n}_steps_per_s"] = round(steps / (time.perf_counter() - t0))
    # Never "solved", so it keeps learning (4 updates per 8 env steps) for the whole window.
    trainer = DQNTrainer(DQNConfig(total_steps=10**9, solved_mean=float("inf")), seed=0)
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds / 3:
        progress = next(trainer)
    out["dqn_training_steps_per_s"] = round(progress.steps_per_second)
    return out
