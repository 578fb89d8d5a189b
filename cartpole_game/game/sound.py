"""Sound effects. Where there is no audio device the game simply runs silent."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pygame

from cartpole_game.core.resources import package_file

SOUND_NAMES = ("push", "poke", "fall", "win")


class SoundBoard:
    """Plays the effects in ``assets/sounds``; M mutes. Never raises on a missing device or file."""

    def __init__(self, sound_dir: Path | None = None) -> None:
        sound_dir = sound_dir or package_file("cartpole_game.game", "assets", "sounds")
        self.sounds: dict[str, pygame.mixer.Sound] = {}
        self.muted = False
        self.problem: str | None = None
        try:
            pygame.mixer.pre_init(22_050, -16, 1, 512)
            with quiet_c_stderr():  # without a sound card ALSA prints 8 lines; the toast says it
                pygame.mixer.init()
        except pygame.error as exc:
            self.problem = f"no audio device ({exc}); playing silently"
            return
        for name in SOUND_NAMES:
            try:
                self.sounds[name] = pygame.mixer.Sound(str(sound_dir / f"{name}.wav"))
            except (pygame.error, FileNotFoundError) as exc:
                self.problem = f"sound {name} unavailable ({exc})"

    @property
    def available(self) -> bool:
        return bool(self.sounds)

    def play(self, name: str) -> bool:
        """Play ``name`` unless muted or silent; returns whether a sound started."""
        sound = self.sounds.get(name)
        if sound is None or self.muted:
            return False
        try:
            sound.play()
        except pygame.error:
            return False
        return True

    def toggle_mute(self) -> bool:
        self.muted = not self.muted
        return self.muted

    def close(self) -> None:
        if pygame.mixer.get_init():
            pygame.mixer.quit()


@contextlib.contextmanager
def quiet_c_stderr() -> Iterator[None]:
    """Silence what C libraries (ALSA, PulseAudio) print on file descriptor 2 meanwhile."""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to silence
        yield
        return
    try:
        sys.stderr.flush()
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
    finally:
        os.close(saved)
