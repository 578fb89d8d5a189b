"""Agent benchmarks: what the default ``train`` commands produce, how fast, against SB3.

``python play.py bench`` calls these; each takes a seed count so a quick run is possible.

- **linear, dqn:** the default ``python play.py train --algo A --headless --seed S`` in a fresh
  process per seed, timed from launch to exit (start-up, training, the checks, the held-out card
  and saving: all of it). Each run's held-out card (1,000 fresh episodes per condition of the
  robustness suite, seeds from 10⁹, LQR on the same episodes) is checked against the targets:
  standard and wide ≥ 99%, poke 0.5 and wind ≥ 98%, poke 1.0 at least LQR's share. The DQN's
  median wall-clock to a robust agent is to be at most 15 s.
- **SB3 reference:** RL-Zoo's tuned CartPole-v1 DQN in Stable-Baselines3, on one torch thread as
  ours, judged by the same rule in the same way: every 1,000 steps a check of 100 fresh episodes
  per condition (:func:`cartpole_game.training.robust_check.run_check`, the very episodes our run
  with that seed checks). Both rules are timed in each run: *solved* (the standard episodes
  average 475) and *robust* (every target met). Times are training only, the checks left out on
  both sides; :func:`speedup_ratio` divides SB3's median by ours.

Nothing here imports pygame; torch is imported only by the SB3 and throughput functions.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cartpole_game.sim.levels import LEVELS
from cartpole_game.training.robust_check import (
    BEAT_REFERENCE,
    CHECK_EPISODES,
    TARGETS,
    Selection,
)
from cartpole_game.training.robust_suite import CONDITIONS
from cartpole_game.training.vector_env import VectorCartPole

SB3_BUDGET = 50_000
CHECK_EVERY = 1_000
SPEED_TARGET = 15.0  # seconds: the DQN's median wall-clock to a robust agent
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


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def card_meets_targets(held_out: dict[str, Any]) -> dict[str, bool]:
    """Per target condition, whether a held-out card (as saved) meets it."""
    reached = {key: c["reached"] for key, c in held_out["conditions"].items()}
    met = {key: reached[key] >= share for key, share in TARGETS.items()}
    met.update({key: reached[key] >= held_out["lqr_reached"][key] for key in BEAT_REFERENCE})
    return met


def train_in_fresh_process(algo: str, seed: int, folder: Path) -> dict[str, Any]:
    """The default ``train --algo ALGO --headless --seed SEED``, launched and timed whole."""
    out = folder / f"{algo}-{seed}.safetensors"
    command = [sys.executable, "-m", "cartpole_game", "train", "--algo", algo, "--headless"]
    command += ["--seed", str(seed), "--out", str(out), "--force", "--json"]
    load = os.getloadavg()[0]
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=True)
    wall = time.perf_counter() - started
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    met = card_meets_targets(summary["held_out"])
    return {
        "seed": seed,
        "process_seconds": round(wall, 2),
        # CPU time of the process (all threads), and the machine's load when it started: on a
        # shared machine the wall-clock alone says as much about the neighbours as about us.
        "process_cpu_seconds": round(cpu_seconds, 2),
        "load_average": round(load, 2),
        **{key: summary[key] for key in _SUMMARY_KEYS},
        "held_out": {k: c["reached"] for k, c in summary["held_out"]["conditions"].items()},
        "lqr": summary["held_out"]["lqr_reached"],
        "targets_met": met,
        "all_targets_met": all(met.values()),
    }


_SUMMARY_KEYS = (
    "solved_at_steps",
    "solved_at_seconds",
    "robust",
    "robust_at_steps",
    "robust_at_seconds",
    "check_seconds_to_solve",
    "check_seconds_to_robust",
    "steps",
    "train_seconds",
    "eval_mean",
)


def trained_agents_benchmark(algo: str, seeds: int = 10) -> dict[str, Any]:
    """The default training of ``algo`` on seeds 0…seeds−1: per seed and pooled (see module)."""
    with tempfile.TemporaryDirectory(prefix="cartpole-bench-") as folder:
        runs = [train_in_fresh_process(algo, seed, Path(folder)) for seed in range(seeds)]
    pooled = {c.key: float(np.mean([r["held_out"][c.key] for r in runs])) for c in CONDITIONS}
    lqr = {key: float(np.mean([r["lqr"][key] for r in runs])) for key in runs[0]["lqr"]}
    # A run that never became robust counts as infinitely slow, so the median is honest.
    walls = [r["process_seconds"] if r["robust"] else float("inf") for r in runs]
    return {
        "algo": algo,
        "seeds": seeds,
        "runs": runs,
        "pooled_held_out": pooled,
        "pooled_lqr": lqr,
        "robust": sum(bool(r["robust"]) for r in runs),
        "all_targets_met": sum(r["all_targets_met"] for r in runs),
        "median_process_seconds_to_robust": _median(walls),
        "median_process_cpu_seconds": _median([r["process_cpu_seconds"] for r in runs]),
        "median_load_average": _median([r["load_average"] for r in runs]),
        "max_process_seconds": max(r["process_seconds"] for r in runs),
        "median_robust_training_seconds": _median(
            [_training_only(r, "robust") for r in runs if r["robust"]]
        ),
        "median_solve_training_seconds": _median(
            [_training_only(r, "solved") for r in runs if r["solved_at_steps"] is not None]
        ),
    }


def _training_only(run: dict[str, Any], rule: str) -> float:
    """Training seconds to ``rule`` ("solved" or "robust"), the checks' time left out."""
    checks = run["check_seconds_to_" + ("solve" if rule == "solved" else rule)] or 0.0
    return float(run[f"{rule}_at_seconds"] - checks)


