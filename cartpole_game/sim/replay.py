"""Replays: an episode's seed, actions, pokes and wind, saved as JSON and played back exactly.

The steps a gamepad's stick pushed with part of the force are kept too (``analog``: the step and
the signed fraction of the full force), and re-applied on playback.

Playing back re-runs the same physics from the same seed with the same inputs at the same
steps, so it reaches the very same score, end and final state, bit for bit (the file keeps all
three to check). Loading reads at most ``MAX_BYTES`` through the safe reader, validates the type
and range of every field, bounds every list, keeps text only as text a font can draw, and never
executes anything from the file.
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cartpole_game.core.atomic import atomic_write_text
from cartpole_game.core.errors import FileFormatError
from cartpole_game.core.safe_read import read_json_file
from cartpole_game.core.text import drawable
from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.arena import Arena, EndReason, EpisodeLog
from cartpole_game.sim.levels import LEVELS, PHYSICS_KEYS
from cartpole_game.sim.physics import CARTPOLE_V1, CartPoleParams
from cartpole_game.sim.timescale import MAX_TIME_SCALE, MIN_TIME_SCALE

FORMAT = "cartpole_game-replay"
# 2 added "analog", the steps pushed with part of the force. A version 1 file has none and loads
# as before; a game that reads only version 1 refuses a version 2 file rather than replay it wrong.
FORMAT_VERSION = 2
MAX_STEPS = 100_000
MAX_DRIVERS = 10_000  # hand-overs of the cart; also at most one per step, plus the first driver
MAX_POKES = MAX_STEPS
MAX_NAME_CHARS = 64  # a driver's name
MAX_TEXT_CHARS = 64  # "mode" and "recorded_at"
MAX_POKE = 100.0  # rad/s; the game's own pokes are at most 2.5
MAX_WIND = 1000.0  # newtons; the game's wind is at most a few
# The largest legal replay as to_json writes it: the actions, then every [step, value] entry
# (about 50 bytes; 64 allowed) and every driver, whose name may be 64 characters each written
# as a 12-byte surrogate-pair escape; 64 KiB covers the rest.
_ENTRY_BYTES = 64
MAX_BYTES = (
    MAX_STEPS
    + (MAX_POKES + 2 * MAX_STEPS) * _ENTRY_BYTES
    + MAX_DRIVERS * (_ENTRY_BYTES + 12 * MAX_NAME_CHARS)
    + 65_536
)
_ACTIONS = re.compile(r"[012]*")
_END_REASONS = frozenset(reason.value for reason in EndReason)
# A diverged episode ends in a state JSON has no numbers for: written as these strings.
_NOT_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


@dataclass(frozen=True)
class Replay:
    seed: int
    actions: tuple[int, ...]
    pokes: tuple[tuple[int, float], ...]
    wind: tuple[tuple[int, float], ...]
    drivers: tuple[tuple[int, str], ...]
    final_state: tuple[float, float, float, float]
    score: int
    end_reason: str | None
    mode: str = "play"
    time_scale: float = 1.0
    recorded_at: str = ""
    analog: tuple[tuple[int, float], ...] = ()  # (step, signed fraction of the full force)
    level: int = len(LEVELS)  # the ladder's number; files from before levels were CartPole-v1
    params: CartPoleParams = CARTPOLE_V1  # the physics it was played with, kept in the file

    @classmethod
    def from_arena(
        cls, arena: Arena, mode: str, time_scale: float, level: int = len(LEVELS)
    ) -> Replay:
        log: EpisodeLog = arena.log
        return cls(
            seed=log.seed,
            actions=tuple(log.actions),
            pokes=tuple(log.pokes),
            wind=tuple(log.wind),
            analog=tuple(log.analog),
            drivers=tuple(log.drivers),
            final_state=tuple(float(v) for v in arena.state),  # type: ignore[arg-type]
            score=arena.score,
            end_reason=arena.end_reason.value if arena.end_reason else None,
            mode=mode,
            time_scale=time_scale,
            recorded_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
            level=level,
            params=arena.params,
        )

    def to_json(self) -> str:
        payload = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "mode": self.mode,
            "time_scale": self.time_scale,
            "recorded_at": self.recorded_at,
            "level": self.level,
            "physics": {key: getattr(self.params, key) for key in PHYSICS_KEYS},
            "goal_steps": self.params.max_episode_steps,
            "seed": self.seed,
            "score": self.score,
            "end_reason": self.end_reason,
            "drivers": [list(d) for d in self.drivers],
            "actions": "".join(str(a) for a in self.actions),
            "pokes": [list(p) for p in self.pokes],
            "wind": [list(w) for w in self.wind],
            "analog": [list(a) for a in self.analog],
            # repr() of a float64 round-trips exactly through JSON.
            "final_state": [_state_value(v) for v in self.final_state],
        }
        return json.dumps(payload, indent=1) + "\n"

    def save(self, path: Path) -> None:
        """Write atomically (temp file, then rename). Raises OSError when it cannot."""
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, self.to_json())


def _state_value(value: float) -> float | str:
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def load_replay(path: Path) -> Replay:
    """Read and validate a replay file; any problem is a ``FileFormatError`` naming the file.

    Only a regular file of at most ``MAX_BYTES`` is read (a FIFO or a device is refused at once).
    """
    data = read_json_file(path, MAX_BYTES, "replay file")
    try:
        return _parse(data)
    except _Bad as exc:
        raise FileFormatError(path, str(exc)) from None


class _Bad(Exception):
    pass


def _need(condition: bool, problem: str) -> None:
    if not condition:
        raise _Bad(problem)


def _int(value: Any, name: str, low: int, high: int) -> int:
    _need(
        isinstance(value, int) and not isinstance(value, bool), f"'{name}' must be a whole number"
    )
    _need(low <= value <= high, f"'{name}' out of range: {value}")
    return value


def _finite(value: Any, name: str) -> float:
    _need(
        isinstance(value, (int, float)) and not isinstance(value, bool),
        f"'{name}' must be a number",
    )
    _need(math.isfinite(value), f"'{name}' must be finite")
    return float(value)


def _number(value: Any, name: str) -> float:
    # Unlike _finite, this admits inf and nan (written as text): a diverged episode ends so.
    if isinstance(value, str) and value in _NOT_FINITE:
        return _NOT_FINITE[value]
    _need(
        isinstance(value, (int, float)) and not isinstance(value, bool), f"'{name}' must be numbers"
    )
    return float(value)


def _text(value: Any, name: str, limit: int) -> str:
    """Text from the file, at most ``limit`` characters, kept as text a font can draw."""
    _need(isinstance(value, str), f"'{name}' must be text")
    _need(len(value) <= limit, f"'{name}' is longer than {limit} characters")
    return drawable(value, limit)


def _events(
    value: Any, name: str, steps: int, most: int, largest: float
) -> tuple[tuple[int, float], ...]:
    _need(isinstance(value, list), f"'{name}' must be a list")
    _need(len(value) <= most, f"too many '{name}' ({len(value)}; at most {most})")
    out = []
    for item in value:
        _need(isinstance(item, list) and len(item) == 2, f"each of '{name}' must be [step, value]")
        step = _int(item[0], f"{name} step", 0, steps)
        size = _finite(item[1], name)
        _need(abs(size) <= largest, f"'{name}' out of range: {size}")
        out.append((step, size))
    return tuple(out)


def _drivers(value: Any, steps: int) -> tuple[tuple[int, str], ...]:
    """Who drove from which step: at most one hand-over a step (plus the first driver), in
    order, each name at most ``MAX_NAME_CHARS`` characters."""
    _need(isinstance(value, list), "'drivers' must be a list")
    most = min(steps + 1, MAX_DRIVERS)
    _need(len(value) <= most, f"too many drivers ({len(value)}; at most {most})")
    out: list[tuple[int, str]] = []
    for item in value:
        _need(isinstance(item, list) and len(item) == 2, "each driver must be [step, name]")
        step = _int(item[0], "driver step", 0, steps)
        _need(not out or step >= out[-1][0], "'drivers' steps must not decrease")
        out.append((step, _text(item[1], "driver name", MAX_NAME_CHARS)))
    return tuple(out)


def _parse(data: Any) -> Replay:
    _need(
        isinstance(data, dict) and data.get("format") == FORMAT, "not a cartpole_game replay file"
    )
    version = data.get("format_version")
    _need(isinstance(version, int) and not isinstance(version, bool), "missing format_version")
    _need(version >= 1, f"replay format version {version} is not one this game knows")
    _need(
        version <= FORMAT_VERSION,
        f"replay format version {version} is newer than this game reads ({FORMAT_VERSION}); "
        "update the game",
    )
    actions_text = data.get("actions")
    _need(
        isinstance(actions_text, str) and _ACTIONS.fullmatch(actions_text) is not None,
        "'actions' must be a string of 0, 1 and 2",
    )
    _need(len(actions_text) <= MAX_STEPS, "too many actions")
    steps = len(actions_text)
    drivers = _drivers(data.get("drivers", []), steps)
    final = data.get("final_state")
    _need(isinstance(final, list) and len(final) == 4, "'final_state' must be 4 numbers")
    final_state = tuple(_number(v, "final_state") for v in final)
    end_reason = data.get("end_reason")
    _need(
        end_reason is None or (isinstance(end_reason, str) and end_reason in _END_REASONS),
        "'end_reason' must be null or one of: " + ", ".join(sorted(_END_REASONS)),
    )
    mode = _text(data.get("mode", "play"), "mode", MAX_TEXT_CHARS)
    time_scale = _finite(data.get("time_scale", 1.0), "time_scale")
    _need(
        MIN_TIME_SCALE <= time_scale <= MAX_TIME_SCALE,
        f"'time_scale' must be between {MIN_TIME_SCALE:g} and {MAX_TIME_SCALE:g}",
    )
    return Replay(
        level=_int(data.get("level", len(LEVELS)), "level", 1, len(LEVELS)),
        params=_params(data),
        seed=_int(data.get("seed"), "seed", 0, 2**32 - 1),
        actions=tuple(int(c) for c in actions_text),
        pokes=_events(data.get("pokes", []), "pokes", steps, MAX_POKES, MAX_POKE),
        wind=_events(data.get("wind", []), "wind", steps, steps + 1, MAX_WIND),
        analog=_analog(data.get("analog", []), actions_text),
        drivers=drivers,
        final_state=final_state,  # type: ignore[arg-type]
        score=_int(data.get("score"), "score", 0, MAX_STEPS),
        end_reason=end_reason,
        mode=mode,
        time_scale=time_scale,
        recorded_at=_text(data.get("recorded_at", ""), "recorded_at", MAX_TEXT_CHARS),
    )


def _analog(value: Any, actions_text: str) -> tuple[tuple[int, float], ...]:
    """The analog pushes: each at a step that took an action (so below the number of actions),
    in increasing order, a fraction in [-1, 1] in the direction of that step's action."""
    _need(isinstance(value, list), "'analog' must be a list")
    _need(len(value) <= len(actions_text), "more 'analog' pushes than actions")
    out: list[tuple[int, float]] = []
    for item in value:
        _need(
            isinstance(item, list) and len(item) == 2, "each of 'analog' must be [step, fraction]"
        )
        step = _int(item[0], "analog step", 0, len(actions_text) - 1)
        _need(not out or step > out[-1][0], "'analog' steps must increase")
        fraction = _finite(item[1], "analog")
        _need(-1.0 <= fraction <= 1.0, f"'analog' fraction out of range: {fraction}")
        direction = {PUSH_LEFT: -1.0, PUSH_RIGHT: 1.0}.get(int(actions_text[step]))
        _need(
            direction is not None and fraction * direction > 0,
            f"'analog' at step {step} does not push the way its action does",
        )
        out.append((step, fraction))
    return tuple(out)


