"""School-level statistics: intervals, significance, funnel limits, pooling, disclosure control.

Pure functions (no database, no UI). They exist because a Rutland school has 10-200 pupils
in a year group: every school value needs an interval before it is compared with national,
pupil-group figures must be pooled over years from numerators and denominators, and any
count the dashboard computes must be checked for disclosure before it is shown.

Percentages are in percent (0-100) throughout, as DfE publishes them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from rutland_data import settings

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
    if band is None or _is_nan(band):
        return None
    return _BAND_SIGNIFICANCE.get(int(band))

SUPPRESSED = "DNS"          # the dashboard's own disclosure code (see markers.GLOSSARY)
NOT_AVAILABLE = "x"         # a computed figure that cannot be formed (a component is unknown)

# ---------------------------------------------------------------------------------------------
# National pupil-level standard deviations of progress scores
# ---------------------------------------------------------------------------------------------
# DfE's performance tables give each school's progress score a 95% interval of
#     score +/- 1.96 * national pupil SD / sqrt(pupils in the measure)
# (primary and secondary accountability technical guides). The SD is a national constant for
# the year and measure. The values below are the ones that REPRODUCE DfE's published intervals:
# for each file we searched for the SD at which every school's published (upper - lower)
# equals 2 * 1.96 * SD / sqrt(n) within the publication's rounding; the range of SDs that
# reproduced every school is given, and the table holds its midpoint.
#   KS4 Progress 8 (n = P8PUP; the same SD reproduces the pupil-group intervals, e.g.
#   P8CILOW_FSM6CLA1A with P8PUP_FSM6CLA1A):
#     2016/17  1.225-1.231  Hampshire ks4final (82 schools) and North Yorkshire ks4final (43)
#     2017/18  1.2615-1.264 Hampshire ks4final (80 schools; also all 7 pupil groups)
#     2018/19  1.2825-1.283 England ks4provisional (3,525 schools, all reproduced)
#   KS2 progress (n = TELIG x READCOV/WRITCOV/MATCOV, published to 1 decimal):
#     2016/17  reading 6.2275-6.230, writing 6.044-6.046, maths 5.624-5.628  Hampshire ks2final
#     2017/18  reading 5.990-5.9945, writing 5.731-5.736, maths 5.434       Hampshire ks2final
#              (315/311 schools; one school in reading 2017 and maths 2018 misses by 0.1,
#              consistent with its coverage % being rounded)
# DfE's technical guides state the SD each year, but they were not available to us; deriving
# the constants from DfE's own published intervals is the stronger check in any case (tests/
# test_school_stats.py re-derives every interval in those files). No file here has intervals
# for 2015/16, KS2 2018/19 or any year from 2021/22, so those years have no SD: the SD moves
# every year (by about 0.02 for P8 and 0.3 for KS2), and another year's SD would give an
# interval DfE never published. Such a figure gets no computed interval (and no funnel); its
# significance comes from DfE's published progress band where the file has one.
NATIONAL_PUPIL_SD: dict[str, dict[int, float]] = {
    "ks4_p8": {2017: 1.228, 2018: 1.2628, 2019: 1.2828},
    "ks2_read_prog": {2017: 6.229, 2018: 5.992},
    "ks2_writ_prog": {2017: 6.045, 2018: 5.733},
    "ks2_math_prog": {2017: 5.626, 2018: 5.434},
}


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
    if successes_or_pct is None or n is None or n <= 0 or _is_nan(successes_or_pct):
        return None
    successes = successes_or_pct if is_count else round(successes_or_pct * n / 100)
    successes = min(max(successes, 0), n)
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half) * 100, min(1.0, centre + half) * 100


def national_pupil_sd(measure_id: str, end_year: int) -> float | None:
    """The year's own national pupil SD for a progress measure; None for a year or measure without one."""
    return NATIONAL_PUPIL_SD.get(measure_id, {}).get(end_year)


def score_interval(score: float | None, n: int | None, sd: float | None,
                   z: float = 1.96) -> tuple[float, float] | None:
    """score +/- z * sd / sqrt(n): DfE's interval for a progress score (or any mean score)."""
    if score is None or sd is None or n is None or n <= 0 or _is_nan(score):
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
            and not (_is_nan(published_low) or _is_nan(published_high)):
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
    if any(x is None or _is_nan(x) for x in (value, low, high, national)):
        return None
    if low > national:
        return ABOVE
    if high < national:
        return BELOW
    return NOT_DIFFERENT


