"""The numpy forward pass of agents from other libraries: a chain of linear layers.

Stable-Baselines3 and CleanRL build their CartPole networks as ``nn.Sequential`` stacks of
``nn.Linear`` layers with an activation between them, so their state dicts hold
``PREFIX.{i}.weight`` (``(out, in)``, torch's layout) and ``PREFIX.{i}.bias`` at the even
indices. :func:`linear_chain` finds such a chain under a prefix; :class:`MLP` runs it in float32,
as torch does, so the argmax matches the library's own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

import numpy as np

Array = np.ndarray


def _relu(x: Array) -> Array:
    return np.maximum(x, 0.0)


def _elu(x: Array) -> Array:
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0.0))).astype(np.float32)


def _leaky_relu(x: Array) -> Array:
    return np.where(x > 0, x, np.float32(0.01) * x)


def _sigmoid(x: Array) -> Array:
    return (1.0 / (1.0 + np.exp(-x))).astype(np.float32)


def _silu(x: Array) -> Array:
    return (x * _sigmoid(x)).astype(np.float32)


# torch's activation classes (as SB3 writes them into a zip's ``data``), by lower-case name;
# their defaults (LeakyReLU's slope 0.01, ELU's alpha 1) are the only ones a class name can mean.
ACTIVATIONS: Mapping[str, Callable[[Array], Array]] = MappingProxyType(
    {
        "relu": _relu,
        "tanh": np.tanh,
        "elu": _elu,
        "leakyrelu": _leaky_relu,
        "sigmoid": _sigmoid,
        "silu": _silu,
    }
)


ACTIVATION_NAMES = ("ReLU", "Tanh", "ELU", "LeakyReLU", "Sigmoid", "SiLU")  # as torch calls them


def class_name(text: str) -> str:
    """``"GELU"`` from SB3's ``"<class 'torch.nn.modules.activation.GELU'>"`` (or from "GELU")."""
    match = re.search(r"([A-Za-z_][A-Za-z0-9_]*)'?>?\s*$", text.strip())
    return match.group(1) if match else ""


def activation_from_text(text: str) -> str | None:
    """The activation a text names, as a key of :data:`ACTIVATIONS`, or None.

    Accepts SB3's ``"<class 'torch.nn.modules.activation.ReLU'>"`` and plain ``"Tanh"``.
    """
    name = class_name(text).lower().replace("_", "")
    return name if name in ACTIVATIONS else None


def linear_chain(tensors: Mapping[str, Array], prefix: str) -> list[tuple[Array, Array | None]]:
    """The linear layers ``PREFIX{i}.weight`` (and ``.bias``), in index order.

    Returns ``[(weight (out, in), bias (out,) or None), ...]``; an empty list if there are none.
    ``ValueError`` says what is wrong with a chain that is there but does not fit together.
    """
    pattern = re.compile(re.escape(prefix) + r"(\d+)\.(weight|bias)")
    found: dict[int, dict[str, Array]] = {}
    for key, value in tensors.items():
        match = pattern.fullmatch(key)
        if match:
            found.setdefault(int(match.group(1)), {})[match.group(2)] = value
    layers: list[tuple[Array, Array | None]] = []
    for index in sorted(found):
        parts = found[index]
        weight = parts.get("weight")
        if weight is None or weight.ndim != 2:
            raise ValueError(f"{prefix}{index} is not a linear layer")
        bias = parts.get("bias")
        if bias is not None and bias.shape != (weight.shape[0],):
            shape = list(bias.shape)
            raise ValueError(f"{prefix}{index}.bias has shape {shape}, not [{weight.shape[0]}]")
        if layers and layers[-1][0].shape[0] != weight.shape[1]:
            raise ValueError(
                f"{prefix}{index}.weight takes {weight.shape[1]} inputs "
                f"where the layer before gives {layers[-1][0].shape[0]}"
            )
        layers.append((weight, bias))
    return layers


def chain_keys(tensors: Mapping[str, Array], prefix: str) -> set[str]:
    """The keys :func:`linear_chain` reads under ``prefix``."""
    pattern = re.compile(re.escape(prefix) + r"\d+\.(weight|bias)")
    return {key for key in tensors if pattern.fullmatch(key)}


class MLP:
    """Linear layers with one activation between them (none after the last), in float32."""

    def __init__(self, layers: list[tuple[Array, Array | None]], activation: str) -> None:
        if not layers:
            raise ValueError("a network needs at least one layer")
        for (w_prev, _), (w, _) in itertools.pairwise(layers):
            if w_prev.shape[0] != w.shape[1]:
                raise ValueError(
                    f"a layer of {w_prev.shape[0]} outputs feeds one of {w.shape[1]} inputs"
                )
        self.activation = activation
        self._act = ACTIVATIONS[activation]
        # Stored as (in, out), contiguous: x @ w is then one BLAS call per layer.
        self.layers = [
            (
                np.ascontiguousarray(np.asarray(w, dtype=np.float32).T),
                np.zeros(w.shape[0], np.float32) if b is None else np.asarray(b, np.float32),
            )
            for w, b in layers
        ]

    @property
    def inputs(self) -> int:
        return int(self.layers[0][0].shape[0])

    @property
    def outputs(self) -> int:
        return int(self.layers[-1][0].shape[1])

    @property
    def sizes(self) -> list[int]:
        return [self.inputs, *(int(w.shape[1]) for w, _ in self.layers)]

    def __call__(self, observations: Array) -> Array:
        """``(n, inputs)`` -> ``(n, outputs)``."""
        x = np.asarray(observations, dtype=np.float32)
        for w, b in self.layers[:-1]:
            x = self._act(x @ w + b)
        w, b = self.layers[-1]
        return x @ w + b
