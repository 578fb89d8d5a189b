"""How a single arena's runs are kept: the table a run is filed under, whether it counts, and
what it leaves behind (a high score, a medal, a best-run replay, a record of the summary).

A run is filed under its level and the speed it started at; changing the speed midway makes it
unranked. A run counts when a human alone drove it, pushed at least once and kept its speed: its
score goes into its table's high scores (a new best saves its replay, the ghost play races), and
at the level's own speed or faster, on a level that is open, it can earn a medal. Every run, filed
or not, ends as one record of the session summary.
"""

from __future__ import annotations

from pathlib import Path

from cartpole_game.game.highscores import table_key, table_title
from cartpole_game.game.scenes.base import SceneContext
from cartpole_game.game.summary import EpisodeSummary, summarize
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import HumanController
from cartpole_game.sim.levels import Level
from cartpole_game.sim.replay import Replay

# The progress's answer to a ranked run: the medal it newly earned (or None), whether it unlocked
# the next level.
MedalResult = tuple[str | None, bool]


class RunKeeper:
    """Keeps the runs on ``level``: the speed the current run is filed at, whether it is still
    ranked, and the filing of a run that counts once it ends."""

    def __init__(self, ctx: SceneContext, level: Level) -> None:
        self.ctx = ctx
        self.level = level
        self.run_scale = ctx.time_scale  # the speed this run started at: its table
        self.ranked = True  # False once the speed changes mid-run

    def start(self) -> None:
        """A run starts, or the next one waits: filed at the speed now, and ranked."""
        self.run_scale = self.ctx.time_scale
        self.ranked = True

    def speed_changed(self, mid_run: bool, human_present: bool) -> None:
        """Between runs the new speed is the next run's table; midway through a run a human could
        file, the run becomes unranked (said once)."""
        if not mid_run:
            self.run_scale = self.ctx.time_scale
        elif self.ranked and human_present:
            self.ranked = False
            self.ctx.notify(f"Speed {self.ctx.time_scale:g}×: this run is now unranked", 4.0)

    def counts(self, arena: Arena, human: HumanController | None) -> bool:
        """Whether the arena's run goes into the high scores: a human alone drove it, pushed at
        least once, and kept the speed it started at."""
        if human is None or set(arena.steps_by_driver) != {human.name}:
            return False
        return self.ranked and arena.log.push_steps_by(human.name) > 0

    def summary(
        self, arena: Arena, mode_name: str, counted: bool, human: HumanController | None
    ) -> EpisodeSummary:
        """The arena's run as one record of the session summary."""
        return summarize(
            arena,
            mode_name,
            (self.level.number, self.level.name),
            self.run_scale,
            counted,
            human.name if human is not None else None,
        )

    def file(self, arena: Arena, mode_name: str) -> tuple[bool, MedalResult | None]:
        """Files a finished run that counts: its score in its table (a new best saves its replay)
        and, at the level's own speed or faster on a level that is open, in the progress.
        Returns whether it is a new best, and the progress's answer (None: no medal to earn)."""
        new_best = self.ctx.high_scores.submit(
            table_key(self.level.key, self.run_scale), arena.score
        )
        if new_best:
            self.save_best_replay(arena, mode_name)
        progress = self.ctx.progress
        if self.run_scale >= self.level.time_scale and progress.unlocked(self.level):
            return new_best, progress.submit(self.level, arena.score)
        return new_best, None

    def best_replay_path(self, time_scale: float) -> Path:
        """Where the best run of this level at ``time_scale`` is kept."""
        return self.ctx.data_dir / "replays" / f"best-{self.level.key}-{time_scale:g}x.json"

    def save_best_replay(self, arena: Arena, mode_name: str) -> None:
        replay = Replay.from_arena(arena, mode_name, self.run_scale, self.level.number)
        path = self.best_replay_path(self.run_scale)
        try:
            replay.save(path)
        except OSError as exc:
            self.ctx.notify(
                f"Warning: could not save the replay {path}: {exc.strerror or exc}", 6.0
            )

    def best_shown(self, arena: Arena, under_way: bool, counts: bool) -> tuple[str, int]:
        """The best of the table this run is filed under, named: "BEST Broom 0.5×". Between runs
        (not ``under_way``), the table of the speed now; ``counts``: whether the run counts."""
        scale = self.run_scale if under_way else self.ctx.time_scale
        best = self.ctx.high_scores.get(table_key(self.level.key, scale))
        title = table_title(self.level.name, scale)
        if not self.ranked:
            return "UNRANKED RUN", arena.score
        return f"BEST {title}", max(best, arena.score if counts else 0)
