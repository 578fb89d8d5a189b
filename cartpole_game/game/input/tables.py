"""Every scene's binding table, in one place so that clashes and help text are easy to review.

Each table is explicit about its keys: W is wind in the arenas and nothing in the menu, where
only ↑/↓ (and the mouse) choose, so no key means two things.

A gamepad (Xbox layout) works where the scene passes its events on: the d-pad or LB/RB push and
the stick too (in proportion on analog levels, see :mod:`.gamepad`), Start pauses and resumes,
Y restarts, Back goes back (but never quits from the menu), X hands over the cart in takeover,
A opens the menu's choice and starts the next versus round. The training view takes no pad, so
its table has none.
"""

from __future__ import annotations

from dataclasses import replace

import pygame

from cartpole_game.game.input.bindings import (
    HAT_DOWN,
    HAT_LEFT,
    HAT_RIGHT,
    HAT_UP,
    PAD_A,
    PAD_BACK,
    PAD_LB,
    PAD_RB,
    PAD_START,
    PAD_X,
    PAD_Y,
    Binding,
    BindingTable,
    button_set,
    key_set,
)

# Help texts stay under ~430 px at the help overlay's font, the width of its meaning column, and
# the keys (with their pad buttons) under 250 px.

# -- bindings several scenes share (tables adjust the wording with dataclasses.replace) -------
PUSH_LABEL = "← / →  or  A / D"
PUSH_HELP = "push the cart while held (no key: no force)"
PAD_PUSH_LABEL = "d-pad,  LB / RB,  stick"
PAD_PUSH_HELP = "push (the stick: in proportion on analog levels)"
PAD_PUSH_LEFT = button_set(HAT_LEFT, PAD_LB)
PAD_PUSH_RIGHT = button_set(HAT_RIGHT, PAD_RB)
PUSH_LEFT = Binding(
    "push_left",
    key_set(pygame.K_LEFT, pygame.K_a),
    PUSH_LABEL,
    PUSH_HELP,
    "←/→",
    buttons=PAD_PUSH_LEFT,
    pad=PAD_PUSH_LABEL,
    pad_help=PAD_PUSH_HELP,
)
PUSH_RIGHT = Binding(
    "push_right",
    key_set(pygame.K_RIGHT, pygame.K_d),
    PUSH_LABEL,
    PUSH_HELP,
    "←/→",
    buttons=PAD_PUSH_RIGHT,
    pad=PAD_PUSH_LABEL,
    pad_help=PAD_PUSH_HELP,
)
PAUSE = Binding(
    "pause",
    key_set(pygame.K_SPACE),
    "Space",
    "pause / resume",
    status="pause",
    buttons=button_set(PAD_START),
    pad="Start",
)
RESTART = Binding(
    "restart",
    key_set(pygame.K_r),
    "R",
    "restart the episode",
    status="restart",
    buttons=button_set(PAD_Y),
    pad="Y",
)
SPEED_HELP = "time scale 0.25× … 2×"
FASTER = Binding(
    "faster",
    key_set(pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS),
    "+ / −",
    SPEED_HELP,
    "+/−",
    "speed",
)
SLOWER = Binding(
    "slower",
    key_set(pygame.K_MINUS, pygame.K_KP_MINUS, pygame.K_UNDERSCORE),
    "+ / −",
    SPEED_HELP,
    "+/−",
    "speed",
)
HELP = Binding("help", key_set(pygame.K_h, pygame.K_F1), "H  or  F1", "this help", "H", "help")
BACK = Binding(
    "back",
    key_set(pygame.K_ESCAPE),
    "Esc",
    "back to the menu",
    status="menu",
    buttons=button_set(PAD_BACK),
    pad="Back",
)
# Dragging the pole is the scene's own mouse handling: listed for help and hints, no keys.
DRAG_POKE = Binding(
    "drag_poke",
    label="click / drag pole",
    help="poke the pole (drag sets direction and strength)",
    short="click or drag the pole",
    status="to poke it",
)
POKE = Binding("poke", key_set(pygame.K_p), "P  /  W", "random poke", "P", "poke")
WIND = Binding("wind", key_set(pygame.K_w), "P  /  W", "wind on or off", "W", "wind")
HINT = Binding(
    "hint", key_set(pygame.K_g), "G", "hint: a ghost arrow shows the agent's push", status="hints"
)
SWAP_DRIVER = Binding(
    "swap_driver",
    key_set(pygame.K_TAB),
    "Tab",
    "hand control to the agent / take it back",
    status="hands over the cart",
    buttons=button_set(PAD_X),
    pad="X",
)


