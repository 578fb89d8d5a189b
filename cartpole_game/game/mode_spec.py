"""What the game knows about one mode: the spec each mode gives the mode registry.

A mode is a scene plus a ``MODE = ModeSpec(...)`` in the scene's module; ``game/modes.py`` lists
them. The command line builds each mode's sub-command from its spec, the menu its entries, the
event fuzzer and the frame-time benchmark their list of modes, and the app its scene.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from cartpole_game.game.config import RunConfig
from cartpole_game.sim.controllers import Controller, ExplainingController
from cartpole_game.sim.replay import Replay

if TYPE_CHECKING:
    from cartpole_game.game.scenes.base import Scene, SceneContext


class ModeServices(Protocol):
    """What a mode's scene factory may ask the running game for."""

    ctx: SceneContext
    config: RunConfig
    replay: Replay | None

    def agent(self, spec: str) -> ExplainingController:
        """The agent ``spec`` names, loaded once."""
        ...

    def side(self, spec: str) -> Controller:
        """A versus side: a fresh human controller, or an agent."""
        ...


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """For modes without options of their own."""


def no_settings(args: argparse.Namespace) -> dict[str, Any]:
    return {}


def no_agents(config: RunConfig) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class MenuEntry:
    title: str
    description: str


@dataclass(frozen=True)
class ModeSpec:
    name: str
    help: str  # one line: the command line's description of the mode
    make_scene: Callable[[ModeServices], Scene]
    # The mode's own command-line options, and the RunConfig fields they set.
    add_arguments: Callable[[argparse.ArgumentParser], None] = no_arguments
    settings_from_args: Callable[[argparse.Namespace], dict[str, Any]] = no_settings
    # Agents loaded before the window opens, so a bad --agent fails with one line, windowless.
    agents: Callable[[RunConfig], tuple[str, ...]] = no_agents
    menu: MenuEntry | None = None  # None: not offered in the menu
    own_command: bool = False  # the command line has a command of its own for it (train)
    real_time: bool = False  # keeps real time even headless (a worker process trains meanwhile)
    fuzz: bool = True  # the event fuzzer visits it
    # RunConfig fields for the frame-time benchmark (label -> fields); empty: not measured.
    bench: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
