"""The checkpoint format: one ``.safetensors`` file per agent, weights plus JSON metadata.

A file holds the agent's float32 tensors and, in the safetensors header's ``__metadata__``, one
entry ``cartpole_game`` whose value is a JSON object::

    {"format_version": 1, "kind": "dqn" | "linear" | ..., "architecture": {...},
     "observation_space": {...}, "action_space": {...}, "training_config": {...}, "seed": 0,
     "steps_trained": 12000, "eval_mean": 500.0, "eval_std": 0.0, "eval_episodes": 100,
     "command": "python play.py train ...", "created": "2025-...", "game_version": "0.1.0"}

Loading never executes anything from the file: the header is parsed as JSON here and the tensors
are decoded by ``safetensors.numpy``; there is no pickle anywhere. Every problem with a file
(missing, truncated, corrupt, not ours, wrong kind, wrong shapes, newer format) is raised as
:class:`cartpole_game.core.errors.FileFormatError` naming the file. Saves are atomic.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load, save

from cartpole_game.agents.registry import AGENT_KINDS
from cartpole_game.core.atomic import atomic_write_bytes
from cartpole_game.core.errors import FileFormatError

FORMAT_VERSION = 1
METADATA_KEY = "cartpole_game"
MAX_HEADER_BYTES = 1 << 20  # our headers are a few kB; anything bigger is not ours

OBSERVATION_SPACE = {
    "type": "Box",
    "shape": [4],
    "dtype": "float32",
    "names": ["x", "x_dot", "theta", "theta_dot"],
}
ACTION_SPACE = {"type": "Discrete", "n": 2, "names": ["push_left", "push_right"]}


@dataclass
class Checkpoint:
    """An agent's weights (name -> float32 array) and its metadata (a JSON-able dict)."""

    kind: str
    architecture: dict[str, Any]
    tensors: dict[str, np.ndarray]
    metadata: dict[str, Any] = field(default_factory=dict)


def expected_shapes(kind: str, architecture: Any) -> dict[str, tuple[int, ...]]:
    """The tensor names and shapes an architecture of ``kind`` needs (``ValueError`` if none)."""
    shapes_of = AGENT_KINDS[kind].tensor_shapes
    if shapes_of is None or not isinstance(architecture, dict):
        raise ValueError(f"no {kind} architecture")
    return shapes_of(architecture)


def save_checkpoint(path: str | os.PathLike[str], checkpoint: Checkpoint) -> Path:
    """Write ``checkpoint`` to ``path`` atomically: temp file in the same folder, fsync, rename.

    Raises ``OSError`` if the file cannot be written; the caller decides how to tell the user.
    """
    path = Path(path)
    meta = {
        "format_version": FORMAT_VERSION,
        "kind": checkpoint.kind,
        "architecture": checkpoint.architecture,
        "observation_space": OBSERVATION_SPACE,
        "action_space": ACTION_SPACE,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **{k: v for k, v in checkpoint.metadata.items() if k not in ("format_version", "kind")},
    }
    tensors = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in checkpoint.tensors.items()}
    data = save(tensors, metadata={METADATA_KEY: json.dumps(meta, sort_keys=True)})
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)
    return path


def _describe_foreign(data: bytes) -> str:
    if data[:1] == b"\x80" or data[:2] == b"PK":
        return (
            "not a cartpole_game checkpoint: this looks like a pickle/PyTorch file, "
            "which is never loaded because unpickling can run code"
        )
    return "not a cartpole_game checkpoint (not a safetensors file)"


def _read_header(path: Path, data: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parse the safetensors header; return (tensor entries, our metadata)."""
    if len(data) < 8:
        raise FileFormatError(path, "file is truncated or empty (no safetensors header)")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > MAX_HEADER_BYTES:
        raise FileFormatError(path, _describe_foreign(data))
    if 8 + header_len > len(data):
        raise FileFormatError(path, "file is truncated (header runs past the end of the file)")
    try:
        header = json.loads(data[8 : 8 + header_len].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise FileFormatError(path, _describe_foreign(data)) from None
    if not isinstance(header, dict):
        raise FileFormatError(path, "corrupt safetensors header")
    raw_meta = (header.pop("__metadata__", None) or {}).get(METADATA_KEY)
    if raw_meta is None:
        raise FileFormatError(path, "a safetensors file, but not a cartpole_game checkpoint")
    try:
        meta = json.loads(raw_meta)
    except json.JSONDecodeError:
        raise FileFormatError(path, "corrupt checkpoint metadata (invalid JSON)") from None
    if not isinstance(meta, dict):
        raise FileFormatError(path, "corrupt checkpoint metadata")
    return header, meta


def load_checkpoint(path: str | os.PathLike[str], kind: str | None = None) -> Checkpoint:
    """Read and validate a checkpoint; if ``kind`` is given, the file must be of that kind."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileFormatError(path, "no such checkpoint file") from None
    except IsADirectoryError:
        raise FileFormatError(path, "is a directory, not a checkpoint file") from None
    except OSError as e:
        raise FileFormatError(path, f"cannot read: {e.strerror or e}") from None
    _header, meta = _read_header(path, data)

    version = meta.get("format_version")
    if not isinstance(version, int):
        raise FileFormatError(path, "corrupt checkpoint metadata (no format_version)")
    if version > FORMAT_VERSION:
        raise FileFormatError(
            path,
            f"checkpoint format version {version} is newer than this game supports "
            f"({FORMAT_VERSION}); update cartpole_game",
        )
    file_kind = meta.get("kind")
    if not isinstance(file_kind, str) or file_kind not in AGENT_KINDS:
        raise FileFormatError(path, f"unknown agent kind {file_kind!r}")
    if kind is not None and file_kind != kind:
        raise FileFormatError(path, f"wrong kind of checkpoint: expected {kind}, got {file_kind}")
    architecture = meta.get("architecture")
    if not isinstance(architecture, dict):
        raise FileFormatError(
            path, f"bad architecture in checkpoint metadata (no {file_kind} architecture)"
        )
    try:
        shapes = expected_shapes(file_kind, architecture)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise FileFormatError(path, f"bad architecture in checkpoint metadata ({e})") from None

    try:
        tensors = load(data)
    except Exception as e:  # safetensors raises its own error type for any malformed body
        problem = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise FileFormatError(path, f"corrupt or truncated tensor data ({problem})") from None
    if set(tensors) != set(shapes):
        missing = sorted(set(shapes) - set(tensors))
        extra = sorted(set(tensors) - set(shapes))
        raise FileFormatError(
            path, f"wrong tensors for a {file_kind} agent (missing {missing}, unexpected {extra})"
        )
    for name, shape in shapes.items():
        t = tensors[name]
        if t.shape != shape:
            raise FileFormatError(
                path, f"wrong shape for {name}: {list(t.shape)}, expected {list(shape)}"
            )
        if t.dtype != np.float32:
            raise FileFormatError(path, f"wrong dtype for {name}: {t.dtype}, expected float32")
        if not np.isfinite(t).all():
            raise FileFormatError(path, f"corrupt weights: {name} holds NaN or infinity")
    return Checkpoint(file_kind, architecture, tensors, meta)