def keys_only(binding: Binding) -> Binding:
    """``binding`` without its gamepad buttons, for a scene that takes no pad."""
    return replace(binding, buttons=frozenset(), pad="", pad_help="")


# -- keys that work in every scene (the app handles them before the scene sees them) ----------
GLOBAL = BindingTable(
    "global",
    (
        Binding(
            "screenshot", key_set(pygame.K_F12), "F12  /  M", "screenshot", status="screenshot"
        ),
        Binding("mute", key_set(pygame.K_m), "F12  /  M", "sound on or off", status="mute"),
        Binding(
            "record_gif",
            key_set(pygame.K_v),
            "V",
            "record this episode as a GIF (V again stops)",
            status="record",
        ),
    ),
)

# -- the single-arena scenes -----------------------------------------------------------------
PLAY = BindingTable(
    "play",
    (
        PUSH_LEFT,
        PUSH_RIGHT,
        PAUSE,
        RESTART,
        replace(FASTER, help=SPEED_HELP + " (physics step: 0.02 s)"),
        replace(SLOWER, help=SPEED_HELP + " (physics step: 0.02 s)"),
        HINT,
        DRAG_POKE,
        POKE,
        WIND,
        HELP,
        BACK,
    ),
)
TAKEOVER = PLAY.extended("takeover", SWAP_DRIVER)
TEACH = PLAY.extended(
    "teach",
    replace(
        SWAP_DRIVER,
        help="take the cart to correct the student / hand it back",
        status="takes the cart",
    ),
    Binding(
        "student",
        key_set(pygame.K_n),
        "N",
        "start over with the other student (your clone, a new network)",
        status="other student",
    ),
)
WATCH = BindingTable("watch", (DRAG_POKE, POKE, WIND, PAUSE, RESTART, FASTER, SLOWER, HELP, BACK))
REPLAY = BindingTable(
    "replay",
    (
        PAUSE,
        replace(RESTART, help="play it again from the start"),
        FASTER,
        SLOWER,
        # Pokes, wind and hints would change what happened: the keys only say so.
        Binding(
            "disturb",
            key_set(pygame.K_p, pygame.K_w, pygame.K_g),
            "P  /  W  /  G",
            "none here: a replay plays back exactly",
        ),
        HELP,
        BACK,
    ),
)

# -- versus: with two humans A/D drives the left side and ←/→ the right; one human uses both --
# The pad (d-pad, LB/RB and the stick, never in proportion here) drives the left side; with one
# human, that human, on whichever side.
VERSUS_PUSH_HELP = "push your cart (2 humans: A/D left, ←/→ right)"
VERSUS_PAD_HELP = "push your cart (2 humans: the left one)"
VERSUS = BindingTable(
    "versus",
    (
        Binding(
            "left_side_push_left",
            key_set(pygame.K_a),
            PUSH_LABEL,
            VERSUS_PUSH_HELP,
            buttons=button_set(HAT_LEFT, PAD_LB),
            pad=PAD_PUSH_LABEL,
            pad_help=VERSUS_PAD_HELP,
        ),
        Binding(
            "left_side_push_right",
            key_set(pygame.K_d),
            PUSH_LABEL,
            VERSUS_PUSH_HELP,
            buttons=button_set(HAT_RIGHT, PAD_RB),
            pad=PAD_PUSH_LABEL,
            pad_help=VERSUS_PAD_HELP,
        ),
        Binding("right_side_push_left", key_set(pygame.K_LEFT), PUSH_LABEL, VERSUS_PUSH_HELP),
        Binding("right_side_push_right", key_set(pygame.K_RIGHT), PUSH_LABEL, VERSUS_PUSH_HELP),
        replace(DRAG_POKE, label="click / drag a pole", help="poke both poles the same way"),
        replace(POKE, help="random poke to both"),
        replace(WIND, help="wind on or off for both"),
        Binding(
            "next_round",
            key_set(pygame.K_n, pygame.K_RETURN, pygame.K_KP_ENTER),
            "N",
            "skip to the result, then the next round",
            status="next round",
            buttons=button_set(PAD_A),
            pad="A",
        ),
        PAUSE,
        FASTER,
        SLOWER,
        HELP,
        BACK,
    ),
)

