"""A first-run lesson of about 30 seconds: lean right, push right; tap, don't hold; what ends a run.

Three short steps on level 1's long pole, in slow motion, each with a live arena, then "You're
ready!" and Enter starts play. It is shown once, before anything else, on a player's first
windowed start (:func:`first_run_lesson`), and the menu offers it ever after. Esc skips it at any
moment; done or skipped, the player's progress remembers that it was seen.

1. *The pole leans right? Push right.* The pole is held leaning to one side with a big arrow;
   the first push lets it go. Pushing the way it leans brings it back upright; a wrong push, or
   none, lets it fall, and the round starts again. Once leaning right, once leaning left.
2. *Tap, don't hold.* Short taps (a push of at most ``TAP_MAX_STEPS`` steps) count; a long
   hold overshoots, and the lesson says so. Three good taps and the pole kept up for
   ``KEEP_UP_STEPS`` steps.
3. *What ends a run.* The ±12° lines and the ±2.4 m posts, outlined and named, and the goal of
   a level with its medals. Any key goes on.
"""

from __future__ import annotations

import dataclasses
import enum
import math

import numpy as np
import pygame

from cartpole_game.game.input.bindings import COMMAND_EVENTS, dispatch
from cartpole_game.game.input.tables import LESSON
from cartpole_game.game.render.arena_view import draw_arrow, lerp_color, view_fitting_pole
from cartpole_game.game.render.medal import draw_medal
from cartpole_game.game.render.theme import Color, Palette, blit_text, fit_text
from cartpole_game.game.render.transform import WorldView, world_to_screen
from cartpole_game.game.scenes.base import MenuEntry, ModeSpec, Scene, SceneContext, always
from cartpole_game.game.scenes.overlays import draw_toasts
from cartpole_game.sim.actions import PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.levels import LEVELS, MEDAL_SHARES, MEDALS, Level, medal_steps

# -- pacing (times are game seconds; at LESSON_TIME_SCALE a game second lasts two real ones) --
LESSON_TIME_SCALE = 0.5  # level 1's own slow motion
LEAN_RAD = 0.10  # step 1's lean, about 6°: plainly visible on the long pole
UPRIGHT_RAD = 0.035  # back within 2° of upright: the push worked
LEAN_WAIT_S = 2.0  # the leaning pole waits this long (4 s real) for a push, then falls by itself
RETRY_S = 1.0  # after a fall: the pole topples and the message is read, then it starts again
CHEER_S = 0.8  # a success is shown this long before the lesson goes on
TAP_START_RAD = 0.03  # step 2 starts nearly upright
TAP_MAX_STEPS = 4  # a push this many steps long or less is a tap (about 0.16 s at 0.5×)
TAPS_NEEDED = 3
KEEP_UP_STEPS = 75  # step 2 also asks the pole to stay up this long (1.5 s of game, 3 s real)
READ_S = 0.5  # step 3 and the end ignore keys this long: a key meant for before cannot skip them
LEAN_SIDES = (1, -1)  # step 1's rounds: leaning right, then leaning left

# -- layout (1280×720) --------------------------------------------------------------------------
TOP_PANEL = pygame.Rect(32, 16, 1216, 140)
BOTTOM_PANEL = pygame.Rect(32, 590, 1216, 114)
BASE_VIEW = WorldView(0, 0, 1280, 720, half_span_m=3.0, ground_frac=0.74)
MARKER_NOTE = pygame.Rect(80, 196, 420, 92)
POST_NOTE = pygame.Rect(780, 196, 420, 92)
SIDE_COLUMN = 290  # width of the bottom panel's left and right columns in step 2


class Stage(enum.IntEnum):
    LEAN = 0
    TAP = 1
    LIMITS = 2
    READY = 3


class Phase(enum.Enum):
    WAIT = "wait"  # the pole is held still until the first push
    LIVE = "live"  # the physics runs
    FELL = "fell"  # it fell: the message shows, then the round starts again
    CHEER = "cheer"  # it worked: the message shows, then the lesson goes on


STEP_TITLES = {
    Stage.LEAN: "The pole leans right? Push right.",
    Stage.TAP: "Tap, don't hold.",
    Stage.LIMITS: "What ends a run",
}


