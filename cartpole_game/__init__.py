"""cartpole_game: a desktop CartPole game where humans and reinforcement-learning agents play.

Importing the package registers the gymnasium environment ``cartpole_game/CartPole-v1`` and one
environment per level of the ladder (``cartpole_game/Level1-Broom-v0`` ...).
"""

from cartpole_game.sim.env import ENV_ID, register
from cartpole_game.sim.levels import register_levels

register()
register_levels()

__all__ = ["ENV_ID"]
__version__ = "0.1.0"
