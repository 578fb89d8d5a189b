"""Open an agent…: the agent files the player opened or dropped on the window, newest first (the
recent list, :mod:`cartpole_game.game.recent_agents`), then the shipped agents. Enter watches the
chosen one, T takes over from it, Y opens the versus setup with it on the right; Del takes a
recent one off the list (its file stays). A file dropped on this screen joins the list, chosen.

Every file is read again when chosen (it may have changed), safely; one that cannot be used says
why in a toast and beside the list, and the screen stays. A file that has vanished stays listed,
greyed, until it is forgotten or newer ones push it out. The chosen mode opens over this screen:
Esc comes back here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pygame

from cartpole_game.agents.registry import AGENT_KINDS, named_agents
from cartpole_game.core.text import drawable, drawable_path
from cartpole_game.game.input.bindings import COMMAND_EVENTS, dispatch
from cartpole_game.game.input.tables import OPEN_AGENT
from cartpole_game.game.recent_agents import forget, load_recent
from cartpole_game.game.scenes import open_agent_draw as painter
from cartpole_game.game.scenes.agent_drop import file_label, load_file, problem_text
from cartpole_game.game.scenes.base import MenuEntry, ModeSpec, Scene, SceneContext
from cartpole_game.game.scenes.overlays import HelpOverlay
from cartpole_game.game.scenes.takeover import TakeoverScene
from cartpole_game.game.scenes.versus_choices import when
from cartpole_game.game.scenes.versus_setup import RIGHT, VersusSetupScene
from cartpole_game.game.scenes.watch import WatchScene
from cartpole_game.sim.controllers import ExplainingController

GONE = "the file is not there any more (moved or deleted); Del takes it off the list"


@dataclass(frozen=True)
class AgentRow:
    spec: str  # a file's path, or a shipped agent's name
    title: str  # what it is: "PPO (SB3 2.4) · ppo-CartPole-v1.zip", "dqn"
    detail: str  # when it was opened, or what the shipped agent is
    recent: bool  # a file from the recent list (it can be forgotten)
    present: bool = True  # False: a recent file that has vanished (drawn greyed)


def agent_rows(data_dir: Path) -> tuple[list[AgentRow], list[str]]:
    """The recent files (newest first), then the shipped agents; and any warning about the
    recent list (a corrupt one is moved aside)."""
    recent, warnings = load_recent(data_dir)
    rows = [
        AgentRow(
            entry.path,
            drawable(entry.name, 80) if entry.name else file_label(entry.path),
            f"opened {when(entry.opened)}" if entry.present else "file not found",
            recent=True,
            present=entry.present,
        )
        for entry in recent
    ]
    rows += [
        AgentRow(name, name, AGENT_KINDS[name].summary, recent=False) for name in named_agents()
    ]
    return rows, warnings


class OpenAgentScene(Scene):
    bindings = OPEN_AGENT

    def __init__(self, ctx: SceneContext) -> None:
        super().__init__(ctx)
        self.rows: list[AgentRow] = []
        self.selected = 0
        self.scroll = 0  # pixels of the list scrolled out of view above
        self.problem: tuple[str, str] | None = None  # (spec, why it cannot be opened)
        self.stale = False  # the list changed on disk (an agent opened moved up): reload
        self.row_rects: list[tuple[int, pygame.Rect]] = []  # (row index, where it is drawn)
        self.buttons: dict[str, pygame.Rect] = {}
        self.refresh()

    # -- the list -----------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        """Read the list again; keep the chosen agent chosen (or choose ``select``)."""
        keep = select or (self.chosen.spec if self.rows else None)
        self.rows, warnings = agent_rows(self.ctx.data_dir)
        for warning in warnings:
            self.ctx.notify(drawable("Warning: " + warning, 200), 6.0)
        specs = [row.spec for row in self.rows]
        self.selected = specs.index(keep) if keep in specs else 0

    @property
    def chosen(self) -> AgentRow:
        return self.rows[self.selected]

    def update(self, dt: float) -> None:
        if self.stale:  # back from the agent opened: it moved to the top of the list
            self.stale = False
            self.refresh()

    def take_agent(self, agent: ExplainingController, spec: str) -> str:
        """A file dropped here joins the list, chosen."""
        self.refresh(select=os.path.abspath(spec))
        self.problem = None
        return f"{agent.name} is on the list: Enter watches it, T takes over, Y races it"

    # -- input --------------------------------------------------------------------------------
    def press_handlers(self) -> dict[str, Callable[[], None]]:
        return {
            "up": lambda: self.move(-1),
            "down": lambda: self.move(+1),
            "confirm": self.watch,
            "takeover": self.takeover,
            "versus": self.versus,
            "forget": self.forget,
            "help": lambda: self.ctx.stack.push(HelpOverlay(self.ctx, self.help_rows())),
            "back": self.ctx.go_back,
        }

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type in COMMAND_EVENTS:
            dispatch(self.bindings, event, self.press_handlers())
            return
        pos = getattr(event, "pos", None)
        if not isinstance(pos, tuple) or len(pos) != 2:
            return
        if event.type == pygame.MOUSEBUTTONDOWN and getattr(event, "button", 0) == 1:
            self.click(pos)
        elif event.type == pygame.MOUSEWHEEL:
            self.move(-int(getattr(event, "y", 0)))

    def click(self, pos: tuple[int, int]) -> None:
        for action, rect in self.buttons.items():
            if rect.collidepoint(pos):
                self.press_handlers()[action]()
                return
        for index, rect in self.row_rects:
            if rect.collidepoint(pos):
                if index == self.selected:
                    self.watch()  # a second click on the chosen agent opens it
                else:
                    self.selected = index
                return

    def move(self, step: int) -> None:
        self.selected = (self.selected + step) % len(self.rows)

    # -- opening the chosen agent -------------------------------------------------------------
    def load_chosen(self) -> ExplainingController | None:
        """The chosen agent, read now; None (and why, in a toast and beside the list) if it
        cannot be used."""
        row = self.chosen
        agent: ExplainingController | None = None
        if row.recent and not row.present:
            problem = f"Cannot open {file_label(row.spec)}: {GONE}"
        elif row.recent:
            agent, problem = load_file(self.ctx, row.spec)  # moves it to the top of the list
            self.stale = True
        else:
            services = self.ctx.services
            assert services is not None, "the app gives the context its services"
            try:
                agent, problem = services.agent(row.spec), ""
            except Exception as exc:  # a damaged install: say so, stay here
                problem = drawable(f"Cannot open {row.spec}: {problem_text(exc)}", 300)
        if agent is None:
            self.problem = (row.spec, problem)
            self.ctx.notify(problem, 6.0)
            return None
        self.problem = None
        return agent

    def watch(self) -> None:
        agent = self.load_chosen()
        if agent is not None:
            self.ctx.stack.push(WatchScene(self.ctx, agent))

    def takeover(self) -> None:
        agent = self.load_chosen()
        if agent is not None:
            self.ctx.stack.push(TakeoverScene(self.ctx, agent))

    def versus(self) -> None:
        agent = self.load_chosen()
        if agent is not None:
            setup = VersusSetupScene(self.ctx)
            setup.offer_agent(self.chosen.spec, agent.name, RIGHT)
            self.ctx.stack.push(setup)

    def forget(self) -> None:
        row = self.chosen
        if not row.recent:
            self.ctx.notify("The shipped agents stay on the list")
            return
        warning = forget(self.ctx.data_dir, row.spec)
        if warning:
            self.ctx.notify(drawable("Warning: " + warning, 200), 6.0)
            return
        place = self.selected
        self.refresh()
        self.selected = min(place, len(self.rows) - 1)  # the one that took its place
        self.ctx.notify(drawable(f"{row.title} is off the list (its file stays)", 200))

    # -- drawing ------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        problem = self.problem[1] if self.problem and self.problem[0] == self.chosen.spec else None
        painter.draw_header(surface, self.ctx)
        self.row_rects, self.scroll = painter.draw_list(
            surface, self.ctx, self.rows, self.selected, self.scroll
        )
        path = drawable_path(self.chosen.spec, 400) if self.chosen.recent else None
        self.buttons = painter.draw_detail(surface, self.ctx, self.chosen, path, problem)
        painter.draw_footer(surface, self.ctx, self.bindings)


MODE = ModeSpec(
    name="open-agent",
    help="choose an agent to watch, take over from or race: the files you opened or dropped "
    "on the window, and the shipped agents",
    make_scene=lambda services: OpenAgentScene(services.ctx),
    menu=MenuEntry("Open an agent…", "your own SB3, RL-Zoo, CleanRL or ONNX agent file"),
)
