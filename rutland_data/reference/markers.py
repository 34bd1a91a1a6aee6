"""Published suppression and special-value markers, and turning a cell into (value, code).

A marker is kept as a code beside a NULL value; it is never read as 0, because
"suppressed", "not applicable" and "none" mean different things to a reader.
"""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

# code -> (where it is used, meaning); shown on the About the data page.
GLOSSARY: dict[str, tuple[str, str]] = {
    "c": ("Explore Education Statistics", "Confidential: suppressed to protect small numbers"),
    "x": ("Explore Education Statistics", "Not available"),
    "z": ("Explore Education Statistics", "Not applicable"),
    "k": ("Explore Education Statistics", "Rounds to 0 but is not zero"),
    "u": ("Explore Education Statistics", "Low reliability"),
    "low": ("Explore Education Statistics (destinations)", "Positive percentage below 0.5"),
    ":": ("Explore Education Statistics (older files)", "Not available or not applicable"),
    ".": ("Older DfE statistical releases", "Not applicable or not available"),
    "-": ("LAIT", "Not available or suppressed"),
    "SUPP": ("Performance tables", "Suppressed: usually 5 or fewer pupils (10 or fewer for destinations)"),
    "SUPP!": ("Performance tables (finance)", "Suppressed"),
    "NE": ("Performance tables", "No entries: no pupils entered for the measure"),
    "NP": ("Performance tables", "Not published"),
    "NA": ("Performance tables", "Not applicable or not available"),
    "LOWCOV": ("Performance tables", "Low coverage: under 50% of pupils included in the measure"),
    "NEW": ("Performance tables", "New institution, or no eligible pupils yet"),
    "SP": ("Performance tables (destinations)", "Small percentage: between 0% and 0.5%"),
    "SN": ("Performance tables (16-18 destinations)", "Undocumented; appears with small counts, so treated as suppressed"),
    "LOW": ("School places scorecards", "Undocumented; treated as not numeric"),
    "Low": ("School places scorecards", "Undocumented; treated as not numeric"),
    "NaN": ("School places scorecards", "Undocumented; treated as not numeric"),
    "DNS": ("This dashboard", "Suppressed by the dashboard's own disclosure rule (small count, or could reveal one)"),
}

# Markers that only one publisher's files carry: accepted only where a format declares them.
SCORECARD_MARKERS = frozenset(c for c, (where, _) in GLOSSARY.items() if where == "School places scorecards")
# Every marker a published file may hold (the dashboard's own DNS never comes from a file).
PUBLISHED_MARKERS = frozenset(GLOSSARY) - SCORECARD_MARKERS - {"DNS"}

# A published number (after any '%' sign is removed): digits, optionally grouped in threes by commas
# ('9,109', '1,234,567.5'), a decimal point, an exponent. A comma anywhere else ('96,50145773', '46,5')
# is a decimal comma or a typo, never a thousands separator, so it is not a number.
NUMBER = re.compile(r"^[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


class NotAValue(ValueError):
    """Raised for text that is neither a number nor a known marker."""


def parse_cell(text: object, blank_code: str | None = None) -> tuple[float | None, str | None]:
    """Return (value, code) for one published cell.

    Numbers may carry a '%' sign or thousands separators (`NUMBER`). A known marker gives
    (None, marker). A blank gives (None, blank_code) so the caller decides whether
    blank means 'not published' or is an error. Anything else, a decimal comma or a
    number too large to be finite included, raises NotAValue.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None, blank_code
    if isinstance(text, (int, float)):
        return float(text), None
    cell = str(text).strip()
    if cell == "":
        return None, blank_code
    if cell in GLOSSARY:
        return None, cell
    number = cell.rstrip("%").strip()
    if NUMBER.match(number) and math.isfinite(float(number.replace(",", ""))):
        return float(number.replace(",", "")), None
    raise NotAValue(f"'{cell}' is neither a number nor a published marker")


def round_half_up(value: float | None, decimals: int) -> float | None:
    """Round as DfE publishes (half away from zero), undoing float artefacts such as 72.099999999999994."""
    if value is None:
        return None
    # repr gives the shortest string that round-trips, so 72.099999999999994 -> '72.1'.
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def is_missing(value: object) -> bool:
    """True for None, NaN, pd.NA and NaT: the ways a missing number reaches pure code from a frame."""
    return not isinstance(value, str) and bool(pd.isna(value))
