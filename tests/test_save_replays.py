"""``--save-replays DIR`` writes one valid replay per finished episode in every mode that plays
episodes, whoever drove it; the player's own runs are kept in the data folder's ``demos/`` with a
cap, oldest dropped first, and the best-run replay (the ghost) is still kept where it was."""

from __future__ import annotations

import os
from pathlib import Path

import pygame
import pytest

from cartpole_game.game.app import App
from cartpole_game.game.config import LoopConfig
from cartpole_game.game.demos import DEMOS_FOLDER, EpisodeKeeper, kept_runs, prune, write_new
from cartpole_game.harness.screen_driving import (
    arena_scene,
    frames_until,
    hold_until_fallen,
    open_app,
    post_key,
    tap,
    versus_scene,
)
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.levels import LEVELS
from cartpole_game.sim.replay import Replay, ReplayDriver, load_replay
from tests.helpers import run_play


def saved(folder: Path) -> list[Replay]:
    """Every replay in ``folder``, each checked to play back to its recorded end, bit for bit."""
    replays = []
    for path in sorted(folder.glob("*.json")):
        replay = load_replay(path)
        driver = ReplayDriver(replay)
        while not driver.finished:
            driver.step()
        assert driver.differences() == [], path.name
        replays.append(replay)
    return replays


def drivers(replay: Replay) -> set[str]:
    return {name for _, name in replay.drivers}


def open_on_v1(data: Path, mode: str, out: Path, **config: object) -> App:
    return open_app(
        data, mode, level=len(LEVELS), loop=LoopConfig(time_scale=1.0), save_replays=out, **config
    )


def test_play_saves_every_run_and_keeps_it_as_the_players(tmp_path: Path) -> None:
    out = tmp_path / "saved"
    app = open_on_v1(tmp_path / "data", "play", out)
    for run in range(2):
        hold_until_fallen(app)
        if run == 0:
            tap(app, pygame.K_r)
    app.close()
    replays = saved(out)
    assert len(replays) == 2 == app.ctx.episodes_finished
    assert all(drivers(r) == {"human"} and r.mode == "play" and r.level == 6 for r in replays)
    demos = saved(tmp_path / "data" / DEMOS_FOLDER)
    assert [r.seed for r in demos] == [r.seed for r in replays]
    # The ghost is still the best run, in replays/ as before.
    assert list((tmp_path / "data" / "replays").glob("best-level6-1x.json"))


def test_takeover_saves_each_steps_driver(tmp_path: Path) -> None:
    out = tmp_path / "saved"
    app = open_on_v1(tmp_path / "data", "takeover", out, agent="linear")
    scene = arena_scene(app)
    tap(app, pygame.K_RIGHT)
    frames_until(app, lambda: scene.arena.score >= 5, 60)
    tap(app, pygame.K_TAB)  # the agent drives
    frames_until(app, lambda: scene.arena.score >= 40, 120)
    tap(app, pygame.K_TAB)  # and the human takes it back, to drop it
    hold_until_fallen(app)
    app.close()
    (replay,) = saved(out)
    assert [name for _, name in replay.drivers] == ["human", "linear", "human"]
    assert replay.mode == "takeover"
    assert len(saved(tmp_path / "data" / DEMOS_FOLDER)) == 1


def test_versus_saves_both_sides_of_every_round(tmp_path: Path) -> None:
    out = tmp_path / "saved"
    app = open_on_v1(tmp_path / "data", "versus", out, left="human", right="linear", rounds=1)
    scene = versus_scene(app)
    post_key(pygame.K_LEFT)
    frames_until(app, lambda: scene.match.round_over, 3000)
    app.close()
    left, right = sorted(out.glob("*.json"))
    assert left.name.endswith("-left.json") and right.name.endswith("-right.json")
    sides = saved(out)
    assert [drivers(r) for r in sides] == [{"human"}, {"linear"}]
    assert sides[0].seed == sides[1].seed
    # Only the human side is the player's own run.
    assert [drivers(r) for r in saved(tmp_path / "data" / DEMOS_FOLDER)] == [{"human"}]


