"""The lesson's steps as a state machine: where the lesson is, what a push means in each step,
and when it goes on.

:class:`LessonSteps` holds a lesson's state (its stage and phase, the arena it plays on, the taps
so far, the words to show) and moves it along with the keys and the clock. The scene in
:mod:`cartpole_game.game.scenes.lesson` gives it its keys, and
:mod:`cartpole_game.game.scenes.lesson_draw` draws it.
"""

from __future__ import annotations

import dataclasses
import enum

import numpy as np

from cartpole_game.game.render.theme import Color, Palette
from cartpole_game.game.scenes.base import Scene, SceneContext
from cartpole_game.sim.actions import PUSH_RIGHT
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.levels import LEVELS, Level

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


class LessonSteps(Scene):
    """The lesson's state and its steps, keys and drawing aside: three steps, then "You're
    ready!"; what a push, Enter and Esc do at each moment, and what the clock moves on."""

    def __init__(self, ctx: SceneContext) -> None:
        super().__init__(ctx)
        self.level = LEVELS[0]
        self.human = HumanController()
        # The level's physics without its goal: a lesson round never ends by reaching it.
        params = dataclasses.replace(self.level.params, max_episode_steps=10**9)
        self.arena = Arena(self.human, seed=ctx.config.seed, params=params)
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

    # -- what the panel says ------------------------------------------------------------------
    def title(self) -> str:
        """The step's name, as the panel above shows it."""
        if self.stage is Stage.LEAN and self.lean_side < 0:
            return "The pole leans left? Push left."
        return STEP_TITLES[self.stage]

    def subtitle(self) -> str:
        """The line under the step's name: what the step teaches."""
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

    # -- what the keys do ---------------------------------------------------------------------
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

    # -- leaving ------------------------------------------------------------------------------
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
