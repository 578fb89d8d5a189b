"""Colours, fonts and a cache of rendered text, shared by every scene."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import pygame

from cartpole_game.core.resources import package_file
from cartpole_game.game.render.layout import MIN_TEXT_SIZE, LayoutLog

Color = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    sky_top: Color = (14, 18, 30)
    sky_bottom: Color = (30, 38, 62)
    ground: Color = (22, 26, 40)
    rail: Color = (120, 132, 160)
    rail_shadow: Color = (10, 12, 20)
    tick: Color = (70, 80, 108)
    limit: Color = (235, 88, 88)
    cart: Color = (72, 160, 232)
    cart_dark: Color = (38, 96, 160)
    cart_light: Color = (150, 205, 250)
    wheel: Color = (28, 30, 40)
    hub: Color = (170, 180, 200)
    pole: Color = (245, 184, 76)
    pole_danger: Color = (240, 90, 70)
    pivot: Color = (235, 238, 245)
    angle_marker: Color = (235, 88, 88)
    text: Color = (232, 236, 245)
    text_dim: Color = (140, 150, 175)
    accent: Color = (250, 200, 80)
    good: Color = (110, 215, 140)
    warn: Color = (245, 180, 70)
    bad: Color = (235, 88, 88)
    panel: Color = (24, 30, 48)
    panel_edge: Color = (60, 72, 104)
    push: Color = (110, 215, 140)


class Fonts:
    """Fonts by size and weight, plus an LRU cache of rendered strings (text is costly to render)."""

    def __init__(self, cache_size: int = 512) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._cache: OrderedDict[tuple[str, int, bool, Color], pygame.Surface] = OrderedDict()
        self._cache_size = cache_size

    def font(self, size: int, bold: bool = False) -> pygame.font.Font:
        size = max(size, MIN_TEXT_SIZE)  # nothing smaller stays readable in a small window
        key = (size, bold)
        if key not in self._fonts:
            name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
            path = package_file("cartpole_game.game", "assets", "fonts", name)
            try:
                self._fonts[key] = pygame.font.Font(path, size)
            except (OSError, FileNotFoundError):
                self._fonts[key] = pygame.font.Font(None, int(size * 1.3))
        return self._fonts[key]

    def render(self, text: str, size: int, color: Color, bold: bool = False) -> pygame.Surface:
        key = (text, size, bold, color)
        surface = self._cache.get(key)
        if surface is None:
            surface = self.font(size, bold).render(text, True, color)
            self._cache[key] = surface
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return surface


@dataclass
class Theme:
    palette: Palette
    fonts: Fonts
    # Off (None) in the game; the layout test sets one to collect every string blit_text draws,
    # and every panel and sprite (see render/layout.py).
    layout_log: LayoutLog | None = field(default=None, compare=False)

    @classmethod
    def create(cls) -> Theme:
        return cls(Palette(), Fonts())


def blit_text(
    surface: pygame.Surface,
    theme: Theme,
    text: str,
    size: int,
    color: Color,
    pos: tuple[float, float],
    anchor: str = "topleft",
    bold: bool = False,
) -> pygame.Rect:
    """Draw cached text with ``pos`` at the given anchor of its rect (e.g. "center", "midtop")."""
    rendered = theme.fonts.render(text, size, color, bold)
    rect = rendered.get_rect(**{anchor: (round(pos[0]), round(pos[1]))})
    surface.blit(rendered, rect)
    if theme.layout_log is not None:
        theme.layout_log.add_text(text, rect)
    return rect


def fit_text(theme: Theme, text: str, size: int, max_width: int, bold: bool = False) -> str:
    """``text``, cut short with "…" if it would be wider than ``max_width`` pixels."""
    font = theme.fonts.font(size, bold)
    if font.size(text)[0] <= max_width:
        return text
    while text and font.size(text + "…")[0] > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def fit_middle(theme: Theme, text: str, size: int, max_width: int, bold: bool = False) -> str:
    """``text``, cut in the middle with "…" if it is wider than ``max_width`` pixels: a file
    name keeps its start (the kind and seed) and its end (the extension)."""
    font = theme.fonts.font(size, bold)
    if font.size(text)[0] <= max_width:
        return text
    head, tail = text[: len(text) // 2], text[len(text) // 2 :]
    while (head or tail) and font.size(head + "…" + tail)[0] > max_width:
        if len(head) >= len(tail):
            head = head[:-1]
        else:
            tail = tail[1:]
    return head + "…" + tail
