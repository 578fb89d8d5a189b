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


def test_the_text_log_records_what_blit_text_draws_and_only_when_on() -> None:
    pygame.font.init()
    theme = Theme.create()
    surface = pygame.Surface((200, 100))
    blit_text(surface, theme, "off", 16, (255, 255, 255), (0, 0))
    theme.text_log = []
    rect = blit_text(surface, theme, "on", 16, (255, 255, 255), (100, 50), anchor="center")
    assert theme.text_log == [("on", rect)]


def test_collisions_finds_overlaps_and_text_off_the_screen_not_duplicates() -> None:
    a = pygame.Rect(10, 10, 50, 20)
    log = [("a", a), ("a", a.copy()), ("b", a.move(40, 10)), ("c", pygame.Rect(1270, 0, 20, 10))]
    problems = collisions([log], (1280, 720))
    assert len(problems) == 2
    assert any("'a'" in p and "'b'" in p for p in problems)
    assert any("'c'" in p and "off the screen" in p for p in problems)
    assert collisions([[("a", a)], [("b", a)]], (1280, 720)) == []  # an overlay covers its scene
