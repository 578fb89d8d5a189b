#!/usr/bin/env python3
"""Event-storm fuzzing: 100,000 random pygame events through every scene, headless.

    python scripts/fuzz_events.py [--events 100000] [--seed 0]

Exits 1 and lists the problems if an invariant broke (an exception propagates with its trace).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cartpole_game.harness.stress import fuzz_events


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as data_dir:
        report = fuzz_events(args.events, args.seed, Path(data_dir))
    print(
        f"{report.events} events, {report.frames} frames, {report.episodes} episodes, "
        f"{report.quits} quit requests, scenes: {', '.join(sorted(report.scenes_seen))}; "
        f"{time.perf_counter() - started:.0f} s"
    )
    for problem in report.problems:
        print("PROBLEM:", problem)
    return 1 if report.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
