"""The arena's static backdrop: sky, ground, the rail between its ±x limits, the metre ticks and
the limit posts. Drawn once per view and limit, then cached and blitted by the arena."""

from __future__ import annotations

import pygame

from cartpole_game.game.render.primitives import lerp_color
from cartpole_game.game.render.theme import Color, Theme, blit_text
from cartpole_game.game.render.transform import WorldView, world_to_screen


def vertical_gradient(size: tuple[int, int], top: Color, bottom: Color) -> pygame.Surface:
    surface = pygame.Surface(size)
    width, height = size
    for y in range(height):
        pygame.draw.line(
            surface, lerp_color(top, bottom, y / max(1, height - 1)), (0, y), (width, y)
        )
    return surface


def draw_track(theme: Theme, view: WorldView, limit: float) -> pygame.Surface:
    """A surface the size of ``view`` with the whole backdrop for a track ending at ±``limit`` m.

    In the display's pixel format when there is a display, so that blitting it is cheap.
    """
    pal = theme.palette
    size = (round(view.width), round(view.height))
    surf = vertical_gradient(size, pal.sky_top, pal.sky_bottom)
    # The same view, anchored at the surface's corner rather than the screen's.
    local = WorldView(0, 0, view.width, view.height, view.half_span_m, view.ground_frac)
    ground_y = round(local.ground_y)
    pygame.draw.rect(surf, pal.ground, (0, ground_y, size[0], size[1] - ground_y))
    _draw_ticks(surf, theme, local, ground_y, limit)
    left, _ = world_to_screen(-limit, 0, local)
    right, _ = world_to_screen(limit, 0, local)
    # The rail, with its shadow, between the limits.
    pygame.draw.rect(surf, pal.rail_shadow, (left, ground_y + 2, right - left, 6), border_radius=3)
    pygame.draw.rect(surf, pal.rail, (left, ground_y - 3, right - left, 6), border_radius=3)
    _draw_limit_posts(surf, theme, (left, right), ground_y, limit)
    return surf.convert() if pygame.display.get_surface() else surf


def _draw_ticks(
    surf: pygame.Surface, theme: Theme, local: WorldView, ground_y: int, limit: float
) -> None:
    """Ticks every half metre out to the limits, labelled every metre."""
    pal = theme.palette
    for i in range(-int(limit * 2), int(limit * 2) + 1):
        px, _ = world_to_screen(i * 0.5, 0, local)
        tall = 12 if i % 2 == 0 else 6
        pygame.draw.line(surf, pal.tick, (px, ground_y + 8), (px, ground_y + 8 + tall), 2)
        if i % 2 == 0:
            blit_text(
                surf,
                theme,
                f"{i // 2:+d} m" if i else "0",
                13,
                pal.tick,
                (px, ground_y + 24),
                "midtop",
            )


def _draw_limit_posts(
    surf: pygame.Surface,
    theme: Theme,
    posts: tuple[float, float],
    ground_y: int,
    limit: float,
) -> None:
    """The posts at ±``limit`` m, labelled: a cart that passes one ends the episode."""
    pal = theme.palette
    left, right = posts
    for px in (left, right):
        pygame.draw.rect(surf, pal.limit, (px - 3, ground_y - 46, 6, 50), border_radius=3)
        pygame.draw.circle(surf, pal.limit, (px, ground_y - 46), 6)
    # Labels above the posts' knobs: beside them, a push arrow near the edge would cover them.
    for px, text in ((left, f"-{limit:g} m"), (right, f"+{limit:g} m")):
        blit_text(surf, theme, text, 14, pal.limit, (px, ground_y - 56), "midbottom")
