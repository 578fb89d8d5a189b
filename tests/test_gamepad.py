"""Gamepads, with synthetic joystick events: the d-pad and buttons push, the stick pushes in
proportion on analog levels, plugging a pad in or out mid-run pauses and lets go, and replays
with analog pushes re-simulate bit for bit. Headless; no real pad is needed (or used)."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pygame
import pytest

from cartpole_game.core.errors import FileFormatError
from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.input.bindings import HAT_LEFT, PAD_A, PAD_BACK, PAD_LB, PAD_RB, PAD_START
from cartpole_game.game.input.gamepad import (
    DEAD_ZONE,
    DEVICE_EVENTS,
    Gamepads,
    dead_zone,
    move_stick,
    stick_fraction,
)
from cartpole_game.game.scenes.menu import MenuScene
from cartpole_game.game.scenes.overlays import PauseOverlay
from cartpole_game.game.scenes.play import PlayScene
from cartpole_game.game.scenes.versus import VersusScene
from cartpole_game.sim import physics
from cartpole_game.sim.actions import NO_PUSH, PUSH_LEFT, PUSH_RIGHT
from cartpole_game.sim.arena import Arena
from cartpole_game.sim.controllers import (
    STICK_PUSH_THRESHOLD,
    ConstantController,
    HumanController,
    ProportionalController,
    push_fraction,
)
from cartpole_game.sim.disturbances import Disturbances
from cartpole_game.sim.env import CartPoleEnv
from cartpole_game.sim.levels import LEVELS
from cartpole_game.sim.replay import FORMAT_VERSION, Replay, load_replay, play_back

ANALOG_LEVEL = next(level for level in LEVELS if level.analog)
DIGITAL_LEVEL = LEVELS[-1]  # CartPole-v1 itself: no analog pushes
HALF_STICK = DEAD_ZONE + 0.5 * (1 - DEAD_ZONE)  # the axis position that asks for half the force
UNKNOWN_PAD = 4242  # an instance id no device has


# -- synthetic events ---------------------------------------------------------------------------
def hat_event(value: tuple[int, int], pad: int = 0) -> pygame.event.Event:
    return pygame.event.Event(pygame.JOYHATMOTION, instance_id=pad, joy=pad, hat=0, value=value)


def button_event(button: int, down: bool = True, pad: int = 0) -> pygame.event.Event:
    kind = pygame.JOYBUTTONDOWN if down else pygame.JOYBUTTONUP
    return pygame.event.Event(kind, instance_id=pad, joy=pad, button=button)


def axis_event(value: float, axis: int = 0, pad: int = 0) -> pygame.event.Event:
    return pygame.event.Event(
        pygame.JOYAXISMOTION, instance_id=pad, joy=pad, axis=axis, value=value
    )


def added_event(device_index: int = 7) -> pygame.event.Event:
    return pygame.event.Event(pygame.JOYDEVICEADDED, device_index=device_index)


def removed_event(instance_id: int = UNKNOWN_PAD) -> pygame.event.Event:
    return pygame.event.Event(pygame.JOYDEVICEREMOVED, instance_id=instance_id)


def post(*events: pygame.event.Event) -> None:
    for event in events:
        pygame.event.post(event)


def make_app(tmp_path: Path, mode: str = "play", **kw) -> App:
    return App(RunConfig(mode=mode, headless=True, seed=0, data_dir=tmp_path, **kw))


def frames(app: App, n: int) -> None:
    for _ in range(n):
        app.frame()


def play_scene(app: App) -> PlayScene:
    scene = next(s for s in app.ctx.stack.scenes if isinstance(s, PlayScene))
    return scene


def toasts(app: App) -> list[str]:
    return [toast.text for toast in app.ctx.toasts]


def physics_step(state: np.ndarray, force: float, params: physics.CartPoleParams) -> bytes:
    return np.array(physics.step(state, force, params), dtype=np.float64).tobytes()


# -- the dead zone and the stick ----------------------------------------------------------------
def test_the_dead_zone_starts_the_stick_at_zero() -> None:
    assert dead_zone(0.0) == dead_zone(DEAD_ZONE) == dead_zone(-DEAD_ZONE) == 0.0
    assert dead_zone(0.1) == dead_zone(-0.1) == 0.0  # a resting stick's drift pushes nothing
    assert 0.0 < dead_zone(DEAD_ZONE + 0.01) < 0.02  # from 0 at the edge, no jump
    assert dead_zone(HALF_STICK) == 0.5 and dead_zone(-HALF_STICK) == -0.5
    assert dead_zone(1.0) == 1.0 and dead_zone(-1.0) == -1.0
    assert dead_zone(1.7) == 1.0 and dead_zone(-40) == -1.0  # clamped
    for bad in (math.nan, math.inf, "x", None):
        assert dead_zone(bad) == 0.0  # type: ignore[arg-type]
    assert math.copysign(1.0, dead_zone(-DEAD_ZONE - 1e-6)) == 1.0  # never -0.0


def test_only_the_left_stick_x_axis_pushes() -> None:
    assert stick_fraction(axis_event(1.0)) == 1.0
    assert stick_fraction(axis_event(1.0, axis=1)) is None  # up/down
    assert stick_fraction(axis_event(1.0, axis=3)) is None  # the right stick
    assert stick_fraction(hat_event((1, 0))) is None
    human = HumanController()
    assert not move_stick(human, axis_event(1.0, axis=1), analog=True)
    assert human.stick == 0.0


def test_a_human_stick_pushes_in_proportion_only_where_allowed() -> None:
    obs = np.zeros(4, dtype=np.float32)
    analog = HumanController(analog=True)
    analog.set_analog(-0.25)
    assert analog.held == PUSH_LEFT and analog.pushing
    assert analog.act(obs) == PUSH_LEFT and analog.force_fraction() == -0.25
    analog.set_analog(1.0)  # a full stick is a full push
    assert analog.act(obs) == PUSH_RIGHT and analog.force_fraction() is None
    analog.press(PUSH_LEFT)  # a key or button held wins, at full force
    assert analog.act(obs) == PUSH_LEFT and analog.force_fraction() is None
    analog.release_all()  # and letting go of everything centres the stick too
    assert analog.stick == 0.0 and analog.act(obs) == NO_PUSH and not analog.pushing

    digital = HumanController()  # a level without analog pushes: the stick is a d-pad
    digital.set_analog(STICK_PUSH_THRESHOLD - 0.01)
    assert digital.held == NO_PUSH and digital.act(obs) == NO_PUSH
    digital.set_analog(-STICK_PUSH_THRESHOLD)
    assert digital.act(obs) == PUSH_LEFT and digital.force_fraction() is None
    digital.set_analog(math.nan)
    assert digital.stick == 0.0


# -- the sim: the arena applies and records the fraction ----------------------------------------
class Fraction:
    """A controller pushing with a fixed action and fraction (for the arena's checks)."""

    name = "fraction"

    def __init__(self, action: int, fraction: float | None) -> None:
        self.action, self.fraction = action, fraction

    def act(self, observation: np.ndarray) -> int:
        return self.action

    def force_fraction(self) -> float | None:
        return self.fraction

    def reset(self) -> None:
        pass


def test_push_fraction_checks_the_controller() -> None:
    assert isinstance(Fraction(PUSH_LEFT, -0.5), ProportionalController)
    assert push_fraction(ConstantController(PUSH_LEFT), PUSH_LEFT) is None
    assert push_fraction(Fraction(PUSH_LEFT, -0.5), PUSH_LEFT) == -0.5
    assert push_fraction(Fraction(PUSH_RIGHT, 1.0), PUSH_RIGHT) is None  # full force
    for action, fraction in (
        (PUSH_LEFT, 0.5),  # against its action
        (NO_PUSH, 0.5),
        (PUSH_RIGHT, 0.0),
        (PUSH_RIGHT, 1.5),
        (PUSH_RIGHT, math.nan),
    ):
        with pytest.raises(ValueError, match="does not fit"):
            push_fraction(Fraction(action, fraction), action)


def test_the_arena_pushes_with_the_fraction_and_logs_it() -> None:
    arena = Arena(Fraction(PUSH_RIGHT, 0.5), seed=3)
    before = arena.state.copy()
    record = arena.step()
    assert record is not None and record.action == PUSH_RIGHT and record.force == 5.0
    assert arena.state.tobytes() == physics_step(before, 5.0, physics.CARTPOLE_V1)
    assert arena.log.actions == [PUSH_RIGHT] and arena.log.analog == [(0, 0.5)]
    # The environment forgets the fraction after its step: agents' steps stay full force.
    arena.env.step(PUSH_RIGHT)
    assert arena.env.last_force == 10.0


def test_without_a_fraction_the_arena_is_cartpole_v1_bit_for_bit() -> None:
    human = HumanController(analog=True)  # allowed, but nobody touches the stick
    arena = Arena(human, seed=9)
    env = CartPoleEnv()
    env.reset(seed=9)
    step = 0
    while not arena.done:
        action = PUSH_LEFT if step % 2 else PUSH_RIGHT
        human.press(action)
        arena.step()
        human.release(action)
        obs, *_ = env.step(action)
        assert arena.observation.tobytes() == obs.tobytes()
        step += 1
    assert step > 20 and arena.log.analog == []


# -- replays keep the analog pushes -------------------------------------------------------------
def analog_episode(seed: int = 5) -> tuple[Arena, Replay]:
    """A human on an analog level: the stick all over the place, keys now and then, pokes, wind."""
    human = HumanController(analog=True)
    arena = Arena(human, seed=seed)
    rng = np.random.default_rng(seed)
    wind = Disturbances(seed)
    wind.toggle_wind()
    while not arena.done:
        step = len(arena.log.actions)
        human.set_analog(dead_zone(float(rng.uniform(-1, 1))))
        if step % 9 == 4:
            human.press(PUSH_LEFT)
        elif step % 9 == 6:
            human.release(PUSH_LEFT)
        if step % 11 == 3:
            arena.poke(0.04)
        arena.step(wind.next_wind())
    return arena, Replay.from_arena(arena, "play", 1.0)


def test_replay_with_analog_re_simulates_exactly(tmp_path: Path) -> None:
    for seed in range(4):
        arena, replay = analog_episode(seed)
        assert len(replay.analog) > 3 and replay.pokes and replay.wind
        pushes = sum(1 for action in replay.actions if action != NO_PUSH)
        assert len(replay.analog) < pushes  # full pushes (keys) too, which need no entry
        path = tmp_path / f"analog{seed}.json"
        replay.save(path)
        assert json.loads(path.read_text())["format_version"] == FORMAT_VERSION
        loaded = load_replay(path)
        assert loaded == replay
        assert play_back(loaded).tobytes() == arena.state.tobytes()
        # Without its analog pushes the same file would end elsewhere: they are really used.
        assert play_back(dataclasses.replace(loaded, analog=())).tobytes() != arena.state.tobytes()


def payload() -> dict:
    _, replay = analog_episode(1)
    return json.loads(replay.to_json())


def first_push(data: dict, action: str) -> int:
    return data["actions"].index(action)


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d.update(analog={}), "'analog' must be a list"),
        (lambda d: d.update(analog=[[0]]), "[step, fraction]"),
        (lambda d: d.update(analog=[[0.5, 0.5]]), "'analog step' must be a whole number"),
        (lambda d: d.update(analog=[[True, 0.5]]), "'analog step' must be a whole number"),
        (lambda d: d.update(analog=[[-1, 0.5]]), "'analog step' out of range"),
        (lambda d: d.update(analog=[[len(d["actions"]), 0.5]]), "'analog step' out of range"),
        (lambda d: d.update(analog=[[first_push(d, "1"), "0.5"]]), "'analog' must be a number"),
        (lambda d: d.update(analog=[[first_push(d, "1"), 1.5]]), "out of range"),
        (lambda d: d.update(analog=[[first_push(d, "1"), -0.5]]), "does not push the way"),
        (lambda d: d.update(analog=[[first_push(d, "1"), 0]]), "does not push the way"),
        (lambda d: d.update(analog=d["analog"][:2][::-1]), "must increase"),
        (lambda d: d.update(analog=[d["analog"][0], d["analog"][0]]), "must increase"),
    ],
)
def test_malformed_analog_pushes_are_refused(tmp_path: Path, mutate, problem: str) -> None:
    data = payload()
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(FileFormatError) as info:
        load_replay(path)
    assert problem in str(info.value) and str(path) in str(info.value)


