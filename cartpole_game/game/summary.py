"""The session summary (``--summary PATH.json``): one record per episode, for players and tests.

Written once when the session ends, however it ends: the last frame, Esc/quit, the window's close
button or SIGTERM. The episode still running at exit is included with ``end_reason`` "running".
Each record names the agents that drove in it, as the game names them ("dqn", "PPO (SB3 2.4) ·
ppo-CartPole-v1.zip"), so a session with a player's own agent says which one it was.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cartpole_game.core.atomic import atomic_write_text
from cartpole_game.sim.arena import Arena, EndReason

RUNNING = "running"


@dataclass(frozen=True)
class EpisodeSummary:
    mode: str
    level: int  # the ladder's number (the last is CartPole-v1)
    level_name: str
    time_scale: float  # the speed the episode started at
    score: int
    end_reason: str  # "goal", "pole_fell", "cart_left_track", "diverged" or "running"
    human_push_steps: int  # physics steps in which a human pushed
    counted: bool  # whether it went into the high scores
    seed: int
    side: str | None = None  # versus: "left" or "right"
    # The agents that drove at least one step, in the order they took the cart ([] for a human
    # alone): the names the game shows, "dqn" or "PPO (SB3 2.4) · ppo-CartPole-v1.zip".
    agents: list[str] = field(default_factory=list)


def end_reason_name(reason: EndReason | None) -> str:
    if reason is None:
        return RUNNING
    return "goal" if reason is EndReason.MAX_STEPS else reason.name.lower()


def summarize(
    arena: Arena,
    mode: str,
    level: tuple[int, str],
    time_scale: float,
    counted: bool,
    human_name: str | None,
    side: str | None = None,
) -> EpisodeSummary:
    """The record of ``arena``'s current episode (finished or still running)."""
    return EpisodeSummary(
        mode=mode,
        level=level[0],
        level_name=level[1],
        time_scale=time_scale,
        score=arena.score,
        end_reason=end_reason_name(arena.end_reason),
        human_push_steps=arena.log.push_steps_by(human_name) if human_name else 0,
        counted=counted,
        seed=arena.log.seed,
        side=side,
        agents=[
            name for name, steps in arena.steps_by_driver.items() if steps and name != human_name
        ],
    )


def write_summary(path: Path, episodes: list[EpisodeSummary]) -> None:
    """Write the summary atomically. Raises OSError when it cannot."""
    records = []
    for episode in episodes:
        record = asdict(episode)
        if record["side"] is None:
            del record["side"]
        records.append(record)
    atomic_write_text(path, json.dumps({"episodes": records}, indent=1) + "\n")
