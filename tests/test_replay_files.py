"""Replay files the game did not write: bounded reading, strict fields, drawable text, and a
verification that a file edited after the fact cannot fool."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cartpole_game.core.errors import FileFormatError
from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.scenes.replay_scene import STATUS_LINE_WIDTH, ReplayScene
from cartpole_game.sim.physics import CARTPOLE_V1
from cartpole_game.sim.replay import (
    MAX_BYTES,
    MAX_DRIVERS,
    MAX_POKES,
    MAX_STEPS,
    Replay,
    load_replay,
    play_back,
)
from tests.helpers import REPO_ROOT, color_mask, run_play, surface_pixels
from tests.test_replay import good_payload, recorded_episode


def write_json(tmp_path: Path, data: object, name: str = "replay.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def refused_in_one_line(path: Path, *extra: str) -> str:
    """Run the replay command on ``path``: exit 2, one line on stderr naming the file."""
    result = run_play("replay", str(path), "--headless", "--frames", "3", *extra, timeout=60)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr[-2000:]
    assert len(lines) == 1 and str(path) in lines[0], result.stderr[-2000:]
    return lines[0]


# -- 1. drivers: bounded in the file, and what is drawn is bounded ------------------------------
def test_two_hundred_thousand_drivers_are_refused_in_one_line(tmp_path: Path) -> None:
    data = good_payload()
    data["drivers"] = [[0, "human"]] * 200_000
    line = refused_in_one_line(write_json(tmp_path, data))
    assert "too many drivers" in line


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d.update(drivers=[[0, "h"]] * (len(d["actions"]) + 2)), "too many drivers"),
        (lambda d: d.update(drivers=[[0, "x" * 65]]), "longer than 64"),
        (lambda d: d.update(drivers=[[0, 5]]), "'driver name' must be text"),
        (lambda d: d.update(drivers=[[3, "a"], [1, "b"]]), "must not decrease"),
        (lambda d: d.update(drivers={"0": "human"}), "'drivers' must be a list"),
    ],
)
def test_drivers_are_bounded(tmp_path: Path, mutate, problem: str) -> None:
    data = good_payload()
    mutate(data)
    with pytest.raises(FileFormatError, match=problem):
        load_replay(write_json(tmp_path, data))


def test_the_status_line_stays_short_whatever_the_replay_holds(tmp_path: Path) -> None:
    """Even a replay no file may hold (50,000 long driver names) draws a line that fits."""
    _, replay = recorded_episode(3)
    crowded = dataclasses.replace(
        replay,
        drivers=tuple((0, "\U0001f600" * 64) for _ in range(50_000)),
        mode="m" * 5_000,
        recorded_at="\x00\ud800" * 3_000,
    )
    app = App(RunConfig(mode="menu", headless=True, frames=1, data_dir=tmp_path))
    try:
        scene = ReplayScene(app.ctx, crowded)
        assert len(scene.status_line()) <= 201
        scene.draw(app.screen, 0.0)  # used to join 3 million characters and crash the font
        font = app.ctx.theme.fonts.font(15)
        fitted = scene.fitted(scene.status_line(), 15, STATUS_LINE_WIDTH)
        assert font.size(fitted)[0] <= STATUS_LINE_WIDTH
    finally:
        app.close()


# -- 2. reading is bounded: devices, FIFOs and huge files are refused at once --------------------
def test_dev_zero_is_refused_at_once() -> None:
    line = refused_in_one_line(Path("/dev/zero"))
    assert "not a regular file" in line


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "replay.fifo"
    os.mkfifo(fifo)
    # run_play's timeout raises if the game blocks on the FIFO, waiting for a writer.
    line = refused_in_one_line(fifo)
    assert "not a regular file" in line


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(3 * 2**30)  # sparse: 3 GB that take no disk space
    # The child may use at most 512 MB more address space than it has after its imports: reading
    # the 3 GB file whole would fail with a MemoryError instead of the one-line refusal. (Peak
    # RSS cannot be measured here: a child inherits the test runner's high-water mark.)
    script = (
        "import resource, sys\n"
        "from cartpole_game.core.errors import FileFormatError\n"
        "from cartpole_game.sim.replay import load_replay\n"
        "with open('/proc/self/status') as f:\n"
        "    vm = next(int(l.split()[1]) for l in f if l.startswith('VmSize:')) * 1024\n"
        "resource.setrlimit(resource.RLIMIT_AS, (vm + 512 * 2**20, resource.RLIM_INFINITY))\n"
        "try:\n"
        "    load_replay(sys.argv[1])\n"
        "except FileFormatError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(big)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stderr
    message = result.stdout.strip()
    assert str(big) in message and "too large" in message


def test_the_largest_legal_replay_fits_the_size_limit(tmp_path: Path) -> None:
    steps = MAX_STEPS
    actions = tuple(step % 2 for step in range(steps))  # every step a push: analog allowed
    biggest = Replay(
        seed=2**32 - 1,
        actions=actions,
        pokes=tuple((steps, -2.2250738585072014e-308) for _ in range(MAX_POKES)),
        wind=tuple((step, -1.2345678901234567e-05) for step in range(steps)),
        analog=tuple(
            (step, 0.12345678901234567 if actions[step] == 1 else -0.12345678901234567)
            for step in range(steps)
        ),
        drivers=tuple((steps, "\U0001f600" * 32) for _ in range(MAX_DRIVERS)),
        final_state=(-1.2345678901234567e-300,) * 4,
        score=steps,
        end_reason=None,
        mode="\U0001f600" * 32,
        recorded_at="\U0001f600" * 32,
    )
    text = biggest.to_json()
    assert len(text.encode()) <= MAX_BYTES
    path = tmp_path / "biggest.json"
    path.write_text(text)
    assert load_replay(path) == biggest


# -- 3. malformed files: one line, exit 2 --------------------------------------------------------
def test_deeply_nested_json_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"format": "cartpole_game-replay", "x": ' + "[" * 1000 + "]" * 1000 + "}")
    assert "nested deeper" in refused_in_one_line(path)


def test_a_giant_integer_is_one_line(tmp_path: Path) -> None:
    text = json.dumps(good_payload()).replace('"seed": ', '"seed": ' + "9" * 5000 + ', "x": ', 1)
    path = tmp_path / "giant.json"
    path.write_text(text)
    assert "digits" in refused_in_one_line(path)


@pytest.mark.parametrize("version", [0, -5])
def test_format_versions_below_1_are_refused(tmp_path: Path, version: int) -> None:
    data = good_payload()
    data["format_version"] = version
    assert f"format version {version}" in refused_in_one_line(write_json(tmp_path, data))


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d.update(mode=5), "'mode' must be text"),
        (lambda d: d.update(mode="p" * 65), "'mode' is longer than 64"),
        (lambda d: d.update(recorded_at=20240101), "'recorded_at' must be text"),
        (lambda d: d.update(recorded_at=["x"]), "'recorded_at' must be text"),
        (lambda d: d.update(end_reason=5), "'end_reason' must be null or one of"),
        (lambda d: d.update(end_reason="I won"), "'end_reason' must be null or one of"),
        (lambda d: d.update(score="500"), "'score' must be a whole number"),
        (lambda d: d.update(score=True), "'score' must be a whole number"),
        (lambda d: d.update(level="6"), "'level' must be a whole number"),
        (lambda d: d.update(goal_steps=0), "'goal_steps' out of range"),
        (lambda d: d.update(time_scale="1"), "'time_scale' must be a number"),
        (lambda d: d.update(physics=[9.8]), "'physics' must be a table"),
        (lambda d: d["physics"].update(gravity="9.8"), "'physics gravity' must be a number"),
        (lambda d: d.update(final_state=[0, 0, 0, "x"]), "'final_state' must be numbers"),
        (lambda d: d.update(final_state={"x": 0}), "'final_state' must be 4 numbers"),
        (lambda d: d.update(pokes=[[0, "x"]]), "'pokes' must be a number"),
        (lambda d: d.update(pokes=[[0, 1e9]]), "'pokes' out of range"),
        (lambda d: d.update(pokes=[[0, 0.1]] * (MAX_POKES + 1)), "too many 'pokes'"),
        (lambda d: d.update(wind=[[0, -1e9]]), "'wind' out of range"),
        (lambda d: d.update(wind=[[0, 0.1]] * (len(d["actions"]) + 2)), "too many 'wind'"),
        (lambda d: d.update(wind="none"), "'wind' must be a list"),
        (lambda d: d.update(analog=[[0, 0.5]] * (len(d["actions"]) + 1)), "more 'analog'"),
        (lambda d: d.update(format_version="2"), "missing format_version"),
        (lambda d: d.update(actions=[0, 1]), "'actions' must be a string"),
    ],
)
def test_every_field_is_typed_and_ranged(tmp_path: Path, mutate, problem: str) -> None:
    data = good_payload()
    mutate(data)
    path = write_json(tmp_path, data)
    with pytest.raises(FileFormatError) as info:
        load_replay(path)
    assert problem in str(info.value) and str(path) in str(info.value)


def test_a_wrongly_typed_field_is_one_line_on_the_command_line(tmp_path: Path) -> None:
    data = good_payload()
    data["recorded_at"] = {"when": "now"}
    assert "'recorded_at' must be text" in refused_in_one_line(write_json(tmp_path, data))


# -- 4. text a font cannot draw ---------------------------------------------------------------
def undrawable_payload() -> dict:
    data = good_payload()
    data["mode"] = "\ud800play\x00"
    data["drivers"] = [[0, "hu\x00man\udfff"]]
    data["recorded_at"] = "\x00\ud800\x07"
    return data


def test_undrawable_text_is_stored_drawable(tmp_path: Path) -> None:
    path = tmp_path / "text.json"
    path.write_text(json.dumps(undrawable_payload()))  # surrogates written as \\ud800 escapes
    assert "\\ud800" in path.read_text()
    replay = load_replay(path)
    for text in (replay.mode, replay.recorded_at, replay.drivers[0][1]):
        assert "\x00" not in text and text.encode("utf-8")  # no NUL, no lone surrogate
    assert replay.mode == "\ufffdplay\ufffd"


def test_undrawable_text_draws_without_crashing(tmp_path: Path) -> None:
    path = write_json(tmp_path, undrawable_payload())
    result = run_play(
        "replay", str(path), "--headless", "--frames", "3", "--data-dir", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr[-2000:]


# -- 5. verification: the score, the end and the final state ------------------------------------
def edited(tmp_path: Path, **changes: object) -> Path:
    data = good_payload()
    data.update(changes)
    return write_json(tmp_path, data, "edited.json")


def replay_differs(path: Path, tmp_path: Path, fragment: str) -> None:
    result = run_play(
        "replay", str(path), "--headless", "--episodes", "1", "--data-dir", str(tmp_path)
    )
    assert result.returncode == 1, result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-2000:]
    assert str(path) in lines[0] and "differs" in lines[0] and fragment in lines[0]


def test_an_edited_score_is_caught(tmp_path: Path) -> None:
    data = good_payload()
    assert data["score"] != 500
    replay_differs(edited(tmp_path, score=500), tmp_path, f"score {data['score']}, recorded 500")


def test_an_edited_end_is_caught(tmp_path: Path) -> None:
    data = good_payload()
    other = "The cart left the track" if data["end_reason"] != "The cart left the track" else None
    replay_differs(edited(tmp_path, end_reason=other), tmp_path, "ended")


def test_an_edited_final_state_is_caught(tmp_path: Path) -> None:
    state = good_payload()["final_state"]
    state[0] = math.nextafter(state[0], math.inf)
    replay_differs(edited(tmp_path, final_state=state), tmp_path, "final state")


def test_the_screen_says_when_playback_differs(tmp_path: Path) -> None:
    def verdict_pixels(path: Path) -> tuple[ReplayScene, int]:
        config = RunConfig(mode="replay", headless=True, episodes=1, replay=path, data_dir=tmp_path)
        app = App(config)
        try:
            app.run()
            scene = app.ctx.stack.top
            assert isinstance(scene, ReplayScene)
            scene.draw(app.screen, 0.0)
            pixels = surface_pixels(app.screen)[100:150, 960:1250]  # right of the banner
            return scene, int(color_mask(pixels, app.ctx.theme.palette.bad, 8).sum())
        finally:
            app.close()

    good = write_json(tmp_path, good_payload(), "good.json")
    scene, red = verdict_pixels(good)
    assert scene.verified is True and scene.ctx.exit_status == 0 and red == 0
    scene, red = verdict_pixels(edited(tmp_path, score=500))
    assert scene.verified is False and scene.ctx.exit_status == 1 and red > 50
    assert any("recorded 500" in d for d in scene.differences)


# -- old files and diverged episodes still load -------------------------------------------------
def test_a_replay_without_level_physics_or_optional_fields_loads(tmp_path: Path) -> None:
    arena, replay = recorded_episode(4)
    data = json.loads(replay.to_json())
    for key in ("level", "physics", "goal_steps", "mode", "recorded_at", "analog", "drivers"):
        del data[key]
    data["format_version"] = 1
    loaded = load_replay(write_json(tmp_path, data))
    assert loaded.params == CARTPOLE_V1 and loaded.level == 6 and loaded.mode == "play"
    assert play_back(loaded).tobytes() == arena.state.tobytes()


def test_a_diverged_final_state_round_trips(tmp_path: Path) -> None:
    _, replay = recorded_episode(2)
    diverged = dataclasses.replace(replay, final_state=(math.nan, math.inf, -math.inf, 1.5))
    path = tmp_path / "diverged.json"
    diverged.save(path)
    loaded = load_replay(path)
    assert np.isnan(loaded.final_state[0]) and loaded.final_state[1:] == (
        math.inf,
        -math.inf,
        1.5,
    )