def test_watch_and_headless_versus_save_from_the_command_line(tmp_path: Path) -> None:
    watched = run_play(
        "watch", "--agent", "linear", "--headless", "--episodes", "2", "--seed", "4",
        "--data-dir", str(tmp_path / "data"), "--save-replays", str(tmp_path / "watch"),
    )  # fmt: skip
    assert watched.returncode == 0, watched.stderr
    assert [r.seed for r in saved(tmp_path / "watch")] == [4, 5]
    raced = run_play(
        "versus", "--left", "dqn", "--right", "linear", "--headless", "--episodes", "2",
        "--data-dir", str(tmp_path / "data"), "--save-replays", str(tmp_path / "versus"),
    )  # fmt: skip
    assert raced.returncode == 0, raced.stderr
    assert [drivers(r) for r in saved(tmp_path / "versus")] == [{"dqn"}, {"linear"}] * 2
    assert not (tmp_path / "data" / DEMOS_FOLDER).exists(), "no human, no run of the player's"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lesson"], "lesson plays no episodes of its own to save"),
        (["replay", "some.json"], "replay plays no episodes of its own to save"),
        (["watch", "--save-replays", "FILE"], "not a folder"),
    ],
)
def test_save_replays_refused_with_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    afile = tmp_path / "file"
    afile.write_text("")
    argv = [a.replace("FILE", str(afile)) for a in args]
    if "--save-replays" not in argv:
        argv += ["--save-replays", str(tmp_path / "new")]
    result = run_play(*argv, "--headless", "--frames", "2")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert not (tmp_path / "new").exists()


def test_the_menu_takes_it_for_the_modes_it_opens(tmp_path: Path) -> None:
    result = run_play(
        "menu", "--headless", "--frames", "2", "--data-dir", str(tmp_path / "data"),
        "--save-replays", str(tmp_path / "a" / "b"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "a" / "b").is_dir()


def _finished(seed: int) -> Arena:
    arena = Arena(HumanController(), seed=seed)
    arena.controller.press(1)  # type: ignore[attr-defined]
    while not arena.done:
        arena.step()
    return arena


def test_the_players_runs_are_capped_oldest_first_and_nothing_else_is_touched(
    tmp_path: Path,
) -> None:
    demos = tmp_path / "demos"
    keeper = EpisodeKeeper(None, demos, max_runs=3)
    level = LEVELS[-1]
    for seed in range(5):
        assert keeper.keep(_finished(seed), "play", level, 1.0) == []
    (demos / "my-notes.json").write_text("{}")
    kept = kept_runs(demos)
    assert [load_replay(p).seed for p in kept] == [2, 3, 4]
    assert (demos / "my-notes.json").exists()
    size = sum(p.stat().st_size for p in kept)
    assert prune(demos, max_runs=10, max_bytes=size - 1) == kept[:1]


def test_a_name_taken_gets_another_never_replacing_a_file(tmp_path: Path) -> None:
    first = write_new(tmp_path, "run.json", "one")
    second = write_new(tmp_path, "run.json", "two")
    assert (first.name, second.name) == ("run.json", "run-2.json")
    assert first.read_text() == "one"


def test_an_unwritable_folder_is_a_warning_said_once(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocked = tmp_path / "blocked"
        blocked.write_text("a file where the folder should be")
    else:
        blocked = tmp_path / "blocked"
        blocked.mkdir(mode=0o500)
    keeper = EpisodeKeeper(blocked / "sub", tmp_path / "demos")
    warnings = [keeper.keep(_finished(s), "play", LEVELS[-1], 1.0) for s in range(2)]
    assert len(warnings[0]) == 1 and "could not save the replay" in warnings[0][0]
    assert warnings[1] == []
    assert len(kept_runs(tmp_path / "demos")) == 2, "the player's runs are kept all the same"
