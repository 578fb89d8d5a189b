"""Every screen state of the game, each a function that drives a fresh app on a data folder
until its screen shows that state (:mod:`screen_driving` has the means). ``STATES`` lists them by
name; ``SLOW_STATES`` need torch and a training worker.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from cartpole_game.game.app import App
from cartpole_game.game.config import LoopConfig, TrainConfig
from cartpole_game.game.scenes.lesson import LessonScene
from cartpole_game.game.scenes.lesson_steps import Stage
from cartpole_game.game.scenes.play import OfferOverlay
from cartpole_game.game.scenes.versus import VersusScene
from cartpole_game.harness.agent_screens import AGENT_STATES
from cartpole_game.harness.clone_screens import CLONE_STATES
from cartpole_game.harness.screen_driving import (
    StateDriver,
    arena_scene,
    balance_until_done,
    frames,
    frames_until,
    hold_until_fallen,
    open_app,
    post_key,
    press_help,
    tap,
    versus_scene,
    write_replay,
)
from cartpole_game.harness.teach_screens import TEACH_STATES
from cartpole_game.sim.levels import LEVELS


# -- the states -----------------------------------------------------------------------------------
def menu(data_dir: Path) -> App:
    app = open_app(data_dir, "menu")
    frames(app, 2)
    return app


def lesson_step(stage: Stage) -> StateDriver:
    def reach(data_dir: Path) -> App:
        app = open_app(data_dir, "lesson")
        top = app.ctx.stack.top
        assert isinstance(top, LessonScene)
        if stage is not Stage.LEAN:
            top._go_to(stage)
        frames(app, 2)
        return app

    return reach


def ladder(data_dir: Path) -> App:
    app = open_app(data_dir, "ladder")
    frames(app, 2)
    return app


def versus_setup(data_dir: Path) -> App:
    app = open_app(data_dir, "versus-setup")
    frames(app, 2)
    return app


def play_waiting(data_dir: Path) -> App:
    app = open_app(data_dir, "play")  # a new player: level 1, its card waiting for a push
    frames(app, 2)
    return app


def play_on_v1(data_dir: Path) -> App:
    return open_app(data_dir, "play", level=len(LEVELS), loop=LoopConfig(time_scale=1.0))


def play_running(data_dir: Path) -> App:
    app = play_on_v1(data_dir)
    tap(app, pygame.K_RIGHT)
    frames(app, 20)
    return app


def play_fell(data_dir: Path) -> App:
    app = play_on_v1(data_dir)
    hold_until_fallen(app)
    return app


def play_goal(data_dir: Path) -> App:
    # The broom at 4× the game's pace, so the 300-step goal comes in ~75 frames; the banner and
    # confetti are then drawn at the level's own speed.
    app = open_app(data_dir, "play", level=1, loop=LoopConfig(time_scale=5.0))
    balance_until_done(app, 1500)
    scene = arena_scene(app)
    if scene.arena.score < scene.level.goal_steps:
        raise RuntimeError(f"the goal was not reached: {scene.arena.score} steps")
    app.ctx.time_scale = scene.level.time_scale
    frames(app, 20)
    return app


def play_offer(data_dir: Path) -> App:
    app = play_on_v1(data_dir)
    for attempt in range(3):
        hold_until_fallen(app)
        if attempt < 2:
            tap(app, pygame.K_r)
    frames_until(app, lambda: isinstance(app.ctx.stack.top, OfferOverlay), 10)
    return app


def pause(data_dir: Path) -> App:
    app = play_running(data_dir)
    tap(app, pygame.K_SPACE)
    return app


def pause_broom(data_dir: Path) -> App:
    """Paused on the first level, whose long pole reaches nearly to the top bar."""
    app = play_waiting(data_dir)
    tap(app, pygame.K_RIGHT)
    frames(app, 30)
    tap(app, pygame.K_SPACE)
    return app


def wind_and_toasts(data_dir: Path) -> App:
    """Breezy (wind on) with two toasts: the toasts keep clear of the wind readout."""
    app = open_app(data_dir, "play", level=4)
    tap(app, pygame.K_RIGHT)
    frames(app, 20)
    tap(app, pygame.K_m)
    tap(app, pygame.K_EQUALS)
    frames(app, 2)
    return app


def menu_toasts(data_dir: Path) -> App:
    app = menu(data_dir)
    tap(app, pygame.K_m)
    tap(app, pygame.K_m)
    frames(app, 2)
    return app


def help_over(reach: StateDriver) -> StateDriver:
    return lambda data_dir: press_help(reach(data_dir))


def watch(agent: str) -> StateDriver:
    def reach(data_dir: Path) -> App:
        app = open_app(data_dir, "watch", agent=agent)
        frames(app, 60)
        return app

    return reach


def takeover_agent(data_dir: Path) -> App:
    app = open_app(data_dir, "takeover", agent="dqn")
    tap(app, pygame.K_RIGHT)
    frames(app, 10)
    tap(app, pygame.K_TAB)
    frames(app, 30)
    return app


def takeover_end(data_dir: Path) -> App:
    app = takeover_agent(data_dir)
    tap(app, pygame.K_TAB)  # the cart back to the player, who lets it fall
    hold_until_fallen(app)
    return app


def takeover_end_with_hints(data_dir: Path) -> App:
    """The end banner with the agent's decision panel showing (G): the banner avoids it."""
    app = takeover_agent(data_dir)
    tap(app, pygame.K_TAB)
    tap(app, pygame.K_g)
    hold_until_fallen(app, pygame.K_RIGHT)
    return app


