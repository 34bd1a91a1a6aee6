"""Pure statistics: polarity-aware ranks, quartile bands and changes (no database, no UI).

Polarity comes from the indicator dictionary: 'higher' means a higher value is better,
'lower' means lower is better (absence, exclusions), 'neutral' is never ranked.

Ranks and changes are computed from the stored values, at the precision the file gives, and
only the result is rounded for display: two LAs that both show 2.8% can hold different ranks,
and a change is the rounded difference of the stored values, not the difference of two
rounded figures.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from rutland_data.reference.markers import round_half_up
from rutland_data.reference.measures import Measure

QUARTILE_BANDS = ("A", "B", "C", "D")
QUARTILE_WORDS = {"A": "the best 25%", "B": "the second 25%", "C": "the third 25%", "D": "the weakest 25%"}


@dataclass(frozen=True)
class Rank:
    position: int   # 1 = best by polarity; tied values share the lowest position
    out_of: int
    quartile: str   # A (best) .. D
    sharing: int = 1   # LAs with exactly this value, this one included

    def place(self, note: str = "") -> str:
        """'25th of 151 LAs', or with a tie 'joint 25th of 151 LAs (21 share the figure, places 25-45)': a tie's
        span shows why its band can differ from what its first place alone suggests. `note` goes in the same
        brackets, first ('1 = lowest')."""
        notes = [note] if note else []
        if self.sharing > 1:
            notes.append(f"{self.sharing} share the figure, places {self.position}-{self.position + self.sharing - 1}")
        words = f"{'joint ' if self.sharing > 1 else ''}{ordinal(self.position)} of {self.out_of} LAs"
        return f"{words} ({'; '.join(notes)})" if notes else words

    def describe(self) -> str:
        return f"{self.place()}, quartile {self.quartile} ({QUARTILE_WORDS[self.quartile]})"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_of(value: float | None, all_values: list[float | None], polarity: str) -> Rank | None:
    """Rank `value` among every LA's value (None values are left out).

    Tie rule: LAs whose stored values are exactly equal share the best position (1, 2, 2, 4);
    values are compared as stored, not as rounded for display.

    Quartile bands as DfE's LAIT sets them (calculate_quartile_band): by the quartile values of every LA's figure
    (R's default quantile, numpy's 'linear'), not by position. Higher is better: A above the 75th percentile, B
    above the median up to it, C above the 25th up to the median, D at or below the 25th; lower is better: A at or
    below the 25th, and so on. So a value tied at the 75th percentile is B however high its tie puts its rank.
    """
    if value is None or polarity == "neutral":
        return None
    values = [v for v in all_values if v is not None and not math.isnan(v)]
    if not values:
        return None
    better = sum(1 for v in values if (v > value if polarity == "higher" else v < value))
    cuts = np.quantile(values, [0.25, 0.5, 0.75])
    if polarity == "higher":
        band = QUARTILE_BANDS[int(np.sum(value <= cuts))]              # above every cut: A; at or below all: D
    else:
        band = QUARTILE_BANDS[int(np.sum(value > cuts))]               # at or below the 25th percentile: A
    return Rank(position=better + 1, out_of=len(values), quartile=band, sharing=values.count(value))


def change_in_words(current: float | None, previous: float | None, polarity: str, decimals: int,
                    unit: str) -> str:
    """'up 2 points - better' / 'down 0.3 - worse' / 'no change': the difference of the stored values,
    rounded half-up to `decimals`. Knows nothing of series breaks: use `describe_change` for a measure."""
    if current is None or previous is None:
        return "no comparable previous year"
    size = round_half_up(difference(current, previous), decimals)
    if size == 0:
        return "no change"
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


def difference(current: float, previous: float) -> float:
    """current - previous, taken on the figures as written (0.15 - 0.1 is 0.05, not 0.04999...), so
    rounding it half-up never turns a published half into the wrong side."""
    return float(Decimal(repr(float(current))) - Decimal(repr(float(previous))))


@dataclass(frozen=True)
class Change:
    """A year-on-year change as the pages word it."""
    text: str               # 'up 14 points - better' / 'no change' / 'not comparable with 2015/16: ...'
    delta: float | None     # the signed change as shown (0.0 for no change); None when there is none to show
    comparable: bool        # False across a series break or a gap, or without both figures


def describe_change(measure: Measure, end_year: int, current: float | None, previous: float | None,
                    decimals: int | None = None) -> Change:
    """The change from the year before `end_year`, never described across a series break or a gap.

    `decimals` (default the dictionary's) is how finely to state it: pass fewer where either
    figure was published to fewer decimals, so a 1-dp and a 2-dp figure never give 'down 0.11'."""
    before = measure.year_label(end_year - 1)
    new_series = measure.new_series_in(end_year)
    if new_series is not None:
        if previous is None:
            return Change(f"new series from {measure.year_label(end_year)}: {new_series.reason}", None, False)
        return Change(f"not comparable with {before}: {new_series.reason}", None, False)
    gap = measure.gap_covering(end_year - 1)
    if gap is not None:
        return Change(f"no figure for {before} to compare with: {gap.reason}", None, False)
    if current is None:
        return Change(f"no figure for {measure.year_label(end_year)}", None, False)
    if previous is None:
        return Change(f"no figure for {before} to compare with", None, False)
    decimals = measure.decimals if decimals is None else decimals
    size = round_half_up(difference(current, previous), decimals)
    return Change(change_in_words(current, previous, measure.polarity, decimals, measure.unit),
                  0.0 if size == 0 else size, True)


def comparison_word(value: float | None, comparator: float | None, decimals: int | None = None) -> str:
    """'above' / 'below' / 'in line with' - a plain comparison that claims no significance. With `decimals`,
    the two figures are compared as shown (rounded half-up), so a 6% figure is never 'below the mean (6%)'."""
    if value is None or comparator is None:
        return "not comparable with"
    if decimals is not None:
        value, comparator = round_half_up(value, decimals), round_half_up(comparator, decimals)
    if value == comparator:
        return "in line with"
    return "above" if value > comparator else "below"
