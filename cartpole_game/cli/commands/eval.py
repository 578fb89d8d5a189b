"""``python play.py eval``: play an agent greedily for many episodes and report its returns.

Episodes run one by one on the real environment (``cartpole_game.sim.env.CartPoleEnv``, 500-step
limit), the same dynamics as gymnasium's CartPole-v1, through the same ``act`` the game calls.
``--suite robust`` prints the robustness report card instead (:mod:`.robust_card`), on any level.
"""

from __future__ import annotations

import argparse
import json

from cartpole_game.agents import describe_source, load_agent
from cartpole_game.cli.commands import robust_card
from cartpole_game.core.errors import UsageError
from cartpole_game.game.arguments import agent_choices, level_number, whole_number
from cartpole_game.sim.levels import LEVELS
from cartpole_game.training.evaluate import evaluate_controller
from cartpole_game.training.robust_suite import DEFAULT_EPISODES

MAX_EPISODES = 100_000  # about 10 minutes of a perfect agent; the returns stay a few MB
PLAIN_EPISODES = 100


def episodes_count(text: str) -> int:
    """``--episodes``: a whole number from 1 to :data:`MAX_EPISODES`."""
    value = whole_number(1, "episodes")(text)
    if value > MAX_EPISODES:
        raise argparse.ArgumentTypeError(f"at most {MAX_EPISODES:,} episodes, got {value:,}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--agent",
        default="dqn",
        metavar=agent_choices(),
        help="a shipped or built-in agent, or an agent file (default dqn)",
    )
    parser.add_argument(
        "--episodes",
        type=episodes_count,
        help=f"default {PLAIN_EPISODES} ({DEFAULT_EPISODES:,} per condition with --suite), "
        f"at most {MAX_EPISODES:,}",
    )
    parser.add_argument(
        "--suite",
        choices=("robust",),
        help="robust: the %% reaching the goal under wide starts, pokes and wind, beside LQR's",
    )
    parser.add_argument(
        "--level",
        type=level_number,
        metavar="N|NAME",
        help=f"with --suite: a level, 1 to {len(LEVELS)} or its name (default CartPole-v1)",
    )
    parser.add_argument(
        "--seed", type=whole_number(0, "seed"), default=0, help="seed of the first reset"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    if args.suite == "robust":
        level = LEVELS[(args.level or len(LEVELS)) - 1]
        episodes = args.episodes or DEFAULT_EPISODES
        return robust_card.run(args.agent, level, episodes, args.seed, args.json)
    if args.level is not None:
        raise UsageError("--level goes with --suite robust")
    agent = load_agent(args.agent)
    result = evaluate_controller(agent, episodes=args.episodes or PLAIN_EPISODES, seed=args.seed)
    if args.json:
        record = {"agent": args.agent, "name": agent.name, "seed": args.seed}
        print(json.dumps({**record, **result.as_dict()}))
        return 0
    print(
        f"{agent.name} ({describe_source(args.agent)}), {result.episodes} episodes "
        f"from seed {args.seed}:\n"
        f"  mean {result.mean:.1f}, std {result.std:.1f}, min {result.min:.0f}, "
        f"max {result.max:.0f}; reached 500 in {result.fraction_perfect():.0%} of episodes"
    )
    return 0
