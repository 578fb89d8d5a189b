"""Fitting the 1280×720 picture into a resized window with its aspect ratio kept: pure functions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Letterbox:
    """Where the scaled picture sits in the window: ``scale``, offset and size in window pixels."""

    scale: float
    left: int
    top: int
    width: int
    height: int


def fit(window: tuple[int, int], logical: tuple[int, int]) -> Letterbox:
    """The largest ``logical``-shaped rectangle centred in ``window`` (bars on two sides)."""
    ww, wh = max(1, window[0]), max(1, window[1])
    lw, lh = logical
    scale = min(ww / lw, wh / lh)
    width, height = max(1, round(lw * scale)), max(1, round(lh * scale))
    return Letterbox(scale, (ww - width) // 2, (wh - height) // 2, width, height)


def to_logical(pos: tuple[float, float], box: Letterbox) -> tuple[int, int]:
    """A window position (a mouse event's) in the 1280×720 picture's coordinates."""
    return round((pos[0] - box.left) / box.scale), round((pos[1] - box.top) / box.scale)
