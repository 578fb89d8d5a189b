"""Gamepads: plugging them in and out, where the d-pad was, and the analog stick.

Buttons and the d-pad are bindings like keys (:mod:`.tables`). What is left is here:

- :class:`Gamepads`, owned by the app, opens each pad as it is plugged in (SDL sends a pad's
  events only once it is open), says so in a toast, closes it when it is pulled out, and adds to
  every d-pad move where the d-pad was before (``previous_value``), so that letting go releases
  exactly the pushes the d-pad pressed. A pad that vanished before it could be opened, an
  instance id nobody knows, or no joystick support at all (a dummy video driver) never crash it.
- :func:`move_stick` turns the left stick's x axis into a push: the dead zone taken off and the
  rest stretched back to [-1, 1] (:func:`dead_zone`), then handed to the human, who pushes in
  proportion on a level that allows it and like a d-pad past half-way elsewhere
  (:class:`~cartpole_game.sim.controllers.HumanController`).

Scenes pause a running human's run when a pad comes or goes (``DEVICE_EVENTS``): the pad in the
player's hands changed, and a pulled-out pad's held buttons will never be let go.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterable, Iterator

import pygame

from cartpole_game.sim.actions import NO_PUSH
from cartpole_game.sim.controllers import HumanController

STICK_AXIS = 0  # the left stick's x axis in SDL's joystick numbering
DEAD_ZONE = 0.15  # of the stick's travel: a resting stick drifts a little, and must not push
DEVICE_EVENTS = frozenset({pygame.JOYDEVICEADDED, pygame.JOYDEVICEREMOVED})

Hat = tuple[int, int]


def dead_zone(value: float, zone: float = DEAD_ZONE) -> float:
    """An axis position in [-1, 1] without its dead zone: 0 inside the zone, then rising from 0
    at its edge to ±1 at the end of the travel, in thousandths (finer than a thumb holds a
    stick; a half-pushed stick is exactly 0.5, and replays stay short). Anything that is not a
    finite number is 0."""
    try:
        position = float(value)
    except (TypeError, ValueError):
        return 0.0
    if not math.isfinite(position):
        return 0.0
    position = max(-1.0, min(1.0, position))
    if abs(position) <= zone:
        return 0.0
    return round(math.copysign((abs(position) - zone) / (1.0 - zone), position), 3) + 0.0


def stick_fraction(event: pygame.event.Event) -> float | None:
    """The push a move of the left stick's x axis asks for, in [-1, 1]; None for another event."""
    if event.type != pygame.JOYAXISMOTION or getattr(event, "axis", None) != STICK_AXIS:
        return None
    return dead_zone(getattr(event, "value", 0.0))


def move_stick(human: HumanController, event: pygame.event.Event, analog: bool) -> bool:
    """Give ``human`` the stick's new position; ``analog``: the level allows proportional pushes.

    True when the event moved the stick and something now pushes (a run waiting for its first
    push starts).
    """
    fraction = stick_fraction(event)
    if fraction is None:
        return False
    human.analog = analog
    human.set_analog(fraction)
    return human.held != NO_PUSH


def _hat_value(value: object) -> Hat:
    if isinstance(value, (tuple, list)) and len(value) == 2:
        x, y = value
        if isinstance(x, (int, float)) and isinstance(y, (int, float)):
            return (int(math.copysign(1, x)) if x else 0, int(math.copysign(1, y)) if y else 0)
    return (0, 0)


def _instance(event: pygame.event.Event) -> int:
    instance = getattr(event, "instance_id", getattr(event, "joy", -1))
    return instance if isinstance(instance, int) else -1


class Gamepads:
    """The pads plugged in (by SDL instance id) and where each d-pad is."""

    def __init__(self, notify: Callable[[str], None] | None = None) -> None:
        self.notify: Callable[[str], None] = notify or (lambda text: None)
        self.devices: dict[int, pygame.joystick.JoystickType] = {}
        self._hats: dict[tuple[int, int], Hat] = {}
        self.available = self._start()

    @staticmethod
    def _start() -> bool:
        """Start SDL's joystick support; False (and no pads, no crash) where there is none."""
        try:
            pygame.joystick.init()
            return bool(pygame.joystick.get_init())
        except pygame.error:
            return False

    def events(self, events: Iterable[pygame.event.Event]) -> Iterator[pygame.event.Event]:
        """``events`` as the scenes should see them (see :meth:`translate`)."""
        for event in events:
            yield self.translate(event)

    def translate(self, event: pygame.event.Event) -> pygame.event.Event:
        """Open or close a pad that came or went (the event still goes on, so scenes pause);
        give a d-pad move its ``previous_value``; anything else passes unchanged."""
        if event.type == pygame.JOYDEVICEADDED:
            self.connected(event)
        elif event.type == pygame.JOYDEVICEREMOVED:
            self.disconnected(event)
        elif event.type == pygame.JOYHATMOTION:
            key = (_instance(event), getattr(event, "hat", 0))
            previous = self._hats.get(key, (0, 0))
            self._hats[key] = _hat_value(getattr(event, "value", None))
            return pygame.event.Event(event.type, {**event.dict, "previous_value": previous})
        return event

    def connected(self, event: pygame.event.Event) -> None:
        joystick = self._open(getattr(event, "device_index", None))
        name = _name(joystick)
        self.notify(f"Gamepad connected: {name}" if name else "Gamepad connected")

    def disconnected(self, event: pygame.event.Event) -> None:
        instance = _instance(event)
        joystick = self.devices.pop(instance, None)
        self._hats = {key: value for key, value in self._hats.items() if key[0] != instance}
        name = _name(joystick)
        _close(joystick)
        self.notify(f"Gamepad disconnected: {name}" if name else "Gamepad disconnected")

    def _open(self, device_index: object) -> pygame.joystick.JoystickType | None:
        """Open the pad at ``device_index``; None when it is gone already or cannot be opened."""
        if not isinstance(device_index, int) or isinstance(device_index, bool):
            return None
        try:
            if not pygame.joystick.get_init():
                return None
            joystick = pygame.joystick.Joystick(device_index)
            if not joystick.get_init():
                joystick.init()
            instance = joystick.get_instance_id()
        except (pygame.error, ValueError, OverflowError):
            return None
        self.devices[instance] = joystick
        return joystick

    def close(self) -> None:
        for joystick in self.devices.values():
            _close(joystick)
        self.devices.clear()
        self._hats.clear()


def _name(joystick: pygame.joystick.JoystickType | None) -> str:
    if joystick is None:
        return ""
    try:
        return str(joystick.get_name())[:48]
    except pygame.error:
        return ""


def _close(joystick: pygame.joystick.JoystickType | None) -> None:
    if joystick is not None:
        with contextlib.suppress(pygame.error):
            joystick.quit()
