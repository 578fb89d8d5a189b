"""cartpole_game: a desktop CartPole game where humans and reinforcement-learning agents play.

Importing the package registers the gymnasium environment ``cartpole_game/CartPole-v1``.
"""

from cartpole_game.sim.env import ENV_ID, register

register()

__all__ = ["ENV_ID"]
__version__ = "0.1.0"
