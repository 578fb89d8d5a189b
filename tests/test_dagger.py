"""DAgger, headless: an LQR teacher labels the states an untrained student visits, and the student
gets better round by round (small, seeded and deterministic)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cartpole_game.agents.lqr import LQRPolicy
from cartpole_game.sim.actions import NO_PUSH
from cartpole_game.sim.levels import LEVELS
from cartpole_game.training.clone import CloneConfig, untrained_tensors
from cartpole_game.training.dagger import (
    Aggregate,
    DaggerConfig,
    dagger,
    evaluate_student,
    visit,
)

SMALL = DaggerConfig(
    rounds=3,
    steps_per_round=150,
    eval_episodes=20,
    clone=CloneConfig(hidden=(16, 16), max_epochs=100, patience=20),
)


def test_an_lqr_teacher_makes_the_student_better_round_by_round() -> None:
    result = dagger(LQRPolicy(), SMALL, seed=0)
    means = [r.score.mean for r in result.rounds]
    assert [r.round for r in result.rounds] == list(range(len(means)))
    assert all(later > earlier for earlier, later in itertools.pairwise(means)), means
    assert result.rounds[0].score.mean < 50, "an untrained network drops the pole at once"
    assert result.rounds_to_target() == len(means) - 1, "it stops once the target is reached"
    assert result.rounds[-1].score.reached >= 0.95
    labelled = [r.labelled for r in result.rounds]
    assert labelled == [0] + [150] * (len(means) - 1)
    assert result.labelled_until(len(means) - 1) == 150 * (len(means) - 1)
    assert [r.dataset for r in result.rounds] == [0, *np.cumsum(labelled[1:]).tolist()]
    assert 0 < result.rounds[1].disagreed <= 150


def test_the_same_seed_teaches_the_same_student() -> None:
    first = dagger(LQRPolicy(), SMALL, seed=3)
    again = dagger(LQRPolicy(), SMALL, seed=3)
    assert [r.score for r in first.rounds] == [r.score for r in again.rounds]
    for key, value in first.tensors.items():
        np.testing.assert_array_equal(value, again.tensors[key])


def test_the_teacher_drives_a_share_beta_of_the_steps() -> None:
    student = Aggregate(tensors=untrained_tensors(0)).student()
    alone = visit(student, LQRPolicy(), LEVELS[-1], 200, beta=0.0, seed=1)
    mixed = visit(student, LQRPolicy(), LEVELS[-1], 200, beta=1.0, seed=1)
    assert alone.teacher_steps == 0 and mixed.teacher_steps == 200
    # With the teacher driving, the episodes last: fewer, longer visits than the student's own.
    assert len(alone.labels) == len(mixed.labels) == 200
    assert not np.array_equal(alone.observations, mixed.observations)
    assert set(np.unique(mixed.labels)) <= {0, 1}


def test_a_no_push_label_gives_the_student_a_third_action() -> None:
    aggregate = Aggregate(config=CloneConfig(hidden=(8,), max_epochs=5), seed=0)
    rng = np.random.default_rng(0)
    observations = rng.uniform(-0.05, 0.05, (30, 4))
    aggregate.add(observations, np.array([0, 1, NO_PUSH] * 10))
    aggregate.retrain()
    assert aggregate.student().actions == 3 and len(aggregate) == 30
    with pytest.raises(ValueError, match="one action per observation"):
        aggregate.add(observations, np.zeros(29))


def test_evaluating_a_student_plays_the_levels_own_episodes() -> None:
    student = Aggregate(tensors=untrained_tensors(0)).student()
    score = evaluate_student(student, LEVELS[3], episodes=5)  # the breezy level: its wind too
    assert score.episodes == 5 and 0 < score.mean < LEVELS[3].goal_steps
    assert score == evaluate_student(student, LEVELS[3], episodes=5)