def test_a_not_finite_fraction_is_refused(tmp_path: Path) -> None:
    data = payload()
    text = json.dumps(data).replace('"analog": [[', '"analog": [[0, NaN], [', 1)
    path = tmp_path / "nan.json"
    path.write_text(text)
    with pytest.raises(FileFormatError, match="must be finite"):
        load_replay(path)


def test_version_1_replays_still_load_with_no_analog_pushes(tmp_path: Path) -> None:
    arena = Arena(ConstantController(PUSH_LEFT, "human"), seed=2)
    while not arena.done:
        arena.step()
    data = json.loads(Replay.from_arena(arena, "play", 1.0).to_json())
    data["format_version"] = 1
    del data["analog"]
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(data))
    loaded = load_replay(path)
    assert loaded.analog == ()
    assert play_back(loaded).tobytes() == arena.state.tobytes()


# -- the gamepad module: devices come and go, never crashing -----------------------------------
def test_devices_that_do_not_exist_never_crash() -> None:
    notes: list[str] = []
    pads = Gamepads(notes.append)
    try:
        for event in (
            added_event(7),
            added_event(-1),
            pygame.event.Event(pygame.JOYDEVICEADDED),  # no index at all
            pygame.event.Event(pygame.JOYDEVICEADDED, device_index="zero"),
            removed_event(UNKNOWN_PAD),
            pygame.event.Event(pygame.JOYDEVICEREMOVED),
        ):
            assert pads.translate(event) is event  # passed on: scenes pause on it
        assert notes == ["Gamepad connected"] * 4 + ["Gamepad disconnected"] * 2
        assert pads.devices == {}
    finally:
        pads.close()


