"""Command-line argument types and checks shared by the modes and the commands.

Each type turns bad text into ``argparse.ArgumentTypeError`` (one line, exit status 2); the
checks raise :class:`UsageError`. They live in the game layer because the mode specs declare
their own options; the command line on top only assembles the parser.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

from cartpole_game.agents.registry import named_agents
from cartpole_game.core.errors import UsageError
from cartpole_game.sim.handicap import parse_handicap
from cartpole_game.sim.levels import LEVELS, level_by_spec
from cartpole_game.sim.timescale import MAX_TIME_SCALE, MIN_TIME_SCALE

HUMAN = "human"
FAIR = "fair"  # versus --handicap fair: each agent side gets its fair handicap on the level


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


def non_negative_number(what: str, high: float = 1e6) -> Callable[[str], float]:
    """An argparse type: a finite number from 0 to ``high``, with a one-line complaint."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number like 0.8, got {text!r}") from None
        if not 0.0 <= value <= high:  # NaN fails this too
            raise argparse.ArgumentTypeError(f"{what} must be from 0 to {high:g}, got {text}")
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


def agent_choices() -> str:
    """``dqn|linear|PATH``: what an agent argument accepts, for metavars and messages."""
    return "|".join((*named_agents(), "PATH"))


def agent_spec(text: str) -> str:
    """A named agent (``dqn``, ``linear``, ...) or the path of an existing file."""
    if text in named_agents() or Path(text).is_file():
        return text
    if Path(text).exists():
        raise argparse.ArgumentTypeError(f"{text} is not a file")
    names = ", ".join(named_agents())
    raise argparse.ArgumentTypeError(f"{text!r} is not one of {names} or an existing agent file")


def side_spec(text: str) -> str:
    """A versus side: ``human`` or an agent."""
    if text == HUMAN:
        return text
    try:
        return agent_spec(text)
    except argparse.ArgumentTypeError:
        if Path(text).exists():  # a folder, say: agent_spec's words say so
            raise
        names = ", ".join((HUMAN, *named_agents()))
        raise argparse.ArgumentTypeError(
            f"unknown side {text!r}: choose {names} or an agent file"
        ) from None


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


def add_agent_argument(parser: argparse.ArgumentParser, what: str = "the agent") -> None:
    """``--agent``: a named agent or an agent file (default dqn)."""
    parser.add_argument(
        "--agent",
        type=agent_spec,
        default="dqn",
        metavar=agent_choices(),
        help=f"{what}: a shipped agent or an agent file (default dqn)",
    )


def handicap_spec(text: str) -> str:
    """``delay:K``, ``rate:K``, ``noise:P`` or ``fair``: a handicap for the agent sides of versus."""
    if text == FAIR:
        return text
    try:
        parse_handicap(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def level_number(text: str) -> int:
    """A level of the ladder by number or name; its number."""
    try:
        return level_by_spec(text).number
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_level_argument(parser: argparse.ArgumentParser, default: str) -> None:
    """``--level N|NAME``: which level of the ladder (``python play.py levels`` lists them)."""
    parser.add_argument(
        "--level",
        type=level_number,
        metavar="N|NAME",
        help=f"a level, 1 to {len(LEVELS)} or its name (see: levels); default {default}",
    )
