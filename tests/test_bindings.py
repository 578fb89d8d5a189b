"""Input as data: binding tables, the help and hint lines made from them, scenes using them."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
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
    CommandEvent,
    button_set,
    dispatch,
    hat_buttons,
    key_set,
)
from cartpole_game.game.input.tables import (
    GLOBAL,
    MENU,
    PAD_PUSH_HELP,
    PAD_PUSH_LABEL,
    PAUSE_OVERLAY,
    PLAY,
    REPLAY,
    SCENE_TABLES,
    TAKEOVER,
    TEACH,
    TRAIN,
    VERSUS,
    WATCH,
)
from cartpole_game.game.render.theme import Theme
from cartpole_game.game.scenes.menu import MenuScene
from cartpole_game.game.scenes.overlays import (
    HELP_BOX_WIDTH,
    HELP_KEYS_X,
    HELP_MEANING_X,
    HelpOverlay,
    PauseOverlay,
    help_box_height,
)
from cartpole_game.game.scenes.play import PlayScene
from cartpole_game.game.scenes.replay_scene import ReplayScene
from cartpole_game.game.scenes.takeover import TakeoverScene
from cartpole_game.game.scenes.teach import TeachScene
from cartpole_game.game.scenes.train_view import TrainViewScene
from cartpole_game.game.scenes.versus import VersusScene
from cartpole_game.game.scenes.watch import WatchScene
from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.replay import Replay

ALL_TABLES = (*SCENE_TABLES, GLOBAL)


def make_app(tmp_path: Path, mode: str, **kw) -> App:
    return App(RunConfig(mode=mode, headless=True, seed=0, data_dir=tmp_path, **kw))


def post_key(key: int, kind: int = pygame.KEYDOWN) -> None:
    pygame.event.post(pygame.event.Event(kind, key=key, mod=0, unicode="", scancode=0))


def labels(rows: tuple[tuple[str, str], ...]) -> list[str]:
    return [label for label, _ in rows]


def row_of(binding: Binding, rows: tuple[tuple[str, str], ...]) -> str:
    """The help row showing ``binding``'s keys: its label, with its pad's buttons after it."""
    joined = binding.label + ("  /  " + binding.pad if binding.pad and not binding.pad_help else "")
    assert joined in labels(rows), joined
    return joined


# -- the tables -------------------------------------------------------------------------------
@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.name)
def test_no_key_or_button_is_bound_to_two_commands(table: BindingTable) -> None:
    assert table.conflicts() == {} and table.button_conflicts() == {}
    keys = [key for binding in table.bindings for key in binding.keys]
    assert len(keys) == len(set(keys))
    buttons = [button for binding in table.bindings for button in binding.buttons]
    assert len(buttons) == len(set(buttons))


def test_a_table_with_a_clash_is_refused() -> None:
    with pytest.raises(ValueError, match="two commands"):
        BindingTable(
            "bad",
            (Binding("wind", key_set(pygame.K_w)), Binding("up", key_set(pygame.K_UP, pygame.K_w))),
        )
    with pytest.raises(ValueError, match="buttons bound to two commands"):
        BindingTable(
            "bad",
            (
                Binding("pause", buttons=button_set(PAD_START)),
                Binding("back", buttons=button_set(PAD_BACK, PAD_START)),
            ),
        )


@pytest.mark.parametrize("table", SCENE_TABLES, ids=lambda t: t.name)
def test_scenes_leave_the_global_keys_to_the_app(table: BindingTable) -> None:
    global_keys = {key for binding in GLOBAL.bindings for key in binding.keys}
    assert not global_keys & {key for binding in table.bindings for key in binding.keys}


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.name)
def test_help_rows_come_from_the_table_and_name_every_bound_key(table: BindingTable) -> None:
    rows = table.help_rows()
    shown = labels(rows)
    assert len(shown) == len(set(shown))  # one row per label
    pad_rows = {b.pad for b in table.bindings if b.pad and b.pad_help}
    key_rows = [label for label in shown if label not in pad_rows]
    assert key_rows == list(dict.fromkeys(row_of(b, rows) for b in table.bindings if b.label))
    for binding in table.bindings:
        if binding.keys:
            assert binding.help in dict(rows)[row_of(binding, rows)], binding.command
        if binding.buttons:  # every gamepad button is named in the help too
            assert binding.pad, binding.command
            if binding.pad_help:
                assert binding.pad_help in dict(rows)[binding.pad]
                # its own row comes right after the row of the keys
                assert shown.index(binding.pad) == shown.index(row_of(binding, rows)) + 1


def test_every_help_fits_the_help_overlay() -> None:
    pygame.font.init()
    fonts = Theme.create().fonts
    for table in SCENE_TABLES:
        rows = table.help_rows() + GLOBAL.help_rows()
        assert help_box_height(len(rows)) <= 720, table.name
        for keys, meaning in rows:
            assert fonts.render(keys, 19, (0, 0, 0), bold=True).get_width() < (
                HELP_MEANING_X - HELP_KEYS_X
            ), keys
            assert fonts.render(meaning, 18, (0, 0, 0)).get_width() <= (
                HELP_BOX_WIDTH - HELP_MEANING_X - HELP_KEYS_X
            ), meaning


def test_bindings_sharing_a_label_share_a_row() -> None:
    rows = dict(PLAY.help_rows())
    assert rows["← / →  or  A / D"] == "push the cart while held (no key: no force)"
    assert rows["P  /  W"] == "random poke  /  wind on or off"


def test_the_help_shows_the_gamepad_beside_the_keys() -> None:
    rows = dict(PLAY.help_rows())
    assert (
        rows[PAD_PUSH_LABEL] == PAD_PUSH_HELP == "push (the stick: in proportion on analog levels)"
    )
    assert rows["Space  /  Start"] == "pause / resume"
    assert rows["R  /  Y"] == "restart the episode"
    assert rows["Esc  /  Back"] == "back to the menu"
    assert dict(TAKEOVER.help_rows())["Tab  /  X"] == "hand control to the agent / take it back"
    assert dict(MENU.help_rows())["d-pad"] == "choose"
    assert dict(MENU.help_rows())["Enter  or  click  /  A"] == "open"
    assert dict(MENU.help_rows())["Esc"] == "quit"  # the pad never quits the game
    assert "N  /  A" in dict(VERSUS.help_rows())
    # The training view takes no pad: its help names none.
    assert all(not b.buttons and not b.pad for b in TRAIN.bindings)


def test_command_for_event_presses_on_keydown_and_releases_on_keyup() -> None:
    down = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_a)
    up = pygame.event.Event(pygame.KEYUP, key=pygame.K_LEFT)
    assert PLAY.command_for_event(down) == CommandEvent("push_left", pressed=True)
    assert PLAY.command_for_event(up) == CommandEvent("push_left", pressed=False)
    assert PLAY.command_for_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F12)) is None
    click = pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(0, 0))
    assert PLAY.command_for_event(click) is None


def test_gamepad_buttons_press_and_release_by_number() -> None:
    def button(kind: int, number: int) -> pygame.event.Event:
        return pygame.event.Event(kind, button=number, instance_id=0, joy=0)

    down, up = pygame.JOYBUTTONDOWN, pygame.JOYBUTTONUP
    assert PLAY.command_for_event(button(down, PAD_LB)) == CommandEvent("push_left", True)
    assert PLAY.command_for_event(button(up, PAD_LB)) == CommandEvent("push_left", False)
    assert PLAY.command_for_event(button(down, PAD_RB)) == CommandEvent("push_right", True)
    assert PLAY.command_for_event(button(down, PAD_START)) == CommandEvent("pause", True)
    assert PLAY.command_for_event(button(down, PAD_Y)) == CommandEvent("restart", True)
    assert PLAY.command_for_event(button(down, PAD_BACK)) == CommandEvent("back", True)
    assert TAKEOVER.command_for_event(button(down, PAD_X)) == CommandEvent("swap_driver", True)
    assert PLAY.command_for_event(button(down, PAD_X)) is None
    assert MENU.command_for_event(button(down, PAD_A)) == CommandEvent("confirm", True)
    assert MENU.command_for_event(button(down, PAD_BACK)) is None
    assert PAUSE_OVERLAY.command_for_event(button(down, PAD_START)) == CommandEvent("resume", True)
    assert TRAIN.command_for_event(button(down, PAD_START)) is None
    # A pad's button numbers never mean keys with the same number, and a strange event is nothing.
    assert PLAY.command_for_event(button(down, pygame.K_a)) is None
    assert PLAY.command_for_event(pygame.event.Event(pygame.JOYBUTTONDOWN)) is None


def hat(value: object, previous: object = None) -> pygame.event.Event:
    extra = {} if previous is None else {"previous_value": previous}
    return pygame.event.Event(pygame.JOYHATMOTION, instance_id=0, hat=0, value=value, **extra)


def test_hat_directions() -> None:
    assert hat_buttons((0, 0)) == frozenset()
    assert hat_buttons((-1, 0)) == {HAT_LEFT} and hat_buttons((1, 0)) == {HAT_RIGHT}
    assert hat_buttons((0, 1)) == {HAT_UP} and hat_buttons((0, -1)) == {HAT_DOWN}
    assert hat_buttons((1, 1)) == {HAT_RIGHT, HAT_UP}
    assert hat_buttons(None) == hat_buttons("x") == hat_buttons((1, 2, 3)) == frozenset()


def test_the_d_pad_presses_what_it_reaches_and_releases_what_it_left() -> None:
    # Where it was is known (the gamepad module adds it): exactly the changes.
    assert PLAY.command_events(hat((-1, 0), (0, 0))) == (CommandEvent("push_left", True),)
    assert PLAY.command_events(hat((1, 0), (-1, 0))) == (
        CommandEvent("push_left", False),
        CommandEvent("push_right", True),
    )
    assert PLAY.command_events(hat((0, 0), (1, 0))) == (CommandEvent("push_right", False),)
    assert PLAY.command_events(hat((1, 1), (1, 0))) == ()  # up means nothing in play
    assert MENU.command_events(hat((0, 1), (0, 0))) == (CommandEvent("up", True),)
    assert MENU.command_events(hat((1, 1), (0, 1))) == ()  # still up: no second move
    assert MENU.command_events(hat((0, -1), (0, 1))) == (
        CommandEvent("up", False),
        CommandEvent("down", True),
    )
    # Unknown: every direction not held now is let go, so a centred d-pad releases all.
    assert PLAY.command_events(hat((0, 0))) == (
        CommandEvent("push_left", False),
        CommandEvent("push_right", False),
    )
    assert PLAY.command_events(hat((1, 0))) == (
        CommandEvent("push_left", False),
        CommandEvent("push_right", True),
    )
    assert PLAY.command_events(hat("nonsense")) == (
        CommandEvent("push_left", False),
        CommandEvent("push_right", False),
    )


def test_dispatch_runs_every_command_a_d_pad_move_triggers() -> None:
    ran: list[str] = []
    on_press = {
        "push_left": lambda: ran.append("+left"),
        "push_right": lambda: ran.append("+right"),
    }
    on_release = {"push_left": lambda: ran.append("-left")}
    assert dispatch(PLAY, hat((1, 0), (-1, 0)), on_press, on_release)
    assert ran == ["-left", "+right"]
    assert not dispatch(PLAY, hat((0, 1), (0, 0)), on_press, on_release)


def test_keys_keep_their_meaning() -> None:
    for key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
        assert PLAY.command_for_key(key) == "faster" and TRAIN.command_for_key(key) == "faster"
    for key in (pygame.K_MINUS, pygame.K_UNDERSCORE, pygame.K_KP_MINUS):
        assert PLAY.command_for_key(key) == "slower" and VERSUS.command_for_key(key) == "slower"
    for key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
        assert MENU.command_for_key(key) == "confirm"
    for table in SCENE_TABLES:
        assert table.command_for_key(pygame.K_h) == table.command_for_key(pygame.K_F1) == "help"
        assert table.command_for_key(pygame.K_ESCAPE) == "back"
    assert TAKEOVER.command_for_key(pygame.K_TAB) == "swap_driver"
    assert PLAY.command_for_key(pygame.K_TAB) is None and WATCH.command_for_key(pygame.K_g) is None
    assert VERSUS.command_for_key(pygame.K_n) == "next_round"
    assert [TRAIN.command_for_key(k) for k in (pygame.K_s, pygame.K_c, pygame.K_t, pygame.K_y)] == [
        "save",
        "once_solved",
        "try_takeover",
        "try_versus",
    ]
    assert GLOBAL.command_for_key(pygame.K_v) == "record_gif"


def test_w_means_wind_in_the_arenas_and_nothing_in_the_menu() -> None:
    for table in (PLAY, WATCH, TAKEOVER, VERSUS):
        assert table.command_for_key(pygame.K_w) == "wind"
    assert MENU.command_for_key(pygame.K_w) is None and MENU.command_for_key(pygame.K_s) is None
    assert (
        MENU.command_for_key(pygame.K_UP) == "up" and MENU.command_for_key(pygame.K_DOWN) == "down"
    )


@pytest.mark.parametrize(
    ("table", "commands", "expected"),
    [
        (
            WATCH,
            ("drag_poke", "poke", "wind"),
            "click or drag the pole to poke it  ·  P poke  ·  W wind",
        ),
        (
            TAKEOVER,
            ("swap_driver", "hint", "poke", "wind"),
            "Tab hands over the cart  ·  G hints  ·  P poke  ·  W wind",
        ),
        (
            MENU,
            ("up", "down", "confirm", "help", "back"),
            "↑/↓ choose  ·  Enter open  ·  H help  ·  Esc quit",
        ),
        (
            PAUSE_OVERLAY,
            ("resume", "help", "back"),
            "Space/Start to resume  ·  H for help  ·  Esc/Back for the menu",
        ),
    ],
    ids=lambda v: v.name if isinstance(v, BindingTable) else "",
)
def test_status_lines_are_generated_from_the_bindings(
    table: BindingTable, commands: tuple[str, ...], expected: str
) -> None:
    line = table.status_line(commands)
    assert line == expected
    for command in commands:
        binding = table.binding(command)
        assert (binding.short or binding.label) in line


def test_the_training_footer_lists_every_command() -> None:
    line = TRAIN.status_line(TRAIN.commands, separator=" · ")
    assert line == (
        "Space pause · +/− pace · Tab view · S save · C once solved · T takeover · Y versus · "
        "H help · Esc stop"
    )


def test_a_status_line_refuses_an_unknown_command() -> None:
    with pytest.raises(KeyError):
        WATCH.status_line(("hint",))


@pytest.mark.parametrize(
    ("scene", "table"),
    [
        (PlayScene, PLAY),
        (WatchScene, WATCH),
        (TakeoverScene, TAKEOVER),
        (TeachScene, TEACH),
        (ReplayScene, REPLAY),
        (VersusScene, VERSUS),
        (MenuScene, MENU),
        (TrainViewScene, TRAIN),
        (PauseOverlay, PAUSE_OVERLAY),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_every_scene_has_its_table(scene: type, table: BindingTable) -> None:
    assert scene.bindings is table


# -- scenes using their tables ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mode", "extra", "table"),
    [
        ("play", {}, PLAY),
        ("watch", {"agent": "dqn"}, WATCH),
        ("takeover", {"agent": "dqn"}, TAKEOVER),
        ("teach", {"student": "untrained"}, TEACH),
        ("versus", {"left": "human", "right": "dqn"}, VERSUS),
    ],
)
def test_every_bound_command_has_a_handler(
    tmp_path: Path, mode: str, extra: dict, table: BindingTable
) -> None:
    app = make_app(tmp_path, mode, **extra)
    try:
        scene = app.ctx.stack.top
        handled = set(scene.press_handlers())
        assert {b.command for b in table.bindings if b.keys or b.buttons} <= handled
    finally:
        app.close()


def test_help_lists_the_scene_keys_then_the_global_keys(tmp_path: Path) -> None:
    app = make_app(tmp_path, "play")
    try:
        post_key(pygame.K_h)
        app.frame()
        top = app.ctx.stack.top
        assert isinstance(top, HelpOverlay)
        assert top.rows == PLAY.help_rows() + GLOBAL.help_rows()
    finally:
        app.close()


def test_the_menu_help_leaves_out_recording(tmp_path: Path) -> None:
    app = make_app(tmp_path, "menu")
    try:
        post_key(pygame.K_F1)
        app.frame()
        top = app.ctx.stack.top
        assert isinstance(top, HelpOverlay)
        assert top.rows == MENU.help_rows() + GLOBAL.without("record_gif").help_rows()
        assert "V" not in labels(top.rows)
    finally:
        app.close()


@pytest.mark.parametrize(
    ("mode", "extra", "table"),
    [
        ("watch", {"agent": "dqn"}, WATCH),
        ("versus", {"left": "human", "right": "dqn"}, VERSUS),
    ],
)
def test_help_from_the_pause_overlay_is_the_paused_scene_help(
    tmp_path: Path, mode: str, extra: dict, table: BindingTable
) -> None:
    app = make_app(tmp_path, mode, **extra)
    try:
        post_key(pygame.K_SPACE)
        app.frame()
        assert isinstance(app.ctx.stack.top, PauseOverlay)
        post_key(pygame.K_h)
        app.frame()
        top = app.ctx.stack.top
        assert isinstance(top, HelpOverlay)
        assert top.rows[: len(table.help_rows())] == table.help_rows()
        assert top.rows != PLAY.help_rows() + GLOBAL.help_rows()
        post_key(pygame.K_a)  # any key closes the help, back to the pause overlay
        app.frame()
        assert isinstance(app.ctx.stack.top, PauseOverlay)
    finally:
        app.close()


def test_help_from_the_pause_overlay_over_a_replay(tmp_path: Path) -> None:
    app = make_app(tmp_path, "play")
    try:
        for _ in range(20):
            app.frame()
        replay = Replay.from_arena(app.ctx.stack.top.arena, "play", 1.0)
        app.ctx.stack.replace_all(ReplayScene(app.ctx, replay))
        post_key(pygame.K_SPACE)
        post_key(pygame.K_h)
        app.frame()
        top = app.ctx.stack.top
        assert isinstance(top, HelpOverlay)
        assert top.rows[: len(REPLAY.help_rows())] == REPLAY.help_rows()
    finally:
        app.close()


def test_w_and_s_do_not_move_the_menu_selection(tmp_path: Path) -> None:
    app = make_app(tmp_path, "menu")
    try:
        menu = app.ctx.stack.top
        assert isinstance(menu, MenuScene) and menu.selected == 0
        post_key(pygame.K_w)
        post_key(pygame.K_s)
        app.frame()
        assert menu.selected == 0 and app.ctx.stack.top is menu
        post_key(pygame.K_DOWN)
        app.frame()
        assert menu.selected == 1
        post_key(pygame.K_UP)
        post_key(pygame.K_UP)
        app.frame()
        assert menu.selected == len(menu.entries) - 1  # wraps around
    finally:
        app.close()


def test_two_humans_in_versus_split_the_keyboard(tmp_path: Path) -> None:
    app = make_app(tmp_path, "versus", left="human", right="human")
    try:
        scene = app.ctx.stack.top
        left, right = scene.humans
        post_key(pygame.K_d)
        post_key(pygame.K_LEFT)
        app.frame()
        assert left.held == PUSH_RIGHT and right.held == PUSH_LEFT
        post_key(pygame.K_d, pygame.KEYUP)
        post_key(pygame.K_a)
        post_key(pygame.K_LEFT, pygame.KEYUP)
        app.frame()
        assert left.held == PUSH_LEFT and right.held == NO_PUSH
    finally:
        app.close()


def test_one_human_in_versus_pushes_with_either_pair(tmp_path: Path) -> None:
    app = make_app(tmp_path, "versus", left="human", right="dqn")
    try:
        (human,) = app.ctx.stack.top.humans
        post_key(pygame.K_a)
        app.frame()
        assert human.held == PUSH_LEFT
        post_key(pygame.K_RIGHT)
        app.frame()
        assert human.held == PUSH_RIGHT
        post_key(pygame.K_RIGHT, pygame.KEYUP)
        post_key(pygame.K_a, pygame.KEYUP)
        app.frame()
        assert human.held == NO_PUSH
    finally:
        app.close()


def test_replay_keys_that_would_change_it_only_say_so(tmp_path: Path) -> None:
    app = make_app(tmp_path, "play")
    try:
        for _ in range(20):
            app.frame()
        replay = Replay.from_arena(app.ctx.stack.top.arena, "play", 1.0)
        scene = ReplayScene(app.ctx, replay)
        app.ctx.stack.replace_all(scene)
        for key in (pygame.K_p, pygame.K_w, pygame.K_g):
            post_key(key)
        app.frame()
        assert not scene.arena.log.pokes and not scene.disturbances.wind_on
        assert any("play back exactly" in toast.text for toast in app.ctx.toasts)
    finally:
        app.close()