def key_name(direction: int) -> str:
    return "→" if direction > 0 else "←"


def side_name(direction: int) -> str:
    return "right" if direction > 0 else "left"


class LessonScene(Scene):
    """The lesson: three steps, then "You're ready!"; Enter plays, Esc skips."""

    bindings = LESSON

    def __init__(self, ctx: SceneContext) -> None:
        super().__init__(ctx)
        self.level = LEVELS[0]
        self.human = HumanController()
        # The level's physics without its goal: a lesson round never ends by reaching it.
        params = dataclasses.replace(self.level.params, max_episode_steps=10**9)
        self.arena = Arena(self.human, seed=ctx.config.seed, params=params)
        self.renderer = ctx.arena_renderer.for_params(self.level.params)
        self.view = view_fitting_pole(BASE_VIEW, self.level.params, TOP_PANEL.bottom)
        # Slow motion while the lesson runs; the speed the player had comes back when it ends.
        self._time_scale_before: float | None = ctx.time_scale
        ctx.time_scale = LESSON_TIME_SCALE
        self.stage = Stage.LEAN
        self.phase = Phase.WAIT
        self.phase_time = 0.0
        self.clock = 0.0  # game seconds since the lesson began, for pulsing cues
        self.lean_round = 0
        self.wrong_push = False  # step 1: this attempt saw a push against the lean
        self.good_taps = 0
        self.hold_direction: int | None = None  # the key being held now, and for how many steps
        self.hold_steps = 0
        self.too_long_for = 0.0  # step 2: "too long" shows while this counts down
        self.tap_flash = 0.0  # step 2: "good tap" shows while this counts down
        self.long_press = False  # step 2: the last push was held too long
        self.message = ""
        self.message_color: Color = ctx.theme.palette.text
        self._start_lean_round()

    # -- where the lesson is going -----------------------------------------------------------
    @property
    def lean_side(self) -> int:
        return LEAN_SIDES[self.lean_round]

    def next_level(self) -> Level:
        """The level Enter will play: the one asked for on the command line, else the next one."""
        wanted = self.ctx.config.level
        return LEVELS[wanted - 1] if wanted is not None else self.ctx.progress.current_level()

    def _place(self, theta: float) -> None:
        """A new round: a fresh episode with the cart centred and the pole at ``theta``, still."""
        arena = self.arena
        arena.reset()
        arena.env.set_state([0.0, 0.0, theta, 0.0])
        assert arena.env.state is not None
        arena.state = arena.env.state.copy()
        arena.previous_state = arena.state.copy()
        arena.observation = arena.state.astype(np.float32)
        self.human.release_all()  # a new round waits for a new press
        self.hold_direction = None
        self.hold_steps = 0
        self.phase = Phase.WAIT
        self.phase_time = 0.0

    def _start_lean_round(self) -> None:
        self._place(self.lean_side * LEAN_RAD)
        self.wrong_push = False
        self.say(f"It leans {side_name(self.lean_side)}: press {key_name(self.lean_side)}")

    def _start_tap_round(self) -> None:
        self._place(TAP_START_RAD)
        self.long_press = False
        self.say("Tap the way it leans to start")

    def _go_to(self, stage: Stage) -> None:
        self.stage = stage
        self.phase_time = 0.0
        if stage is Stage.TAP:
            self._start_tap_round()
        elif stage is Stage.LIMITS:
            self._place(0.0)
            self.phase = Phase.CHEER  # nothing runs; the picture is explained
            self.say("Press any key to go on")
        elif stage is Stage.READY:
            self.human.release_all()
            self.ctx.progress.mark_lesson_seen()
            self.ctx.collect_warnings()
            self.ctx.sounds.play("win")

    def say(self, text: str, color: Color | None = None) -> None:
        self.message = text
        self.message_color = color or self.ctx.theme.palette.text

    # -- input --------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type in COMMAND_EVENTS:
            handled = dispatch(
                self.bindings,
                event,
                {
                    "push_left": lambda: self.press(PUSH_LEFT),
                    "push_right": lambda: self.press(PUSH_RIGHT),
                    "continue": self.go_on,
                    "back": self.skip,
                },
                {
                    "push_left": lambda: self.release(PUSH_LEFT),
                    "push_right": lambda: self.release(PUSH_RIGHT),
                },
            )
            if not handled and event.type == pygame.KEYDOWN and self.stage is Stage.LIMITS:
                self.go_on()  # step 3: any key
        elif event.type == pygame.WINDOWFOCUSLOST:
            # Key-ups are lost with the focus; a held key must not keep pushing.
            self.human.release_all()
            self.hold_direction = None

    def press(self, action: int) -> None:
        direction = 1 if action == PUSH_RIGHT else -1
        if self.stage is Stage.LIMITS:
            self.go_on()
            return
        if self.stage is Stage.READY or self.phase in (Phase.FELL, Phase.CHEER):
            return
        self.human.press(action)
        self.ctx.sounds.play("push")
        self.hold_direction = direction
        self.hold_steps = 0
        if self.stage is Stage.LEAN:
            if direction != self.lean_side:
                self.wrong_push = True
                self.say(f"Other way! It leans {side_name(self.lean_side)}", self.palette.warn)
            else:
                self.say("That's it…", self.palette.good)
        self.phase = Phase.LIVE

    def release(self, action: int) -> None:
        self.human.release(action)
        direction = 1 if action == PUSH_RIGHT else -1
        if self.hold_direction != direction:
            return
        self.hold_direction = None
        if self.stage is not Stage.TAP or self.phase is not Phase.LIVE:
            return
        pushed = max(1, self.hold_steps)  # a tap between two steps still pushes for one
        if pushed <= TAP_MAX_STEPS:
            self.good_taps = min(TAPS_NEEDED, self.good_taps + 1)
            self.tap_flash = 0.5
            self.too_long_for = 0.0
            self.long_press = False
        else:
            self.too_long_for = 1.2
            self.long_press = True

    def go_on(self) -> None:
        """Enter (or, in step 3, any key): on to what comes next."""
        if self.stage is Stage.LIMITS and self.phase_time >= READ_S:
            self._go_to(Stage.READY)
        elif self.stage is Stage.READY and self.phase_time >= READ_S:
            self.start_play()

    def skip(self) -> None:
        """Esc: the lesson counts as seen; back to what it covered (the menu, or play)."""
        self.ctx.progress.mark_lesson_seen()
        self.restore_time_scale()
        self.ctx.go_back()

    def start_play(self) -> None:
        self.ctx.progress.mark_lesson_seen()
        self.restore_time_scale()  # before play opens: play sets its level's own speed
        self.ctx.open_mode("play")

    def restore_time_scale(self) -> None:
        if self._time_scale_before is not None:
            self.ctx.time_scale = self._time_scale_before
            self._time_scale_before = None

    def on_exit(self) -> None:
        # Closing the window in the middle skips it too: the menu still offers it.
        self.ctx.progress.mark_lesson_seen()
        self.restore_time_scale()

    # -- simulation ---------------------------------------------------------------------------
    @property
    def palette(self) -> Palette:
        return self.ctx.theme.palette

    def update(self, dt: float) -> None:
        self.clock += dt
        self.phase_time += dt
        self.too_long_for = max(0.0, self.too_long_for - dt)
        self.tap_flash = max(0.0, self.tap_flash - dt)
        if self.stage is Stage.LEAN:
            self._update_lean()
        elif self.stage is Stage.TAP:
            self._update_tap()

    def _step(self) -> None:
        if self.hold_direction is not None:
            self.hold_steps += 1
        self.arena.step()

    def _fell(self, text: str) -> None:
        self.phase = Phase.FELL
        self.phase_time = 0.0
        self.human.release_all()
        self.hold_direction = None
        self.ctx.sounds.play("fall")
        self.say(text, self.palette.bad)

    def _cheer(self, text: str) -> None:
        self.phase = Phase.CHEER
        self.phase_time = 0.0
        self.human.release_all()
        self.hold_direction = None
        self.say(text, self.palette.good)

    def _update_lean(self) -> None:
        if self.phase is Phase.WAIT and self.phase_time >= LEAN_WAIT_S:
            self.phase = Phase.LIVE  # nobody pushed: it falls by itself
            self.say(f"Quick, press {key_name(self.lean_side)}!", self.palette.warn)
        if self.phase is Phase.LIVE:
            self._step()
            theta = float(self.arena.state[2])
            if self.arena.done:
                side = key_name(self.lean_side)
                why = "the wrong way" if self.wrong_push else "too late"
                self._fell(f"It fell: that was {why}. Again: press {side}")
            elif theta * self.lean_side < UPRIGHT_RAD:
                self._cheer("Yes! Push the way it leans, and it comes back up.")
        elif self.phase is Phase.FELL and self.phase_time >= RETRY_S:
            self._start_lean_round()
        elif self.phase is Phase.CHEER and self.phase_time >= CHEER_S:
            if self.lean_round + 1 < len(LEAN_SIDES):
                self.lean_round += 1
                self._start_lean_round()
            else:
                self._go_to(Stage.TAP)

    def _update_tap(self) -> None:
        if self.phase is Phase.LIVE:
            self._step()
            if self.hold_direction is not None and self.hold_steps > TAP_MAX_STEPS:
                self.too_long_for = 1.2
            if self.arena.done:
                if self.long_press or self.too_long_for > 0:
                    self._fell("It swung over: let go sooner")
                else:
                    self._fell("It fell: tap a little sooner")
            elif self.good_taps >= TAPS_NEEDED and self.arena.score >= KEEP_UP_STEPS:
                self._cheer("That's it: tap, let go, tap again.")
            elif self.too_long_for > 0:
                self.say("Too long — let go sooner", self.palette.warn)
            elif self.tap_flash > 0:
                self.say("Good tap!", self.palette.good)
            elif self.good_taps >= TAPS_NEEDED:
                self.say("Keep it up a moment longer…")
            else:
                self.say("Tap the way it leans, then let go")
        elif self.phase is Phase.FELL and self.phase_time >= RETRY_S:
            self._start_tap_round()
        elif self.phase is Phase.CHEER and self.phase_time >= CHEER_S:
            self._go_to(Stage.LIMITS)

    # -- drawing ------------------------------------------------------------------------------
    def _shown_state(self, alpha: float) -> tuple[float, ...]:
        if self.stage is Stage.LIMITS:
            # A gentle sway between the two lines, so they read as the pole's limits.
            sway = 0.55 * self.level.params.theta_threshold * math.sin(self.clock * 2.2)
            return (0.0, 0.0, sway, 0.0)
        live = self.phase is Phase.LIVE
        return tuple(float(v) for v in self.arena.interpolated_state(alpha if live else 1.0))

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        fell = self.phase is Phase.FELL and self.stage in (Stage.LEAN, Stage.TAP)
        ready = self.stage is Stage.READY
        force = self.arena.env.last_force if self.phase is Phase.LIVE else 0.0
        self.renderer.draw(
            surface,
            self.view,
            self._shown_state(alpha),
            force=force,
            fallen_for=self.phase_time if fell else None,
            finished_for=self.phase_time if ready else None,
            clock=self.clock,
            tension=self.stage in (Stage.LEAN, Stage.TAP),
        )
        if self.stage is Stage.READY:
            self._draw_ready(surface)
        else:
            self._draw_top(surface)
            if self.stage is Stage.LEAN:
                self._draw_lean_cue(surface, alpha)
                self._draw_bottom_message(surface)
            elif self.stage is Stage.TAP:
                self._draw_tap_panel(surface)
            else:
                self._draw_limits(surface)
        draw_toasts(surface, self.ctx)

    def _draw_top(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        rect = TOP_PANEL
        surface.blit(self.ctx.hud.panel(rect.size, 225), rect)
        left = rect.left + 28
        blit_text(
            surface,
            theme,
            f"HOW TO PLAY  ·  STEP {self.stage + 1} OF 3",
            15,
            pal.text_dim,
            (left, rect.top + 16),
            bold=True,
        )
        title = STEP_TITLES[self.stage]
        if self.stage is Stage.LEAN and self.lean_side < 0:
            title = "The pole leans left? Push left."
        blit_text(surface, theme, title, 40, pal.accent, (left, rect.top + 40), bold=True)
        blit_text(surface, theme, self._subtitle(), 21, pal.text, (left, rect.top + 98))
        # Right: the three steps as dots, and how to skip.
        right = rect.right - 28
        blit_text(
            surface,
            theme,
            self.bindings.status_line(("back",)),
            16,
            pal.text_dim,
            (right, rect.top + 16),
            "topright",
        )
        for i in range(3):
            center = (right - 12 - (2 - i) * 34, rect.top + 62)
            if i < self.stage:
                pygame.draw.circle(surface, pal.good, center, 10)
            elif i == self.stage:
                pygame.draw.circle(surface, pal.accent, center, 11)
            else:
                pygame.draw.circle(surface, pal.panel_edge, center, 10, 3)

    def _subtitle(self) -> str:
        if self.stage is Stage.LEAN:
            return (
                "Push the cart the way the pole leans, and the cart gets back under it. "
                f"({self.lean_round + 1} of {len(LEAN_SIDES)})"
            )
        if self.stage is Stage.TAP:
            return (
                f"A short tap is a small push. Hold too long and it swings over. "
                f"{TAPS_NEEDED} good taps, and keep it up."
            )
        return "A run ends when the pole passes 12°, or the cart hits the end of the track."

    def _cart_screen_x(self) -> float:
        return world_to_screen(float(self.arena.state[0]), 0.0, self.view)[0]

    def _draw_lean_cue(self, surface: pygame.Surface, alpha: float) -> None:
        """A big arrow beside the pole, pointing the way to push, with the key to press."""
        if self.phase in (Phase.FELL, Phase.CHEER):
            return
        pal = self.palette
        side = self.lean_side
        cx = world_to_screen(float(self._shown_state(alpha)[0]), 0.0, self.view)[0]
        y = self.view.ground_y - 200
        pushing = self.human.held == (PUSH_RIGHT if side > 0 else PUSH_LEFT)
        beat = 0.5 + 0.5 * math.sin(self.clock * 2 * math.pi * 1.2)
        color = pal.good if pushing else lerp_color(pal.accent, (255, 240, 190), 0.4 * beat)
        tail = cx + side * 90
        length = 190 + (0 if pushing else 14 * beat)
        draw_arrow(surface, color, (tail, y), side, length, 34)
        label_x = tail + side * 95
        blit_text(
            surface,
            self.ctx.theme,
            f"{'pushing' if pushing else 'press'} {key_name(side)}",
            26,
            color,
            (label_x, y - 56),
            "midbottom",
            bold=True,
        )

    def _draw_bottom_message(self, surface: pygame.Surface) -> None:
        rect = BOTTOM_PANEL
        surface.blit(self.ctx.hud.panel(rect.size, 225), rect)
        blit_text(
            surface,
            self.ctx.theme,
            self.message,
            30,
            self.message_color,
            rect.center,
            "center",
            bold=True,
        )

    def _draw_tap_panel(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        rect = BOTTOM_PANEL
        surface.blit(self.ctx.hud.panel(rect.size, 225), rect)
        # Left column: the good taps so far.
        left = rect.left + 28
        blit_text(surface, theme, "GOOD TAPS", 15, pal.text_dim, (left, rect.top + 18), bold=True)
        for i in range(TAPS_NEEDED):
            center = (left + 22 + i * 56, rect.top + 72)
            if i < self.good_taps:
                pygame.draw.circle(surface, pal.good, center, 20)
                blit_text(surface, theme, "✓", 22, pal.panel, center, "center", bold=True)
            else:
                pygame.draw.circle(surface, pal.panel_edge, center, 20, 3)
        # Right column: how long it has stayed up this round.
        right = rect.right - 28
        bar = pygame.Rect(right - (SIDE_COLUMN - 40), rect.top + 62, SIDE_COLUMN - 40, 20)
        blit_text(
            surface, theme, "KEEP IT UP", 15, pal.text_dim, (bar.left, rect.top + 18), bold=True
        )
        shown = 0 if self.phase is Phase.WAIT else self.arena.score
        share = min(1.0, shown / KEEP_UP_STEPS)
        pygame.draw.rect(surface, pal.ground, bar, border_radius=10)
        if share > 0:
            fill = pygame.Rect(bar.left, bar.top, max(20, round(bar.width * share)), bar.height)
            color = pal.good if share >= 1.0 else pal.accent
            pygame.draw.rect(surface, color, fill, border_radius=10)
        pygame.draw.rect(surface, pal.panel_edge, bar, width=2, border_radius=10)
        # Middle: what the player just did.
        middle = pygame.Rect(
            rect.left + SIDE_COLUMN, rect.top, rect.width - 2 * SIDE_COLUMN, rect.height
        )
        text = fit_text(theme, self.message, 28, middle.width - 20, bold=True)
        blit_text(surface, theme, text, 28, self.message_color, middle.center, "center", bold=True)

    def _draw_limits(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        view = self.view
        params = self.level.params
        geo = self.renderer.geometry
        scale = view.pixels_per_metre
        beat = 0.5 + 0.5 * math.sin(self.clock * 2 * math.pi * 0.8)
        glow = lerp_color(pal.accent, (255, 240, 190), 0.5 * beat)
        # The ±12° lines, traced over in the accent colour and named.
        pivot = world_to_screen(0.0, geo.pivot_height, view)
        reach = geo.pole_length * scale * 0.8
        limit = params.theta_threshold
        aims = []  # where the note about the lines points: partway up the left one
        for sign in (-1, 1):
            sin, cos = sign * math.sin(limit), math.cos(limit)
            start = (pivot[0] + 0.25 * reach * sin, pivot[1] - 0.25 * reach * cos)
            end = (pivot[0] + reach * sin, pivot[1] - reach * cos)
            pygame.draw.line(surface, glow, start, end, 5)
            pygame.draw.circle(surface, glow, end, 7)
            anchor = "midright" if sign < 0 else "midleft"
            blit_text(
                surface,
                theme,
                f"{math.degrees(limit):.0f}°",
                22,
                glow,
                (end[0] + sign * 14, end[1]),
                anchor,
                bold=True,
            )
            aims.append((pivot[0] + 0.6 * reach * sin, pivot[1] - 0.6 * reach * cos))
        # The ±2.4 m posts, outlined and named.
        ground = view.ground_y
        posts = []
        for sign in (-1, 1):
            px, _ = world_to_screen(sign * params.x_threshold, 0.0, view)
            # Around the post and its label ("-2.4 m" on its inner side, as the backdrop draws
            # it), and above the ticks under the rail.
            label = f"{'-' if sign < 0 else '+'}{params.x_threshold:g} m"
            label_width = theme.fonts.font(14).size(label)[0]
            ring = pygame.Rect(0, 0, 16 + 10 + label_width + 8, 68)
            ring.bottom = round(ground + 6)
            if sign < 0:
                ring.left = round(px - 16)
            else:
                ring.right = round(px + 16)
            pygame.draw.rect(surface, glow, ring, width=3, border_radius=12)
            posts.append(ring)
        self._note(
            surface,
            MARKER_NOTE,
            f"Past the {math.degrees(limit):.0f}° lines",
            "the pole has fallen: the run ends.",
            (MARKER_NOTE.right - 40, MARKER_NOTE.bottom),
            aims[0],
            glow,
        )
        self._note(
            surface,
            POST_NOTE,
            f"The posts at ±{params.x_threshold:g} m",
            "end the track: touch one, the run ends.",
            (posts[1].right - 16, POST_NOTE.bottom),
            (posts[1].right - 16, posts[1].top),
            glow,
        )
        self._draw_goal(surface)

    def _note(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        title: str,
        body: str,
        start: tuple[float, float],
        end: tuple[float, float],
        color: Color,
    ) -> None:
        """A callout: a panel with two lines and a line from it to what it names."""
        theme = self.ctx.theme
        pygame.draw.line(surface, color, start, end, 3)
        pygame.draw.circle(surface, color, start, 5)
        surface.blit(self.ctx.hud.panel(rect.size, 235), rect)
        pygame.draw.rect(surface, color, rect, width=2, border_radius=12)
        blit_text(surface, theme, title, 24, color, (rect.left + 20, rect.top + 14), bold=True)
        blit_text(surface, theme, body, 19, theme.palette.text, (rect.left + 20, rect.top + 54))

    def _draw_goal(self, surface: pygame.Surface) -> None:
        """The bottom panel of step 3: a level's goal and its medals."""
        theme = self.ctx.theme
        pal = theme.palette
        rect = BOTTOM_PANEL
        surface.blit(self.ctx.hud.panel(rect.size, 225), rect)
        level = self.next_level()
        seconds = level.goal_steps * level.physics.tau
        left = rect.left + 28
        blit_text(
            surface,
            theme,
            f"A level's goal: keep it up {level.goal_steps} steps",
            24,
            pal.text,
            (left, rect.top + 16),
            bold=True,
        )
        blit_text(
            surface,
            theme,
            f"Level {level.number}, {level.name}: {seconds:g} s of balancing",
            18,
            pal.text_dim,
            (left, rect.top + 54),
        )
        go_on = "any key to go on" if self.phase_time >= READ_S else ""
        blit_text(surface, theme, go_on, 18, pal.accent, (left, rect.bottom - 14), "bottomleft")
        # Medals at a third, two thirds and all of the goal.
        x = rect.right - 28 - 3 * 180
        for medal, share in zip(MEDALS, MEDAL_SHARES, strict=True):
            steps = medal_steps(level.goal_steps, share)
            draw_medal(surface, (x + 26, rect.top + 70), 18, medal)
            blit_text(surface, theme, medal, 20, pal.text, (x + 56, rect.top + 34), bold=True)
            blit_text(surface, theme, f"{steps} steps", 18, pal.text_dim, (x + 56, rect.top + 62))
            x += 180

    def _draw_ready(self, surface: pygame.Surface) -> None:
        """The end: the level that comes next above, Enter to play it below."""
        theme = self.ctx.theme
        pal = theme.palette
        level = self.next_level()
        top = TOP_PANEL
        surface.blit(self.ctx.hud.panel(top.size, 225), top)
        pygame.draw.rect(
            surface,
            pal.good,
            (top.left, top.top, top.width, 6),
            border_top_left_radius=12,
            border_top_right_radius=12,
        )
        left = top.left + 28
        blit_text(surface, theme, "You're ready!", 50, pal.good, (left, top.top + 18), bold=True)
        tagline = fit_text(theme, level.tagline, 21, top.width - 56)
        blit_text(surface, theme, tagline, 21, pal.text, (left, top.top + 98))
        name = f"Level {level.number}: {level.name}"
        blit_text(
            surface,
            theme,
            name,
            34,
            pal.accent,
            (top.right - 28, top.top + 30),
            "topright",
            bold=True,
        )
        bottom = BOTTOM_PANEL
        surface.blit(self.ctx.hud.panel(bottom.size, 225), bottom)
        blit_text(
            surface,
            theme,
            f"Enter  start level {level.number}",
            32,
            pal.accent,
            (bottom.centerx, bottom.top + 16),
            "midtop",
            bold=True,
        )
        back = "Esc  back" if len(self.ctx.stack) > 1 else "Esc  back to the menu"
        blit_text(
            surface,
            theme,
            f'{back}   ·   the menu\'s "How to play" shows this lesson again',
            17,
            pal.text_dim,
            (bottom.centerx, bottom.bottom - 16),
            "midbottom",
        )


def first_run_lesson(ctx: SceneContext) -> Scene | None:
    """The lesson to show before anything else, or None: only on a player's very first start
    with a window, into the menu or play (headless runs and tests never see it)."""
    config = ctx.config
    if config.headless or ctx.progress.lesson_seen or config.mode not in ("menu", "play"):
        return None
    return LessonScene(ctx)


MODE = ModeSpec(
    name="lesson",
    help="a 30-second lesson: which way to push, tap don't hold, what ends a run",
    make_scene=lambda services: LessonScene(services.ctx),
    waits_for_player=always,
    menu=MenuEntry("How to play", "a 30-second lesson"),
)
