"""Watch: a trained agent plays in real time, with its decision shown live."""

from __future__ import annotations

from statistics import fmean

import pygame

from cartpole_game.game.input.tables import WATCH
from cartpole_game.game.render.theme import blit_text
from cartpole_game.game.scenes.agent_modes import agent_mode
from cartpole_game.game.scenes.arena_scene import ArenaScene
from cartpole_game.game.scenes.base import MenuEntry, SceneContext
from cartpole_game.sim.controllers import ExplainingController
from cartpole_game.sim.levels import Level


class WatchScene(ArenaScene):
    mode_name = "watch"
    bindings = WATCH

    def __init__(
        self, ctx: SceneContext, agent: ExplainingController, level: Level | None = None
    ) -> None:
        super().__init__(ctx, None, agent, agent_drives=True, level=level)

    def take_agent(self, agent: ExplainingController, spec: str) -> str:
        """A dropped agent plays at once, from a fresh episode: one agent's episode, one score
        (the average starts again too: it was the other agent's)."""
        self.agent = agent
        self.arena.set_controller(agent)
        self.episode_scores = []
        self.restart()
        return f"{agent.name} plays now, from a fresh start"

    def hud_best(self) -> tuple[str, int]:
        return "BEST RUN", max([self.arena.score, *self.episode_scores])

    def draw_status_line(self, surface: pygame.Surface) -> None:
        pal = self.ctx.theme.palette
        done = len(self.episode_scores)
        average = f"average {fmean(self.episode_scores):.1f}" if done else "average —"
        text = f"episode {self.arena.episode}  ·  {done} finished  ·  {average}"
        blit_text(surface, self.ctx.theme, text, 16, pal.text_dim, (32, 100))
        blit_text(
            surface,
            self.ctx.theme,
            self.bindings.status_line(("drag_poke", "poke", "wind")),
            14,
            pal.text_dim,
            (32, 124),
        )


MODE = agent_mode(
    "watch",
    "watch a trained agent play, its decision shown live",
    WatchScene,
    MenuEntry("Watch an agent", "a trained network plays"),
)
