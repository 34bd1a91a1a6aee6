"""Tables as an OpenDocument spreadsheet (ODS), beside CSV, as Explore Education Statistics offers both.

The cells are the CSV's (`charts.tables.csv_table`): stored values as numbers, blank where a published
marker stands and the marker as text in its own column, never 0; each sheet's first row, its column names, is
marked as its header row. Every zip entry is dated `stamp` (the database's build time for the board pack), so
one database gives one file. Written by stream-write-ods, which writes the XML as text: pandas' own ODS writer
(odfpy) built a DOM of every cell, 1.4 s for a board pack's 10,000 cells against 0.2 s.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

import pandas as pd
from stream_write_ods import stream_write_ods

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
    tables_by_name = zip(sheet_names(list(sheets)), (tables.csv_table(frame) for frame in sheets.values()))
    written = stream_write_ods(((name, [str(column) for column in table.columns], _rows(table))
                                for name, table in tables_by_name), get_modified_at=lambda: stamp)
    return fixed_zip(b"".join(written), stamp)


def _rows(table: pd.DataFrame):
    """The table's rows as Python values the writer knows (str, int, float, bool, datetime), None for a blank."""
    columns = []
    for name in table.columns:
        column = table[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            columns.append([None if pd.isna(v) else v.to_pydatetime() for v in column])
        else:
            columns.append([None if tables.is_missing(v) else v for v in column.to_numpy(dtype=object)])
    return zip(*columns)
