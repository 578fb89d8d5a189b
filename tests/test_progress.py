"""Progress on the ladder: medals and unlocks survive a restart and a corrupt file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cartpole_game.game.progress import Progress
from cartpole_game.sim.levels import LEVELS


def test_medals_and_unlocks_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    first, second = LEVELS[0], LEVELS[1]
    progress = Progress.load(path)
    assert progress.unlocked(first) and not progress.unlocked(second)
    assert progress.current_level() is first
    assert progress.submit(first, first.goal_steps // 2) == ("bronze", False)
    assert progress.submit(first, first.goal_steps) == ("gold", True)
    assert progress.submit(first, 3) == (None, False)  # a worse run changes nothing
    again = Progress.load(path)  # the game restarted
    assert again.medal(first) == "gold" and again.record(first).best_steps == first.goal_steps
    assert again.unlocked(second) and not again.unlocked(LEVELS[2])
    assert again.current_level() is second
    assert again.warnings == []


def test_the_lesson_is_remembered(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    Progress.load(path).mark_lesson_seen()
    assert Progress.load(path).lesson_seen


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe",
        b"[" * 500 + b"]" * 500,
        b'{"format_version": 1, "levels": {"level1": {"best_steps": -4}}}',
        b'{"format_version": 1, "levels": {"level1": {"medal": "platinum"}}}',
        b'{"format_version": 1, "lesson_seen": "yes"}',
        b'{"format_version": 7}',
        b'{"format_version": 1, "levels": {"level1": {"best_steps": 1' + b"0" * 5000 + b"}}}",
    ],
)
def test_a_corrupt_progress_file_is_moved_aside_and_play_goes_on(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "progress.json"
    path.write_bytes(content)
    progress = Progress.load(path)
    assert progress.levels == {} and not progress.lesson_seen
    assert len(progress.warnings) == 1 and "corrupt" in progress.warnings[0]
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("progress.json.corrupt-")]
    assert len(aside) == 1 and aside[0].read_bytes() == content  # the player's file is kept
    assert progress.submit(LEVELS[0], LEVELS[0].goal_steps)[0] == "gold"
    assert json.loads(path.read_text())["levels"]["level1"]["medal"] == "gold"


def test_a_progress_file_that_is_a_directory_warns(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.mkdir()
    progress = Progress.load(path)
    assert progress.warnings and progress.current_level() is LEVELS[0]


def test_two_games_on_one_folder_lose_no_medal(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    first, second = Progress.load(path), Progress.load(path)
    level = LEVELS[0]
    assert first.submit(level, level.goal_steps) == ("gold", True)
    assert second.submit(level, level.goal_steps // 2) == (None, False)  # gold is already saved
    second.mark_lesson_seen()
    again = Progress.load(path)
    assert again.medal(level) == "gold" and again.lesson_seen
    assert again.record(level).best_steps == level.goal_steps
