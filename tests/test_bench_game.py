"""``bench --only live``: the live view's run is measured until it stops by itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_a_live_run_that_halts_by_itself_ends_the_measurement(tmp_path: Path) -> None:
    # Out of steps at 2,000 the run halts (the worker waits for "keep training"); the
    # measurement must end there rather than wait for a worker that never exits.
    code = (
        "import json, sys; from pathlib import Path\n"
        "from cartpole_game.harness.bench_game import measure_live_solve\n"
        "print(json.dumps(measure_live_solve(0, Path(sys.argv[1]), steps=2000)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"},
    )
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout.strip().splitlines()[-1])
    assert row["steps"] >= 2000
    assert row["fps_median"] > 0 and row["steps_per_s"] > 0
