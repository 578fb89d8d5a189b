"""The agent's decision, live, in plain words: which way it pushes, how sure it is, and why.

A big arrow shows the push the agent picks (the action with the larger value). Next to it a word
says how sure it is, judged from the gap between its two values against the gap it *usually* has
(a running typical gap, per panel): the DQN's Q-values sit near 100 and differ by 0.01 to 1, the
linear policy's score is a single signed number of a few tenths, so only a relative measure reads
the same for both. The raw numbers stay on the panel in small text, with as many decimals as it
takes for two different values to read differently, and one line says in plain words what they
measure (the kind's ``plain`` entry in the agent registry).

A policy trained elsewhere (PPO, A2C) gives action probabilities instead: they are written as
percentages, and how sure it is comes straight from them (60/40 "leaning", 90/10 "sure"). An
ONNX file that gives only its push shows the arrow alone: it says nothing about how sure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pygame

from cartpole_game.agents.registry import AGENT_KINDS
from cartpole_game.game.render.arena_view import lerp_color
from cartpole_game.game.render.decision_values import (
    CHOICE,
    CONFIDENCE_WORDS,
    PROBABILITY,
    confidence_level,
    probability_confidence,
    shown_values,
    value_style,
)
from cartpole_game.game.render.decision_values import CONFIDENCE_RATIOS as CONFIDENCE_RATIOS
from cartpole_game.game.render.decision_values import NUMBERS as NUMBERS
from cartpole_game.game.render.decision_values import confidence_word as confidence_word
from cartpole_game.game.render.decision_values import format_percentages as format_percentages
from cartpole_game.game.render.decision_values import format_values as format_values
from cartpole_game.game.render.decision_values import value_decimals as value_decimals
from cartpole_game.game.render.layout import log_panel
from cartpole_game.game.render.theme import Color, Theme, blit_text, fit_text

ACTION_LABELS = ("◀ push left", "push right ▶")
PUSH_WORDS = ("pushes left", "pushes right", "does not push")
ARROWS = ("◀", "▶", "■")
NO_PUSH_ACTION = 2  # a clone of a human may choose not to push

# The typical gap is a running geometric mean: robust to the DQN's rare gaps of 20 to 50 (one
# push would drop the pole) among its usual hundredths. About 30 decisions of memory.
SPREAD_MEMORY = 0.03
GENERIC_PLAIN = "the larger number is the push it picks"


def value_label(controller: object) -> str:
    """What a controller's per-action values are, from its kind's registry entry."""
    kind = AGENT_KINDS.get(getattr(controller, "kind", ""))
    return kind.value_label if kind is not None else "values"


def plain_words(controller: object) -> str:
    """What a controller's values measure in plain words, from its kind's registry entry."""
    kind = AGENT_KINDS.get(getattr(controller, "kind", ""))
    return kind.plain if kind is not None and kind.plain else GENERIC_PLAIN


def plain_for_label(label: str) -> str:
    """The plain words of the kind whose values are called ``label`` (for callers that pass only
    the label); the generic line if no kind, or no kind with plain words, uses it."""
    for kind in AGENT_KINDS.values():
        if kind.value_label == label and kind.plain:
            return kind.plain
    return GENERIC_PLAIN


@dataclass
class _Spread:
    log_typical: float
    last: tuple[float, float]


@dataclass
class SpreadMemory:
    """The running typical gap of each panel a scene draws (by agent name and place on screen).

    A scene keeps one, so how sure an agent looks depends on that agent's own history. It is
    updated once per decision, not once per frame (the panel is redrawn at frame rate, the agent
    decides at step rate)."""

    spreads: dict[tuple[str, int, int], _Spread] = field(default_factory=dict)

    def typical(self, key: tuple[str, int, int], values: Sequence[float]) -> float:
        """The running typical gap of the panel ``key``, after seeing ``values``."""
        pair = (float(values[0]), float(values[1]))
        log_gap = math.log(max(abs(pair[1] - pair[0]), 1e-9))
        spread = self.spreads.get(key)
        if spread is None:
            spread = self.spreads[key] = _Spread(log_gap, pair)
        elif pair != spread.last:
            spread.log_typical += SPREAD_MEMORY * (log_gap - spread.log_typical)
            spread.last = pair
        return math.exp(spread.log_typical)


def wrap_text(theme: Theme, text: str, size: int, width: int, max_lines: int) -> list[str]:
    """``text`` broken into at most ``max_lines`` lines of ``width`` pixels (the last cut short)."""
    font = theme.fonts.font(size)
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and font.size(f"{line} {words[0]}")[0] <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words:
        lines[-1] = fit_text(theme, f"{lines[-1]} {' '.join(words)}", size, width)
    return [fit_text(theme, line, size, width) for line in lines]


def draw_arrow(surface: pygame.Surface, rect: pygame.Rect, right: bool, color: Color) -> None:
    """A fat arrow filling ``rect``, pointing right or left."""
    head = min(rect.width // 2, rect.height * 3 // 4)
    shaft = rect.height // 3
    cy = rect.centery
    if right:
        tip, base, tail = rect.right, rect.right - head, rect.left
    else:
        tip, base, tail = rect.left, rect.left + head, rect.right
    points = [
        (tail, cy - shaft // 2),
        (base, cy - shaft // 2),
        (base, rect.top),
        (tip, cy),
        (base, rect.bottom - 1),
        (base, cy + shaft // 2),
        (tail, cy + shaft // 2),
    ]
    pygame.draw.polygon(surface, color, points)


@dataclass(frozen=True)
class _Layout:
    title_size: int
    push_size: int
    word_size: int
    raw_size: int
    plain_size: int
    arrow: tuple[int, int, int, int]  # left, top, width, height, from the panel's top-left
    push_top: int
    word_top: int
    plain_top: int
    plain_line: int


FULL = _Layout(14, 18, 15, 14, 14, (14, 34, 60, 44), 30, 56, 92, 18)
COMPACT = _Layout(14, 15, 14, 14, 14, (14, 26, 46, 32), 23, 42, 64, 17)


def draw_decision_panel(
    surface: pygame.Surface,
    theme: Theme,
    rect: pygame.Rect,
    agent_name: str,
    value_label: str,
    values: np.ndarray | None,
    panel: pygame.Surface,
    compact: bool = False,
    plain: str | None = None,
    typical: float | None = None,
    spreads: SpreadMemory | None = None,
) -> None:
    """Draw the decision behind ``values`` (one per action, which are ``value_label``) in ``rect``.

    ``panel`` is the cached translucent background of ``rect``'s size. ``plain`` says what the
    values measure in plain words (:func:`plain_words`; by default the words of the kind whose
    label is ``value_label``). ``typical`` is the agent's usual gap between its two values; by
    default a running one kept in ``spreads`` (the scene's; without one, only this decision's). Nothing is drawn outside ``rect``.
    """
    lay = COMPACT if compact else FULL
    surface.blit(panel, rect)
    log_panel(theme, "decision", rect)
    clip = surface.get_clip()
    surface.set_clip(rect.clip(clip) if clip else rect)
    try:
        memory = spreads if spreads is not None else SpreadMemory()
        args = (agent_name, value_label, values, plain, typical, memory)
        _draw_contents(surface, theme, rect, lay, *args)
    finally:
        surface.set_clip(clip)


def _draw_contents(
    surface: pygame.Surface,
    theme: Theme,
    rect: pygame.Rect,
    lay: _Layout,
    agent_name: str,
    label: str,
    values: np.ndarray | None,
    plain: str | None,
    typical: float | None,
    spreads: SpreadMemory,
) -> None:
    pal = theme.palette
    inner = rect.width - 26  # 14 px left margin, 12 px right
    left = rect.left + 14
    blit_text(
        surface,
        theme,
        fit_text(theme, agent_name, lay.title_size, inner, bold=True),
        lay.title_size,
        pal.text_dim,
        (left, rect.top + (6 if lay is COMPACT else 8)),
        bold=True,
    )
    plain_text = f"{label}: {plain if plain is not None else plain_for_label(label)}"
    for i, line in enumerate(wrap_text(theme, plain_text, lay.plain_size, inner, 2)):
        blit_text(
            surface,
            theme,
            line,
            lay.plain_size,
            pal.text_dim,
            (left, rect.top + lay.plain_top + i * lay.plain_line),
        )
    if values is None or len(values) < 2 or not np.isfinite(values[:2]).all():
        blit_text(surface, theme, "waiting…", 15, pal.text_dim, (left, rect.top + lay.push_top))
        return
    style = value_style(label)
    # A clone of a human has a third action, no push: shown when it is the choice.
    three = style == PROBABILITY and len(values) >= 3 and bool(np.isfinite(values[:3]).all())
    chosen = int(np.argmax(values[:3] if three else values[:2]))
    pair = (float(values[0]), float(values[1]))
    shown: tuple[int, ...] = (0, 1)
    if three:
        # The two likeliest actions, in their order (left, right, then no push).
        shown = tuple(sorted(int(a) for a in np.argsort(-np.asarray(values[:3]))[:2]))
        pair = (float(values[shown[0]]), float(values[shown[1]]))
    if style == CHOICE:
        level = None  # the file says which push, not how sure: no numbers, no word
    elif style == PROBABILITY:
        level = probability_confidence(pair)
    else:
        if typical is None:
            typical = spreads.typical((agent_name, rect.left, rect.top), pair)
        level = confidence_level(abs(pair[1] - pair[0]), typical)
    texts = None if style == CHOICE else shown_values(pair, style)
    raw_width = _draw_raw_column(surface, theme, rect, lay, texts, chosen, shown)
    _draw_push(surface, theme, rect, lay, chosen, level, raw_width)


def _draw_raw_column(
    surface: pygame.Surface,
    theme: Theme,
    rect: pygame.Rect,
    lay: _Layout,
    texts: tuple[str, str] | None,
    chosen: int,
    shown: tuple[int, ...] = (0, 1),
) -> int:
    """The values of the ``shown`` actions in a right-hand column, the chosen one bright;
    returns the column's width."""
    if texts is None:
        return 0
    pal = theme.palette
    raw_font = theme.fonts.font(lay.raw_size)
    raw_lines = [f"{ARROWS[a]} {text}" for a, text in zip(shown, texts, strict=True)]
    raw_top = rect.top + lay.push_top + 3
    for row, action in enumerate(shown):
        blit_text(
            surface,
            theme,
            raw_lines[row],
            lay.raw_size,
            pal.text if action == chosen else pal.text_dim,
            (rect.right - 12, raw_top + row * (lay.raw_size + 6)),
            "topright",
        )
    return max(raw_font.size(line)[0] for line in raw_lines)


