"""The checkpoint format: one ``.safetensors`` file per agent, weights plus JSON metadata.

A file holds the agent's float32 tensors and, in the safetensors header's ``__metadata__``, one
entry ``cartpole_game`` whose value is a JSON object::

    {"format_version": 1, "kind": "dqn" | "linear" | ..., "architecture": {...},
     "observation_space": {...}, "action_space": {...}, "training_config": {...}, "seed": 0,
     "steps_trained": 12000, "eval_mean": 500.0, "eval_std": 0.0, "eval_episodes": 1000,
     "held_out": {...}, "selection": {...}, "solved_at_steps": 5000, "robust_at_steps": 12000,
     "command": "python play.py train ...", "created": "2025-...", "game_version": "0.1.0"}

``eval_*`` and ``held_out`` are the held-out card played after training
(:mod:`cartpole_game.training.held_out`); ``selection_eval_*`` and ``selection`` the
training-time check that chose the weights.

Loading never executes anything from the file: the header is parsed as JSON here and the tensors
are decoded by ``safetensors.numpy``; there is no pickle anywhere. Every problem with a file
(missing, truncated, corrupt, not ours, wrong kind, wrong shapes, newer format) is raised as
:class:`cartpole_game.core.errors.FileFormatError` naming the file. Saves are atomic.
"""

from __future__ import annotations

import json
import math
import os
import struct
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load, save

from cartpole_game.agents.registry import AGENT_KINDS
from cartpole_game.core.atomic import atomic_write_bytes
from cartpole_game.core.errors import FileFormatError
from cartpole_game.core.safe_read import UnsafeFile, parse_json, read_file_bytes
from cartpole_game.core.text import drawable, drawable_path

