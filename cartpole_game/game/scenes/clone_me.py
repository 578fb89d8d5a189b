"""Clone me: an agent learns to play like you, from your own runs, and then races you.

The player's runs are kept in the data folder's ``demos/`` (:mod:`cartpole_game.game.demos`).
Here the player chooses a level and how many of their newest runs on it to learn from; Enter
trains a clone on the steps they drove (:mod:`cartpole_game.training.clone`), in a worker process
(:mod:`cartpole_game.training.clone_worker`), never in this thread. The screen shows it learning,
epoch by epoch, then how well it agrees with the player on the runs it never saw; W watches it
play, R races it ("you versus your clone"), Enter trains again. With no runs on the level yet,
Enter plays the level first. The clone is saved in ``checkpoints/``, so the versus setup offers it
too; :mod:`cartpole_game.game.scenes.clone_me_draw` draws the scene.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import pygame

from cartpole_game.agents.checkpoint import load_checkpoint
from cartpole_game.agents.loader import policy_from_checkpoint
from cartpole_game.core.errors import UserFacingError
from cartpole_game.core.text import drawable
from cartpole_game.game.arguments import add_level_argument
from cartpole_game.game.demos import DEMOS_FOLDER, newest_level, player_runs, runs_by_level
from cartpole_game.game.input.bindings import COMMAND_EVENTS, dispatch
from cartpole_game.game.input.tables import CLONE_ME
from cartpole_game.game.scenes.base import (
    MenuEntry,
    ModeServices,
    ModeSpec,
    Scene,
    SceneContext,
    always,
)
from cartpole_game.game.scenes.clone_me_draw import ClonePainter
from cartpole_game.game.scenes.clone_state import CloneState, CloneView, Phase
from cartpole_game.game.scenes.overlays import HelpOverlay
from cartpole_game.game.scenes.play import PlayScene
from cartpole_game.game.scenes.versus import VersusScene
from cartpole_game.game.scenes.watch import WatchScene
from cartpole_game.sim.controllers import ExplainingController, HumanController
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.training.clone_worker import CloneJob, CloneOrder

RUN_CHOICES = (5, 10, 20, 50, 100)  # how many of the newest runs to learn from
DEFAULT_RUNS = 20
LEVEL_ROW, RUNS_ROW = range(2)
CLONE_NAME = "your clone"
RECOUNT_S = 1.0  # how often the runs kept are counted again (a run played meanwhile counts)


class CloneScene(Scene):
    bindings = CLONE_ME

    def __init__(self, ctx: SceneContext, level: Level | None = None) -> None:
        super().__init__(ctx)
        self.folder = ctx.data_dir / DEMOS_FOLDER
        self.counts = runs_by_level(self.folder)
        number = (
            level.number
            if level is not None
            else ctx.config.level
            or newest_level(self.folder)
            or ctx.progress.current_level().number
        )
        self.chosen = [number - 1, RUN_CHOICES.index(DEFAULT_RUNS)]
        self.selected = LEVEL_ROW
        self.job: CloneJob | None = None
        self.state = CloneState()
        self.clone: ExplainingController | None = None
        self.since_count = 0.0
        self.painter = ClonePainter(ctx)

    # -- what is chosen -----------------------------------------------------------------------
    @property
    def level(self) -> Level:
        return LEVELS[self.chosen[LEVEL_ROW]]

    @property
    def runs(self) -> int:
        return RUN_CHOICES[self.chosen[RUNS_ROW]]

    @property
    def kept(self) -> int:
        """The player's runs kept on the chosen level."""
        return self.counts.get(self.level.number, 0)

    @property
    def used(self) -> int:
        """How many runs the clone would learn from."""
        return min(self.runs, self.kept)

    # -- input --------------------------------------------------------------------------------
    def press_handlers(self) -> dict[str, Callable[[], None]]:
        return {
            "up": lambda: self.move(-1),
            "down": lambda: self.move(+1),
            "left": lambda: self.change(-1),
            "right": lambda: self.change(+1),
            "confirm": self.train_or_play,
            "watch": self.watch,
            "race": self.race,
            "help": lambda: self.ctx.stack.push(HelpOverlay(self.ctx, self.help_rows())),
            "back": self.ctx.go_back,
        }

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type in COMMAND_EVENTS:
            dispatch(self.bindings, event, self.press_handlers())
        elif event.type == pygame.MOUSEBUTTONDOWN and getattr(event, "button", 0) == 1:
            for command, rect in self.painter.buttons:
                if rect.collidepoint(getattr(event, "pos", (-1, -1))):
                    self.press_handlers()[command]()

    def move(self, step: int) -> None:
        self.selected = (self.selected + step) % 2

    def change(self, step: int) -> None:
        count = len(LEVELS) if self.selected == LEVEL_ROW else len(RUN_CHOICES)
        self.chosen[self.selected] = (self.chosen[self.selected] + step) % count

    def train_or_play(self) -> None:
        """Enter: train a clone on the chosen runs; with none on the level, play it first."""
        if self.state.phase is Phase.TRAINING:
            self.ctx.notify("Your clone is still learning")
            return
        if not self.used:
            self.ctx.stack.push(PlayScene(self.ctx, None, self.level))
            return
        self.start_training()

    def start_training(self) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        out = self.ctx.data_dir / "checkpoints" / f"clone-{self.level.key}-{stamp}.safetensors"
        paths = tuple(player_runs(self.folder, self.level.number, self.runs))
        order = CloneOrder(paths, out, "human", self.level.number, self.ctx.config.seed or 0)
        self.stop_job()
        self.job = CloneJob(order)
        self.job.start()
        self.state = CloneState(Phase.TRAINING, "Starting…", level=self.level)
        self.clone = None

    def watch(self) -> None:
        clone = self._loaded_clone()
        if clone is not None and self.state.level is not None:
            self.ctx.stack.push(WatchScene(self.ctx, clone, self.state.level))

    def race(self) -> None:
        clone = self._loaded_clone()
        if clone is not None and self.state.level is not None:
            scene = VersusScene(self.ctx, HumanController(), clone, level=self.state.level)
            self.ctx.stack.push(scene)

    def _loaded_clone(self) -> ExplainingController | None:
        """The clone just trained (loaded from its file once), or None with a toast saying why."""
        if self.state.phase is not Phase.DONE or self.state.path is None:
            self.ctx.notify("Train your clone first (Enter)")
            return None
        if self.clone is None:
            try:
                self.clone = policy_from_checkpoint(load_checkpoint(self.state.path), CLONE_NAME)
            except UserFacingError as exc:
                self.ctx.notify(drawable(f"Cannot load your clone: {exc}", 200), 6.0)
                return None
        return self.clone

    # -- the worker -----------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        if self.job is not None:
            for message in self.job.messages():
                self.state.take(message)
            if self.job.finished:
                self.job.stop()
                self.job = None
                if self.state.phase is Phase.DONE and self.state.error:
                    self.ctx.notify(drawable(f"Warning: {self.state.error}", 200), 6.0)
        self.since_count += dt
        if self.since_count >= RECOUNT_S:  # a run just played (Enter played the level) counts
            self.since_count = 0.0
            self.counts = runs_by_level(self.folder)

    def stop_job(self) -> None:
        if self.job is not None:
            self.job.stop()
            self.job = None

    def on_exit(self) -> None:
        self.stop_job()

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        keys = ("up", "left", "confirm", "watch", "race", "help", "back")
        view = CloneView(
            self.level,
            self.runs,
            self.kept,
            self.used,
            self.selected,
            self.state,
            self.bindings.status_line(keys),
        )
        self.painter.draw(surface, view)


def _make_scene(services: ModeServices) -> CloneScene:
    level = services.config.level
    return CloneScene(services.ctx, LEVELS[level - 1] if level is not None else None)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_level_argument(parser, "the level of your newest run")


MODE = ModeSpec(
    name="clone-me",
    help="an agent learns to play like you from your own runs; then watch it or race it",
    make_scene=_make_scene,
    add_arguments=_add_arguments,
    settings_from_args=lambda args: {"level": args.level},
    waits_for_player=always,  # it trains only when asked: headless, it needs --frames
    menu=MenuEntry("Clone me", "an agent learns to play like you, then races you"),
    fuzz=False,  # Enter would start training workers (torch) over and over
)
