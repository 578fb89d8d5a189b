"""The shipped DQN rescues a falling pole wherever a rescue is physically possible.

"Possible" is decided by exhaustive search: from the hand-over state, is there any sequence of
pushes that keeps the episode alive for half a second and has the pole swinging back toward
upright? (Breadth-first over both pushes, states merged when equal to 4 decimals.)
"""

from __future__ import annotations

import numpy as np
import pytest

from cartpole_game.agents import load_agent
from cartpole_game.sim import physics
from cartpole_game.sim.actions import NO_PUSH
from cartpole_game.sim.arena import Arena, EndReason
from cartpole_game.sim.controllers import ConstantController


def rescue_possible(state: np.ndarray, depth: int = 25, beam: int = 20_000) -> bool:
    frontier = {tuple(float(v) for v in state)}
    for _ in range(depth):
        following = set()
        for s in frontier:
            for force in (-10.0, 10.0):
                n = physics.step(physics.State(*s), force)
                if not physics.is_terminal(n):
                    following.add(tuple(round(float(v), 4) for v in n))
        if not following:
            return False
        if len(following) > beam:  # keep the most upright states
            following = set(sorted(following, key=lambda s: abs(s[2]) + 0.3 * abs(s[3]))[:beam])
        frontier = following
    return any(abs(s[2]) < 0.1 and s[2] * s[3] <= 0 for s in frontier)


def falling_state(seed: int, lean_degrees: float) -> Arena:
    """Let the pole fall with no push until it leans ``lean_degrees``."""
    arena = Arena(ConstantController(NO_PUSH), seed=seed)
    while abs(arena.state[2]) < np.radians(lean_degrees):
        arena.step()
    assert not arena.done
    return arena


@pytest.mark.slow
@pytest.mark.parametrize("lean", [6.0, 10.0])
def test_dqn_rescues_every_physically_possible_fall(lean: float) -> None:
    agent = load_agent("dqn")
    possible = rescued = 0
    for seed in range(10):
        arena = falling_state(seed, lean)
        can = rescue_possible(arena.state)
        arena.set_controller(agent)
        while not arena.done:
            arena.step()
        saved = arena.end_reason is EndReason.MAX_STEPS
        assert saved or not can, (
            f"seed {seed}: a rescue was possible from {lean}° but the agent failed"
        )
        possible += can
        rescued += saved
    assert possible > 0  # the test means something: some falls at this lean can be saved
    assert rescued >= possible
