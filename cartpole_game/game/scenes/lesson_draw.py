"""The lesson's drawing: the live arena, a panel above naming the step, and each step's cues.

:class:`LessonPainter` draws a :class:`~cartpole_game.game.scenes.lesson_steps.LessonSteps` as it
stands: step 1's big arrow, step 2's taps and keep-up bar, step 3's outlined limits with their
callouts and a level's medals, and the closing "You're ready!". It only reads the lesson.
"""

from __future__ import annotations

import math

import pygame

from cartpole_game.game.render.arena_view import draw_arrow, lerp_color, view_fitting_pole
from cartpole_game.game.render.layout import LESSON_LAYOUT
from cartpole_game.game.render.medal import draw_medal
from cartpole_game.game.render.theme import Color, blit_text, fit_text
from cartpole_game.game.render.transform import WorldView, world_to_screen
from cartpole_game.game.scenes.base import SceneContext
from cartpole_game.game.scenes.lesson_steps import (
    KEEP_UP_STEPS,
    READ_S,
    TAPS_NEEDED,
    LessonSteps,
    Phase,
    Stage,
    key_name,
)
from cartpole_game.game.scenes.overlays import draw_toasts
from cartpole_game.sim.actions import PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.levels import MEDAL_SHARES, MEDALS, Level, medal_steps

# -- layout (1280×720) --------------------------------------------------------------------------
TOP_PANEL = pygame.Rect(32, 16, 1216, 140)
BOTTOM_PANEL = pygame.Rect(32, 590, 1216, 114)
BASE_VIEW = WorldView(0, 0, 1280, 720, half_span_m=3.0, ground_frac=0.74)
MARKER_NOTE = pygame.Rect(80, 196, 420, 92)
POST_NOTE = pygame.Rect(780, 196, 420, 92)
SIDE_COLUMN = 290  # width of the bottom panel's left and right columns in step 2


