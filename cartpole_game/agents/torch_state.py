"""PyTorch state dicts (``torch.save(model.state_dict())``), read without unpickling anything.

A file ``torch.save`` writes is a zip archive whose ``<folder>/data.pkl`` is a pickle naming the
tensors; the only thing that ever reads that pickle is torch's own weights-only unpickler
(``torch.load(..., weights_only=True)``), which builds tensors, dicts and lists and refuses any
other global (``os.system``, a class). Before it runs, the archive is checked with
:class:`cartpole_game.agents.safe_zip.BoundedZip` (sizes, names, member count), and the pickle
itself must be small. Its result must be a flat mapping of names to floating-point tensors,
which become float32 numpy arrays at once: nothing of torch outlives the load.

This is the one module of the agents layer that may import torch, and only inside
:func:`read_state_dict`, so only opening a ``.pth``/``.zip`` agent ever pays for it.
"""

from __future__ import annotations

import io
import warnings

import numpy as np

from cartpole_game.agents.safe_zip import BoundedZip
from cartpole_game.core.errors import FileFormatError
from cartpole_game.core.text import drawable

MAX_PICKLE_BYTES = 1 << 20  # a state dict's pickle names its tensors: a few kB
MAX_TENSORS = 1024
MAX_VALUES = 16 << 20  # float values in all tensors together (64 MB of float32)
MAX_NAME = 200


def looks_like_pickle(data: bytes) -> bool:
    """Whether ``data`` starts like a raw pickle: protocol 2 and later open with PROTO (0x80),
    the text protocols 0 and 1 with an opcode and end with STOP (".")."""
    if data[:1] == b"\x80":
        return True
    return data[:1] in (b"(", b"c", b"]", b"}") and data.rstrip().endswith(b".")


def torch_archive_folder(archive: BoundedZip) -> str | None:
    """The folder of a ``torch.save`` archive (``archive``, ``policy`` …), or None if it is not
    one: exactly one ``<folder>/data.pkl``, and every member inside that folder."""
    pickles = [name for name in archive.members if name.endswith("/data.pkl")]
    if len(pickles) != 1 or pickles[0].count("/") != 1:
        return None
    folder = pickles[0].split("/")[0]
    if not all(name.startswith(folder + "/") for name in archive.members):
        return None
    return folder


def _refusal(exc: Exception) -> str:
    """The telling line of torch's (multi-line) weights-only refusal."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    telling = [line for line in lines if "GLOBAL" in line or "nsupported" in line]
    return drawable((telling or lines or [type(exc).__name__])[0], 120)


def read_state_dict(data: bytes, shown: str, what: str) -> dict[str, np.ndarray]:
    """The tensors of the ``torch.save`` archive ``data`` as float32 arrays.

    ``shown`` names the file and ``what`` the part of it (``"policy.pth"``, ``"the file"``) in
    the one-line :class:`FileFormatError` raised for anything that is not a plain state dict.
    """
    if looks_like_pickle(data):
        raise FileFormatError(
            shown,
            f"{what} is a raw pickle, not a torch.save archive; never loaded, because unpickling "
            "can run code",
        )
    archive = BoundedZip(data, shown, what, max_member_bytes=MAX_VALUES * 4)
    folder = torch_archive_folder(archive)
    if folder is None:
        raise FileFormatError(shown, f"{what} is a zip archive, but not one torch.save wrote")
    archive.read(f"{folder}/data.pkl", MAX_PICKLE_BYTES)  # bounds the pickle before torch does

    import torch  # only here: opening a PyTorch file is the one time the game needs torch

    try:
        with warnings.catch_warnings():  # its notes on odd pickles: the refusal below says it
            warnings.simplefilter("ignore")
            loaded = torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except Exception as exc:  # torch's refusal of a global, or a damaged archive
        raise FileFormatError(
            shown,
            f"{what} is not a plain PyTorch state dict; torch's weights-only loader refused it "
            f"({_refusal(exc)}); nothing in it was run",
        ) from None
    if not isinstance(loaded, dict):
        raise FileFormatError(
            shown,
            f"{what} holds a {drawable(type(loaded).__name__, 40)}, not a state dict "
            "(save model.state_dict())",
        )
    if len(loaded) > MAX_TENSORS:
        raise FileFormatError(shown, f"{what} holds {len(loaded):,} entries; too many for an agent")
    tensors: dict[str, np.ndarray] = {}
    total = 0
    for key, value in loaded.items():
        if not isinstance(key, str) or len(key) > MAX_NAME:
            raise FileFormatError(shown, f"{what} is not a state dict (a key is not a short name)")
        if not isinstance(value, torch.Tensor):
            raise FileFormatError(
                shown,
                f"{what} is not a flat state dict: {drawable(key, 60)} holds a value of type "
                f"{drawable(type(value).__name__, 40)}, not a tensor",
            )
        if value.layout != torch.strided or not value.dtype.is_floating_point:
            raise FileFormatError(
                shown, f"{what}: {drawable(key, 60)} is not a dense floating-point tensor"
            )
        total += value.numel()
        if total > MAX_VALUES:
            raise FileFormatError(shown, f"{what} holds over {MAX_VALUES:,} weights; too many")
        tensors[key] = value.detach().to(torch.float32).contiguous().numpy().copy()
    return tensors