def test_no_joystick_support_never_crashes(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise pygame.error("no joystick support here")

    pygame.joystick.quit()
    try:
        monkeypatch.setattr(pygame.joystick, "init", broken)
        notes: list[str] = []
        pads = Gamepads(notes.append)
        assert not pads.available
        pads.translate(added_event(0))
        pads.translate(removed_event(0))
        assert notes == ["Gamepad connected", "Gamepad disconnected"]
        pads.close()
    finally:
        monkeypatch.undo()
        pygame.joystick.init()


def test_the_d_pad_remembers_where_it_was_per_pad() -> None:
    pads = Gamepads()
    try:
        first = pads.translate(hat_event((-1, 0), pad=1))
        assert first.previous_value == (0, 0)
        assert pads.translate(hat_event((-1, 0), pad=2)).previous_value == (0, 0)
        assert pads.translate(hat_event((0, 0), pad=1)).previous_value == (-1, 0)
        pads.translate(hat_event((1, 0), pad=1))
        pads.translate(removed_event(1))  # pulled out: its d-pad is forgotten
        assert pads.translate(hat_event((1, 0), pad=1)).previous_value == (0, 0)
        assert pads.translate(hat_event((0, 0), pad=2)).previous_value == (-1, 0)
        assert pads.translate(axis_event(0.5)).type == pygame.JOYAXISMOTION
    finally:
        pads.close()


# -- the game: pads push the cart ---------------------------------------------------------------
def test_the_d_pad_pushes_the_cart(tmp_path: Path) -> None:
    app = make_app(tmp_path, level=DIGITAL_LEVEL.number)
    try:
        scene = play_scene(app)
        x0 = float(scene.arena.state[0])
        post(hat_event((-1, 0)))
        frames(app, 6)
        assert scene.arena.score > 0  # the first push started the run
        assert scene.arena.env.last_force == -10.0 and scene.arena.state[1] < 0
        assert float(scene.arena.state[0]) < x0
        post(hat_event((1, 0)))  # rolled over to the right: left let go, right pressed
        frames(app, 4)
        assert scene.human.held == PUSH_RIGHT and scene.arena.env.last_force == 10.0
        post(hat_event((0, 0)))  # centred: lets go of what it pressed
        frames(app, 3)
        assert scene.human.held == NO_PUSH and not scene.human.pushing
        assert scene.arena.env.last_force == 0.0 and scene.arena.last_action == NO_PUSH
        assert scene.arena.log.analog == []
    finally:
        app.close()


def test_a_d_pad_release_keeps_a_key_held_on_the_keyboard(tmp_path: Path) -> None:
    app = make_app(tmp_path, level=DIGITAL_LEVEL.number)
    try:
        scene = play_scene(app)
        post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RIGHT, mod=0, unicode="", scancode=0))
        post(hat_event((0, 1)), hat_event((0, 0)))  # up and back: it pressed nothing
        frames(app, 4)
        assert scene.human.held == PUSH_RIGHT and scene.arena.env.last_force == 10.0
    finally:
        app.close()


