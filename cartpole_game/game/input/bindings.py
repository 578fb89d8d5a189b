"""Bindings and binding tables: which input means which command, and what the screen says about it.

A scene looks each event up in its table and runs the handler of the command it names; the help
overlay and the hint lines are generated from the same table, so what the screen says and what
the keys do cannot drift apart. A gamepad is one more kind of input on a binding: scenes only
ever see command names, so adding buttons later touches this module and the tables, not scenes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pygame

HelpRow = tuple[str, str]  # (keys as shown, what they do)
HelpRows = tuple[HelpRow, ...]


@dataclass(frozen=True)
class Binding:
    """One command and the inputs that trigger it.

    ``label`` names the keys in the help overlay; bindings that share a label share one row (push
    left and push right are one row, "← / →  or  A / D"). A binding without keys is help-only, e.g.
    dragging the pole with the mouse, which the scene handles itself.
    """

    command: str
    keys: frozenset[int] = frozenset()
    label: str = ""
    help: str = ""
    short: str = ""  # the keys as a status line names them ("P"); defaults to ``label``
    status: str = ""  # what a status line says the command does ("poke"); defaults to ``help``
    # Gamepad buttons: none yet. A later change fills these and teaches command_for_event the
    # joystick events; tables and scenes stay as they are.
    buttons: frozenset[int] = frozenset()

    @property
    def status_text(self) -> str:
        return f"{self.short or self.label} {self.status or self.help}".strip()


@dataclass(frozen=True)
class CommandEvent:
    """A command an event triggered: ``pressed`` is False when the key is let go."""

    command: str
    pressed: bool


def key_set(*codes: int) -> frozenset[int]:
    return frozenset(codes)


@dataclass(frozen=True)
class BindingTable:
    """A scene's bindings, in the order its help lists them. No key may mean two commands."""

    name: str
    bindings: tuple[Binding, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # A table is a module constant: a clash fails at import, not when a player hits the key.
        clashes = self.conflicts()
        if clashes:
            raise ValueError(f"{self.name} bindings: keys bound to two commands: {clashes}")
        commands = [b.command for b in self.bindings]
        if len(set(commands)) != len(commands):
            raise ValueError(f"{self.name} bindings: a command is listed twice: {commands}")

    def conflicts(self) -> dict[int, tuple[str, ...]]:
        """Keys bound to more than one command (key → commands); empty for a valid table."""
        owners: dict[int, list[str]] = {}
        for binding in self.bindings:
            for key in binding.keys:
                owners.setdefault(key, []).append(binding.command)
        return {key: tuple(names) for key, names in owners.items() if len(names) > 1}

    @property
    def commands(self) -> tuple[str, ...]:
        return tuple(b.command for b in self.bindings)

    def binding(self, command: str) -> Binding:
        for binding in self.bindings:
            if binding.command == command:
                return binding
        raise KeyError(f"{self.name} bindings have no command {command!r}")

    def keys_for(self, command: str) -> frozenset[int]:
        return self.binding(command).keys

    def command_for_key(self, key: int) -> str | None:
        for binding in self.bindings:
            if key in binding.keys:
                return binding.command
        return None

    def command_for_event(self, event: pygame.event.Event) -> CommandEvent | None:
        """The command a key press or release triggers, if any (gamepad events: later)."""
        if event.type not in (pygame.KEYDOWN, pygame.KEYUP):
            return None
        command = self.command_for_key(event.key)
        if command is None:
            return None
        return CommandEvent(command, event.type == pygame.KEYDOWN)

    def help_rows(self) -> HelpRows:
        """One row per distinct label, in table order; shared labels join their meanings."""
        meanings: dict[str, list[str]] = {}
        for binding in self.bindings:
            if not binding.label:
                continue
            texts = meanings.setdefault(binding.label, [])
            if binding.help and binding.help not in texts:
                texts.append(binding.help)
        return tuple((label, "  /  ".join(texts)) for label, texts in meanings.items())

    def status_line(self, commands: Iterable[str], separator: str = "  ·  ") -> str:
        """E.g. "Tab hands over the cart  ·  G hints  ·  P poke  ·  W wind"."""
        parts: list[str] = []
        for command in commands:
            text = self.binding(command).status_text
            if text not in parts:  # ↑ and ↓ say the same thing once
                parts.append(text)
        return separator.join(parts)

    def extended(self, name: str, *first: Binding) -> BindingTable:
        """This table with ``first`` listed ahead of its own bindings, under a new name."""
        return BindingTable(name, (*first, *self.bindings))

    def without(self, *commands: str) -> BindingTable:
        for command in commands:
            self.binding(command)  # a typo here must not silently keep the binding
        kept = tuple(b for b in self.bindings if b.command not in commands)
        return BindingTable(self.name, kept)


def dispatch(
    table: BindingTable,
    event: pygame.event.Event,
    on_press: Mapping[str, Callable[[], None]],
    on_release: Mapping[str, Callable[[], None]] | None = None,
) -> bool:
    """Run the handler of the command ``event`` triggers; True if one ran.

    A command without a handler does nothing: e.g. the release of a key whose press alone counts.
    """
    hit = table.command_for_event(event)
    if hit is None:
        return False
    handlers = on_press if hit.pressed else (on_release or {})
    handler = handlers.get(hit.command)
    if handler is None:
        return False
    handler()
    return True
