"""Resizing keeps the aspect ratio: the letterbox maths, and mouse positions mapped back."""

from __future__ import annotations

import pytest

from cartpole_game.game.render.letterbox import fit, to_logical

LOGICAL = (1280, 720)


def test_same_size_is_identity() -> None:
    box = fit((1280, 720), LOGICAL)
    assert (box.scale, box.left, box.top, box.width, box.height) == (1.0, 0, 0, 1280, 720)


def test_taller_window_gets_bars_above_and_below() -> None:
    box = fit((900, 700), LOGICAL)
    assert box.width == 900 and box.height == round(720 * 900 / 1280)
    assert box.left == 0 and box.top == (700 - box.height) // 2
    assert box.width / box.height == pytest.approx(16 / 9, rel=0.01)


def test_wider_window_gets_bars_left_and_right() -> None:
    box = fit((2560, 800), LOGICAL)
    assert box.height == 800 and box.top == 0 and box.left == (2560 - box.width) // 2


def test_mouse_positions_map_back_to_the_picture() -> None:
    box = fit((900, 700), LOGICAL)
    assert to_logical((box.left, box.top), box) == (0, 0)
    assert to_logical((box.left + box.width, box.top + box.height), box) == (1280, 720)
    assert to_logical((450, 350), box) == (640, 360)


def test_degenerate_window_does_not_divide_by_zero() -> None:
    box = fit((0, 0), LOGICAL)
    assert box.width >= 1 and box.height >= 1
