"""Text from files and paths, made safe to draw before it reaches a font.

A font cannot render a NUL, and SDL crashes on an unpaired surrogate or on a line of millions of
characters. Everything shown on screen that came from a file or a path goes through
``drawable`` first.
"""

from __future__ import annotations

import os
import unicodedata

REPLACEMENT = "\ufffd"


def drawable(text: object, max_len: int = 80) -> str:
    """``text`` cut to ``max_len`` characters (with "…"), control characters, unpaired
    surrogates and other unassigned code points replaced by U+FFFD."""
    raw = str(text)
    cut = raw[:max_len]
    out = []
    for char in cut:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Cn", "Co") and char not in "\t":
            out.append(REPLACEMENT)
        else:
            out.append(" " if char == "\t" else char)
    return "".join(out) + ("…" if len(raw) > max_len else "")


def drawable_path(path: str | os.PathLike[str], max_len: int = 120) -> str:
    """A path as text a font can draw: undecodable bytes become U+FFFD, long paths keep their
    end (the file name) and lose their start."""
    text = os.fsdecode(path) if isinstance(path, bytes) else os.fspath(path)
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if len(text) > max_len:
        text = "…" + text[-(max_len - 1) :]
    return drawable(text, max_len + 1)
