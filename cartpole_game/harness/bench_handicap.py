"""Which handicap makes an agent a fair match for a person, on each level?

``python play.py bench --only handicap`` calls :func:`handicap_benchmark`: on every level, the
simulated player of :mod:`cartpole_game.sim.player_model` plays versus rounds against each shipped
agent with each handicap of :data:`GRID` (none; a reaction delay; a slower action rate; random
pushes). Round k of every pairing starts from seed ``seed + k`` with the level's wind and pokes,
both sides alike, as a versus round does. The player's *win share* against a setting counts a
drawn round (both reach the goal, or fall at the same step) as half a win, so 50% means it wins
as often as it loses. For each level and agent the *fair* setting is the one whose share is
closest to 50% (on a tie, the one listed first in the grid: the milder kind and amount).

The sides of a versus round do not affect each other (the same seed, the same disturbances, no
pokes from a person), so each side is played alone (:func:`play_side_alone`): the player once per
level, each agent only until the round's result is known. The rounds are exactly the match's.

Deterministic given the seed; numpy only (the agents' numpy forward pass, no torch).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

from cartpole_game.agents import load_agent
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import Controller
from cartpole_game.sim.handicap import FAIR_HANDICAPS, Handicap, handicapped, parse_handicap
from cartpole_game.sim.levels import LEVELS, Level
from cartpole_game.sim.player_model import HUMAN_MODEL, PlayerModel, SimulatedPlayer
from cartpole_game.sim.versus import play_side_alone

AGENTS = ("dqn", "linear")
NONE = "none"
GRID: tuple[str, ...] = (
    NONE,
    *(f"delay:{k}" for k in (2, 3, 4, 5, 6)),
    *(f"rate:{k}" for k in (2, 3, 4, 5, 6, 7, 8)),
    *(f"noise:{p}" for p in ("0.1", "0.2", "0.3", "0.4", "0.5")),
)
EPISODES = 50  # rounds per level, agent and setting


class HandicapRow(TypedDict):
    """The simulated player against one agent with one handicap on one level."""

    level: int
    name: str
    agent: str
    handicap: str  # a GRID entry: "none", "delay:2", ...
    episodes: int
    wins: int
    draws: int
    losses: int
    win_share: float  # (wins + draws / 2) / episodes


def grid_handicap(spec: str) -> Handicap | None:
    """A grid entry as a handicap (None for "none")."""
    return None if spec == NONE else parse_handicap(spec)


def player_scores(
    level: Level, episodes: int, seed: int, model: PlayerModel = HUMAN_MODEL
) -> list[int]:
    """The simulated player's score in each of ``episodes`` versus rounds on ``level``."""
    player = SimulatedPlayer(model, level.time_scale, level.params.tau, seed=seed)
    arena = Arena(player, seed=seed, params=level.params)
    return [play_side_alone(arena, level, seed + k) for k in range(episodes)]


def versus_outcomes(
    level: Level, agent: str, handicap: str, opponent: Sequence[int], seed: int
) -> tuple[int, int, int]:
    """(wins, draws, losses) of the side that scored ``opponent`` in rounds ``seed``,
    ``seed + 1``, … against ``agent`` with ``handicap`` (a GRID entry)."""
    controller: Controller = load_agent(agent)
    setting = grid_handicap(handicap)
    if setting is not None:
        controller = handicapped(controller, setting, seed=seed)
    arena = Arena(controller, seed=seed, params=level.params)
    wins = draws = 0
    for k, score in enumerate(opponent):
        # Past the opponent's score the agent has won the round: no need to play it out.
        agent_score = play_side_alone(arena, level, seed + k, until=score + 1)
        wins += agent_score < score
        draws += agent_score == score
    return wins, draws, len(opponent) - wins - draws


def handicap_rows(
    episodes: int = EPISODES,
    seed: int = 0,
    levels: Sequence[Level] = LEVELS,
    agents: Sequence[str] = AGENTS,
    grid: Sequence[str] = GRID,
) -> list[HandicapRow]:
    """The player's record against every agent and setting, level by level."""
    rows: list[HandicapRow] = []
    for level in levels:
        scores = player_scores(level, episodes, seed)
        for agent in agents:
            for handicap in grid:
                wins, draws, losses = versus_outcomes(level, agent, handicap, scores, seed)
                rows.append(
                    HandicapRow(
                        level=level.number,
                        name=level.name,
                        agent=agent,
                        handicap=handicap,
                        episodes=episodes,
                        wins=wins,
                        draws=draws,
                        losses=losses,
                        win_share=(wins + draws / 2) / episodes if episodes else 0.0,
                    )
                )
    return rows


