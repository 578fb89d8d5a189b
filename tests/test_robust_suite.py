"""The robustness suite and its report card (``eval --suite robust``): its conditions reach the
physics exactly, its seeds are its own, and it plays episodes exactly as the game does."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest

from cartpole_game.agents import load_agent
from cartpole_game.sim import physics, rollout
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.env import CartPoleEnv
from cartpole_game.sim.levels import LEVELS
from cartpole_game.sim.versus import round_step_disturbances
from cartpole_game.training.robust_suite import (
    CONDITIONS,
    HELD_OUT_FIRST_SEED,
    POKE_EVERY,
    Condition,
    condition_seeds,
    episode_setup,
    robust_suite,
    run_condition,
)
from tests.helpers import run_play

CARTPOLE_V1 = LEVELS[-1]
BREEZY = next(level for level in LEVELS if level.disturbances.wind is not None)
STEP_BATCH = physics.step_batch  # the physics itself, whatever a test spies on


def condition(key: str) -> Condition:
    return next(c for c in CONDITIONS if c.key == key)


def test_the_suite_is_the_issues_table() -> None:
    assert [c.label for c in CONDITIONS] == [
        "standard",
        "wide ±0.15",
        "poke 0.5",
        "poke 1.0",
        "poke 1.5",
        "wind 3 N",
    ]


def record_physics(monkeypatch: pytest.MonkeyPatch) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every (states, forces) the rollout hands the physics, as it hands them."""
    calls: list[tuple[np.ndarray, np.ndarray]] = []

    def spy(states: np.ndarray, forces: np.ndarray, params: physics.CartPoleParams) -> np.ndarray:
        calls.append((states.copy(), np.array(forces, dtype=np.float64)))
        return STEP_BATCH(states, forces, params)

    monkeypatch.setattr(rollout.physics, "step_batch", spy)
    return calls


@pytest.mark.parametrize("size", [0.5, 1.0, 1.5])
def test_a_poke_changes_theta_dot_by_exactly_p_after_every_50_steps(
    monkeypatch: pytest.MonkeyPatch, size: float
) -> None:
    calls = record_physics(monkeypatch)
    result = run_condition(load_agent("lqr"), condition(f"poke {size}"), range(7, 8))
    assert result.returns[0] > 2 * POKE_EVERY
    poked = []
    for t in range(1, len(calls)):
        before = STEP_BATCH(calls[t - 1][0], calls[t - 1][1], CARTPOLE_V1.params)
        after = calls[t][0]  # what the physics is handed next
        np.testing.assert_array_equal(after[0, :3], before[0, :3])
        if after[0, 3] != before[0, 3]:
            side = 1.0 if after[0, 3] > before[0, 3] else -1.0
            assert after[0, 3] == before[0, 3] + side * size  # exactly P, in float64
            poked.append((t, side))
    assert [t for t, _ in poked] == list(range(POKE_EVERY, len(calls), POKE_EVERY))
    assert {side for _, side in poked} == {-1.0, 1.0}  # to a random side