def open_versus(data_dir: Path, rounds: int = 3) -> App:
    return open_app(data_dir, "versus", left="human", right="dqn", rounds=rounds, seed=7)


def versus_waiting(data_dir: Path) -> App:
    app = open_versus(data_dir)
    frames(app, 2)
    return app


def _human_falls(app: App) -> VersusScene:
    scene = versus_scene(app)
    post_key(pygame.K_RIGHT)
    frames_until(app, lambda: scene.match.left.done, 600)
    post_key(pygame.K_RIGHT, pygame.KEYUP)
    return scene


def versus_pause(data_dir: Path) -> App:
    app = open_versus(data_dir)
    tap(app, pygame.K_RIGHT)
    frames(app, 15)
    tap(app, pygame.K_SPACE)
    return app


def versus_fast_forward(data_dir: Path) -> App:
    app = open_versus(data_dir)
    scene = _human_falls(app)
    frames(app, 3)
    if not scene.fast_forwarding:
        raise RuntimeError("the round is not fast-forwarding")
    return app


def versus_result(data_dir: Path) -> App:
    app = open_versus(data_dir)
    scene = _human_falls(app)
    frames_until(app, lambda: scene.match.round_over, 300)
    frames(app, 2)
    return app


def versus_summary(data_dir: Path) -> App:
    app = open_versus(data_dir, rounds=1)
    scene = _human_falls(app)
    tap(app, pygame.K_n)
    frames_until(app, lambda: scene.match.match_over, 300)
    frames(app, 2)
    return app


def versus_level(data_dir: Path) -> App:
    """A round on Breezy (a long pole in the wind) against the DQN with its fair handicap."""
    app = open_app(data_dir, "versus", left="human", right="dqn", level=4, handicap="fair", seed=7)
    tap(app, pygame.K_RIGHT)
    frames(app, 40)
    return app


def replay(differs: bool) -> StateDriver:
    def reach(data_dir: Path) -> App:
        path = write_replay(data_dir, differs)
        app = open_app(data_dir, "replay", replay=path)
        scene = arena_scene(app)
        frames_until(app, lambda: getattr(scene, "verified", None) is not None, 1200)
        frames(app, 2)
        return app

    return reach


def toasts(data_dir: Path) -> App:
    app = play_running(data_dir)
    tap(app, pygame.K_m)
    tap(app, pygame.K_EQUALS)
    frames(app, 2)
    return app


def recording(data_dir: Path) -> App:
    """A GIF recording: on the broom, slow enough that the run is still on 15 frames later."""
    app = play_waiting(data_dir)
    tap(app, pygame.K_RIGHT)
    tap(app, pygame.K_v)
    frames(app, 15)
    if not app.recorder.active:
        raise RuntimeError("the recording stopped before the screenshot")
    return app


def versus_recording(data_dir: Path) -> App:
    app = open_versus(data_dir)
    tap(app, pygame.K_RIGHT)
    tap(app, pygame.K_v)
    frames(app, 10)
    if not app.recorder.active:
        raise RuntimeError("the recording stopped before the screenshot")
    return app


def train_view(data_dir: Path) -> App:
    """The live training view (imports torch and starts a worker: a few seconds)."""
    app = open_app(data_dir, "train", train=TrainConfig(algo="dqn", steps=2000))
    frames(app, 90)
    return app


STATES: dict[str, StateDriver] = {
    "menu": menu,
    "lesson-1-lean": lesson_step(Stage.LEAN),
    "lesson-2-tap": lesson_step(Stage.TAP),
    "lesson-3-limits": lesson_step(Stage.LIMITS),
    "lesson-4-ready": lesson_step(Stage.READY),
    "ladder": ladder,
    "versus-setup": versus_setup,
    "play-level-card": play_waiting,
    "play-running": play_running,
    "play-fell": play_fell,
    "play-goal": play_goal,
    "play-offer": play_offer,
    "pause": pause,
    "pause-broom": pause_broom,
    "help-menu": help_over(menu),
    "help-play": help_over(play_running),
    "help-watch": help_over(watch("dqn")),
    "help-takeover": help_over(takeover_agent),
    "help-versus": help_over(versus_waiting),
    "help-versus-setup": help_over(versus_setup),
    "help-replay": help_over(replay(differs=False)),
    "watch-dqn": watch("dqn"),
    "watch-linear": watch("linear"),
    "takeover-agent": takeover_agent,
    "takeover-end": takeover_end,
    "takeover-end-hints": takeover_end_with_hints,
    "versus-waiting": versus_waiting,
    "versus-pause": versus_pause,
    "versus-fast-forward": versus_fast_forward,
    "versus-result": versus_result,
    "versus-summary": versus_summary,
    "versus-level": versus_level,
    "replay-matches": replay(differs=False),
    "replay-differs": replay(differs=True),
    "toasts": toasts,
    "toasts-wind": wind_and_toasts,
    "toasts-menu": menu_toasts,
    "recording": recording,
    "versus-recording": versus_recording,
    **AGENT_STATES,  # agents from other libraries (agent_screens.py)
    **CLONE_STATES,  # Clone me, and racing your clone (clone_screens.py)
    **TEACH_STATES,  # teaching by taking over (teach_screens.py)
}
SLOW_STATES: dict[str, StateDriver] = {  # torch and a worker process
    "train": train_view,
    "help-train": help_over(train_view),
}