def linear_benchmark(seeds: int = 10) -> dict[str, Any]:
    return trained_agents_benchmark("linear", seeds)


def dqn_benchmark(seeds: int = 10) -> dict[str, Any]:
    fig = trained_agents_benchmark("dqn", seeds)
    median = fig["median_process_seconds_to_robust"]
    fig["target_met"] = median is not None and median <= SPEED_TARGET
    return fig


class _SB3Policy:
    """An SB3 model as a batch policy (its deterministic ``predict``), for the checks."""

    def __init__(self, model: Any) -> None:
        self.model, self.name = model, "sb3-dqn"

    def act(self, observation: np.ndarray) -> int:
        return int(self.act_batch(observation[None, :])[0])

    def act_batch(self, observations: np.ndarray) -> np.ndarray:
        actions, _ = self.model.predict(observations, deterministic=True)
        return np.asarray(actions, dtype=np.int64)

    def reset(self) -> None:
        pass


def _checks_callback(base: type, seed: int) -> Any:
    """An SB3 callback checking the model by our rule every CHECK_EVERY steps, stopping it once
    robust; it keeps the training seconds (checks left out) to each rule."""

    class Checks(base):
        def __init__(self) -> None:
            super().__init__()
            self.selection = Selection(seed, LEVELS[-1], CHECK_EPISODES)
            self.paused = 0.0
            self.started = time.perf_counter()
            self.times: dict[str, float] = {}

        def _on_step(self) -> bool:
            if self.num_timesteps % CHECK_EVERY:
                return True
            t0 = time.perf_counter()
            sel = self.selection
            sel.offer(None, _SB3Policy(self.model), self.num_timesteps)
            training = t0 - self.started - self.paused
            if sel.solved_at is not None:
                self.times.setdefault("solved", training)
            if sel.robust_at is not None:
                self.times.setdefault("robust", training)
            self.paused += time.perf_counter() - t0
            return sel.robust_at is None

        def _on_training_end(self) -> None:
            self.times["total"] = time.perf_counter() - self.started - self.paused

    return Checks()


