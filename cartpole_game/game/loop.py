"""The fixed-timestep game loop's timing, free of pygame so it can be tested with a fake clock.

The simulation advances in fixed steps of 0.02 s; rendering happens once per frame and
interpolates between the last two simulation states (Nystrom, *Game Programming Patterns*,
"Game Loop"). The time scale stretches simulated time, never the step size.
"""

from __future__ import annotations

import time
from typing import Protocol

# Guards against 0.1 + 0.2 style rounding: 6 frames of 1/60 s are exactly 5 steps of 0.02 s.
_EPSILON = 1e-9


class Clock(Protocol):
    """Where the loop gets time from. ``now`` is seconds; ``wait_for_next_frame`` paces frames."""

    def now(self) -> float: ...

    def wait_for_next_frame(self, frame_period: float) -> None: ...


class RealClock:
    """Wall-clock time, sleeping until the next frame is due."""

    def __init__(self) -> None:
        self._next_frame = time.perf_counter()

    def now(self) -> float:
        return time.perf_counter()

    def wait_for_next_frame(self, frame_period: float) -> None:
        self._next_frame += frame_period
        delay = self._next_frame - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        else:
            # Fell behind (slow frame): re-anchor instead of rushing frames to catch up.
            self._next_frame = time.perf_counter()


class VirtualClock:
    """Advances exactly one frame period per frame and never sleeps (headless runs, tests)."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds

    def wait_for_next_frame(self, frame_period: float) -> None:
        self._now += frame_period


class FixedStepAccumulator:
    """Turns elapsed real time into a whole number of fixed simulation steps plus a remainder."""

    def __init__(self, step: float, max_steps_per_frame: int) -> None:
        if step <= 0 or max_steps_per_frame < 1:
            raise ValueError("step must be positive and max_steps_per_frame at least 1")
        self.step = step
        self.max_steps_per_frame = max_steps_per_frame
        self.accumulated = 0.0
        self.dropped_time = 0.0  # simulated time skipped by the catch-up cap

    def advance(self, real_dt: float, time_scale: float) -> int:
        """Add ``real_dt`` seconds at ``time_scale``; return how many steps to simulate now."""
        self.accumulated += max(0.0, real_dt) * time_scale
        steps = int((self.accumulated + _EPSILON) // self.step)
        if steps > self.max_steps_per_frame:
            # Too far behind (a stall, a dragged window): drop the backlog rather than spiral.
            self.dropped_time += (steps - self.max_steps_per_frame) * self.step
            steps = self.max_steps_per_frame
            self.accumulated = 0.0
        else:
            self.accumulated = max(0.0, self.accumulated - steps * self.step)
        return steps

    @property
    def alpha(self) -> float:
        """How far between the previous and the current simulation state to draw, 0..1."""
        return min(1.0, self.accumulated / self.step)

    def reset(self) -> None:
        self.accumulated = 0.0
