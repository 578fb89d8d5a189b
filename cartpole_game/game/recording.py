"""Recording the screen: F12 screenshots and V episode GIFs, both written by the atomic writer.

A screenshot is encoded to PNG in memory, then written with ``core.atomic`` under a name that is
unique to the millisecond (plus a counter) and never replaces an existing file.

A GIF streams: each captured frame (half size, every other frame: 30 fps) goes through a small
bounded queue to a background thread that quantizes it, crops it to what changed and appends it
to a temp file next to the final GIF. Memory stays at a few frames however long the recording;
a recording stops itself after ``MAX_FRAMES`` frames. Finishing only writes the trailer and
renames the temp file into place (under a name known only then: mode, agent, score).
"""

from __future__ import annotations

import collections
import io
import os
import queue
import re
import threading
import time
from pathlib import Path

import numpy as np
import pygame

from cartpole_game.core.atomic import AtomicFile, atomic_write_bytes

MAX_FRAMES = 30 * 60  # one minute of GIF at 30 fps; the recording stops itself there
QUEUE_FRAMES = 8  # frames waiting for the encoder thread: the only frames held in memory
FRAME_MS = 33
PUT_TIMEOUT = 0.1  # a capture waits at most this long for a slow encoder, then drops the frame


def safe_name(*parts: object) -> str:
    text = "-".join(str(p) for p in parts if p != "")
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[:120]


def encode_png(surface: pygame.Surface) -> bytes:
    """The surface as PNG bytes (pygame picks the format from the name hint)."""
    buffer = io.BytesIO()
    pygame.image.save(surface, buffer, "shot.png")
    data = buffer.getvalue()
    if not data:
        raise pygame.error("the PNG encoder produced no data")
    return data


def save_png(surface: pygame.Surface, path: str | os.PathLike[str]) -> Path:
    """Encode, then write atomically: on any failure the old file at ``path`` is untouched."""
    return atomic_write_bytes(path, encode_png(surface))


def take_screenshot(surface: pygame.Surface, directory: Path, mode: str) -> Path:
    """A new PNG in ``directory``, named to the millisecond; never replaces an existing file."""
    data = encode_png(surface)
    directory.mkdir(parents=True, exist_ok=True)
    now = time.time()
    stem = (
        safe_name("cartpole", mode, time.strftime("%Y%m%d-%H%M%S", time.localtime(now)))
        + f".{int(now * 1000) % 1000:03d}"
    )
    for n in range(1, 1000):
        name = f"{stem}.png" if n == 1 else f"{stem}-{n}.png"
        try:
            return atomic_write_bytes(directory / name, data, replace=False)
        except FileExistsError:
            continue
    raise FileExistsError(f"too many screenshots named {stem} in {directory}")


class _GifJob:
    """One GIF being written: a temp file, a bounded queue and the thread that encodes into it."""

    def __init__(self, directory: Path, messages: collections.deque[str]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.out = AtomicFile(directory / "recording.gif", replace=False)
        self.queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=QUEUE_FRAMES)
        self.target: Path | None = None
        self.cancelled = False
        self.failed = False
        self.frames_written = 0
        self._messages = messages
        self._previous: np.ndarray | None = None
        self._pending: tuple[object, tuple[int, int], int] | None = None  # image, offset, ms
        self._header_written = False
        self.thread = threading.Thread(target=self._run, name="gif-encoder", daemon=True)
        self.thread.start()

    def stop(self, cancel: bool = False) -> None:
        """Ask the thread to finish (or, with ``cancel``, to drop the GIF); does not wait."""
        if cancel:
            self.cancelled = True
        if self.thread.is_alive():
            try:
                self.queue.put(None, timeout=1.0)
            except queue.Full:  # the encoder is stuck: better no GIF than a stalled game
                self.cancelled = True

    def _run(self) -> None:
        try:
            while True:
                frame = self.queue.get()
                if frame is None or self.cancelled:
                    break
                self._add(frame)
            if self.cancelled or self.target is None:
                self.out.abort()
                return
            self._write_pending()
            self.out.write(b";")  # GIF trailer
            path = self.out.commit(self.target)
            self._messages.append(f"Saved {path}")
        except (OSError, ValueError) as exc:
            self.failed = True
            self.out.abort()
            where = self.target or self.out.path.parent
            self._messages.append(f"Warning: could not save the GIF {where}: {exc}")
        finally:
            self._drain()

    def _drain(self) -> None:
        # Frames put after a failure are dropped, so a capture never waits on a dead thread.
        while True:
            try:
                self.queue.get_nowait()
            except queue.Empty:
                return

    def _add(self, frame: np.ndarray) -> None:
        from PIL import Image

        previous, self._previous = self._previous, frame
        if previous is None or previous.shape != frame.shape:
            top, left, bottom, right = 0, 0, frame.shape[0], frame.shape[1]
        else:
            changed = np.any(frame != previous, axis=2)
            rows = np.flatnonzero(changed.any(axis=1))
            if rows.size == 0:  # identical: show the previous frame longer
                if self._pending is not None:
                    image, offset, ms = self._pending
                    self._pending = (image, offset, ms + FRAME_MS)
                return
            cols = np.flatnonzero(changed.any(axis=0))
            top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        crop = np.ascontiguousarray(frame[top:bottom, left:right])
        image = Image.fromarray(crop).quantize(colors=128, method=Image.Quantize.FASTOCTREE)
        if not self._header_written:
            from PIL import GifImagePlugin

            header, _ = GifImagePlugin.getheader(image, info={"loop": 0})
            for part in header:
                self.out.write(part)
            self._header_written = True
        self._write_pending()
        self._pending = (image, (int(left), int(top)), FRAME_MS)

    def _write_pending(self) -> None:
        if self._pending is None:
            return
        from PIL import GifImagePlugin, Image

        image, offset, ms = self._pending
        assert isinstance(image, Image.Image)
        for part in GifImagePlugin.getdata(image, offset, duration=ms, include_color_table=True):
            self.out.write(part)
        self._pending = None
        self.frames_written += 1


