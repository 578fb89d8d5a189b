"""Abuse harnesses: an event-storm fuzzer over every scene, and an agent-against-agent soak.

``scripts/fuzz_events.py`` and ``scripts/soak.py`` run the full versions; the test suite runs
small ones. Both are seeded, so a failure reproduces with the same seed.
"""

from __future__ import annotations

import math
import os
import random
import resource
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pygame

from cartpole_game.agents import load_agent
from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.demos import DEMOS_FOLDER
from cartpole_game.game.highscores import HighScores
from cartpole_game.game.modes import MODES
from cartpole_game.sim.arena import Arena, EndReason
from cartpole_game.sim.replay import ReplayDriver, load_replay
from cartpole_game.sim.versus import VersusMatch

FUZZ_MODES = tuple(name for name, spec in MODES.items() if spec.fuzz)
KEYS = (
    pygame.K_LEFT,
    pygame.K_RIGHT,
    pygame.K_UP,
    pygame.K_DOWN,
    pygame.K_a,
    pygame.K_d,
    pygame.K_w,
    pygame.K_s,
    pygame.K_SPACE,
    pygame.K_r,
    pygame.K_p,
    pygame.K_g,
    pygame.K_h,
    pygame.K_n,
    pygame.K_m,
    pygame.K_TAB,
    pygame.K_F1,
    pygame.K_PLUS,
    pygame.K_MINUS,
    pygame.K_EQUALS,
    pygame.K_KP_PLUS,
    pygame.K_KP_MINUS,
    pygame.K_RETURN,
    pygame.K_ESCAPE,
    pygame.K_q,
    pygame.K_z,
    pygame.K_1,
    pygame.K_F5,
)  # F12 and V are left out: they write files, exercised by their own tests


@dataclass
class FuzzReport:
    events: int = 0
    frames: int = 0
    quits: int = 0
    drops: int = 0  # files dropped on the window (none of them an agent)
    episodes: int = 0
    scenes_seen: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def drop_targets(folder: Path) -> tuple[str, ...]:
    """Files a player might drop on the window that are no agent at all: garbage, an empty
    zip, a folder, a FIFO, a missing file, an empty name (made in ``folder``)."""
    folder.mkdir(parents=True, exist_ok=True)
    garbage = folder / "garbage.pth"
    garbage.write_bytes(bytes(random.Random(0).randrange(256) for _ in range(4096)))
    empty = folder / "empty.zip"
    empty.write_bytes(b"")
    fifo = folder / "agent.fifo"
    if not fifo.exists() and hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
    targets = [garbage, empty, folder, folder / "missing.onnx"]
    if fifo.exists():
        targets.append(fifo)
    return (*(str(t) for t in targets), "")


def random_event(
    rng: random.Random, size: tuple[int, int], drops: tuple[str, ...] = ()
) -> pygame.event.Event:
    kind = rng.random()
    w, h = size
    pos = (rng.randrange(-50, w + 50), rng.randrange(-50, h + 50))
    if kind < 0.40:
        key = rng.choice(KEYS) if rng.random() < 0.9 else rng.randrange(0, 512)
        return pygame.event.Event(
            pygame.KEYDOWN if rng.random() < 0.55 else pygame.KEYUP,
            key=key,
            mod=0,
            unicode="",
            scancode=0,
        )
    if kind < 0.55:
        return pygame.event.Event(
            pygame.MOUSEMOTION,
            pos=pos,
            rel=(rng.randint(-40, 40), 0),
            buttons=(rng.random() < 0.5, 0, 0),
        )
    if kind < 0.75:
        return pygame.event.Event(
            pygame.MOUSEBUTTONDOWN if rng.random() < 0.5 else pygame.MOUSEBUTTONUP,
            pos=pos,
            button=rng.choice((1, 1, 1, 2, 3, 4, 5)),
        )
    if kind < 0.83:
        new = (rng.randrange(1, 3000), rng.randrange(1, 2000))
        return pygame.event.Event(pygame.VIDEORESIZE, size=new, w=new[0], h=new[1])
    if kind < 0.88:
        return pygame.event.Event(pygame.WINDOWRESIZED, x=pos[0], y=pos[1])
    if kind < 0.90 and drops:
        return pygame.event.Event(pygame.DROPFILE, file=rng.choice(drops))
    if kind < 0.995:
        return pygame.event.Event(
            pygame.WINDOWFOCUSLOST if rng.random() < 0.5 else pygame.WINDOWFOCUSGAINED
        )
    return pygame.event.Event(pygame.QUIT)


