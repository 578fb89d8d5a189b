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

from cartpole_game.agents import foreign
from cartpole_game.agents.registry import AGENT_KINDS
from cartpole_game.game.render.arena_view import lerp_color
from cartpole_game.game.render.layout import log_panel
from cartpole_game.game.render.theme import Color, Theme, blit_text, fit_text

ACTION_LABELS = ("◀ push left", "push right ▶")
PUSH_WORDS = ("pushes left", "pushes right")
ARROWS = ("◀", "▶")

# How sure, from the gap between the two values over the agent's typical gap. On the shipped
# agents' own episodes these split their decisions roughly half "coin toss" or "leaning" (the
# pole is balanced, either push will do) and half "fairly sure" or "sure" (one push matters).
CONFIDENCE_WORDS = ("coin toss", "leaning", "fairly sure", "sure")
CONFIDENCE_RATIOS = (0.5, 1.5, 4.0)  # the ratio at which each word after "coin toss" begins
# The typical gap is a running geometric mean: robust to the DQN's rare gaps of 20 to 50 (one
# push would drop the pole) among its usual hundredths. About 30 decisions of memory.
SPREAD_MEMORY = 0.03
GENERIC_PLAIN = "the larger number is the push it picks"
MAX_DECIMALS = 7


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


def value_decimals(values: Sequence[float]) -> int:
    """Decimals enough that the two values read differently: a tenth of their gap is visible."""
    gap = abs(float(values[1]) - float(values[0]))
    if not math.isfinite(gap) or gap <= 0:
        return 1
    return max(1, min(MAX_DECIMALS, math.ceil(-math.log10(gap)) + 1))


def format_values(values: Sequence[float]) -> tuple[str, str]:
    """The two values as text, with :func:`value_decimals` decimals (scientific if tinier)."""
    a, b = float(values[0]), float(values[1])
    gap = abs(b - a)
    if 0 < gap < 10.0 ** (1 - MAX_DECIMALS) and max(abs(a), abs(b)) < 1e-3:
        digits = max(1, min(6, math.ceil(-math.log10(gap / max(abs(a), abs(b)))) + 1))
        texts = (f"{a:+.{digits}e}", f"{b:+.{digits}e}")
    else:
        decimals = value_decimals(values)
        sign = "+" if min(a, b) < 0 else ""  # a sign only where there are signs to tell apart
        texts = (f"{a:{sign}.{decimals}f}", f"{b:{sign}.{decimals}f}")
    return texts[0].replace("-", "−"), texts[1].replace("-", "−")


def confidence_level(gap: float, typical: float) -> int:
    """0 (coin toss) to 3 (sure): ``gap`` between the values against the ``typical`` gap."""
    gap = abs(gap)
    if not math.isfinite(gap) or gap <= 0:
        return 0
    if not math.isfinite(typical) or typical <= 0:
        return len(CONFIDENCE_RATIOS)
    ratio = gap / typical
    return sum(ratio >= threshold for threshold in CONFIDENCE_RATIOS)


def confidence_word(gap: float, typical: float) -> str:
    return CONFIDENCE_WORDS[confidence_level(gap, typical)]


# -- what the values are: numbers to compare, a policy's probabilities, or only its choice ------
NUMBERS, PROBABILITY, CHOICE = "numbers", "probability", "choice"
# How sure a policy is, read straight off its probabilities: the gap between them from which
# each word after "coin toss" begins (60/40 leaning, 75/25 fairly sure, 90/10 sure).
PROBABILITY_GAPS = (0.2, 0.5, 0.8)


def value_style(label: str) -> str:
    """How the panel shows values called ``label``: :data:`PROBABILITY` for a policy's action
    probabilities (PPO, A2C), :data:`CHOICE` for a file that gives only its push (an ONNX export
    of actions), else :data:`NUMBERS` (Q-values, scores) judged against the agent's usual gap."""
    if label == foreign.PROBABILITIES.value_label:
        return PROBABILITY
    if label == foreign.CHOICE_ONLY.value_label:
        return CHOICE
    return NUMBERS


def probability_confidence(pair: Sequence[float]) -> int:
    """0 (coin toss) to 3 (sure), from the gap between two probabilities (which sum to 1)."""
    gap = abs(float(pair[1]) - float(pair[0]))
    if not math.isfinite(gap):
        return 0
    return sum(gap >= threshold for threshold in PROBABILITY_GAPS)


def format_percentages(pair: Sequence[float]) -> tuple[str, str]:
    """Two probabilities as percentages, with decimals enough to tell them apart (at most 2);
    one that is not 0 or 1 never reads "0%" or "100%"."""
    percents = [100.0 * float(p) for p in pair]
    gap = abs(percents[1] - percents[0])
    decimals = 0 if gap >= 1 else 1 if gap >= 0.1 else 2
    smallest = 0.5 * 10.0**-decimals  # what rounds to nothing at these decimals

    def one(value: float) -> str:
        if 0 < value < smallest:
            return f"<{2 * smallest:.{decimals}f}%"
        if 100 - smallest < value < 100:
            return f">{100 - 2 * smallest:.{decimals}f}%"
        return f"{value:.{decimals}f}%"

    return one(percents[0]), one(percents[1])


def shown_values(pair: Sequence[float], style: str) -> tuple[str, str]:
    """The two values as the panel writes them for ``style``."""
    return format_percentages(pair) if style == PROBABILITY else format_values(pair)


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
    pair = (float(values[0]), float(values[1]))
    chosen = int(np.argmax(values[:2]))
    style = value_style(label)
    if style == CHOICE:
        level = None  # the file says which push, not how sure: no numbers, no word
    elif style == PROBABILITY:
        level = probability_confidence(pair)
    else:
        if typical is None:
            typical = spreads.typical((agent_name, rect.left, rect.top), pair)
        level = confidence_level(abs(pair[1] - pair[0]), typical)
    texts = None if style == CHOICE else shown_values(pair, style)
    raw_width = _draw_raw_column(surface, theme, rect, lay, texts, chosen)
    _draw_push(surface, theme, rect, lay, chosen, level, raw_width)


def _draw_raw_column(
    surface: pygame.Surface,
    theme: Theme,
    rect: pygame.Rect,
    lay: _Layout,
    texts: tuple[str, str] | None,
    chosen: int,
) -> int:
    """The values in a right-hand column, the chosen one bright; returns the column's width."""
    if texts is None:
        return 0
    pal = theme.palette
    raw_font = theme.fonts.font(lay.raw_size)
    raw_lines = [f"{ARROWS[a]} {texts[a]}" for a in (0, 1)]
    raw_top = rect.top + lay.push_top + 3
    for action in (0, 1):
        blit_text(
            surface,
            theme,
            raw_lines[action],
            lay.raw_size,
            pal.text if action == chosen else pal.text_dim,
            (rect.right - 12, raw_top + action * (lay.raw_size + 6)),
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
