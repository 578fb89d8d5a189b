"""The README's Python example runs as written."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.helpers import REPO_ROOT


def test_the_load_agent_example_runs() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    example = next(b for b in blocks if "load_agent" in b)
    # It must also stay free of torch and pygame, as the README says.
    check = "\nimport sys\nassert 'torch' not in sys.modules and 'pygame' not in sys.modules\n"
    subprocess.run([sys.executable, "-c", example + check], check=True, cwd=REPO_ROOT, timeout=60)
