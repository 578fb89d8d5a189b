"""Agents from other libraries, recognised by their content (never by their name).

==================  ==========================================================================
first bytes         what it is, and what happens
==================  ==========================================================================
``PK\\x03\\x04``      a zip: with a ``data`` member, an SB3/RL-Zoo agent
                    (:mod:`~cartpole_game.agents.sb3_zip`); with one ``<folder>/data.pkl``, a
                    file ``torch.save`` wrote — a state dict (CleanRL's ``.cleanrl_model``, a
                    ``.pt``/``.pth``), read by :mod:`~cartpole_game.agents.torch_state`
``\\x08``            an ONNX model (protobuf, ``ir_version`` first), run by onnxruntime
``\\x80``, …         a raw pickle (``vec_normalize.pkl``, a pre-1.6 ``torch.save``): refused,
                    because unpickling can run code
8-byte length, {    the game's own ``.safetensors`` checkpoint (not handled here)
==================  ==========================================================================

Every problem is one :class:`FileFormatError` line naming the file. The agent built must act
finitely on a few probe observations before the game takes it.
"""

from __future__ import annotations

import numpy as np

from cartpole_game.agents.checkpoint import PROBE_OBSERVATIONS
from cartpole_game.agents.foreign import ForeignPolicy
from cartpole_game.agents.layouts import Hints, build_policy
from cartpole_game.agents.onnx_agent import load_onnx
from cartpole_game.agents.safe_zip import BoundedZip
from cartpole_game.agents.sb3_zip import MAX_POLICY_BYTES, is_sb3_zip, load_sb3_zip
from cartpole_game.agents.torch_state import (
    looks_like_pickle,
    read_state_dict,
    torch_archive_folder,
)
from cartpole_game.core.errors import FileFormatError
from cartpole_game.core.text import drawable

# torch.save's format before torch 1.6: a pickle of this magic number, then more pickles.
TORCH_LEGACY_MAGIC = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19"
PICKLE_REFUSAL = (
    "a raw Python pickle (such as vec_normalize.pkl), which the game never loads because "
    "unpickling can run code; give it an SB3/RL-Zoo .zip, a PyTorch state dict, an .onnx "
    "model or a .safetensors checkpoint"
)


def foreign_format(data: bytes) -> str | None:
    """``"zip"``, ``"onnx"``, ``"pickle"``, ``"torch-legacy"``, or None: a safetensors file (the
    game's checkpoint format) or something :func:`load_checkpoint` will name."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if len(data) > 8 and data[8:9] == b"{":
        return None  # a safetensors header: its length (whose first byte may be 0x80), then JSON
    if data.startswith(TORCH_LEGACY_MAGIC):
        return "torch-legacy"
    if looks_like_pickle(data):
        return "pickle"
    if data[:1] == b"\x08":
        return "onnx"  # ModelProto's first field, ir_version
    return None


def _zip_agent(data: bytes, shown: str, file_label: str) -> ForeignPolicy:
    archive = BoundedZip(data, shown, "the zip", MAX_POLICY_BYTES)
    if is_sb3_zip(archive):
        return load_sb3_zip(archive, shown, file_label)
    if torch_archive_folder(archive) is not None:
        tensors = read_state_dict(data, shown, "the file")
        return build_policy(tensors, shown, "the file", Hints(), file_label)
    members = ", ".join(drawable(name, 30) for name in sorted(archive.members)[:4])
    raise FileFormatError(
        shown,
        f"a zip archive, but neither an SB3/RL-Zoo agent (no data file) nor a PyTorch file "
        f"(it holds {members or 'nothing'})",
    )


def check_acting(policy: ForeignPolicy, shown: str) -> None:
    """Refuse an agent whose outputs on CartPole's probe observations are not finite."""
    with np.errstate(all="ignore"):
        values = policy.values_batch(PROBE_OBSERVATIONS)
        raw = policy.outputs_batch(PROBE_OBSERVATIONS)
    if values.shape != (len(PROBE_OBSERVATIONS), 2) or not (
        np.isfinite(values).all() and np.isfinite(raw).all()
    ):
        raise FileFormatError(
            shown, "unusable weights: the agent's outputs are not finite numbers (NaN or overflow)"
        )


def load_foreign(data: bytes, shown: str, file_label: str) -> ForeignPolicy:
    """The agent in ``data`` (a file's bytes, read bounded), whose format
    :func:`foreign_format` recognised. ``shown`` is the path for messages, ``file_label`` the
    file's name for the agent's name."""
    kind = foreign_format(data)
    if kind == "zip":
        policy = _zip_agent(data, shown, file_label)
    elif kind == "onnx":
        policy = load_onnx(data, shown, file_label)
    elif kind == "torch-legacy":
        raise FileFormatError(
            shown,
            "a PyTorch file in the format before torch 1.6 (a pickle), which the game never "
            "loads; re-save it with torch.save(model.state_dict(), path) from a current torch",
        )
    elif kind == "pickle":
        raise FileFormatError(shown, PICKLE_REFUSAL)
    else:
        raise FileFormatError(shown, "not an agent file the game knows")
    check_acting(policy, shown)
    return policy