FORMAT_VERSION = 1
METADATA_KEY = "cartpole_game"
MAX_HEADER_BYTES = 1 << 20  # our headers are a few kB; anything bigger is not ours
# The largest checkpoint accepted: the shipped DQN (4-64-64-2) is 20 kB; this leaves room for
# networks a thousand times bigger, and bounds what a hostile file (/dev/zero, 3 GB) can cost.
MAX_CHECKPOINT_BYTES = 64 << 20
MAX_PARAMETERS = (MAX_CHECKPOINT_BYTES - MAX_HEADER_BYTES) // 4  # float32 values
MAX_ABS_WEIGHT = 1e6  # trained CartPole weights are below 10; 3e38 only makes NaN actions
# Observations an agent meets in the game: upright, leaning, at the track's ends, fast.
PROBE_OBSERVATIONS = np.array(
    [
        [0.0, 0.0, 0.0, 0.0],
        [0.05, -0.3, 0.02, 0.4],
        [2.4, 3.0, 0.21, 3.0],
        [-2.4, -3.0, -0.21, -3.0],
        [1.0, -10.0, 0.5, 10.0],
        [-1.0, 10.0, -0.5, -10.0],
    ],
    dtype=np.float32,
)
# Optional metadata entries the game writes, and the JSON types they must have.
_META_TYPES: dict[str, tuple[str, tuple[type, ...]]] = {
    "seed": ("a whole number", (int,)),
    "steps_trained": ("a whole number", (int,)),
    "eval_episodes": ("a whole number", (int,)),
    "eval_mean": ("a number", (int, float)),
    "eval_std": ("a number", (int, float)),
    "hard_starts_eval_mean": ("a number", (int, float)),
    "solved_at_steps": ("a whole number", (int,)),
    "robust_at_steps": ("a whole number", (int,)),
    "selection_eval_mean": ("a number", (int, float)),
    "selection_eval_std": ("a number", (int, float)),
    "selection_eval_episodes": ("a whole number", (int,)),
    "selection": ("an object", (dict,)),
    "held_out": ("an object", (dict,)),
    "command": ("text", (str,)),
    "created": ("text", (str,)),
    "game_version": ("text", (str,)),
    "training_config": ("an object", (dict,)),
    "observation_space": ("an object", (dict,)),
    "action_space": ("an object", (dict,)),
}

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
    text = json.dumps(_finite(meta), sort_keys=True, allow_nan=False)  # loading refuses NaN
    data = save(tensors, metadata={METADATA_KEY: text})
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)
    return path


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None (JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def save_with_fallback(
    path: str | os.PathLike[str], checkpoint: Checkpoint
) -> tuple[Path | None, str | None]:
    """Save to ``path``; if the disk refuses, to the temp folder instead.

    Returns (where it was saved or None, the error or None). Never raises ``OSError``.
    """
    path = Path(path)
    try:
        return save_checkpoint(path, checkpoint), None
    except OSError as e:
        error = f"cannot write checkpoint {drawable_path(path)}: {e.strerror or e}"
    fallback = Path(tempfile.gettempdir()) / f"cartpole_game-{os.getpid()}-{path.name}"
    try:
        return save_checkpoint(fallback, checkpoint), error
    except OSError as e:
        return None, f"{error}; nor to {drawable_path(fallback)}: {e.strerror or e}"


def unused_path(path: str | os.PathLike[str]) -> Path:
    """``path`` if no file is there, else the first free ``NAME-2.safetensors``, ``NAME-3``..."""
    path = Path(path)
    n = 2
    candidate = path
    while candidate.exists() or candidate.is_symlink():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def _describe_foreign(data: bytes) -> str:
    if data[:1] == b"\x80" or data[:2] == b"PK":
        return (
            "not a cartpole_game checkpoint: this looks like a pickle/PyTorch file, "
            "which is never loaded because unpickling can run code"
        )
    return (
        "not a cartpole_game checkpoint (not a safetensors file), nor an agent from another "
        "library (an SB3/RL-Zoo .zip, a PyTorch state dict, an ONNX model)"
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _short(value: object) -> str:
    """A value from the file, bounded and drawable, for a message."""
    return drawable(repr(value), 40)


def _read_header(shown: str, data: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parse the safetensors header; return (tensor entries, our metadata)."""
    if len(data) < 8:
        raise FileFormatError(shown, "file is truncated or empty (no safetensors header)")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > MAX_HEADER_BYTES:
        raise FileFormatError(shown, _describe_foreign(data))
    if 8 + header_len > len(data):
        raise FileFormatError(shown, "file is truncated (header runs past the end of the file)")
    try:
        header = parse_json(data[8 : 8 + header_len])
    except UnsafeFile as exc:
        foreign = _describe_foreign(data)
        if "pickle" in foreign:
            raise FileFormatError(shown, foreign) from None
        raise FileFormatError(shown, f"corrupt safetensors header: {exc}") from None
    if not isinstance(header, dict):
        raise FileFormatError(shown, "corrupt safetensors header (not a JSON object)")
    block = header.pop("__metadata__", None)
    if block is None:
        raise FileFormatError(shown, "a safetensors file, but not a cartpole_game checkpoint")
    if not isinstance(block, dict):
        raise FileFormatError(shown, "corrupt safetensors header (__metadata__ is not an object)")
    raw_meta = block.get(METADATA_KEY)
    if raw_meta is None:
        raise FileFormatError(shown, "a safetensors file, but not a cartpole_game checkpoint")
    if not isinstance(raw_meta, str):
        raise FileFormatError(shown, "corrupt checkpoint metadata (not a JSON string)")
    try:
        # surrogatepass: an escaped lone surrogate becomes bytes the strict decoder refuses
        meta = parse_json(raw_meta.encode("utf-8", "surrogatepass"))
    except UnsafeFile as exc:
        raise FileFormatError(shown, f"corrupt checkpoint metadata: {exc}") from None
    if not isinstance(meta, dict):
        raise FileFormatError(shown, "corrupt checkpoint metadata (not a JSON object)")
    return header, meta


def _check_metadata(shown: str, meta: dict[str, Any], kind: str | None) -> str:
    """Strict types for our metadata; returns the file's agent kind."""
    version = meta.get("format_version")
    if not _is_int(version):
        raise FileFormatError(shown, "corrupt checkpoint metadata (no format_version)")
    assert isinstance(version, int)
    if version < 1:
        raise FileFormatError(
            shown, f"corrupt checkpoint metadata (format_version {version}; versions start at 1)"
        )
    if version > FORMAT_VERSION:
        raise FileFormatError(
            shown,
            f"checkpoint format version {version} is newer than this game supports "
            f"({FORMAT_VERSION}); update cartpole_game",
        )
    file_kind = meta.get("kind")
    if not isinstance(file_kind, str) or file_kind not in AGENT_KINDS:
        raise FileFormatError(shown, f"unknown agent kind {_short(file_kind)}")
    if kind is not None and file_kind != kind:
        raise FileFormatError(shown, f"wrong kind of checkpoint: expected {kind}, got {file_kind}")
    for name, (what, types) in _META_TYPES.items():
        value = meta.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, types):
            raise FileFormatError(
                shown, f"corrupt checkpoint metadata ({name} is not {what}: {_short(value)})"
            )
    return file_kind


def _architecture_values_ok(value: Any) -> bool:
    """Architectures hold text, booleans, whole numbers, and lists and objects of those."""
    if isinstance(value, (str, bool)) or _is_int(value):
        return True
    if isinstance(value, list):
        return all(_architecture_values_ok(v) for v in value)
    if isinstance(value, dict):
        return all(_architecture_values_ok(v) for v in value.values())
    return False


def _check_architecture(shown: str, file_kind: str, architecture: Any) -> dict[str, tuple]:
    if not isinstance(architecture, dict):
        raise FileFormatError(
            shown, f"bad architecture in checkpoint metadata (no {file_kind} architecture)"
        )
    sizes = architecture.get("sizes")
    if not _architecture_values_ok(architecture) or (
        sizes is not None and not (isinstance(sizes, list) and all(_is_int(n) for n in sizes))
    ):
        raise FileFormatError(
            shown, "bad architecture in checkpoint metadata (its numbers must be whole numbers)"
        )
    try:
        shapes = expected_shapes(file_kind, architecture)
    except Exception as e:  # the kind's own check: any failure means a bad architecture
        problem = drawable(str(e).splitlines()[0] if str(e) else type(e).__name__, 80)
        raise FileFormatError(
            shown, f"bad architecture in checkpoint metadata ({problem})"
        ) from None
    total = 0
    for shape in shapes.values():
        size = 1
        for dim in shape:
            size *= dim
        total += size
    if total > MAX_PARAMETERS:
        raise FileFormatError(
            shown,
            f"architecture too large ({total:,} weights; the limit is {MAX_PARAMETERS:,})",
        )
    return shapes


def _check_acting(shown: str, file_kind: str, tensors: dict[str, np.ndarray]) -> None:
    """Refuse weights that are absurdly large or whose outputs on a few probes are not finite."""
    for name, t in tensors.items():
        peak = float(np.abs(t).max()) if t.size else 0.0
        if peak > MAX_ABS_WEIGHT:
            raise FileFormatError(
                shown,
                f"unusable weights: {name} holds values up to {peak:.3g} "
                f"(the limit is {MAX_ABS_WEIGHT:g})",
            )
    build = AGENT_KINDS[file_kind].from_tensors
    if build is None:
        return
    policy = build(tensors, "probe")
    with np.errstate(all="ignore"):
        values = np.array([policy.action_values(obs) for obs in PROBE_OBSERVATIONS])
    if not np.isfinite(values).all():
        raise FileFormatError(
            shown, "unusable weights: the agent's outputs are not finite numbers (NaN or overflow)"
        )


def load_checkpoint(path: str | os.PathLike[str], kind: str | None = None) -> Checkpoint:
    """Read and validate a checkpoint; if ``kind`` is given, the file must be of that kind.

    The file is read bounded (:data:`MAX_CHECKPOINT_BYTES`, regular files only), its header is
    strict JSON (nesting, number and type limits), and its weights must act finitely.
    """
    path = Path(path)
    shown = drawable_path(path, 1000)  # the path as messages and toasts show it
    if path.is_dir():
        raise FileFormatError(shown, "is a directory, not a checkpoint file")
    try:
        data = read_file_bytes(path, MAX_CHECKPOINT_BYTES, "checkpoint file")
    except FileFormatError as exc:
        raise FileFormatError(shown, exc.problem) from None
    _header, meta = _read_header(shown, data)
    file_kind = _check_metadata(shown, meta, kind)
    architecture = meta.get("architecture")
    shapes = _check_architecture(shown, file_kind, architecture)
    assert isinstance(architecture, dict)

    try:
        tensors = load(data)
    except Exception as e:  # safetensors raises its own error type for any malformed body
        problem = drawable(str(e).splitlines()[0] if str(e) else type(e).__name__, 120)
        raise FileFormatError(shown, f"corrupt or truncated tensor data ({problem})") from None
    if set(tensors) != set(shapes):
        missing = sorted(set(shapes) - set(tensors))
        extra = [drawable(name, 40) for name in sorted(set(tensors) - set(shapes))[:5]]
        raise FileFormatError(
            shown, f"wrong tensors for a {file_kind} agent (missing {missing}, unexpected {extra})"
        )
    for name, shape in shapes.items():
        t = tensors[name]
        if t.shape != shape:
            raise FileFormatError(
                shown, f"wrong shape for {name}: {list(t.shape)}, expected {list(shape)}"
            )
        if t.dtype != np.float32:
            raise FileFormatError(shown, f"wrong dtype for {name}: {t.dtype}, expected float32")
        if not np.isfinite(t).all():
            raise FileFormatError(shown, f"corrupt weights: {name} holds NaN or infinity")
    _check_acting(shown, file_kind, tensors)
    return Checkpoint(file_kind, architecture, tensors, meta)
