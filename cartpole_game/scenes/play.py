"""The play scene: a human balances the pole with the keyboard (G asks the agent for hints)."""

from __future__ import annotations

from collections.abc import Callable

from cartpole_game.controllers import ExplainingController, HumanController
from cartpole_game.scenes import keys
from cartpole_game.scenes.arena_scene import ArenaScene
from cartpole_game.scenes.base import SceneContext


class PlayScene(ArenaScene):
    """Human play: ←/→ push while held, Space pauses, R restarts, +/- change the time scale."""

    mode_name = "play"
    help_rows = keys.PLAY_HELP

    def __init__(
        self, ctx: SceneContext, hint_agent_loader: Callable[[], ExplainingController] | None = None
    ) -> None:
        super().__init__(ctx, HumanController(), None, agent_loader=hint_agent_loader)
