"""The registries: a new agent kind or a new mode is one entry, and everything reads it.

Each test adds one entry, as a contributor's one registry line would, and checks what the user
sees: the command line accepts it, the menu offers it, the loaders build it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cartpole_game.agents import load_agent, named_agents
from cartpole_game.agents.kind import AgentKind
from cartpole_game.agents.registry import AGENT_KINDS, trainable_kinds
from cartpole_game.cli.parser import build_parser, run_config_from_args
from cartpole_game.game.modes import MODES
from cartpole_game.sim.actions import PUSH_RIGHT


class AlwaysRight:
    """A built-in agent, as an LQR controller would be: computed, not loaded."""

    kind = "always-right"

    def __init__(self, name: str) -> None:
        self.name = name

    def act(self, observation: np.ndarray) -> int:
        return PUSH_RIGHT

    def action_values(self, observation: np.ndarray) -> np.ndarray:
        return np.array([0.0, 1.0], dtype=np.float32)

    def reset(self) -> None:
        pass


NEW_KIND = AgentKind(
    name="always-right", summary="pushes right", value_label="preference", build=AlwaysRight
)


@pytest.fixture
def with_new_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(AGENT_KINDS, NEW_KIND.name, NEW_KIND)


def test_the_shipped_kinds_are_registered_and_trainable() -> None:
    assert set(named_agents()) >= {"dqn", "linear"}
    assert set(trainable_kinds()) == {"dqn", "linear"}


def test_a_new_agent_kind_is_one_registry_entry(with_new_kind: None) -> None:
    assert "always-right" in named_agents()
    agent = load_agent("always-right")
    assert agent.act(np.zeros(4, np.float32)) == PUSH_RIGHT and agent.name == "always-right"
    # The command line takes it wherever an agent goes, and builds the run from it.
    for argv in (["watch", "--agent", "always-right"], ["versus", "--left", "always-right"]):
        args = build_parser("play.py", argv[0]).parse_args([*argv, "--headless", "--frames", "1"])
        config = run_config_from_args(args)
        assert "always-right" in (config.agent, config.left)
    # It is not trainable: train --algo does not offer it.
    assert "always-right" not in trainable_kinds()


def test_the_decision_panel_label_comes_from_the_kind(with_new_kind: None) -> None:
    from cartpole_game.game.render.decision_panel import value_label

    assert value_label(load_agent("always-right")) == "preference"
    assert value_label(load_agent("dqn")) == "Q-values"
    assert value_label(load_agent("linear")) == "score w·s"


def test_a_new_mode_is_one_registry_entry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from cartpole_game.game.app import App
    from cartpole_game.game.config import RunConfig
    from cartpole_game.game.scenes.base import MenuEntry, ModeSpec
    from cartpole_game.game.scenes.watch import WatchScene

    spec = ModeSpec(
        name="demo",
        help="the agent plays forever",
        make_scene=lambda services: WatchScene(services.ctx, services.agent("linear")),
        menu=MenuEntry("Demo", "a demonstration"),
    )
    monkeypatch.setitem(MODES, "demo", spec)
    # The command line has a sub-command for it...
    args = build_parser("play.py", "demo").parse_args(["demo", "--headless", "--frames", "2"])
    assert run_config_from_args(args).mode == "demo"
    # ...the app opens it, and the menu offers it.
    app = App(RunConfig(mode="demo", headless=True, frames=2, seed=0, data_dir=tmp_path))
    try:
        app.run()
        assert isinstance(app.ctx.stack.top, WatchScene)
        app.ctx.open_mode("menu")
        titles = [entry.title for entry in app.ctx.stack.top.entries]
        assert "Demo" in titles and titles[-1] == "Quit"
    finally:
        app.close()
