"""File fuzzing: every kind of file the game reads, mutated thousands of seeded ways.

For each kind (high scores, progress, replays, checkpoints) a valid file is made, then mutated:
bytes flipped, cut short, spliced, and JSON values swapped for hostile ones (deep nesting, giant
or negative numbers, NaN and Infinity, NUL and lone surrogates, wrong types). Each mutant goes
through the game's own loader. The only acceptable outcomes are a loaded file or the loader's
one-line refusal (``FileFormatError``; high scores and progress never raise and warn instead).
Anything else is a crash; a case running past its alarm is a hang; resident memory growing over
the run is a leak. Hostile special files (``/dev/zero``, a FIFO, a huge sparse file) are loaded
too, and the peak memory they cost is reported.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cartpole_game.agents import load_agent, shipped_path
from cartpole_game.core.errors import FileFormatError
from cartpole_game.game.highscores import HighScores, table_key
from cartpole_game.game.progress import Progress
from cartpole_game.harness.stress import rss_mib
from cartpole_game.sim.actions import PUSH_LEFT
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import ConstantController
from cartpole_game.sim.levels import LEVELS
from cartpole_game.sim.replay import Replay, load_replay

CASE_ALARM_S = 10  # a case still running after this long is a hang
HOSTILE_VALUES: tuple[Any, ...] = (
    None,
    True,
    -5,
    0,
    10**30,
    1.5e308,
    -1e-300,
    "",
    "\x00",
    "\ud800",
    "x" * 10_000,
    [],
    {},
    [[[[[[[[[[]]]]]]]]]],
    {"a": {"b": {"c": []}}},
)


@dataclass
class KindReport:
    kind: str
    cases: int = 0
    loaded: int = 0
    refused: int = 0
    crashes: list[str] = field(default_factory=list)
    hangs: int = 0


@dataclass
class FilesReport:
    kinds: list[KindReport]
    rss_start_mib: float
    rss_end_mib: float
    special_peak_mib: dict[str, float]

    @property
    def crashes(self) -> int:
        return sum(len(k.crashes) for k in self.kinds)

    @property
    def hangs(self) -> int:
        return sum(k.hangs for k in self.kinds)


# -- valid files to start from -------------------------------------------------------------------
def valid_files(folder: Path) -> dict[str, Path]:
    scores = HighScores.load(folder / "highscores.json")
    scores.submit(table_key("level1", 0.5), 120)
    scores.submit("1x", 40)
    progress = Progress.load(folder / "progress.json")
    progress.submit(LEVELS[0], LEVELS[0].goal_steps)
    progress.mark_lesson_seen()
    arena = Arena(ConstantController(PUSH_LEFT, name="human"), seed=5, params=LEVELS[0].params)
    arena.poke(0.3)
    while not arena.done:
        arena.step(0.5)
    replay_path = folder / "replay.json"
    Replay.from_arena(arena, "play", 0.5, level=1).save(replay_path)
    return {
        "highscores": folder / "highscores.json",
        "progress": folder / "progress.json",
        "replay": replay_path,
        "checkpoint": shipped_path("dqn"),
    }


def loader_for(kind: str) -> Callable[[Path], object]:
    return {
        "highscores": HighScores.load,
        "progress": Progress.load,
        "replay": load_replay,
        "checkpoint": load_agent,
    }[kind]


# -- mutations -------------------------------------------------------------------------------------
def mutate(rng: random.Random, original: bytes) -> bytes:
    """One seeded mutant of ``original``: a JSON-aware change when the file parses, else bytes."""
    choice = rng.random()
    if choice < 0.45:
        mutant = _mutate_json(rng, original)
        if mutant is not None:
            return mutant
    data = bytearray(original)
    if choice < 0.6 and data:
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif choice < 0.7:
        del data[rng.randrange(len(data) + 1) :]
    elif choice < 0.8:
        at = rng.randrange(len(data) + 1)
        data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    elif choice < 0.9:
        start = rng.randrange(len(data) + 1)
        data[start:start] = data[: rng.randrange(len(data) + 1)]
    else:
        depth = rng.choice((40, 1000, 100_000))
        at = rng.randrange(len(data) + 1)
        data[at:at] = b"[" * depth + b"]" * depth
    return bytes(data)


def _mutate_json(rng: random.Random, original: bytes) -> bytes | None:
    """Replace one value inside a JSON file (or inside a checkpoint's JSON header)."""
    header_offset = 0
    body = original
    if original[:1] != b"{" and len(original) > 8:  # a safetensors file: 8-byte length, header
        size = int.from_bytes(original[:8], "little")
        if 0 < size <= len(original) - 8:
            header_offset, body = 8, original[8 : 8 + size]
    try:
        tree = json.loads(body)
    except ValueError:
        return None
    paths = list(_value_paths(tree))
    if not paths:
        return None
    container, key = rng.choice(paths)
    container[key] = rng.choice(HOSTILE_VALUES)
    text = json.dumps(tree, allow_nan=True).encode("utf-8", "surrogatepass")
    if not header_offset:
        return text
    return len(text).to_bytes(8, "little") + text + original[8 + len(body) :]


def _value_paths(node: Any) -> Iterator[tuple[Any, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield node, key
            yield from _value_paths(value)
    elif isinstance(node, list):
        for index, value in enumerate(node[:50]):
            yield node, index
            yield from _value_paths(value)


# -- running ---------------------------------------------------------------------------------------
class _Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Hang


def try_load(kind: str, path: Path, report: KindReport) -> None:
    report.cases += 1
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CASE_ALARM_S)
    try:
        loaded = loader_for(kind)(path)
        if getattr(loaded, "warnings", None):  # high scores and progress warn, never raise
            report.refused += 1
        else:
            report.loaded += 1
    except FileFormatError:
        report.refused += 1
    except _Hang:
        report.hangs += 1
    except Exception as exc:  # anything else reaching the player is a crash
        report.crashes.append(f"{kind}: {type(exc).__name__}: {str(exc)[:160]}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def fuzz_kind(kind: str, original: bytes, cases: int, seed: int, folder: Path) -> KindReport:
    rng = random.Random(f"{seed}:{kind}")
    report = KindReport(kind)
    name = {"checkpoint": "agent.safetensors", "replay": "replay.json"}.get(kind, f"{kind}.json")
    target = folder / name
    for _ in range(cases):
        for leftover in folder.glob(f"{target.name}*"):  # corrupt files are moved aside
            leftover.unlink()
        target.write_bytes(mutate(rng, original))
        try_load(kind, target, report)
    return report


def special_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """Files no loader may read whole or block on, made afresh in ``folder`` (a loader may move
    a bad file aside)."""
    folder.mkdir()
    yield "/dev/zero", Path("/dev/zero")
    fifo = folder / "fifo.json"
    os.mkfifo(fifo)
    yield "a FIFO", fifo
    sparse = folder / "huge.json"
    with open(sparse, "wb") as out:
        out.truncate(3 * 2**30)  # 3 GB that take no disk space
    yield "a 3 GB file", sparse


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fuzz_files(cases: int, seed: int = 0) -> FilesReport:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        originals = {kind: path.read_bytes() for kind, path in valid_files(folder).items()}
        work = folder / "work"
        work.mkdir()
        kinds = []
        rss_start = rss_mib()
        for kind, original in originals.items():
            kinds.append(fuzz_kind(kind, original, cases, seed, work))
        rss_end = rss_mib()
        special: dict[str, float] = {}
        for kind in originals:
            for label, path in special_files(folder / f"special-{kind}"):
                before = peak_rss_mib()
                report = KindReport(f"{kind} from {label}")
                try_load(kind, path, report)
                kinds.append(report)
                special[f"{kind} from {label}"] = peak_rss_mib() - before
    return FilesReport(kinds, rss_start, rss_end, special)
