"""``python play.py export-demos --demos PATH [PATH ...] --format npz|minari --name NAME``.

Turns replays (files, or folders of them: ``--save-replays DIR``, the data folder's ``demos/``)
into a dataset others can use (:mod:`cartpole_game.training.datasets`): a ``NAME.npz`` of plain
arrays in ``--out`` (default: here), or a Minari dataset under ``--out`` (default: Minari's own
root, where ``minari.load_dataset(NAME)`` finds it). Nothing is written over an existing file or
dataset unless ``--force``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cartpole_game.cli.main import program_name
from cartpole_game.game.arguments import level_number
from cartpole_game.training.datasets import export_minari, export_npz, npz_path
from cartpole_game.training.demonstrations import DRIVERS, load_demonstrations

FORMATS = ("npz", "minari")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demos",
        nargs="+",
        type=Path,
        required=True,
        metavar="PATH",
        help="replay files, or folders of them (a folder's unusable files are skipped and counted)",
    )
    parser.add_argument("--format", choices=FORMATS, required=True, help="npz needs nothing extra")
    parser.add_argument(
        "--name",
        required=True,
        help="npz: the file's name (NAME.npz); minari: the dataset id, [namespace/]name-vN "
        "(-v0 is added if there is no version)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where to write (default: npz here, minari in Minari's root: $MINARI_DATASETS_PATH "
        "or ~/.minari/datasets)",
    )
    parser.add_argument(
        "--driver",
        choices=DRIVERS,
        default="any",
        help="the steps a human drove, an agent drove, or every step (default any)",
    )
    parser.add_argument(
        "--level", type=level_number, metavar="N|NAME", help="only the replays of this level"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing file or dataset")
    parser.add_argument("--json", action="store_true", help="end with a JSON summary line")


def run(args: argparse.Namespace) -> int:
    demos = load_demonstrations(args.demos, args.driver, args.level)
    if demos.skipped:
        print(
            f"{program_name()}: warning: skipped {len(demos.skipped)} unusable replay file(s) in "
            f"the folder(s); first: {demos.skipped[0]}",
            file=sys.stderr,
        )
    made = demos.summary()
    if args.format == "npz":
        where = export_npz(demos, npz_path(args.name, args.out or Path(".")), args.force)
        dataset = where.name
        how = f"np.load({str(where)!r}, allow_pickle=False)"
    else:
        dataset, where = export_minari(demos, args.name, args.out, args.force)
        root = f" with MINARI_DATASETS_PATH={args.out}" if args.out else ""
        how = f"minari.load_dataset({dataset!r}){root}"
    summary = {
        "format": args.format,
        "dataset": dataset,
        "path": str(where),
        "episodes": made["episodes"],
        "steps": made["steps"],
        "drivers": made["drivers"],
        "levels": made["levels"],
        "actions": made["actions"],
        "skipped": list(demos.skipped),
    }
    if args.json:
        print(json.dumps(summary))
    else:
        print(
            f"wrote {args.format} dataset {dataset}: {made['episodes']} episode(s), "
            f"{made['steps']:,} steps, level {', '.join(map(str, made['levels']))} → {where}"
        )
        print(f"load it with {how}")
    return 0
