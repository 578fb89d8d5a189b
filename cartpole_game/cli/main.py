"""The entry point: ``python play.py``, ``cartpole-game`` and ``python -m cartpole_game``.

Bad input becomes one line, ``PROGRAM: error: …``, on stderr and a non-zero exit status, where
PROGRAM is the program as it was invoked.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from cartpole_game.core.errors import UserFacingError


def program_name(argv0: str | None = None) -> str:
    """How the user invoked the game: ``play.py``, ``cartpole-game`` or ``python -m cartpole_game``."""
    name = Path(sys.argv[0] if argv0 is None else argv0).name
    if name in ("__main__.py", "-m", "-c", ""):
        return "python -m cartpole_game"
    return name


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, dispatch, and turn bad input into one line."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    prog = program_name()
    try:
        from cartpole_game.cli.parser import run_command

        return run_command(list(sys.argv[1:] if argv is None else argv), prog)
    except UserFacingError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader left early (``play.py levels | head``): stop quietly, as Unix tools do.
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
