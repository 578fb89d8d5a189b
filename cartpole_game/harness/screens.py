"""Every screen state of the game, drawn with the layout log on and checked for collisions.

:mod:`screen_states` reaches each state through the real app loop. ``capture`` draws one more
frame with the theme's layout log on, so the layout test can check that no two strings overlap,
no string crosses its panel's edge, no panel covers another's text or leaves its region, and
nothing covers the cart or the pole; ``save_all`` (``scripts/screens.py``) writes a PNG of each
state (with ``--window``, of the real window on ``$DISPLAY``).

The chart's labels are drawn on their own surface, outside the log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pygame

from cartpole_game.game.app import App
from cartpole_game.game.render.layout import LayoutLog, PanelEntry, SpriteEntry, TextEntry
from cartpole_game.harness.screen_driving import in_window
from cartpole_game.harness.screen_states import SLOW_STATES as SLOW_STATES
from cartpole_game.harness.screen_states import STATES as STATES
from cartpole_game.harness.xwd import window_pixels


# -- capturing ------------------------------------------------------------------------------------
def capture(app: App) -> list[LayoutLog]:
    """Draw one more frame, then redraw its scenes on a copy with the layout log on: the strings,
    panels and sprites each visible scene drew and where, one log per scene, bottom first.

    An overlay (pause, help) draws over the scene under it on purpose, so strings and panels are
    compared within a scene; only sprites (the cart, the pole) must stay clear of what any scene
    above them draws, unless a modal panel (help) covers them."""
    app.frame()
    scenes = app.ctx.stack.scenes
    first = len(scenes) - 1
    while first > 0 and scenes[first].is_overlay:
        first -= 1
    scratch = app.screen.copy()
    theme = app.ctx.theme
    layers: list[LayoutLog] = []
    try:
        for scene in scenes[max(first, 0) :]:
            theme.layout_log = LayoutLog()
            scene.draw(scratch, app.accumulator.alpha)
            if scene is scenes[-1] and app.recorder.active:
                app.draw_recording_mark(scratch)  # drawn by the app over the top scene
            layers.append(theme.layout_log)
    finally:
        theme.layout_log = None
    return layers


def _unique_texts(log: LayoutLog) -> list[TextEntry]:
    """The strings drawn, empty ones left out and a repeated draw (same text, same rect) once."""
    unique: list[TextEntry] = []
    for entry in log.texts:
        if entry.rect.width == 0 or entry.rect.height == 0:
            continue
        if not any(entry.text == u.text and entry.rect == u.rect for u in unique):
            unique.append(entry)
    return unique


def _unique_panels(log: LayoutLog) -> list[PanelEntry]:
    unique: list[PanelEntry] = []
    for panel in log.panels:
        if not any(panel.name == p.name and panel.rect == p.rect for p in unique):
            unique.append(panel)
    return unique


def _where(rect: pygame.Rect) -> str:
    return str(tuple(rect))


def _text_problems(texts: list[TextEntry], panels: list[PanelEntry]) -> list[str]:
    """Strings overlapping strings; strings crossing a panel's edge; panels drawn over strings
    drawn before them (a toast over a readout); a panel's own strings come after it."""
    problems: list[str] = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if a.rect.colliderect(b.rect):
                problems.append(f"{a.text!r} {_where(a.rect)} overlaps {b.text!r} {_where(b.rect)}")
    for text in texts:
        for panel in panels:
            if not panel.rect.colliderect(text.rect):
                continue
            if panel.seq > text.seq:
                problems.append(f"panel {panel.name} {_where(panel.rect)} covers {text.text!r}")
            elif not panel.rect.contains(text.rect):
                problems.append(
                    f"{text.text!r} {_where(text.rect)} crosses the edge of panel {panel.name} "
                    f"{_where(panel.rect)}"
                )
    return problems


