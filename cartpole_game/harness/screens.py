"""Every screen state of the game, reached headless through the real app loop.

Each state is a function that opens an :class:`App` on a data folder and drives it (keys posted as
events, frames drawn under the virtual clock) until its screen shows that state. ``capture``
draws one more frame with the theme's text log on, so the layout test can check that no two
strings overlap; ``save_all`` (``scripts/screens.py``) writes a PNG of each state.

Text drawn without ``blit_text`` (the toasts, the chart's labels) is not in the text log.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import pygame

from cartpole_game.game.app import App
from cartpole_game.game.config import LoopConfig, RunConfig, TrainConfig
from cartpole_game.game.render.layout import LayoutLog, PanelEntry, SpriteEntry, TextEntry
from cartpole_game.game.scenes.arena_scene import ArenaScene
from cartpole_game.game.scenes.lesson import LessonScene
from cartpole_game.game.scenes.lesson_steps import Stage
from cartpole_game.game.scenes.overlays import HelpOverlay
from cartpole_game.game.scenes.play import OfferOverlay
from cartpole_game.game.scenes.versus import VersusScene
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.levels import LEVELS
from cartpole_game.sim.replay import Replay

TextLog = list[tuple[str, pygame.Rect]]
StateDriver = Callable[[Path], App]

SEED = 0


# -- driving the app ------------------------------------------------------------------------------
def open_app(data_dir: Path, mode: str, **config: object) -> App:
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    config.setdefault("seed", SEED)
    return App(RunConfig(mode=mode, headless=True, data_dir=data_dir, **config))  # type: ignore[arg-type]


def post_key(code: int, kind: int = pygame.KEYDOWN) -> None:
    pygame.event.post(pygame.event.Event(kind, key=code, mod=0, unicode="", scancode=0))


def tap(app: App, code: int) -> None:
    """Press and release ``code``, then draw a frame."""
    post_key(code)
    post_key(code, pygame.KEYUP)
    app.frame()


def frames(app: App, count: int) -> None:
    for _ in range(count):
        app.frame()


def frames_until(app: App, done: Callable[[], bool], limit: int) -> None:
    for _ in range(limit):
        if done():
            return
        app.frame()
    if not done():
        raise RuntimeError(f"the state was not reached within {limit} frames")


def arena_scene(app: App) -> ArenaScene:
    for scene in reversed(app.ctx.stack.scenes):
        if isinstance(scene, ArenaScene):
            return scene
    raise RuntimeError("no arena scene on the stack")


def versus_scene(app: App) -> VersusScene:
    top = app.ctx.stack.top
    if not isinstance(top, VersusScene):
        raise RuntimeError(f"not the versus scene: {type(top).__name__}")
    return top


def hold_until_fallen(app: App, code: int = pygame.K_LEFT, limit: int = 600) -> None:
    scene = arena_scene(app)
    post_key(code)
    frames_until(app, lambda: scene.arena.done, limit)
    post_key(code, pygame.KEYUP)
    app.frame()


def balance_until_done(app: App, limit: int) -> None:
    """A steady player: holds the key toward where the pole is going until the run ends."""
    scene = arena_scene(app)
    held: int | None = None
    for _ in range(limit):
        if scene.arena.done:
            break
        x, x_dot, theta, theta_dot = (float(v) for v in scene.arena.state)
        want = (
            pygame.K_RIGHT
            if theta + 0.3 * theta_dot + 0.01 * x + 0.02 * x_dot > 0
            else pygame.K_LEFT
        )
        if want != held:
            if held is not None:
                post_key(held, pygame.KEYUP)
            post_key(want)
            held = want
        app.frame()
    if held is not None:
        post_key(held, pygame.KEYUP)
    app.frame()


def press_help(app: App) -> App:
    tap(app, pygame.K_h)
    if not isinstance(app.ctx.stack.top, HelpOverlay):
        raise RuntimeError(f"H opened no help over {type(app.ctx.stack.top).__name__}")
    return app


def write_replay(data_dir: Path, differs: bool) -> Path:
    """A short recorded run (nobody pushes), true to its playback or not."""
    data_dir.mkdir(parents=True, exist_ok=True)
    arena = Arena(HumanController(), seed=3)
    while not arena.done:
        arena.step()
    replay = Replay.from_arena(arena, "play", 1.0)
    if differs:
        replay = dataclasses.replace(replay, score=replay.score + 7)
    path = data_dir / ("differs.json" if differs else "matches.json")
    replay.save(path)
    return path


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
}
SLOW_STATES: dict[str, StateDriver] = {  # torch and a worker process
    "train": train_view,
    "help-train": help_over(train_view),
}


# -- capturing ------------------------------------------------------------------------------------
def capture(app: App) -> list[LayoutLog]:
    """Draw one more frame, then redraw its scenes on a copy with the layout log on: the strings,
    panels and sprites each visible scene drew and where, one log per scene, bottom first.

    An overlay (pause, help) draws over the scene under it on purpose, so strings and panels are
    compared within a scene; only sprites (the cart, the pole) must stay clear of what any scene
    above them draws, unless a modal panel (help) covers them."""
    app.frame()
    scenes = app.ctx.stack.scenes
    first = len(scenes) - 1
    while first > 0 and scenes[first].is_overlay:
        first -= 1
    scratch = app.screen.copy()
    theme = app.ctx.theme
    layers: list[LayoutLog] = []
    try:
        for scene in scenes[max(first, 0) :]:
            theme.layout_log = LayoutLog()
            scene.draw(scratch, app.accumulator.alpha)
            if scene is scenes[-1] and app.recorder.active:
                app.draw_recording_mark(scratch)  # drawn by the app over the top scene
            layers.append(theme.layout_log)
    finally:
        theme.layout_log = None
    return layers


def _unique_texts(log: LayoutLog) -> list[TextEntry]:
    """The strings drawn, empty ones left out and a repeated draw (same text, same rect) once."""
    unique: list[TextEntry] = []
    for entry in log.texts:
        if entry.rect.width == 0 or entry.rect.height == 0:
            continue
        if not any(entry.text == u.text and entry.rect == u.rect for u in unique):
            unique.append(entry)
    return unique


def _unique_panels(log: LayoutLog) -> list[PanelEntry]:
    unique: list[PanelEntry] = []
    for panel in log.panels:
        if not any(panel.name == p.name and panel.rect == p.rect for p in unique):
            unique.append(panel)
    return unique


def _where(rect: pygame.Rect) -> str:
    return str(tuple(rect))


def _text_problems(texts: list[TextEntry], panels: list[PanelEntry]) -> list[str]:
    """Strings overlapping strings; strings crossing a panel's edge; panels drawn over strings
    drawn before them (a toast over a readout); a panel's own strings come after it."""
    problems: list[str] = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if a.rect.colliderect(b.rect):
                problems.append(f"{a.text!r} {_where(a.rect)} overlaps {b.text!r} {_where(b.rect)}")
    for text in texts:
        for panel in panels:
            if not panel.rect.colliderect(text.rect):
                continue
            if panel.seq > text.seq:
                problems.append(f"panel {panel.name} {_where(panel.rect)} covers {text.text!r}")
            elif not panel.rect.contains(text.rect):
                problems.append(
                    f"{text.text!r} {_where(text.rect)} crosses the edge of panel {panel.name} "
                    f"{_where(panel.rect)}"
                )
    return problems


