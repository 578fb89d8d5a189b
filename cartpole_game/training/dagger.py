"""DAgger: a student network learns from a teacher who labels the states the student leads it into.

Behaviour cloning learns only the states its teacher visits; once the clone strays from them it
has never been shown what to do. DAgger (Ross, Gordon and Bagnell, 2011) asks the teacher about
the states the *student* visits instead, and learns from everything asked so far:

1. the student drives (with probability ``β`` a step is driven by the teacher instead, the β
   mixture; ``β`` shrinks by ``beta_decay`` each round, and is 0 by default);
2. at every state it visits, the teacher's action is recorded: its label there;
3. the labels join all the data so far (the aggregate, starting with any demonstrations);
4. the student is retrained on the aggregate, starting from its own weights
   (:func:`cartpole_game.training.clone.fit_clone` with ``initial``);
5. it is evaluated alone on fresh episodes, the same ones every round.

:func:`dagger` runs that loop headless with any controller as the teacher (an LQR plays the
human's part in the tests and the benchmark). :class:`Aggregate` is the data and the student it
trains, shared with the game's teaching mode, where the labels are a human's pushes on the steps
they took the cart (:mod:`cartpole_game.training.teach_worker`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from cartpole_game.agents.clone import ClonePolicy
from cartpole_game.sim.actions import NO_PUSH
from cartpole_game.sim.controllers import Controller, fit_to_physics
from cartpole_game.sim.disturbances import Disturbances
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.sim.physics import sample_starts
from cartpole_game.sim.rollout import rollout_batch
from cartpole_game.training.clone import CloneConfig, CloneFit, fit_clone, untrained_tensors

# The student retrains on every label so far: nothing is held out (a held-out episode could be
# the one round of corrections), and its score comes from playing, not from agreement.
DAGGER_CLONE = CloneConfig(max_epochs=200, patience=20)
EVAL_FIRST_SEED = 900_000  # the evaluation episodes' seeds: far from the rounds' own


@dataclass(frozen=True)
class DaggerConfig:
    rounds: int = 5  # rounds of corrections at most
    steps_per_round: int = 500  # states the student visits and the teacher labels, per round
    beta: float = 0.0  # the teacher's share of the driving in round 1 (the β mixture)...
    beta_decay: float = 0.5  # ...multiplied by this each round after
    eval_episodes: int = 100
    target: float = 0.95  # the share of evaluation episodes that reach the goal...
    stop_at_target: bool = True  # ...at which it stops (no more rounds needed)
    clone: CloneConfig = DAGGER_CLONE


@dataclass(frozen=True)
class Score:
    """The student alone on the evaluation episodes."""

    mean: float  # steps survived, on average
    reached: float  # the share that reached the goal
    episodes: int

    @property
    def as_dict(self) -> dict[str, float | int]:
        return {"mean": self.mean, "reached": self.reached, "episodes": self.episodes}


@dataclass(frozen=True)
class DaggerRound:
    round: int  # 0: the student before any correction
    labelled: int  # states the student visited and the teacher labelled, this round
    disagreed: int  # of them, where the teacher would have pushed otherwise than the student
    teacher_steps: int  # steps the β mixture let the teacher drive
    dataset: int  # steps in the aggregate the student then learned from
    score: Score
    train_seconds: float

    def as_dict(self) -> dict[str, object]:
        return {
            "round": self.round,
            "labelled": self.labelled,
            "disagreed": self.disagreed,
            "teacher_steps": self.teacher_steps,
            "dataset": self.dataset,
            "score": self.score.as_dict,
            "train_seconds": round(self.train_seconds, 3),
        }


@dataclass(frozen=True)
class DaggerResult:
    rounds: tuple[DaggerRound, ...]
    tensors: dict[str, np.ndarray]  # the last student's weights
    target: float

    def rounds_to_target(self) -> int | None:
        """The first round whose student reached the goal in ``target`` of its episodes."""
        return next((r.round for r in self.rounds if r.score.reached >= self.target), None)

    def labelled_until(self, round_number: int) -> int:
        """The states the teacher labelled in rounds 1 to ``round_number``."""
        return sum(r.labelled for r in self.rounds if 0 < r.round <= round_number)


@dataclass
class Aggregate:
    """Every label so far and the student trained on them."""

    config: CloneConfig = DAGGER_CLONE
    seed: int = 0
    tensors: dict[str, np.ndarray] = field(default_factory=untrained_tensors)
    parts: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(len(actions) for _, actions in self.parts)

    def add(self, observations: np.ndarray, actions: np.ndarray) -> None:
        obs = np.asarray(observations, dtype=np.float32).reshape(-1, 4)
        labels = np.asarray(actions, dtype=np.int64).reshape(-1)
        if len(obs) != len(labels):
            raise ValueError("one action per observation")
        if len(labels):
            self.parts.append((obs, labels))

    def student(self, name: str = "student") -> ClonePolicy:
        return ClonePolicy(self.tensors, name=name)

    def retrain(self, on_epoch: Callable | None = None) -> CloneFit:
        """Train on everything so far, from the student's weights when it has as many actions
        as the labels need (else afresh: a human's first "no push" adds an action)."""
        obs = np.concatenate([o for o, _ in self.parts])
        labels = np.concatenate([a for _, a in self.parts])
        actions = 3 if (labels == NO_PUSH).any() else 2
        initial = self.tensors if action_count(self.tensors) == actions else None
        episodes = np.zeros(len(labels), dtype=np.int64)  # one "episode": nothing held out
        fit = fit_clone(obs, labels, episodes, self.config, self.seed, on_epoch, initial=initial)
        self.tensors = fit.tensors
        return fit


def action_count(tensors: Mapping[str, np.ndarray]) -> int:
    """How many actions a clone's weights choose among (2, or 3 with no push)."""
    count = sum(1 for key in tensors if key.startswith("layers.")) // 2
    return int(np.asarray(tensors[f"layers.{count - 1}.bias"]).shape[0])


def evaluate_student(
    policy: ClonePolicy, level: Level, episodes: int, first_seed: int = EVAL_FIRST_SEED
) -> Score:
    """``policy`` alone on ``episodes`` seeded episodes of ``level`` (its wind and pokes too)."""
    seeds = range(first_seed, first_seed + episodes)
    starts = np.concatenate([_start(seed) for seed in seeds])
    schedule = level.disturbances
    disturbances = (
        [Disturbances(seed, schedule=schedule) for seed in seeds] if schedule.any else None
    )
    outcome = rollout_batch(
        lambda obs, _rows: policy.act_batch(obs), starts, level.params, disturbances
    )
    returns = outcome.returns
    goal = level.params.max_episode_steps
    return Score(float(returns.mean()), float((returns >= goal).mean()), episodes)


def _start(seed: int) -> np.ndarray:
    return sample_starts(np.random.default_rng(seed), 1)


class _Enough(Exception):
    """The round has visited its states: the episode under way stops there."""


@dataclass(frozen=True)
class Visited:
    observations: np.ndarray  # (n, 4): the states the student led to
    labels: np.ndarray  # (n,): the teacher's action at each
    disagreed: int
    teacher_steps: int


def visit(
    student: ClonePolicy,
    teacher: Controller,
    level: Level,
    steps: int,
    beta: float,
    seed: int,
) -> Visited:
    """The student drives episodes of ``level`` (the teacher instead, at a share ``beta`` of the
    steps) until ``steps`` states have been visited; the teacher labels every one."""
    rng = np.random.default_rng(seed)
    seen: list[np.ndarray] = []
    labels: list[int] = []
    chosen: list[int] = []
    by_teacher = 0

    def drive(obs: np.ndarray, _rows: np.ndarray) -> np.ndarray:
        nonlocal by_teacher
        if len(seen) == steps:
            raise _Enough
        label = int(teacher.act(obs[0]))
        own = int(student.act_batch(obs)[0])
        seen.append(obs[0].copy())
        labels.append(label)
        chosen.append(own)
        teacher_drives = beta > 0 and rng.random() < beta
        by_teacher += int(teacher_drives)
        return np.array([label if teacher_drives else own])

    episode = 0
    while len(seen) < steps:
        episode_seed = seed * 10_007 + episode
        schedule = level.disturbances
        disturbances = [Disturbances(episode_seed, schedule=schedule)] if schedule.any else None
        teacher.reset()
        with contextlib.suppress(_Enough):  # the round's states are all visited
            rollout_batch(drive, _start(episode_seed), level.params, disturbances)
        episode += 1
    observations = np.array(seen, dtype=np.float32).reshape(-1, 4)
    wanted = np.array(labels, dtype=np.int64)
    return Visited(observations, wanted, int((wanted != np.array(chosen)).sum()), by_teacher)


def dagger(
    teacher: Controller,
    config: DaggerConfig = DaggerConfig(),
    seed: int = 0,
    level: Level = LEVELS[-1],
    demos: tuple[np.ndarray, np.ndarray] | None = None,
    on_round: Callable[[DaggerRound], None] | None = None,
) -> DaggerResult:
    """Teach a student by DAgger with ``teacher`` labelling (see the module's docstring).

    The student starts as a clone of ``demos`` (observations, actions) if given, else as an
    untrained network. Round 0 is that student's score; each round after labels
    ``config.steps_per_round`` states it visits, retrains and scores it again.
    """
    fit_to_physics(teacher, level.params, False)
    aggregate = Aggregate(config.clone, seed, untrained_tensors(seed, hidden=config.clone.hidden))
    seconds = 0.0
    if demos is not None:
        aggregate.add(*demos)
        started = time.perf_counter()
        aggregate.retrain()
        seconds = time.perf_counter() - started
    score = evaluate_student(aggregate.student(), level, config.eval_episodes)
    rounds = [DaggerRound(0, 0, 0, 0, len(aggregate), score, seconds)]
    if on_round is not None:
        on_round(rounds[0])
    for number in range(1, config.rounds + 1):
        if config.stop_at_target and rounds[-1].score.reached >= config.target:
            break
        beta = config.beta * config.beta_decay ** (number - 1)
        seen = visit(
            aggregate.student(), teacher, level, config.steps_per_round, beta, seed * 97 + number
        )
        aggregate.add(seen.observations, seen.labels)
        started = time.perf_counter()
        aggregate.retrain()
        seconds = time.perf_counter() - started
        score = evaluate_student(aggregate.student(), level, config.eval_episodes)
        done = DaggerRound(
            number,
            len(seen.labels),
            seen.disagreed,
            seen.teacher_steps,
            len(aggregate),
            score,
            seconds,
        )
        rounds.append(done)
        if on_round is not None:
            on_round(done)
    return DaggerResult(tuple(rounds), aggregate.tensors, config.target)
