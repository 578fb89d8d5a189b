"""The agent's decision, live: its value for each action and the action it picks."""

from __future__ import annotations

import math

import numpy as np
import pygame

from cartpole_game.agents.registry import AGENT_KINDS
from cartpole_game.game.render.arena_view import lerp_color
from cartpole_game.game.render.theme import Theme, blit_text

ACTION_LABELS = ("◀ push left", "push right ▶")


def value_label(controller: object) -> str:
    """What a controller's per-action values are, from its kind's registry entry."""
    kind = AGENT_KINDS.get(getattr(controller, "kind", ""))
    return kind.value_label if kind is not None else "values"


def draw_decision_panel(
    surface: pygame.Surface,
    theme: Theme,
    rect: pygame.Rect,
    agent_name: str,
    value_label: str,
    values: np.ndarray | None,
    panel: pygame.Surface,
    compact: bool = False,
) -> None:
    """Draw ``values`` (one per action), which are ``value_label`` (say "Q-values"), in ``rect``.

    ``panel`` is the cached translucent background of ``rect``'s size. The chosen action (the
    largest value) is highlighted. For the DQN the numbers are Q-values; for the linear policy the
    right-hand number is the score w·s + b and the left-hand one its opposite.
    """
    pal = theme.palette
    surface.blit(panel, rect)
    title = f"{agent_name} · {value_label}"
    blit_text(
        surface,
        theme,
        title,
        14 if compact else 15,
        pal.text_dim,
        (rect.left + 14, rect.top + 9),
        bold=True,
    )
    if values is None or len(values) < 2 or not np.isfinite(values[:2]).all():
        blit_text(surface, theme, "waiting…", 15, pal.text_dim, (rect.left + 14, rect.top + 40))
        return
    chosen = int(np.argmax(values[:2]))
    scale = max(1e-6, float(np.max(np.abs(values[:2]))))
    row_h = 26 if compact else 30
    top = rect.top + (32 if compact else 36)
    bar_left = rect.left + (110 if compact else 124)
    bar_width = rect.right - 84 - bar_left
    for action in (0, 1):
        y = top + action * row_h
        is_chosen = action == chosen
        color = pal.accent if is_chosen else pal.text_dim
        blit_text(
            surface,
            theme,
            ACTION_LABELS[action],
            13 if compact else 14,
            color,
            (rect.left + 14, y + 3),
            bold=is_chosen,
        )
        value = float(values[action])
        length = max(2, round(abs(value) / scale * bar_width))
        bar_color = color if value >= 0 else lerp_color(pal.bad, pal.panel, 0.3)
        pygame.draw.rect(surface, pal.ground, (bar_left, y + 4, bar_width, 14), border_radius=5)
        pygame.draw.rect(surface, bar_color, (bar_left, y + 4, length, 14), border_radius=5)
        blit_text(
            surface,
            theme,
            f"{value:+.3f}" if abs(value) < 100 else f"{value:+.1f}",
            14,
            color,
            (rect.right - 12, y + 3),
            "topright",
        )
    # The margin between the two: how sure the agent is, as a centred bar.
    y = top + 2 * row_h + 4
    margin = float(values[1] - values[0])
    if compact:
        return
    mid = (bar_left + bar_left + bar_width) // 2
    pygame.draw.rect(surface, pal.ground, (bar_left, y + 4, bar_width, 8), border_radius=4)
    reach = math.tanh(abs(margin) / (0.05 * scale + 1e-6)) * bar_width / 2
    start = mid if margin >= 0 else mid - reach
    pygame.draw.rect(surface, pal.accent, (start, y + 4, max(2, reach), 8), border_radius=4)
    pygame.draw.line(surface, pal.text_dim, (mid, y), (mid, y + 15), 1)
    blit_text(surface, theme, "margin", 13, pal.text_dim, (rect.left + 14, y - 1))
