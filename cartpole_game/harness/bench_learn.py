"""Learning from demonstrations: ``python play.py bench --only learn``.

**DAgger** (:mod:`cartpole_game.harness.bench_dagger`): rounds of LQR's labels until an
untrained student reaches 500 in 95% of its episodes.

**Demonstrations for the DQN** (:mod:`cartpole_game.harness.bench_demos`): the default DQN's
steps and seconds to solved and to robust over 5 seeds, without and with 5 episodes of LQR in
its replay buffer, in the same run.

**Clone fidelity** (:func:`clone_fidelity`): a teacher plays 5 episodes; a clone is trained on
them by behaviour cloning (:func:`cartpole_game.training.clone.fit_clone`, seed 0, one episode
held out as always). Then, on fresh seeds, the teacher plays again and at every state it visits
the clone is asked what it would do: the share of those states where it does what the teacher
did is its **agreement** (target ≥ 95%). The clone also plays those seeds itself: its mean
episode length against the teacher's (target: within 5%).

The teachers: the shipped linear agent and LQR (when the ``lqr`` agent kind is in the registry)
on CartPole-v1, and the simulated player of :mod:`cartpole_game.sim.player_model` on the first
level (which it always wins) and the third (which it wins 70% of the time). The player acts on
what it saw 0.2 s ago, with noise, and holds each press, so what it does is not a function of the
state it is in: no clone of the state alone can agree with it every time, and the bench shows how
close one gets. Nor can any clone that remembers everything: the bench also gives how often the
player *without its noise* (the same late view, the same held keys) does what the player did,
the most any clone can agree. Its clone, which has neither its delay nor its noise, may well
play longer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from statistics import fmean
from typing import Any

import numpy as np

from cartpole_game.agents import load_agent
from cartpole_game.agents.registry import named_agents
from cartpole_game.harness import bench_dagger, bench_demos
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import Controller
from cartpole_game.sim.disturbances import Disturbances
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.sim.player_model import SimulatedPlayer

DEMO_EPISODES = 5
EVAL_EPISODES = 20
AGREEMENT_TARGET = 0.95
LENGTH_TOLERANCE = 0.05
FRESH_SEEDS = 10_000  # evaluation seeds start here, far from the demonstrations'


@dataclass(frozen=True)
class Teacher:
    name: str
    level: Level
    agent: str | None = None  # a named agent, or None for the simulated player

    def controller(self, seed: int) -> Controller:
        if self.agent is not None:
            return load_agent(self.agent)
        level = self.level
        return SimulatedPlayer(time_scale=level.time_scale, tau=level.params.tau, seed=seed)


def teachers() -> list[Teacher]:
    """The teachers to measure: linear, LQR where the registry has it, the simulated player."""
    out = [Teacher("linear", LEVELS[-1], "linear")]
    if "lqr" in named_agents():
        out.append(Teacher("lqr", LEVELS[-1], "lqr"))
    out.append(Teacher("simulated player", LEVELS[0]))
    out.append(Teacher("simulated player", LEVELS[2]))
    return out


@dataclass(frozen=True)
class Played:
    lengths: list[int]  # steps survived, per episode
    observations: np.ndarray  # (n, 4): acted on, every step of every episode
    actions: np.ndarray  # (n,): what the player did
    episodes: np.ndarray  # (n,): which episode
    agreed: np.ndarray  # (n,) bool: the judge would have done the same (empty: no judge)
    # (n,) bool: the player without its noise would have done the same (empty: not a player)
    noiseless: np.ndarray


def play(
    controller: Controller, level: Level, seeds: range, judge: Controller | None = None
) -> Played:
    """``controller`` plays an episode from each seed, with the level's wind and pokes; with a
    ``judge``, whether the judge would have done the same at each state it visited."""
    arena = Arena(controller, seed=seeds[0], params=level.params)
    lengths: list[int] = []
    seen: list[np.ndarray] = []
    actions: list[int] = []
    episodes: list[int] = []
    agreed: list[bool] = []
    noiseless: list[bool] = []
    ask = getattr(controller, "noiseless_action", None)
    for number, seed in enumerate(seeds):
        if number:
            arena.reset(seed)
        disturbances = Disturbances(seed, schedule=level.disturbances)
        while not arena.done:
            poke = disturbances.scheduled_poke(len(arena.log.actions))
            if poke:
                arena.poke(poke)
            observation = arena.observation.copy()
            expected = ask(observation) if ask is not None else None
            arena.step(disturbances.next_wind())
            seen.append(observation)
            actions.append(arena.log.actions[-1])
            episodes.append(number)
            if judge is not None:
                agreed.append(judge.act(observation) == actions[-1])
            if expected is not None:
                noiseless.append(expected == actions[-1])
        lengths.append(arena.score)
    return Played(
        lengths,
        np.array(seen, dtype=np.float32).reshape(-1, 4),
        np.array(actions, dtype=np.int64),
        np.array(episodes, dtype=np.int64),
        np.array(agreed, dtype=bool),
        np.array(noiseless, dtype=bool),
    )


def clone_fidelity(
    teacher: Teacher, eval_episodes: int = EVAL_EPISODES, seed: int = 0
) -> dict[str, Any]:
    """One teacher: its clone's agreement on fresh states, and both mean episode lengths."""
    from cartpole_game.training.clone import fit_clone  # torch

    demos = play(teacher.controller(seed), teacher.level, range(seed, seed + DEMO_EPISODES))
    started = time.perf_counter()
    fit = fit_clone(demos.observations, demos.actions, demos.episodes, seed=seed)
    seconds = time.perf_counter() - started
    clone = fit.policy()
    fresh = range(seed + FRESH_SEEDS, seed + FRESH_SEEDS + eval_episodes)
    judged = play(teacher.controller(seed + 1), teacher.level, fresh, judge=clone)
    own = play(clone, teacher.level, fresh)
    teacher_mean, clone_mean = fmean(judged.lengths), fmean(own.lengths)
    agreement = float(judged.agreed.mean())
    ratio = clone_mean / teacher_mean
    return {
        "teacher": teacher.name,
        "level": teacher.level.number,
        "level_name": teacher.level.name,
        "demo_episodes": DEMO_EPISODES,
        "demo_steps": len(demos.actions),
        "actions": int(fit.actions),
        "held_out_agreement": fit.agreement,
        "agreement": agreement,
        # The most any clone could agree: the player without its noise (None: not a player).
        "noiseless_agreement": float(judged.noiseless.mean()) if judged.noiseless.size else None,
        "eval_episodes": eval_episodes,
        "eval_states": len(judged.agreed),
        "teacher_mean": teacher_mean,
        "clone_mean": clone_mean,
        "length_ratio": ratio,
        "train_seconds": round(seconds, 2),
        "epochs": fit.epochs,
        "agreement_met": agreement >= AGREEMENT_TARGET,
        "length_met": abs(ratio - 1.0) <= LENGTH_TOLERANCE,
    }


