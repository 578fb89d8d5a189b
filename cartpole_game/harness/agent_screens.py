"""The screen states of agents from other libraries (:mod:`screen_states` lists them with the
rest): "Open an agent…" with a recent file and a vanished one, that screen refusing the vanished
one, its help; an SB3 PPO agent watched, taken over from and raced (its long name in the top bar
and a versus header, its probabilities in the decision panel); a file dropped on watch, and a
folder dropped on the menu.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from cartpole_game.game.app import App
from cartpole_game.game.recent_agents import remember
from cartpole_game.harness.agent_fixtures import write_sb3_ppo_zip
from cartpole_game.harness.screen_driving import StateDriver, frames, open_app, press_help, tap

AGENT_OPENED = 1_790_000_000.0  # when the fixtures were "opened" (fixed, so the screens are)


def agent_files(data_dir: Path) -> Path:
    """An SB3 PPO zip in the data folder, and the recent list: it, and a file that has gone."""
    folder = data_dir / "agents"
    path = write_sb3_ppo_zip(folder)
    remember(data_dir, folder / "gone-dqn.zip", "DQN (SB3 2.3) · gone-dqn.zip", AGENT_OPENED)
    remember(data_dir, path, "PPO (SB3 2.4) · ppo-CartPole-v1.zip", AGENT_OPENED + 60)
    return path


def open_agent(data_dir: Path) -> App:
    agent_files(data_dir)
    app = open_app(data_dir, "open-agent")
    frames(app, 2)
    return app


def open_agent_refused(data_dir: Path) -> App:
    """The vanished file chosen and opened: why not, beside the list and in a toast."""
    app = open_agent(data_dir)
    tap(app, pygame.K_DOWN)
    tap(app, pygame.K_RETURN)
    frames(app, 2)
    return app


def foreign_agent(mode: str) -> StateDriver:
    """``mode`` with the SB3 PPO agent: its long name in the top bar (or a versus header) and
    its probabilities in the decision panel."""

    def reach(data_dir: Path) -> App:
        path = str(agent_files(data_dir))
        if mode == "versus":
            app = open_app(data_dir, mode, left="human", right=path, seed=7)
        else:
            app = open_app(data_dir, mode, agent=path)
        if mode != "watch":
            tap(app, pygame.K_RIGHT)
            frames(app, 10)
            if mode == "takeover":
                tap(app, pygame.K_TAB)
        frames(app, 40)
        return app

    return reach


def drop(mode: str, what: str) -> StateDriver:
    """A file dropped on ``mode``'s window: the PPO zip (``what`` "agent") or a folder."""

    def reach(data_dir: Path) -> App:
        path = agent_files(data_dir) if what == "agent" else data_dir
        app = open_app(data_dir, mode, agent="dqn")
        frames(app, 30)
        pygame.event.post(pygame.event.Event(pygame.DROPFILE, file=str(path)))
        frames(app, 3)
        return app

    return reach


AGENT_STATES: dict[str, StateDriver] = {
    "open-agent": open_agent,
    "open-agent-refused": open_agent_refused,
    "help-open-agent": lambda data_dir: press_help(open_agent(data_dir)),
    "watch-sb3-ppo": foreign_agent("watch"),
    "takeover-sb3-ppo": foreign_agent("takeover"),
    "versus-sb3-ppo": foreign_agent("versus"),
    "drop-on-watch": drop("watch", "agent"),
    "drop-folder-on-menu": drop("menu", "folder"),
}