def test_shoulder_buttons_push(tmp_path: Path) -> None:
    app = make_app(tmp_path, level=DIGITAL_LEVEL.number)
    try:
        scene = play_scene(app)
        post(button_event(PAD_LB))
        frames(app, 5)
        assert scene.arena.env.last_force == -10.0 and scene.arena.state[1] < 0
        post(button_event(PAD_LB, down=False), button_event(PAD_RB))
        frames(app, 4)
        assert scene.arena.env.last_force == 10.0
        post(button_event(PAD_RB, down=False))
        frames(app, 3)
        assert scene.arena.env.last_force == 0.0 and scene.human.held == NO_PUSH
        assert not scene.arena.done
    finally:
        app.close()


def test_half_a_stick_gives_half_the_force_on_an_analog_level(tmp_path: Path) -> None:
    app = make_app(tmp_path, level=ANALOG_LEVEL.number)
    try:
        scene = play_scene(app)
        assert scene.level.analog
        post(axis_event(-HALF_STICK))
        frames(app, 12)
        arena = scene.arena
        half = 0.5 * arena.params.force_mag
        assert arena.score > 0 and arena.last_action == PUSH_LEFT
        assert arena.env.last_force == -half
        # the step is the physics with exactly half the force
        assert arena.state.tobytes() == physics_step(arena.previous_state, -half, arena.params)
        assert arena.log.analog == [(k, -0.5) for k in range(arena.score)]
        post(axis_event(-1.0))  # all the way: the full force, as a key
        frames(app, 3)
        assert arena.env.last_force == -arena.params.force_mag
        steps = arena.score
        post(axis_event(0.05))  # back to rest, within the dead zone: no push
        frames(app, 3)
        assert arena.env.last_force == 0.0 and arena.last_action == NO_PUSH
        assert len(arena.log.analog) < steps
        # what was played replays exactly
        replay = Replay.from_arena(arena, "play", app.ctx.time_scale)
        assert replay.analog and load_replay_roundtrip(replay, tmp_path) == replay
        assert play_back(replay).tobytes() == arena.state.tobytes()
    finally:
        app.close()