def _params(data: dict[str, Any]) -> CartPoleParams:
    """The physics a replay names; files from before levels played CartPole-v1."""
    physics = data.get("physics", {})
    _need(isinstance(physics, dict), "'physics' must be a table")
    values = {}
    for key in PHYSICS_KEYS:
        value = _finite(physics.get(key, getattr(CARTPOLE_V1, key)), f"physics {key}")
        _need(0 < value <= 1000, f"'physics {key}' out of range: {value}")
        values[key] = value
    goal = _int(data.get("goal_steps", CARTPOLE_V1.max_episode_steps), "goal_steps", 1, MAX_STEPS)
    return CartPoleParams(**values, max_episode_steps=goal)


class ReplayController:
    """Plays back recorded actions, and the force fraction of the analog ones; after the last
    action it stops pushing."""

    def __init__(
        self,
        actions: tuple[int, ...],
        name: str = "replay",
        analog: tuple[tuple[int, float], ...] = (),
    ) -> None:
        self.actions = actions
        self.name = name
        self.index = 0
        self._analog = dict(analog)
        self._fraction: float | None = None

    def act(self, observation: np.ndarray) -> int:
        index = self.index
        action = self.actions[index] if index < len(self.actions) else NO_PUSH
        self.index += 1
        if action not in (PUSH_LEFT, PUSH_RIGHT):
            self._fraction = None
            return NO_PUSH
        self._fraction = self._analog.get(index)
        return action

    def force_fraction(self) -> float | None:
        return self._fraction

    def reset(self) -> None:
        self.index = 0
        self._fraction = None


