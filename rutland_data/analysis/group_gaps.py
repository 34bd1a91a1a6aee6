"""LA-level pupil-group gaps in words: a group's gap to its comparison group, the national gap, whether the gap
narrowed since the year before (never across a series break or a gap), small-number caveats and a three-year
figure pooled from cohorts. Pure functions; the group pairs and the two comparisons are `pooling`'s.

A gap is the group's figure minus the comparison figure, so for a higher-is-better measure a negative gap is a
group behind. 'Narrowed' and 'widened' are about the size of the gap whichever side the group is on; whether the
group is behind or ahead is said by polarity.
"""
from __future__ import annotations

from dataclasses import dataclass

from rutland_data.analysis.pooling import COMPARATORS, OTHER_GROUP, YearCount, pool_years
from rutland_data.analysis.ranks import describe_change, difference
from rutland_data.reference.codes import PUPIL_GROUP_NOUNS
from rutland_data.reference.markers import is_missing, round_half_up
from rutland_data.reference.measures import Measure

SMALL_COHORT = 30   # pupils: below this one pupil is more than 3 percentage points, and a year's change is noise
ALL = "all"


def _known(value) -> bool:
    return value is not None and not is_missing(value)


def reference_group(group: str, available: dict[str, float | None]) -> str:
    """The group a gap is measured against: the other group (disadvantaged -> not disadvantaged) where a figure
    for it is given, else all pupils (LAIT publishes phonics for FSM pupils but not for the others)."""
    other = OTHER_GROUP.get(group)
    return other if other is not None and _known(available.get(other)) else ALL


def group_noun(group: str) -> str:
    """'disadvantaged pupils', 'all pupils', 'children looked after' - a group as a sentence names it."""
    return PUPIL_GROUP_NOUNS.get(group, group.replace("_", " "))


@dataclass(frozen=True)
class Comparison:
    value: float | None
    group: str          # the national group compared with
    label: str          # 'not disadvantaged pupils nationally'


def comparison(group: str, comparator: str, national: dict[str, float | None]) -> Comparison:
    """The national figure a group is set against: the same group (`same_group`) or the other pupils
    (`other_group`, as DfE compares disadvantaged pupils); all pupils where the other group is not published."""
    if comparator not in COMPARATORS:
        raise ValueError(f"comparator must be one of {sorted(COMPARATORS)}")
    compare_with = group if comparator == "same_group" else reference_group(group, national)
    label = f"{group_noun(compare_with)} nationally"
    if comparator == "other_group" and compare_with == ALL and OTHER_GROUP.get(group):
        label += f" (no figure for {group_noun(OTHER_GROUP[group])})"
    value = national.get(compare_with)
    return Comparison(value if _known(value) else None, compare_with, label)


def gap(value: float | None, against: float | None) -> float | None:
    """value - against on the figures as written; None without both."""
    if not _known(value) or not _known(against):
        return None
    return difference(value, against)


def _amount(measure: Measure, size: float, decimals: int | None = None) -> str:
    decimals = measure.decimals if decimals is None else decimals
    shown = f"{abs(round_half_up(size, decimals)):.{decimals}f}"
    if measure.unit != "%":
        return shown
    return f"{shown} point" if shown in {"1", "1.0", "1.00"} else f"{shown} points"


def gap_words(measure: Measure, size: float | None, against: str, decimals: int | None = None) -> str:
    """'12 points below not disadvantaged pupils nationally' / 'in line with ...' / 'no gap can be given'.
    `decimals` (default the dictionary's): fewer where a figure was published to fewer, as everywhere."""
    if size is None:
        return "no gap can be given"
    if round_half_up(size, measure.decimals if decimals is None else decimals) == 0:
        return f"in line with {against}"
    return f"{_amount(measure, size, decimals)} {'above' if size > 0 else 'below'} {against}"


def behind(measure: Measure, size: float) -> bool | None:
    """Whether a gap leaves the group behind, by the measure's polarity (None for a neutral measure)."""
    if measure.polarity == "neutral":
        return None
    return size < 0 if measure.polarity == "higher" else size > 0


@dataclass(frozen=True)
class GapChange:
    text: str
    narrowed: bool | None    # None: no comparable change, or no change
    comparable: bool


