"""Agents named by what they are, and shown as what they have.

The top bar's driver pill fits any name (it widens leftwards, then loses " DRIVES", then the
middle of the name), a file's name keeps its spelling ("ppo-CartPole-v1.zip", not shouted), and
versus headers and the tally fit too. The decision panel writes a policy's probabilities as
percentages and says how sure it is from them; an ONNX file that gives only its push shows no
numbers and no "how sure".
"""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from cartpole_game.agents.foreign import CHOICE_ONLY, PROBABILITIES, Q_VALUES
from cartpole_game.game.render import decision_panel as dp
from cartpole_game.game.render.hud import DRIVER_REGION, Hud, HudInfo, driver_pill, shouted
from cartpole_game.game.render.layout import ARENA, LayoutLog
from cartpole_game.game.render.theme import Theme
from cartpole_game.game.scenes.versus_draw import fit_title

LONG = "PPO (SB3 2.4) · ppo-CartPole-v1.zip"
VERY_LONG = "QR-DQN (SB3 2.4) · qrdqn-CartPole-v1-seed1234-after-a-very-long-training-run.zip"


@pytest.fixture(scope="module")
def theme() -> Theme:
    pygame.font.init()
    return Theme.create()


def test_a_file_name_keeps_its_spelling_in_capitals() -> None:
    assert shouted("dqn") == "DQN"
    assert shouted(LONG) == "PPO (SB3 2.4) · ppo-CartPole-v1.zip"
    assert shouted("ONNX · dqn.onnx") == "ONNX · dqn.onnx"


def top_bar_texts(theme: Theme, driver: str) -> tuple[LayoutLog, pygame.Surface]:
    surface = pygame.Surface((1280, 720))
    theme.layout_log = LayoutLog()
    try:
        info = HudInfo(12, 0.24, 40, 1.0, driver, (0.0, 0.0, 0.0, 0.0), "BEST RUN")
        Hud(theme).draw_top_bar(surface, info, ARENA.rect("top_bar"))
        return theme.layout_log, surface
    finally:
        theme.layout_log = None


@pytest.mark.parametrize("name", ["dqn", LONG, VERY_LONG])
def test_the_driver_pill_fits_any_name(theme: Theme, name: str) -> None:
    driver = f"{shouted(name)} DRIVES"
    log, _ = top_bar_texts(theme, driver)
    [pill] = [p for p in log.panels if p.name == "driver"]
    assert DRIVER_REGION.contains(pill.rect)
    [label] = [t for t in log.texts if t.rect.colliderect(pill.rect)]
    assert pill.rect.contains(label.rect)
    others = [t for t in log.texts if t is not label]
    assert not any(t.rect.colliderect(pill.rect) for t in others)
    if name == "dqn":
        assert label.text == "DQN DRIVES" and pill.rect.width == 220
    elif name == LONG:
        assert label.text == f"{LONG} DRIVES"  # it fits whole, in smaller type
    else:
        assert label.text.startswith("QR-DQN (SB3 2.4) · qrd") and label.text.endswith(".zip")
        assert "…" in label.text and "DRIVES" not in label.text


def test_the_pill_is_centred_for_a_short_name(theme: Theme) -> None:
    label, size, pill = driver_pill(theme, "YOU DRIVE", 640, DRIVER_REGION)
    assert (label, size, pill.centerx, pill.width) == ("YOU DRIVE", 18, 640, 220)


def test_a_versus_header_fits_a_long_name(theme: Theme) -> None:
    assert fit_title(theme, "DQN", 408) == ("DQN", 24)
    title, size = fit_title(theme, VERY_LONG, 408)
    assert theme.fonts.font(size, True).size(title)[0] <= 408
    assert title.startswith("QR-DQN") and title.endswith(".zip") and "…" in title


def test_probabilities_read_as_percentages_and_say_how_sure(theme: Theme) -> None:
    assert dp.value_style(PROBABILITIES.value_label) == dp.PROBABILITY
    assert dp.value_style(CHOICE_ONLY.value_label) == dp.CHOICE
    assert dp.value_style(Q_VALUES.value_label) == dp.NUMBERS
    assert dp.format_percentages((0.62, 0.38)) == ("62%", "38%")
    assert dp.format_percentages((0.5003, 0.4997)) == ("50.03%", "49.97%")
    assert dp.format_percentages((0.9999999, 1e-7)) == (">99%", "<1%")
    words = [
        dp.CONFIDENCE_WORDS[dp.probability_confidence((p, 1 - p))]
        for p in (0.52, 0.65, 0.8, 0.97, 0.03)
    ]
    assert words == ["coin toss", "leaning", "fairly sure", "sure", "sure"]


def panel_texts(theme: Theme, label: str, values: np.ndarray) -> list[str]:
    surface = pygame.Surface((1280, 720))
    rect = ARENA.rect("decision")
    theme.layout_log = LayoutLog()
    try:
        kind = next(k for k in (PROBABILITIES, CHOICE_ONLY) if k.value_label == label)
        panel = Hud(theme).panel(rect.size)
        dp.draw_decision_panel(surface, theme, rect, LONG, label, values, panel, plain=kind.plain)
        return [entry.text for entry in theme.layout_log.texts]
    finally:
        theme.layout_log = None


def test_the_panel_shows_a_policys_probabilities(theme: Theme) -> None:
    shown = panel_texts(theme, PROBABILITIES.value_label, np.array([0.08, 0.92], np.float32))
    assert LONG in shown and "pushes right" in shown and "sure" in shown
    assert "◀ 8%" in shown and "▶ 92%" in shown
    assert any(t.startswith("probabilities: how likely it is to") for t in shown)
    balanced = panel_texts(theme, PROBABILITIES.value_label, np.array([0.51, 0.49], np.float32))
    assert "coin toss" in balanced and "◀ 51%" in balanced


def test_a_model_that_gives_only_its_push_shows_no_numbers(theme: Theme) -> None:
    shown = panel_texts(theme, CHOICE_ONLY.value_label, np.array([0.0, 1.0], np.float32))
    assert "pushes right" in shown
    assert not any(word in shown for word in dp.CONFIDENCE_WORDS)
    assert not any("1.0" in t or "0.0" in t for t in shown)