def arenas_of(app: App) -> Iterator[Arena]:
    for scene in app.ctx.stack.scenes:
        arena = getattr(scene, "arena", None)
        if isinstance(arena, Arena):
            yield arena
        match = getattr(scene, "match", None)
        if match is not None:
            yield from match.arenas


def check_invariants(
    app: App, last_scores: weakref.WeakKeyDictionary[Arena, tuple[int, int]], report: FuzzReport
) -> None:
    for arena in arenas_of(app):
        finite = all(math.isfinite(float(v)) for v in arena.state)
        if not finite and arena.end_reason is not EndReason.DIVERGED:
            report.problems.append(f"non-finite state {arena.state} without 'physics diverged'")
        episode, score = last_scores.get(arena, (arena.episode, 0))
        if episode == arena.episode and arena.score < score:
            report.problems.append(f"score went down within an episode: {score} -> {arena.score}")
        last_scores[arena] = (arena.episode, arena.score)


def fuzz_events(
    total_events: int, seed: int, data_dir: Path, modes: tuple[str, ...] = FUZZ_MODES
) -> FuzzReport:
    """Send ``total_events`` random events, split over ``modes``, through the real app loop."""
    rng = random.Random(seed)
    report = FuzzReport()
    per_mode = max(1, total_events // len(modes))
    drops = drop_targets(data_dir / "fuzz-drops")
    for mode in modes:
        app = App(RunConfig(mode=mode, headless=True, seed=rng.randrange(2**31), data_dir=data_dir))
        last_scores: weakref.WeakKeyDictionary[Arena, tuple[int, int]] = weakref.WeakKeyDictionary()
        try:
            sent = 0
            while sent < per_mode:
                for _ in range(rng.randint(0, 6)):
                    event = random_event(rng, app.screen.get_size(), drops)
                    report.drops += event.type == pygame.DROPFILE
                    pygame.event.post(event)
                    sent += 1
                app.frame()
                report.frames += 1
                report.scenes_seen.update(type(s).__name__ for s in app.ctx.stack.scenes)
                if app.ctx.quit_requested:
                    report.quits += (
                        1  # a quit request ends a real game; here we carry on in the menu
                    )
                    app.ctx.quit_requested = False
                    app.ctx.open_mode("menu")
                check_invariants(app, last_scores, report)
                if len(report.problems) > 20:
                    return report
            report.events += sent
            report.episodes += app.ctx.episodes_finished
        finally:
            app.close()
    scores = HighScores.load(data_dir / "highscores.json")
    if scores.warnings:
        report.problems.append(f"high-score file invalid after fuzzing: {scores.warnings}")

    for path in (data_dir / "replays").glob("*.json"):
        try:
            load_replay(path)
        except Exception as exc:
            report.problems.append(f"replay {path.name} invalid after fuzzing: {exc}")
    for path in (data_dir / DEMOS_FOLDER).glob("*.json"):  # the player's runs, kept as replays
        try:
            played = ReplayDriver(load_replay(path))
            while not played.finished:
                played.step()
            if played.differences():
                report.problems.append(f"run {path.name} does not play back as recorded")
        except Exception as exc:
            report.problems.append(f"run {path.name} invalid after fuzzing: {exc}")
    return report


def rss_mib() -> float:
    """Resident set size now, from /proc (Linux), else the peak from getrusage."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class SoakReport:
    episodes: int
    steps: int
    rss_after_warmup_mib: float
    rss_end_mib: float

    @property
    def growth(self) -> float:
        return self.rss_end_mib / self.rss_after_warmup_mib - 1.0


def soak(
    episodes: int,
    seed: int = 0,
    warmup: int | None = None,
    left: str = "dqn",
    right: str = "linear",
    wind: bool = True,
    poke_every: int = 97,
) -> SoakReport:
    """Agent against agent at full speed, with wind and pokes; RSS measured after warm-up and at the end."""
    warmup = warmup if warmup is not None else max(1, episodes // 10)
    match = VersusMatch(load_agent(left), load_agent(right), seed=seed, rounds=episodes)
    if wind:
        match.disturbances.toggle_wind()
    steps = 0
    rss_warm = rss_mib()
    for number in range(episodes):
        if number:
            match.next_round()
        while not match.round_over:
            if steps % poke_every == poke_every - 1:
                match.random_poke()
            match.step()
            steps += 1
        if number + 1 == warmup:
            rss_warm = rss_mib()
    return SoakReport(episodes, steps, rss_warm, rss_mib())
