"""Test set-up: no window, no sound, and a throwaway data directory.

pygame is not imported here: tests of physics, env, agents and training must run without it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# High scores and replays written by tests must never touch the user's real data directory.
os.environ["CARTPOLE_GAME_DATA_DIR"] = tempfile.mkdtemp(prefix="cartpole-test-data-")

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
