"""The command line's parser: a sub-command per mode (from the mode registry) and per command.

Bad input is one line and exit status 2; the line names the program as it was invoked.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from pathlib import Path

from cartpole_game.cli.commands.versus_table import run_headless_match
from cartpole_game.core.errors import UsageError
from cartpole_game.game.app import run_game
from cartpole_game.game.arguments import (
    HUMAN,
    check_writable_file,
    positive_int,
    seed_int,
    time_scale,
)
from cartpole_game.game.config import LoopConfig, RunConfig
from cartpole_game.game.demos import check_replay_folder
from cartpole_game.game.modes import MODES

# Commands that are not a mode's window: a module with add_arguments(parser) and run(args) -> int.
COMMANDS = {
    "train": ("cartpole_game.cli.commands.train", "train an agent (DQN or linear policy)"),
    "eval": ("cartpole_game.cli.commands.eval", "evaluate an agent over many episodes"),
    "export": (
        "cartpole_game.cli.commands.export",
        "export one of the game's agents as an ONNX model (obs -> the values it shows)",
    ),
    "export-demos": (
        "cartpole_game.cli.commands.export_demos",
        "turn replays into a dataset: npz arrays, or a Minari dataset for offline RL",
    ),
    "levels": ("cartpole_game.cli.commands.levels", "list the ladder of levels, easiest first"),
    "bench": ("cartpole_game.cli.commands.bench", "measure frame time, startup and training speed"),
}


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is a single line on stderr (and exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # prog is "PROGRAM" or "PROGRAM MODE": the hint names the help of what was mistyped.
        raise UsageError(f"{message} (see: {self.prog} --help)")


def add_drawing_arguments(parser: argparse.ArgumentParser) -> None:
    """Options every mode that draws takes."""
    group = parser.add_argument_group("display and run bounds")
    group.add_argument(
        "--headless",
        action="store_true",
        help="no window: SDL's dummy driver and a virtual clock, 1/60 s per frame",
    )
    group.add_argument("--frames", type=positive_int, metavar="N", help="stop after N frames")
    group.add_argument("--episodes", type=positive_int, metavar="N", help="stop after N episodes")
    group.add_argument("--seed", type=seed_int, metavar="N", help="seed of the first episode")
    group.add_argument(
        "--screenshot", type=Path, metavar="PATH", help="save the last frame drawn as a PNG"
    )
    group.add_argument(
        "--time-scale",
        type=time_scale,
        metavar="X",
        help="simulated time per real second, 0.25 to 2 (default: the level's speed, else 1)",
    )
    group.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="where high scores and replays are kept (default: the user data dir)",
    )
    group.add_argument(
        "--summary",
        type=Path,
        metavar="PATH.json",
        help="when the session ends (also on SIGTERM or closing the window), write one record "
        "per episode here",
    )
    group.add_argument(
        "--save-replays",
        type=Path,
        metavar="DIR",
        help="save every finished episode here as a replay file, whoever drove it (made if "
        "missing; never over a file)",
    )
    group.add_argument("--report-first-frame", action="store_true", help=argparse.SUPPRESS)


def available_commands() -> dict[str, tuple[str, str]]:
    return {
        name: spec
        for name, spec in COMMANDS.items()
        if importlib.util.find_spec(spec[0]) is not None
    }


def build_parser(prog: str, selected_mode: str | None = None) -> OneLineParser:
    """The parser; only the selected command's module is imported (start-up stays fast)."""
    parser = OneLineParser(
        prog=prog,
        description="CartPole: balance the pole yourself, watch agents play, watch them learn.",
    )
    modes = parser.add_subparsers(dest="mode", metavar="MODE", parser_class=OneLineParser)
    for name, spec in MODES.items():
        if spec.own_command:
            continue
        sub = modes.add_parser(name, help=spec.help, description=spec.help)
        spec.add_arguments(sub)
        add_drawing_arguments(sub)
    for name, (module, help_text) in available_commands().items():
        sub = modes.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(command_module=module)
        if name == selected_mode:
            importlib.import_module(module).add_arguments(sub)
    return parser


def run_config_from_args(args: argparse.Namespace) -> RunConfig:
    if args.screenshot is not None:
        if args.screenshot.suffix.lower() != ".png":
            raise UsageError(f"--screenshot {args.screenshot}: the file name must end in .png")
        check_writable_file(args.screenshot, "screenshot")
    if args.summary is not None:
        check_writable_file(args.summary, "summary")
    if args.save_replays is not None and not MODES[args.mode].keeps_replays:
        raise UsageError(
            f"--save-replays: {args.mode} plays no episodes of its own to save "
            "(it goes with play, watch, takeover, versus and the menu)"
        )
    if args.headless and args.frames is None and args.episodes is None:
        raise UsageError("--headless needs --frames N or --episodes N, or it would never end")
    config = RunConfig(
        mode=args.mode,
        headless=args.headless,
        frames=args.frames,
        episodes=args.episodes,
        seed=args.seed,
        screenshot=args.screenshot,
        data_dir=args.data_dir,
        summary=args.summary,
        save_replays=args.save_replays,
        loop=LoopConfig(time_scale=args.time_scale),
        **MODES[args.mode].settings_from_args(args),
    )
    if config.headless and config.frames is None and MODES[config.mode].waits_for_player(config):
        raise UsageError(
            f"{config.mode} waits for a player's first push, which cannot come --headless: "
            "give --frames N"
        )
    if config.save_replays is not None:
        check_replay_folder(config.save_replays)  # last: a refused command makes no folder
    return config


def run_command(argv: list[str], prog: str) -> int:
    # "play.py --headless ..." means the menu with those options.
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["menu", *argv]
    args = build_parser(prog, argv[0]).parse_args(argv)
    if getattr(args, "command_module", None):
        return importlib.import_module(args.command_module).run(args)
    config = run_config_from_args(args)
    if config.mode == "versus" and args.json and not args.headless:
        raise UsageError("--json goes with --headless (agent against agent)")
    agents_only = HUMAN not in (config.left, config.right)
    undrawn = config.frames is None and config.screenshot is None
    if config.mode == "versus" and config.headless and agents_only and undrawn:
        # Agent against agent with nothing to draw: run the match at full speed.

        return run_headless_match(config, as_json=args.json)

    return run_game(config, report_first_frame=args.report_first_frame)