# ---------------------------------------------------------------------------------------------
# Funnel plots
# ---------------------------------------------------------------------------------------------
def proportion_funnel_limits(national_pct: float, cohort_sizes: Iterable[int], *,
                             method: str = "exact") -> pd.DataFrame:
    """95% and 99.8% control limits (percent) around a national percentage, per cohort size.

    method='exact' (default): binomial limits with Spiegelhalter's interpolation (Statistics in
    Medicine 2005, 24:1185-1202), right for the 10-30 pupil cohorts of village primaries where
    the normal approximation goes below 0 or above 100. The lower limit is his
    (r_p - alpha) / n on the lower tail; the upper limit is the same construction on the count
    of pupils NOT reaching the standard (1 - lower limit for 1 - p0), so that a school of x
    pupils out of n lies outside a limit exactly when the one-sided exact binomial test at
    that tail says so (his formula used directly for the upper tail flags one pupil too early).
    method='normal': p0 +/- z*sqrt(p0(1-p0)/n), clipped to 0-100.
    Columns: cohort_n, lower_95, upper_95, lower_998, upper_998.
    """
    if method not in ("exact", "normal"):
        raise ValueError("method must be 'exact' or 'normal'")
    p0 = national_pct / 100
    rows = []
    for n in sorted({int(n) for n in cohort_sizes if n and n > 0}):
        row = {"cohort_n": n}
        for suffix, z in (("95", Z_95), ("998", Z_998)):
            if method == "normal":
                half = z * math.sqrt(p0 * (1 - p0) / n)
                low, high = max(0.0, p0 - half), min(1.0, p0 + half)
            else:
                tail = _normal_upper_tail(z)
                low, high = _binomial_lower_limit(n, p0, tail), 1 - _binomial_lower_limit(n, 1 - p0, tail)
            row[f"lower_{suffix}"], row[f"upper_{suffix}"] = low * 100, high * 100
        rows.append(row)
    return pd.DataFrame(rows, columns=["cohort_n", "lower_95", "upper_95", "lower_998", "upper_998"])


def score_funnel_limits(national: float, cohort_sizes: Iterable[int], sd: float) -> pd.DataFrame:
    """Funnel limits for a mean score: national +/- z * sd / sqrt(n) (z = 1.96 and 3.09)."""
    rows = []
    for n in sorted({int(n) for n in cohort_sizes if n and n > 0}):
        half95, half998 = Z_95 * sd / math.sqrt(n), Z_998 * sd / math.sqrt(n)
        rows.append({"cohort_n": n, "lower_95": national - half95, "upper_95": national + half95,
                     "lower_998": national - half998, "upper_998": national + half998})
    return pd.DataFrame(rows, columns=["cohort_n", "lower_95", "upper_95", "lower_998", "upper_998"])


def funnel_limits_for(unit: str, measure_id: str, end_year: int, national: float | None,
                      cohort_sizes: Iterable[int]) -> pd.DataFrame | None:
    """Funnel limits for one measure: exact binomial for a percentage, national pupil SD for a
    progress score; None when neither applies (e.g. Attainment 8) or national is unknown."""
    if national is None or _is_nan(national):
        return None
    if unit == "%":
        return proportion_funnel_limits(national, cohort_sizes)
    sd = national_pupil_sd(measure_id, end_year) if unit == "score" else None
    return score_funnel_limits(national, cohort_sizes, sd) if sd else None


def _normal_upper_tail(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2))


def _binomial_cdf(n: int, p: float) -> np.ndarray:
    """P(X <= r) for r = 0..n, computed in log space so n in the thousands is safe."""
    if p <= 0:
        return np.ones(n + 1)
    if p >= 1:
        cdf = np.zeros(n + 1)
        cdf[n] = 1.0
        return cdf
    r = np.arange(n + 1)
    log_comb = np.array([math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) for k in r])
    pmf = np.exp(log_comb + r * math.log(p) + (n - r) * math.log1p(-p))
    return np.minimum(np.cumsum(pmf), 1.0)


def _binomial_lower_limit(n: int, p: float, probability: float) -> float:
    """Spiegelhalter's interpolated binomial quantile, as a proportion: (r_p - alpha) / n."""
    cdf = _binomial_cdf(n, p)
    r_p = min(int(np.searchsorted(cdf, probability)), n)   # smallest r with F(r) >= probability
    below = cdf[r_p - 1] if r_p > 0 else 0.0
    step = cdf[r_p] - below
    alpha = (cdf[r_p] - probability) / step if step > 0 else 0.0
    return min(1.0, max(0.0, (r_p - alpha) / n))


