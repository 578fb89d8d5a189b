"""Replays are demonstrations: re-simulated, they give bit for bit the observations that were
seen, with pokes, wind, analog pushes, hand-overs and each level's physics; loading them keeps
the steps of the drivers asked for, and a bad file is one line naming it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cartpole_game.agents import load_agent
from cartpole_game.core.errors import FileFormatError
from cartpole_game.game.demos import EpisodeKeeper
from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.disturbances import Disturbances
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.sim.replay import Replay
from cartpole_game.training.demonstrations import DemoError, load_demonstrations, resimulate


class Seeing:
    """Wraps a controller and keeps every observation it is asked to act on."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[attr-defined]
        self.seen: list[np.ndarray] = []

    def act(self, observation: np.ndarray) -> int:
        self.seen.append(observation.copy())
        return int(self.inner.act(observation))  # type: ignore[attr-defined]

    def force_fraction(self) -> float | None:
        method = getattr(self.inner, "force_fraction", None)
        return method() if method else None

    def reset(self) -> None:
        self.inner.reset()  # type: ignore[attr-defined]


def played_takeover(level: Level, seed: int) -> tuple[Arena, list[np.ndarray]]:
    """A takeover on ``level``: a human (the stick on analog levels, keys elsewhere, nothing now
    and then) hands the cart to the linear agent and takes it back, with the level's wind and
    pokes, a click's poke every 37 steps and an extra gust. Returns the arena and what its
    drivers saw, step by step."""
    linear = load_agent("linear")
    human = HumanController(analog=level.analog)
    you, agent = Seeing(human), Seeing(linear)
    arena = Arena(you, seed=seed, params=level.params, analog=level.analog)
    disturbances = Disturbances(seed, schedule=level.disturbances)
    seen: list[np.ndarray] = []
    while not arena.done and arena.score < 400:
        step = arena.score
        if step == 60:
            arena.set_controller(agent)
        elif step == 200:
            arena.set_controller(you)
        push = linear.act(arena.observation)
        human.release_all()
        if step % 9 == 4:
            pass  # no key: no push
        elif level.analog:
            human.set_analog(0.55 if push == PUSH_RIGHT else -0.7)
        else:
            human.press(push)
        if step % 37 == 5:
            arena.poke(0.35)
        poke = disturbances.scheduled_poke(len(arena.log.actions))
        if poke:
            arena.poke(poke)
        seen.append(arena.observation.copy())
        arena.step(disturbances.next_wind() + (0.8 if step % 50 == 7 else 0.0))
    assert len(you.seen) + len(agent.seen) == len(seen)
    return arena, seen


@pytest.mark.parametrize("level", LEVELS, ids=lambda level: level.name)
def test_a_replay_re_simulates_to_exactly_the_observations_that_were_seen(
    level: Level, tmp_path: Path
) -> None:
    arena, seen = played_takeover(level, seed=12 + level.number)
    assert arena.log.pokes and {name for _, name in arena.log.drivers} == {"human", "linear"}
    if level.analog:
        assert arena.log.analog, "the stick pushed with part of the force"
    keeper = EpisodeKeeper(tmp_path / "saved", tmp_path / "demos")
    assert keeper.keep(arena, "takeover", level, level.time_scale) == []
    demos = load_demonstrations([tmp_path / "saved"])
    assert demos.observations.dtype == np.float32
    assert demos.observations.tobytes() == np.array(seen, dtype=np.float32).tobytes()
    assert demos.actions.tolist() == arena.log.actions
    assert (demos.levels == level.number).all()
    # What each step led to is what the next one saw, and the last is where the episode ended.
    assert demos.next_observations[:-1].tobytes() == demos.observations[1:].tobytes()
    assert demos.next_observations[-1].tobytes() == arena.observation.tobytes()


def test_each_step_keeps_its_driver_and_no_push_is_its_own_action(tmp_path: Path) -> None:
    level = LEVELS[-1]
    arena, _ = played_takeover(level, seed=3)
    Replay.from_arena(arena, "takeover", 1.0, level.number).save(tmp_path / "run.json")
    every = load_demonstrations([tmp_path / "run.json"])
    human = load_demonstrations([tmp_path / "run.json"], driver="human")
    agent = load_demonstrations([tmp_path / "run.json"], driver="agent")
    assert len(human) == arena.steps_by_driver["human"]
    assert len(agent) == arena.steps_by_driver["linear"]
    assert len(human) + len(agent) == len(every) == arena.score
    assert set(human.drivers) == {"human"} and set(agent.drivers) == {"linear"}
    assert (every.human == (every.drivers == "human")).all()
    assert NO_PUSH in human.actions.tolist(), "a step with no key is the third action"
    assert set(agent.actions.tolist()) <= {PUSH_LEFT, PUSH_RIGHT}
    assert human.summary()["drivers"] == {"human": len(human)}


def test_a_bad_file_named_is_one_line_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(FileFormatError, match=r"bad\.json") as caught:
        load_demonstrations([bad])
    assert "\n" not in str(caught.value)


def test_a_folder_skips_its_unusable_files_and_counts_them(tmp_path: Path) -> None:
    level = LEVELS[-1]
    arena = Arena(load_agent("linear"), seed=5, params=level.params)
    while not arena.done:
        arena.step()
    good = Replay.from_arena(arena, "watch", 1.0, level.number)
    good.save(tmp_path / "good.json")
    (tmp_path / "broken.json").write_text("[1, 2")
    payload = json.loads(good.to_json())
    payload["score"] = 499  # no longer what re-simulating it gives
    (tmp_path / "edited.json").write_text(json.dumps(payload))
    (tmp_path / "notes.txt").write_text("not a replay, not read")
    demos = load_demonstrations([tmp_path])
    assert len(demos) == 500 and len(demos.files) == 1
    assert len(demos.skipped) == 2
    assert any("does not re-simulate" in line for line in demos.skipped)
    with pytest.raises(FileFormatError, match="does not re-simulate"):
        load_demonstrations([tmp_path / "edited.json"])


def test_nothing_left_after_the_filters_is_one_line(tmp_path: Path) -> None:
    arena = Arena(load_agent("linear"), seed=1)
    while not arena.done:
        arena.step()
    Replay.from_arena(arena, "watch", 1.0).save(tmp_path / "agent.json")
    with pytest.raises(DemoError, match="no steps driven by a human"):
        load_demonstrations([tmp_path], driver="human")
    with pytest.raises(DemoError, match="on level 2"):
        load_demonstrations([tmp_path], level=2)
    with pytest.raises(DemoError, match="no such file or folder"):
        load_demonstrations([tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(DemoError, match="no replay files"):
        load_demonstrations([tmp_path / "empty"])


def test_resimulate_gives_each_steps_wind_and_push_fraction() -> None:
    level = LEVELS[0]
    arena, _ = played_takeover(level, seed=2)
    replay = Replay.from_arena(arena, "takeover", 0.5, level.number)
    played = resimulate(replay)
    assert played.differences == ()
    wind = dict(arena.log.wind)
    assert played.wind.tolist() == [wind.get(t, 0.0) for t in range(arena.score)]
    analog = dict(arena.log.analog)
    for step, action in enumerate(arena.log.actions):
        expected = analog.get(step, {PUSH_LEFT: -1.0, PUSH_RIGHT: 1.0, NO_PUSH: 0.0}[action])
        assert played.push_fractions[step] == np.float32(expected)