class LessonPainter:
    """Draws a lesson on level ``level``'s arena, framed so its long pole fits under the panel."""

    def __init__(self, ctx: SceneContext, level: Level) -> None:
        self.ctx = ctx
        self.renderer = ctx.arena_renderer.for_params(level.params)
        self.view = view_fitting_pole(BASE_VIEW, level.params, TOP_PANEL.bottom)

    def _shown_state(self, lesson: LessonSteps, alpha: float) -> tuple[float, ...]:
        if lesson.stage is Stage.LIMITS:
            # A gentle sway between the two lines, so they read as the pole's limits.
            sway = 0.55 * lesson.level.params.theta_threshold * math.sin(lesson.clock * 2.2)
            return (0.0, 0.0, sway, 0.0)
        live = lesson.phase is Phase.LIVE
        return tuple(float(v) for v in lesson.arena.interpolated_state(alpha if live else 1.0))

    def draw(self, surface: pygame.Surface, lesson: LessonSteps, alpha: float) -> None:
        fell = lesson.phase is Phase.FELL and lesson.stage in (Stage.LEAN, Stage.TAP)
        ready = lesson.stage is Stage.READY
        force = lesson.arena.env.last_force if lesson.phase is Phase.LIVE else 0.0
        self.renderer.draw(
            surface,
            self.view,
            self._shown_state(lesson, alpha),
            force=force,
            fallen_for=lesson.phase_time if fell else None,
            finished_for=lesson.phase_time if ready else None,
            clock=lesson.clock,
            tension=lesson.stage in (Stage.LEAN, Stage.TAP),
        )
        if lesson.stage is Stage.READY:
            self._draw_ready(surface, lesson)
        else:
            self._draw_top(surface, lesson)
            if lesson.stage is Stage.LEAN:
                self._draw_lean_cue(surface, lesson, alpha)
                self._draw_bottom_message(surface, lesson)
            elif lesson.stage is Stage.TAP:
                self._draw_tap_panel(surface, lesson)
            else:
                self._draw_limits(surface, lesson)
        draw_toasts(surface, self.ctx, LESSON_LAYOUT.rect("toasts"))

    def _draw_top(self, surface: pygame.Surface, lesson: LessonSteps) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        rect = TOP_PANEL
        self.ctx.hud.blit_panel(surface, "lesson panel", rect, 225)
        left = rect.left + 28
        blit_text(
            surface,
            theme,
            f"HOW TO PLAY  ·  STEP {lesson.stage + 1} OF 3",
            15,
            pal.text_dim,
            (left, rect.top + 16),
            bold=True,
        )
        blit_text(surface, theme, lesson.title(), 40, pal.accent, (left, rect.top + 40), bold=True)
        blit_text(surface, theme, lesson.subtitle(), 21, pal.text, (left, rect.top + 98))
        # Right: the three steps as dots, and how to skip.
        right = rect.right - 28
        blit_text(
            surface,
            theme,
            lesson.bindings.status_line(("back",)),
            16,
            pal.text_dim,
            (right, rect.top + 16),
            "topright",
        )
        for i in range(3):
            center = (right - 12 - (2 - i) * 34, rect.top + 62)
            if i < lesson.stage:
                pygame.draw.circle(surface, pal.good, center, 10)
            elif i == lesson.stage:
                pygame.draw.circle(surface, pal.accent, center, 11)
            else:
                pygame.draw.circle(surface, pal.panel_edge, center, 10, 3)

    def _draw_lean_cue(self, surface: pygame.Surface, lesson: LessonSteps, alpha: float) -> None:
        """A big arrow beside the pole, pointing the way to push, with the key to press."""
        if lesson.phase in (Phase.FELL, Phase.CHEER):
            return
        pal = lesson.palette
        side = lesson.lean_side
        cx = world_to_screen(float(self._shown_state(lesson, alpha)[0]), 0.0, self.view)[0]
        y = self.view.ground_y - 200
        pushing = lesson.human.held == (PUSH_RIGHT if side > 0 else PUSH_LEFT)
        beat = 0.5 + 0.5 * math.sin(lesson.clock * 2 * math.pi * 1.2)
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

    def _draw_bottom_message(self, surface: pygame.Surface, lesson: LessonSteps) -> None:
        rect = BOTTOM_PANEL
        self.ctx.hud.blit_panel(surface, "lesson panel", rect, 225)
        blit_text(
            surface,
            self.ctx.theme,
            lesson.message,
            30,
            lesson.message_color,
            rect.center,
            "center",
            bold=True,
        )

    def _draw_tap_panel(self, surface: pygame.Surface, lesson: LessonSteps) -> None:
        theme = self.ctx.theme
        pal = theme.palette
        rect = BOTTOM_PANEL
        self.ctx.hud.blit_panel(surface, "lesson panel", rect, 225)
        # Left column: the good taps so far.
        left = rect.left + 28
        blit_text(surface, theme, "GOOD TAPS", 15, pal.text_dim, (left, rect.top + 18), bold=True)
        for i in range(TAPS_NEEDED):
            center = (left + 22 + i * 56, rect.top + 72)
            if i < lesson.good_taps:
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
        shown = 0 if lesson.phase is Phase.WAIT else lesson.arena.score
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
        text = fit_text(theme, lesson.message, 28, middle.width - 20, bold=True)
        blit_text(
            surface, theme, text, 28, lesson.message_color, middle.center, "center", bold=True
        )

    def _draw_limits(self, surface: pygame.Surface, lesson: LessonSteps) -> None:
        """Step 3: the limits outlined in a pulsing glow, each with a callout, and the goal."""
        params = lesson.level.params
        beat = 0.5 + 0.5 * math.sin(lesson.clock * 2 * math.pi * 0.8)
        glow = lerp_color(self.ctx.theme.palette.accent, (255, 240, 190), 0.5 * beat)
        aim = self._trace_angle_limits(surface, lesson, glow)
        post = self._outline_posts(surface, lesson, glow)
        self._note(
            surface,
            MARKER_NOTE,
            f"Past the {math.degrees(params.theta_threshold):.0f}° lines",
            "the pole has fallen: the run ends.",
            (MARKER_NOTE.right - 40, MARKER_NOTE.bottom),
            aim,
            glow,
        )
        self._note(
            surface,
            POST_NOTE,
            f"The posts at ±{params.x_threshold:g} m",
            "end the track: touch one, the run ends.",
            (post.right - 16, POST_NOTE.bottom),
            (post.right - 16, post.top),
            glow,
        )
        self._draw_goal(surface, lesson)

    def _trace_angle_limits(
        self, surface: pygame.Surface, lesson: LessonSteps, glow: Color
    ) -> tuple[float, float]:
        """The ±12° lines, traced over in ``glow`` and named; where the note about them points:
        partway up the left one."""
        theme = self.ctx.theme
        view = self.view
        geo = self.renderer.geometry
        pivot = world_to_screen(0.0, geo.pivot_height, view)
        reach = geo.pole_length * view.pixels_per_metre * 0.8
        limit = lesson.level.params.theta_threshold
        aims = []
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
        return aims[0]

    def _outline_posts(
        self, surface: pygame.Surface, lesson: LessonSteps, glow: Color
    ) -> pygame.Rect:
        """The ±2.4 m posts, outlined in ``glow``; the right one's outline, for its note."""
        x_threshold = lesson.level.params.x_threshold
        ground = self.view.ground_y
        posts = []
        for sign in (-1, 1):
            px, _ = world_to_screen(sign * x_threshold, 0.0, self.view)
            # Around the post and its label ("-2.4 m" on its inner side, as the backdrop draws
            # it), and above the ticks under the rail.
            label = f"{'-' if sign < 0 else '+'}{x_threshold:g} m"
            label_width = self.ctx.theme.fonts.font(14).size(label)[0]
            ring = pygame.Rect(0, 0, 16 + 10 + label_width + 8, 68)
            ring.bottom = round(ground + 6)
            if sign < 0:
                ring.left = round(px - 16)
            else:
                ring.right = round(px + 16)
            pygame.draw.rect(surface, glow, ring, width=3, border_radius=12)
            posts.append(ring)
        return posts[1]

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
        self.ctx.hud.blit_panel(surface, "lesson card", rect, 235)
        pygame.draw.rect(surface, color, rect, width=2, border_radius=12)
        blit_text(surface, theme, title, 24, color, (rect.left + 20, rect.top + 14), bold=True)
        blit_text(surface, theme, body, 19, theme.palette.text, (rect.left + 20, rect.top + 54))

    def _draw_goal(self, surface: pygame.Surface, lesson: LessonSteps) -> None:
        """The bottom panel of step 3: a level's goal and its medals."""
        theme = self.ctx.theme
        pal = theme.palette
        rect = BOTTOM_PANEL
        self.ctx.hud.blit_panel(surface, "lesson panel", rect, 225)
        level = lesson.next_level()
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
        go_on = "any key to go on" if lesson.phase_time >= READ_S else ""
        blit_text(surface, theme, go_on, 18, pal.accent, (left, rect.bottom - 14), "bottomleft")
        # Medals at a third, two thirds and all of the goal.
        x = rect.right - 28 - 3 * 180
        for medal, share in zip(MEDALS, MEDAL_SHARES, strict=True):
            steps = medal_steps(level.goal_steps, share)
            draw_medal(surface, (x + 26, rect.top + 70), 18, medal)
            blit_text(surface, theme, medal, 20, pal.text, (x + 56, rect.top + 34), bold=True)
            blit_text(surface, theme, f"{steps} steps", 18, pal.text_dim, (x + 56, rect.top + 62))
            x += 180

    def _draw_ready(self, surface: pygame.Surface, lesson: LessonSteps) -> None:
        """The end: the level that comes next above, Enter to play it below."""
        theme = self.ctx.theme
        pal = theme.palette
        level = lesson.next_level()
        top = TOP_PANEL
        self.ctx.hud.blit_panel(surface, "lesson panel", top, 225)
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
        self.ctx.hud.blit_panel(surface, "lesson panel", bottom, 225)
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
