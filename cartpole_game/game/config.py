"""Small configuration dataclasses, passed explicitly (no module-level mutable state)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cartpole_game.sim.physics import CARTPOLE_V1


@dataclass(frozen=True)
class DisplayConfig:
    width: int = 1280
    height: int = 720
    fps: int = 60
    title: str = "CartPole"


@dataclass(frozen=True)
class LoopConfig:
    step: float = CARTPOLE_V1.tau  # the simulation always advances in steps of this size
    max_steps_per_frame: int = 5  # catch-up cap: past it, the game slows rather than spirals
    time_scale: float | None = None  # None: the level's own speed (1x outside the ladder)


@dataclass(frozen=True)
class TrainConfig:
    """The live training view: what to train, for how long, where the checkpoint goes."""

    algo: str = "dqn"
    steps: int | None = None  # None: the trainer's default budget
    out: Path | None = None  # None: a new file under the data directory's checkpoints/
    stop_when_solved: bool = True
    pace: int = 3  # index into cartpole_game.training.live.PACES: real time, 4x, 16x, turbo
    prewarm: bool = True  # the menu starts a worker in the background, so training starts at once
    # DQN: replay files (or folders) seeding its replay buffer, whose drivers' steps, and the
    # DQfD margin on them (see cartpole_game.training.demo_replay).
    demos: tuple[str, ...] = ()
    demo_driver: str = "any"
    demo_margin: float = 0.0


@dataclass(frozen=True)
class RunConfig:
    """What the command line asked for."""

    mode: str = "menu"
    headless: bool = False
    frames: int | None = None
    episodes: int | None = None
    seed: int | None = None
    screenshot: Path | None = None
    data_dir: Path | None = None
    agent: str = "dqn"  # watch, takeover, hints: "dqn", "linear" or a checkpoint path
    left: str = "human"  # versus sides: "human", "dqn", "linear" or a checkpoint path
    right: str = "dqn"
    rounds: int = 3  # versus: best of N
    student: str | None = None  # teach: "clone" or "untrained" (None: a clone if you have runs)
    # versus: "delay:K", "rate:K" or "noise:P" for every agent side, or "fair" (each its own)
    handicap: str | None = None
    replay: Path | None = None  # replay mode: the file to play back
    # play, watch, takeover, versus: the ladder's level (None: play's next one, else the last)
    level: int | None = None
    summary: Path | None = None  # where the session summary goes when the session ends
    save_replays: Path | None = None  # every finished episode is saved here as a replay file
    train: TrainConfig = TrainConfig()
    display: DisplayConfig = DisplayConfig()
    loop: LoopConfig = LoopConfig()