def _layer_problems(log: LayoutLog, screen: pygame.Rect) -> list[str]:
    """Within one scene: the strings' problems (``_text_problems``), panels overlapping (one
    inside another is fine), and anything off the screen or out of its region."""
    texts, panels = _unique_texts(log), _unique_panels(log)
    problems = [
        f"{t.text!r} {_where(t.rect)} is off the screen"
        for t in texts
        if not screen.contains(t.rect)
    ]
    for panel in panels:
        if not screen.contains(panel.rect):
            problems.append(f"panel {panel.name} {_where(panel.rect)} is off the screen")
        if panel.region is not None and not panel.region.contains(panel.rect):
            problems.append(
                f"panel {panel.name} {_where(panel.rect)} leaves its region {_where(panel.region)}"
            )
    for i, a in enumerate(panels):
        for b in panels[i + 1 :]:
            nested = a.rect.contains(b.rect) or b.rect.contains(a.rect)
            if a.rect.colliderect(b.rect) and not nested:
                problems.append(
                    f"panel {a.name} {_where(a.rect)} overlaps panel {b.name} {_where(b.rect)}"
                )
    return problems + _text_problems(texts, panels)


def _sprite_problems(layers: list[LayoutLog]) -> list[str]:
    """Strings and panels that cover a sprite (the cart, the pole) drawn by their scene or one
    below, except inside a modal panel that covers the scene on purpose."""
    problems: list[str] = []
    sprites: list[SpriteEntry] = []
    for log in layers:
        sprites += log.sprites
        covers = [p.rect for p in log.panels if p.covers]
        things = [(repr(t.text), t.rect) for t in _unique_texts(log)]
        things += [(f"panel {p.name}", p.rect) for p in _unique_panels(log) if not p.covers]
        for label, rect in things:
            if any(c.contains(rect) for c in covers):
                continue
            problems += [
                f"{label} {_where(rect)} covers the {s.name}" for s in sprites if s.hits(rect)
            ]
    return problems


def collisions(layers: Iterable[LayoutLog], size: tuple[int, int]) -> list[str]:
    """Everything on these layers that collides (see ``_layer_problems`` and
    ``_sprite_problems``). Two identical draws are one."""
    screen = pygame.Rect((0, 0), size)
    layers = list(layers)
    problems: list[str] = []
    for log in layers:
        problems += _layer_problems(log, screen)
    return problems + _sprite_problems(layers)


def shoot(name: str, data_dir: Path) -> list[str]:
    """Reach state ``name`` on ``data_dir``; its collisions."""
    driver = STATES.get(name) or SLOW_STATES[name]
    app = driver(data_dir)
    try:
        return collisions(capture(app), app.screen.get_size())
    finally:
        app.close()


def _window_png(app: App, path: Path) -> None:
    """A PNG of what the real window shows now (``--window``), as a player sees it."""
    from PIL import Image

    app.frame()
    window = pygame.display.get_wm_info()["window"]
    Image.fromarray(window_pixels(window)).save(path)


def save_all(
    out: Path, names: Iterable[str] | None = None, report: Callable[[str], None] = print
) -> dict[str, list[str]]:
    """A PNG of every state (``names``: only those) in ``out``; the collisions each one has.

    In a real window (``screen_driving.in_window``), the PNG is the window's own pixels."""
    import tempfile

    from cartpole_game.game.recording import save_png

    out.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[str]] = {}
    for name in names or [*STATES, *SLOW_STATES]:
        with tempfile.TemporaryDirectory() as tmp:
            driver = STATES.get(name) or SLOW_STATES[name]
            app = driver(Path(tmp))
            try:
                log = capture(app)
                if in_window():
                    _window_png(app, out / f"{name}.png")
                else:
                    save_png(app.screen, out / f"{name}.png")
                found[name] = collisions(log, app.screen.get_size())
            finally:
                app.close()
        problems = found[name]
        report(f"{name}.png: " + ("ok" if not problems else f"{len(problems)} collision(s)"))
        for problem in problems:
            report(f"    {problem}")
    return found
