"""How the decision panel writes an agent's values and judges how sure it is: numbers with as
many decimals as it takes to tell them apart, a policy's probabilities as percentages, and a word
from "coin toss" to "sure". Pure functions, no drawing."""

from __future__ import annotations

import math
from collections.abc import Sequence

from cartpole_game.agents import foreign

# How sure, from the gap between the two values over the agent's typical gap. On the shipped
# agents' own episodes these split their decisions roughly half "coin toss" or "leaning" (the
# pole is balanced, either push will do) and half "fairly sure" or "sure" (one push matters).
CONFIDENCE_WORDS = ("coin toss", "leaning", "fairly sure", "sure")
CONFIDENCE_RATIOS = (0.5, 1.5, 4.0)  # the ratio at which each word after "coin toss" begins
MAX_DECIMALS = 7


def value_decimals(values: Sequence[float]) -> int:
    """Decimals enough that the two values read differently: a tenth of their gap is visible."""
    gap = abs(float(values[1]) - float(values[0]))
    if not math.isfinite(gap) or gap <= 0:
        return 1
    return max(1, min(MAX_DECIMALS, math.ceil(-math.log10(gap)) + 1))


def format_values(values: Sequence[float]) -> tuple[str, str]:
    """The two values as text, with :func:`value_decimals` decimals (scientific if tinier)."""
    a, b = float(values[0]), float(values[1])
    gap = abs(b - a)
    if 0 < gap < 10.0 ** (1 - MAX_DECIMALS) and max(abs(a), abs(b)) < 1e-3:
        digits = max(1, min(6, math.ceil(-math.log10(gap / max(abs(a), abs(b)))) + 1))
        texts = (f"{a:+.{digits}e}", f"{b:+.{digits}e}")
    else:
        decimals = value_decimals(values)
        sign = "+" if min(a, b) < 0 else ""  # a sign only where there are signs to tell apart
        texts = (f"{a:{sign}.{decimals}f}", f"{b:{sign}.{decimals}f}")
    return texts[0].replace("-", "−"), texts[1].replace("-", "−")


def confidence_level(gap: float, typical: float) -> int:
    """0 (coin toss) to 3 (sure): ``gap`` between the values against the ``typical`` gap."""
    gap = abs(gap)
    if not math.isfinite(gap) or gap <= 0:
        return 0
    if not math.isfinite(typical) or typical <= 0:
        return len(CONFIDENCE_RATIOS)
    ratio = gap / typical
    return sum(ratio >= threshold for threshold in CONFIDENCE_RATIOS)


def confidence_word(gap: float, typical: float) -> str:
    return CONFIDENCE_WORDS[confidence_level(gap, typical)]


# -- what the values are: numbers to compare, a policy's probabilities, or only its choice ------
NUMBERS, PROBABILITY, CHOICE = "numbers", "probability", "choice"
# How sure a policy is, read straight off its probabilities: the gap between them from which
# each word after "coin toss" begins (60/40 leaning, 75/25 fairly sure, 90/10 sure).
PROBABILITY_GAPS = (0.2, 0.5, 0.8)


def value_style(label: str) -> str:
    """How the panel shows values called ``label``: :data:`PROBABILITY` for a policy's action
    probabilities (PPO, A2C), :data:`CHOICE` for a file that gives only its push (an ONNX export
    of actions), else :data:`NUMBERS` (Q-values, scores) judged against the agent's usual gap."""
    if label == foreign.PROBABILITIES.value_label:
        return PROBABILITY
    if label == foreign.CHOICE_ONLY.value_label:
        return CHOICE
    return NUMBERS


def probability_confidence(pair: Sequence[float]) -> int:
    """0 (coin toss) to 3 (sure), from the gap between two probabilities (which sum to 1)."""
    gap = abs(float(pair[1]) - float(pair[0]))
    if not math.isfinite(gap):
        return 0
    return sum(gap >= threshold for threshold in PROBABILITY_GAPS)


def format_percentages(pair: Sequence[float]) -> tuple[str, str]:
    """Two probabilities as percentages, with decimals enough to tell them apart (at most 2);
    one that is not 0 or 1 never reads "0%" or "100%"."""
    percents = [100.0 * float(p) for p in pair]
    gap = abs(percents[1] - percents[0])
    decimals = 0 if gap >= 1 else 1 if gap >= 0.1 else 2
    smallest = 0.5 * 10.0**-decimals  # what rounds to nothing at these decimals

    def one(value: float) -> str:
        if 0 < value < smallest:
            return f"<{2 * smallest:.{decimals}f}%"
        if 100 - smallest < value < 100:
            return f">{100 - 2 * smallest:.{decimals}f}%"
        return f"{value:.{decimals}f}%"

    return one(percents[0]), one(percents[1])


def shown_values(pair: Sequence[float], style: str) -> tuple[str, str]:
    """The two values as the panel writes them for ``style``."""
    return format_percentages(pair) if style == PROBABILITY else format_values(pair)
