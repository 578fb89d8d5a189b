"""Checkpoint and agent files that are hostile or malformed: bounded reads, strict types, one
line and exit 2 on the command line, a toast (never a crash) in a running game."""

from __future__ import annotations

import dataclasses
import json
import os
import struct
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from cartpole_game.agents import load_agent
from cartpole_game.agents.checkpoint import (
    MAX_CHECKPOINT_BYTES,
    Checkpoint,
    load_checkpoint,
    save_checkpoint,
)
from cartpole_game.agents.dqn import mlp_architecture
from cartpole_game.core.errors import FileFormatError
from tests.helpers import run_play


def tiny_dqn(scale: float = 1.0) -> Checkpoint:
    rng = np.random.default_rng(0)
    tensors = {}
    for i, (a, b) in enumerate([(4, 4), (4, 2)]):
        tensors[f"layers.{i}.weight"] = (rng.normal(size=(b, a)) * scale).astype(np.float32)
        tensors[f"layers.{i}.bias"] = np.zeros(b, np.float32)
    return Checkpoint("dqn", mlp_architecture((4,)), tensors, {"seed": 0})


def split(data: bytes) -> tuple[dict, bytes]:
    (n,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8 : 8 + n]), data[8 + n :]


def joined(header_text: str, body: bytes) -> bytes:
    raw = header_text.encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + body


def with_header(tmp_path: Path, name: str, edit) -> Path:
    """A tiny valid checkpoint whose header text is rewritten by ``edit(header_text, meta)``."""
    good = save_checkpoint(tmp_path / "good.safetensors", tiny_dqn()).read_bytes()
    header, body = split(good)
    meta = json.loads(header["__metadata__"]["cartpole_game"])
    path = tmp_path / name
    path.write_bytes(joined(edit(header, meta), body))
    return path


def with_meta_text(meta_text: str):
    def edit(header, meta):
        header["__metadata__"]["cartpole_game"] = meta_text
        return json.dumps(header)

    return edit


def problem_of(path: Path) -> str:
    with pytest.raises(FileFormatError) as err:
        load_agent(str(path))
    message = str(err.value)
    assert "\n" not in message and len(message) < 600
    return err.value.problem


