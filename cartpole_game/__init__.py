"""cartpole_game: a desktop CartPole game where humans and reinforcement-learning agents play.

Importing the package registers the gymnasium environment ``cartpole_game/CartPole-v1`` and one
environment per level of the ladder (``cartpole_game/Level1-Broom-v0`` ...).
"""

import os

# The game's matrix products are tiny (a 64-wide network on at most a few thousand states), and
# threads only make them wait: on a loaded 2-core machine one threaded 400×64 product took 2 ms
# instead of 40 µs, and the robustness card 16 s instead of 1. So numpy's BLAS gets one thread,
# unless the environment says otherwise (it is read when numpy loads, which happens just below).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from cartpole_game.sim.env import ENV_ID, register
from cartpole_game.sim.levels import register_levels

register()
register_levels()

__all__ = ["ENV_ID"]
__version__ = "0.1.0"
