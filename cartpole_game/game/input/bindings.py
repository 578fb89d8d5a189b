"""Bindings and binding tables: which input means which command, and what the screen says about it.

A scene looks each event up in its table and runs the handler of the command it names; the help
overlay and the hint lines are generated from the same table, so what the screen says and what
the keys do cannot drift apart. A gamepad is one more kind of input on a binding: its buttons,
and the d-pad (a joystick "hat"), whose four directions count as four more buttons. Scenes only
ever see command names. The stick and plugging pads in and out are :mod:`.gamepad`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pygame

HelpRow = tuple[str, str]  # (keys as shown, what they do)
HelpRows = tuple[HelpRow, ...]

# -- gamepad buttons: SDL's joystick numbering of an Xbox-layout pad (XInput, xpad) -------------
PAD_A, PAD_B, PAD_X, PAD_Y, PAD_LB, PAD_RB, PAD_BACK, PAD_START = range(8)
# The d-pad's four directions, as buttons numbered far past any real one.
HAT_UP, HAT_DOWN, HAT_LEFT, HAT_RIGHT = 1000, 1001, 1002, 1003
# The events a binding table looks up; scenes pass these on to ``dispatch``.
COMMAND_EVENTS = frozenset(
    {pygame.KEYDOWN, pygame.KEYUP, pygame.JOYBUTTONDOWN, pygame.JOYBUTTONUP, pygame.JOYHATMOTION}
)


def hat_buttons(value: object) -> frozenset[int]:
    """The d-pad directions a hat value ``(x, y)`` holds (y = 1 is up); none for anything else."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return frozenset()
    x, y = value
    held = set()
    if isinstance(x, (int, float)):
        held.update({HAT_LEFT} if x < 0 else {HAT_RIGHT} if x > 0 else set())
    if isinstance(y, (int, float)):
        held.update({HAT_DOWN} if y < 0 else {HAT_UP} if y > 0 else set())
    return frozenset(held)


ALL_HAT_BUTTONS = frozenset({HAT_UP, HAT_DOWN, HAT_LEFT, HAT_RIGHT})


@dataclass(frozen=True)
class Binding:
    """One command and the inputs that trigger it.

    ``label`` names the keys in the help overlay; bindings that share a label share one row (push
    left and push right are one row, "← / →  or  A / D"). A binding without keys is help-only, e.g.
    dragging the pole with the mouse, which the scene handles itself.

    ``buttons`` are gamepad buttons (``PAD_*``, ``HAT_*``) and ``pad`` names them for the help:
    it joins the row of the keys ("Space  /  Start"), or, with ``pad_help``, has a row of its own
    ("d-pad,  LB / RB,  stick": "push …").
    """

    command: str
    keys: frozenset[int] = frozenset()
    label: str = ""
    help: str = ""
    short: str = ""  # the keys as a status line names them ("P"); defaults to ``label``
    status: str = ""  # what a status line says the command does ("poke"); defaults to ``help``
    buttons: frozenset[int] = frozenset()
    pad: str = ""  # the buttons as the help names them ("Start")
    pad_help: str = ""  # set: the pad's buttons get a row of their own with this meaning

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


def button_set(*codes: int) -> frozenset[int]:
    return frozenset(codes)


