"""How soon "Train live" shows learning: seconds from the click in the menu to the first point
on the training view's chart, with the worker the menu warmed and without one (cold).

A headless game on the real clock opens its menu; warm, the menu is left up until its worker is
ready (a player reading the menu), cold the menu warms nothing and is left up for a second. Then
"Train live" is clicked where it is drawn, and frames run until one is drawn with a chart point.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import pygame

from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig, TrainConfig
from cartpole_game.game.loop import RealClock
from cartpole_game.game.scenes.menu import MenuScene
from cartpole_game.game.scenes.train_view import TrainViewScene

TARGET_S = 1.5  # issue 12: the first chart point within 1.5 s of the click, on an idle machine
COLD_MENU_S = 1.0  # how long the cold runs' menu stays up before the click


def first_point_seconds(warm: bool, data_dir: Path, timeout: float = 300.0) -> dict[str, Any]:
    """One run: open the menu, wait, click Train live, time the first chart point drawn."""
    train = TrainConfig(out=data_dir / "live.safetensors", pace=3, prewarm=warm)
    app = App(
        RunConfig(mode="menu", headless=True, seed=0, data_dir=data_dir, train=train),
        clock=RealClock(),
    )
    try:
        opened = time.perf_counter()
        if warm:
            _frames_until(app, lambda: app.trainer_warmer.ready, timeout)
        else:
            _frames_until(app, lambda: time.perf_counter() - opened >= COLD_MENU_S, timeout)
        ready_after = time.perf_counter() - opened
        clicked = _click(app, "Train live")
        app.frame()
        scene = app.ctx.stack.top
        if not isinstance(scene, TrainViewScene):
            raise RuntimeError(f"clicking Train live opened {type(scene).__name__}")
        adopted = scene.session.adopted
        _frames_until(app, lambda: bool(scene.view.returns) or scene.view.done, timeout)
        seconds = time.perf_counter() - clicked
        if not scene.view.returns:
            raise RuntimeError(f"the training ended without a point: {scene.view.error}")
    finally:
        app.close()
    return {"seconds": seconds, "adopted": adopted, "menu_seconds": ready_after}


def _frames_until(app: App, condition: Any, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise RuntimeError(f"timed out after {timeout:g} s")
        app.frame()


def _click(app: App, title: str) -> float:
    """Post a click on the menu entry ``title`` where it is drawn; returns when it was made."""
    menu = app.ctx.stack.top
    if not isinstance(menu, MenuScene):
        raise RuntimeError("the game did not open on its menu")
    index = [entry.title for entry in menu.entries].index(title)
    pos = menu._rects[index].center
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    return time.perf_counter()


def measure_train_start(runs: int, data_dir: Path) -> dict[str, Any]:
    """Median of ``runs`` warm and ``runs`` cold clicks, alternating, each in a fresh game."""
    samples: dict[str, list[dict[str, Any]]] = {"warm": [], "cold": []}
    for run in range(runs):
        for side in ("warm", "cold"):
            folder = data_dir / f"train-start-{side}-{run}"
            samples[side].append(first_point_seconds(side == "warm", folder))

    def figures(side: str) -> dict[str, Any]:
        seconds = [s["seconds"] for s in samples[side]]
        return {
            "median_s": statistics.median(seconds),
            "max_s": max(seconds),
            "samples_s": seconds,
            "adopted_warm_worker": all(s["adopted"] for s in samples[side]),
            # warm: how long the menu was up until its worker was ready
            "menu_median_s": statistics.median(s["menu_seconds"] for s in samples[side]),
        }

    warm, cold = figures("warm"), figures("cold")
    return {
        "runs": runs,
        "warm": warm,
        "cold": cold,
        "target_s": TARGET_S,
        "first_point_within_1_5_s": warm["median_s"] <= TARGET_S,
    }


def table_rows(fig: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The bench table's rows: (figure, measured, target)."""
    warm, cold = fig["warm"], fig["cold"]
    verdict = "met" if fig["first_point_within_1_5_s"] else "missed"
    return [
        (
            "Train live: click to first chart point, warm worker",
            f"median {warm['median_s']:.2f} s, max {warm['max_s']:.2f} s ({verdict})",
            f"≤ {fig['target_s']:g} s",
        ),
        (
            "Train live: the same, cold (no worker warmed)",
            f"median {cold['median_s']:.2f} s, max {cold['max_s']:.2f} s",
            "",
        ),
        (
            "Train live: menu up until its worker was ready",
            f"median {warm['menu_median_s']:.1f} s (low priority, in the background)",
            "",
        ),
    ]
