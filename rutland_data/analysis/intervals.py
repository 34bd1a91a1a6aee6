"""School-level intervals and significance: the 95% interval a school value is judged by, published or
computed, and what it says against national.

Pure functions (no database, no UI). They exist because a Rutland school has 10-200 pupils in a year group:
every school value needs an interval before it is compared with national. Percentages are in percent
(0-100) throughout, as DfE publishes them.
"""
from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd

from rutland_data.reference.codes import academic_year
from rutland_data.reference.markers import is_missing
from rutland_data.reference.pupil_sds import national_pupil_sd

Z_95 = 1.959963984540054    # two-sided 95%
Z_998 = 3.090232306167813   # two-sided 99.8% (the outer funnel limit)

ABOVE = "significantly above national"
NOT_DIFFERENT = "not significantly different from national"
BELOW = "significantly below national"
NOT_TESTED = "not tested"             # no interval and no published band to judge by
NOT_COMPARED = "not compared (not a state-funded mainstream school)"

# DfE's published progress bands (P8_BANDING, READPROG_DESCR ... 1-5; ks4provisional_meta.xlsx). Bands 1-2
# and 4-5 mean the school's 95% interval lies wholly above / below the national average.
PROGRESS_BANDS = {1: "well above average", 2: "above average", 3: "average", 4: "below average",
                  5: "well below average"}
_BAND_SIGNIFICANCE = {1: ABOVE, 2: ABOVE, 3: NOT_DIFFERENT, 4: BELOW, 5: BELOW}


def band_significance(band: object) -> str | None:
    """ABOVE / NOT_DIFFERENT / BELOW from a published progress band; None when there is no band."""
    if band is None or is_missing(band):
        return None
    return _BAND_SIGNIFICANCE.get(int(band))


@dataclass(frozen=True)
class Interval:
    """A 95% interval and how it was obtained ('published', 'wilson', 'national pupil SD'), with the
    figures a computed one rests on: the pupils (n), the pupils reaching the measure (Wilson) or
    the national pupil SD (progress scores)."""
    low: float
    high: float
    method: str
    n: int | None = None
    successes: int | None = None
    sd: float | None = None


def wilson_interval(successes_or_pct: float | None, n: int | None, z: float = 1.96, *,
                    is_count: bool = False) -> tuple[float, float] | None:
    """Wilson score interval, as (low, high) in percent, for a result on a cohort of n pupils.

    By default `successes_or_pct` is a published percentage (0-100). Published percentages are
    rounded, so the count is reconstructed as round(pct * n / 100) - the only whole number of
    pupils consistent with it when n <= 100. Pass is_count=True to give the count itself.
    Wilson rather than the normal approximation because it stays inside 0-100% and is honest
    at 0% or 100% of a small cohort. Returns None if n is missing or not positive.
    """
    if successes_or_pct is None or n is None or n <= 0 or is_missing(successes_or_pct):
        return None
    successes = successes_or_pct if is_count else round(successes_or_pct * n / 100)
    successes = min(max(successes, 0), n)
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half) * 100, min(1.0, centre + half) * 100


def score_interval(score: float | None, n: int | None, sd: float | None,
                   z: float = 1.96) -> tuple[float, float] | None:
    """score +/- z * sd / sqrt(n): DfE's interval for a progress score (or any mean score)."""
    if score is None or sd is None or n is None or n <= 0 or is_missing(score):
        return None
    half = z * sd / math.sqrt(n)
    return score - half, score + half


def progress_interval(measure_id: str, end_year: int, score: float | None,
                      n: int | None) -> Interval | None:
    """95% interval for a progress score from the year's national pupil SD for the measure, on n =
    the pupils IN THE MEASURE (KS2: eligible pupils x coverage; KS4: P8PUP), not the whole cohort:
    pupils without a prior-attainment starting point have no progress score."""
    sd = national_pupil_sd(measure_id, end_year)
    bounds = score_interval(score, n, sd)
    if bounds is None:
        return None
    return Interval(bounds[0], bounds[1], "national pupil SD", n=int(n), sd=sd)


