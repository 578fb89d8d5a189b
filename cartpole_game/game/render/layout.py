"""Layout as data: every screen's named regions, where its panels may go, and a log of what a
frame drew, which the layout test reads.

All coordinates are in the 1280×720 logical picture (the app letterboxes it into any window).
A scene places its panels, banners, toasts and help from its :class:`Layout`'s regions rather
than from numbers of its own; :func:`place_clear` picks, among a region's candidate spots, one
that keeps clear of the cart and pole, so a banner never hides the pole's tip.

The :class:`LayoutLog` is off (``Theme.layout_log is None``) in the game. The layout test turns it
on for one frame and gets every string (``blit_text``), panel (:func:`log_panel`) and sprite
(:func:`log_sprite`: the cart, the pole) that frame drew, to assert that nothing overlaps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pygame

LOGICAL_SIZE = (1280, 720)
# The smallest text the game draws, in logical pixels. With the window no smaller than
# MIN_WINDOW (three quarters of the picture), no glyph is drawn under ~10.5 screen pixels.
MIN_TEXT_SIZE = 14
MIN_WINDOW = (960, 540)

Box = tuple[int, int, int, int]  # left, top, width, height
Point = tuple[float, float]


@dataclass(frozen=True)
class Layout:
    """A screen's regions by name; ``rect(name)`` gives a fresh ``pygame.Rect`` of one."""

    name: str
    regions: tuple[tuple[str, Box], ...]

    def rect(self, name: str) -> pygame.Rect:
        for region, box in self.regions:
            if region == name:
                return pygame.Rect(box)
        raise KeyError(f"the {self.name} layout has no region {name!r}")

    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.regions)


# The single arena (play, watch, takeover, replay, the lesson's arena).
ARENA = Layout(
    "arena",
    (
        ("top_bar", (16, 12, 1248, 76)),
        # Who drives, in a pill centred on the bar; a long name ("PPO (SB3 2.4) · ppo-….zip")
        # widens it leftwards, between the time and the recording mark.
        ("driver", (330, 30, 434, 40)),
        ("recording", (772, 38, 96, 24)),  # "● REC" while a GIF records: in the top bar's gap
        ("status", (16, 96, 900, 48)),  # one or two lines of mode figures and key hints
        ("decision", (936, 100, 328, 132)),  # what the agent is deciding
        ("cards", (16, 148, 1248, 260)),  # banners, the level card, the pause card
        ("wind", (24, 548, 240, 60)),
        ("toasts", (280, 546, 720, 62)),
        ("gauges", (16, 612, 1248, 92)),
    ),
)


# The other screens' toast regions: a place on each that nothing else uses.
MENU_LAYOUT = Layout("menu", (("toasts", (580, 556, 680, 62)),))
LADDER_LAYOUT = Layout("ladder", (("toasts", (600, 28, 616, 62)),))
VERSUS_SETUP_LAYOUT = Layout("versus setup", (("toasts", (720, 28, 496, 62)),))
CLONE_LAYOUT = Layout(
    "clone me",
    (
        ("toasts", (720, 28, 496, 62)),
        ("choices", (64, 116, 1152, 172)),  # the level, and how many of the newest runs
        ("result", (64, 300, 1152, 364)),  # ready, learning, or how well the clone copies you
    ),
)
# Teaching: the arena's regions, and the student's score round by round under the decision panel.
TEACH_LAYOUT = Layout("teach", (("rounds", (936, 240, 328, 180)),))
OPEN_AGENT_LAYOUT = Layout(
    "open agent",
    (
        ("toasts", (720, 28, 496, 62)),
        ("list", (64, 116, 740, 484)),  # recent agents, then the shipped ones
        ("detail", (820, 116, 396, 484)),  # the chosen one: what, where, and what to do with it
        ("formats", (64, 612, 1152, 52)),  # what can be dropped on the window
        ("footer", (64, 676, 1152, 32)),  # the key hints
    ),
)
VERSUS_LAYOUT = Layout(
    "versus",
    (
        ("recording", (1168, 8, 96, 26)),  # right of the tally line, above the side headers
        ("toasts", (280, 580, 720, 40)),
    ),
)
TRAIN_LAYOUT = Layout(
    "train",
    (
        ("cards", (16, 112, 628, 330)),  # the solved banner, over the left half's arena
        ("toasts", (16, 556, 628, 62)),
        ("footer", (16, 682, 1248, 32)),  # the key hints
    ),
)
LESSON_LAYOUT = Layout("lesson", (("toasts", (760, 160, 488, 34)),))


