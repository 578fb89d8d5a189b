"""The play scene: a human climbs the ladder of levels (G asks the agent for hints).

A ghost of the player's best run on the level, at the speed played, races alongside: the same
seed, so the same start, replayed step for step with the run. After three quick falls in a row,
the game offers to slow down or drop a level.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np
import pygame

from cartpole_game.agents.registry import named_agents
from cartpole_game.core.errors import FileFormatError
from cartpole_game.game.arguments import add_agent_argument, add_level_argument
from cartpole_game.game.input.bindings import COMMAND_EVENTS, dispatch
from cartpole_game.game.input.tables import OFFER, PLAY
from cartpole_game.game.render.theme import blit_text
from cartpole_game.game.scenes.arena_scene import ArenaScene
from cartpole_game.game.scenes.base import (
    MenuEntry,
    ModeServices,
    ModeSpec,
    Scene,
    SceneContext,
    always,
)
from cartpole_game.game.scenes.overlays import dim
from cartpole_game.sim.arena import EndReason
from cartpole_game.sim.controllers import ExplainingController, HumanController
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.sim.replay import ReplayDriver, load_replay
from cartpole_game.sim.timescale import MIN_TIME_SCALE, next_time_scale

QUICK_FALL_STEPS = 100  # two seconds of game time: a fall before that is a quick one
QUICK_FALLS = 3  # in a row, before the game offers an easier way
OFFER_RECT = pygame.Rect(290, 244, 700, 232)  # centred: a choice to make before anything else


class PlayScene(ArenaScene):
    """Human play on a level: ←/→ push, Space pauses, R restarts, +/- change the time scale."""

    mode_name = "play"
    bindings = PLAY

    def __init__(
        self,
        ctx: SceneContext,
        hint_agent_loader: Callable[[], ExplainingController] | None = None,
        level: Level | None = None,
    ) -> None:
        level = level or ctx.progress.current_level()
        super().__init__(ctx, HumanController(), None, agent_loader=hint_agent_loader, level=level)
        self.ghost: ReplayDriver | None = None
        self.quick_falls = 0
        self.offered = False
        self._start_from_ghost()
        if not ctx.progress.unlocked(level):
            ctx.notify(
                f"Level {level.number} is locked: practice it, but medals wait until "
                f"you clear level {level.number - 1}",
                6.0,
            )

    # -- the ghost of the best run ----------------------------------------------------------------
    def load_ghost(self) -> ReplayDriver | None:
        """The best run of this level at the current speed, ready to replay (None if there is
        none, or it was played with other physics)."""
        path = self.best_replay_path(self.ctx.time_scale)
        if not path.is_file():
            return None
        try:
            replay = load_replay(path)
        except FileFormatError as exc:
            self.ctx.notify(f"No ghost: {exc}", 5.0)
            return None
        if replay.level != self.level.number or replay.params != self.level.params:
            return None
        return ReplayDriver(replay)

    def next_episode_seed(self) -> int | None:
        self.ghost = self.load_ghost()
        return self.ghost.replay.seed if self.ghost is not None else None

    def _start_from_ghost(self) -> None:
        """Before a run: the ghost of the current table, and the arena at the ghost's start."""
        seed = self.next_episode_seed()
        if seed is not None and seed != self.arena.log.seed:
            self.arena.reset(seed)
            self.disturbances = self._disturbances_for_episode()

    def after_step(self) -> None:
        if self.ghost is not None and not self.ghost.finished:
            self.ghost.step()

    def change_speed(self, direction: int) -> None:
        super().change_speed(direction)
        if self.waiting:  # another speed is another table, with its own ghost
            self.ghost = None
            self._start_from_ghost()

    def ghost_state(self, alpha: float) -> np.ndarray | None:
        """Where the ghost is drawn: None once its run has ended (or there is no ghost)."""
        ghost = self.ghost
        if ghost is None or ghost.arena.done:
            return None
        return ghost.arena.interpolated_state(alpha)

    def take_agent(self, agent: ExplainingController, spec: str) -> str:
        """A dropped agent gives the hints (G) from now on, on this level and the next ones."""
        self.agent = agent
        self.agent_loader = lambda: agent
        self._refresh_values()
        if self.show_hint:
            return f"Hints now from {agent.name}"
        return f"Hints from {agent.name}: G shows its push"

    # -- three quick falls: offer an easier way ---------------------------------------------------
    def episode_finished(self) -> None:
        super().episode_finished()
        quick = self.arena.end_reason is not EndReason.MAX_STEPS and self.arena.score < min(
            QUICK_FALL_STEPS, self.level.goal_steps // 3
        )
        self.quick_falls = self.quick_falls + 1 if quick and self.counts else 0
        if self.quick_falls >= QUICK_FALLS and not self.offered:
            self.offered = True
            self.ctx.stack.push(OfferOverlay(self))

    def drop_a_level(self) -> None:
        if self.level.number > 1:
            easier = LEVELS[self.level.number - 2]
            self.ctx.stack.replace_all(PlayScene(self.ctx, self.agent_loader, easier))


