"""Reading an X window's pixels: ``xwd`` dumps it, :func:`read_xwd` decodes the dump.

Used to look at the game in a real window under Xvfb (the end-to-end tests, ``scripts/screens.py
--window``). Needs the ``xwd`` program (Debian: x11-apps).
"""

from __future__ import annotations

import os
import subprocess

import numpy as np


def read_xwd(data: bytes) -> np.ndarray:
    """Decode an xwd dump of a 24/32-bit TrueColor window into an (H, W, 3) RGB array."""
    header = np.frombuffer(data[:100], dtype=">u4")
    header_size, width, height = int(header[0]), int(header[4]), int(header[5])
    byte_order, bits_per_pixel, bytes_per_line = int(header[7]), int(header[11]), int(header[12])
    masks = [int(m) for m in header[14:17]]
    ncolors = int(header[19])
    if bits_per_pixel != 32:
        raise ValueError(f"unexpected xwd depth {bits_per_pixel}")
    start = header_size + 12 * ncolors
    raw = np.frombuffer(
        data[start : start + height * bytes_per_line], dtype="<u4" if byte_order == 0 else ">u4"
    )
    pixels = raw.reshape(height, bytes_per_line // 4)[:, :width]
    channels = []
    for mask in masks:
        shift = (mask & -mask).bit_length() - 1
        channels.append(((pixels & mask) >> shift).astype(np.uint8))
    return np.stack(channels, axis=-1)


def window_pixels(window: int | str, display: str | None = None) -> np.ndarray:
    """The pixels of X window ``window`` (an id) on ``display`` (default: ``$DISPLAY``)."""
    env = dict(os.environ)
    if display is not None:
        env["DISPLAY"] = display
    dump = subprocess.run(
        ["xwd", "-silent", "-id", str(window)], env=env, capture_output=True, timeout=30, check=True
    ).stdout
    return read_xwd(dump)
