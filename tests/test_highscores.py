"""High scores: atomic writes, corrupt-file recovery, unwritable directories."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cartpole_game.core import atomic
from cartpole_game.game.highscores import HighScores, table_key

V1_1X = table_key("level6", 1.0)
HALF = table_key("level6", 0.5)


def test_scores_are_kept_per_level_and_time_scale(tmp_path: Path) -> None:
    path = tmp_path / "highscores.json"
    scores = HighScores.load(path)
    assert scores.submit(V1_1X, 42) is True
    assert scores.submit(V1_1X, 30) is False
    assert scores.submit(HALF, 7) is True
    again = HighScores.load(path)
    assert again.get(V1_1X) == 42 and again.get(HALF) == 7 and again.get("level1 1x") == 0
    assert json.loads(path.read_text())["best"] == {"level6 0.5x": 7, "level6 1x": 42}


def test_write_is_atomic_old_file_survives_a_failed_rename(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "highscores.json"
    scores = HighScores.load(path)
    scores.submit(V1_1X, 10)
    before = path.read_bytes()

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    assert scores.submit(V1_1X, 99) is True  # the game goes on with the new best in memory
    assert path.read_bytes() == before  # the file on disk is the old, complete one
    assert any("No space left" in w for w in scores.warnings)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["highscores.json", "highscores.json.lock"]  # no temp file left


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "",
        '{"best": {"1x": "lots"}, "format_version": 1}',
        "[1, 2, 3]",
        '{"best": {"1x": 5}, "format_version": 99}',
        "[" * 1000 + "]" * 1000,
        '{"best": {"1x": 1e999}, "format_version": 1}',
        '{"best": {"1x": 5}, "format_version": 0}',
        '{"best": {"1x": 5}, "format_version": -5}',
    ],
)
def test_corrupt_file_is_moved_aside_with_a_warning(tmp_path: Path, content: str) -> None:
    path = tmp_path / "highscores.json"
    path.write_text(content)
    scores = HighScores.load(path)
    assert scores.best == {}
    assert len(scores.warnings) == 1 and "corrupt" in scores.warnings[0]
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("highscores.json.corrupt-")]
    assert len(aside) == 1 and aside[0].read_text() == content
    assert scores.submit(V1_1X, 3) and HighScores.load(path).get(V1_1X) == 3


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_directory_warns(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        scores = HighScores.load(locked / "highscores.json")
        scores.submit(V1_1X, 5)
        assert scores.get(V1_1X) == 5 and scores.warnings
    finally:
        locked.chmod(0o700)


def test_directory_in_place_of_file_warns(tmp_path: Path) -> None:
    # Works even as root: a path whose parent is a regular file cannot be created.
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    scores = HighScores.load(blocker / "highscores.json")
    assert scores.submit(V1_1X, 5) is True
    assert scores.get(V1_1X) == 5
    assert any("could not save" in w for w in scores.warnings)


def test_invalid_utf8_and_a_fifo_are_refused_without_hanging(tmp_path: Path) -> None:
    path = tmp_path / "highscores.json"
    path.write_bytes(b'{"best": {"1x": 5}, "format_version": 1, "x": "\xff"}')
    scores = HighScores.load(path)
    assert scores.best == {} and "not UTF-8" in scores.warnings[0]
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    scores = HighScores.load(fifo)  # would block forever if opened for a plain read
    assert scores.best == {} and "not a regular file" in scores.warnings[0]
    assert fifo.exists()  # a FIFO or a device is never moved aside (it might be /dev/zero)


def test_old_tables_by_speed_alone_still_load(tmp_path: Path) -> None:
    path = tmp_path / "highscores.json"
    path.write_text('{"best": {"1x": 100, "0.5x": 51}, "format_version": 1}')
    assert HighScores.load(path).get("1x") == 100


def test_a_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "highscores.json"
    path.write_bytes(b'\xef\xbb\xbf{"best": {"level1 0.5x": 7}, "format_version": 1}')
    scores = HighScores.load(path)
    assert scores.get("level1 0.5x") == 7 and scores.warnings == []


def test_a_giant_integer_is_refused_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "highscores.json"
    path.write_text('{"best": {"1x": 1' + "0" * 5000 + '}, "format_version": 1}')
    scores = HighScores.load(path)
    assert scores.best == {} and "corrupt" in scores.warnings[0]


def test_two_games_on_one_folder_lose_no_score(tmp_path: Path) -> None:
    path = tmp_path / "highscores.json"
    first, second = HighScores.load(path), HighScores.load(path)  # both started on an empty table
    assert first.submit(V1_1X, 32) is True
    assert second.submit(V1_1X, 26) is False  # 26 is no best: the other game made 32
    assert second.submit(HALF, 5) is True
    again = HighScores.load(path)
    assert again.get(V1_1X) == 32 and again.get(HALF) == 5
    assert second.get(V1_1X) == 32  # and the second game now shows the real best


def test_a_high_score_file_linked_to_dev_zero_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "highscores.json"
    path.symlink_to("/dev/zero")  # once grew memory to 22 GB before the kernel killed the game
    scores = HighScores.load(path)
    assert scores.best == {} and "not a regular file" in scores.warnings[0]
    assert os.path.exists("/dev/zero") and os.path.realpath("/dev/zero") == "/dev/zero"