def _draw_push(
    surface: pygame.Surface,
    theme: Theme,
    rect: pygame.Rect,
    lay: _Layout,
    chosen: int,
    level: int | None,
    raw_width: int,
) -> None:
    """The arrow, and what it means: the push, and how sure (``level``; None: not known)."""
    pal = theme.palette
    ax, ay, aw, ah = lay.arrow
    arrow_rect = pygame.Rect(rect.left + ax, rect.top + ay, aw, ah)
    if chosen == NO_PUSH_ACTION:  # no arrow: a bar standing still
        bar = pygame.Rect(0, 0, aw * 2 // 3, ah // 3)
        bar.center = arrow_rect.center
        pygame.draw.rect(surface, pal.accent, bar, border_radius=4)
    else:
        draw_arrow(surface, arrow_rect, chosen == 1, pal.accent)
    text_left = arrow_rect.right + 14
    text_width = rect.right - 12 - (raw_width + 10 if raw_width else 0) - text_left
    blit_text(
        surface,
        theme,
        fit_text(theme, PUSH_WORDS[chosen], lay.push_size, text_width, bold=True),
        lay.push_size,
        pal.accent,
        (text_left, rect.top + lay.push_top),
        bold=True,
    )
    if level is None:
        return
    word_colors = (pal.text_dim, pal.text, lerp_color(pal.text, pal.good, 0.6), pal.good)
    word_rect = blit_text(
        surface,
        theme,
        fit_text(theme, CONFIDENCE_WORDS[level], lay.word_size, text_width, bold=True),
        lay.word_size,
        word_colors[level],
        (text_left, rect.top + lay.word_top),
        bold=True,
    )
    # Four pips after the word, as many lit as it is sure (if there is room).
    pip = lay.word_size // 2
    pips_left = word_rect.right + 8
    if pips_left + 4 * (pip + 3) <= text_left + text_width:
        for i in range(len(CONFIDENCE_WORDS)):
            color = word_colors[level] if i <= level else pal.panel_edge
            pip_rect = (pips_left + i * (pip + 3), word_rect.centery - pip // 2 + 1, pip, pip)
            pygame.draw.rect(surface, color, pip_rect, border_radius=2)
