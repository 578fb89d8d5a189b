#!/usr/bin/env python3
"""File fuzzing: each kind of file the game reads, mutated thousands of seeded ways.

    python scripts/fuzz_files.py [--cases 2000] [--seed 0]

Exits 1 when a loader crashed, hung or leaked memory, or a hostile file cost over 100 MB.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cartpole_game.harness.fuzz_files import fuzz_files

MAX_SPECIAL_MIB = 100.0
MAX_GROWTH_MIB = 50.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--cases", type=int, default=2000, help="mutants per kind of file")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    report = fuzz_files(args.cases, args.seed)
    for kind in report.kinds:
        print(
            f"{kind.kind:32} {kind.cases:6} cases: {kind.loaded:5} loaded, "
            f"{kind.refused:5} refused, {len(kind.crashes)} crashes, {kind.hangs} hangs"
        )
        for crash in kind.crashes[:5]:
            print("   CRASH:", crash)
    growth = report.rss_end_mib - report.rss_start_mib
    worst = max(report.special_peak_mib.values(), default=0.0)
    print(
        f"memory: {report.rss_start_mib:.0f} MiB before the mutants, {report.rss_end_mib:.0f} MiB "
        f"after ({growth:+.1f}); the hostile files raised the peak by at most {worst:.1f} MiB; "
        f"{time.perf_counter() - started:.0f} s"
    )
    failed = report.crashes or report.hangs or growth > MAX_GROWTH_MIB or worst > MAX_SPECIAL_MIB
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
