"""The linear policy and its cross-entropy search."""

import itertools

import numpy as np

from cartpole_game.agents.linear import LinearPolicy
from cartpole_game.sim.actions import PUSH_LEFT, PUSH_RIGHT
from cartpole_game.training.evaluate import evaluate_controller
from cartpole_game.training.linear_search import LinearSearch


def test_act_is_the_sign_of_the_score_and_action_values_agree():
    policy = LinearPolicy(np.array([0.0, 0.0, 1.0, 0.5]), bias=0.0)
    rng = np.random.default_rng(0)
    for obs in rng.normal(size=(200, 4)).astype(np.float32):
        action = policy.act(obs)
        values = policy.action_values(obs)
        assert action == (PUSH_RIGHT if policy.score(obs) > 0 else PUSH_LEFT)
        assert values[1] == -values[0] == policy.score(obs)
        assert int(np.argmax(values)) == action
    assert policy.act(np.array([0, 0, 0.1, 0], np.float32)) == PUSH_RIGHT  # pole leans right
    batch = rng.normal(size=(50, 4)).astype(np.float32)
    assert policy.act_batch(batch).tolist() == [policy.act(o) for o in batch]


def test_search_becomes_robust_and_its_policy_scores_500_on_the_real_env():
    for seed in range(3):
        search = LinearSearch(seed=seed)
        items = list(search)
        last = items[-1]
        assert last.solved and last.robust and last.done
        assert last.solved_at_steps <= last.robust_at_steps < last.steps  # then it polishes
        assert last.best_eval.fraction_500 == 1.0
        assert all(b.steps > a.steps for a, b in itertools.pairwise(items))
        weights = search.best_checkpoint().tensors["weights"]
        assert weights[0] * weights[2] > 0  # the cart weight has the angle's sign: it centres
    ckpt = search.best_checkpoint("test")
    policy = LinearPolicy(ckpt.tensors["weights"], float(ckpt.tensors["bias"][0]))
    result = evaluate_controller(policy, episodes=100, seed=42)
    assert result.fraction_at(500) == 1.0


def test_progress_snapshot_is_a_usable_policy():
    search = LinearSearch(seed=1)
    progress = next(search)
    snap = progress.snapshot()
    assert snap["weights"].shape == (4,) and snap["weights"].dtype == np.float32
    LinearPolicy(snap["weights"]).act(np.zeros(4, np.float32))
