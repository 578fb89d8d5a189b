#!/usr/bin/env python3
"""Start the CartPole game: ``python play.py [MODE] [options]`` (``--help`` lists them)."""

from cartpole_game.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
