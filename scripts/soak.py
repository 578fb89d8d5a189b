#!/usr/bin/env python3
"""Soak: agent against agent, headless, 1,000 episodes at full speed, with wind and pokes.

    python scripts/soak.py [--episodes 1000] [--seed 0]

Reports resident memory after warm-up (the first 10% of episodes) and at the end; exits 1 if it
grew by more than 10%.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cartpole_game.harness.stress import soak

LIMIT = 0.10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    report = soak(args.episodes, seed=args.seed)
    print(
        f"{report.episodes} episodes, {report.steps} steps in {time.perf_counter() - started:.0f} s; "
        f"RSS {report.rss_after_warmup_mib:.1f} MiB after warm-up, {report.rss_end_mib:.1f} MiB at the end "
        f"({report.growth:+.1%}, limit +{LIMIT:.0%})"
    )
    return 1 if report.growth > LIMIT else 0


if __name__ == "__main__":
    raise SystemExit(main())
