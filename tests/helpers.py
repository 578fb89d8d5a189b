"""Shared test helpers (game-side; importing this pulls in pygame)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]


def run_play(
    *args: str, timeout: float = 120, env: dict[str, str] | None = None, inherit_env: bool = True
) -> subprocess.CompletedProcess:
    """Run ``python play.py ARGS`` as a user would; returns the completed process (text mode).

    ``env`` is added to the test environment, or replaces it with ``inherit_env=False``.
    """
    full_env = dict(os.environ) if inherit_env else {}
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "play.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
        env=full_env,
    )


def color_mask(pixels: np.ndarray, color: tuple[int, int, int], tolerance: int = 12) -> np.ndarray:
    """Boolean mask of the pixels (H, W, 3) within ``tolerance`` of ``color`` on every channel."""
    diff = np.abs(pixels.astype(int) - np.array(color, dtype=int))
    return (diff <= tolerance).all(axis=-1)


def surface_pixels(surface) -> np.ndarray:  # pygame.Surface -> (H, W, 3)
    import pygame

    return pygame.surfarray.array3d(surface).transpose(1, 0, 2)


def load_png_pixels(path: Path) -> np.ndarray:
    import pygame

    return surface_pixels(pygame.image.load(str(path)))


def centroid_x(mask: np.ndarray) -> float:
    _ys, xs = np.nonzero(mask)
    assert xs.size > 0, "no pixels of that colour on screen"
    return float(xs.mean())


def headless_screenshot(tmp_path: Path, *args: str) -> np.ndarray:
    """Run ``python play.py ARGS --headless --screenshot`` (data in ``tmp_path``); its pixels.

    The run must succeed; the screenshot comes back as an (H, W, 3) array.
    """
    shot = tmp_path / "shot.png"
    result = run_play(*args, "--headless", "--screenshot", str(shot), "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    return load_png_pixels(shot)
