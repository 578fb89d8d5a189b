"""``play.py train`` and ``play.py eval`` as a user runs them: exit statuses, output, files."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cartpole_game.agents.checkpoint import load_checkpoint

REPO = Path(__file__).resolve().parents[1]


def play(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "play.py", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def last_json(stdout):
    return json.loads(stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_train_linear_json_then_eval_json(tmp_path):
    out = tmp_path / "lin.safetensors"
    r = play("train", "--algo", "linear", "--headless", "--seed", "1", "--out", str(out), "--json")
    assert r.returncode == 0, r.stderr
    summary = last_json(r.stdout)
    assert summary["solved"] is True and summary["robust"] is True
    assert summary["eval_mean"] == 500.0 and summary["eval_episodes"] == 1_000  # held out
    assert summary["checkpoint"] == str(out)
    assert isinstance(summary["solved_at_steps"], int)
    assert (tmp_path / "lin.curve.jsonl").exists() and (tmp_path / "lin.curve.png").exists()
    meta = load_checkpoint(out).metadata
    assert meta["seed"] == 1 and "train --algo linear" in meta["command"]

    r = play("eval", "--agent", str(out), "--episodes", "20", "--seed", "3", "--json")
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert set(result) >= {"mean", "std", "min", "max", "episodes", "returns"}
    assert result["episodes"] == 20 and len(result["returns"]) == 20
    assert result["mean"] == 500.0


@pytest.mark.slow
def test_train_dqn_json(tmp_path):
    out = tmp_path / "d.safetensors"
    r = play("train", "--algo", "dqn", "--headless", "--seed", "3", "--out", str(out), "--json")
    assert r.returncode == 0, r.stderr
    summary = last_json(r.stdout)
    assert summary["solved"] is True and summary["eval_mean"] >= 475
    assert summary["solved_at_steps"] <= summary["robust_at_steps"] == summary["steps"] <= 50_000
    meta = load_checkpoint(out, kind="dqn").metadata
    assert meta["steps_trained"] == summary["steps_kept"] <= summary["steps"]
    assert meta["held_out"] == summary["held_out"]


def test_eval_shipped_agents_human_output():
    r = play("eval", "--agent", "linear", "--episodes", "10")
    assert r.returncode == 0, r.stderr
    assert "mean 500.0" in r.stdout and "reached 500 in 100%" in r.stdout


@pytest.mark.parametrize(
    "agent, words",
    [("no/such/file.safetensors", "no such checkpoint"), ("ppo", "no such checkpoint")],
)
def test_bad_agent_is_one_line_exit_2(agent, words):
    r = play("eval", "--agent", agent, "--episodes", "5")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("play.py: error: ")
    assert agent in lines[0] and words in lines[0]


def test_pickle_agent_refused_by_the_cli(tmp_path):
    evil = tmp_path / "evil.pt"
    evil.write_bytes(b"\x80\x04\x95" + b"\x00" * 40)
    r = play("eval", "--agent", str(evil))
    assert r.returncode == 2 and "pickle" in r.stderr and str(evil) in r.stderr


def test_unwritable_out_is_one_line_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = play("train", "--algo", "linear", "--headless", "--out", str(blocker / "x.safetensors"))
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "cannot write checkpoint" in r.stderr
    r = play("train", "--algo", "linear", "--headless", "--out", str(tmp_path / "x.pt"))
    assert r.returncode == 2 and ".safetensors" in r.stderr


def test_failed_save_keeps_the_weights_elsewhere(tmp_path, monkeypatch):
    import cartpole_game.agents.checkpoint as checkpoint_module  # it saves through this name
    from cartpole_game.cli.commands.train import save_with_fallback
    from cartpole_game.training.linear_search import LinearSearch

    search = LinearSearch(seed=0)
    for _ in search:
        pass
    target = tmp_path / "x.safetensors"
    real_save = checkpoint_module.save_checkpoint

    def failing_save(path, checkpoint):
        if Path(path) == target:
            raise OSError(28, "No space left on device")
        return real_save(path, checkpoint)

    monkeypatch.setattr(checkpoint_module, "save_checkpoint", failing_save)
    where, error = save_with_fallback(target, search.best_checkpoint())
    assert error == f"cannot write checkpoint {target}: No space left on device"
    assert not target.exists()
    assert where.exists() and load_checkpoint(where).kind == "linear"
    where.unlink()


def start_long_training(out: Path, *extra: str) -> tuple[subprocess.Popen, bytes]:
    """Headless DQN training on a seed that takes several seconds to solve, once it is under
    way (its progress bar shows ε, however slow start-up is); the process and its stderr so far."""
    proc = subprocess.Popen(
        [
            sys.executable, "play.py", "train", "--algo", "dqn", "--headless", "--seed", "14",
            "--steps", "1000000", "--out", str(out), *extra, "--json",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    err = b""
    deadline = time.monotonic() + 60
    while "ε".encode() not in err and time.monotonic() < deadline:
        chunk = proc.stderr.read1(4096)  # type: ignore[union-attr]
        if not chunk:
            break
        err += chunk
    return proc, err


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_interrupt_saves_the_best_so_far_and_exits_cleanly(tmp_path, sig):
    out = tmp_path / "term.safetensors"
    proc, err = start_long_training(out)
    time.sleep(1)
    proc.send_signal(sig)
    out_bytes, rest = proc.communicate(timeout=60)
    stdout, stderr = out_bytes.decode(), (err + rest).decode()
    assert proc.returncode == (130 if sig == signal.SIGINT else 128 + signal.SIGTERM), stderr
    assert "Traceback" not in stderr
    summary = last_json(stdout)
    assert summary["interrupted"] is True and summary["checkpoint"] == str(out)
    # Interrupted or not, the figures saved are the held-out card's.
    assert load_checkpoint(out, kind="dqn").metadata["eval_episodes"] == 1_000


def test_min_steps_is_for_dqn_only():
    r = play("train", "--algo", "linear", "--headless", "--min-steps", "10")
    assert r.returncode == 2 and "--min-steps applies to --algo dqn only" in r.stderr


def test_an_existing_out_is_refused_without_force_and_kept_intact(tmp_path):
    out = tmp_path / "mine.safetensors"
    out.write_bytes(b"precious bytes")
    r = play("train", "--algo", "linear", "--headless", "--steps", "500", "--out", str(out))
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1, r.stderr
    assert "already exists" in lines[0] and "--force" in lines[0]
    assert out.read_bytes() == b"precious bytes"


def test_force_replaces_an_existing_out(tmp_path):
    out = tmp_path / "mine.safetensors"
    out.write_bytes(b"old")
    r = play(
        "train", "--algo", "linear", "--headless", "--steps", "500", "--out", str(out), "--force"
    )
    assert r.returncode == 0, r.stderr
    assert load_checkpoint(out).kind == "linear"


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_the_shipped_agents_are_never_a_target(tmp_path, force):
    from cartpole_game.agents import shipped_path

    shipped = shipped_path("linear")
    before = shipped.read_bytes()
    try:
        for out in (shipped, shipped.with_name("new.safetensors")):
            r = play(
                "train",
                "--algo",
                "linear",
                "--headless",
                "--steps",
                "500",
                "--out",
                str(out),
                *force,
            )
            lines = r.stderr.strip().splitlines()
            assert r.returncode == 2 and len(lines) == 1, r.stderr
            assert "shipped agents" in lines[0]
            assert not shipped.with_name("new.safetensors").exists()
        assert shipped.read_bytes() == before
    finally:  # a regression must not damage the checkout
        if shipped.read_bytes() != before:
            shipped.write_bytes(before)
        shipped.with_name("new.safetensors").unlink(missing_ok=True)


def test_the_default_output_name_is_never_an_existing_file(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "linear-seed0.safetensors").write_bytes(b"an earlier run")
    r = subprocess.run(
        [
            sys.executable,
            str(REPO / "play.py"),
            "train",
            "--algo",
            "linear",
            "--headless",
            "--steps",
            "500",
            "--json",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert (runs / "linear-seed0.safetensors").read_bytes() == b"an earlier run"
    assert last_json(r.stdout)["checkpoint"] == "runs/linear-seed0-2.safetensors"
    assert load_checkpoint(runs / "linear-seed0-2.safetensors").kind == "linear"


def _sigterm_caught(pid):
    """Whether process ``pid`` has a handler for SIGTERM (its SigCgt mask in /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = int(
        next(line for line in status.splitlines() if line.startswith("SigCgt:")).split()[1], 16
    )
    return bool(mask & (1 << (signal.SIGTERM - 1)))


def test_sigterm_while_starting_up_says_so(tmp_path):
    out = tmp_path / "early.safetensors"
    proc = subprocess.Popen(
        [sys.executable, "play.py", "train", "--algo", "dqn", "--headless", "--out", str(out)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not _sigterm_caught(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)  # as soon as the command can hear it: importing torch
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert "SIGTERM" in stderr and "before any training" in stderr
    assert not out.exists()


@pytest.mark.slow
def test_an_interrupted_forced_run_never_replaces_the_file(tmp_path):
    out = tmp_path / "good.safetensors"
    out.write_bytes(b"a good checkpoint")
    proc, err = start_long_training(out, "--force")
    proc.send_signal(signal.SIGTERM)
    out_bytes, rest = proc.communicate(timeout=60)
    stderr = (err + rest).decode()
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert out.read_bytes() == b"a good checkpoint"
    saved = Path(last_json(out_bytes.decode())["checkpoint"])
    assert saved == tmp_path / "good-2.safetensors" and load_checkpoint(saved).kind == "dqn"
    assert "is kept as it is" in stderr
