"""Heads-up display: score, time, best, time scale, driver, state gauges and the end banner."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pygame

from cartpole_game.game.render.arena_view import draw_arrow, lerp_color
from cartpole_game.game.render.layout import ARENA, log_panel
from cartpole_game.game.render.medal import MEDAL_COLORS as MEDAL_COLORS
from cartpole_game.game.render.medal import draw_medal as draw_medal
from cartpole_game.game.render.theme import Color, Theme, blit_text, fit_middle, fit_text
from cartpole_game.sim.physics import CARTPOLE_V1


@dataclass(frozen=True)
class HudInfo:
    score: int
    elapsed: float
    best: int
    time_scale: float
    driver: str
    state: Sequence[float]  # x, x_dot, theta, theta_dot
    best_label: str = "BEST"


@dataclass(frozen=True)
class GaugeSpec:
    symbol: str
    label: str
    unit: str
    span: float  # the bar shows -span..+span
    limit: float | None  # failure threshold, marked in red
    to_display: float = 1.0  # multiply the state value by this for display (rad -> degrees)


GAUGES = (
    GaugeSpec("x", "cart position", "m", 3.0, CARTPOLE_V1.x_threshold),
    GaugeSpec("ẋ", "cart velocity", "m/s", 3.0, None),
    GaugeSpec(
        "θ", "pole angle", "°", 15.0, math.degrees(CARTPOLE_V1.theta_threshold), math.degrees(1.0)
    ),
    GaugeSpec("θ̇", "angular velocity", "°/s", 200.0, None, math.degrees(1.0)),
)


def draw_panel(surface: pygame.Surface, theme: Theme, rect: pygame.Rect, alpha: int = 230) -> None:
    pal = theme.palette
    panel = pygame.Surface(rect.size, pygame.SRCALPHA)
    pygame.draw.rect(panel, (*pal.panel, alpha), panel.get_rect(), border_radius=12)
    pygame.draw.rect(panel, (*pal.panel_edge, 255), panel.get_rect(), width=1, border_radius=12)
    surface.blit(panel, rect)


BANNER_HEIGHT = 128
BANNER_TITLE_SIZES = (38, 32, 28)  # the title's size: the largest whose text fits


def banner_title_size(theme: Theme, title: str, width: int) -> int:
    for size in BANNER_TITLE_SIZES:
        if theme.fonts.font(size, True).size(title)[0] <= width:
            return size
    return BANNER_TITLE_SIZES[-1]


def banner_width(theme: Theme, title: str, subtitle: str, widest: int) -> int:
    """The width a banner needs for its two lines at full size, from 420 up to ``widest``."""
    title_width = theme.fonts.font(BANNER_TITLE_SIZES[0], True).size(title)[0]
    subtitle_width = theme.fonts.font(18).size(subtitle)[0]
    return max(420, min(widest, max(title_width, subtitle_width) + 48))


def shouted(name: str) -> str:
    """An agent's name as a header shouts it: "DQN"; but a name that ends in its file's name
    keeps the file's spelling: "PPO (SB3 2.4) · ppo-CartPole-v1.zip"."""
    head, sep, tail = name.partition(" · ")
    return head.upper() + sep + tail


DRIVER_REGION = ARENA.rect("driver")
PILL_WIDTH = 220  # the pill's width for a short name ("YOU DRIVE", "DQN DRIVES")
PILL_PAD = 20  # each side of its text
PILL_SIZES = (18, 16, 14)  # the text's size: the largest at which it fits
DRIVES = " DRIVES"


def driver_pill(
    theme: Theme, driver: str, centre_x: int, region: pygame.Rect
) -> tuple[str, int, pygame.Rect]:
    """The driver pill's text, its size and the pill, inside ``region``: 220 px wide and centred
    on ``centre_x`` for a short name, wider (and moved left as far as the region allows) for a
    long one. A name too long even then loses " DRIVES", then its middle ("PPO (SB3 2.4) ·
    ppo-Car…v1.zip"), so that what it is and the file's end stay readable."""
    inner = region.width - 2 * PILL_PAD
    candidates = [driver]
    if driver.endswith(DRIVES):
        candidates.append(driver[: -len(DRIVES)])
    label, size = "", PILL_SIZES[-1]
    for text in candidates:
        for size in PILL_SIZES:
            if theme.fonts.font(size, True).size(text)[0] <= inner:
                label = text
                break
        if label:
            break
    if not label:
        label = fit_middle(theme, candidates[-1], size, inner, bold=True)
    width = max(PILL_WIDTH, theme.fonts.font(size, True).size(label)[0] + 2 * PILL_PAD)
    pill = pygame.Rect(0, 0, min(width, region.width), region.height)
    pill.center = (centre_x, region.centery)
    pill.clamp_ip(region)
    return label, size, pill