def load_replay_roundtrip(replay: Replay, tmp_path: Path) -> Replay:
    path = tmp_path / "roundtrip.json"
    replay.save(path)
    return load_replay(path)


def test_the_stick_is_a_d_pad_on_a_level_without_analog(tmp_path: Path) -> None:
    app = make_app(tmp_path, level=DIGITAL_LEVEL.number)
    try:
        scene = play_scene(app)
        assert not scene.level.analog
        post(axis_event(-0.4))  # past the dead zone, short of half-way: nothing
        frames(app, 5)
        assert scene.arena.score == 0 and scene.human.held == NO_PUSH
        post(axis_event(-0.9))  # past half-way: a full push
        frames(app, 5)
        assert scene.arena.score > 0 and scene.arena.env.last_force == -10.0
        post(axis_event(-0.4))
        frames(app, 3)
        assert scene.arena.env.last_force == 0.0 and not scene.arena.done
        assert scene.arena.log.analog == []  # full pushes only: nothing to record
    finally:
        app.close()


# -- the game: menus and overlays -------------------------------------------------------------


def test_the_menu_follows_the_d_pad_and_a_opens(tmp_path: Path) -> None:
    app = make_app(tmp_path, "menu")
    try:
        menu = app.ctx.stack.top
        assert isinstance(menu, MenuScene) and menu.selected == 0
        for value in ((0, -1), (0, 0), (0, -1), (0, 0), (0, 1), (0, 0)):  # down, down, up
            post(hat_event(value))
        app.frame()
        assert menu.selected == 1
        post(hat_event((0, -1)))
        post(hat_event((1, -1)))  # still down, now right too: no second step
        app.frame()
        assert menu.selected == 2
        post(button_event(PAD_BACK))  # never quits from the menu
        app.frame()
        assert not app.ctx.quit_requested and app.ctx.stack.top is menu
        menu.selected = 0
        post(button_event(PAD_A))
        app.frame()
        assert isinstance(app.ctx.stack.top, PlayScene)
    finally:
        app.close()