def gap_change(measure: Measure, end_year: int, now: float | None, before: float | None,
               decimals: int | None = None) -> GapChange:
    """How the gap moved since the year before `end_year`: 'narrowed by 2 points (from 12 to 10)', never across a
    series break or a year not published (the dictionary's breaks, as `ranks.describe_change` words them)."""
    change = describe_change(measure, end_year, now, before, decimals)
    if not change.comparable:
        return GapChange(change.text.replace("no figure for", "no gap for"), None, False)
    decimals = measure.decimals if decimals is None else decimals
    rounded_now, rounded_before = (round_half_up(v, decimals) for v in (now, before))
    if rounded_now * rounded_before < 0:
        side = "above" if now > 0 else "below"
        return GapChange(f"moved to the other side: now {_amount(measure, now, decimals)} {side} (from "
                         f"{_amount(measure, before, decimals)} {'below' if side == 'above' else 'above'})", None, True)
    # Taken between the two gaps as shown, so the words never read 'widened by 1 point (from 68 to 68)'.
    size = round_half_up(difference(abs(rounded_now), abs(rounded_before)), decimals)
    if size == 0:
        return GapChange("no change in the gap", None, True)
    word = "narrowed" if size < 0 else "widened"
    return GapChange(f"{word} by {_amount(measure, size, decimals)} (from {_amount(measure, before, decimals)} to "
                     f"{_amount(measure, now, decimals)})", size < 0, True)


def against_national_gap(measure: Measure, la_gap: float | None, national_gap: float | None, la_name: str,
                         decimals: int | None = None) -> str:
    """The LA's gap beside the national gap between the same two groups: 'wider than nationally (12 points
    against 9)', 'narrower ...', 'the same as nationally', or which side each is on when they differ."""
    if la_gap is None or national_gap is None:
        return "no national gap to compare with"
    decimals = measure.decimals if decimals is None else decimals
    la_round, national_round = (round_half_up(v, decimals) for v in (la_gap, national_gap))
    if la_round * national_round < 0:
        return (f"on the other side from nationally: {_amount(measure, la_gap, decimals)} "
                f"{'above' if la_gap > 0 else 'below'} in {la_name}, {_amount(measure, national_gap, decimals)} "
                f"{'above' if national_gap > 0 else 'below'} nationally")
    size = round_half_up(difference(abs(la_round), abs(national_round)), decimals)  # between the gaps as shown
    if size == 0:
        return f"the same as nationally ({_amount(measure, la_gap, decimals)})"
    return (f"{'wider' if size > 0 else 'narrower'} than nationally ({_amount(measure, la_gap, decimals)} in {la_name} "
            f"against {_amount(measure, national_gap, decimals)})")


def cohort_caveat(measure: Measure, cohort: int | None, value_code: str | None) -> str | None:
    """What a reader must know about how few pupils a figure covers; None when nothing needs saying."""
    if value_code:
        return f"not published (marker '{value_code}'): a small or suppressed group"
    if cohort is None:
        return "cohort not published with this figure, so how many pupils it covers is not known"
    if cohort < SMALL_COHORT:
        if measure.unit == "%" and cohort > 0:
            return f"small group: {cohort} pupils, so one pupil is {100 / cohort:.1f} percentage points"
        return f"small group: {cohort} pupils; a few pupils move the average a long way"
    return None


@dataclass(frozen=True)
class ThreeYears:
    value: float | None
    cohort: int | None
    text: str


def three_years(measure: Measure, end_year: int, figures: dict[int, tuple[float | None, int | None]]) -> ThreeYears:
    """The group's figure over the three years to `end_year`, pooled by cohort (sum of value x pupils over sum of
    pupils: for a percentage exactly the pooled count); withheld across a series break or where a year or its
    cohort is missing (never an average of percentages)."""
    years = [end_year - 2, end_year - 1, end_year]
    period = f"{measure.year_label(years[0])} to {measure.year_label(end_year)}"
    broken = next((b for y in years[1:] for b in [measure.new_series_in(y)] if b is not None), None)
    if broken is not None:
        return ThreeYears(None, None, f"no three-year figure for {period}: {broken.reason}")
    if not any(cohort is not None for _, cohort in (figures.get(y, (None, None)) for y in years)):
        return ThreeYears(None, None, f"no three-year figure for {period}: the source gives no cohort sizes to pool")
    scale = 100.0 if measure.unit == "%" else 1.0
    parts = []
    for year in years:
        value, cohort = figures.get(year, (None, None))
        known = _known(value) and cohort is not None
        parts.append(YearCount(year, value * cohort / scale if known else None, cohort if known else None,
                               None if known else "x"))
    pooled = pool_years(parts, scale=scale, numerator_is_count=measure.unit == "%")
    if pooled.value is None:
        return ThreeYears(None, None, f"no three-year figure for {period}: {pooled.reason}")
    return ThreeYears(pooled.value, int(pooled.denominator),
                      f"{measure.format(pooled.value)} over {period} ({int(pooled.denominator)} pupils)")
