"""Time scales: how much simulated time passes per real second. The physics step never changes."""

from __future__ import annotations

TIME_SCALES = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
MIN_TIME_SCALE = TIME_SCALES[0]
MAX_TIME_SCALE = TIME_SCALES[-1]


def next_time_scale(current: float, direction: int) -> float:
    """The next preset time scale up (+1) or down (-1), clamped to 0.25x..2x."""
    index = min(range(len(TIME_SCALES)), key=lambda i: abs(TIME_SCALES[i] - current))
    index = max(0, min(len(TIME_SCALES) - 1, index + direction))
    return TIME_SCALES[index]