def fair_settings(rows: Sequence[HandicapRow]) -> dict[int, dict[str, str]]:
    """Per level and agent, the setting whose win share is closest to 50% (the first of a tie,
    in the rows' order)."""
    best: dict[tuple[int, str], HandicapRow] = {}
    for row in rows:
        key = (row["level"], row["agent"])
        held = best.get(key)
        if held is None or abs(row["win_share"] - 0.5) < abs(held["win_share"] - 0.5):
            best[key] = row
    fair: dict[int, dict[str, str]] = {}
    for (level, agent), row in best.items():
        fair.setdefault(level, {})[agent] = row["handicap"]
    return fair


def table_spec(level: int, agent: str) -> str | None:
    """What ``FAIR_HANDICAPS`` says for ``agent`` on ``level`` as a grid entry (None: nothing)."""
    if agent not in FAIR_HANDICAPS.get(level, {}):
        return None
    handicap = FAIR_HANDICAPS[level][agent]
    return NONE if handicap is None else handicap.spec


def table_mismatches(fair: dict[int, dict[str, str]]) -> list[str]:
    """Where ``FAIR_HANDICAPS`` differs from ``fair`` (measured), one line each."""
    problems = []
    for level, by_agent in sorted(fair.items()):
        for agent, measured in by_agent.items():
            table = table_spec(level, agent)
            if table != measured:
                problems.append(
                    f"level {level} {agent}: the table says {table or 'nothing'}, "
                    f"the bench measured {measured}"
                )
    return problems


def handicap_benchmark(episodes: int = EPISODES, seed: int = 0) -> dict[str, Any]:
    """The figures for ``bench``: every row, the fair settings, and whether the table in
    :mod:`cartpole_game.sim.handicap` still matches them."""
    rows = handicap_rows(episodes, seed)
    fair = fair_settings(rows)
    mismatches = table_mismatches(fair)
    return {
        "episodes": episodes,
        "seed": seed,
        "grid": list(GRID),
        "rows": rows,
        "fair": {str(level): by_agent for level, by_agent in fair.items()},
        "table_matches": not mismatches,
        "mismatches": mismatches,
    }


def fair_row(result: dict[str, Any], level: int, agent: str) -> HandicapRow:
    """The row of the fair setting of ``agent`` on ``level`` in a :func:`handicap_benchmark`."""
    spec = result["fair"][str(level)][agent]
    return next(
        row
        for row in result["rows"]
        if (row["level"], row["agent"], row["handicap"]) == (level, agent, spec)
    )


def format_grid(result: dict[str, Any]) -> str:
    """The player's win share for every setting (rows) on every level and agent (columns), the
    fair setting of each column marked with "*"."""
    rows: list[HandicapRow] = result["rows"]
    columns = list(dict.fromkeys((row["level"], row["agent"]) for row in rows))
    share = {(r["level"], r["agent"], r["handicap"]): r["win_share"] for r in rows}
    fair = result["fair"]
    header = ["handicap", *(f"L{level} {agent}" for level, agent in columns)]
    lines = [header]
    for spec in result["grid"]:
        cells = [spec]
        for level, agent in columns:
            mark = "*" if fair[str(level)][agent] == spec else " "
            cells.append(f"{share[(level, agent, spec)]:.0%}{mark}")
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = [
        "  ".join(
            cell.rjust(w) if i else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    ]
    table = "the table of fair handicaps (FAIR_HANDICAPS in cartpole_game/sim/handicap.py)"
    verdict = (
        f"{table} matches"
        if result["table_matches"]
        else f"{table} differs:\n  " + "\n  ".join(result["mismatches"])
    )
    return (
        f"simulated player's win share (a draw counts half) over {result['episodes']} rounds, "
        f"seed {result['seed']}; * = fair (closest to 50%)\n" + "\n".join(text) + f"\n{verdict}"
    )