def _layer_problems(log: LayoutLog, screen: pygame.Rect) -> list[str]:
    """Within one scene: the strings' problems (``_text_problems``), panels overlapping (one
    inside another is fine), and anything off the screen or out of its region."""
    texts, panels = _unique_texts(log), _unique_panels(log)
    problems = [
        f"{t.text!r} {_where(t.rect)} is off the screen"
        for t in texts
        if not screen.contains(t.rect)
    ]
    for panel in panels:
        if not screen.contains(panel.rect):
            problems.append(f"panel {panel.name} {_where(panel.rect)} is off the screen")
        if panel.region is not None and not panel.region.contains(panel.rect):
            problems.append(
                f"panel {panel.name} {_where(panel.rect)} leaves its region {_where(panel.region)}"
            )
    for i, a in enumerate(panels):
        for b in panels[i + 1 :]:
            nested = a.rect.contains(b.rect) or b.rect.contains(a.rect)
            if a.rect.colliderect(b.rect) and not nested:
                problems.append(
                    f"panel {a.name} {_where(a.rect)} overlaps panel {b.name} {_where(b.rect)}"
                )
    return problems + _text_problems(texts, panels)


def _sprite_problems(layers: list[LayoutLog]) -> list[str]:
    """Strings and panels that cover a sprite (the cart, the pole) drawn by their scene or one
    below, except inside a modal panel that covers the scene on purpose."""
    problems: list[str] = []
    sprites: list[SpriteEntry] = []
    for log in layers:
        sprites += log.sprites
        covers = [p.rect for p in log.panels if p.covers]
        things = [(repr(t.text), t.rect) for t in _unique_texts(log)]
        things += [(f"panel {p.name}", p.rect) for p in _unique_panels(log) if not p.covers]
        for label, rect in things:
            if any(c.contains(rect) for c in covers):
                continue
            problems += [
                f"{label} {_where(rect)} covers the {s.name}" for s in sprites if s.hits(rect)
            ]
    return problems


def collisions(layers: Iterable[LayoutLog], size: tuple[int, int]) -> list[str]:
    """Everything on these layers that collides (see ``_layer_problems`` and
    ``_sprite_problems``). Two identical draws are one."""
    screen = pygame.Rect((0, 0), size)
    layers = list(layers)
    problems: list[str] = []
    for log in layers:
        problems += _layer_problems(log, screen)
    return problems + _sprite_problems(layers)


def shoot(name: str, data_dir: Path) -> list[str]:
    """Reach state ``name`` on ``data_dir``; its collisions."""
    driver = STATES.get(name) or SLOW_STATES[name]
    app = driver(data_dir)
    try:
        return collisions(capture(app), app.screen.get_size())
    finally:
        app.close()


def save_all(
    out: Path, names: Iterable[str] | None = None, report: Callable[[str], None] = print
) -> dict[str, list[str]]:
    """A PNG of every state (``names``: only those) in ``out``; the collisions each one has."""
    import tempfile

    from cartpole_game.game.recording import save_png

    out.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[str]] = {}
    for name in names or [*STATES, *SLOW_STATES]:
        with tempfile.TemporaryDirectory() as tmp:
            driver = STATES.get(name) or SLOW_STATES[name]
            app = driver(Path(tmp))
            try:
                log = capture(app)
                save_png(app.screen, out / f"{name}.png")
                found[name] = collisions(log, app.screen.get_size())
            finally:
                app.close()
        problems = found[name]
        report(f"{name}.png: " + ("ok" if not problems else f"{len(problems)} collision(s)"))
        for problem in problems:
            report(f"    {problem}")
    return found
