"""ONNX agents (``.onnx``, e.g. SB3's documented export), run by onnxruntime, never by torch.

onnxruntime is an optional extra (``pip install "cartpole_game[onnx]"``), imported only when an
ONNX file is opened. The model must take one float input of 4 observations (a batch ``(n, 4)``
or ``(1, 4)``, or a single ``(4,)``). Its outputs are read from what it gives on a few probe
observations: the first float output with 2 values per observation is the network's scores for
the two pushes (Q-values or logits; the argmax acts); failing that, an integer output with one
action per observation is the push itself (SB3's ``OnnxableSB3Policy`` returns the actions, the
value and the log-probability).

The bytes are written into a fresh, empty temporary folder and loaded from there, so a model that
refers to "external data" files finds none: it can read nothing else from the disk.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Any

import numpy as np

from cartpole_game.agents import foreign
from cartpole_game.agents.foreign import ForeignPolicy
from cartpole_game.agents.layouts import ACTIONS, OBSERVATIONS
from cartpole_game.core.errors import FileFormatError
from cartpole_game.core.text import drawable

Runner = Callable[[np.ndarray], list[np.ndarray]]  # (n, 4) -> every output of the model
INSTALL_HINT = 'pip install "cartpole_game[onnx]"'
PROBES = np.array(
    [[0.0, 0.0, 0.0, 0.0], [0.05, -0.3, 0.02, 0.4], [-1.0, 1.0, -0.1, -1.0]], dtype=np.float32
)


def _problem(exc: Exception, temp_path: str = "") -> str:
    """onnxruntime's error, told in one short line (without the temporary copy's path)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if temp_path:
        text = text.replace(f"Load model from {temp_path} failed:", "").replace(temp_path, "it")
    if " Error " in text:
        text = text.split(" Error ", 1)[1]
    return drawable(text.split(" : ")[-1].strip(), 120)


def _session(data: bytes, shown: str) -> Any:
    try:
        import onnxruntime as ort
    except ImportError:
        raise FileFormatError(
            shown, f"an ONNX model; reading it needs onnxruntime: {INSTALL_HINT}"
        ) from None
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # a CartPole network is too small to share out
    options.inter_op_num_threads = 1
    options.log_severity_level = 4  # errors reach the user as one line, not as log noise
    with tempfile.TemporaryDirectory(prefix="cartpole_game-onnx-") as folder:
        path = os.path.join(folder, "agent.onnx")
        with open(path, "wb") as file:
            file.write(data)
        try:
            return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own types for every bad model
            if "external data" in str(exc).lower():
                raise FileFormatError(
                    shown,
                    "not a usable ONNX model: its weights refer to other files (external data), "
                    "which the game never reads; export it as one file",
                ) from None
            problem = _problem(exc, path)
            raise FileFormatError(shown, f"not a usable ONNX model ({problem})") from None


def _input(session: Any, shown: str) -> tuple[str, bool, bool]:
    """(the input's name, whether it takes a batch, whether it wants float64)."""
    inputs = session.get_inputs()
    if len(inputs) != 1:
        raise FileFormatError(
            shown, f"an ONNX model with {len(inputs)} inputs; a CartPole agent takes 1"
        )
    spec = inputs[0]
    if spec.type not in ("tensor(float)", "tensor(double)"):
        raise FileFormatError(shown, f"an ONNX model whose input is {drawable(spec.type, 30)}")
    shape = list(spec.shape)  # symbolic dimensions are names (str) or None
    if not shape or len(shape) > 2 or (isinstance(shape[-1], int) and shape[-1] != OBSERVATIONS):
        raise FileFormatError(
            shown,
            f"an ONNX model for inputs of shape {drawable(shape, 40)}; "
            f"CartPole gives {OBSERVATIONS} observations",
        )
    batched = len(shape) == 2 and shape[0] != 1
    return spec.name, batched, spec.type == "tensor(double)"


def _runner(session: Any, name: str, batched: bool, double: bool, rank: int) -> Runner:
    """All of the model's outputs for an ``(n, 4)`` batch, as a list (one row at a time if the
    model takes no batch)."""
    dtype = np.float64 if double else np.float32

    def run(observations: np.ndarray) -> list[np.ndarray]:
        obs = np.asarray(observations, dtype=dtype).reshape(-1, OBSERVATIONS)
        if batched:
            return [np.asarray(out) for out in session.run(None, {name: obs})]
        rows = [session.run(None, {name: row if rank == 1 else row[None]}) for row in obs]
        return [
            np.concatenate([np.reshape(row[i], (1, -1)) for row in rows])
            for i in range(len(rows[0]))
        ]

    return run


def load_onnx(data: bytes, shown: str, file_label: str) -> ForeignPolicy:
    """The agent of an ONNX model (its bytes, already read through the safe reader)."""
    session = _session(data, shown)
    name, batched, double = _input(session, shown)
    rank = len(session.get_inputs()[0].shape)
    run = _runner(session, name, batched, double, rank)
    try:
        outputs = run(PROBES)
    except Exception as exc:
        raise FileFormatError(
            shown, f"an ONNX model that fails on CartPole observations ({_problem(exc)})"
        ) from None
    n = len(PROBES)
    for index, out in enumerate(outputs):
        if out.dtype.kind == "f" and out.size == n * ACTIONS:
            return _scores_policy(run, index, shown, out, file_label)
    for index, out in enumerate(outputs):
        if out.dtype.kind in "iu" and out.size == n:
            return _choice_policy(run, index, shown, out, file_label)
    found = ", ".join(f"{o.dtype}{list(o.shape)}" for o in outputs[:4])
    raise FileFormatError(
        shown,
        f"an ONNX model whose outputs ({drawable(found, 80)}) are neither 2 scores nor 1 "
        "action per observation",
    )


def _scores_policy(
    run: Runner, index: int, shown: str, probe: np.ndarray, file_label: str
) -> ForeignPolicy:
    if not np.isfinite(probe).all():
        raise FileFormatError(shown, "an ONNX model whose outputs are not finite numbers")

    def scores(observations: np.ndarray) -> np.ndarray:
        out = run(observations)[index]
        return np.asarray(out, dtype=np.float32).reshape(-1, ACTIONS)

    return ForeignPolicy(
        f"ONNX · {file_label}", foreign.SCORES.name, scores, description="ONNX scores"
    )


def _choice_policy(
    run: Runner, index: int, shown: str, probe: np.ndarray, file_label: str
) -> ForeignPolicy:
    if ((probe < 0) | (probe >= ACTIONS)).any():
        raise FileFormatError(shown, f"an ONNX model that picks actions outside 0..{ACTIONS - 1}")
    one_hot = np.eye(ACTIONS, dtype=np.float32)

    def choice(observations: np.ndarray) -> np.ndarray:
        out = run(observations)[index].reshape(-1)
        return one_hot[np.clip(out, 0, ACTIONS - 1).astype(np.intp)]

    return ForeignPolicy(
        f"ONNX · {file_label}", foreign.CHOICE_ONLY.name, choice, description="ONNX actions"
    )
