"""Recording the screen: F12 screenshots and V episode GIFs, both saved atomically.

Frames are captured small (half size, every other frame: 30 fps) while the episode runs; the
GIF is encoded with Pillow in a background thread when the episode ends, so play never stalls.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pygame

MAX_FRAMES = 30 * 60  # one minute at 30 fps: a full 500-step episode at 0.25x still fits


def safe_name(*parts: object) -> str:
    text = "-".join(str(p) for p in parts if p != "")
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[:120]


def save_png_atomically(surface: pygame.Surface, path: Path) -> None:
    """pygame picks the format from the name, so the temp file ends in .png too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".png", dir=path.parent)
    os.close(fd)
    try:
        pygame.image.save(surface, tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def take_screenshot(surface: pygame.Surface, directory: Path, mode: str) -> Path:
    path = directory / f"{safe_name('cartpole', mode, time.strftime('%Y%m%d-%H%M%S'))}.png"
    save_png_atomically(surface, path)
    return path


class GifRecorder:
    """Collects frames of one episode, then writes them as an animated GIF."""

    def __init__(self) -> None:
        self.frames: list[np.ndarray] = []
        self.active = False
        self._tick = 0
        self.saving: threading.Thread | None = None
        self.last_result: str | None = None  # "saved PATH" or an error, for the UI to show

    def start(self) -> None:
        self.frames = []
        self.active = True
        self._tick = 0

    def cancel(self) -> None:
        self.active = False
        self.frames = []

    def capture(self, surface: pygame.Surface) -> None:
        if not self.active:
            return
        self._tick += 1
        if self._tick % 2 == 0 or len(self.frames) >= MAX_FRAMES:
            return
        small = pygame.transform.smoothscale_by(surface, 0.5)
        self.frames.append(pygame.surfarray.array3d(small).transpose(1, 0, 2))

    def finish(self, path: Path, background: bool = True) -> Path | None:
        """Stop and write the GIF to ``path`` (atomically); returns None when there is nothing."""
        self.active = False
        frames, self.frames = self.frames, []
        if not frames:
            return None
        if background:
            self.saving = threading.Thread(target=self._write, args=(frames, path), daemon=True)
            self.saving.start()
        else:
            self._write(frames, path)
        return path

    def _write(self, frames: list[np.ndarray], path: Path) -> None:
        from PIL import Image

        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            images = [
                Image.fromarray(f).quantize(colors=128, method=Image.Quantize.FASTOCTREE)
                for f in frames
            ]
            fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".gif", dir=path.parent)
            with os.fdopen(fd, "wb") as out:
                images[0].save(
                    out, format="GIF", save_all=True, append_images=images[1:], duration=33, loop=0
                )
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
            tmp = None
            self.last_result = f"Saved {path}"
        except (OSError, ValueError) as exc:
            self.last_result = f"Warning: could not save the GIF {path}: {exc}"
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def wait(self, timeout: float = 60.0) -> None:
        if self.saving is not None:
            self.saving.join(timeout)