class ReplayDriver:
    """Steps an arena through a replay: the recorded pokes and wind land at their steps, and
    the analog pushes push with their recorded force (the controller reports them)."""

    def __init__(self, replay: Replay) -> None:
        self.replay = replay
        self.controller = ReplayController(replay.actions, analog=replay.analog)
        self.arena = Arena(self.controller, seed=replay.seed, params=replay.params)
        self._pokes: dict[int, list[float]] = {}
        for step, delta in replay.pokes:
            self._pokes.setdefault(step, []).append(delta)
        self._wind = dict(replay.wind)

    @property
    def finished(self) -> bool:
        return self.arena.done or len(self.arena.log.actions) >= len(self.replay.actions)

    def step(self) -> np.ndarray | None:
        """One recorded step; returns the observation its action was chosen on (the recorded
        pokes before it included), a copy, or None once the replay is over."""
        if self.finished:
            return None
        index = len(self.arena.log.actions)
        for delta in self._pokes.get(index, ()):
            self.arena.poke(delta)
        seen = self.arena.observation.copy()
        self.arena.step(self._wind.get(index, 0.0))
        return seen

    def differences(self) -> list[str]:
        """How what playback produced differs from what the file recorded: its score, how it
        ended and its final state, bit for bit (empty: it matches)."""
        recorded, arena = self.replay, self.arena
        out = []
        if arena.score != recorded.score:
            out.append(f"score {arena.score}, recorded {recorded.score}")
        ended = arena.end_reason.value if arena.end_reason else None
        if ended != recorded.end_reason:
            out.append(
                f"ended '{ended or 'still running'}', "
                f"recorded '{recorded.end_reason or 'still running'}'"
            )
        if not _same_state(recorded.final_state, arena.state):
            out.append("the final state is not the recorded one")
        return out

    def matches_recording(self) -> bool:
        """True when playback reached the recorded score, end and final state, bit for bit."""
        return not self.differences()


def _same_state(recorded: tuple[float, ...], reached: np.ndarray) -> bool:
    """Bit for bit, except that any NaN matches any NaN (JSON keeps no NaN payload)."""
    expected = np.array(recorded, dtype=np.float64)
    reached = np.asarray(reached, dtype=np.float64)
    nan = np.isnan(expected)
    return bool(
        expected.shape == reached.shape
        and (nan == np.isnan(reached)).all()
        and expected[~nan].tobytes() == reached[~nan].tobytes()
    )


def play_back(replay: Replay) -> np.ndarray:
    """Run a replay to its end without drawing; returns the final state."""
    driver = ReplayDriver(replay)
    while not driver.finished:
        driver.step()
    return driver.arena.state.copy()
