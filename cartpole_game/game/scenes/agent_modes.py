"""The spec of a mode that is one arena with one agent: watch and takeover (``--agent``, ``--level``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from cartpole_game.game.arguments import add_agent_argument, add_level_argument
from cartpole_game.game.scenes.arena_scene import ArenaScene
from cartpole_game.game.scenes.base import MenuEntry, ModeServices, ModeSpec, SceneContext
from cartpole_game.sim.controllers import ExplainingController
from cartpole_game.sim.levels import LEVELS, Level


def _add_agent_and_level(parser: argparse.ArgumentParser) -> None:
    add_agent_argument(parser)
    add_level_argument(parser, f"{LEVELS[-1].number} ({LEVELS[-1].name})")


def agent_mode(
    name: str,
    help: str,
    scene: Callable[[SceneContext, ExplainingController, Level | None], ArenaScene],
    menu: MenuEntry,
    waits_for_player: bool = False,
) -> ModeSpec:
    """The spec of a mode that is one arena with one agent (``--agent``, loaded up front)."""

    def make_scene(services: ModeServices) -> ArenaScene:
        level = services.config.level
        chosen = LEVELS[level - 1] if level is not None else None
        return scene(services.ctx, services.agent(services.config.agent), chosen)

    return ModeSpec(
        name=name,
        help=help,
        make_scene=make_scene,
        add_arguments=_add_agent_and_level,
        settings_from_args=lambda args: {"agent": args.agent, "level": args.level},
        waits_for_player=lambda config: waits_for_player,
        agents=lambda config: (config.agent,),
        menu=menu,
        bench={name: {"mode": name, "agent": "dqn"}},
    )
