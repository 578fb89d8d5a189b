"""Drawing "Open an agent…": the list (recent files, then the shipped agents, scrolled to keep
the chosen one in view), the chosen agent's panel with its three actions, and what can be
dropped on the window. Every place comes from :data:`OPEN_AGENT_LAYOUT`'s regions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import pygame

from cartpole_game.game.input.bindings import BindingTable
from cartpole_game.game.render.layout import OPEN_AGENT_LAYOUT
from cartpole_game.game.render.theme import Theme, blit_text, fit_middle, fit_text
from cartpole_game.game.scenes.base import SceneContext
from cartpole_game.game.scenes.overlays import draw_toasts

LIST = OPEN_AGENT_LAYOUT.rect("list")
DETAIL = OPEN_AGENT_LAYOUT.rect("detail")
FORMATS = OPEN_AGENT_LAYOUT.rect("formats")
FOOTER = OPEN_AGENT_LAYOUT.rect("footer")
ROW_HEIGHT = 54
HEADER_HEIGHT = 30
PAD = 10  # inside the list panel, above and below its items
MORE_HEIGHT = 24  # the strip under the items saying how many more there are
BUTTON_HEIGHT = 42
ACTIONS = (
    ("confirm", "Watch it", "Enter"),
    ("takeover", "Take over", "T"),
    ("versus", "Versus", "Y"),
)
FORMAT_LINES = (
    "Drop an agent file on this window to add it: an SB3 or RL-Zoo .zip (DQN, QR-DQN, PPO, A2C),",
    "a CleanRL .pt / .pth / .cleanrl_model, an .onnx model, or the game's .safetensors. "
    "Nothing in a file is ever run.",
)
EMPTY = "none yet: drop an agent file on this window, or name one with --agent PATH"


class Row(Protocol):
    """What the list needs of an entry (``open_agent.AgentRow``)."""

    @property
    def title(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def recent(self) -> bool: ...
    @property
    def present(self) -> bool: ...


Item = tuple[str, int, str]  # ("header" | "row" | "empty", the row's index or -1, text)


def list_items(rows: Sequence[Row]) -> list[Item]:
    items: list[Item] = [("header", -1, "RECENT: YOUR AGENT FILES")]
    recent = [i for i, row in enumerate(rows) if row.recent]
    items += [("row", i, "") for i in recent] or [("empty", -1, EMPTY)]
    items.append(("header", -1, "SHIPPED WITH THE GAME"))
    items += [("row", i, "") for i, row in enumerate(rows) if not row.recent]
    return items


def _height(item: Item) -> int:
    return HEADER_HEIGHT if item[0] == "header" else ROW_HEIGHT


def scrolled(items: list[Item], selected: int, scroll: int, view: int) -> int:
    """The scroll (pixels) that shows the chosen row whole (with its section's header, if it is
    the section's first row), moving as little as it can."""
    tops, y = [], 0
    for item in items:
        tops.append(y)
        y += _height(item)
    index = next(i for i, item in enumerate(items) if item[0] == "row" and item[1] == selected)
    top = tops[index - 1] if items[index - 1][0] == "header" else tops[index]
    bottom = tops[index] + ROW_HEIGHT
    scroll = min(scroll, top)
    scroll = max(scroll, bottom - view)
    return max(0, min(scroll, max(0, y - view)))


def draw_header(surface: pygame.Surface, ctx: SceneContext) -> None:
    theme = ctx.theme
    pal = theme.palette
    surface.fill(pal.sky_bottom)
    blit_text(surface, theme, "Open an agent", 48, pal.text, (64, 24), bold=True)
    line = "Yours or the game's: watch one play, take over from it, or race it."
    blit_text(surface, theme, line, 18, pal.text_dim, (66, 84))


def draw_list(
    surface: pygame.Surface, ctx: SceneContext, rows: Sequence[Row], selected: int, scroll: int
) -> tuple[list[tuple[int, pygame.Rect]], int]:
    """The list, scrolled to show the chosen row; returns where each row is and the scroll."""
    theme = ctx.theme
    ctx.hud.blit_panel(surface, "agents", LIST, 235)
    items = list_items(rows)
    total = sum(_height(item) for item in items)
    view = LIST.height - 2 * PAD - (MORE_HEIGHT if total > LIST.height - 2 * PAD else 0)
    scroll = scrolled(items, selected, scroll, view)
    rects: list[tuple[int, pygame.Rect]] = []
    above = below = 0
    y = LIST.top + PAD - scroll
    for kind, index, text in items:
        height = _height((kind, index, text))
        inside = y >= LIST.top + PAD and y + height <= LIST.top + PAD + view
        if not inside:
            if kind == "row":
                above, below = (above + 1, below) if y < LIST.top else (above, below + 1)
        elif kind == "header":
            blit_text(
                surface,
                theme,
                text,
                14,
                theme.palette.text_dim,
                (LIST.left + 24, y + 10),
                bold=True,
            )
        elif kind == "empty":
            line = fit_text(theme, text, 15, LIST.width - 48)
            blit_text(surface, theme, line, 15, theme.palette.text_dim, (LIST.left + 24, y + 16))
        else:
            rect = pygame.Rect(LIST.left + 12, y, LIST.width - 24, ROW_HEIGHT - 4)
            _draw_row(surface, theme, rect, rows[index], index == selected)
            rects.append((index, rect))
        y += height
    if above or below:
        parts = [f"{above} more above ▲" if above else "", f"{below} more below ▼" if below else ""]
        more = "  ·  ".join(p for p in parts if p)
        spot = (LIST.right - 24, LIST.bottom - PAD - MORE_HEIGHT + 4)
        blit_text(surface, theme, more, 14, theme.palette.text_dim, spot, "topright")
    return rects, scroll


def _draw_row(
    surface: pygame.Surface, theme: Theme, rect: pygame.Rect, row: Row, chosen: bool
) -> None:
    pal = theme.palette
    if chosen:
        pygame.draw.rect(surface, pal.panel_edge, rect, border_radius=10)
        bar = (rect.left, rect.top + 12, 5, rect.height - 24)
        pygame.draw.rect(surface, pal.accent, bar, border_radius=3)
    color = pal.text_dim if not row.present else pal.accent if chosen else pal.text
    title = fit_middle(theme, row.title, 20, rect.width - 44, bold=True)
    blit_text(surface, theme, title, 20, color, (rect.left + 22, rect.top + 5), bold=True)
    detail = fit_text(theme, row.detail, 14, rect.width - 44)
    detail_color = pal.bad if not row.present else pal.text_dim
    blit_text(surface, theme, detail, 14, detail_color, (rect.left + 24, rect.top + 31))


def wrap(
    theme: Theme, text: str, size: int, width: int, lines: int, bold: bool = False
) -> list[str]:
    """``text`` in at most ``lines`` lines of ``width`` pixels, broken between words, or inside
    a word too long for a line (a path); the last line cut short with "…" if needed."""
    font = theme.fonts.font(size, bold)
    out: list[str] = []
    rest = text.strip()
    while rest and len(out) < lines:
        if font.size(rest)[0] <= width:
            out.append(rest)
            rest = ""
            break
        cut = len(rest)
        while cut > 1 and font.size(rest[:cut])[0] > width:
            cut -= 1
        space = rest.rfind(" ", 0, cut + 1)
        end = space if space > 0 else cut
        out.append(rest[:end].rstrip())
        rest = rest[end:].lstrip()
    if rest and out:
        out[-1] = fit_text(theme, out[-1] + " " + rest, size, width, bold)
    return out


def draw_detail(
    surface: pygame.Surface, ctx: SceneContext, row: Row, path: str | None, problem: str | None
) -> dict[str, pygame.Rect]:
    """The chosen agent: what it is, where, why it cannot be opened if it cannot; then its
    actions as buttons (returned by command, for clicks)."""
    theme = ctx.theme
    pal = theme.palette
    ctx.hud.blit_panel(surface, "detail", DETAIL, 235)
    x, width = DETAIL.left + 20, DETAIL.width - 40
    y = DETAIL.top + 16
    for line in wrap(theme, row.title, 20, width, 3, bold=True):
        blit_text(
            surface, theme, line, 20, pal.text if row.present else pal.text_dim, (x, y), bold=True
        )
        y += 27
    y += 6
    for line in wrap(theme, row.detail, 15, width, 3):
        blit_text(surface, theme, line, 15, pal.bad if not row.present else pal.text_dim, (x, y))
        y += 20
    for line in wrap(theme, path or "", 14, width, 3):
        blit_text(surface, theme, line, 14, pal.text_dim, (x, y))
        y += 19
    if problem:
        y += 8
        for line in wrap(theme, problem, 15, width, 5):
            blit_text(surface, theme, line, 15, pal.warn, (x, y))
            y += 20
    return _draw_buttons(surface, theme, row.present)


def _draw_buttons(surface: pygame.Surface, theme: Theme, active: bool) -> dict[str, pygame.Rect]:
    pal = theme.palette
    buttons: dict[str, pygame.Rect] = {}
    top = DETAIL.bottom - 18 - len(ACTIONS) * (BUTTON_HEIGHT + 10) + 10
    for i, (command, label, key) in enumerate(ACTIONS):
        rect = pygame.Rect(
            DETAIL.left + 20, top + i * (BUTTON_HEIGHT + 10), DETAIL.width - 40, BUTTON_HEIGHT
        )
        first = i == 0 and active
        pygame.draw.rect(surface, pal.accent if first else pal.panel_edge, rect, border_radius=10)
        color = pal.sky_bottom if first else pal.text if active else pal.text_dim
        blit_text(surface, theme, f"{label}  ({key})", 19, color, rect.center, "center", bold=True)
        buttons[command] = rect
    return buttons


def draw_footer(surface: pygame.Surface, ctx: SceneContext, bindings: BindingTable) -> None:
    """What can be dropped on the window, the key hints, and the toasts."""
    theme = ctx.theme
    pal = theme.palette
    for i, line in enumerate(FORMAT_LINES):
        text = fit_text(theme, line, 15, FORMATS.width)
        blit_text(surface, theme, text, 15, pal.text_dim, (FORMATS.left + 2, FORMATS.top + i * 22))
    hints = bindings.status_line(("up", "confirm", "takeover", "versus", "forget", "help", "back"))
    blit_text(surface, theme, hints, 16, pal.text_dim, (FOOTER.left + 2, FOOTER.top + 4))
    draw_toasts(surface, ctx, OPEN_AGENT_LAYOUT.rect("toasts"))
