"""``bench --only foreign``: how fast agents from other libraries load and act (issue 13).

Each format gets a small agent built here, in a scratch folder: the shipped DQN (the game's own
``.safetensors``), a CleanRL-shaped DQN saved with ``torch.save(state_dict)``, the same network
exported to ONNX, and SB3 DQN and PPO agents trained for 200 steps and saved as ``.zip``. A
format whose library is missing is skipped, and the table says which library.

Load time is measured in a fresh Python process, from before ``import cartpole_game`` until the
agent has acted once, so import costs count (torch's, for a zip or a state dict). The target:
under 0.3 s, without importing torch, for ONNX and safetensors. Act time is one ``act(obs)`` call
on real-looking observations, against the shipped DQN's measured in turns with it (target: within
2×); the fastest of several passes, which a busy machine disturbs least.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from cartpole_game.agents import load_agent, shipped_path

LOAD_TARGET_SECONDS = 0.3
ACT_TARGET_RATIO = 2.0
NO_TORCH_FORMATS = ("safetensors", "onnx")
_LOAD_CODE = """\
import sys, time
start = time.perf_counter()
import json
import numpy as np
from cartpole_game.agents import load_agent
agent = load_agent(sys.argv[1])
agent.act(np.zeros(4, np.float32))
print(json.dumps({"seconds": time.perf_counter() - start, "torch": "torch" in sys.modules,
                  "name": agent.name}))
"""


def _missing(*modules: str) -> str | None:
    """The first of ``modules`` that is not installed, or None."""
    return next((m for m in modules if importlib.util.find_spec(m) is None), None)


def _cleanrl_network() -> Any:
    import torch
    from torch import nn

    torch.manual_seed(0)
    return nn.Sequential(
        nn.Linear(4, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 2)
    )


def build_fixtures(folder: Path) -> dict[str, Path | str]:
    """Format -> the agent file built for it, or why it was skipped."""
    import torch

    fixtures: dict[str, Path | str] = {"safetensors": shipped_path("dqn")}
    network = _cleanrl_network()
    path = folder / "dqn.cleanrl_model"
    torch.save({f"network.{k}": v for k, v in network.state_dict().items()}, path)
    fixtures["cleanrl"] = path
    missing = _missing("onnx", "onnxruntime")
    if missing:
        fixtures["onnx"] = f"{missing} not installed (pip install onnx onnxruntime)"
    else:
        onnx_path = folder / "dqn.onnx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                network,
                (torch.zeros(1, 4),),
                str(onnx_path),
                opset_version=17,
                input_names=["obs"],
                dynamic_axes={"obs": {0: "batch"}},
                dynamo=False,
            )
        fixtures["onnx"] = onnx_path
    if _missing("stable_baselines3"):
        reason = "stable-baselines3 not installed (pip install stable-baselines3)"
        fixtures["sb3-dqn"] = fixtures["sb3-ppo"] = reason
        return fixtures
    from stable_baselines3 import DQN, PPO

    dqn = DQN("MlpPolicy", "CartPole-v1", seed=0, learning_starts=50, device="cpu")
    ppo = PPO("MlpPolicy", "CartPole-v1", seed=0, n_steps=64, batch_size=32, device="cpu")
    for label, model in (("sb3-dqn", dqn), ("sb3-ppo", ppo)):
        model.learn(200)
        model.save(folder / f"{label}.zip")
        fixtures[label] = folder / f"{label}.zip"
    return fixtures


def load_seconds(path: Path, runs: int) -> dict[str, Any]:
    """Median and max of ``runs`` loads, each in a fresh process; whether torch was imported."""
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _LOAD_CODE, str(path)],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    seconds = [r["seconds"] for r in results]
    return {
        "load_median_s": statistics.median(seconds),
        "load_max_s": max(seconds),
        "imports_torch": any(r["torch"] for r in results),
        "name": results[0]["name"],
    }


def _act_seconds(agent: Any, observations: np.ndarray) -> float:
    start = time.perf_counter()
    for obs in observations:
        agent.act(obs)
    return (time.perf_counter() - start) / len(observations)


def act_microseconds(
    agent: Any, baseline: Any, observations: np.ndarray, repeats: int = 7
) -> tuple[float, float]:
    """One ``act`` call of ``agent`` and of ``baseline``, in microseconds: the fastest of
    ``repeats`` passes each, taken in turns so that a busy machine slows both alike."""
    ours, theirs = [], []
    for _ in range(repeats):
        ours.append(_act_seconds(agent, observations))
        theirs.append(_act_seconds(baseline, observations))
    return min(ours) * 1e6, min(theirs) * 1e6


def foreign_benchmark(scratch: Path, runs: int = 3, steps: int = 5000) -> dict[str, Any]:
    """Load and act time of each format, against the targets."""
    folder = scratch / "foreign"
    folder.mkdir(parents=True, exist_ok=True)
    fixtures = build_fixtures(folder)
    rng = np.random.default_rng(0)
    observations = (rng.uniform(-1, 1, (steps, 4)) * [1.0, 1.0, 0.1, 1.0]).astype(np.float32)
    baseline = load_agent("dqn")
    formats: dict[str, Any] = {}
    baseline_us: list[float] = []
    for label, fixture in fixtures.items():
        if isinstance(fixture, str):
            formats[label] = {"skipped": fixture}
            continue
        figures = load_seconds(fixture, runs)
        agent = load_agent(fixture)
        act, base = act_microseconds(agent, baseline, observations)
        baseline_us.append(base)
        figures |= {
            "description": getattr(agent, "description", "") or "shipped DQN 4-64-64-2 relu",
            "act_us": act,
            "baseline_act_us": base,
            "act_ratio": act / base,
        }
        formats[label] = figures
    return {"baseline_act_us": min(baseline_us), "runs": runs, "formats": formats}


def table_rows(fig: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Rows (figure, measured, target) for the bench table."""
    rows = []
    for label, f in fig["formats"].items():
        if "skipped" in f:
            rows.append((f"foreign agent, {label}", f"skipped: {f['skipped']}", ""))
            continue
        torch_note = "imports torch" if f["imports_torch"] else "no torch"
        target = f"< {LOAD_TARGET_SECONDS:g} s, no torch" if label in NO_TORCH_FORMATS else ""
        rows.append(
            (
                f"load {label} ({f['description']}), fresh process",
                f"median {f['load_median_s']:.2f} s, max {f['load_max_s']:.2f} s, {torch_note}",
                target,
            )
        )
        rows.append(
            (
                f"act {label}, per step",
                f"{f['act_us']:.1f} µs ({f['act_ratio']:.2f}× the shipped DQN's "
                f"{f['baseline_act_us']:.1f} µs)",
                f"≤ {ACT_TARGET_RATIO:g}×",
            )
        )
    return rows
