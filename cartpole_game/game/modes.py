"""The modes the game offers, in menu order. Adding a mode: its scene module, and one line here."""

from __future__ import annotations

from cartpole_game.game.scenes import (
    clone_me,
    ladder,
    lesson,
    menu,
    open_agent,
    play,
    replay_scene,
    takeover,
    teach,
    train_view,
    versus,
    versus_setup,
    watch,
)
from cartpole_game.game.scenes.base import ModeSpec

MODES: dict[str, ModeSpec] = {
    spec.name: spec
    for spec in (
        menu.MODE,
        play.MODE,
        lesson.MODE,
        ladder.MODE,
        watch.MODE,
        open_agent.MODE,
        takeover.MODE,
        versus.MODE,
        versus_setup.MODE,
        clone_me.MODE,
        teach.MODE,
        replay_scene.MODE,
        train_view.MODE,
    )
}
