"""The agent kinds the game knows, by name. Adding a kind: its module, and one line here."""

from __future__ import annotations

from cartpole_game.agents import clone, dqn, foreign, linear, lqr
from cartpole_game.agents.kind import AgentKind

AGENT_KINDS: dict[str, AgentKind] = {
    kind.name: kind
    for kind in (
        dqn.KIND,
        linear.KIND,
        lqr.KIND,  # computed from the level's physics, not loaded (agents/lqr.py)
        clone.KIND,  # learned from demonstrations: behaviour cloning (agents/clone.py)
        *foreign.KINDS,  # agents from SB3, RL-Zoo, CleanRL and ONNX files (agents/foreign.py)
    )
}


def agent_kind(name: str) -> AgentKind:
    """The kind called ``name``; ``KeyError`` names the kinds there are."""
    try:
        return AGENT_KINDS[name]
    except KeyError:
        raise KeyError(f"unknown agent kind {name!r} (known: {', '.join(AGENT_KINDS)})") from None


def named_agents() -> tuple[str, ...]:
    """What ``--agent NAME`` accepts besides a file: the shipped and the built-in agents."""
    return tuple(name for name, kind in AGENT_KINDS.items() if kind.named)


def trainable_kinds() -> tuple[str, ...]:
    """What ``train --algo`` trains by playing."""
    return tuple(name for name, kind in AGENT_KINDS.items() if kind.trainer is not None)


def demo_trained_kinds() -> tuple[str, ...]:
    """What ``train --algo NAME --demos PATH`` trains from demonstrations."""
    return tuple(name for name, kind in AGENT_KINDS.items() if kind.learns_from_demos)


def demo_seeded_kinds() -> tuple[str, ...]:
    """What ``train --algo NAME --demos PATH`` trains by playing, seeded with demonstrations."""
    return tuple(
        name
        for name, kind in AGENT_KINDS.items()
        if kind.trainer is not None and kind.trainer.seeded_by_demos
    )
