"""School-level intervals and significance: the 95% interval a school value is judged by, published or
computed, and what it says against national.

Pure functions (no database, no UI). They exist because a Rutland school has 10-200 pupils in a year group:
every school value needs an interval before it is compared with national. Percentages are in percent
(0-100) throughout, as DfE publishes them.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
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
    low, high = wilson_bounds(min(max(successes, 0), n), n, z)
    return float(low), float(high)


def wilson_bounds(successes, n, z: float = 1.96):
    """(low, high) in percent of the Wilson score interval for `successes` of `n` pupils (n > 0): numbers or
    numpy arrays alike, so the interval a page computes for 500 schools at once is the one `wilson_interval`
    gives for one."""
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return np.maximum(0.0, centre - half) * 100, np.minimum(1.0, centre + half) * 100


def rebuilt_successes(pct, n):
    """The pupils reaching a measure rebuilt from its published percentage of n pupils: round(pct x n / 100)
    (halves to even, as Python's round), kept within 0..n. Numbers or numpy arrays."""
    return np.clip(np.rint(pct * n / 100), 0, n)


def score_interval(score: float | None, n: int | None, sd: float | None,
                   z: float = 1.96) -> tuple[float, float] | None:
    """score +/- z * sd / sqrt(n): DfE's interval for a progress score (or any mean score)."""
    if score is None or sd is None or n is None or n <= 0 or is_missing(score):
        return None
    half = score_half_width(n, sd, z)
    return float(score - half), float(score + half)


def score_half_width(n, sd, z: float = 1.96):
    """z * sd / sqrt(n), for numbers or numpy arrays (`score_interval` and `complete_intervals`)."""
    return z * sd / np.sqrt(n)


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
        successes = rebuilt_successes(value, cohort_n)
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


def significance(value: float | None, low: float | None, high: float | None, band: object,
                 national: float | None) -> str | None:
    """DfE's published progress band where the file gives one, else `significance_label` on the interval.

    The band is DfE's own judgement, made on unrounded scores and intervals against the national average; the
    published limits and national figure are rounded (Bay House School, Hampshire 2017/18: P8 upper limit -0.02
    and national -0.02 tie, yet DfE bands it 4, below average), so a band is never overruled by them."""
    return band_significance(band) or significance_label(value, low, high, national)


def significance_labels(value, low, high, band, national) -> np.ndarray:
    """`significance` for whole columns (numbers or arrays; NaN for missing), NOT_TESTED where neither a band
    nor the value, interval and national are all known."""
    value, low, high, band, national = (np.asarray(x, dtype=float) for x in (value, low, high, band, national))
    judged = ~(np.isnan(value) | np.isnan(low) | np.isnan(high) | np.isnan(national))
    by_interval = np.select([low > national, high < national], [ABOVE, BELOW], NOT_DIFFERENT)
    with np.errstate(invalid="ignore"):
        banded = [np.trunc(band) == b for b in _BAND_SIGNIFICANCE]
    by_band = np.select(banded, list(_BAND_SIGNIFICANCE.values()), NOT_TESTED)
    return np.where(np.logical_or.reduce(banded), by_band, np.where(judged, by_interval, NOT_TESTED))


def complete_intervals(results: pd.DataFrame, units: Mapping[str, str], whole_school: Collection[str]) -> pd.DataFrame:
    """`results` (school figures as stored) with an interval computed where none is published and the data allow
    (as `school_interval` decides: Wilson for a percentage on its cohort, score +/- 1.96 SD/sqrt(n) for a progress
    score on the year's own national pupil SD and the pupils in the measure), and ci_method saying exactly how:
    the SD, n and the columns n came from (`cohort_from`). Measures describing the whole school (`whole_school`:
    census, absence) get none; nor does a figure whose pupils in the measure are not published. The bounds are
    worked out on whole columns at once (a large LA's SQA list reads tens of thousands of figures); the words
    once per distinct figure."""
    results = results.copy()
    candidates = results[(results["ci_method"] != "published") & ~results["measure_id"].isin(list(whole_school))
                         & results["value"].notna() & results["cohort_n"].notna() & results["cohort_from"].notna()]
    measure_ids = candidates["measure_id"].tolist()
    end_years = candidates["end_year"].to_numpy(dtype=np.int64)
    values = candidates["value"].to_numpy(dtype=float)
    n = np.trunc(candidates["cohort_n"].to_numpy(dtype=float))
    unit = np.array([units.get(m, "") for m in measure_ids], dtype=object)
    sds = {key: national_pupil_sd(*key) for key in set(zip(measure_ids, end_years.tolist()))}
    sd = np.array([np.nan if sds[key] is None else sds[key] for key in zip(measure_ids, end_years.tolist())],
                  dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        wilson = (unit == "%") & (n > 0)
        successes = rebuilt_successes(values, n)
        wilson_low, wilson_high = wilson_bounds(successes, n)
        score = (unit == "score") & (n > 0) & ~np.isnan(sd)
        half = score_half_width(n, sd)
    lows = np.where(wilson, wilson_low, np.where(score, values - half, np.nan))
    highs = np.where(wilson, wilson_high, np.where(score, values + half, np.nan))
    words: dict[tuple, str | None] = {}  # the same figure (measure, year, value, cohort) recurs across schools
    methods = []
    for row in zip(wilson.tolist(), score.tolist(), lows.tolist(), highs.tolist(), measure_ids, end_years.tolist(),
                   values.tolist(), n.tolist(), successes.tolist(), sd.tolist(), candidates["cohort_from"].tolist()):
        is_wilson, is_score, low, high, measure_id, end_year, value, pupils, reaching, year_sd, columns = row
        key = (is_wilson, is_score, measure_id, end_year, value, pupils, columns)
        if key not in words:
            interval = (Interval(low, high, "wilson", n=int(pupils), successes=int(reaching)) if is_wilson else
                        Interval(low, high, "national pupil SD", n=int(pupils), sd=year_sd) if is_score else None)
            words[key] = method_text(interval, value, end_year, columns)
        methods.append(words[key])
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