@dataclass(frozen=True)
class BindingTable:
    """A scene's bindings, in the order its help lists them. No key or button may mean two
    commands."""

    name: str
    bindings: tuple[Binding, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # A table is a module constant: a clash fails at import, not when a player hits the key.
        clashes = self.conflicts()
        if clashes:
            raise ValueError(f"{self.name} bindings: keys bound to two commands: {clashes}")
        clashes = self.button_conflicts()
        if clashes:
            raise ValueError(f"{self.name} bindings: buttons bound to two commands: {clashes}")
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

    def button_conflicts(self) -> dict[int, tuple[str, ...]]:
        """Gamepad buttons bound to more than one command; empty for a valid table."""
        owners: dict[int, list[str]] = {}
        for binding in self.bindings:
            for button in binding.buttons:
                owners.setdefault(button, []).append(binding.command)
        return {button: tuple(names) for button, names in owners.items() if len(names) > 1}

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

    def command_for_button(self, button: int) -> str | None:
        for binding in self.bindings:
            if button in binding.buttons:
                return binding.command
        return None

    def command_for_event(self, event: pygame.event.Event) -> CommandEvent | None:
        """The command a key or button press or release triggers, if any (a d-pad move may
        trigger several: see ``command_events``)."""
        hits = self.command_events(event)
        return hits[0] if hits else None

    def command_events(self, event: pygame.event.Event) -> tuple[CommandEvent, ...]:
        """The commands ``event`` presses and releases, releases first.

        Keys and gamepad buttons go down and up one at a time. A d-pad move (``JOYHATMOTION``)
        reports where the hat is now: the directions it left are released and the ones it
        reached pressed. Its ``previous_value``, which :mod:`.gamepad` adds, says where it was;
        without it every direction not held now is released, so a centred d-pad lets go of all.
        """
        kind = event.type
        if kind in (pygame.KEYDOWN, pygame.KEYUP):
            command = self.command_for_key(getattr(event, "key", -1))
            return () if command is None else (CommandEvent(command, kind == pygame.KEYDOWN),)
        if kind in (pygame.JOYBUTTONDOWN, pygame.JOYBUTTONUP):
            return self._button_hits((getattr(event, "button", -1),), kind == pygame.JOYBUTTONDOWN)
        if kind != pygame.JOYHATMOTION:
            return ()
        now = hat_buttons(getattr(event, "value", None))
        previous = getattr(event, "previous_value", None)
        before = ALL_HAT_BUTTONS if previous is None else hat_buttons(previous)
        pressed = now if previous is None else now - before
        return self._button_hits(before - now, False) + self._button_hits(pressed, True)

    def _button_hits(self, buttons: Iterable[int], pressed: bool) -> tuple[CommandEvent, ...]:
        commands = (self.command_for_button(button) for button in sorted(buttons))
        return tuple(CommandEvent(command, pressed) for command in commands if command is not None)

    def help_rows(self) -> HelpRows:
        """One row per distinct label, in table order; shared labels join their meanings.

        A binding's ``pad`` joins its row's keys ("Space  /  Start"); with ``pad_help`` the pad's
        buttons get a row of their own after it, shared the same way.
        """
        return tuple((keys, meaning) for keys, meaning, _ in self._rows())

    def _rows(self) -> tuple[tuple[str, str, frozenset[str]], ...]:
        """:meth:`help_rows` with the commands behind each row."""
        rows: dict[tuple[bool, str], tuple[list[str], list[str], set[str]]] = {}
        for binding in self.bindings:
            own_row = bool(binding.pad and binding.pad_help)
            if binding.label:
                pads, texts, commands = rows.setdefault((False, binding.label), ([], [], set()))
                commands.add(binding.command)
                if binding.pad and not own_row and binding.pad not in pads:
                    pads.append(binding.pad)
                if binding.help and binding.help not in texts:
                    texts.append(binding.help)
            if own_row:
                _, texts, commands = rows.setdefault((True, binding.pad), ([], [], set()))
                commands.add(binding.command)
                if binding.pad_help not in texts:
                    texts.append(binding.pad_help)
        return tuple(
            ("  /  ".join([label, *pads]), "  /  ".join(texts), frozenset(commands))
            for (_, label), (pads, texts, commands) in rows.items()
        )

    def inactive_rows(self, inactive: Iterable[str]) -> frozenset[str]:
        """The keys (as :meth:`help_rows` shows them) of the rows whose every command is in
        ``inactive``: the help draws them greyed out."""
        off = frozenset(inactive)
        return frozenset(keys for keys, _, commands in self._rows() if commands <= off)

    def status_line(self, commands: Iterable[str], separator: str = "  ·  ") -> str:
        """E.g. "Tab hands over the cart  ·  G hints  ·  P poke  ·  W wind"."""
        parts: list[str] = []
        for command in commands:
            text = self.binding(command).status_text
            if text not in parts:  # ↑ and ↓ say the same thing once
                parts.append(text)
        return separator.join(parts)

    def status_parts(
        self, commands: Iterable[str], inactive: Iterable[str] = ()
    ) -> tuple[tuple[str, bool], ...]:
        """``status_line``'s parts, each with whether it does something now: (text, active).

        A part some commands share (+ and − say "pace" once) is active if any of them is; a
        scene draws the inactive ones greyed out.
        """
        off = frozenset(inactive)
        parts: dict[str, bool] = {}
        for command in commands:
            text = self.binding(command).status_text
            parts[text] = parts.get(text, False) or command not in off
        return tuple(parts.items())

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
    """Run the handlers of the commands ``event`` triggers (a d-pad move may trigger a release
    and a press); True if one ran.

    A command without a handler does nothing: e.g. the release of a key whose press alone counts.
    """
    ran = False
    for hit in table.command_events(event):
        handlers = on_press if hit.pressed else (on_release or {})
        handler = handlers.get(hit.command)
        if handler is not None:
            handler()
            ran = True
    return ran
