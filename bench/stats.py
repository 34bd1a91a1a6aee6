"""Percentiles for the benchmark tables (one definition for the load client and the browser benchmark)."""
from __future__ import annotations

import statistics


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile (0.5 = median, 0.95 = p95), inclusive method; NaN for no values."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(sorted(values), n=100, method="inclusive")[round(share * 100) - 1]