def sb3_reference(seeds: int = 3, budget: int = SB3_BUDGET) -> dict[str, Any]:
    """RL-Zoo's CartPole-v1 DQN in SB3 on one torch thread, checked by our rule (see module)."""
    try:
        import gymnasium as gym
        from stable_baselines3 import DQN
        from stable_baselines3.common.callbacks import BaseCallback
    except ImportError:
        return {
            "available": False,
            "reason": "stable-baselines3 is not installed (pip install stable-baselines3)",
        }
    import torch

    torch.set_num_threads(1)  # as our trainer

    runs: list[dict[str, Any]] = []
    for seed in range(seeds):
        model = DQN(
            "MlpPolicy", gym.make("CartPole-v1"), seed=seed, verbose=0, device="cpu",
            **SB3_ZOO_CARTPOLE,
        )  # fmt: skip
        callback = _checks_callback(BaseCallback, seed)
        model.learn(total_timesteps=budget, callback=callback)
        sel = callback.selection
        runs.append(
            {
                "seed": seed,
                "solved_at_steps": sel.solved_at,
                "solve_seconds": _rounded(callback.times.get("solved")),
                "robust_at_steps": sel.robust_at,
                "robust_seconds": _rounded(callback.times.get("robust")),
                "train_seconds": _rounded(callback.times.get("total")),
                "best_check": sel.best.as_dict() if sel.best else None,
            }
        )

    def median(key: str) -> float | None:
        return _median([float(r[key]) if r[key] is not None else float("inf") for r in runs])

    return {
        "available": True,
        "seeds": seeds,
        "budget": budget,
        "runs": runs,
        "solved": sum(r["solved_at_steps"] is not None for r in runs),
        "robust": sum(r["robust_at_steps"] is not None for r in runs),
        "median_solve_seconds": median("solve_seconds"),
        "median_robust_seconds": median("robust_seconds"),
        # A run never robust took at least its whole training: a lower bound for the median.
        "median_robust_seconds_at_least": _median(
            [float(r["robust_seconds"] or r["train_seconds"] or 0.0) for r in runs]
        ),
        "torch_threads": torch.get_num_threads(),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# Per rule: our figure's key and SB3's, the medians speedup_ratio divides.
_RATIO_KEYS = {
    "solve": ("median_solve_training_seconds", "median_solve_seconds"),
    "robust": ("median_robust_training_seconds", "median_robust_seconds"),
    "robust_at_least": ("median_robust_training_seconds", "median_robust_seconds_at_least"),
}


def speedup_ratio(dqn: dict[str, Any], sb3: dict[str, Any], rule: str = "solve") -> float | None:
    """SB3's median training time to ``rule`` ("solve", "robust", or "robust_at_least": SB3's
    runs that never got robust counted with their whole training) over ours; None when either
    side's median is missing or infinite (most runs never got there)."""
    ours_key, theirs_key = _RATIO_KEYS[rule]
    ours, theirs = dqn.get(ours_key), sb3.get(theirs_key)
    if not sb3.get("available", True) or not ours or theirs in (None, float("inf")):
        return None
    return float(theirs) / float(ours)


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
    # Never checked, so it keeps learning (and meeting disturbances) for the whole window.
    trainer = DQNTrainer(DQNConfig(total_steps=10**9, eval_every=10**9), seed=0)
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds / 3:
        progress = next(trainer)
    out["dqn_training_steps_per_s"] = round(progress.steps_per_second)
    return out


def table_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The bench table's rows for these figures."""
    rows: list[tuple[str, str, str]] = []
    for algo in ("linear", "dqn"):
        if algo in results:
            rows += _trained_rows(results[algo])
    if "sb3" in results:
        rows += _sb3_rows(results["sb3"], results.get("sb3_over_ours", {}))
    if "throughput" in results:
        fig = results["throughput"]
        rows.append(
            (
                "headless DQN training throughput",
                f"{fig['dqn_training_steps_per_s']:,} env steps/s while learning",
                "",
            )
        )
    return rows


def _percent(share: float) -> str:
    return f"{100 * share:.1f}"


def _trained_rows(fig: dict[str, Any]) -> list[tuple[str, str, str]]:
    algo, n = fig["algo"], fig["seeds"]
    cells = ", ".join(f"{k} {_percent(v)}" for k, v in fig["pooled_held_out"].items())
    median = fig["median_process_seconds_to_robust"]
    rows = [
        (
            f"default train --algo {algo}: held-out card, {n} seeds pooled",
            cells
            + " (LQR: "
            + ", ".join(f"{k} {_percent(v)}" for k, v in fig["pooled_lqr"].items())
            + ")",
            "",
        ),
        (
            f"default train --algo {algo}: seeds meeting every target",
            f"{fig['all_targets_met']} of {n} (robust on a check: {fig['robust']})",
            f"{n} of {n}",
        ),
        (
            f"default train --algo {algo}: median wall-clock, launch to saved"
            + (" (a robust agent)" if algo == "dqn" else " (robust, then 20 generations more)"),
            "not robust on most seeds"
            if median in (None, float("inf"))
            else f"{median:.1f} s (process start to saved; slowest {fig['max_process_seconds']:.1f} s; "
            f"CPU {fig['median_process_cpu_seconds']:.1f} s; load {fig['median_load_average']:.1f})",
            f"≤ {SPEED_TARGET:g} s" if algo == "dqn" else "",
        ),
    ]
    return rows


def _sb3_rows(fig: dict[str, Any], ratios: dict[str, Any]) -> list[tuple[str, str, str]]:
    if not fig.get("available"):
        return [
            ("reference: SB3 DQN (RL-Zoo)", "not installed (pip install stable-baselines3)", "")
        ]
    rows = []
    for rule in ("solve", "robust"):
        median = fig[f"median_{rule}_seconds"]
        ratio = ratios.get(rule) if isinstance(ratios, dict) else None
        got = fig["solved" if rule == "solve" else "robust"]
        measured = (
            f"not reached by most of {fig['seeds']} seeds in {fig['budget']:,} steps ({got} did)"
            if median in (None, float("inf"))
            else f"{median:.1f} s training ({got} of {fig['seeds']} seeds)"
        )
        if ratio:
            measured += f"; ours is {ratio:.1f}× faster"
        elif rule == "robust" and isinstance(ratios, dict) and ratios.get("robust_at_least"):
            measured += (
                f"; SB3 trained {fig['median_robust_seconds_at_least']:.1f} s (median) without "
                f"getting there: ours is at least {ratios['robust_at_least']:.1f}× faster"
            )
        rows.append((f"reference: SB3 DQN (RL-Zoo, 1 thread), time to {rule}", measured, ""))
    return rows
