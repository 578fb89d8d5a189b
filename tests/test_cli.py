"""The command line as a user meets it: exit statuses, one-line errors, headless runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cartpole_game.game.render.theme import Palette
from cartpole_game.game.render.transform import WorldView, world_to_screen
from tests.helpers import centroid_x, color_mask, headless_screenshot, run_play


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("play.py: error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["dance"], ["invalid choice", "dance"]),
        (["play", "--time-scale", "3"], ["between 0.25 and 2"]),
        (["play", "--time-scale", "0.1"], ["between 0.25 and 2"]),
        (["play", "--time-scale", "fast"], ["--time-scale"]),
        (["play", "--headless", "--frames", "0"], ["--frames", "at least 1"]),
        (["play", "--headless", "--frames", "-5"], ["--frames"]),
        (["play", "--headless", "--episodes", "0"], ["--episodes"]),
        (
            ["play", "--headless", "--frames", "2", "--screenshot", "/nonexistent-dir/x.png"],
            ["does not exist"],
        ),
        (["play", "--headless", "--frames", "2", "--screenshot", "shot.jpg"], [".png"]),
        (["play", "--headless"], ["--frames"]),
        (["play", "--bogus"], ["unrecognized arguments", "--bogus"]),
    ],
)
def test_bad_input_is_one_line_and_status_2(args: list[str], fragments: list[str]) -> None:
    assert_one_line_error(run_play(*args), *fragments)


def test_screenshot_path_that_is_a_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.png"
    folder.mkdir()
    result = run_play("play", "--headless", "--frames", "2", "--screenshot", str(folder))
    assert_one_line_error(result, "is a directory")


def test_help_for_each_mode() -> None:
    top = run_play("--help")
    assert top.returncode == 0 and "play" in top.stdout and "menu" in top.stdout
    play = run_play("play", "--help")
    assert play.returncode == 0
    for option in (
        "--headless",
        "--frames",
        "--episodes",
        "--seed",
        "--screenshot",
        "--time-scale",
    ):
        assert option in play.stdout


def test_headless_screenshot_shows_the_cart_where_the_state_puts_it(tmp_path: Path) -> None:
    pixels = headless_screenshot(tmp_path, "play", "--frames", "30", "--seed", "0")
    assert pixels.shape == (720, 1280, 3)
    # During "Ready?" the cart sits at its seeded start, a hair from x = 0.
    mask = color_mask(pixels, Palette().cart, tolerance=4)
    mask[:350] = False
    view = WorldView(0, 0, 1280, 720, half_span_m=3.0, ground_frac=0.7)
    assert centroid_x(mask) == pytest.approx(world_to_screen(0.0, 0, view)[0], abs=4)


def test_headless_runs_are_deterministic(tmp_path: Path) -> None:
    shots = []
    for i in range(2):
        shot = tmp_path / f"run{i}.png"
        result = run_play(
            "play",
            "--headless",
            "--frames",
            "150",
            "--seed",
            "7",
            "--screenshot",
            str(shot),
            "--data-dir",
            str(tmp_path / f"data{i}"),
        )
        assert result.returncode == 0, result.stderr
        shots.append(shot.read_bytes())
    assert shots[0] == shots[1]


def test_episodes_bound_ends_the_run(tmp_path: Path) -> None:
    result = run_play(
        "watch", "--headless", "--episodes", "2", "--seed", "1", "--data-dir", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "args", [("play",), ("takeover",), ("versus", "--left", "human", "--right", "dqn")]
)
def test_headless_play_needs_frames_because_no_push_can_start_it(args: tuple[str, ...]) -> None:
    result = run_play(*args, "--headless", "--episodes", "2")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "waits for a player's first push" in result.stderr


def test_menu_is_the_default_mode(tmp_path: Path) -> None:
    pixels = headless_screenshot(tmp_path, "--frames", "5")  # no mode: the menu
    accent = color_mask(pixels, Palette().accent, tolerance=10)
    assert accent[230:300, 76:540].sum() > 200  # "Play now", selected


def test_no_display_suggests_headless() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["SDL_VIDEODRIVER"] = "x11"  # as on a desktop, where SDL would open a real window
    result = run_play("play", "--frames", "2", env=env, inherit_env=False)
    assert_one_line_error(result, "--headless")
    env.pop("SDL_VIDEODRIVER")  # and with SDL left to choose a driver by itself
    assert_one_line_error(
        run_play("play", "--frames", "2", env=env, inherit_env=False), "--headless"
    )


def test_a_display_that_cannot_be_opened_is_named_not_called_unset(tmp_path: Path) -> None:
    # No X server listens on display :79 here (an X server has a socket in /tmp/.X11-unix).
    assert not Path("/tmp/.X11-unix/X79").exists()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "SDL_VIDEODRIVER")}
    env.update(DISPLAY=":79", XDG_RUNTIME_DIR=str(tmp_path))
    for driver in ("x11", None):  # as on a desktop, and with SDL left to choose by itself
        if driver:
            env["SDL_VIDEODRIVER"] = driver
        else:
            env.pop("SDL_VIDEODRIVER", None)
        result = run_play("play", "--frames", "2", env=env, inherit_env=False)
        assert_one_line_error(result, "cannot open display :79", "--headless")
        assert "not set" not in result.stderr


def test_bench_writes_its_table_as_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = run_play("bench", "--only", "frames", "--frames", "120", "--out", str(out))
    assert result.returncode == 0, result.stderr
    import json

    figures = json.loads(out.read_text())["frames"]
    assert set(figures) >= {"play", "watch", "takeover", "versus (dqn vs linear)"}
    assert all(f["median_ms"] > 0 for f in figures.values())
    assert "frame time, play" in result.stdout


def test_bench_unknown_section_is_one_line() -> None:
    assert_one_line_error(run_play("bench", "--only", "everything"), "unknown section")


def test_every_help_text_formats() -> None:
    """argparse reads a help text as a %-format: a lone "%" prints the option's whole record
    (eval's "the % reaching" once printed a dict), so every help is checked for it."""
    import argparse

    from cartpole_game.cli.parser import COMMANDS, build_parser
    from cartpole_game.game.modes import MODES

    for name in [*MODES, *COMMANDS]:
        parser = build_parser("play.py", name)
        (subparsers,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if name not in subparsers.choices:
            continue
        text = subparsers.choices[name].format_help()
        assert "option_strings" not in text, f"{name} --help: {text}"
