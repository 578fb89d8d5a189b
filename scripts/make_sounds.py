#!/usr/bin/env python3
"""Generate the game's sound effects into assets/sounds/ (16-bit mono WAV, 22.05 kHz).

Run ``python scripts/make_sounds.py``; the files are committed, so players never need to.
Everything is synthesised here with numpy: no samples are downloaded or copied.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE = 22_050
OUT = Path(__file__).resolve().parents[1] / "cartpole_game" / "game" / "assets" / "sounds"


def envelope(n: int, attack: float, release: float) -> np.ndarray:
    t = np.arange(n) / RATE
    env = np.minimum(1.0, t / max(attack, 1e-4))
    return env * np.exp(-t / release)


def push() -> np.ndarray:
    """A soft low thump: the cart starts being pushed."""
    n = int(0.09 * RATE)
    t = np.arange(n) / RATE
    freq = 140 - 60 * t / t[-1]
    tone = np.sin(2 * np.pi * np.cumsum(freq) / RATE)
    return 0.35 * tone * envelope(n, 0.004, 0.03)


def poke() -> np.ndarray:
    """A knock with a little noise: something hit the pole."""
    n = int(0.16 * RATE)
    rng = np.random.default_rng(1)
    t = np.arange(n) / RATE
    knock = np.sin(2 * np.pi * 620 * t) * envelope(n, 0.002, 0.025)
    hiss = rng.normal(0, 1, n) * envelope(n, 0.001, 0.012)
    return 0.45 * knock + 0.15 * hiss


def fall() -> np.ndarray:
    """A falling two-tone slide: the episode is lost."""
    n = int(0.55 * RATE)
    t = np.arange(n) / RATE
    freq = 440 * np.exp(-2.2 * t)
    tone = np.sin(2 * np.pi * np.cumsum(freq) / RATE) + 0.3 * np.sin(
        4 * np.pi * np.cumsum(freq) / RATE
    )
    return 0.3 * tone * envelope(n, 0.01, 0.25)


def win() -> np.ndarray:
    """A rising major arpeggio: 500 steps reached."""
    notes = (523.25, 659.25, 783.99, 1046.5)
    parts = []
    for i, f in enumerate(notes):
        n = int((0.11 if i < 3 else 0.4) * RATE)
        t = np.arange(n) / RATE
        tone = np.sin(2 * np.pi * f * t) + 0.25 * np.sin(4 * np.pi * f * t)
        parts.append(0.28 * tone * envelope(n, 0.005, 0.09 if i < 3 else 0.3))
    return np.concatenate(parts)


def write(name: str, samples: np.ndarray) -> None:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    path = OUT / f"{name}.wav"
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(RATE)
        f.writeframes(pcm.tobytes())
    print(f"wrote {path} ({len(pcm) / RATE:.2f} s)")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in (("push", push), ("poke", poke), ("fall", fall), ("win", win)):
        write(name, make())


if __name__ == "__main__":
    main()
