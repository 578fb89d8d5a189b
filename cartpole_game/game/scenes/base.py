"""Scene interface, the scene stack and the context every scene shares.

A scene handles events, updates in fixed 0.02 s steps and draws with an interpolation factor.
The stack holds overlays (pause, help) above the scene they cover, as in Tuxemon's state stack:
only the top scene gets events and updates; drawing starts at the topmost opaque scene.

A mode is a scene plus a ``MODE = ModeSpec(...)`` in the scene's module; ``game/modes.py`` lists
them. The command line builds each mode's sub-command from its spec, the menu its entries, the
event fuzzer and the frame-time benchmark their list of modes, and the app its scene.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pygame

from cartpole_game.core.errors import UserFacingError
from cartpole_game.core.text import drawable
from cartpole_game.game.config import RunConfig
from cartpole_game.game.demos import DEMOS_FOLDER, EpisodeKeeper
from cartpole_game.game.highscores import HighScores
from cartpole_game.game.input.bindings import BindingTable, HelpRows
from cartpole_game.game.input.tables import GLOBAL
from cartpole_game.game.progress import Progress
from cartpole_game.game.render.arena_view import ArenaRenderer
from cartpole_game.game.render.hud import Hud
from cartpole_game.game.render.theme import Theme
from cartpole_game.game.sound import SoundBoard
from cartpole_game.game.summary import EpisodeSummary
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import Controller, ExplainingController
from cartpole_game.sim.levels import Level
from cartpole_game.sim.replay import Replay
from cartpole_game.sim.timescale import next_time_scale
from cartpole_game.training.live import TrainerWarmer


class Scene:
    """Base class; subclasses override what they need."""

    is_overlay = False  # True: the scene below is drawn first and shows through
    bindings = BindingTable("none")  # what its keys mean; its help is generated from it

    def __init__(self, ctx: SceneContext) -> None:
        self.ctx = ctx

    def help_rows(self) -> HelpRows:
        """The help overlay's rows: this scene's keys, then the keys that work everywhere."""
        # V records only scenes that can name their GIF, as the app's V key checks.
        everywhere = GLOBAL if hasattr(self, "recording_label") else GLOBAL.without("record_gif")
        return self.bindings.help_rows() + everywhere.help_rows()

    def handle_event(self, event: pygame.event.Event) -> None:
        pass

    def update(self, dt: float) -> None:
        pass

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        pass

    def on_exit(self) -> None:
        """Called when the scene leaves the stack: release resources, save what must be saved."""

    def running_episodes(self) -> list[EpisodeSummary]:
        """The episodes under way, for the session summary when the session ends now."""
        return []


class SceneStack:
    def __init__(self) -> None:
        self._scenes: list[Scene] = []

    def __len__(self) -> int:
        return len(self._scenes)

    @property
    def top(self) -> Scene | None:
        return self._scenes[-1] if self._scenes else None

    @property
    def scenes(self) -> tuple[Scene, ...]:
        return tuple(self._scenes)

    def push(self, scene: Scene) -> None:
        self._scenes.append(scene)

    def pop(self) -> Scene | None:
        if not self._scenes:
            return None
        scene = self._scenes.pop()
        scene.on_exit()
        return scene

    def replace_all(self, scene: Scene) -> None:
        """Leave every scene (top first) and start ``scene`` alone on the stack."""
        while self._scenes:
            self.pop()
        self.push(scene)

    def handle_event(self, event: pygame.event.Event) -> None:
        if self._scenes:
            self._scenes[-1].handle_event(event)

    def update(self, dt: float) -> None:
        if self._scenes:
            self._scenes[-1].update(dt)

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        first = len(self._scenes) - 1
        while first > 0 and self._scenes[first].is_overlay:
            first -= 1
        for scene in self._scenes[max(first, 0) :]:
            scene.draw(surface, alpha)


@dataclass
class Toast:
    text: str
    seconds_left: float = 4.0


@dataclass
class SceneContext:
    """What scenes share: drawing helpers, settings, scores and a way to open other modes."""

    config: RunConfig
    theme: Theme
    arena_renderer: ArenaRenderer
    hud: Hud
    high_scores: HighScores
    progress: Progress
    data_dir: Path
    sounds: SoundBoard
    stack: SceneStack = field(default_factory=SceneStack)
    time_scale: float = 1.0
    screen_size: tuple[int, int] = (1280, 720)
    episodes_finished: int = 0
    quit_requested: bool = False
    toasts: list[Toast] = field(default_factory=list)
    episodes: list[EpisodeSummary] = field(default_factory=list)  # for --summary
    # The mode registry and what its scene factories may ask for, given by the app so that
    # scenes never import it.
    modes: Mapping[str, ModeSpec] = field(default_factory=dict)
    services: ModeServices | None = None
    # The status the session exits with, and the line it prints on stderr then (e.g. a replay
    # whose playback differs from its recording: 1).
    exit_status: int = 0
    exit_message: str | None = None
    # Saves every finished episode as a replay (--save-replays) and the player's own runs in the
    # data folder's demos/; made at the first episode.
    keeper: EpisodeKeeper | None = None

    def change_time_scale(self, direction: int) -> None:
        self.time_scale = next_time_scale(self.time_scale, direction)
        self.notify(f"Speed {self.time_scale:g}×")

    def notify(self, text: str, seconds: float = 3.0) -> None:
        self.toasts = [t for t in self.toasts if t.text != text][-3:]
        self.toasts.append(Toast(text, seconds))

    def open_mode(self, name: str) -> None:
        assert self.services is not None, "the app gives the context its services"
        try:
            scene = self.modes[name].make_scene(self.services)
        except Exception as exc:  # e.g. a bad agent file: say so, stay where we are
            if not len(self.stack):
                raise  # the first scene: the command line reports it (one line for bad input)
            problem = (
                str(exc) if isinstance(exc, UserFacingError) else f"{type(exc).__name__}: {exc}"
            )
            self.notify(drawable(f"Cannot open {name}: {problem}", 200), 6.0)
            return
        self.stack.replace_all(scene)

    def go_back(self) -> None:
        """Esc: back to the scene underneath (e.g. the training view), else to the menu."""
        if len(self.stack) > 1:
            self.stack.pop()
        elif "menu" in self.modes:
            self.open_mode("menu")
        else:
            self.quit_requested = True

    def episode_finished(self, *summaries: EpisodeSummary) -> None:
        """An episode ended (``summaries``: its records for the session summary)."""
        self.episodes.extend(summaries)
        self.episodes_finished += 1
        limit = self.config.episodes
        if limit is not None and self.episodes_finished >= limit:
            self.quit_requested = True

    def keep_episode(
        self, arena: Arena, mode: str, level: Level, time_scale: float, side: str | None = None
    ) -> None:
        """``arena`` has just finished an episode: keep it as a replay (see game/demos.py)."""
        if self.keeper is None:
            self.keeper = EpisodeKeeper(self.config.save_replays, self.data_dir / DEMOS_FOLDER)
        for warning in self.keeper.keep(arena, mode, level, time_scale, side):
            self.notify("Warning: " + warning, 6.0)
            if self.config.headless:
                print(f"warning: {warning}", file=sys.stderr)

    def collect_warnings(self) -> None:
        """Show (once) any warning the high scores or the progress store have gathered."""
        for warnings in (self.high_scores.warnings, self.progress.warnings):
            while warnings:
                self.notify("Warning: " + warnings.pop(0), 6.0)


# -- modes: the spec each mode gives the mode registry (game/modes.py) ----------------------
class ModeServices(Protocol):
    """What a mode's scene factory may ask the running game for."""

    ctx: SceneContext
    config: RunConfig
    replay: Replay | None
    trainer_warmer: TrainerWarmer  # the menu warms a training worker, Train live adopts it

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


def never(config: RunConfig) -> bool:
    return False


def always(config: RunConfig) -> bool:
    return True


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
    # Whether its episodes wait for a player's first push (then a headless run needs --frames).
    waits_for_player: Callable[[RunConfig], bool] = never
    menu: MenuEntry | None = None  # None: not offered in the menu
    own_command: bool = False  # the command line has a command of its own for it (train)
    real_time: bool = False  # keeps real time even headless (a worker process trains meanwhile)
    fuzz: bool = True  # the event fuzzer visits it
    # Its episodes are kept as replays (--save-replays DIR, and the player's runs in demos/);
    # False for a mode whose episodes are not replays of their own (the lesson, a replay).
    keeps_replays: bool = True
    # RunConfig fields for the frame-time benchmark (label -> fields); empty: not measured.
    bench: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