# -- the menu: ↑/↓ only, so W and S mean nothing here; the pad never quits the game --------
MENU = BindingTable(
    "menu",
    (
        Binding(
            "up",
            key_set(pygame.K_UP),
            "↑ / ↓  or  mouse",
            "choose",
            "↑/↓",
            buttons=button_set(HAT_UP),
            pad="d-pad",
            pad_help="choose",
        ),
        Binding(
            "down",
            key_set(pygame.K_DOWN),
            "↑ / ↓  or  mouse",
            "choose",
            "↑/↓",
            buttons=button_set(HAT_DOWN),
            pad="d-pad",
            pad_help="choose",
        ),
        Binding(
            "confirm",
            key_set(pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE),
            "Enter  or  click",
            "open",
            "Enter",
            buttons=button_set(PAD_A),
            pad="A",
        ),
        HELP,
        keys_only(replace(BACK, help="quit", status="quit")),
    ),
)

# -- the training view ----------------------------------------------------------------------
PACE_HELP = "pace: real time, 4×, 16×, turbo"
TRY_HELP = "try the network as it is now: takeover / versus"
TRAIN = BindingTable(
    "train",
    (
        keys_only(replace(PAUSE, help="pause / resume training")),
        replace(FASTER, help=PACE_HELP, status="pace"),
        replace(SLOWER, help=PACE_HELP, status="pace"),
        Binding(
            "switch_view",
            key_set(pygame.K_TAB),
            "Tab",
            "switch view: training episodes / greedy preview",
            status="view",
        ),
        Binding("save", key_set(pygame.K_s), "S", "save a checkpoint now", status="save"),
        Binding(
            "once_solved",
            key_set(pygame.K_c),
            "C",
            "once solved: stop, or keep training",
            status="once solved",
        ),
        Binding("try_takeover", key_set(pygame.K_t), "T  /  Y", TRY_HELP, "T", "takeover"),
        Binding("try_versus", key_set(pygame.K_y), "T  /  Y", TRY_HELP, "Y", "versus"),
        HELP,
        keys_only(
            replace(BACK, help="stop training (the best is saved) and go back", status="stop")
        ),
    ),
)

# -- the pause overlay ----------------------------------------------------------------------
PAUSE_OVERLAY = BindingTable(
    "pause",
    (
        Binding(
            "resume",
            key_set(pygame.K_SPACE),
            "Space",
            "resume",
            "Space/Start",
            "to resume",
            buttons=button_set(PAD_START),
            pad="Start",
        ),
        replace(HELP, help="the help of the paused mode", status="for help"),
        replace(BACK, short="Esc/Back", status="for the menu"),
    ),
)

# -- the ladder of levels: the menu's keys, but Esc goes back to the menu -------------------------
LADDER = BindingTable(
    "ladder",
    (*MENU.without("back").bindings, replace(BACK, help="back to the menu", status="menu")),
)

# -- the versus setup: the ladder's keys, and ←/→ (d-pad too) change the chosen row's value ------
CHANGE_LABEL = "← / →"
CHANGE_PAD = "d-pad ← →,  LB / RB"
VERSUS_SETUP = BindingTable(
    "versus_setup",
    (
        LADDER.binding("up"),
        LADDER.binding("down"),
        *(
            Binding(
                command,
                key_set(key),
                CHANGE_LABEL,
                "change the chosen row",
                "←/→",
                "change",
                buttons=button_set(hat, shoulder),
                pad=CHANGE_PAD,
                pad_help="change the chosen row",
            )
            for command, key, hat, shoulder in (
                ("left", pygame.K_LEFT, HAT_LEFT, PAD_LB),
                ("right", pygame.K_RIGHT, HAT_RIGHT, PAD_RB),
            )
        ),
        replace(LADDER.binding("confirm"), help="start the match", status="start"),
        HELP,
        LADDER.binding("back"),
    ),
)