# ---------------------------------------------------------------------------------------------
# Pooling over years
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class YearCount:
    """One year's numerator and denominator; code is the published marker when not known."""
    end_year: int
    numerator: float | None
    denominator: float | None
    code: str | None = None


@dataclass(frozen=True)
class Pooled:
    """A pooled value, or value=None with the code ('x' unknown, 'DNS' disclosure) and why."""
    value: float | None
    numerator: float | None
    denominator: float | None
    years: tuple[int, ...]
    code: str | None = None
    reason: str | None = None


def pool_years(components: Sequence[YearCount], *, scale: float = 100.0, expected_years: int = 3,
               numerator_is_count: bool = True, suppress_up_to: int | None = None) -> Pooled:
    """Pool several years as sum(numerators) / sum(denominators) * scale - never by averaging.

    Averaging three percentages weights a year of 8 pupils like a year of 30; summing the
    counts does not. For a mean score give numerator = total points and scale=1,
    numerator_is_count=False.

    Withheld (value None, code 'x', reason) if fewer than `expected_years` years are given or
    any year's numerator or denominator is unknown or carries a published code.
    Withheld as 'DNS' (disclosure) if the pooled pupils number 1..threshold, or - for counts -
    if the pupils reaching (numerator) or not reaching (denominator - numerator) number
    1..threshold, because the shown percentage and cohort would reveal them.
    Threshold defaults to settings.suppress_counts_up_to.
    """
    threshold = settings.load().suppress_counts_up_to if suppress_up_to is None else suppress_up_to
    years = tuple(sorted(c.end_year for c in components))
    if len(set(years)) != len(years):
        raise ValueError(f"a year appears twice in the pooled components: {years}")
    if len(years) < expected_years:
        return Pooled(None, None, None, years, NOT_AVAILABLE,
                      f"only {len(years)} of the {expected_years} years needed")
    unknown = [c for c in components if c.code is not None or c.numerator is None or c.denominator is None
               or _is_nan(c.numerator) or _is_nan(c.denominator)]
    if unknown:
        detail = ", ".join(f"{c.end_year}: {c.code or 'not known'}" for c in sorted(unknown, key=lambda c: c.end_year))
        return Pooled(None, None, None, years, NOT_AVAILABLE, f"a year is not known ({detail})")
    numerator = float(sum(c.numerator for c in components))
    denominator = float(sum(c.denominator for c in components))
    if denominator <= 0:
        return Pooled(None, numerator, denominator, years, NOT_AVAILABLE, "no pupils in the pooled years")
    if 1 <= denominator <= threshold:
        return Pooled(None, None, None, years, SUPPRESSED,
                      f"{threshold} or fewer pupils over the pooled years")
    if numerator_is_count and (1 <= numerator <= threshold or 1 <= denominator - numerator <= threshold):
        return Pooled(None, None, denominator, years, SUPPRESSED,
                      f"would reveal a group of {threshold} or fewer pupils")
    return Pooled(numerator / denominator * scale, numerator, denominator, years)


# ---------------------------------------------------------------------------------------------
# Gap to national for pupil groups
# ---------------------------------------------------------------------------------------------
# Group ids used for pupil groups and, for each, the "other" group DfE's Analyse School
# Performance compares it with (disadvantaged pupils are compared with non-disadvantaged
# pupils nationally, because closing that gap is the aim). Prior-attainment bands have no
# "other" group and are compared with the same band nationally.
OTHER_GROUP: dict[str, str] = {
    "disadvantaged": "not_disadvantaged", "not_disadvantaged": "disadvantaged",
    "fsm": "not_fsm", "not_fsm": "fsm",
    "sen_support": "no_sen", "ehcp": "no_sen", "sen_any": "no_sen", "no_sen": "sen_any",
    "eal": "not_eal", "not_eal": "eal",
    "boys": "girls", "girls": "boys",
    "cla": "not_cla", "not_cla": "cla",
    "service": "not_service", "not_service": "service",
}
COMPARATORS = {
    "same_group": "the same group nationally",
    "other_group": "other pupils nationally (as in Analyse School Performance)",
}


@dataclass(frozen=True)
class Gap:
    gap: float | None           # value - comparator (polarity is the caller's to apply)
    comparator_value: float | None
    comparator_label: str       # e.g. 'non-disadvantaged pupils nationally'


