"""The game's own agents as ONNX models: observation in, the per-action values the game shows out.

``python play.py export --agent A --format onnx --out F.onnx``. The torch module is built from
the agent's numpy weights (the DQN's ReLU network; the linear policy's ``[-(w·s+b), w·s+b]``,
computed in float64 as the game computes it) and exported with ``torch.onnx.export`` at opset 17
(the TorchScript exporter, ``dynamo=False``, which needs the ``onnx`` package). Only the export
command imports this module, so torch and onnx load only to export. The model takes ``obs``, a
float32 batch ``(n, 4)``, and gives ``values``, ``(n, 2)``: the Q-values or the scores, whose
argmax is the push, as the decision panel shows them.

Before the caller writes anything, the model is run with onnxruntime (when it is installed) on
:data:`CHECK_STATES` states and must pick the same push as the agent on every one.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from cartpole_game.agents.dqn import DQNPolicy
from cartpole_game.agents.linear import LinearPolicy
from cartpole_game.agents.onnx_agent import INSTALL_HINT, load_onnx
from cartpole_game.core.errors import FileFormatError, UserFacingError
from cartpole_game.core.safe_read import read_bounded
from cartpole_game.sim.controllers import ExplainingController

OPSET = 17
MAX_MODEL_BYTES = 64 << 20  # a game agent's model is a few tens of kB
CHECK_STATES = 10_000
# The check's states: CartPole's whole box of live states and a little past it, so that
# near-ties between the two values are met as well as clear choices.
CHECK_BOX = np.array([2.6, 3.0, 0.25, 3.5], dtype=np.float32)


@dataclass(frozen=True)
class Exported:
    data: bytes  # the ONNX model
    checked: int  # states on which it ran and picked the agent's push (0: onnxruntime missing)


class LinearScores(nn.Module):
    """``[-(w·s+b), w·s+b]`` in float64, as :class:`LinearPolicy` computes it, then float32."""

    weight: torch.Tensor
    bias: torch.Tensor

    def __init__(self, weights: np.ndarray, bias: float) -> None:
        super().__init__()
        signs = np.array([-1.0, 1.0])
        self.register_buffer("weight", torch.from_numpy(signs[:, None] * weights[None, :]))
        self.register_buffer("bias", torch.from_numpy(signs * bias))

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        scores = obs.to(torch.float64) @ self.weight.T + self.bias
        return scores.to(torch.float32)


def torch_module(agent: ExplainingController) -> nn.Module:
    """The agent as a torch module, ``(n, 4)`` float32 -> ``(n, 2)`` float32; one line saying
    why for an agent that is not the game's own."""
    if isinstance(agent, DQNPolicy):
        layers: list[nn.Module] = []
        for i, (w, b) in enumerate(agent.layers):  # held as (in, out): torch wants (out, in)
            linear = nn.Linear(w.shape[0], w.shape[1])
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(w.T)))
                linear.bias.copy_(torch.from_numpy(np.ascontiguousarray(b)))
            layers += [linear] if i == len(agent.layers) - 1 else [linear, nn.ReLU()]
        return nn.Sequential(*layers).eval()
    if isinstance(agent, LinearPolicy):
        return LinearScores(agent.weights, agent.bias).eval()
    raise UserFacingError(
        f"cannot export {agent.name}: export takes the game's own agents (dqn, linear, or a "
        ".safetensors checkpoint of one)"
    )


def onnx_bytes(module: nn.Module) -> bytes:
    """``module`` exported at opset 17, with a batch axis, as bytes."""
    try:
        import onnx  # noqa: F401  (the TorchScript exporter writes with it)
    except ImportError:
        raise UserFacingError(f"exporting to ONNX needs the onnx package: {INSTALL_HINT}") from None
    with tempfile.TemporaryDirectory(prefix="cartpole_game-export-") as folder:
        path = os.path.join(folder, "agent.onnx")
        with warnings.catch_warnings():  # the exporter's note that a newer exporter exists
            warnings.simplefilter("ignore")
            torch.onnx.export(
                module,
                (torch.zeros(1, 4),),
                path,
                opset_version=OPSET,
                input_names=["obs"],
                output_names=["values"],
                dynamic_axes={"obs": {0: "batch"}, "values": {0: "batch"}},
                dynamo=False,  # the TorchScript exporter: torch and onnx, nothing more
            )
        return read_bounded(path, MAX_MODEL_BYTES)


def check_states(count: int = CHECK_STATES, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.uniform(-1.0, 1.0, (count, 4)) * CHECK_BOX).astype(np.float32)


def check(data: bytes, agent: ExplainingController, shown: str) -> int:
    """Run the model on :func:`check_states` and compare its pushes with the agent's; the
    number of states checked (0 without onnxruntime). Raises if any push differs."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return 0
    model = load_onnx(data, shown, "export")
    states = check_states()
    expected = np.array([agent.act(s) for s in states])
    differ = int((model.act_batch(states) != expected).sum())
    if differ:
        raise FileFormatError(
            shown,
            f"the exported model picks another push than {agent.name} on {differ} of "
            f"{len(states):,} states; nothing was written",
        )
    return len(states)


def export_onnx(agent: ExplainingController, shown: str) -> Exported:
    """``agent`` as an ONNX model, checked when onnxruntime is there (nothing written here)."""
    data = onnx_bytes(torch_module(agent))
    return Exported(data, check(data, agent, shown))
