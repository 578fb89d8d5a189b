"""``python -m cartpole_game [MODE] [options]``: the same as ``python play.py``."""

from cartpole_game.cli.main import main

raise SystemExit(main())
