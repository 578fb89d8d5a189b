"""An episode as the game plays it: score and the reason it ended."""

from __future__ import annotations

import numpy as np

from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.arena import Arena, EndReason
from cartpole_game.sim.controllers import ConstantController, HumanController


def run_until_done(arena: Arena, limit: int = 1000) -> None:
    for _ in range(limit):
        if arena.step() is None:
            return


def test_pole_falls_without_input() -> None:
    arena = Arena(HumanController(), seed=0)
    run_until_done(arena)
    assert arena.end_reason is EndReason.POLE_FELL
    assert 5 < arena.score < 200


def test_cart_leaves_track() -> None:
    arena = Arena(ConstantController(NO_PUSH), seed=0)
    arena.env.set_state([2.39, 1.0, 0.0, 0.0])
    arena.state = arena.env.state.copy()
    run_until_done(arena)
    assert arena.end_reason is EndReason.CART_LEFT_TRACK


def test_500_steps_reached() -> None:
    class Balancer:
        name = "balancer"

        def act(self, obs: np.ndarray) -> int:
            return int(obs @ np.array([0.1, 0.5, 2.0, 0.5]) > 0)

        def reset(self) -> None:
            pass

    arena = Arena(Balancer(), seed=3)
    run_until_done(arena)
    assert arena.end_reason is EndReason.MAX_STEPS and arena.score == 500


def test_seeded_episodes_repeat() -> None:
    a, b = Arena(HumanController(), seed=42), Arena(HumanController(), seed=42)
    assert a.state.tobytes() == b.state.tobytes()
    a.reset()
    b.reset()
    assert a.state.tobytes() == b.state.tobytes()


def test_swapping_controller_keeps_the_state() -> None:
    arena = Arena(ConstantController(PUSH_RIGHT), seed=1)
    for _ in range(5):
        arena.step()
    before = arena.state.copy()
    arena.set_controller(ConstantController(PUSH_LEFT))
    assert arena.state.tobytes() == before.tobytes()
    record = arena.step()
    assert record is not None and record.force == -10.0


def test_interpolation_is_between_previous_and_current() -> None:
    arena = Arena(ConstantController(PUSH_RIGHT), seed=1)
    arena.step()
    mid = arena.interpolated_state(0.5)
    np.testing.assert_allclose(mid, (arena.previous_state + arena.state) / 2)
