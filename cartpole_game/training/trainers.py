"""Building a trainer for any trainable agent kind, from a small picklable spec.

The agent registry names each kind's trainer module (:class:`cartpole_game.agents.kind.TrainerRef`);
this imports that module only when a trainer is built, so choosing what to train, or showing a
training view, never imports torch. The headless ``train`` command, the live view's worker
process and the benchmarks all build trainers here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from cartpole_game.agents.kind import TrainerRef
from cartpole_game.agents.registry import agent_kind
from cartpole_game.sim.levels import LEVELS
from cartpole_game.training import Trainer


def trainer_ref(algo: str) -> TrainerRef:
    ref = agent_kind(algo).trainer
    if ref is None:
        raise KeyError(f"{algo} agents are not trained")
    return ref


@dataclass(frozen=True)
class TrainerSpec:
    """What to train; picklable, so the live view's worker process can build the trainer."""

    algo: str = "dqn"
    steps: int | None = None  # None: the kind's default budget
    seed: int = 0
    stop_when_solved: bool = True
    min_steps: int = 0  # keep training until this many steps even once robust (DQN)
    level: int = len(LEVELS)  # train on this level's physics, goal, wind and pokes
    # DQN only: replay files (or folders) whose steps seed its replay buffer, whose steps
    # (human, agent or any driver's) are kept, and DQfD's margin on them (0: none).
    demos: tuple[str, ...] = ()
    demo_driver: str = "any"
    demo_margin: float = 0.0

    @property
    def budget(self) -> int:
        return self.steps or trainer_ref(self.algo).default_steps

    def build(self) -> Trainer:
        module = importlib.import_module(trainer_ref(self.algo).module)
        trainer: Trainer = module.build_trainer(self)
        return trainer
