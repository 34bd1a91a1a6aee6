"""Tables as an OpenDocument spreadsheet (ODS), beside CSV, as Explore Education Statistics offers both.

The cells are the CSV's (`charts.tables.csv_table`): stored values as numbers, blank where a published
marker stands and the marker as text in its own column, never 0. Every zip entry is dated `stamp` (the
database's build time for the board pack), so one database gives one file.
"""
from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import datetime

import pandas as pd

from rutland_data.charts import tables
from rutland_data.exports.office import fixed_zip

ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]*?:/\\']")
SHEET_NAME_CHARS = 31   # what Excel and LibreOffice both accept
UNDATED = datetime(1980, 1, 1)   # the earliest a zip entry can carry: for downloads with no build time to hand


def sheet_names(titles: list[str]) -> list[str]:
    """Sheet names spreadsheets accept (no []*?:/\\', at most 31 characters), kept distinct."""
    names: list[str] = []
    for title in titles:
        base = _NOT_IN_SHEET_NAMES.sub(" ", title).strip()[:SHEET_NAME_CHARS] or "Sheet"
        name, n = base, 2
        while name in names:
            suffix = f" ({n})"
            name, n = base[:SHEET_NAME_CHARS - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def ods_bytes(sheets: Mapping[str, pd.DataFrame], stamp: datetime = UNDATED) -> bytes:
    """One sheet per table, in order (names made acceptable by `sheet_names`)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="odf") as writer:
        for name, frame in zip(sheet_names(list(sheets)), sheets.values()):
            tables.csv_table(frame).to_excel(writer, sheet_name=name, index=False)
    return fixed_zip(buffer.getvalue(), stamp)
