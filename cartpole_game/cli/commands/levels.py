"""``python play.py levels [--json]``: the ladder, from the broom to CartPole-v1 at 1x."""

from __future__ import annotations

import argparse
import json

from cartpole_game.sim.levels import LEVELS, Level


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the ladder as a JSON list")


def describe(level: Level) -> list[str]:
    p = level.physics
    dist = level.disturbances
    extras = []
    if dist.wind is not None:
        extras.append(f"wind up to {dist.wind_max:g} N")
    if dist.poke_every:
        extras.append(f"a {dist.poke_size:g} rad/s poke every {dist.poke_every} steps")
    if level.analog:
        extras.append("analog stick pushes in proportion")
    medals = ", ".join(f"{m} {s}" for m, s in level.as_dict()["medal_steps"].items())
    return [
        f"{level.number}. {level.name}: {level.tagline}",
        f"   pole {2 * p.length:g} m, {p.masspole:g} kg; cart {p.masscart:g} kg; "
        f"gravity {p.gravity:g} m/s²; push {p.force_mag:g} N; step {p.tau:g} s",
        f"   speed {level.time_scale:g}×; goal {level.goal_steps} steps "
        f"({level.goal_steps * p.tau:g} s); medals: {medals}",
        *([f"   {'; '.join(extras)}"] if extras else []),
        f"   gymnasium: {level.env_id}",
    ]


def run(args: argparse.Namespace) -> int:
    if args.json:
        print(json.dumps([level.as_dict() for level in LEVELS], indent=1))
        return 0
    for level in LEVELS:
        print("\n".join(describe(level)))
    print("\nStart one with: play --level N or play --level NAME")
    return 0
