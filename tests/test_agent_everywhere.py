"""``--agent PATH`` everywhere, with every format: watch, takeover, play's hints, versus (either
side), eval and the headless versus table all take an SB3 zip, a CleanRL state dict, an ONNX model
and a game checkpoint, and name the agent by what it is. A file that cannot be used is one line
naming the file and why, and exit status 2, in every one of them.

The commands run in-process through the same ``main`` as ``play.py`` (a subprocess each would
cost a second of start-up); one runs as a real subprocess.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from cartpole_game.cli.main import main
from cartpole_game.game.recent_agents import load_recent
from tests.agent_files import FORMATS, NAMES, agent_files
from tests.helpers import run_play

__all__ = ["agent_files"]  # the fixture, used by name below

MODES = {
    "watch": ("--agent",),
    "takeover": ("--agent",),
    "play": ("--agent",),
    "versus-left": ("--left",),
    "versus-right": ("--right",),
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def window_args(mode: str, option: str, path: Path, data: Path) -> list[str]:
    argv = [mode.split("-")[0], option, str(path)]
    if mode.startswith("versus"):
        argv += ["--right" if option == "--left" else "--left", "human"]
    return [*argv, "--headless", "--frames", "40", "--data-dir", str(data)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_mode_plays_every_format_and_names_it(
    agent_files: dict[str, Path], fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = agent_files[fmt]
    for mode, (option,) in MODES.items():
        status, _, err = run(capsys, *window_args(mode, option, path, tmp_path))
        assert status == 0 and err == "", (mode, err)
    summary = tmp_path / "summary.json"
    status, _, err = run(
        capsys, "watch", "--agent", str(path), "--headless", "--episodes", "1",
        "--data-dir", str(tmp_path), "--summary", str(summary),
    )  # fmt: skip
    assert status == 0, err
    [episode] = json.loads(summary.read_text())["episodes"]
    assert episode["agents"] == [NAMES[fmt]]
    # Opened on the command line, so it heads the list "Open an agent…" shows.
    recent, warnings = load_recent(tmp_path)
    assert warnings == [] and recent[0].path == str(path) and recent[0].name == NAMES[fmt]


@pytest.mark.parametrize("fmt", FORMATS)
def test_eval_names_the_agent_by_what_it_is(
    agent_files: dict[str, Path], fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "eval", "--agent", str(agent_files[fmt]), "--episodes", "2")
    assert status == 0, err
    assert out.splitlines()[0].startswith(f"{NAMES[fmt]} ({agent_files[fmt]}), 2 episodes")


def test_the_versus_table_races_two_formats(agent_files: dict[str, Path]) -> None:
    result = run_play(
        "versus", "--left", str(agent_files["sb3"]), "--right", str(agent_files["onnx"]),
        "--headless", "--episodes", "2", "--seed", "3",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    tally = result.stdout.strip().splitlines()[-1]
    assert tally.startswith("tally on level 6 CartPole-v1: ")
    assert NAMES["sb3"] in tally and NAMES["onnx"] in tally


def bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """Files no mode may play, and a few words of why each is refused."""
    pickle = folder / "vec_normalize.pkl"
    pickle.write_bytes(b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00K\x01.")
    no_data = folder / "not-sb3.zip"
    with zipfile.ZipFile(no_data, "w") as archive:
        archive.writestr("readme.txt", "hello")
    onnx = folder / "cut.onnx"
    onnx.write_bytes(b"\x08\x08\x12\x07not a protobuf model at all")
    return {
        "pickle": (pickle, "never loads because unpickling can run code"),
        "zip": (no_data, "neither an SB3/RL-Zoo agent"),
        "onnx": (onnx, "not a usable ONNX model"),
        "folder": (folder, "a directory"),
    }


def test_a_file_that_cannot_be_used_is_one_line_and_exit_2_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    for path, why in bad_files(tmp_path).values():
        commands = [window_args(mode, opt, path, data) for mode, (opt,) in MODES.items()]
        commands += [["eval", "--agent", str(path)]]
        for argv in commands:
            status, printed, err = run(capsys, *argv)
            assert printed == ""
            assert status == 2, (argv, err)
            assert err.count("\n") == 1 and ": error: " in err, err
            if path.is_dir():
                assert f"{path} is not a file" in err or f"{path}: is a directory" in err, err
            else:
                assert f"{path}: " in err and why in err, err
    assert not (data / "recent_agents.json").exists()  # nothing refused is remembered
