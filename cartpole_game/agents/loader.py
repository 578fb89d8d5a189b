"""``load_agent(spec)``: the public way to get one of the game's agents as a controller.

A spec is a name (a shipped agent such as ``"dqn"``, or a built-in one) or the path of an agent
file: the game's own ``.safetensors`` checkpoint, or an agent from another library (an SB3/RL-Zoo
``.zip``, a CleanRL/PyTorch state dict, an ``.onnx`` model), told apart by the file's content
(:mod:`cartpole_game.agents.foreign_loader`). Loading never executes anything from a file and
never needs pygame; the game's own checkpoints need numpy and safetensors only, and torch is
imported only to read a PyTorch state dict (whose weights then play in numpy).
"""

from __future__ import annotations

import os
from pathlib import Path

from cartpole_game.agents.checkpoint import MAX_CHECKPOINT_BYTES, Checkpoint, load_checkpoint
from cartpole_game.agents.foreign_loader import foreign_format, load_foreign
from cartpole_game.agents.registry import AGENT_KINDS, named_agents
from cartpole_game.core.errors import FileFormatError
from cartpole_game.core.resources import package_file
from cartpole_game.core.safe_read import read_file_bytes
from cartpole_game.core.text import drawable, drawable_path
from cartpole_game.sim.controllers import ExplainingController


def shipped_path(name: str) -> Path:
    """The shipped checkpoint of the named agent ``name`` (it travels inside the package)."""
    file = AGENT_KINDS[name].shipped_file
    if file is None:
        raise KeyError(f"{name} is not a shipped agent")
    return package_file("cartpole_game.agents", "shipped", file)


def is_shipped(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is (or would land among) the shipped agents' files, which training
    must never overwrite: the shipped folder itself, or any link to one of its files."""
    target = Path(path)
    folders = {
        shipped_path(name).parent.resolve()
        for name in named_agents()
        if AGENT_KINDS[name].shipped_file
    }
    try:
        if target.resolve().parent in folders:
            return True
    except (OSError, RuntimeError):
        return False
    for folder in folders:
        for file in folder.iterdir():
            try:
                if target.exists() and os.path.samefile(target, file):
                    return True
            except OSError:
                continue
    return False


def describe_source(spec: str) -> str:
    """Where ``spec``'s agent comes from, for messages: a file, or "built in" (always text a
    font or a terminal can show, whatever bytes the path holds)."""
    kind = AGENT_KINDS.get(spec)
    if kind is not None and kind.named:
        return drawable_path(shipped_path(spec), 1000) if kind.shipped_file else "built in"
    return drawable_path(spec, 1000)


def policy_from_checkpoint(checkpoint: Checkpoint, name: str) -> ExplainingController:
    """The acting policy for a checked checkpoint."""
    build = AGENT_KINDS[checkpoint.kind].from_tensors
    assert build is not None, "load_checkpoint accepts only kinds that have tensors"
    return build(checkpoint.tensors, name)


def load_agent(spec: str | os.PathLike[str]) -> ExplainingController:
    """The agent ``spec`` names, as a controller with ``act(obs)`` and ``action_values(obs)``.

    ``spec`` is one of :func:`named_agents` (``"dqn"``, ``"linear"``) or the path of an agent
    file (a checkpoint, or an SB3/RL-Zoo, CleanRL or ONNX agent). Raises
    :class:`cartpole_game.core.errors.FileFormatError`, naming the file, for a missing or bad one.
    """
    text = os.fspath(spec)
    if text in named_agents():
        kind = AGENT_KINDS[text]
        if kind.build is not None:
            return kind.build(text)
        return policy_from_checkpoint(load_checkpoint(shipped_path(text), kind=text), text)
    path = Path(text)
    try:
        data = read_file_bytes(path, MAX_CHECKPOINT_BYTES, "agent file")
    except FileFormatError:
        data = b""  # missing, a directory, a FIFO, too large: load_checkpoint says which
    if foreign_format(data) is not None:
        shown = drawable_path(path, 1000)
        return load_foreign(data, shown, drawable(drawable_path(path.name), 40))
    return policy_from_checkpoint(load_checkpoint(path), drawable(drawable_path(path.stem), 40))
