"""Watch, takeover, hints and pokes, through the real app loop, headless."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygame
import pytest

from cartpole_game.agents import load_agent
from cartpole_game.game.app import App
from cartpole_game.game.config import RunConfig
from cartpole_game.game.render.arena_view import lerp_color
from cartpole_game.game.render.theme import Palette
from cartpole_game.game.render.transform import pole_tip, world_to_screen
from cartpole_game.game.scenes.arena_scene import ARENA_VIEW, DECISION_RECT
from cartpole_game.sim.disturbances import MAX_POKE
from tests.helpers import color_mask, headless_screenshot, run_play, surface_pixels


def make_app(tmp_path: Path, mode: str, **kw) -> App:
    return App(RunConfig(mode=mode, headless=True, seed=0, data_dir=tmp_path, **kw))


def post_key(key: int, kind: int = pygame.KEYDOWN) -> None:
    pygame.event.post(pygame.event.Event(kind, key=key))


@pytest.mark.parametrize("spec", ["dqn", "linear"])
def test_watch_agent_balances_and_panel_shows_its_own_values(tmp_path: Path, spec: str) -> None:
    app = make_app(tmp_path, "watch", agent=spec)
    try:
        scene = app.ctx.stack.top
        agent = load_agent(spec)
        for _ in range(241):  # four seconds of play: 240 frame intervals, 200 steps
            app.frame()
        assert scene.arena.score == 200 and not scene.arena.done
        observation = scene.arena.observation.copy()
        scene._refresh_values()
        np.testing.assert_array_equal(scene.values, agent.action_values(observation))
        assert int(np.argmax(scene.values)) == agent.act(observation)
        pixels = surface_pixels(app.screen)
        accent = color_mask(pixels, Palette().accent, tolerance=10)
        assert (
            accent[
                DECISION_RECT.top : DECISION_RECT.bottom, DECISION_RECT.left : DECISION_RECT.right
            ].sum()
            > 300
        )
    finally:
        app.close()


def test_decision_panel_values_are_those_the_agent_acted_on(tmp_path: Path) -> None:
    app = make_app(tmp_path, "watch", agent="dqn")
    try:
        scene = app.ctx.stack.top
        agent = load_agent("dqn")
        seen = []
        original = scene.arena.step

        def spying_step(*args, **kwargs):
            seen.append((scene.arena.observation.copy(), scene.values.copy()))
            return original(*args, **kwargs)

        scene.arena.step = spying_step
        for _ in range(61):
            app.frame()
        assert len(seen) == 50
        for observation, values in seen:
            np.testing.assert_array_equal(values, agent.action_values(observation))
        actions = scene.arena.log.actions
        assert actions == [int(np.argmax(v)) for _, v in seen]
    finally:
        app.close()


def test_takeover_keeps_the_state_across_the_switch(tmp_path: Path) -> None:
    app = make_app(tmp_path, "takeover", agent="dqn")
    try:
        scene = app.ctx.stack.top
        post_key(pygame.K_RIGHT)
        for _ in range(4):
            app.frame()
        assert scene.human_driving and scene.arena.score > 0
        post_key(pygame.K_RIGHT, pygame.KEYUP)
        before = scene.arena.state.copy()
        steps_before = scene.arena.score
        # Hand over between frames, and check the state before any further step runs.
        scene.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_TAB))
        assert scene.arena.state.tobytes() == before.tobytes()
        assert scene.arena.score == steps_before
        assert not scene.human_driving and scene.arena.controller.name == "dqn"
        for _ in range(120):
            app.frame()
        assert scene.arena.steps_by_driver["human"] == steps_before
        assert scene.arena.steps_by_driver["dqn"] > 50
        post_key(pygame.K_TAB)
        app.frame()
        assert scene.human_driving
    finally:
        app.close()


def test_agent_rescues_a_falling_pole_after_takeover(tmp_path: Path) -> None:
    app = make_app(tmp_path, "takeover", agent="dqn")
    try:
        scene = app.ctx.stack.top
        post_key(pygame.K_LEFT)
        app.frame()
        post_key(pygame.K_LEFT, pygame.KEYUP)
        # Let the pole fall freely until it leans past 8 degrees, then hand over.
        while abs(scene.arena.state[2]) < np.radians(8):
            app.frame()
            assert not scene.arena.done
        post_key(pygame.K_TAB)
        for _ in range(600):
            app.frame()
        assert not scene.arena.done or scene.arena.score == 500
    finally:
        app.close()


def test_hint_arrow_appears_in_play(tmp_path: Path) -> None:
    app = make_app(tmp_path, "play", agent="dqn")
    try:
        scene = app.ctx.stack.top
        app.frame()
        pal = Palette()
        ghost = lerp_color(pal.accent, pal.sky_bottom, 0.25)
        before = color_mask(surface_pixels(app.screen), ghost, tolerance=6).sum()
        post_key(pygame.K_g)
        app.frame()
        assert scene.show_hint and scene.agent is not None
        after = color_mask(surface_pixels(app.screen), ghost, tolerance=6).sum()
        assert after > before + 200
    finally:
        app.close()


def test_dragging_the_pole_pokes_it_clamped(tmp_path: Path) -> None:
    app = make_app(tmp_path, "watch", agent="dqn")
    try:
        scene = app.ctx.stack.top
        app.frame()
        state = scene.arena.state
        geo = app.ctx.arena_renderer.geometry
        mid = pole_tip(float(state[0]), float(state[2]), geo)
        grab = world_to_screen(mid[0], (mid[1] + geo.pivot_height) / 2, ARENA_VIEW)
        grab = (round(grab[0]), round(grab[1]))
        before = float(scene.arena.state[3])
        scene.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=grab))
        scene.handle_event(
            pygame.event.Event(
                pygame.MOUSEMOTION, pos=(grab[0] + 900, grab[1]), rel=(0, 0), buttons=(1, 0, 0)
            )
        )
        scene.handle_event(
            pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=(grab[0] + 900, grab[1]))
        )
        assert float(scene.arena.state[3]) - before == pytest.approx(MAX_POKE)
        assert scene.arena.log.pokes == [(len(scene.arena.log.actions), MAX_POKE)]
        # A click far from the pole does nothing.
        scene.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(40, 400)))
        scene.handle_event(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=(400, 400)))
        assert len(scene.arena.log.pokes) == 1
    finally:
        app.close()


def test_p_pokes_and_w_blows(tmp_path: Path) -> None:
    app = make_app(tmp_path, "watch", agent="dqn")
    try:
        scene = app.ctx.stack.top
        post_key(pygame.K_p)
        post_key(pygame.K_w)
        for _ in range(30):
            app.frame()
        assert len(scene.arena.log.pokes) == 1
        assert scene.disturbances.wind_on and len(scene.arena.log.wind) >= 20
    finally:
        app.close()


@pytest.mark.parametrize("mode", ["watch", "takeover"])
def test_headless_screenshots_show_the_mode(tmp_path: Path, mode: str) -> None:
    pixels = headless_screenshot(tmp_path, mode, "--agent", "dqn", "--frames", "150", "--seed", "1")
    pal = Palette()
    cart = color_mask(pixels, pal.cart, tolerance=4)
    assert cart[420:500].sum() > 2000  # the cart on the track
    panel = pixels[
        DECISION_RECT.top : DECISION_RECT.bottom, DECISION_RECT.left : DECISION_RECT.right
    ]
    accent = color_mask(panel, pal.accent, tolerance=10).sum()
    if mode == "watch":
        assert accent > 300  # the agent's chosen action, highlighted in the decision panel
    else:
        assert accent < 50  # a human drives: no panel until G or Tab


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ["watch", "--agent", "nowhere.safetensors"],
            "not one of dqn, linear, lqr or an existing agent file",
        ),
        (["versus", "--left", "robot"], "unknown side 'robot'"),
        (["takeover", "--agent", "/tmp"], "is not a file"),
    ],
)
def test_bad_agents_and_sides_exit_2(args: list[str], fragment: str) -> None:
    result = run_play(*args, "--headless", "--frames", "3")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0]


def test_corrupt_agent_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "broken.safetensors"
    bad.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
    for args in (["watch", "--agent", str(bad)], ["versus", "--left", "dqn", "--right", str(bad)]):
        result = run_play(*args, "--headless", "--frames", "3")
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and str(bad) in lines[0]


def test_takeover_banner_says_who_was_driving_when_the_pole_fell() -> None:
    from cartpole_game.game.scenes.end_banner import end_banner_text
    from cartpole_game.sim.arena import EndReason

    title, subtitle = end_banner_text(EndReason.POLE_FELL, 12, False, None, "dqn was")
    assert title == "The pole fell" and subtitle.startswith("Score 12  ·  dqn was driving")
    _, goal = end_banner_text(EndReason.MAX_STEPS, 500, False, None, "you were")
    assert "driving" not in goal  # nobody dropped anything


def test_takeover_knows_who_had_the_cart(tmp_path: Path) -> None:
    app = make_app(tmp_path, "takeover")
    try:
        scene = app.ctx.stack.top
        assert scene.driver_at_the_end() == "you were"
        scene.swap_driver()
        assert scene.driver_at_the_end() == "dqn was"
    finally:
        app.close()
