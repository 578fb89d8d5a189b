"""Command line: ``python play.py [MODE] [options]``. Bad input is one line and exit status 2."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path

from cartpole_game.config import MAX_TIME_SCALE, MIN_TIME_SCALE, LoopConfig, RunConfig
from cartpole_game.errors import UsageError

DRAWING_MODES = {
    "menu": "the main menu (default)",
    "play": "balance the pole yourself with the arrow keys",
    "watch": "watch a trained agent play, its decision shown live",
    "takeover": "play, and hand the cart to the agent mid-episode with Tab",
    "versus": "two sides, same start, same pokes: who lasts longer?",
    "replay": "play back a recorded episode exactly",
}
SHIPPED_AGENTS = ("dqn", "linear")
# Modes implemented as command modules with add_arguments(parser) and run(args) -> int.
COMMAND_MODES = {
    "train": ("cartpole_game.commands.train", "train an agent (DQN or linear policy)"),
    "eval": ("cartpole_game.commands.eval", "evaluate an agent over many episodes"),
    "bench": ("cartpole_game.commands.bench", "measure frame time, startup and training speed"),
}


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is a single line on stderr (and exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see: python play.py {self._mode_hint()}--help)")

    def _mode_hint(self) -> str:
        parts = self.prog.split()
        return f"{parts[-1]} " if len(parts) > 1 else ""


def whole_number(low: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to 2**32-1, with a one-line complaint."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value < 2**32:
            raise argparse.ArgumentTypeError(
                f"{what} must be at least {low} (and below 2**32), got {value}"
            )
        return value

    return parse


positive_int = whole_number(1, "the value")
seed_int = whole_number(0, "a seed")


def time_scale(text: str) -> float:
    try:
        value = float(text.rstrip("x×"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number like 0.5 or 2, got {text!r}") from None
    if not MIN_TIME_SCALE <= value <= MAX_TIME_SCALE:
        raise argparse.ArgumentTypeError(
            f"must be between {MIN_TIME_SCALE:g} and {MAX_TIME_SCALE:g}, got {text}"
        )
    return value


def agent_spec(text: str) -> str:
    """``dqn``, ``linear`` or the path of an existing checkpoint file."""
    if text in SHIPPED_AGENTS or Path(text).is_file():
        return text
    if Path(text).exists():
        raise argparse.ArgumentTypeError(f"{text} is not a file")
    raise argparse.ArgumentTypeError(f"{text!r} is not dqn, linear or an existing checkpoint file")


def side_spec(text: str) -> str:
    """A versus side: ``human`` or an agent."""
    if text == "human":
        return text
    try:
        return agent_spec(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"unknown side {text!r}: choose human, dqn, linear or a checkpoint file"
        ) from None


def add_mode_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    """Options particular to one drawing mode."""
    if name in ("play", "watch", "takeover"):
        what = "the agent giving hints (G)" if name == "play" else "the agent"
        parser.add_argument(
            "--agent",
            type=agent_spec,
            default="dqn",
            metavar="dqn|linear|PATH",
            help=f"{what}: a shipped agent or a checkpoint file (default dqn)",
        )
    if name == "versus":
        parser.add_argument(
            "--left",
            type=side_spec,
            default="human",
            metavar="SIDE",
            help="human, dqn, linear or a checkpoint file (default human)",
        )
        parser.add_argument(
            "--right",
            type=side_spec,
            default="dqn",
            metavar="SIDE",
            help="human, dqn, linear or a checkpoint file (default dqn)",
        )
        parser.add_argument(
            "--rounds",
            type=positive_int,
            default=3,
            metavar="N",
            help="best of N rounds (default 3)",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="agent against agent with --headless --episodes: end with a JSON line",
        )
    if name == "replay":
        parser.add_argument("file", type=Path, metavar="FILE", help="a replay file (.json)")


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
        default=1.0,
        metavar="X",
        help="simulated time per real second, 0.25 to 2 (default 1)",
    )
    group.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="where high scores and replays are kept (default: the user data dir)",
    )
    group.add_argument("--report-first-frame", action="store_true", help=argparse.SUPPRESS)


def available_command_modes() -> dict[str, tuple[str, str]]:
    return {
        name: spec
        for name, spec in COMMAND_MODES.items()
        if importlib.util.find_spec(spec[0]) is not None
    }


def build_parser(selected_mode: str | None = None) -> OneLineParser:
    """The parser; only the selected command's module is imported (start-up stays fast)."""
    parser = OneLineParser(
        prog="play.py",
        description="CartPole: balance the pole yourself, watch agents play, watch them learn.",
    )
    modes = parser.add_subparsers(dest="mode", metavar="MODE", parser_class=OneLineParser)
    for name, help_text in DRAWING_MODES.items():
        sub = modes.add_parser(name, help=help_text, description=help_text)
        add_mode_arguments(name, sub)
        add_drawing_arguments(sub)
    for name, (module, help_text) in available_command_modes().items():
        sub = modes.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(command_module=module)
        if name == selected_mode:
            importlib.import_module(module).add_arguments(sub)
    return parser


def check_writable_file(path: Path, what: str) -> None:
    """Fail early, with one line, when ``path`` could not be written at the end of the run."""
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"cannot write {what} {path}: it is a directory")
    if not directory.is_dir():
        raise UsageError(f"cannot write {what} {path}: directory {directory} does not exist")
    if not os.access(directory, os.W_OK):
        raise UsageError(f"cannot write {what} {path}: directory {directory} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"cannot write {what} {path}: file is not writable")


def run_config_from_args(args: argparse.Namespace) -> RunConfig:
    if args.screenshot is not None:
        if args.screenshot.suffix.lower() != ".png":
            raise UsageError(f"--screenshot {args.screenshot}: the file name must end in .png")
        check_writable_file(args.screenshot, "screenshot")
    if args.headless and args.frames is None and args.episodes is None:
        raise UsageError("--headless needs --frames N or --episodes N, or it would never end")
    return RunConfig(
        mode=args.mode,
        headless=args.headless,
        frames=args.frames,
        episodes=args.episodes,
        seed=args.seed,
        screenshot=args.screenshot,
        data_dir=args.data_dir,
        agent=getattr(args, "agent", "dqn"),
        left=getattr(args, "left", "human"),
        right=getattr(args, "right", "dqn"),
        rounds=getattr(args, "rounds", 3),
        replay=getattr(args, "file", None),
        loop=LoopConfig(time_scale=args.time_scale),
    )


def run_command(argv: list[str]) -> int:
    # "python play.py --headless ..." means the menu with those options.
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["menu", *argv]
    args = build_parser(argv[0]).parse_args(argv)
    if getattr(args, "command_module", None):
        return importlib.import_module(args.command_module).run(args)
    config = run_config_from_args(args)
    if config.mode == "versus" and args.json and not args.headless:
        raise UsageError("--json goes with --headless (agent against agent)")
    agents_only = "human" not in (config.left, config.right)
    undrawn = config.frames is None and config.screenshot is None
    if config.mode == "versus" and config.headless and agents_only and undrawn:
        # Agent against agent with nothing to draw: run the match at full speed.
        from cartpole_game.commands.versus_table import run_headless_match

        return run_headless_match(config, as_json=args.json)
    from cartpole_game.app import run_game

    return run_game(config, report_first_frame=args.report_first_frame)
