"""Key bindings in one place: scenes test against these, the help overlay lists them."""

from __future__ import annotations

import pygame

PUSH_LEFT_KEYS = frozenset({pygame.K_LEFT, pygame.K_a})
PUSH_RIGHT_KEYS = frozenset({pygame.K_RIGHT, pygame.K_d})
PAUSE_KEYS = frozenset({pygame.K_SPACE})
RESTART_KEYS = frozenset({pygame.K_r})
FASTER_KEYS = frozenset({pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS})
SLOWER_KEYS = frozenset({pygame.K_MINUS, pygame.K_KP_MINUS, pygame.K_UNDERSCORE})
HELP_KEYS = frozenset({pygame.K_h, pygame.K_F1})
POKE_KEYS = frozenset({pygame.K_p})
WIND_KEYS = frozenset({pygame.K_w})
HINT_KEYS = frozenset({pygame.K_g})
SWAP_DRIVER_KEYS = frozenset({pygame.K_TAB})
BACK_KEYS = frozenset({pygame.K_ESCAPE})
CONFIRM_KEYS = frozenset({pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE})
UP_KEYS = frozenset({pygame.K_UP, pygame.K_w})
DOWN_KEYS = frozenset({pygame.K_DOWN, pygame.K_s})

# (keys, what they do) as the help overlay and the README show them.
PLAY_HELP = (
    ("← / →  or  A / D", "push the cart while held (no key: no force)"),
    ("Space", "pause / resume"),
    ("R", "restart the episode"),
    ("+ / −", "time scale 0.25× … 2× (the physics step stays 0.02 s)"),
    ("G", "hint: a ghost arrow shows the agent's push"),
    ("click / drag pole", "poke the pole (drag sets direction and strength)"),
    ("P  /  W", "random poke  /  wind on or off"),
    ("H  or  F1", "this help"),
    ("Esc", "back to the menu (from the menu: quit)"),
)
WATCH_HELP = (
    ("click / drag pole", "poke the pole (drag sets direction and strength)"),
    ("P  /  W", "random poke  /  wind on or off"),
    ("Space", "pause / resume"),
    ("R", "restart the episode"),
    ("+ / −", "time scale 0.25× … 2×"),
    ("H  or  F1", "this help"),
    ("Esc", "back to the menu"),
)
TAKEOVER_HELP = (
    ("Tab", "hand control to the agent / take it back"),
    *PLAY_HELP,
)
VERSUS_HELP = (
    ("← / →  or  A / D", "push your cart (when a side is human)"),
    ("click / drag a pole", "poke both poles the same way"),
    ("P  /  W", "random poke to both  /  wind on or off for both"),
    ("N", "next round now"),
    ("Space", "pause / resume"),
    ("+ / −", "time scale 0.25× … 2×"),
    ("H  or  F1", "this help"),
    ("Esc", "back to the menu"),
)
