"""``python play.py export --agent A --format onnx --out F.onnx``: one of the game's own agents
(dqn, linear, or a ``.safetensors`` checkpoint of one) as an ONNX model, obs -> the values the
game shows (:mod:`cartpole_game.training.onnx_export`; torch is imported only once the agent has
loaded). The file is written atomically and never replaces an existing one without ``--force``
(nor a shipped agent's, ever); before it is written, onnxruntime (if installed) checks that the
model picks the agent's push on 10,000 states. The file loads back with ``--agent F.onnx``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cartpole_game.agents import AGENT_KINDS, load_agent
from cartpole_game.agents.loader import is_shipped
from cartpole_game.agents.onnx_agent import INSTALL_HINT
from cartpole_game.core.atomic import atomic_write_bytes
from cartpole_game.core.errors import UsageError
from cartpole_game.game.arguments import agent_choices, agent_spec, check_writable_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--agent",
        type=agent_spec,
        default="dqn",
        metavar=agent_choices(),
        help="the game's own agent to export: dqn, linear or a .safetensors file (default dqn)",
    )
    parser.add_argument(
        "--format", choices=("onnx",), default="onnx", help="the file format (only onnx)"
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="F.onnx", help="the file to write"
    )
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")


def check_out(out: Path, force: bool) -> None:
    """One line, before any work, for an --out that cannot or must not be written."""
    if out.suffix.lower() != ".onnx":
        raise UsageError(f"--out {out}: the file name must end in .onnx")
    if is_shipped(out):
        raise UsageError(f"--out {out}: the shipped agents' folder is never written to")
    if out.exists() and not out.is_dir() and not force:
        raise UsageError(f"{out} exists; give --force to replace it")
    check_writable_file(out, "the ONNX model")


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    check_out(out, args.force)
    agent = load_agent(args.agent)
    from cartpole_game.training.onnx_export import CHECK_STATES, OPSET, export_onnx

    exported = export_onnx(agent, str(out))
    try:
        atomic_write_bytes(out, exported.data, replace=args.force)
    except FileExistsError:  # it appeared while the model was exported
        raise UsageError(f"{out} exists; give --force to replace it") from None
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    kind = AGENT_KINDS.get(getattr(agent, "kind", ""))
    values = kind.value_label if kind is not None else "values"
    checked = (
        f"the same push as {agent.name} on {CHECK_STATES:,} states"
        if exported.checked
        else f"not checked: onnxruntime is not installed ({INSTALL_HINT})"
    )
    print(
        f"wrote {out}: {agent.name} as ONNX (opset {OPSET}), obs (n, 4) float32 -> its "
        f"{values} (n, 2); {checked}"
    )
    return 0
