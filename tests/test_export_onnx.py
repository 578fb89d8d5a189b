"""``play.py export --agent A --format onnx --out F.onnx``: the game's own agents as ONNX models
that load back through ``load_agent`` and act exactly as the originals on 10,000 states from real
episodes, with the values the game shows; an existing file is never replaced without --force,
and whatever is refused is one line, exit status 2, and no file written.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from cartpole_game.agents import load_agent, shipped_path
from cartpole_game.cli.main import main
from tests.foreign_helpers import real_states
from tests.helpers import run_play


@pytest.fixture(scope="module")
def states() -> np.ndarray:
    return real_states()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["export", *argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("agent", ["dqn", "linear", "checkpoint"])
def test_the_export_loads_back_and_acts_identically(
    agent: str, states: np.ndarray, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = agent
    if agent == "checkpoint":  # a game .safetensors file of the player's own
        spec = str(shutil.copyfile(shipped_path("dqn"), tmp_path / "mine.safetensors"))
    out = tmp_path / "agent.onnx"
    status, printed, err = run(capsys, "--agent", spec, "--format", "onnx", "--out", str(out))
    assert status == 0 and err == "", err
    assert printed.startswith(f"wrote {out}: ") and "the same push as" in printed
    original, exported = load_agent(spec), load_agent(out)
    assert exported.name == "ONNX · agent.onnx"
    actions = exported.act_batch(states)  # type: ignore[attr-defined]
    expected = np.array([original.act(s) for s in states])
    assert len(set(expected.tolist())) == 2
    assert (actions == expected).all(), f"{int((actions != expected).sum())} of 10,000 differ"
    assert [exported.act(s) for s in states[:200]] == expected[:200].tolist()
    shown = np.array([original.action_values(s) for s in states[:500]])
    np.testing.assert_allclose(exported.values_batch(states[:500]), shown, rtol=1e-5, atol=1e-5)  # type: ignore[attr-defined]


def test_an_existing_file_is_never_replaced_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine.onnx"
    out.write_bytes(b"the player's own model")
    status, printed, err = run(capsys, "--agent", "dqn", "--out", str(out))
    assert status == 2 and printed == ""
    assert err.count("\n") == 1 and err.endswith(
        f"error: {out} exists; give --force to replace it\n"
    )
    assert out.read_bytes() == b"the player's own model"
    status, _, err = run(capsys, "--agent", "linear", "--out", str(out), "--force")
    assert status == 0, err
    assert load_agent(out).act(np.zeros(4, np.float32)) in (0, 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.onnx"]  # no temp file left


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--agent", "lqr"), "cannot export lqr: export takes the game's own agents"),
        (("--out", "agent.txt"), "the file name must end in .onnx"),
        (("--format", "tflite"), "invalid choice: 'tflite'"),
        (("--agent", "missing.safetensors"), "is not one of"),
    ],
)
def test_what_cannot_be_exported_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], words: str
) -> None:
    argv = list(args)
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "x.onnx")]
    status, _, err = run(capsys, *argv)
    assert status == 2 and err.count("\n") == 1 and words in err, err
    assert list(tmp_path.iterdir()) == []


def test_an_agent_from_another_library_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    torch = pytest.importorskip("torch")
    from tests.foreign_helpers import CleanRLQNetwork

    path = tmp_path / "q.pth"
    torch.save(CleanRLQNetwork().state_dict(), path)
    status, _, err = run(capsys, "--agent", str(path), "--out", str(tmp_path / "q.onnx"))
    assert status == 2 and "cannot export DQN (CleanRL) · q.pth" in err
    assert not (tmp_path / "q.onnx").exists()


def test_without_the_onnx_package_one_line_says_how_to_add_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx -> ImportError
    status, _, err = run(capsys, "--agent", "dqn", "--out", str(tmp_path / "d.onnx"))
    assert status == 2 and 'needs the onnx package: pip install "cartpole_game[onnx]"' in err
    assert list(tmp_path.iterdir()) == []


def test_as_a_player_runs_it(tmp_path: Path) -> None:
    out = tmp_path / "dqn.onnx"
    result = run_play("export", "--agent", "dqn", "--format", "onnx", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "the same push as dqn on 10,000 states" in result.stdout
    watched = run_play("eval", "--agent", str(out), "--episodes", "3")
    assert watched.returncode == 0 and "reached 500 in 100% of episodes" in watched.stdout
