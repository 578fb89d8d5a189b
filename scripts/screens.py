#!/usr/bin/env python3
"""Screens: a PNG of every screen state of the game, made headless, with its text collisions.

    python scripts/screens.py [--out DIR] [--state NAME ...] [--no-train] [--window]

Writes DIR/<state>.png (default: screens/) and lists, per state, every pair of strings drawn
over each other and every string off the 1280×720 screen. Exits 0 either way: the collisions
are listed, tests/test_layout.py is the check.

With --window, each state plays in a real window on $DISPLAY (e.g. under Xvfb) at real speed,
and its PNG is what that window shows (xwd), as a player would see it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from cartpole_game.harness.screen_driving import WINDOW_VARIABLE
from cartpole_game.harness.screens import SLOW_STATES, STATES, save_all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--out", type=Path, default=Path("screens"))
    parser.add_argument(
        "--state", action="append", choices=[*STATES, *SLOW_STATES], help="only this state"
    )
    parser.add_argument(
        "--no-train", action="store_true", help="leave out the training view (torch, a worker)"
    )
    parser.add_argument(
        "--window", action="store_true", help="play each state in a real window on $DISPLAY"
    )
    args = parser.parse_args()
    if args.window:
        if not os.environ.get("DISPLAY"):
            parser.error("--window needs an X display: set DISPLAY (e.g. Xvfb :99 &)")
        os.environ[WINDOW_VARIABLE] = "1"
    else:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    names = args.state or [*STATES, *([] if args.no_train else SLOW_STATES)]
    found = save_all(args.out, names)
    clean = sum(1 for problems in found.values() if not problems)
    print(f"{len(found)} screens in {args.out}: {clean} without collisions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
