"""How a table looks to the person reading it: every cell as text, never `None`, `nan` or `NaT`.

Pure formatting (no database, no UI), used by the chart block and by every table a page shows.
An empty cell reads as a dash, or as the published code where the file gave one (a value
column and its `*_code` column); versions read 'unstated' where the source does not say;
numbers are rounded half-up (by the dictionary's decimals where the caller gives them, and never
to more decimals than the file published, where a `published_decimals` column says so).
CSV downloads keep the stored values and codes in their own columns (`csv_table`).
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from rutland_data.reference import versions
from rutland_data.reference.markers import round_half_up

DASH = "–"
PUBLISHED_DECIMALS = "published_decimals"   # a helper column: how many decimals the row's file gave
# Text pandas, numpy or Python write for a missing value; never a published code (see markers.GLOSSARY).
MISSING_TEXT = {"None", "nan", "NaT", "<NA>", "none"}


def is_missing(value: object) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    if isinstance(value, str):
        return value.strip() in MISSING_TEXT or not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def cell_text(value: object, decimals: int | None = None) -> str:
    """One cell as text: a dash when missing; numbers half-up to `decimals` (else whole numbers as
    integers and up to four decimals); dates as '01 Sep 2017'; booleans as yes/no."""
    if is_missing(value):
        return DASH
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        if decimals is not None:
            text = f"{round_half_up(number, decimals):.{decimals}f}"
            return text.lstrip("-") if float(text) == 0 else text
        if number.is_integer():
            return str(int(number))
        return np.format_float_positional(round_half_up(number, 4), trim="-")
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        return f"{stamp:%d %b %Y}" if (stamp.hour, stamp.minute, stamp.second) == (0, 0, 0) else f"{stamp:%d %b %Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d %b %Y}"
    return str(value)


def code_columns(columns) -> dict[str, str]:
    """Value column -> the column holding its published code: 'value' -> 'value_code', 'overall' -> 'overall_code'."""
    names = set(columns)
    pairs = {"value": "value_code"} if {"value", "value_code"} <= names else {}
    pairs.update({c[: -len("_code")]: c for c in names if c.endswith("_code") and c[: -len("_code")] in names})
    return pairs


def display_table(table: pd.DataFrame, decimals: Mapping[str, int] | None = None) -> pd.DataFrame:
    """`table` with every cell as the text a reader should see (see the module docstring)."""
    decimals = dict(decimals or {})
    codes = code_columns(table.columns)
    published = table[PUBLISHED_DECIMALS] if PUBLISHED_DECIMALS in table.columns else None
    shown = {}
    for column in table.columns:
        if column == PUBLISHED_DECIMALS:
            continue
        values = table[column]
        if column == "version":
            shown[column] = [versions.label(None if is_missing(v) else v) for v in values]
            continue
        if column in decimals and published is not None:
            places = [decimals[column] if is_missing(p) else min(decimals[column], int(p)) for p in published]
        else:
            places = [decimals.get(column)] * len(values)
        texts = [cell_text(v, d) for v, d in zip(values, places)]
        if column in codes:
            texts = [code if text == DASH and not is_missing(code) else text
                     for text, code in zip(texts, table[codes[column]])]
        shown[column] = texts
    return pd.DataFrame(shown, index=table.index, columns=list(shown))


def csv_table(table: pd.DataFrame) -> pd.DataFrame:
    """`table` for a CSV download: stored values as they are (blank where a code stands, the code in its own
    column), missing text blank rather than 'None' or 'nan', and the version written out."""
    out = table.drop(columns=[PUBLISHED_DECIMALS], errors="ignore").copy()
    for column in out.columns:
        if column == "version":
            out[column] = [versions.label(None if is_missing(v) else v) for v in out[column]]
        elif out[column].dtype == object:
            out[column] = [None if is_missing(v) else v for v in out[column]]
    return out