# -- "Open an agent…": the ladder's keys choose; Enter watches, T takes over, Y races, Del forgets --
OPEN_AGENT = BindingTable(
    "open_agent",
    (
        LADDER.binding("up"),
        LADDER.binding("down"),
        replace(LADDER.binding("confirm"), help="watch the chosen agent play", status="watch"),
        Binding(
            "takeover",
            key_set(pygame.K_t),
            "T",
            "take over from it (you play, Tab hands it the cart)",
            status="takeover",
            buttons=button_set(PAD_X),
            pad="pad X",
        ),
        Binding(
            "versus",
            key_set(pygame.K_y),
            "Y",
            "race it in versus (the setup opens with it)",
            status="versus",
            buttons=button_set(PAD_Y),
            pad="pad Y",
        ),
        Binding(
            "forget",
            key_set(pygame.K_DELETE, pygame.K_BACKSPACE),
            "Del",
            "take a recent agent off the list (its file stays)",
            status="forget",
        ),
        HELP,
        LADDER.binding("back"),
    ),
)

# -- Clone me: the setup's keys choose the level and the runs; W watches the clone, R races it ----
CLONE_ME = BindingTable(
    "clone_me",
    (
        *(replace(VERSUS_SETUP.binding(command), label="↑ / ↓") for command in ("up", "down")),
        *(VERSUS_SETUP.binding(command) for command in ("left", "right")),
        replace(
            VERSUS_SETUP.binding("confirm"),
            label="Enter",
            help="train the clone (no runs yet: play the level)",
            status="train",
        ),
        Binding(
            "watch",
            key_set(pygame.K_w),
            "W",
            "watch your clone play",
            "W",
            "watch it",
            buttons=button_set(PAD_X),
            pad="X",
        ),
        Binding(
            "race",
            key_set(pygame.K_r),
            "R",
            "race it: you versus your clone",
            "R",
            "race it",
            buttons=button_set(PAD_Y),
            pad="Y",
        ),
        HELP,
        LADDER.binding("back"),
    ),
)

# -- play's offer after three quick falls ---------------------------------------------------------
OFFER = BindingTable(
    "offer",
    (
        Binding(
            "slow_down",
            key_set(pygame.K_MINUS, pygame.K_KP_MINUS),
            "−",
            "slow down a step",
            buttons=button_set(PAD_X),
            pad="X",
        ),
        Binding(
            "easier_level",
            key_set(pygame.K_l),
            "L",
            "back to the level before",
            buttons=button_set(PAD_Y),
            pad="Y",
        ),
        Binding(
            "keep_going",
            key_set(pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_ESCAPE),
            "Enter",
            "keep going",
            buttons=button_set(PAD_A),
            pad="A",
        ),
    ),
)

# -- the first-run lesson: push as in play, Enter goes on, Esc skips it ---------------------------
LESSON = BindingTable(
    "lesson",
    (
        PUSH_LEFT,
        PUSH_RIGHT,
        Binding(
            "continue",
            key_set(pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE),
            "Enter  or  Space",
            "continue (at the end: start level 1)",
            "Enter",
            "continue",
            buttons=button_set(PAD_A),
            pad="A",
        ),
        replace(BACK, help="skip the lesson", status="skips the lesson"),
    ),
)

# Scenes a player can ask for help in (a two-choice dialog like OFFER has no help of its own).
SCENE_TABLES = (
    PLAY,
    TAKEOVER,
    TEACH,
    WATCH,
    REPLAY,
    VERSUS,
    MENU,
    LADDER,
    TRAIN,
    PAUSE_OVERLAY,
    OPEN_AGENT,
    CLONE_ME,
)
