"""Agents that drive the cart: the linear policy and the DQN, loaded from checkpoint files.

``load_agent("dqn")`` and ``load_agent("linear")`` give the shipped agents in ``checkpoints/``;
any other spec is a path to a ``.safetensors`` checkpoint. Loading needs numpy and safetensors
only (no torch, no pygame), so an agent is ready in a fraction of a second.
"""

from __future__ import annotations

from pathlib import Path

from cartpole_game.agents.checkpoint import Checkpoint, load_checkpoint
from cartpole_game.agents.dqn import DQNPolicy
from cartpole_game.agents.linear import LinearPolicy
from cartpole_game.controllers import ExplainingController

CHECKPOINT_DIR = Path(__file__).resolve().parents[2] / "checkpoints"
SHIPPED = {
    "dqn": CHECKPOINT_DIR / "dqn.safetensors",
    "linear": CHECKPOINT_DIR / "linear.safetensors",
}


def resolve_agent_path(spec: str) -> Path:
    """The file an ``--agent`` value names: a shipped agent's name, or a path."""
    return SHIPPED.get(spec, Path(spec))


def policy_from_checkpoint(checkpoint: Checkpoint, name: str) -> DQNPolicy | LinearPolicy:
    if checkpoint.kind == "linear":
        return LinearPolicy(
            checkpoint.tensors["weights"], float(checkpoint.tensors["bias"][0]), name=name
        )
    return DQNPolicy(checkpoint.tensors, name=name)


def load_agent(spec: str) -> ExplainingController:
    """Load the agent ``spec`` names; raises ``FileFormatError`` for a missing or bad file."""
    path = resolve_agent_path(spec)
    checkpoint = load_checkpoint(path)
    name = spec if spec in SHIPPED else path.stem
    return policy_from_checkpoint(checkpoint, name)


__all__ = ["SHIPPED", "DQNPolicy", "LinearPolicy", "load_agent", "resolve_agent_path"]
