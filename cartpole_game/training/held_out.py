"""The held-out card: what a trained agent is worth, measured after training stops.

The trainers stop and choose their weights on training-time checks
(:mod:`cartpole_game.training.robust_check`), so those checks' figures flatter the weights they
chose. The figures a run reports and saves come from here instead: the robustness suite on its
held-out seeds (from 10⁹; :data:`HELD_OUT_FIRST_SEED`), 1,000 fresh episodes per condition, the
first condition being 1,000 standard episodes of the level, and LQR's shares on the very same
episodes beside them. These are ``eval --suite robust``'s episodes, so that command prints the
same card for the saved file (with LQR's whole row; a run plays LQR only where the targets
compare them, poke 1.0 and 1.5, on the very same episodes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from cartpole_game.agents.checkpoint import Checkpoint
from cartpole_game.agents.lqr import LQRPolicy
from cartpole_game.agents.registry import AGENT_KINDS
from cartpole_game.sim.controllers import ExplainingController
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.training import Trainer
from cartpole_game.training.robust_check import REFERENCE
from cartpole_game.training.robust_suite import (
    CONDITIONS,
    DEFAULT_EPISODES,
    HELD_OUT_FIRST_SEED,
    RobustReport,
    robust_suite,
)

# The conditions LQR plays beside the agent: where the targets and the stretch goal compare them
# (``eval --suite robust`` prints LQR's whole row; a training run needs only these).
LQR_CONDITIONS = ("poke 1.0", "poke 1.5")


@dataclass(frozen=True)
class HeldOutCard:
    """The suite on held-out episodes for an agent, and for LQR on the same episodes of the
    conditions where they are compared (:data:`LQR_CONDITIONS`)."""

    agent: RobustReport
    reference: RobustReport

    @property
    def standard(self) -> Any:
        return self.agent.result("standard")

    def seeds(self) -> list[range]:
        """Every reset seed it played, one range per condition."""
        return [r.seeds for r in self.agent.results]

    def as_metadata(self) -> dict[str, Any]:
        """Per condition: the share reaching the goal, the mean and std of the episodes'
        lengths, the seeds; and LQR's shares."""
        conditions = {}
        for r in self.agent.results:
            conditions[r.condition.key] = {
                "reached": r.reached,
                "mean": r.mean,
                "std": float(r.returns.std()),
                "episodes": len(r.seeds),
                "seeds": [r.seeds.start, r.seeds.stop - 1],
            }
        return {
            "level": self.agent.level.number,
            "goal": self.agent.level.goal_steps,
            "conditions": conditions,
            "lqr_reached": {r.condition.key: r.reached for r in self.reference.results},
        }


def held_out_card(
    agent: ExplainingController, level: Level = LEVELS[-1], episodes: int = DEFAULT_EPISODES
) -> HeldOutCard:
    """``agent`` and LQR over the suite's held-out episodes on ``level``."""
    report = robust_suite(agent, level, episodes, HELD_OUT_FIRST_SEED)
    compared = [c for c in CONDITIONS if c.key in LQR_CONDITIONS]
    reference = robust_suite(
        LQRPolicy(REFERENCE), level, episodes, HELD_OUT_FIRST_SEED, conditions=compared
    )
    return HeldOutCard(report, reference)


def policy_of(checkpoint: Checkpoint, name: str = "") -> ExplainingController:
    """The agent a checkpoint holds, as the game would play it."""
    build = AGENT_KINDS[checkpoint.kind].from_tensors
    assert build is not None, f"{checkpoint.kind} agents are not saved as checkpoints"
    return build(checkpoint.tensors, name or checkpoint.kind)


def with_card(checkpoint: Checkpoint, card: HeldOutCard) -> Checkpoint:
    """``checkpoint`` reporting ``card``: ``eval_mean``, ``eval_std`` and ``eval_episodes`` are
    the held-out standard episodes'; the training-time check's figures move to ``selection_*``."""
    meta = dict(checkpoint.metadata)
    standard = card.standard
    for key in ("eval_mean", "eval_std", "eval_episodes"):
        if key in meta:
            meta["selection_" + key] = meta.pop(key)
    meta.update(
        eval_mean=standard.mean,
        eval_std=float(standard.returns.std()),
        eval_episodes=len(standard.seeds),
        held_out=card.as_metadata(),
    )
    return replace(checkpoint, metadata=meta)


def final_checkpoint(trainer: Trainer, command: str = "") -> tuple[Checkpoint, HeldOutCard] | None:
    """The trainer's chosen weights with their held-out card (None before any evaluation)."""
    checkpoint = trainer.best_checkpoint(command)
    if checkpoint is None:
        return None
    level = getattr(trainer, "level", LEVELS[-1])
    card = held_out_card(policy_of(checkpoint), level)
    return with_card(checkpoint, card), card
