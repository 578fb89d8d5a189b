"""Demonstrations as datasets others can use: a plain ``.npz`` of arrays, or a Minari dataset.

**npz** needs nothing beyond numpy: one array per field, one row per step (see
:data:`NPZ_FIELDS`), plus a few per episode; every array is plain (no object arrays), so
``np.load(path, allow_pickle=False)`` reads it. Written atomically, never over a file unless
asked.

**Minari** (Farama's standard for offline RL, the optional extra ``minari[hdf5]``, which needs
Python 3.11 or newer and numpy 2) gets one Minari episode per stretch of steps the chosen drivers
drove without a break: a whole episode when one driver drove it. Each has the ``T + 1``
observations gymnasium would give (``observations[t]`` is what ``actions[t]`` was chosen on, the
last the state after the last step), a reward of 1 per step, ``terminations`` where the pole or
the cart was lost and ``truncations`` at the level's goal, where the recording stopped or where
another driver took over. The spaces are declared explicitly: the observation space of
CartPole-v1 and ``Discrete(3)``, the game's three actions (0 push left, 1 push right, 2 no push).
The dataset is made in a temporary folder beside its place and moved there whole.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from cartpole_game.core.atomic import atomic_write_bytes
from cartpole_game.core.errors import UserFacingError
from cartpole_game.core.text import drawable_path
from cartpole_game.sim.levels import LEVELS
from cartpole_game.training.demonstrations import ACTION_NAMES, Demonstrations

NPZ_FIELDS = (
    "observations",
    "next_observations",
    "actions",
    "drivers",
    "episodes",
    "steps",
    "levels",
    "push_fractions",
    "wind",
    "terminations",
    "truncations",
)
MINARI_NEEDS = "Minari needs Python 3.11 or newer and numpy 2"


class ExportError(UserFacingError):
    """A dataset that cannot be written as asked."""


def npz_arrays(demos: Demonstrations) -> dict[str, np.ndarray]:
    """Everything the npz holds: the per-step arrays, ``rewards``, ``human``, the action names
    and the per-episode ``episode_*`` arrays (indexed by ``episodes``)."""
    arrays = {name: getattr(demos, name) for name in NPZ_FIELDS}
    listed = demos.episode_list
    return {
        **arrays,
        "rewards": np.ones(len(demos), dtype=np.float32),
        "human": demos.human,
        "action_names": np.array(ACTION_NAMES),
        "episode_files": np.array([Path(e.file).name for e in listed], dtype=str),
        "episode_seeds": np.array([e.seed for e in listed], dtype=np.int64),
        "episode_levels": np.array([e.level for e in listed], dtype=np.int64),
        "episode_scores": np.array([e.score for e in listed], dtype=np.int64),
        "episode_modes": np.array([e.mode for e in listed], dtype=str),
    }


def npz_path(name: str, out: Path) -> Path:
    return out / (name if name.endswith(".npz") else f"{name}.npz")


def export_npz(demos: Demonstrations, path: Path, force: bool = False) -> Path:
    """Write ``demos`` to ``path`` (an existing file only with ``force``)."""
    if (path.exists() or path.is_symlink()) and not force:
        raise ExportError(f"{drawable_path(path, 1000)} already exists; add --force to replace it")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **npz_arrays(demos))  # type: ignore[arg-type]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return atomic_write_bytes(path, buffer.getvalue(), replace=force)
    except FileExistsError:
        raise ExportError(f"{drawable_path(path, 1000)} already exists") from None
    except OSError as exc:
        raise ExportError(
            f"cannot write {drawable_path(path, 1000)}: {exc.strerror or exc}"
        ) from None


def segments(demos: Demonstrations) -> list[tuple[int, int]]:
    """``[start, end)`` row ranges of unbroken steps: one episode, one step after another."""
    if not len(demos):
        return []
    breaks = np.flatnonzero((np.diff(demos.episodes) != 0) | (np.diff(demos.steps) != 1)) + 1
    bounds = [0, *breaks.tolist(), len(demos)]
    return list(itertools.pairwise(bounds))


def minari_id(name: str) -> str:
    """``name`` as a Minari dataset id: ``[namespace/]name-vN`` (``-v0`` added if it has none)."""
    if not re.fullmatch(r"[\w-]+(/[\w-]+)*", name) or name.startswith("-"):
        raise ExportError(
            f"--name {name!r}: letters, digits, '-' and '_', optionally a namespace and a '/' "
            "(like cartpole/my-demos-v0)"
        )
    return name if re.search(r"-v\d+$", name) else f"{name}-v0"


def import_minari() -> Any:
    """The ``minari`` module, or one line saying how to get it."""
    if sys.version_info < (3, 11):
        raise ExportError(
            f"--format minari: {MINARI_NEEDS}; this is Python "
            f"{sys.version_info.major}.{sys.version_info.minor} (--format npz needs nothing)"
        )
    try:
        import minari
    except ImportError:
        raise ExportError(
            "--format minari needs the optional extra: pip install 'cartpole_game[minari]' "
            f"({MINARI_NEEDS}; --format npz needs nothing)"
        ) from None
    return minari


def minari_buffers(demos: Demonstrations) -> list[Any]:
    """One Minari ``EpisodeBuffer`` per unbroken stretch of steps (see the module docstring)."""
    from minari.data_collector import EpisodeBuffer

    buffers = []
    for number, (start, end) in enumerate(segments(demos)):
        rows = slice(start, end)
        observations = np.concatenate(
            [demos.observations[rows], demos.next_observations[end - 1 : end]]
        )
        terminations = demos.terminations[rows].copy()
        truncations = demos.truncations[rows].copy()
        if not (terminations[-1] or truncations[-1]):
            truncations[-1] = True  # another driver took over: this stretch was cut off
        episode = demos.episode_list[int(demos.episodes[start])]
        buffers.append(
            EpisodeBuffer(
                id=number,
                seed=episode.seed,
                observations=observations,
                actions=demos.actions[rows].copy(),
                rewards=np.ones(end - start, dtype=np.float64),
                terminations=terminations,
                truncations=truncations,
                infos={},
            )
        )
    return buffers


def export_minari(
    demos: Demonstrations, name: str, out: Path | None = None, force: bool = False
) -> tuple[str, Path]:
    """Write ``demos`` as the Minari dataset ``name``, under ``out`` or Minari's own root
    (``$MINARI_DATASETS_PATH``, else ``~/.minari/datasets``); its id and folder."""
    minari = import_minari()
    import gymnasium as gym

    dataset_id = minari_id(name)
    levels = sorted({e.level for e in demos.episode_list})
    if len(levels) != 1:
        shown = ", ".join(str(n) for n in levels)
        raise ExportError(
            f"the demonstrations come from levels {shown}: a Minari dataset has one environment, "
            "so export one level at a time (--level N)"
        )
    root = Path(out) if out is not None else minari.storage.get_dataset_path()
    final = root / dataset_id
    if final.exists() and not force:
        raise ExportError(
            f"a Minari dataset {dataset_id} already exists in {drawable_path(root, 1000)}; "
            "add --force to replace it, or give another --name"
        )
    env = gym.make(LEVELS[levels[0] - 1].env_id, allow_no_push=True)
    try:
        root.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".cartpole_game-export-", dir=root))
    except OSError as exc:
        raise ExportError(
            f"cannot write in {drawable_path(root, 1000)}: {exc.strerror or exc}"
        ) from None
    try:
        with _minari_root(building), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Minari's reminders of fields we leave empty
            minari.create_dataset_from_buffers(
                dataset_id,
                minari_buffers(demos),
                env=env.spec,
                observation_space=env.observation_space,
                action_space=env.action_space,
                algorithm_name=f"demonstrations ({demos.driver} drivers)",
                author="cartpole_game",
                description=_description(demos),
                data_format="hdf5",
            )
        _move_into_place(building / dataset_id, final, force)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return dataset_id, final


def _description(demos: Demonstrations) -> str:
    made = demos.summary()
    return (
        f"CartPole game demonstrations: {made['episodes']} episodes, {made['steps']} steps "
        f"(drivers: {made['drivers']}), level {made['levels'][0]}. Actions: 0 push left, "
        "1 push right, 2 no push."
    )


@contextlib.contextmanager
def _minari_root(path: Path) -> Iterator[None]:
    """Minari writes under ``$MINARI_DATASETS_PATH``: point it at ``path`` for the block."""
    before = os.environ.get("MINARI_DATASETS_PATH")
    os.environ["MINARI_DATASETS_PATH"] = str(path)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("MINARI_DATASETS_PATH", None)
        else:
            os.environ["MINARI_DATASETS_PATH"] = before


def _move_into_place(built: Path, final: Path, force: bool) -> None:
    """Move the dataset Minari built to its place (replacing the old one only with ``force``),
    with its namespace's metadata file if the place has none yet."""
    final.parent.mkdir(parents=True, exist_ok=True)
    namespace_file = built.parent / "namespace_metadata.json"
    if namespace_file.is_file() and not (final.parent / namespace_file.name).exists():
        shutil.copyfile(namespace_file, final.parent / namespace_file.name)
    old = None
    if final.exists() and force:
        old = final.with_name(f".{final.name}.replaced")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
    try:
        os.rename(built, final)
    except OSError:
        if old is not None:
            os.replace(old, final)  # put the old one back: nothing lost
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