def school_interval(unit: str, measure_id: str, end_year: int, value: float | None,
                    cohort_n: int | None, published_low: float | None = None,
                    published_high: float | None = None) -> Interval | None:
    """The interval to show for one school value: published if the file has one, else computed.

    unit comes from the measure dictionary: '%' -> Wilson on the cohort; 'score' -> national
    pupil SD where DfE publishes one for the measure (progress scores). Anything else (e.g.
    Attainment 8, which has no published SD) gets None: no interval is better than a made-up one.
    """
    if published_low is not None and published_high is not None \
            and not (is_missing(published_low) or is_missing(published_high)):
        return Interval(float(published_low), float(published_high), "published")
    if unit == "%":
        bounds = wilson_interval(value, cohort_n)
        if bounds is None:
            return None
        successes = min(max(round(value * cohort_n / 100), 0), cohort_n)
        return Interval(bounds[0], bounds[1], "wilson", n=int(cohort_n), successes=int(successes))
    if unit == "score":
        return progress_interval(measure_id, end_year, value, cohort_n)
    return None


def significance_label(value: float | None, low: float | None, high: float | None,
                       national: float | None) -> str | None:
    """ABOVE if the whole interval is above national, BELOW if wholly below, else NOT_DIFFERENT.

    An interval that touches national counts as not different (DfE's convention: a progress
    score is 'significantly above' only when its lower bound is above 0). Words, not colours,
    carry the meaning. None when anything needed is missing.
    """
    if any(x is None or is_missing(x) for x in (value, low, high, national)):
        return None
    if low > national:
        return ABOVE
    if high < national:
        return BELOW
    return NOT_DIFFERENT


def complete_intervals(results: pd.DataFrame, units: Mapping[str, str], whole_school: Collection[str]) -> pd.DataFrame:
    """`results` (school figures as stored) with an interval computed where none is published and the data allow
    (`school_interval` decides: Wilson for a percentage on its cohort, score +/- 1.96 SD/sqrt(n) for a progress
    score on the year's own national pupil SD and the pupils in the measure), and ci_method saying exactly how:
    the SD, n and the columns n came from (`cohort_from`). Measures describing the whole school (`whole_school`:
    census, absence) get none; nor does a figure whose pupils in the measure are not published."""
    results = results.copy()
    candidates = results[(results["ci_method"] != "published") & ~results["measure_id"].isin(list(whole_school))
                         & results["value"].notna() & results["cohort_n"].notna() & results["cohort_from"].notna()]
    computed: dict[tuple, tuple] = {}  # the same (measure, year, value, cohort) recurs across schools
    lows, highs, methods = [], [], []
    for key in zip(candidates["measure_id"], candidates["end_year"], candidates["value"], candidates["cohort_n"],
                   candidates["cohort_from"]):
        if key not in computed:
            measure_id, end_year, value, n, columns = key
            interval = school_interval(units.get(measure_id, ""), measure_id, int(end_year), float(value), int(n))
            computed[key] = (interval.low if interval else math.nan, interval.high if interval else math.nan,
                             method_text(interval, float(value), int(end_year), columns))
        low, high, method = computed[key]
        lows.append(low)
        highs.append(high)
        methods.append(method)
    results.loc[candidates.index, "ci_low"] = lows
    results.loc[candidates.index, "ci_high"] = highs
    results["ci_method"] = results["ci_method"].astype(object)
    results.loc[candidates.index, "ci_method"] = pd.Series(methods, index=candidates.index, dtype=object)
    return results


def method_text(interval: Interval | None, value: float, end_year: int, cohort_from: str) -> str | None:
    """How a computed interval was made, with the figures it rests on (shown beside it and in the SQA reasons)."""
    if interval is None:
        return None
    if interval.method == "wilson":
        return (f"computed: Wilson score 95% interval on {interval.successes} of {interval.n} pupils "
                f"(n = {cohort_from}; {interval.successes} rebuilt from the published {value:g}%)")
    if interval.method == "national pupil SD":
        return (f"computed: {value:g} ± 1.96 × {interval.sd:g} / √{interval.n} (national pupil SD {interval.sd:g} "
                f"for {academic_year(end_year)}, the SD that reproduces DfE's published intervals; n = {interval.n} "
                f"pupils in the measure, {cohort_from})")
    return interval.method