# -- the log the layout test reads ----------------------------------------------------------------
@dataclass(frozen=True)
class TextEntry:
    text: str
    rect: pygame.Rect
    seq: int = 0  # the order of drawing within a frame's log: what comes later covers


@dataclass(frozen=True)
class PanelEntry:
    name: str
    rect: pygame.Rect
    region: pygame.Rect | None = None  # the region it must stay inside
    covers: bool = False  # a modal panel (help) that covers the scene below on purpose
    seq: int = 0


@dataclass(frozen=True)
class SpriteEntry:
    """A moving thing the text and panels must not cover: a rect, or a thick segment."""

    name: str
    rect: pygame.Rect | None = None
    segment: tuple[Point, Point, float] | None = None  # two ends and a width in pixels

    def hits(self, rect: pygame.Rect) -> bool:
        if self.rect is not None:
            return self.rect.colliderect(rect)
        assert self.segment is not None
        a, b, width = self.segment
        grown = rect.inflate(round(width), round(width))
        return bool(grown.clipline(a, b))


@dataclass
class LayoutLog:
    texts: list[TextEntry] = field(default_factory=list)
    panels: list[PanelEntry] = field(default_factory=list)
    sprites: list[SpriteEntry] = field(default_factory=list)

    def next_seq(self) -> int:
        return len(self.texts) + len(self.panels) + len(self.sprites)

    def add_text(self, text: str, rect: pygame.Rect) -> None:
        self.texts.append(TextEntry(text, pygame.Rect(rect), self.next_seq()))


class _Logged(Protocol):
    layout_log: LayoutLog | None  # what a Theme has (no import of the theme: it imports us)


def log_panel(
    target: _Logged,
    name: str,
    rect: pygame.Rect,
    region: pygame.Rect | None = None,
    covers: bool = False,
) -> None:
    """Record a panel just drawn at ``rect`` (when the log is on)."""
    log = target.layout_log
    if log is not None:
        log.panels.append(PanelEntry(name, pygame.Rect(rect), region, covers, log.next_seq()))


def log_sprite(
    target: _Logged,
    name: str,
    rect: pygame.Rect | None = None,
    segment: tuple[Point, Point, float] | None = None,
) -> None:
    """Record a sprite just drawn (when the log is on)."""
    log = target.layout_log
    if log is not None:
        log.sprites.append(SpriteEntry(name, None if rect is None else pygame.Rect(rect), segment))


# -- placing a card clear of the cart and pole -----------------------------------------------------
def _overlap(rect: pygame.Rect, obstacles: Iterable[SpriteEntry | pygame.Rect]) -> int:
    """How many of ``obstacles`` ``rect`` touches."""
    count = 0
    for obstacle in obstacles:
        hit = (
            rect.colliderect(obstacle) if isinstance(obstacle, pygame.Rect) else obstacle.hits(rect)
        )
        count += int(bool(hit))
    return count


def place_clear(
    size: tuple[int, int],
    region: pygame.Rect,
    obstacles: Sequence[SpriteEntry | pygame.Rect],
    margin: int = 10,
    step: int = 24,
) -> pygame.Rect:
    """A ``size`` rect inside ``region``, clear of ``obstacles`` (plus ``margin``) if it can be.

    Spots are tried from the top of the region down, ``step`` pixels at a time, each at the
    centre, the left and the right. The first clear one wins; if none is, the highest one
    touching the fewest obstacles.
    """
    width, height = min(size[0], region.width), min(size[1], region.height)
    xs = (region.centerx - width // 2, region.left, region.right - width)
    ys = [*range(region.top, region.bottom - height, step), region.bottom - height]
    best: tuple[int, pygame.Rect] | None = None
    for y in ys:
        for x in xs:
            spot = pygame.Rect(x, y, width, height)
            touched = _overlap(spot.inflate(2 * margin, 2 * margin), obstacles)
            if touched == 0:
                return spot
            if best is None or touched < best[0]:
                best = (touched, spot)
    assert best is not None
    return best[1]
