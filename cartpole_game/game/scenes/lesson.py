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

The lesson lives in three modules: :mod:`cartpole_game.game.scenes.lesson_steps` holds its state
and steps, :mod:`cartpole_game.game.scenes.lesson_draw` draws it, and this one makes it a scene
with keys, and the mode the menu and the command line open.
"""

from __future__ import annotations

import pygame

from cartpole_game.game.input.bindings import COMMAND_EVENTS, dispatch
from cartpole_game.game.input.tables import LESSON
from cartpole_game.game.scenes.base import MenuEntry, ModeSpec, Scene, SceneContext, always
from cartpole_game.game.scenes.lesson_draw import LessonPainter
from cartpole_game.game.scenes.lesson_steps import (
    CHEER_S,
    KEEP_UP_STEPS,
    LEAN_RAD,
    LEAN_SIDES,
    LEAN_WAIT_S,
    LESSON_TIME_SCALE,
    READ_S,
    RETRY_S,
    TAP_MAX_STEPS,
    TAP_START_RAD,
    TAPS_NEEDED,
    UPRIGHT_RAD,
    LessonSteps,
    Phase,
    Stage,
)
from cartpole_game.sim.actions import PUSH_LEFT, PUSH_RIGHT

# The lesson's pacing and states are named from here too, where callers and tests have always
# found them.
__all__ = [
    "CHEER_S",
    "KEEP_UP_STEPS",
    "LEAN_RAD",
    "LEAN_SIDES",
    "LEAN_WAIT_S",
    "LESSON_TIME_SCALE",
    "MODE",
    "READ_S",
    "RETRY_S",
    "TAPS_NEEDED",
    "TAP_MAX_STEPS",
    "TAP_START_RAD",
    "UPRIGHT_RAD",
    "LessonScene",
    "Phase",
    "Stage",
    "first_run_lesson",
]


class LessonScene(LessonSteps):
    """The lesson: three steps, then "You're ready!"; Enter plays, Esc skips."""

    bindings = LESSON

    def __init__(self, ctx: SceneContext) -> None:
        super().__init__(ctx)
        self.painter = LessonPainter(ctx, self.level)

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

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        self.painter.draw(surface, self, alpha)


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
    keeps_replays=False,  # its rounds start from set poses, not from a seed: no replays
)
