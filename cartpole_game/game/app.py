"""The application: window, fixed-timestep loop and scene stack.

The simulation advances in fixed 0.02 s steps; the screen is drawn once per frame, interpolated
between the last two steps; catch-up is capped. The clock is injectable: headless runs and tests
use a virtual clock that advances exactly one frame (1/60 s) per frame and never sleeps.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable

import pygame  # SDL reads the video driver chosen in App.__init__ at display.init, not at import

from cartpole_game.agents import load_agent
from cartpole_game.core.errors import UserFacingError
from cartpole_game.game.arguments import HUMAN
from cartpole_game.game.config import RunConfig
from cartpole_game.game.input.bindings import dispatch
from cartpole_game.game.input.gamepad import Gamepads
from cartpole_game.game.input.tables import GLOBAL
from cartpole_game.game.loop import Clock, FixedStepAccumulator, RealClock, VirtualClock
from cartpole_game.game.modes import MODES
from cartpole_game.game.recording import GifRecorder, safe_name, save_png, take_screenshot
from cartpole_game.game.render.layout import ARENA, MIN_WINDOW
from cartpole_game.game.render.letterbox import fit, to_logical
from cartpole_game.game.scenes.agent_drop import DropQueue, remember_command_line_agents
from cartpole_game.game.scenes.lesson import first_run_lesson
from cartpole_game.game.summary import write_summary
from cartpole_game.sim.controllers import Controller, ExplainingController, HumanController
from cartpole_game.sim.replay import Replay, load_replay
from cartpole_game.training.live import TrainerWarmer


class App:
    """One game session: owns the display, the scene stack and the loop's timing."""

    def __init__(
        self, config: RunConfig, clock: Clock | None = None, record_frame_times: bool = False
    ):
        if config.headless:
            os.environ["SDL_VIDEODRIVER"] = "dummy"
            os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        from cartpole_game.game.highscores import HighScores, default_data_dir
        from cartpole_game.game.progress import Progress
        from cartpole_game.game.render.arena_view import ArenaRenderer
        from cartpole_game.game.render.hud import Hud
        from cartpole_game.game.render.theme import Theme
        from cartpole_game.game.scenes.base import SceneContext
        from cartpole_game.game.sound import SoundBoard

        self.pygame = pygame
        self.config = config
        mode = MODES[config.mode]
        # Agents and replay files first: bad input is reported before a window opens.
        self.agents = {spec: load_agent(spec) for spec in mode.agents(config)}
        self.replay: Replay | None = load_replay(config.replay) if config.replay else None
        # The menu starts a training worker in the background; closing the game ends it.
        self.trainer_warmer = TrainerWarmer(config.train.algo, enabled=config.train.prewarm)
        virtual = config.headless and not mode.real_time
        self.clock = clock or (VirtualClock() if virtual else RealClock())
        self.window = _open_display(config)
        self.logical_size = (config.display.width, config.display.height)
        self.screen = self.window  # what scenes draw on; a separate surface once resized
        self.letterbox = fit(self.window.get_size(), self.logical_size)
        theme = Theme.create()
        data_dir = config.data_dir or default_data_dir()
        self.ctx = SceneContext(
            config=config,
            theme=theme,
            arena_renderer=ArenaRenderer(theme),
            hud=Hud(theme),
            high_scores=HighScores.load(data_dir / "highscores.json"),
            progress=Progress.load(data_dir / "progress.json"),
            data_dir=data_dir,
            sounds=SoundBoard(),
            time_scale=config.loop.time_scale or 1.0,
            screen_size=(config.display.width, config.display.height),
        )
        self.ctx.modes = MODES
        self.ctx.services = self
        self.ctx.collect_warnings()
        if self.ctx.sounds.problem and not config.headless:
            self.ctx.notify(self.ctx.sounds.problem.capitalize(), 5.0)
        self.recorder = GifRecorder()
        self.gamepads = Gamepads(self.ctx.notify)  # opens pads as they are plugged in
        self.global_bindings = GLOBAL
        self._global_handlers = self.global_handlers()  # every event is looked up: build once
        self.mouse_events = frozenset(
            {pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION}
        )
        self._recording_since = 0
        self.accumulator = FixedStepAccumulator(config.loop.step, config.loop.max_steps_per_frame)
        self.frame_period = 1.0 / config.display.fps
        self.frames_drawn = 0
        self.steps_simulated = 0
        self.frame_cpu_times: list[float] | None = [] if record_frame_times else None
        self.first_frame_at: float | None = None
        self._last_time = self.clock.now()
        self.drops = DropQueue()  # files dropped on the window: opened as agents
        remember_command_line_agents(self.ctx, tuple(self.agents))
        self.ctx.open_mode(config.mode)
        # A player's very first start with a window: the lesson first, over the mode asked for.
        lesson = first_run_lesson(self.ctx)
        if lesson is not None:
            self.ctx.stack.push(lesson)

    @property
    def running(self) -> bool:
        if self.ctx.quit_requested or not len(self.ctx.stack):
            return False
        return self.config.frames is None or self.frames_drawn < self.config.frames

    def frame(self) -> None:
        """Handle events, run the simulation steps that are due, draw once, wait for the next."""
        pygame = self.pygame
        cpu_start = time.process_time()
        now = self.clock.now()
        real_dt = now - self._last_time
        self._last_time = now
        self.drops.process(self.ctx)  # dropped last frame, after drawing "Opening …"
        for event in self.gamepads.events(pygame.event.get()):
            if event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
                self._window_resized()
            if event.type in self.mouse_events and self.screen is not self.window:
                event = pygame.event.Event(
                    event.type, {**event.dict, "pos": to_logical(event.pos, self.letterbox)}
                )
            if event.type == pygame.QUIT:
                self.ctx.quit_requested = True
            elif event.type == pygame.DROPFILE:
                self.drops.add(self.ctx, getattr(event, "file", None))
            elif not dispatch(self.global_bindings, event, self._global_handlers):
                self.ctx.stack.handle_event(event)
        if self.ctx.quit_requested:
            return
        steps = self.accumulator.advance(real_dt, self.ctx.time_scale)
        for _ in range(steps):
            self.ctx.stack.update(self.config.loop.step)
            self.steps_simulated += 1
            if self.ctx.quit_requested:
                break  # the last episode just ended: draw it as it ended
        for toast in self.ctx.toasts:
            toast.seconds_left -= real_dt
        self.ctx.toasts = [t for t in self.ctx.toasts if t.seconds_left > 0]
        self.ctx.stack.draw(self.screen, self.accumulator.alpha)
        self._record_frame()
        self._present()
        pygame.display.flip()
        self.frames_drawn += 1
        if self.first_frame_at is None:
            self.first_frame_at = time.time()
        if self.frame_cpu_times is not None:
            self.frame_cpu_times.append(time.process_time() - cpu_start)
        self.clock.wait_for_next_frame(self.frame_period)

    # -- the window: the 1280×720 picture, letterboxed when the window has another shape --------
    def _window_resized(self) -> None:
        surface = self.pygame.display.get_surface()
        if surface is None:
            return
        width, height = surface.get_size()
        if not self.config.headless and (width < MIN_WINDOW[0] or height < MIN_WINDOW[1]):
            # Without a window manager to honour the minimum size, hold it here.
            window = self.pygame.Window.from_display_module()
            window.size = (max(width, MIN_WINDOW[0]), max(height, MIN_WINDOW[1]))
            surface = self.pygame.display.get_surface() or surface
        self.window = surface
        self.letterbox = fit(surface.get_size(), self.logical_size)
        if surface.get_size() == self.logical_size:
            self.screen = surface
        elif self.screen is self.window or self.screen.get_size() != self.logical_size:
            self.screen = self.pygame.Surface(self.logical_size).convert()

    def _present(self) -> None:
        if self.screen is self.window:
            return
        box = self.letterbox
        self.window.fill((0, 0, 0))
        scaled = self.pygame.transform.smoothscale(self.screen, (box.width, box.height))
        self.window.blit(scaled, (box.left, box.top))

    # -- keys that work everywhere (the GLOBAL table): F12 screenshot, M mute, V record a GIF ----
    def global_handlers(self) -> dict[str, Callable[[], None]]:
        """Key presses only: a global key's release goes on to the scene, which ignores it."""
        return {
            "screenshot": self.save_screenshot_now,
            "mute": self.toggle_mute,
            "record_gif": self.toggle_recording,
        }

    def save_screenshot_now(self) -> None:
        ctx = self.ctx
        try:
            path = take_screenshot(self.screen, ctx.data_dir / "screenshots", self.config.mode)
            ctx.notify(f"Screenshot saved: {path}", 4.0)
        except (OSError, self.pygame.error) as exc:
            ctx.notify(f"Warning: could not save the screenshot: {exc}", 6.0)

    def toggle_mute(self) -> None:
        self.ctx.notify("Sound muted" if self.ctx.sounds.toggle_mute() else "Sound on")

    def toggle_recording(self) -> None:
        ctx = self.ctx
        if self.recorder.active:
            self._finish_recording()
        elif hasattr(ctx.stack.top, "recording_label"):
            try:
                self.recorder.start(ctx.data_dir / "replays", ctx.stack.top)
            except OSError as exc:
                ctx.notify(f"Warning: could not save the GIF: {exc}", 6.0)
                return
            self._recording_since = ctx.episodes_finished
            ctx.notify("Recording this episode to a GIF — V stops")
        else:
            ctx.notify("Nothing to record here")

    def _record_frame(self) -> None:
        recorder = self.recorder
        for message in recorder.messages():
            self.ctx.notify(message, 6.0 if message.startswith("Warning") else 5.0)
        if not recorder.active:
            return
        if recorder.failed:  # the disk refused the GIF; its warning is shown above
            recorder.cancel()
            return
        if self.ctx.stack.top is recorder.scene:  # not while paused, helped or left
            recorder.capture(self.screen)
        if self.ctx.episodes_finished > self._recording_since:
            self._finish_recording()  # the episode ended: this frame, with its banner, is the last
        elif recorder.full:
            self._finish_recording()
            self.ctx.notify("The GIF reached its one-minute limit: recording stopped", 5.0)
        else:
            self.draw_recording_mark(self.screen)

    def draw_recording_mark(self, surface: pygame.Surface) -> None:
        """ "● REC" where the recorded scene keeps room for it (its ``recording_region``)."""
        region = getattr(self.recorder.scene, "recording_region", None) or ARENA.rect("recording")
        self.ctx.hud.draw_recording_mark(surface, region)

    def _finish_recording(self) -> None:
        # The scene recorded names it, even once paused over or closed (quitting pops it first).
        label = getattr(self.recorder.scene, "recording_label", None)
        mode, agent, score = label() if label else (self.config.mode, "", 0)
        now = time.time()
        millis = int(now * 1000) % 1000  # two GIFs in one second keep their own names
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now)) + f".{millis:03d}"
        name = safe_name(mode, agent, f"score{score}", stamp) + ".gif"
        if self.recorder.finish(self.ctx.data_dir / "replays" / name) is not None:
            self.ctx.notify("Saving the GIF…")

    def run(self) -> None:
        while self.running:
            self.frame()

    def save_screenshot(self, path: os.PathLike[str] | str) -> None:
        try:
            save_png(self.screen, path)  # encoded in memory, written atomically
        except (self.pygame.error, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise UserFacingError(f"cannot write screenshot {path}: {reason}") from None

    def close(self) -> None:
        summary = [*self.ctx.episodes]
        for scene in self.ctx.stack.scenes:
            summary.extend(scene.running_episodes())
        while len(self.ctx.stack):
            self.ctx.stack.pop()
        self.trainer_warmer.close()
        if self.recorder.active:
            self._finish_recording()
        # Quitting waits a moment for the GIF's last frames, then drops it rather than hang.
        for message in self.recorder.close(timeout=2.0):
            print(message, file=sys.stderr)
        self.gamepads.close()
        self.ctx.sounds.close()
        self.pygame.display.quit()
        if self.config.summary is not None:
            try:
                write_summary(self.config.summary, summary)
            except OSError as exc:
                raise UserFacingError(
                    f"cannot write the summary {self.config.summary}: {exc.strerror or exc}"
                ) from None

    def agent(self, spec: str) -> ExplainingController:
        """The agent ``spec`` names, loaded once (numpy only, no torch)."""
        if spec not in self.agents:
            self.agents[spec] = load_agent(spec)
        return self.agents[spec]

    def side(self, spec: str) -> Controller:
        return HumanController() if spec == HUMAN else self.agent(spec)


WINDOW_CLASS = "cartpole_game"


def no_display_message(detail: str = "") -> str:
    """Why no window can open: no display named at all, or the named one cannot be opened."""
    hint = "; run with --headless to play without a window"
    named = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if not named:
        return f"no display found (DISPLAY is not set){hint}"
    because = f": {detail}" if detail else ""
    return f"cannot open display {named}{because}{hint}"


def _open_display(config: RunConfig) -> pygame.Surface:
    if (
        not config.headless
        and sys.platform.startswith("linux")
        and not os.environ.get("SDL_VIDEODRIVER")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        raise UserFacingError(no_display_message())
    # pygame sets the class to the script's name ("play.py") when it is imported; the window
    # manager and the dock should see the game's name instead.
    os.environ["SDL_VIDEO_X11_WMCLASS"] = WINDOW_CLASS
    os.environ.setdefault("SDL_VIDEO_WAYLAND_WMCLASS", WINDOW_CLASS)
    try:
        pygame.display.init()
    except pygame.error as exc:
        raise UserFacingError(no_display_message(str(exc))) from None
    driver = pygame.display.get_driver()
    if (
        not config.headless
        and driver in ("offscreen", "dummy")
        and os.environ.get("SDL_VIDEODRIVER") != driver
    ):
        # SDL fell back to an invisible window: the player would see nothing at all.
        pygame.display.quit()
        raise UserFacingError(no_display_message())
    pygame.font.init()
    size = (config.display.width, config.display.height)
    pygame.display.set_caption(config.display.title)
    if not config.headless:
        pygame.display.set_icon(_icon())
    if config.headless:
        return pygame.display.set_mode(size)
    # Resizable; the app letterboxes the 1280×720 picture into whatever shape the window takes,
    # down to MIN_WINDOW: smaller, and the smallest text would no longer be readable.
    window = pygame.display.set_mode(size, pygame.RESIZABLE)
    pygame.Window.from_display_module().minimum_size = MIN_WINDOW
    return window


def _icon() -> pygame.Surface:
    icon = pygame.Surface((32, 32), pygame.SRCALPHA)
    pygame.draw.rect(icon, (72, 160, 232), (4, 20, 24, 8), border_radius=3)
    pygame.draw.line(icon, (245, 184, 76), (16, 21), (20, 2), 4)
    return icon


def run_game(config: RunConfig, report_first_frame: bool = False) -> int:
    """Open the game in ``config.mode`` and run it until quit or a --frames/--episodes bound."""
    app = App(config)

    def quit_on_sigterm(signum: int, frame: object) -> None:
        # Like closing the window: leave the loop, close scenes (training saves its checkpoint).
        app.ctx.quit_requested = True

    previous = signal.signal(signal.SIGTERM, quit_on_sigterm)
    try:
        while app.running:
            app.frame()
            if report_first_frame and app.frames_drawn == 1:
                print(f"first-frame {app.first_frame_at:.6f}", flush=True)
        if config.screenshot is not None:
            app.save_screenshot(config.screenshot)
    finally:
        app.close()
        signal.signal(signal.SIGTERM, previous)
    if app.ctx.exit_message:
        print(app.ctx.exit_message, file=sys.stderr)
    return app.ctx.exit_status
