"""The actions and the one place they become forces on the cart.

Actions 0 and 1 are CartPole-v1's (push left, push right, each ``force_mag`` newtons); the game
adds 2, no push, which gymnasium's own ``play()`` cannot express.
"""

from __future__ import annotations

import numpy as np

from cartpole_game.sim.physics import CARTPOLE_V1, CartPoleParams

PUSH_LEFT = 0
PUSH_RIGHT = 1
NO_PUSH = 2
ACTIONS = (PUSH_LEFT, PUSH_RIGHT, NO_PUSH)


def action_to_force(action: int, params: CartPoleParams = CARTPOLE_V1) -> float:
    """The horizontal force on the cart for ``action``, in newtons (+ pushes right)."""
    if action == PUSH_RIGHT:
        return params.force_mag
    if action == NO_PUSH:
        return 0.0
    return -params.force_mag


def force_table(params: CartPoleParams = CARTPOLE_V1) -> np.ndarray:
    """``action_to_force`` as an array indexed by action: forces for a batch in one lookup."""
    return np.array([action_to_force(a, params) for a in ACTIONS], dtype=np.float64)
