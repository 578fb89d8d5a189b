"""Which network a state dict holds, told from its tensor names, and the numpy agent built from it.

The layouts the game knows (torch's ``nn.Linear`` stacks; the names are the libraries' own):

========================  ==========================================================  =========
layout                    tensors read (others allowed, ignored)                      default
========================  ==========================================================  =========
SB3 DQN                   ``q_net.q_net.{i}`` (``q_net_target.*``)                    ReLU
SB3 QR-DQN (sb3-contrib)  ``quantile_net.quantile_net.{i}`` (``quantile_net_target.*``) ReLU
SB3 PPO / A2C             ``mlp_extractor.shared_net.{i}`` (SB3 1.x), ``mlp_extractor.
                          policy_net.{i}``, ``action_net`` (``mlp_extractor.value_net.*``,
                          ``value_net.*``)                                            Tanh
SB3 ARS (sb3-contrib)     ``action_net`` or ``action_net.{i}``                        ReLU
CleanRL DQN               ``network.{i}`` (its ``QNetwork``)                          ReLU
CleanRL PPO               ``actor.{i}`` (``critic.*``)                                Tanh
========================  ==========================================================  =========

The output is the argmax of the last layer: Q-values (QR-DQN: the mean of each action's
quantiles, as sb3-contrib's ``predict``), or a categorical policy's logits. Anything else — a
tensor no layout expects, a network for other than 4 observations and 2 actions — is refused with
one line naming what was found.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from cartpole_game.agents import foreign
from cartpole_game.agents.foreign import ForeignPolicy, Forward
from cartpole_game.agents.kind import AgentKind
from cartpole_game.agents.mlp import MLP, chain_keys, linear_chain
from cartpole_game.core.errors import FileFormatError
from cartpole_game.core.text import drawable

OBSERVATIONS = 4  # CartPole's x, x_dot, theta, theta_dot
ACTIONS = 2  # push left, push right


@dataclass(frozen=True)
class Layout:
    algorithm: str  # as the agent's name shows it
    library: str  # "SB3" or "CleanRL"
    kind: AgentKind
    activation: str  # the library's default, a key of mlp.ACTIVATIONS
    marker: str  # a tensor name starting with this tells the layout (tried in LAYOUTS' order)
    chain: tuple[str, ...]  # the prefixes of the layers, in order (the last may be a head)
    ignored: tuple[str, ...] = ()  # prefixes of tensors the acting network does not use
    quantiles: bool = False


_AC_IGNORED = ("mlp_extractor.value_net.", "value_net.")
LAYOUTS = (
    Layout("DQN", "SB3", foreign.Q_VALUES, "relu", "q_net.", ("q_net.q_net.",), ("q_net_target.",)),
    Layout(
        "QR-DQN",
        "SB3",
        foreign.Q_VALUES,
        "relu",
        "quantile_net.",
        ("quantile_net.quantile_net.",),
        ("quantile_net_target.",),
        quantiles=True,
    ),
    Layout(
        "PPO/A2C",
        "SB3",
        foreign.PROBABILITIES,
        "tanh",
        "mlp_extractor.",
        ("mlp_extractor.shared_net.", "mlp_extractor.policy_net.", "action_net"),
        _AC_IGNORED,
    ),
    # After PPO/A2C: an action_net without an mlp_extractor is ARS's (sb3-contrib).
    Layout("ARS", "SB3", foreign.SCORES, "relu", "action_net", ("action_net",)),
    Layout("DQN", "CleanRL", foreign.Q_VALUES, "relu", "network.", ("network.",)),
    Layout("PPO", "CleanRL", foreign.PROBABILITIES, "tanh", "actor.", ("actor.",), ("critic.",)),
)


@dataclass(frozen=True)
class Hints:
    """What a file says beside its tensors (an SB3 zip's ``data``); None: the layout's default."""

    activation: str | None = None
    n_quantiles: int | None = None
    algorithm: str | None = None  # "PPO", "A2C": their tensors are alike, their data is not
    source: str | None = None  # "SB3 2.4"


def _layers(tensors: Mapping[str, np.ndarray], prefix: str) -> list:
    """The layers under ``prefix``: a chain ``prefix{i}``, or one head ``prefix.weight``."""
    if prefix.endswith("."):
        return linear_chain(tensors, prefix)
    weight, bias = tensors.get(f"{prefix}.weight"), tensors.get(f"{prefix}.bias")
    if weight is None:
        return linear_chain(tensors, prefix + ".")
    if weight.ndim != 2 or (bias is not None and bias.shape != (weight.shape[0],)):
        raise ValueError(f"{prefix} is not a linear layer")
    return [(weight, bias)]


def _keys(tensors: Mapping[str, np.ndarray], prefix: str) -> set[str]:
    if prefix.endswith("."):
        return chain_keys(tensors, prefix)
    heads = {f"{prefix}.weight", f"{prefix}.bias"} & set(tensors)
    return heads or chain_keys(tensors, prefix + ".")


def recognise(tensors: Mapping[str, np.ndarray]) -> Layout | None:
    """The first layout (in :data:`LAYOUTS`' order) whose marker starts a tensor name, or None."""
    return next(
        (layout for layout in LAYOUTS if any(n.startswith(layout.marker) for n in tensors)), None
    )


def _found(names: set[str] | list[str], limit: int = 4) -> str:
    shown = sorted(names)
    text = ", ".join(drawable(n, 50) for n in shown[:limit])
    return text + (f" … ({len(shown)} in all)" if len(shown) > limit else "")


def _network(shown: str, what: str, layout: Layout, tensors: Mapping[str, np.ndarray]) -> MLP:
    layers: list = []
    used: set[str] = set()
    try:
        for prefix in layout.chain:
            layers += _layers(tensors, prefix)
            used |= _keys(tensors, prefix)
        extra = {n for n in set(tensors) - used if not any(n.startswith(p) for p in layout.ignored)}
        if extra:
            raise ValueError(f"unexpected tensors {_found(extra)}")
        return MLP(layers, layout.activation)
    except ValueError as exc:
        label = f"{layout.library} {layout.algorithm}"
        raise FileFormatError(
            shown, f"{what} looks like a {label} network, but {drawable(exc, 120)}"
        ) from None


def _check_sizes(shown: str, what: str, net: MLP, outputs: int) -> None:
    if net.inputs != OBSERVATIONS:
        raise FileFormatError(
            shown,
            f"{what} is a network for {net.inputs} observations; CartPole has {OBSERVATIONS}",
        )
    if net.outputs != outputs:
        raise FileFormatError(
            shown,
            f"{what} is a network with {net.outputs} outputs; a CartPole agent of this kind "
            f"has {outputs}",
        )


def _forward(net: MLP, n_quantiles: int | None) -> Forward:
    if n_quantiles is None:
        return net

    def mean_quantiles(observations: np.ndarray) -> np.ndarray:
        quantiles = net(observations).reshape(-1, n_quantiles, ACTIONS)
        return quantiles.mean(axis=1)

    return mean_quantiles


def build_policy(
    tensors: Mapping[str, np.ndarray], shown: str, what: str, hints: Hints, file_label: str
) -> ForeignPolicy:
    """The agent the state dict ``tensors`` holds, named ``"ALGO (SOURCE) · FILE_LABEL"``."""
    layout = recognise(tensors)
    if layout is None:
        raise FileFormatError(
            shown,
            f"{what} holds no network layout the game knows (found {_found(set(tensors))}; "
            "it reads SB3/RL-Zoo DQN, QR-DQN, PPO, A2C and CleanRL DQN, PPO)",
        )
    activation = hints.activation or layout.activation
    layout = replace(layout, activation=activation)
    net = _network(shown, what, layout, tensors)
    n_quantiles = None
    if layout.quantiles:
        n_quantiles = hints.n_quantiles or net.outputs // ACTIONS
        if n_quantiles < 1 or n_quantiles * ACTIONS != net.outputs:
            raise FileFormatError(
                shown,
                f"{what} is a QR-DQN with {net.outputs} outputs, not {ACTIONS} actions × "
                f"{n_quantiles} quantiles",
            )
    _check_sizes(shown, what, net, ACTIONS * (n_quantiles or 1))
    # PPO's and A2C's tensors are alike: only a zip's data tells them apart.
    algorithm = layout.algorithm
    if algorithm == "PPO/A2C" and hints.algorithm:
        algorithm = hints.algorithm
    source = hints.source or layout.library
    shown_values = foreign.softmax if layout.kind is foreign.PROBABILITIES else None
    sizes = "-".join(str(s) for s in net.sizes)
    return ForeignPolicy(
        name=f"{algorithm} ({source}) · {file_label}",
        kind=layout.kind.name,
        forward=_forward(net, n_quantiles),
        shown=shown_values,
        description=f"{algorithm} {sizes} {activation}"
        + (f", {n_quantiles} quantiles" if n_quantiles else ""),
        hidden=tuple(net.sizes[1:-1]),
    )