def test_the_wind_adds_exactly_3_newtons_all_episode(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = record_physics(monkeypatch)
    sides = set()
    for seed in range(4):
        calls.clear()
        run_condition(load_agent("linear"), condition("wind 3"), range(seed, seed + 1))
        forces = {float(f[0]) for _, f in calls}
        assert len(forces) == 2  # a push each way, each with the same wind on top
        (wind,) = set.intersection(*({f - 10.0, f + 10.0} for f in forces))
        assert abs(wind) == 3.0
        sides.add(np.sign(wind))
    assert sides == {-1.0, 1.0}  # to a side drawn per episode


def test_wide_starts_spread_all_four_variables_over_0_15() -> None:
    starts = np.array([episode_setup(s, condition("wide"), CARTPOLE_V1)[0] for s in range(2000)])
    assert np.all(np.abs(starts) <= 0.15) and np.all(np.abs(starts).max(axis=0) > 0.149)
    standard = [episode_setup(s, condition("standard"), CARTPOLE_V1)[0] for s in range(200)]
    assert np.abs(standard).max() <= physics.START_HALF_WIDTH


def test_a_start_is_the_environments_own_reset_for_that_seed() -> None:
    env = CartPoleEnv()
    for seed in (0, 5, HELD_OUT_FIRST_SEED):
        start, _ = episode_setup(seed, condition("wide"), CARTPOLE_V1)
        observation, _ = env.reset(seed=seed, options={"low": -0.15, "high": 0.15})
        np.testing.assert_array_equal(env.state, start)
        assert observation.dtype == np.float32


def test_every_condition_has_its_own_seeds_held_out_from_training() -> None:
    blocks = [set(condition_seeds(i, 1000)) for i in range(len(CONDITIONS))]
    for a, b in itertools.combinations(blocks, 2):
        assert not a & b
    assert min(min(block) for block in blocks) == HELD_OUT_FIRST_SEED
    # A trainer evaluating on the suite below the held-out block never meets its seeds.
    training = {s for i in range(len(CONDITIONS)) for s in condition_seeds(i, 1000, first_seed=0)}
    assert max(training) < HELD_OUT_FIRST_SEED
    report = robust_suite(load_agent("linear"), episodes=5)
    assert [r.seeds for r in report.results] == [condition_seeds(i, 5) for i in range(6)]


def test_an_episode_of_the_suite_is_the_one_the_game_plays() -> None:
    """Arena, the level's wind and the suite's pokes and wind as versus gives them: same scores."""
    agent = load_agent("linear")
    for level, key in [(CARTPOLE_V1, "poke 1.0"), (CARTPOLE_V1, "wind 3"), (BREEZY, "poke 0.5")]:
        seeds = range(30, 36)
        result = run_condition(agent, condition(key), seeds, level)
        for seed, score in zip(seeds, result.returns, strict=True):
            start, disturbances = episode_setup(seed, condition(key), level)
            arena = Arena(agent, seed=0, params=level.params)
            arena.env.set_state(start)
            arena.state, arena.observation = start.copy(), start.astype(np.float32)
            steps = 0
            while not arena.done:
                poke, wind = round_step_disturbances(disturbances, steps)
                if poke:
                    arena.poke(poke)
                arena.step(wind)
                steps += 1
            assert arena.score == score, (level.name, key, seed)


def test_the_standard_condition_on_a_windy_level_is_its_gymnasium_environment() -> None:
    agent = load_agent("dqn")
    seeds = range(100, 110)
    result = run_condition(agent, condition("standard"), seeds, BREEZY)
    env = gym.make(BREEZY.env_id)
    for seed, score in zip(seeds, result.returns, strict=True):
        obs, _ = env.reset(seed=seed)
        steps, done = 0, False
        while not done:
            obs, _, terminated, truncated, _ = env.step(agent.act(obs))
            steps += 1
            done = terminated or truncated
        assert steps == score


class OneAtATime:
    """The linear agent without a batch method: the suite must play it episode by episode."""

    def __init__(self) -> None:
        self.inner = load_agent("linear")
        self.name = "one-at-a-time"
        self.resets = 0

    def act(self, observation: np.ndarray) -> int:
        return self.inner.act(observation)

    def reset(self) -> None:
        self.resets += 1


def test_an_agent_without_batches_gets_the_same_figures() -> None:
    single = OneAtATime()
    one_by_one = robust_suite(single, episodes=8)
    batched = robust_suite(load_agent("linear"), episodes=8)
    for a, b in zip(one_by_one.results, batched.results, strict=True):
        np.testing.assert_array_equal(a.returns, b.returns)
    assert single.resets == 8 * len(CONDITIONS)


def test_lqrs_card_on_cartpole_v1() -> None:
    """The README's reference row: firm up to pokes of 0.5, some of 1.0, almost none of 1.5."""
    report = robust_suite(load_agent("lqr"), episodes=300)
    shares = {r.condition.key: r.reached for r in report.results}
    assert shares["standard"] == shares["wide"] == shares["poke 0.5"] == shares["wind 3"] == 1.0
    assert 0.5 < shares["poke 1.0"] < 0.9 and shares["poke 1.5"] < 0.1


def test_eval_suite_robust_prints_the_card_with_lqrs_row_beside() -> None:
    r = run_play("eval", "--agent", "dqn", "--suite", "robust", "--episodes", "40")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "40 fresh episodes per condition reaching 500 steps" in lines[0]
    assert lines[1].split()[:3] == ["agent", "standard", "wide"] and "wind 3 N" in lines[1]
    assert lines[2].startswith("dqn ") and lines[3].startswith("lqr ")
    assert lines[3].split()[1:4] == ["100.0", "(500)", "100.0"]
    assert "held out" in lines[-1]


def test_eval_suite_robust_json_on_a_level() -> None:
    r = run_play(
        "eval", "--agent", "linear", "--suite", "robust", "--level", "broom", "--episodes", "10",
        "--json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    card = json.loads(r.stdout)
    assert card["level"] == 1 and card["goal"] == 300
    for row in (card["result"], card["reference"]):
        assert [c["condition"] for c in row["conditions"]] == [c.key for c in CONDITIONS]
        assert all(c["episodes"] == 10 for c in row["conditions"])
    assert card["reference"]["agent"] == "lqr"
    assert card["reference"]["conditions"][0]["reached"] == 1.0


def test_a_foreign_agents_card_is_the_suite_of_the_agent_the_game_loads(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from tests.foreign_helpers import CleanRLQNetwork, scramble

    path = tmp_path / "q.cleanrl_model"
    torch.save(scramble(CleanRLQNetwork(), seed=3).state_dict(), path)
    r = run_play("eval", "--agent", str(path), "--suite", "robust", "--episodes", "30", "--json")
    assert r.returncode == 0, r.stderr
    card = json.loads(r.stdout)
    expected = robust_suite(load_agent(path), episodes=30)
    assert card["result"]["agent"] == "DQN (CleanRL) · q.cleanrl_model"
    assert [c["reached"] for c in card["result"]["conditions"]] == [
        r.reached for r in expected.results
    ]
    assert [c["mean"] for c in card["result"]["conditions"]] == [r.mean for r in expected.results]


@pytest.mark.parametrize(
    "args, words",
    [
        (["--suite", "sturdy"], "invalid choice"),
        (["--suite", "robust", "--level", "9"], "no level 9"),
        (["--suite", "robust", "--episodes", "0"], "episodes"),
        (["--level", "2"], "--level goes with --suite robust"),
        (["--suite", "robust", "--agent", "no/such.safetensors"], "no such"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(args: list[str], words: str) -> None:
    r = run_play("eval", *args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("play.py: error: ") and words in lines[0]