class OfferOverlay(Scene):
    """ "Tough one?": slow down, drop a level, or keep going. Shown once per level visit."""

    is_overlay = True
    bindings = OFFER

    def __init__(self, play: PlayScene) -> None:
        super().__init__(play.ctx)
        self.play = play

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type not in COMMAND_EVENTS:
            return
        dispatch(
            self.bindings,
            event,
            {
                "slow_down": self.slow_down,
                "easier_level": self.easier_level,
                "keep_going": self.keep_going,
            },
        )

    def keep_going(self) -> None:
        self.ctx.stack.pop()

    def slow_down(self) -> None:
        self.ctx.stack.pop()
        self.play.change_speed(-1)

    def easier_level(self) -> None:
        if self.play.level.number > 1:
            self.play.drop_a_level()

    def options(self) -> list[str]:
        """The choices open now, each led by its key as the binding table names it."""
        ctx, level = self.ctx, self.play.level
        keys = {
            b.command: f"{b.label} / {b.pad}" if b.pad else b.label for b in self.bindings.bindings
        }
        rows = []
        if ctx.time_scale > MIN_TIME_SCALE:
            slower = next_time_scale(ctx.time_scale, -1)
            medals = f"medals need {level.time_scale:g}×"
            rows.append(f"{keys['slow_down']}   slow down to {slower:g}× ({medals})")
        if level.number > 1:
            easier = LEVELS[level.number - 2]
            rows.append(f"{keys['easier_level']}   back to level {easier.number}, {easier.name}")
        rows.append(f"{keys['keep_going']}   keep going")
        return rows

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        dim(surface, 150)  # the scene waits for the answer; the card, opaque, is all to read
        self.ctx.hud.blit_panel(surface, "offer", OFFER_RECT, 255, covers=True)
        x, y = OFFER_RECT.left + 32, OFFER_RECT.top + 24
        blit_text(surface, theme, "Tough one?", 30, pal.accent, (x, y), bold=True)
        blit_text(
            surface,
            theme,
            "Three quick falls. Slower is easier; most people need a few tries.",
            17,
            pal.text_dim,
            (x, y + 46),
        )
        for i, row in enumerate(self.options()):
            blit_text(surface, theme, row, 20, pal.text, (x, y + 92 + 36 * i))


def _make_scene(services: ModeServices) -> PlayScene:
    level = services.config.level
    return PlayScene(
        services.ctx,
        lambda: services.agent(services.config.agent),
        LEVELS[level - 1] if level is not None else None,
    )


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_agent_argument(parser, "the agent giving hints (G)")
    add_level_argument(parser, "the first level you have not cleared")


MODE = ModeSpec(
    name="play",
    help="balance the pole yourself with the arrow keys",
    make_scene=_make_scene,
    add_arguments=_add_arguments,
    settings_from_args=lambda args: {"agent": args.agent, "level": args.level},
    # A file named for hints is read before the window opens, so a bad one is one line, exit 2;
    # a shipped agent loads at the first G (playing starts without it).
    agents=lambda config: () if config.agent in named_agents() else (config.agent,),
    waits_for_player=always,
    menu=MenuEntry("Play now", "balance the pole with ← and →"),
    bench={"play": {"mode": "play"}},
)