def in_thread(fn, timeout: float = 10.0):
    """Run ``fn`` in a daemon thread; fail (rather than hang) if it takes over ``timeout``."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "reading the file did not return"
    return box


# -- defect 1: bounded reading -------------------------------------------------------------
def test_dev_zero_is_refused_at_once():
    start = time.monotonic()
    box = in_thread(lambda: load_checkpoint("/dev/zero"))
    assert isinstance(box.get("error"), FileFormatError), box
    assert "not a regular file" in box["error"].problem
    assert time.monotonic() - start < 5


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "agent.safetensors"
    os.mkfifo(fifo)
    box = in_thread(lambda: load_agent(str(fifo)), timeout=5)
    assert isinstance(box.get("error"), FileFormatError), box
    assert "not a regular file" in box["error"].problem


def test_a_huge_file_is_refused_by_its_size_without_reading_it(tmp_path):
    big = tmp_path / "big.safetensors"
    with open(big, "wb") as f:  # sparse: costs no disk
        f.truncate(3 * 1024**3)
    start = time.monotonic()
    assert "too large" in problem_of(big)
    assert time.monotonic() - start < 2
    just_over = tmp_path / "over.safetensors"
    with open(just_over, "wb") as f:
        f.truncate(MAX_CHECKPOINT_BYTES + 1)
    assert "too large" in problem_of(just_over)


# -- defect 2: malformed headers and metadata ----------------------------------------------
MALFORMED = {
    "metadata nested 1000 deep": with_meta_text(
        json.dumps({"format_version": 1, "kind": "dqn"})[:-1]
        + ', "training_config": '
        + "[" * 1000
        + "]" * 1000
        + "}"
    ),
    "header nested 1000 deep": lambda header, meta: (
        json.dumps(header)[:-1] + ', "x": ' + "[" * 1000 + "]" * 1000 + "}"
    ),
    "a 5000-digit integer": lambda header, meta: with_meta_text(
        json.dumps({**meta, "seed": 0}).replace('"seed": 0', '"seed": ' + "9" * 5000)
    )(header, meta),
    "__metadata__ as a list": lambda header, meta: json.dumps(
        {**header, "__metadata__": ["cartpole_game"]}
    ),
    "the project's metadata as a dict": lambda header, meta: json.dumps(
        {**header, "__metadata__": {"cartpole_game": meta}}
    ),
    "the project's metadata as an int": lambda header, meta: json.dumps(
        {**header, "__metadata__": {"cartpole_game": 7}}
    ),
    "Infinity in sizes": lambda header, meta: with_meta_text(
        json.dumps({**meta, "architecture": {**meta["architecture"], "sizes": [4, 1e999, 2]}})
    )(header, meta),
    "a float in sizes": lambda header, meta: with_meta_text(
        json.dumps({**meta, "architecture": {**meta["architecture"], "sizes": [4, 4.0, 2]}})
    )(header, meta),
    "a seed that is text": lambda header, meta: with_meta_text(json.dumps({**meta, "seed": "0"}))(
        header, meta
    ),
    "a kind of a million characters": lambda header, meta: with_meta_text(
        json.dumps({**meta, "kind": "x" * 1_000_000})
    )(header, meta),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_checkpoints_are_one_clear_error(tmp_path, case):
    path = with_header(tmp_path, "bad.safetensors", MALFORMED[case])
    problem_of(path)


@pytest.mark.parametrize(
    "case", ["metadata nested 1000 deep", "a 5000-digit integer", "Infinity in sizes"]
)
def test_malformed_checkpoints_on_the_command_line_are_one_line_exit_2(tmp_path, case):
    path = with_header(tmp_path, "bad.safetensors", MALFORMED[case])
    r = run_play("eval", "--agent", str(path), "--episodes", "1", timeout=60)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1, r.stderr
    assert lines[0].startswith("play.py: error: ") and str(path) in lines[0]


# -- defect 4: weights that act on NaN -----------------------------------------------------
def test_huge_finite_weights_are_refused(tmp_path):
    path = save_checkpoint(tmp_path / "huge.safetensors", tiny_dqn(scale=3e38 / 4))
    assert "unusable weights" in problem_of(path)
    path = save_checkpoint(tmp_path / "big.safetensors", tiny_dqn(scale=1e7))
    assert "unusable weights" in problem_of(path)
    ok = save_checkpoint(tmp_path / "ok.safetensors", tiny_dqn())
    assert np.isfinite(load_agent(str(ok)).action_values(np.zeros(4, np.float32))).all()


def test_huge_weights_on_the_command_line_are_one_line_exit_2(tmp_path):
    path = save_checkpoint(tmp_path / "huge.safetensors", tiny_dqn(scale=3e38 / 4))
    r = run_play("eval", "--agent", str(path), "--episodes", "1", timeout=60)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "unusable weights" in r.stderr


# -- defect 5: format versions below 1 -----------------------------------------------------
@pytest.mark.parametrize("version", [0, -5, True])
def test_format_versions_below_1_are_refused(tmp_path, version):
    path = with_header(
        tmp_path,
        "v.safetensors",
        lambda header, meta: with_meta_text(json.dumps({**meta, "format_version": version}))(
            header, meta
        ),
    )
    assert "format_version" in problem_of(path)


# -- defect 3: the path shown is drawable; a running game never crashes on a bad file -------
def test_a_path_that_is_not_utf8_gives_a_drawable_message(tmp_path):
    path = tmp_path / os.fsdecode(b"bad\xff\xfename.safetensors")
    path.write_bytes(b"\x00" * 64)
    with pytest.raises(FileFormatError) as err:
        load_agent(str(path))
    message = str(err.value)
    message.encode("utf-8")  # no lone surrogates: a font (and a terminal) can show it
    assert "\ufffd" in message and "name.safetensors" in message


def test_opening_a_mode_that_fails_unexpectedly_is_a_toast(tmp_path, monkeypatch):
    from cartpole_game.game.app import App
    from cartpole_game.game.config import RunConfig

    bad = tmp_path / os.fsdecode(b"agent\xff.safetensors")
    bad.write_bytes(b"\x00" * 64)
    app = App(RunConfig(mode="menu", headless=True, seed=0, data_dir=tmp_path, agent=str(bad)))
    try:
        menu = app.ctx.stack.top
        app.ctx.open_mode("watch")  # the expected kind of failure: a bad agent file
        assert app.ctx.stack.top is menu
        assert any("Cannot open watch" in t.text for t in app.ctx.toasts)

        def explode(services):
            raise RuntimeError("boom \udcff")

        modes = dict(app.ctx.modes)
        modes["watch"] = dataclasses.replace(modes["watch"], make_scene=explode)
        monkeypatch.setattr(app.ctx, "modes", modes)
        app.ctx.open_mode("watch")  # an unexpected one
        assert app.ctx.stack.top is menu
        assert any("RuntimeError" in t.text for t in app.ctx.toasts)
        for _ in range(3):
            app.frame()  # the toasts draw
    finally:
        app.close()


# -- defect 6: eval --episodes is capped ---------------------------------------------------
def test_eval_episodes_are_capped():
    r = run_play("eval", "--agent", "linear", "--episodes", "4294967295", timeout=60)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1, r.stderr
    assert "at most 100,000 episodes" in lines[0]
