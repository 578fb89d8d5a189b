"""The decision panel in plain words: precision, confidence, plain line, and staying in its rect."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from cartpole_game.agents.registry import AGENT_KINDS
from cartpole_game.game.render import decision_panel as dp
from cartpole_game.game.render.theme import Theme

RECTS = {False: pygame.Rect(936, 100, 328, 132), True: pygame.Rect(16, 122, 330, 100)}


@pytest.fixture(scope="module")
def theme() -> Theme:
    pygame.font.init()
    return Theme.create()


def test_close_q_values_read_differently() -> None:
    left, right = dp.format_values((100.07, 100.11))
    assert left != right
    assert dp.format_values((100.0712, 100.0713))[0] != dp.format_values((100.0712, 100.0713))[1]
    # The linear policy's [-score, score], however small the score.
    for score in (0.6, 0.0123, 1e-5, 3e-9):
        texts = dp.format_values((-score, score))
        assert texts[0] != texts[1], texts


def test_precision_follows_the_gap() -> None:
    assert dp.value_decimals((90.4, 99.7)) <= 2
    assert dp.value_decimals((100.07, 100.11)) >= 2
    assert dp.value_decimals((100.0712, 100.0713)) >= 4


@pytest.mark.parametrize("typical", [0.05, 0.3])  # about the DQN's and the linear policy's
def test_confidence_word_from_the_gap(typical: float) -> None:
    assert dp.confidence_word(30 * typical, typical) == "sure"
    assert dp.confidence_word(0.05 * typical, typical) == "coin toss"
    assert dp.confidence_word(0.0, typical) == "coin toss"
    words = [dp.confidence_word(r * typical, typical) for r in (0.1, 0.8, 2.0, 10.0)]
    assert words == ["coin toss", "leaning", "fairly sure", "sure"]


def test_the_running_typical_gap_adapts_to_the_agent() -> None:
    key = ("test-agent", -1, -1)
    memory = dp.SpreadMemory()
    for i in range(200):  # an agent whose usual gap is a hundredth, around Q = 100
        typical = memory.typical(key, (100.0 + i * 1e-4, 100.01 + i * 1e-4))
    assert 0.005 < typical < 0.02
    assert dp.confidence_word(1.0, typical) == "sure"
    assert dp.confidence_word(0.0005, typical) == "coin toss"
    assert dp.SpreadMemory().typical(key, (1.0, 3.0)) == pytest.approx(2.0)  # its own memory


def test_plain_line_for_the_shipped_kinds() -> None:
    class Agent:
        def __init__(self, kind: str) -> None:
            self.kind = kind

    for kind in ("dqn", "linear"):
        assert AGENT_KINDS[kind].plain
        assert dp.plain_words(Agent(kind)) == AGENT_KINDS[kind].plain
        assert dp.plain_for_label(AGENT_KINDS[kind].value_label) == AGENT_KINDS[kind].plain
    assert "balance" in AGENT_KINDS["dqn"].plain
    assert "right" in AGENT_KINDS["linear"].plain
    assert dp.plain_words(object()) == dp.GENERIC_PLAIN


def render_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    drawn: list[str] = []
    original = dp.blit_text

    def spy(surface, theme, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        drawn.append(text)
        return original(surface, theme, text, *args, **kwargs)

    monkeypatch.setattr(dp, "blit_text", spy)
    return drawn


@pytest.mark.parametrize("kind", ["dqn", "linear"])
def test_the_panel_says_it_in_plain_words(
    theme: Theme, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    drawn = render_texts(monkeypatch)
    rect = RECTS[False]
    surface = pygame.Surface((1280, 720))
    values = np.array([100.07, 100.11] if kind == "dqn" else [-0.3, 0.3], np.float32)
    label = AGENT_KINDS[kind].value_label
    dp.draw_decision_panel(
        surface, theme, rect, kind, label, values, pygame.Surface(rect.size), typical=0.01
    )
    text = " ".join(drawn)
    assert "pushes right" in text and "sure" in text
    assert AGENT_KINDS[kind].plain.split()[0] in text  # the plain line (wrapped over two)
    raw = dp.format_values(values)
    assert any(raw[0] in t for t in drawn) and any(raw[1] in t for t in drawn)


CASES = [
    ("dqn", [100.07, 100.11]),
    ("dqn", [43.0275, 98.1787]),
    ("dqn", [100.0000012, 100.0000031]),
    ("linear", [-0.3, 0.3]),
    ("linear", [0.00123, -0.00123]),
    ("a-very-long-agent-name-from-a-checkpoint-file.safetensors", [1e6, -1e6]),
    ("dqn", None),
]


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize(("name", "values"), CASES)
def test_nothing_is_drawn_outside_the_panel(
    theme: Theme,
    monkeypatch: pytest.MonkeyPatch,
    compact: bool,
    name: str,
    values: list[float] | None,
) -> None:
    rect = RECTS[compact]
    background = (255, 0, 255)
    surface = pygame.Surface((1280, 720))
    surface.fill(background)
    panel = pygame.Surface(rect.size)
    panel.fill((24, 30, 48))
    label = AGENT_KINDS[name].value_label if name in AGENT_KINDS else "values"
    array = None if values is None else np.array(values, np.float32)
    # Every text rect drawn lies inside the panel (the clip would hide, not fix, an overflow).
    rects: list[pygame.Rect] = []
    original = dp.blit_text

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        drawn = original(*args, **kwargs)
        rects.append(drawn)
        return drawn

    monkeypatch.setattr(dp, "blit_text", spy)
    for typical in (None, 1e-4, 1e3):
        dp.draw_decision_panel(
            surface, theme, rect, name, label, array, panel, compact=compact, typical=typical
        )
    pixels = pygame.surfarray.pixels3d(surface)
    outside = np.ones(pixels.shape[:2], bool)
    outside[rect.left : rect.right, rect.top : rect.bottom] = False
    assert (pixels[outside] == background).all()
    del pixels
    assert rects
    for text_rect in rects:
        assert rect.contains(text_rect), (text_rect, rect)
    # No two texts overlap.
    for i, a in enumerate(rects[: len(rects) // 3]):
        for b in rects[i + 1 : len(rects) // 3]:
            assert not a.colliderect(b), (a, b)


@pytest.mark.parametrize("compact", [False, True])
def test_a_clone_that_does_not_push_says_so_with_its_two_likeliest_actions(
    theme: Theme, monkeypatch: pytest.MonkeyPatch, compact: bool
) -> None:
    drawn = render_texts(monkeypatch)
    rect = RECTS[compact]
    surface = pygame.Surface((1280, 720))
    values = np.array([0.2, 0.1, 0.7], np.float32)  # left, right, no push
    dp.draw_decision_panel(
        surface,
        theme,
        rect,
        "your clone",
        "probabilities",
        values,
        pygame.Surface(rect.size),
        compact=compact,
    )
    assert "does not push" in drawn
    assert "◀ 20%" in drawn and "■ 70%" in drawn
    assert not any(t.startswith("▶") for t in drawn)  # the least likely is left out
    assert "pushes left" not in drawn and "pushes right" not in drawn
