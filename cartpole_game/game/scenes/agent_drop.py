"""Agent files opened while the game runs: dropped on the window, or chosen in "Open an agent…".

A file is read fresh each time (it may have changed since), through ``load_agent``: by content,
bounded, never unpickled, so a directory, a FIFO, a 3 GB file or garbage is one line saying why,
shown in a toast, and the game goes on as it was. An agent that loads goes first in the recent
list (:mod:`cartpole_game.game.recent_agents`), named as the game names it.

Where a dropped agent goes is the scene's to say (:class:`TakesAgents`):

* watch: it plays at once, from a fresh episode (an episode half played by another agent would
  score neither), and the average starts again;
* takeover: it becomes the agent Tab hands the cart to; if the agent is driving, the new one
  takes the cart at once, from the exact state, as Tab would;
* play: it gives the hints (G);
* the versus setup: it becomes the chosen side (the right one unless the left row is chosen);
* "Open an agent…": it joins the list, chosen.

On the menu and the ladder it opens watch. Elsewhere (a versus match, the training view, the
lesson, a replay) nothing is interrupted: a toast says it is kept in "Open an agent…".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from cartpole_game.agents import load_agent
from cartpole_game.agents.registry import named_agents
from cartpole_game.core.errors import FileFormatError, UserFacingError
from cartpole_game.core.text import drawable, drawable_path
from cartpole_game.game.recent_agents import remember
from cartpole_game.game.scenes.base import Scene, SceneContext
from cartpole_game.game.scenes.ladder import LadderScene
from cartpole_game.game.scenes.menu import MenuScene
from cartpole_game.game.scenes.watch import WatchScene
from cartpole_game.sim.controllers import ExplainingController

OPENS_WATCH = (MenuScene, LadderScene)  # screens a dropped agent leaves for watch


class TakesAgents(Protocol):
    def take_agent(self, agent: ExplainingController, spec: str) -> str:
        """Use ``agent`` (loaded from the file ``spec``) here; the toast that says how."""
        ...


def file_label(path: str | os.PathLike[str]) -> str:
    """A file's name as a toast shows it (any bytes drawable, long names cut)."""
    return drawable_path(Path(path).name or os.fspath(path), 60)


def problem_text(exc: BaseException) -> str:
    """Why a file could not be used, in one line without its path (the caller names the file)."""
    if isinstance(exc, FileFormatError):
        return exc.problem
    if isinstance(exc, UserFacingError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def load_file(ctx: SceneContext, path: str) -> tuple[ExplainingController | None, str]:
    """The agent in the file ``path`` and "", or None and why not (one line naming the file).
    An agent that loads is remembered at the top of the recent list."""
    if not path or "\0" in path:
        return None, "Cannot open that: not a file name"
    try:
        agent = load_agent(path)
    except Exception as exc:  # whatever the file holds, the game goes on: say why, in one line
        return None, drawable(f"Cannot open {file_label(path)}: {problem_text(exc)}", 300)
    warning = remember(ctx.data_dir, path, agent.name)
    if warning:
        ctx.notify(drawable("Warning: " + warning, 200), 6.0)
    return agent, ""


def target_scene(ctx: SceneContext) -> Scene | None:
    """The scene a drop is for: the one under any overlays (pause, help)."""
    for scene in reversed(ctx.stack.scenes):
        if not scene.is_overlay:
            return scene
    return None


def agent_dropped(ctx: SceneContext, path: str) -> None:
    """A file dropped on the window: load it and hand it to the scene (see the module's text)."""
    agent, problem = load_file(ctx, path)
    if agent is None:
        ctx.notify(problem, 6.0)
        return
    scene = target_scene(ctx)
    take = getattr(scene, "take_agent", None)
    if callable(take):
        try:
            message = take(agent, path)
        except Exception as exc:  # an agent that loads but cannot play here: say so, stay
            message = f"Cannot use {agent.name}: {problem_text(exc)}"
        ctx.notify(drawable(message, 200), 5.0)
    elif isinstance(scene, OPENS_WATCH):
        ctx.stack.replace_all(WatchScene(ctx, agent))
        ctx.notify(drawable(f"Watching {agent.name}", 200), 4.0)
    else:
        message = f"{agent.name} is kept in Open an agent… (the menu): nothing here was stopped"
        ctx.notify(drawable(message, 200), 6.0)


class DropQueue:
    """Files dropped on the window, opened one frame later, so that "Opening …" is on screen
    while a file that needs torch (a PyTorch state dict) takes a second or two to read."""

    def __init__(self) -> None:
        self.pending: list[tuple[str, str]] = []  # (path, its "Opening …" toast)

    def add(self, ctx: SceneContext, path: object) -> None:
        text = path if isinstance(path, str) else ""
        notice = f"Opening {file_label(text)}…" if text else "Opening…"
        ctx.notify(notice, 30.0)
        self.pending.append((text, notice))

    def process(self, ctx: SceneContext) -> None:
        pending, self.pending = self.pending, []
        for path, notice in pending:
            try:
                agent_dropped(ctx, path)
            finally:
                ctx.toasts = [t for t in ctx.toasts if t.text != notice]


def remember_command_line_agents(ctx: SceneContext, specs: tuple[str, ...]) -> None:
    """Agent files named on the command line (``--agent PATH``) join the recent list too."""
    for spec in specs:
        if spec not in named_agents():
            agent = ctx.services.agent(spec) if ctx.services is not None else None
            warning = remember(ctx.data_dir, spec, agent.name if agent else file_label(spec))
            if warning:
                ctx.notify(drawable("Warning: " + warning, 200), 6.0)