def learn_benchmark(eval_episodes: int = EVAL_EPISODES, seed: int = 0) -> dict[str, Any]:
    """The ``learn`` section: clone fidelity for every teacher (and whether LQR was there),
    DAgger with LQR teaching (:mod:`cartpole_game.harness.bench_dagger`), and the DQN with and
    without LQR's demonstrations (:mod:`cartpole_game.harness.bench_demos`)."""
    rows = [clone_fidelity(teacher, eval_episodes, seed) for teacher in teachers()]
    return {
        "clone": rows,
        "lqr_available": "lqr" in named_agents(),
        "dagger": bench_dagger.dagger_benchmark(),
        "dqn_demos": bench_demos.dqn_demos_benchmark(),
    }


def table_rows(fig: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows = []
    for row in fig["clone"]:
        where = f"level {row['level']} {row['level_name']}"
        met = row["agreement_met"] and row["length_met"]
        ceiling = row.get("noiseless_agreement")
        measured = (
            f"agrees on {row['agreement']:.1%} of {row['eval_states']:,} fresh states; "
            f"plays {row['clone_mean']:.0f} vs {row['teacher_mean']:.0f} steps "
            f"({row['length_ratio']:.0%}); {row['train_seconds']:.1f} s to train"
        )
        if ceiling is not None:
            measured += f"; the player without its noise agrees on {ceiling:.1%}"
        verdict = "met" if met else "not met"
        if not met and ceiling is not None and ceiling < AGREEMENT_TARGET:
            verdict += " (out of reach: its noise caps any clone below 95%)"
        rows.append(
            (
                f"clone of {row['teacher']} ({row['demo_episodes']} episodes, {where})",
                measured,
                f"≥ {AGREEMENT_TARGET:.0%}, within {LENGTH_TOLERANCE:.0%}: {verdict}",
            )
        )
    if not fig["lqr_available"]:
        rows.append(("clone of lqr", "no lqr agent in this build's registry", ""))
    if "dagger" in fig:
        rows += bench_dagger.table_rows(fig["dagger"])
    if "dqn_demos" in fig:
        rows += bench_demos.table_rows(fig["dqn_demos"])
    return rows
