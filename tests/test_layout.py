"""Layout: in every screen state, no two strings overlap and every string is on the screen.

Each state is reached headless through the real app loop (cartpole_game/harness/screens.py,
which ``scripts/screens.py`` uses for its PNGs); one frame is drawn with the theme's text log on.
Strings are compared within a scene: an overlay (pause, help) is meant to cover the scene below.
Toasts and the chart's labels are drawn without ``blit_text``, so they are not checked here.

A state that fails because of a known collision is listed with
``pytest.param(name, marks=pytest.mark.xfail(strict=True, reason="<the collision>"))``: the test
documents it, and turns red once the collision is fixed without the mark being removed.
"""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from cartpole_game.game.render.layout import MIN_TEXT_SIZE, LayoutLog, PanelEntry, SpriteEntry
from cartpole_game.game.render.theme import Theme, blit_text
from cartpole_game.harness.screens import STATES, collisions, shoot

KNOWN_COLLISIONS: dict[str, str] = {}  # state -> the collision, while it is known and unfixed

CASES = [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_COLLISIONS[name]))
    if name in KNOWN_COLLISIONS
    else name
    for name in STATES
]


@pytest.mark.parametrize("state", CASES)
def test_no_text_overlaps_and_all_text_is_on_screen(state: str, tmp_path: Path) -> None:
    problems = shoot(state, tmp_path)
    assert not problems, f"{state}:\n" + "\n".join(problems)


def test_the_layout_log_records_what_blit_text_draws_and_only_when_on() -> None:
    pygame.font.init()
    theme = Theme.create()
    surface = pygame.Surface((200, 100))
    blit_text(surface, theme, "off", 16, (255, 255, 255), (0, 0))
    theme.layout_log = LayoutLog()
    rect = blit_text(surface, theme, "on", 16, (255, 255, 255), (100, 50), anchor="center")
    assert [(t.text, t.rect) for t in theme.layout_log.texts] == [("on", rect)]


def _log(*texts: tuple[str, pygame.Rect], panels: tuple[PanelEntry, ...] = ()) -> LayoutLog:
    log = LayoutLog()
    for text, rect in texts:
        log.add_text(text, rect)
    log.panels.extend(panels)
    return log


def test_collisions_finds_overlaps_and_text_off_the_screen_not_duplicates() -> None:
    a = pygame.Rect(10, 10, 50, 20)
    log = _log(
        ("a", a), ("a", a.copy()), ("b", a.move(40, 10)), ("c", pygame.Rect(1270, 0, 20, 10))
    )
    problems = collisions([log], (1280, 720))
    assert len(problems) == 2
    assert any("'a'" in p and "'b'" in p for p in problems)
    assert any("'c'" in p and "off the screen" in p for p in problems)
    assert collisions([_log(("a", a)), _log(("b", a))], (1280, 720)) == []  # an overlay covers


def test_collisions_finds_text_past_its_panel_and_panels_over_text_or_out_of_region() -> None:
    panel = pygame.Rect(100, 100, 200, 100)
    inside = pygame.Rect(110, 110, 50, 20)
    crossing = pygame.Rect(280, 110, 50, 20)
    drawn_on = _log(("row", inside), panels=(PanelEntry("help", panel, seq=-1),))
    assert collisions([drawn_on], (1280, 720)) == []
    past = _log(("row", crossing), panels=(PanelEntry("help", panel, seq=-1),))
    assert "crosses the edge of panel help" in collisions([past], (1280, 720))[0]
    covered = _log(("wind", inside), panels=(PanelEntry("toast", panel, seq=5),))
    assert "panel toast" in collisions([covered], (1280, 720))[0]
    region = pygame.Rect(0, 0, 250, 720)
    out = _log(panels=(PanelEntry("banner", panel, region),))
    assert "leaves its region" in collisions([out], (1280, 720))[0]
    both = _log(panels=(PanelEntry("a", panel), PanelEntry("b", panel.move(150, 0))))
    assert "overlaps panel b" in collisions([both], (1280, 720))[0]


def test_collisions_finds_text_over_the_pole_unless_a_modal_panel_covers_it() -> None:
    pole = SpriteEntry("pole", segment=((640.0, 440.0), (640.0, 220.0), 8.0))
    scene = LayoutLog(sprites=[pole])
    paused = _log(("Paused", pygame.Rect(560, 300, 160, 60)))
    assert "covers the pole" in collisions([scene, paused], (1280, 720))[0]
    aside = _log(("Paused", pygame.Rect(100, 300, 160, 60)))
    assert collisions([scene, aside], (1280, 720)) == []
    help_box = PanelEntry("help", pygame.Rect(140, 100, 1000, 500), covers=True, seq=-1)
    modal = _log(("Keys", pygame.Rect(560, 300, 160, 60)), panels=(help_box,))
    assert collisions([scene, modal], (1280, 720)) == []


def test_every_font_is_at_least_the_minimum_readable_size() -> None:
    pygame.font.init()
    fonts = Theme.create().fonts
    assert fonts.font(6).get_height() == fonts.font(MIN_TEXT_SIZE).get_height()
    assert fonts.font(MIN_TEXT_SIZE + 6).get_height() > fonts.font(MIN_TEXT_SIZE).get_height()
