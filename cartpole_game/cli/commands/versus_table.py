"""``versus --headless --episodes N`` with two agents: full speed, no drawing, a table of rounds."""

from __future__ import annotations

import json
import sys
from statistics import fmean

from cartpole_game.agents import load_agent
from cartpole_game.game.config import RunConfig
from cartpole_game.game.demos import DEMOS_FOLDER, EpisodeKeeper
from cartpole_game.game.highscores import default_data_dir
from cartpole_game.game.scenes.versus import handicap_side, match_level
from cartpole_game.sim.arena import fresh_seed
from cartpole_game.sim.versus import VersusMatch


def run_headless_match(config: RunConfig, as_json: bool = False) -> int:
    """Play ``config.episodes`` rounds (default: ``config.rounds``) and print one line each."""
    left, right = (
        handicap_side(load_agent(spec), config, spec) for spec in (config.left, config.right)
    )
    episodes = config.episodes or config.rounds
    seed = config.seed if config.seed is not None else fresh_seed()
    level = match_level(config)
    # One long match: the tally covers every round played (best of 2N-1, so no side has won it
    # before the last round and every round stays in the tally).
    match = VersusMatch(left, right, seed=seed, rounds=2 * episodes - 1, level=level)
    # Each score column as wide as its heading: a foreign agent's name is long.
    width = (max(14, len("left " + left.name)), max(14, len("right " + right.name)))
    print(
        f"{'round':>5}  {'left ' + left.name:>{width[0]}}  {'right ' + right.name:>{width[1]}}  "
        f"{'winner':>8}  {'by':>4}"
    )
    data_dir = config.data_dir or default_data_dir()
    keeper = EpisodeKeeper(config.save_replays, data_dir / DEMOS_FOLDER)
    for number in range(episodes):
        if number:
            match.next_round()
        result = match.play_round()
        for side, arena in zip(("left", "right"), match.arenas, strict=True):
            scale = config.loop.time_scale or level.time_scale
            for warning in keeper.keep(arena, "versus", level, scale, side):
                print(f"warning: {warning}", file=sys.stderr)
        winner = {"left": left.name, "right": right.name}.get(result.winner, "draw")
        print(
            f"{result.round:>5}  {result.left_score:>{width[0]}}  "
            f"{result.right_score:>{width[1]}}  {winner:>8}  "
            f"{result.margin:>4}",
            flush=True,
        )
    results = match.results
    wins = {
        "left": match.wins("left"),
        "right": match.wins("right"),
        "draw": sum(1 for r in results if r.winner == "draw"),
    }
    mean = {
        "left": fmean(r.left_score for r in results),
        "right": fmean(r.right_score for r in results),
    }
    summary = {
        "left": config.left,
        "right": config.right,
        "level": level.number,
        "seed": seed,
        "episodes": len(results),
        "wins": wins,
        "mean": mean,
        "rounds": [
            {
                "round": r.round,
                "left": r.left_score,
                "right": r.right_score,
                "winner": r.winner,
                "margin": r.margin,
            }
            for r in results
        ],
    }
    print(
        f"tally on level {level.number} {level.name}: "
        f"{left.name} {wins['left']} – {wins['right']} {right.name}"
        f" ({wins['draw']} drawn); mean {mean['left']:.1f} vs {mean['right']:.1f}"
    )
    if as_json:
        print(json.dumps(summary))
    return 0