def gap_to_national(value: float | None, group: str, national_by_group: dict[str, float | None],
                    comparator: str = "same_group") -> Gap:
    """Gap between a group's value and national: the same group, or the other group (ASP).

    national_by_group maps group id -> national value for the same measure and year.
    With comparator='other_group' a group with no other group (prior attainment, 'all')
    falls back to the same group, and the label says so.
    """
    if comparator not in COMPARATORS:
        raise ValueError(f"comparator must be one of {sorted(COMPARATORS)}")
    compare_with = group
    if comparator == "other_group" and group in OTHER_GROUP:
        compare_with = OTHER_GROUP[group]
    national = national_by_group.get(compare_with)
    label = f"{compare_with.replace('_', ' ')} pupils nationally"
    if comparator == "other_group" and compare_with == group:
        label += " (no other group to compare with)"
    if value is None or national is None or _is_nan(value) or _is_nan(national):
        return Gap(None, national, label)
    return Gap(value - national, national, label)


# ---------------------------------------------------------------------------------------------
# Disclosure control for counts the dashboard computes
# ---------------------------------------------------------------------------------------------
TOTAL = "Total"


@dataclass(frozen=True)
class SuppressedTable:
    """values: counts with NaN where hidden; codes: None, 'DNS', 'x' or a published code."""
    values: pd.DataFrame
    codes: pd.DataFrame

    def display(self) -> pd.DataFrame:
        """One text table for screens and CSVs: the count, or its code where hidden."""
        text = [[code if code is not None else f"{int(value):d}" for value, code in zip(vs, cs)]
                for vs, cs in zip(self.values.to_numpy(), self.codes.to_numpy())]
        return pd.DataFrame(text, index=self.values.index, columns=self.values.columns, dtype=object)


def suppress_table(counts: pd.DataFrame, threshold: int | None = None, *,
                   published_codes: pd.DataFrame | None = None, add_totals: bool = True) -> SuppressedTable:
    """Hide counts 1..threshold and enough other cells that no hidden cell can be derived.

    `counts` is the inner table (e.g. pupil group x year) of whole numbers; NaN only where
    published_codes gives the published marker, which is kept as it is. Row and column
    totals (and the grand total) are added under the label 'Total'; a total that includes an
    unknown published cell cannot be computed and gets code 'x'.

    Primary suppression: every count (inner or total) in 1..threshold -> 'DNS'. Zero is shown.
    Secondary suppression: the table's row and column sums are linear equations an onlooker
    can solve; while any hidden cell is determined by them (checked exactly with matrix
    ranks), one more cell in that cell's row or column is hidden - the smallest non-zero inner
    count first, so the least information is lost. This is exact against linear derivation;
    it does not claim to stop bounds reasoning (e.g. 'between 0 and 3').
    With add_totals=False no sums are shown, nothing can be derived, and only primary
    suppression applies.
    """
    threshold = settings.load().suppress_counts_up_to if threshold is None else threshold
    inner = counts.astype(float)
    codes_inner = np.full(inner.shape, None, dtype=object)
    if published_codes is not None:
        given = published_codes.reindex_like(inner).to_numpy(dtype=object)
        codes_inner = np.where(pd.isna(given), None, given).astype(object)
    if (inner.isna().to_numpy() & (codes_inner == None)).any():  # noqa: E711 (element-wise)
        raise ValueError("a count is missing without a published code; pass published_codes")
    if ((inner % 1 != 0) & inner.notna()).any().any() or (inner < 0).any().any():
        raise ValueError("counts must be whole numbers of 0 or more")

    if add_totals:
        values, code_grid = _with_totals(inner, codes_inner)
    else:
        values, code_grid = inner.copy(), codes_inner.copy()
    n_rows, n_cols = values.shape
    grid = values.to_numpy(dtype=float)
    hidden = np.array([[c is not None for c in row] for row in code_grid], dtype=bool)
    primary = (grid >= 1) & (grid <= threshold) & ~hidden
    code_grid[primary] = SUPPRESSED
    hidden |= primary

    equations = _line_equations(n_rows, n_cols) if add_totals else []
    while True:
        extra = _lone_hidden_line_choice(equations, grid, hidden, n_rows, n_cols)
        if extra is None:  # every line has 0 or 2+ hidden cells; a full rank check finds the rest
            exposed = _derivable_cells(equations, hidden)
            if not exposed:
                break
            extra = _secondary_choice(exposed[0], grid, hidden, n_rows, n_cols, add_totals)
        hidden[extra] = True
        code_grid[extra] = SUPPRESSED

    values_out = pd.DataFrame(np.where(hidden, np.nan, grid), index=values.index, columns=values.columns)
    codes_out = pd.DataFrame(code_grid, index=values.index, columns=values.columns, dtype=object)
    return SuppressedTable(values_out, codes_out)


