"""Errors that reach the user as one clear line.

A command that meets bad input raises one of these; ``cartpole_game.cli.main.main`` prints
``PROGRAM: error: <message>`` on stderr and exits with the error's status (2 for bad input).
"""

from __future__ import annotations


class UserFacingError(Exception):
    """Bad input from the user: printed as one line, exit status ``exit_status``."""

    exit_status = 2


class UsageError(UserFacingError):
    """Bad command-line arguments."""


class FileFormatError(UserFacingError):
    """A file (checkpoint, replay, ...) that cannot be used. The message names the file."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
