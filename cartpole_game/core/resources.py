"""Files that ship inside the package (fonts, sounds, the shipped agents), found wherever it is.

``importlib.resources`` finds them next to the installed modules, so a plain ``pip install .``
works from any folder, exactly as a checkout does. pip installs packages as ordinary folders, so
every resource is a real file with a path (pygame and the checkpoint reader want paths).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def package_file(package: str, *parts: str) -> Path:
    """The path of the data file ``parts`` inside ``package`` (e.g. ``cartpole_game.game``)."""
    resource = resources.files(package).joinpath(*parts)
    if not isinstance(resource, Path):  # a zipped install; pip never makes one
        raise FileNotFoundError(f"{package}/{'/'.join(parts)} is not a file on disk")
    return resource