def test_start_pauses_and_resumes_and_back_leaves(tmp_path: Path) -> None:
    app = make_app(tmp_path, "watch", agent="dqn")
    try:
        scene = app.ctx.stack.top
        post(button_event(PAD_START))
        app.frame()
        assert isinstance(app.ctx.stack.top, PauseOverlay)
        post(button_event(PAD_START, down=False))
        post(button_event(PAD_START))
        app.frame()
        assert app.ctx.stack.top is scene
        post(button_event(PAD_BACK))
        app.frame()
        assert isinstance(app.ctx.stack.top, MenuScene)
    finally:
        app.close()


# -- the game: plugging in and out --------------------------------------------------------------
def test_gamepad_connect_and_disconnect_mid_run(tmp_path: Path) -> None:
    app = make_app(tmp_path, level=DIGITAL_LEVEL.number)
    try:
        scene = play_scene(app)
        post(added_event(0))  # before the run starts (as SDL says at start-up): no pause
        frames(app, 2)
        assert app.ctx.stack.top is scene and "Gamepad connected" in toasts(app)

        post(hat_event((-1, 0)))
        frames(app, 6)
        assert scene.arena.score > 0 and scene.human.held == PUSH_LEFT
        app.ctx.toasts.clear()
        post(added_event(7))  # a second pad plugged in mid-run (it vanished: no such device)
        frames(app, 1)
        assert isinstance(app.ctx.stack.top, PauseOverlay) and "Gamepad connected" in toasts(app)
        assert scene.human.held == NO_PUSH and not scene.human.pushing
        frozen = scene.arena.state.copy()
        frames(app, 10)
        assert scene.arena.state.tobytes() == frozen.tobytes()
        post(button_event(PAD_START))  # Start resumes
        frames(app, 1)
        assert app.ctx.stack.top is scene

        post(hat_event((0, 0)), button_event(PAD_RB), axis_event(0.8))
        frames(app, 4)
        assert scene.human.held == PUSH_RIGHT and scene.arena.env.last_force == 10.0
        score = scene.arena.score
        post(removed_event(UNKNOWN_PAD))  # pulled out with RB and the stick held
        frames(app, 1)
        assert isinstance(app.ctx.stack.top, PauseOverlay)
        assert "Gamepad disconnected" in toasts(app)
        assert scene.human.held == NO_PUSH and scene.human.stick == 0.0
        post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE, mod=0, unicode="", scancode=0))
        frames(app, 6)
        assert app.ctx.stack.top is scene and scene.arena.score > score
        assert scene.arena.env.last_force == 0.0  # nothing stayed held
    finally:
        app.close()


def test_plugging_in_or_out_outside_a_run_does_not_pause(tmp_path: Path) -> None:
    app = make_app(tmp_path, "watch", agent="dqn")
    try:
        scene = app.ctx.stack.top
        post(added_event(3), removed_event(3))
        frames(app, 3)
        assert app.ctx.stack.top is scene  # an agent's run: nobody's pad to wait for
    finally:
        app.close()


def test_versus_pauses_and_lets_go_when_a_pad_goes(tmp_path: Path) -> None:
    app = make_app(tmp_path, "versus", left="human", right="dqn")
    try:
        scene = app.ctx.stack.top
        assert isinstance(scene, VersusScene)
        (human,) = scene.humans
        post(hat_event((1, 0)))
        frames(app, 5)
        assert human.held == PUSH_RIGHT and scene.match.left.score > 0
        post(axis_event(-0.9))
        post(removed_event())
        frames(app, 1)
        assert isinstance(app.ctx.stack.top, PauseOverlay)
        assert human.held == NO_PUSH and human.stick == 0.0
    finally:
        app.close()


def test_a_scene_given_raw_d_pad_events_still_lets_go(tmp_path: Path) -> None:
    """Without the app's bookkeeping (no previous_value), a centred d-pad releases all."""
    app = make_app(tmp_path, level=DIGITAL_LEVEL.number)
    try:
        scene = play_scene(app)
        scene.handle_event(hat_event((-1, 0)))
        assert scene.human.held == PUSH_LEFT
        scene.handle_event(button_event(HAT_LEFT))  # a real pad never has this button: harmless
        scene.handle_event(hat_event((0, 0)))
        assert scene.human.held == NO_PUSH
        for kind in DEVICE_EVENTS:
            scene.handle_event(pygame.event.Event(kind))  # no ids at all: no crash
    finally:
        app.close()
