"""Funnel plots: control limits around national for a school value against its cohort size, so a small
school's value has to be far from national before it stands out. Pure functions."""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import pandas as pd

from rutland_data.analysis.intervals import Z_95, Z_998
from rutland_data.reference.markers import is_missing
from rutland_data.reference.pupil_sds import national_pupil_sd


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
    if national is None or is_missing(national):
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
