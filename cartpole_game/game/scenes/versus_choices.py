"""What the versus setup offers in each row, and the words for it (no drawing here).

A side is a human, a shipped agent, one of the newest agent files in the data directory's
``checkpoints/`` folder, or an agent file the player opened or dropped on the window lately (an
SB3, RL-Zoo, CleanRL or ONNX agent too: :mod:`cartpole_game.game.recent_agents`); a level is any
level of the ladder (versus earns no medals, so a locked one is offered too); the handicap is none,
"fair for this level" (each shipped agent side gets the setting ``python play.py bench --only
handicap`` found fair: :data:`FAIR_HANDICAPS`) or one setting for every agent side.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cartpole_game.agents.registry import named_agents
from cartpole_game.core.text import drawable, drawable_path
from cartpole_game.game.arguments import FAIR, HUMAN
from cartpole_game.game.recent_agents import load_recent
from cartpole_game.sim.handicap import fair_handicap, has_fair_handicap, parse_handicap
from cartpole_game.sim.levels import LEVELS, Level

RECENT_FILES = 5  # the newest agent files offered as sides
ROUNDS = (1, 3, 5)
HANDICAPS: tuple[str | None, ...] = (
    None,
    FAIR,
    "delay:2",
    "delay:4",
    "rate:3",
    "rate:5",
    "noise:0.1",
    "noise:0.3",
)


@dataclass(frozen=True)
class Choice:
    """One value a row can take: what it means (``value``), its name and a line about it."""

    value: object
    label: str
    detail: str


def recent_agent_files(data_dir: Path, limit: int = RECENT_FILES) -> list[Path]:
    """The newest ``.safetensors`` files in ``data_dir/checkpoints``, newest first (none if the
    folder is missing or unreadable)."""
    folder = data_dir / "checkpoints"
    found: list[tuple[float, str, Path]] = []
    try:
        for path in folder.glob("*.safetensors"):
            try:
                if path.is_file():
                    found.append((path.stat().st_mtime, path.name, path))
            except OSError:
                continue
    except OSError:
        return []
    found.sort(key=lambda item: (-item[0], item[1]))
    return [path for _, _, path in found[:limit]]


def when(seconds: float) -> str:
    """A moment as the setup names it: "2026-11-21 15:30"."""
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))
    except (ValueError, OverflowError, OSError):
        return "at an unknown time"


def side_choices(data_dir: Path) -> list[Choice]:
    """Human, each shipped agent, the newest checkpoints, then the agent files the player opened
    lately (those still there and not listed already), named by what they are."""
    choices = [Choice(HUMAN, "Human (you)", "you push with ← / → (or A / D, or a pad)")]
    choices += [Choice(name, name, "a shipped agent") for name in named_agents()]
    for path in recent_agent_files(data_dir):
        try:
            saved = when(path.stat().st_mtime)
        except OSError:
            saved = "at an unknown time"
        choices.append(Choice(str(path), drawable_path(path.name), f"agent file, saved {saved}"))
    listed = {os.path.abspath(str(choice.value)) for choice in choices}
    recent, _ = load_recent(data_dir)  # a corrupt list: the menu's Open an agent… says so
    for entry in recent:
        if entry.path not in listed and entry.present:
            detail = f"opened {when(entry.opened)} · {drawable_path(entry.path, 60)}"
            choices.append(Choice(entry.path, drawable(entry.name, 80), detail))
            listed.add(entry.path)
    return choices


def agent_file_choice(path: str, name: str) -> Choice:
    """The choice of an agent file just opened (dropped on the window, or from the list)."""
    return Choice(path, drawable(name, 80), f"your agent file · {drawable_path(path, 60)}")


def level_choices() -> list[Choice]:
    """Every level of the ladder, with its speed and what makes it that level."""
    return [
        Choice(level.number, f"{level.number}. {level.name}", level_detail(level))
        for level in LEVELS
    ]


def level_detail(level: Level) -> str:
    return f"{level.time_scale:g}× speed · {level.tagline}"


def rounds_label(rounds: int) -> str:
    return "1 round" if rounds == 1 else f"best of {rounds}"


def rounds_detail(rounds: int) -> str:
    return "a single round decides" if rounds == 1 else f"the first to win {rounds // 2 + 1} rounds"


def handicap_label(spec: str | None) -> str:
    if spec is None:
        return "none"
    if spec == FAIR:
        return "fair for this level"
    return str(parse_handicap(spec))


def handicap_choices() -> list[Choice]:
    return [Choice(spec, handicap_label(spec), "for the agent sides only") for spec in HANDICAPS]


def fair_words(level: int, spec: str, name: str) -> str:
    """What "fair" gives the side ``spec`` (shown as ``name``) on ``level``: "dqn acts every
    5 steps", "dqn: no handicap needed", or, for an agent file, "… not measured: no handicap"."""
    if not has_fair_handicap(level, spec):
        return f"{name}: not measured, no handicap"
    handicap = fair_handicap(level, spec)
    return f"{name}: no handicap needed" if handicap is None else f"{name} {handicap}"


def fair_detail(level: int, sides: Sequence[tuple[str, str]]) -> str:
    """The fair handicap of each agent side (``(spec, name)`` pairs) on ``level``, in words."""
    agents = list(dict.fromkeys(side for side in sides if side[0] != HUMAN))
    return " · ".join(fair_words(level, spec, name) for spec, name in agents)
