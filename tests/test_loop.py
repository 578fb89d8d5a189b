"""The fixed-step loop under a fake clock."""

from __future__ import annotations

import pytest

from cartpole_game.game.loop import FixedStepAccumulator, VirtualClock
from cartpole_game.sim.timescale import next_time_scale


def count_steps(frames: int, time_scale: float, fps: int = 60, cap: int = 5) -> int:
    clock = VirtualClock()
    acc = FixedStepAccumulator(0.02, cap)
    last = clock.now()
    total = 0
    for _ in range(frames):
        clock.wait_for_next_frame(1 / fps)
        now = clock.now()
        total += acc.advance(now - last, time_scale)
        last = now
    return total


def test_one_second_at_normal_speed_is_50_steps() -> None:
    assert count_steps(60, 1.0) == 50


def test_half_time_scale_gives_half_the_steps() -> None:
    assert count_steps(600, 0.5) == count_steps(600, 1.0) // 2 == 250


def test_double_time_scale_gives_twice_the_steps() -> None:
    assert count_steps(600, 2.0) == 1000


def test_step_size_never_changes_with_time_scale() -> None:
    acc = FixedStepAccumulator(0.02, 5)
    acc.advance(0.1, 0.25)
    assert acc.step == 0.02


def test_catch_up_is_capped_after_a_stall() -> None:
    acc = FixedStepAccumulator(0.02, 5)
    assert acc.advance(1.0, 1.0) == 5  # a one-second stall would need 50 steps
    assert acc.dropped_time == pytest.approx(0.9)
    assert acc.advance(1 / 60, 1.0) == 0  # the backlog is gone, not paid back later


def test_alpha_interpolates_between_steps() -> None:
    acc = FixedStepAccumulator(0.02, 5)
    assert acc.advance(0.03, 1.0) == 1
    assert acc.alpha == pytest.approx(0.5)


def test_time_scale_presets_clamp() -> None:
    assert next_time_scale(1.0, +1) == 1.25
    assert next_time_scale(2.0, +1) == 2.0
    assert next_time_scale(0.25, -1) == 0.25
    assert next_time_scale(0.5, -1) == 0.25
