"""What the game knows about one kind of agent: the entry each kind gives the registry.

An agent kind is a module that defines its policy (observation in, action out, numpy only) and a
``KIND = AgentKind(...)``; :mod:`cartpole_game.agents.registry` lists the kinds. Everything else
(loading ``--agent NAME``, checking a checkpoint, the decision panel's label, what ``train
--algo`` accepts, the live training view) reads the entry rather than testing kind names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cartpole_game.sim.controllers import ExplainingController


@dataclass(frozen=True)
class TrainerRef:
    """Where a kind's trainer lives. Only a name: the trainer (and torch) is imported to train.

    ``module`` (in the training layer) defines ``build_trainer(spec) -> Trainer``.
    """

    module: str
    default_steps: int  # environment-step budget of a default run
    iteration_seconds: float  # at real-time pace, the seconds one trainer iteration takes
    shows_episodes: bool = True  # whether its training episodes are worth watching live
    seeded_by_demos: bool = False  # whether ``--demos`` can seed its training (a replay buffer)


@dataclass(frozen=True)
class AgentKind:
    name: str  # as in --agent NAME, --algo NAME and the checkpoint's "kind"
    summary: str  # one line, for help texts
    value_label: str  # what the per-action numbers in the decision panel are
    # The same in plain words for a player who never heard of the method, one short line: what
    # the numbers measure and which way they point. "" says nothing beyond "the larger one wins".
    plain: str = ""
    # Checkpoint files: the tensors an architecture needs (ValueError if it is not this kind's),
    # and the policy built from checked tensors. None for kinds that are never saved.
    tensor_shapes: Callable[[Mapping[str, Any]], dict[str, tuple[int, ...]]] | None = None
    from_tensors: Callable[[Mapping[str, np.ndarray], str], ExplainingController] | None = None
    # ``--agent NAME`` loads this checkpoint from the package's shipped agents...
    shipped_file: str | None = None
    # ...or builds the agent with this (agents computed, not trained, such as a controller).
    build: Callable[[str], ExplainingController] | None = None
    trainer: TrainerRef | None = None
    # Trained from demonstrations rather than by playing: ``train --algo NAME --demos PATH``.
    learns_from_demos: bool = False

    @property
    def named(self) -> bool:
        """Whether ``--agent NAME`` gives an agent of this kind without a file."""
        return self.shipped_file is not None or self.build is not None
