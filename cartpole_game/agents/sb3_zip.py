"""Stable-Baselines3 and RL-Zoo ``.zip`` agents, read without SB3 and without unpickling.

An SB3 zip holds ``data`` (JSON; what JSON cannot hold is base64 cloudpickle under
``":serialized:"``, with a readable text beside it), ``policy.pth`` (a torch state dict),
``_stable_baselines3_version`` and a few files the game never opens. ``data`` is parsed as plain
JSON through the safe reader and every ``":serialized:"`` entry is ignored: the readable entries
beside them say all the game needs (the spaces' shapes, ``net_arch``, ``n_quantiles``, the
activation's class name as text). ``policy.pth`` goes through
:func:`cartpole_game.agents.torch_state.read_state_dict`. Zips from SB3 1.0 to 2.x differ in
small ways that are all accepted: ``shape`` or ``_shape``, ``n`` as a number or a string,
``net_arch`` as a list, a dict (``pi``/``vf``) or SB3 1.x's list ending in such a dict.
"""

from __future__ import annotations

import re
from typing import Any

from cartpole_game.agents.foreign import ForeignPolicy
from cartpole_game.agents.layouts import ACTIONS, OBSERVATIONS, Hints, build_policy
from cartpole_game.agents.mlp import ACTIVATION_NAMES, activation_from_text, class_name
from cartpole_game.agents.safe_zip import BoundedZip
from cartpole_game.agents.torch_state import read_state_dict
from cartpole_game.core.errors import FileFormatError
from cartpole_game.core.safe_read import UnsafeFile, parse_json
from cartpole_game.core.text import drawable

MAX_DATA_BYTES = 8 << 20  # a CartPole agent's data is 10-20 kB
MAX_POLICY_BYTES = 64 << 20
MAX_VERSION_BYTES = 64


def is_sb3_zip(archive: BoundedZip) -> bool:
    return "data" in archive.members


def _short(value: object) -> str:
    return drawable(repr(value), 40)


def _whole(value: Any) -> int | None:
    """A whole number written as a number or (gymnasium's numpy ints) as text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{1,9}", value.strip()):
        return int(value)
    return None


def read_data(archive: BoundedZip, shown: str) -> dict[str, Any]:
    try:
        data = parse_json(archive.read("data", MAX_DATA_BYTES))
    except UnsafeFile as exc:
        raise FileFormatError(shown, f"its data file is not plain JSON ({exc})") from None
    if not isinstance(data, dict):
        raise FileFormatError(shown, "its data file is not a JSON object")
    return data


def sb3_version(archive: BoundedZip) -> str | None:
    """``"2.4"`` from ``_stable_baselines3_version`` (``2.4.0a11``), or None."""
    if "_stable_baselines3_version" not in archive.members:
        return None
    raw = archive.read("_stable_baselines3_version", MAX_VERSION_BYTES)
    match = re.match(rb"\s*(\d{1,3})\.(\d{1,3})", raw)
    return f"{int(match.group(1))}.{int(match.group(2))}" if match else None


def check_spaces(data: dict[str, Any], shown: str) -> None:
    """Refuse an agent made for other observations or actions than CartPole's, if data says."""
    obs = data.get("observation_space")
    if isinstance(obs, dict):
        shape = obs.get("_shape", obs.get("shape"))
        if isinstance(shape, list) and shape != [OBSERVATIONS]:
            raise FileFormatError(
                shown,
                f"an agent for observations of shape {_short(shape)}; "
                f"CartPole's are [{OBSERVATIONS}]",
            )
    act = data.get("action_space")
    if isinstance(act, dict):
        space_type = str(act.get(":type:", ""))
        if space_type and "Discrete" not in space_type:
            name = drawable(space_type.rsplit(".", 1)[-1].strip("'>"), 30)
            raise FileFormatError(
                shown, f"an agent for a {name} action space; CartPole's is Discrete({ACTIONS})"
            )
        n = _whole(act.get("n"))
        if "n" in act and n != ACTIONS:
            count = str(n) if n is not None else _short(act.get("n"))
            raise FileFormatError(shown, f"an agent for {count} actions; CartPole has {ACTIONS}")


