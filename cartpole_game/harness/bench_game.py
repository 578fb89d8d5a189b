"""Game benchmarks: frame times per mode, start-up, gymnasium's render, live training.

``python play.py bench`` calls these; each returns a dict of figures. Frame times are CPU time
(``time.process_time``) per frame, headless at 1280×720, with the virtual clock so no sleeping is
counted. Start-up is wall-clock time from launching the game to the first frame drawn. Every
subprocess runs the installed package (``python -m cartpole_game``), so the benchmarks work from
any folder, not only a checkout.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import pygame

from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig, TrainConfig
from cartpole_game.game.modes import MODES
from cartpole_game.game.scenes.train_view import TrainViewScene
from cartpole_game.training.trainers import TrainerSpec

# label: run-config fields, as the mode registry gives them; a human is the scripted player below.
FRAME_MODES = {label: fields for spec in MODES.values() for label, fields in spec.bench.items()}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def wiggle_player(state: np.ndarray) -> int:
    """A scripted 'human' for the frame benchmark: pushes against the pole's lean."""
    return pygame.K_RIGHT if state[2] + 0.3 * state[3] > 0 else pygame.K_LEFT


# label: run-config fields, as the mode registry gives them; a human is the scripted player above.
FRAME_MODES = {label: fields for spec in MODES.values() for label, fields in spec.bench.items()}


def measure_mode_frames(label: str, frames: int, data_dir: Path) -> dict[str, Any]:
    """Median and p99 CPU time per frame in one mode; a human's keys are held as a player would."""

    config = RunConfig(headless=True, seed=0, data_dir=data_dir, **FRAME_MODES[label])
    app = App(config, record_frame_times=True)
    held = None
    try:
        for _ in range(frames):
            top = app.ctx.stack.top
            arena = getattr(top, "arena", None)
            if arena is not None and getattr(top, "human_driving", False):
                wanted = wiggle_player(arena.state)
                if wanted != held:
                    if held is not None:
                        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=held))
                    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=wanted))
                    held = wanted
            app.frame()
        times = app.frame_cpu_times or []
    finally:
        app.close()
    warm = times[30:]  # skip font loading and first-blit costs
    return frame_figures(warm)


def frame_figures(times: list[float]) -> dict[str, Any]:
    return {
        "frames": len(times),
        "median_ms": statistics.median(times) * 1000,
        "p99_ms": percentile(times, 0.99) * 1000,
        "max_ms": max(times) * 1000,
    }


def measure_startup(runs: int) -> dict[str, Any]:
    """Wall-clock seconds from launching ``python -m cartpole_game play`` to its first frame."""
    samples = []
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1")
    for _ in range(runs):
        started = time.time()
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "cartpole_game",
                "play",
                "--headless",
                "--frames",
                "1",
                "--report-first-frame",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        line = next((ln for ln in out.stdout.splitlines() if ln.startswith("first-frame ")), None)
        if out.returncode != 0 or line is None:
            raise RuntimeError(f"start-up run failed: {out.stderr.strip()[-300:]}")
        samples.append(float(line.split()[1]) - started)
    return {"runs": runs, "median_s": statistics.median(samples), "max_s": max(samples)}


def measure_gym_render(frames: int) -> dict[str, Any]:
    """For reference: gymnasium's own CartPole rgb_array render plus one step, 600×400."""
    env = gym.make("CartPole-v1", render_mode="rgb_array")
    env.reset(seed=0)
    times = []
    for i in range(frames):
        start = time.process_time()
        _, _, terminated, truncated, _ = env.step(i % 2)
        env.render()
        times.append(time.process_time() - start)
        if terminated or truncated:
            env.reset()
    env.close()
    return frame_figures(times[30:])


def measure_headless_solve(seed: int) -> dict[str, Any]:
    """Wall-clock and steps to solve, training headless with no UI: the live view's baseline."""
    trainer = TrainerSpec("dqn", seed=seed).build()
    start = time.monotonic()
    solved_at = None
    for progress in trainer:
        if progress.solved and solved_at is None:
            solved_at = (time.monotonic() - start, progress.steps)
        if progress.done:
            break
    wall = time.monotonic() - start
    return {
        "seed": seed,
        "solve_s": solved_at[0] if solved_at else None,
        "steps": progress.steps,
        "steps_per_s": progress.steps / wall,
    }


def headless_solve_in_fresh_process(seed: int) -> dict[str, Any]:
    code = (
        "import json; from cartpole_game.harness.bench_game import measure_headless_solve; "
        f"print(json.dumps(measure_headless_solve({seed})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_live_solve(seed: int, data_dir: Path, steps: int | None = None) -> dict[str, Any]:
    """The same training inside the live view (turbo), the window drawn at 60 FPS meanwhile
    (``steps``: a smaller budget than the trainer's own, for a quick check)."""
    config = RunConfig(
        mode="train",
        headless=True,
        seed=seed,
        data_dir=data_dir,
        train=TrainConfig(out=data_dir / f"live-{seed}.safetensors", pace=3, steps=steps),
    )
    app = App(config)  # the training view keeps real time, sleeping between frames
    frame_gaps: list[float] = []
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, TrainViewScene), "the train mode opens on the training view"
        while not scene.view.started:
            app.frame()
        last = time.perf_counter()
        # Until the run stops by itself (robust, or out of steps: "halted", the worker waiting
        # for "keep training") or the worker ends.
        while not (scene.view.done or scene.view.halted):
            app.frame()
            now = time.perf_counter()
            frame_gaps.append(now - last)
            last = now
        view = scene.view
    finally:
        app.close()
    return {
        "seed": seed,
        "solve_s": view.solved_wall_seconds,
        "steps": view.steps,
        "steps_per_s": view.steps / max(view.wall_seconds, 1e-9),
        "fps_median": 1.0 / statistics.median(frame_gaps),
        "frame_max_ms": max(frame_gaps) * 1000,
    }


def measure_live(seeds: int, data_dir: Path) -> dict[str, Any]:
    """Turbo training in the live view against the same training headless, seed by seed."""
    rows = []
    for seed in range(seeds):
        rows.append(
            {
                # Both in a fresh interpreter, as the live view's worker is: a fair match.
                "headless": headless_solve_in_fresh_process(seed),
                "live": measure_live_solve(seed, data_dir),
            }
        )

    def median(side: str, key: str) -> float:
        return statistics.median(r[side][key] for r in rows if r[side][key] is not None)

    return {
        "seeds": seeds,
        "runs": rows,
        "throughput_ratio": median("live", "steps_per_s") / median("headless", "steps_per_s"),
        "solve_ratio": median("live", "solve_s") / median("headless", "solve_s"),
        "headless_steps_per_s": median("headless", "steps_per_s"),
        "live_steps_per_s": median("live", "steps_per_s"),
        "fps_median": statistics.median(r["live"]["fps_median"] for r in rows),
        "frame_max_ms": max(r["live"]["frame_max_ms"] for r in rows),
    }
