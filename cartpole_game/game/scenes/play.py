"""The play scene: a human balances the pole with the keyboard (G asks the agent for hints)."""

from __future__ import annotations

from collections.abc import Callable

from cartpole_game.game.arguments import add_agent_argument
from cartpole_game.game.input.tables import PLAY
from cartpole_game.game.scenes.arena_scene import ArenaScene
from cartpole_game.game.scenes.base import MenuEntry, ModeServices, ModeSpec, SceneContext
from cartpole_game.sim.controllers import ExplainingController, HumanController


class PlayScene(ArenaScene):
    """Human play: ←/→ push while held, Space pauses, R restarts, +/- change the time scale."""

    mode_name = "play"
    bindings = PLAY

    def __init__(
        self, ctx: SceneContext, hint_agent_loader: Callable[[], ExplainingController] | None = None
    ) -> None:
        super().__init__(ctx, HumanController(), None, agent_loader=hint_agent_loader)


def _make_scene(services: ModeServices) -> PlayScene:
    return PlayScene(services.ctx, lambda: services.agent(services.config.agent))


MODE = ModeSpec(
    name="play",
    help="balance the pole yourself with the arrow keys",
    make_scene=_make_scene,
    add_arguments=lambda parser: add_agent_argument(parser, "the agent giving hints (G)"),
    settings_from_args=lambda args: {"agent": args.agent},
    menu=MenuEntry("Play now", "balance the pole with ← and →"),
    bench={"play": {"mode": "play"}},
)