def _with_totals(inner: pd.DataFrame, codes_inner: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    if TOTAL in inner.index or TOTAL in inner.columns:
        raise ValueError(f"'{TOTAL}' is reserved for the totals the table adds")
    values = inner.copy()
    values[TOTAL] = inner.sum(axis=1, skipna=False)
    values.loc[TOTAL] = values.sum(axis=0, skipna=False)
    codes = np.full(values.shape, None, dtype=object)
    codes[:-1, :-1] = codes_inner
    codes[values.isna().to_numpy() & (codes == None)] = NOT_AVAILABLE  # noqa: E711 (element-wise)
    return values, codes


def _line_equations(n_rows: int, n_cols: int) -> list[list[tuple[int, int, float]]]:
    """Each row and column of a table whose last row and column are totals: inner sum - total = 0."""
    lines = []
    for i in range(n_rows):
        lines.append([(i, j, 1.0) for j in range(n_cols - 1)] + [(i, n_cols - 1, -1.0)])
    for j in range(n_cols):
        lines.append([(i, j, 1.0) for i in range(n_rows - 1)] + [(n_rows - 1, j, -1.0)])
    return lines


def _derivable_cells(equations: list[list[tuple[int, int, float]]], hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells whose value follows from the equations and the shown cells.

    With the shown cells' values substituted, the equations restricted to hidden cells form
    A x = b; hidden cell k is determined exactly when the unit vector e_k lies in A's row space.
    """
    cells = [tuple(c) for c in np.argwhere(hidden)]
    if not cells or not equations:
        return []
    position = {cell: k for k, cell in enumerate(cells)}
    rows = []
    for line in equations:
        row = np.zeros(len(cells))
        for i, j, coefficient in line:
            if (i, j) in position:
                row[position[(i, j)]] = coefficient
        if row.any():
            rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    exposed = []
    for k, cell in enumerate(cells):
        unit = np.zeros(len(cells))
        unit[k] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            exposed.append(cell)
    return exposed


def _lone_hidden_line_choice(equations: list[list[tuple[int, int, float]]], grid: np.ndarray,
                             hidden: np.ndarray, n_rows: int, n_cols: int) -> tuple[int, int] | None:
    """If some row or column hides exactly one cell (so its sum gives it away), the cell to add."""
    for line in equations:
        cells = [(i, j) for i, j, _ in line]
        hidden_here = [c for c in cells if hidden[c]]
        if len(hidden_here) == 1:
            return _secondary_choice(hidden_here[0], grid, hidden, n_rows, n_cols, True, line=cells)
    return None


def _secondary_choice(cell: tuple[int, int], grid: np.ndarray, hidden: np.ndarray, n_rows: int,
                      n_cols: int, has_totals: bool,
                      line: list[tuple[int, int]] | None = None) -> tuple[int, int]:
    """The shown cell to hide next, from `line` if given, else the exposed cell's row or column.

    Preference: an inner cell over a total; one whose other line already holds a hidden cell
    (it closes a loop, like the four corners of a rectangle, so fewer cells are lost); a
    non-zero count; the smallest count.
    """
    i, j = cell
    in_row = [(i, c) for c in range(n_cols) if not hidden[i, c]]
    in_column = [(r, j) for r in range(n_rows) if not hidden[r, j]]

    def cost(candidate: tuple[int, int], other_line_hidden: bool) -> tuple:
        is_total = has_totals and (candidate[0] == n_rows - 1 or candidate[1] == n_cols - 1)
        value = grid[candidate]
        return (is_total, not other_line_hidden, value == 0, value, candidate)

    if line is not None:
        in_row = [c for c in line if c[0] == i and not hidden[c]] if all(c[0] == i for c in line) else []
        in_column = [c for c in line if c[1] == j and not hidden[c]] if all(c[1] == j for c in line) else []
    scored = [(cost(c, bool(hidden[:, c[1]].any())), c) for c in in_row] + \
             [(cost(c, bool(hidden[c[0], :].any())), c) for c in in_column]
    if not scored:  # the whole row and column are hidden already: widen to any shown cell
        scored = [(cost(tuple(c), False), tuple(c)) for c in np.argwhere(~hidden)]
    return min(scored)[1]


def _is_nan(x: object) -> bool:
    """True for None, NaN, pd.NA and NaT - the ways a missing scalar reaches this module."""
    return not isinstance(x, str) and bool(pd.isna(x))