class Hud:
    """Draws the HUD; caches the translucent panels (they are the same every frame)."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self._panels: dict[tuple[int, int, int], pygame.Surface] = {}

    def panel(self, size: tuple[int, int], alpha: int = 215) -> pygame.Surface:
        key = (size[0], size[1], alpha)
        cached = self._panels.get(key)
        if cached is None:
            cached = pygame.Surface(size, pygame.SRCALPHA)
            draw_panel(cached, self.theme, cached.get_rect(), alpha)
            self._panels[key] = cached
        return cached

    def blit_panel(
        self,
        surface: pygame.Surface,
        name: str,
        rect: pygame.Rect,
        alpha: int = 215,
        region: pygame.Rect | None = None,
        covers: bool = False,
    ) -> None:
        """The cached panel of ``rect``'s size at ``rect``, recorded for the layout test under
        ``name`` (inside ``region`` if given; ``covers``: a modal panel meant to hide the scene)."""
        surface.blit(self.panel(rect.size, alpha), rect)
        log_panel(self.theme, name, rect, region, covers)

    def draw_top_bar(self, surface: pygame.Surface, info: HudInfo, rect: pygame.Rect) -> None:
        pal = self.theme.palette
        t = self.theme
        self.blit_panel(surface, "top bar", rect, 170)
        x0, y0 = rect.left + 24, rect.top + 10
        blit_text(surface, t, "SCORE", 13, pal.text_dim, (x0, y0), bold=True)
        blit_text(surface, t, str(info.score), 40, pal.text, (x0, y0 + 17), bold=True)
        blit_text(surface, t, "TIME", 13, pal.text_dim, (x0 + 150, y0), bold=True)
        blit_text(surface, t, f"{info.elapsed:5.2f} s", 28, pal.text, (x0 + 150, y0 + 24))
        label, size, driver_rect = driver_pill(t, info.driver, rect.centerx, DRIVER_REGION)
        pygame.draw.rect(surface, pal.panel_edge, driver_rect, border_radius=20)
        log_panel(t, "driver", driver_rect, DRIVER_REGION)
        blit_text(surface, t, label, size, pal.accent, driver_rect.center, "center", bold=True)
        xr = rect.right - 24
        blit_text(
            surface, t, info.best_label, 13, pal.text_dim, (xr - 150, y0), "topright", bold=True
        )
        blit_text(
            surface, t, str(info.best), 40, pal.good, (xr - 150, y0 + 17), "topright", bold=True
        )
        blit_text(surface, t, "SPEED", 13, pal.text_dim, (xr, y0), "topright", bold=True)
        blit_text(surface, t, f"{info.time_scale:g}×", 28, pal.text, (xr, y0 + 24), "topright")

    def draw_gauges(
        self,
        surface: pygame.Surface,
        state: Sequence[float],
        rect: pygame.Rect,
        compact: bool = False,
    ) -> None:
        gap = 8 if compact else 14
        width = (rect.width - gap * (len(GAUGES) - 1)) // len(GAUGES)
        for i, spec in enumerate(GAUGES):
            card = pygame.Rect(rect.left + i * (width + gap), rect.top, width, rect.height)
            self.draw_gauge(surface, spec, float(state[i]) * spec.to_display, card, compact)

    def draw_gauge(
        self,
        surface: pygame.Surface,
        spec: GaugeSpec,
        value: float,
        rect: pygame.Rect,
        compact: bool = False,
    ) -> None:
        pal = self.theme.palette
        t = self.theme
        self.blit_panel(surface, f"gauge {spec.label}", rect)
        self._draw_symbol(surface, spec.symbol, (rect.left + 14, rect.top + 8))
        if not compact:  # narrow cards (versus) keep only the symbol and the number
            blit_text(surface, t, spec.label, 13, pal.text_dim, (rect.left + 44, rect.top + 15))
        shown = value if math.isfinite(value) else float("nan")
        blit_text(
            surface,
            t,
            f"{shown:+.2f} {spec.unit}",
            14 if compact else 17,
            pal.text,
            (rect.right - 12, rect.top + 13),
            "topright",
        )
        bar = pygame.Rect(rect.left + 14, rect.bottom - 26, rect.width - 28, 12)
        pygame.draw.rect(surface, pal.ground, bar, border_radius=6)
        mid = bar.centerx
        fraction = max(-1.0, min(1.0, shown / spec.span)) if math.isfinite(shown) else 0.0
        end = mid + fraction * bar.width / 2
        severity = abs(shown) / spec.limit if spec.limit and math.isfinite(shown) else abs(fraction)
        color: Color = lerp_color(pal.good, pal.warn, severity * 1.6 - 0.3)
        if severity > 0.8:
            color = lerp_color(pal.warn, pal.bad, (severity - 0.8) * 5)
        fill = pygame.Rect(min(mid, end), bar.top, max(2, abs(end - mid)), bar.height)
        pygame.draw.rect(surface, color, fill, border_radius=6)
        pygame.draw.line(surface, pal.text_dim, (mid, bar.top - 4), (mid, bar.bottom + 3), 2)
        if spec.limit:
            for sign in (-1, 1):
                lx = mid + sign * spec.limit / spec.span * bar.width / 2
                pygame.draw.line(surface, pal.limit, (lx, bar.top - 5), (lx, bar.bottom + 4), 2)

    def _draw_symbol(self, surface: pygame.Surface, symbol: str, pos: tuple[int, int]) -> None:
        # Fonts clip a combining dot above (ẋ, θ̇); draw the base letter and the dot ourselves.
        pal = self.theme.palette
        dotted = symbol.endswith("\u0307")
        base = symbol[:-1] if dotted else symbol
        if base == "x" and dotted:
            base, dotted = "ẋ", False  # precomposed ẋ exists and renders well
        rect = blit_text(surface, self.theme, base, 22, pal.text, pos, bold=True)
        if dotted:
            pygame.draw.circle(surface, pal.text, (rect.centerx, rect.top + 1), 2)

    def draw_recording_mark(self, surface: pygame.Surface, region: pygame.Rect) -> None:
        """A red dot and "REC" in ``region``: a GIF of this episode is being recorded."""
        red = (235, 70, 70)
        log_panel(self.theme, "recording", region)
        pygame.draw.circle(surface, red, (region.left + 10, region.centery), 7)
        blit_text(
            surface, self.theme, "REC", 15, red, (region.left + 24, region.centery), "midleft", True
        )

    def draw_wind(self, surface: pygame.Surface, wind: float, region: pygame.Rect) -> None:
        """The wind readout in ``region``: its force in newtons, and an arrow that grows with it."""
        pal = self.theme.palette
        top = (region.centerx, region.top)
        blit_text(surface, self.theme, f"wind {wind:+.1f} N", 15, pal.warn, top, "midtop")
        if abs(wind) > 0.3:
            side = 1 if wind > 0 else -1
            length = min(region.width // 2 - 8, 20 + 8 * abs(wind))
            tail = (region.centerx - side * length // 2, region.top + 36)
            draw_arrow(surface, pal.warn, tail, side, length, 6)

    def draw_banner(
        self,
        surface: pygame.Surface,
        title: str,
        subtitle: str,
        color: Color,
        rect: pygame.Rect,
        region: pygame.Rect | None = None,
    ) -> None:
        """A banner filling ``rect`` (BANNER_HEIGHT tall): a coloured top edge, the title, and
        a line under it; both are cut short to fit its width rather than run past its edges."""
        self.blit_panel(surface, "banner", rect, 235, region)
        pygame.draw.rect(
            surface,
            color,
            (rect.left, rect.top, rect.width, 5),
            border_top_left_radius=12,
            border_top_right_radius=12,
        )
        inner = rect.width - 32
        size = banner_title_size(self.theme, title, inner)
        title = fit_text(self.theme, title, size, inner, bold=True)
        blit_text(
            surface, self.theme, title, size, color, (rect.centerx, rect.top + 22), "midtop", True
        )
        line = fit_text(self.theme, subtitle, 18, inner)
        pal = self.theme.palette
        blit_text(surface, self.theme, line, 18, pal.text, (rect.centerx, rect.top + 80), "midtop")