def _activation(kwargs: dict[str, Any], shown: str) -> str | None:
    text = kwargs.get("activation_fn")
    if text is None:
        return None
    name = activation_from_text(text) if isinstance(text, str) else None
    if name is None:
        called = class_name(text) if isinstance(text, str) else ""
        raise FileFormatError(
            shown,
            f"its network uses the activation {drawable(called, 40) or _short(text)}, which the "
            f"game does not run (it runs {', '.join(ACTIVATION_NAMES)})",
        )
    return name


def _ints(value: Any) -> tuple[int, ...] | None:
    if isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        return tuple(int(v) for v in value)
    return None


def policy_hidden(net_arch: Any, actor_critic: bool) -> tuple[int, ...] | None:
    """The acting network's hidden sizes that ``net_arch`` describes, or None if it is unclear.

    ``[64, 64]`` (DQN, or shared by PPO's policy and value), ``{"pi": [..], "vf": [..]}`` (SB3
    1.8+), or SB3 1.x's ``[shared..., {"pi": [..], "vf": [..]}]``.
    """
    if isinstance(net_arch, dict):
        return _ints(net_arch.get("pi", [])) if actor_critic else None
    if not isinstance(net_arch, list):
        return None
    if net_arch and isinstance(net_arch[-1], dict):
        shared, last = _ints(net_arch[:-1]), net_arch[-1]
        pi = _ints(last.get("pi", []))
        return shared + pi if actor_critic and shared is not None and pi is not None else None
    return _ints(net_arch)


def _algorithm(data: dict[str, Any]) -> str | None:
    """PPO, A2C and their kin share one tensor layout; the training settings in data differ."""
    module = str((data.get("policy_class") or {}).get("__module__", ""))
    if "maskable" in module:
        return "MaskablePPO"
    if "cg_max_steps" in data:
        return "TRPO"
    if "clip_range" in data:
        return "PPO"
    if "n_steps" in data and "gae_lambda" in data:
        return "A2C"
    return None


def hints_from_data(data: dict[str, Any], version: str | None, shown: str) -> Hints:
    kwargs = data.get("policy_kwargs")
    kwargs = kwargs if isinstance(kwargs, dict) else {}
    n_quantiles = _whole(kwargs.get("n_quantiles", data.get("n_quantiles")))
    return Hints(
        activation=_activation(kwargs, shown),
        n_quantiles=n_quantiles if n_quantiles and 0 < n_quantiles <= 100_000 else None,
        algorithm=_algorithm(data),
        source=f"SB3 {version}" if version else "SB3",
    )


def load_sb3_zip(archive: BoundedZip, shown: str, file_label: str) -> ForeignPolicy:
    """The agent of an SB3/RL-Zoo zip (``archive`` already bounded and checked)."""
    data = read_data(archive, shown)
    check_spaces(data, shown)
    hints = hints_from_data(data, sb3_version(archive), shown)
    if "policy.pth" not in archive.members:
        raise FileFormatError(shown, "an SB3 zip without its policy.pth (the network's weights)")
    tensors = read_state_dict(archive.read("policy.pth", MAX_POLICY_BYTES), shown, "policy.pth")
    policy = build_policy(tensors, shown, "policy.pth", hints, file_label)
    kwargs = data.get("policy_kwargs")
    if isinstance(kwargs, dict) and "net_arch" in kwargs:
        expected = policy_hidden(kwargs["net_arch"], policy.kind == "actor-critic")
        if expected is not None and expected != policy.hidden:
            raise FileFormatError(
                shown,
                f"its data says net_arch {_short(kwargs['net_arch'])}, but policy.pth holds "
                f"hidden layers {list(policy.hidden)}",
            )
    return policy