class GifRecorder:
    """Streams the frames of one episode into a GIF; at most a few frames are ever in memory."""

    def __init__(self, max_frames: int = MAX_FRAMES) -> None:
        self.max_frames = max_frames
        self.active = False
        self.frames_captured = 0
        self.frames_dropped = 0
        self.scene: object = None  # what is being recorded (the app names the GIF after it)
        self._tick = 0
        self._job: _GifJob | None = None
        self._saving: list[_GifJob] = []
        self._messages: collections.deque[str] = collections.deque()

    @property
    def frames_in_memory(self) -> int:
        """Captured frames not yet encoded: bounded by the queue, not by the recording's length."""
        return self._job.queue.qsize() if self._job is not None else 0

    @property
    def failed(self) -> bool:
        """The GIF being recorded could not be written (its warning is among the messages)."""
        return self._job is not None and self._job.failed

    @property
    def full(self) -> bool:
        return self.active and self.frames_captured >= self.max_frames

    def start(self, directory: Path, scene: object = None) -> None:
        """Open the temp file in ``directory``; raises ``OSError`` if it cannot be created."""
        self.cancel()
        self._job = _GifJob(directory, self._messages)
        self.active = True
        self.scene = scene
        self._tick = 0
        self.frames_captured = 0
        self.frames_dropped = 0

    def cancel(self) -> None:
        self.active = False
        job, self._job = self._job, None
        if job is not None:
            job.stop(cancel=True)

    def capture(self, surface: pygame.Surface) -> None:
        job = self._job
        if not self.active or job is None or self.frames_captured >= self.max_frames:
            return
        self._tick += 1
        if self._tick % 2 == 0 or job.failed:
            return
        small = pygame.transform.smoothscale_by(surface, 0.5)
        frame = pygame.surfarray.array3d(small).transpose(1, 0, 2)
        try:
            job.queue.put(frame, timeout=PUT_TIMEOUT)
            self.frames_captured += 1
        except queue.Full:
            self.frames_dropped += 1

    def finish(self, path: Path) -> Path | None:
        """Stop; the GIF is completed in the background and renamed to ``path``.

        Returns None (and writes nothing) when no frame was captured.
        """
        self.active = False
        job, self._job = self._job, None
        if job is None:
            return None
        if self.frames_captured == 0:
            job.stop(cancel=True)
            return None
        job.target = path
        job.stop()
        self._saving.append(job)
        return path

    def messages(self) -> list[str]:
        """ "Saved PATH" or warnings from finished GIFs, each returned once."""
        out = []
        while self._messages:
            out.append(self._messages.popleft())
        self._saving = [job for job in self._saving if job.thread.is_alive()]
        return out

    def wait(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        for job in self._saving:
            job.thread.join(max(0.0, deadline - time.monotonic()))

    def close(self, timeout: float = 2.0) -> list[str]:
        """Quitting: give unfinished GIFs ``timeout`` seconds, then drop them; the messages."""
        self.cancel()
        self.wait(timeout)
        for job in self._saving:
            if job.thread.is_alive():
                job.cancelled = True
                job.thread.join(0.5)
                self._messages.append(
                    f"Warning: the GIF {job.target} was not finished in time and was dropped"
                )
        return self.messages()
