"""Pure statistics: polarity-aware ranks, quartile bands and changes (no database, no UI).

Polarity comes from the indicator dictionary: 'higher' means a higher value is better,
'lower' means lower is better (absence, exclusions), 'neutral' is never ranked.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

QUARTILE_BANDS = ("A", "B", "C", "D")
QUARTILE_WORDS = {"A": "the best 25%", "B": "the second 25%", "C": "the third 25%", "D": "the weakest 25%"}


@dataclass(frozen=True)
class Rank:
    position: int   # 1 = best by polarity; tied values share the lowest position
    out_of: int
    quartile: str   # A (best) .. D

    def describe(self) -> str:
        return f"{ordinal(self.position)} of {self.out_of} LAs, quartile {self.quartile} ({QUARTILE_WORDS[self.quartile]})"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_of(value: float | None, all_values: list[float | None], polarity: str) -> Rank | None:
    """Rank `value` among every LA's value (None values are left out; ties share the best rank).

    Quartile bands split the ranked LAs into four equal parts by position, as LAIT does:
    band A holds positions 1 .. n/4.
    """
    if value is None or polarity == "neutral":
        return None
    values = [v for v in all_values if v is not None and not math.isnan(v)]
    if not values:
        return None
    better = sum(1 for v in values if (v > value if polarity == "higher" else v < value))
    position = better + 1
    n = len(values)
    band = QUARTILE_BANDS[min(3, math.floor(4 * (position - 1) / n))]
    return Rank(position=position, out_of=n, quartile=band)


def change_in_words(current: float | None, previous: float | None, polarity: str, decimals: int,
                    unit: str) -> str:
    """'up 2 points - better' / 'down 0.3 - worse' / 'no change'; the size is rounded as published."""
    if current is None or previous is None:
        return "no comparable previous year"
    size = round(current - previous, decimals)
    if size == 0:
        return "no change on the previous year"
    direction = "up" if size > 0 else "down"
    amount = f"{abs(size):.{decimals}f}"
    noun = " points" if unit == "%" else ""
    if unit == "%" and amount in {"1", "1.0", "1.00"}:
        noun = " point"
    judgement = ""
    if polarity != "neutral":
        improved = size > 0 if polarity == "higher" else size < 0
        judgement = " - better" if improved else " - worse"
    return f"{direction} {amount}{noun}{judgement}"


def comparison_word(value: float | None, comparator: float | None) -> str:
    """'above' / 'below' / 'in line with' - a plain comparison that claims no significance."""
    if value is None or comparator is None:
        return "not comparable with"
    if value == comparator:
        return "in line with"
    return "above" if value > comparator else "below"
