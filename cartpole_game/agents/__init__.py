"""Agents that drive the cart, as controllers: observation in, action out (numpy only).

``load_agent(spec)`` is the public Python API::

    from cartpole_game.agents import load_agent
    agent = load_agent("dqn")        # or "linear", or the path of a checkpoint file
    action = agent.act(observation)  # 0 = push left, 1 = push right

The kinds of agent are listed in :mod:`cartpole_game.agents.registry`. Nothing here imports torch
or pygame, so an agent is ready in a fraction of a second.
"""

from __future__ import annotations

from cartpole_game.agents.loader import describe_source, load_agent, shipped_path
from cartpole_game.agents.registry import AGENT_KINDS, named_agents

__all__ = ["AGENT_KINDS", "describe_source", "load_agent", "named_agents", "shipped_path"]
