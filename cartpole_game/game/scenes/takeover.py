"""Takeover: the human plays; Tab hands the cart to the agent mid-episode, and Tab takes it back."""

from __future__ import annotations

from collections.abc import Callable

import pygame

from cartpole_game.game.input.tables import TAKEOVER
from cartpole_game.game.render.theme import blit_text
from cartpole_game.game.scenes.agent_modes import agent_mode
from cartpole_game.game.scenes.arena_scene import ArenaScene
from cartpole_game.game.scenes.base import MenuEntry, SceneContext
from cartpole_game.sim.controllers import ExplainingController, HumanController
from cartpole_game.sim.levels import Level


class TakeoverScene(ArenaScene):
    mode_name = "takeover"
    bindings = TAKEOVER

    def __init__(
        self,
        ctx: SceneContext,
        agent: ExplainingController,
        level: Level | None = None,
        human: HumanController | None = None,
        agent_drives: bool = False,
    ) -> None:
        """``human``: the player's controller (teaching records theirs); ``agent_drives``: the
        agent has the cart first (teaching), else the player."""
        super().__init__(ctx, human or HumanController(), agent, agent_drives, level=level)

    def press_handlers(self) -> dict[str, Callable[[], None]]:
        return {**super().press_handlers(), "swap_driver": self.swap_driver}

    def swap_driver(self) -> None:
        """Swap controllers; the physics state is not touched, only who chooses the next push."""
        assert self.human is not None and self.agent is not None
        if self.human_driving:
            self.arena.set_controller(self.agent)
            self.waiting = False
            self.ctx.notify(f"{self.agent.name} has the cart — Tab to take it back")
        else:
            self.arena.set_controller(self.human)
            self.ctx.notify("You have the cart")

    def take_agent(self, agent: ExplainingController, spec: str) -> str:
        """A dropped agent becomes the one Tab hands the cart to; if the agent has the cart, the
        new one takes it at once, from the exact state, as Tab would."""
        driving = not self.human_driving
        self.agent = agent
        if driving:
            self.arena.set_controller(agent)
        self._refresh_values()
        if driving:
            return f"{agent.name} has the cart — Tab to take it back"
        return f"{agent.name} is ready — Tab hands it the cart"

    def driver_at_the_end(self) -> str | None:
        """Takeover's banner says who dropped the pole: "The pole fell — you were driving"."""
        return "you were" if self.human_driving else f"{self.arena.controller.name} was"

    def draw_status_line(self, surface: pygame.Surface) -> None:
        pal = self.ctx.theme.palette
        assert self.human is not None and self.agent is not None
        human_steps = self.arena.steps_by_driver.get(self.human.name, 0)
        agent_steps = self.arena.steps_by_driver.get(self.agent.name, 0)
        blit_text(
            surface,
            self.ctx.theme,
            f"you drove {human_steps} steps  ·  {self.agent.name} drove {agent_steps}",
            16,
            pal.text_dim,
            (32, 100),
        )
        blit_text(
            surface,
            self.ctx.theme,
            self.bindings.status_line(("swap_driver", "hint", "poke", "wind")),
            14,
            pal.text_dim,
            (32, 124),
        )


MODE = agent_mode(
    "takeover",
    "play, and hand the cart to the agent mid-episode with Tab",
    TakeoverScene,
    MenuEntry("Takeover", "play, and hand control to the agent with Tab"),
    waits_for_player=True,
)
