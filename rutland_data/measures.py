"""The indicator dictionary: one row of `measures.csv` per measure.

Polarity, decimals, unit and series breaks drive every chart, table and sentence,
so adding a measure is adding a row, not writing code.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

import duckdb

MEASURES_FILE = Path(__file__).with_name("measures.csv")
UNITS = {"%", "score", "count", "rate"}
POLARITIES = {"higher", "lower", "neutral"}


@dataclass(frozen=True)
class Measure:
    measure_id: str
    phase: str
    name: str
    short_label: str
    unit: str
    polarity: str
    decimals: int
    description: str
    series_breaks: str
    lait_code: str | None
    headline: bool
    sort_order: int

    def breaks(self) -> list[tuple[int, str]]:
        """[(first end-year of a new series, reason), ...] in year order."""
        out = []
        for part in filter(None, (p.strip() for p in self.series_breaks.split(";"))):
            year, _, reason = part.partition(":")
            out.append((int(year), reason.strip()))
        return sorted(out)

    def format(self, value: float | None, code: str | None = None) -> str:
        """Value as published: fixed decimals and unit, or the marker when there is no value."""
        if value is None:
            return code or "no data"
        text = f"{value:,.{self.decimals}f}"
        return f"{text}%" if self.unit == "%" else text


@functools.lru_cache(maxsize=4)
def read_dictionary(path: Path = MEASURES_FILE) -> tuple[Measure, ...]:
    """Read and check the dictionary once per process; a bad row names its line and column."""
    measures = []
    seen: set[str] = set()
    with open(path, newline="", encoding="utf-8") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            problem = None
            if row["unit"] not in UNITS:
                problem = ("unit", f"must be one of {sorted(UNITS)}")
            elif row["polarity"] not in POLARITIES:
                problem = ("polarity", f"must be one of {sorted(POLARITIES)}")
            elif row["measure_id"] in seen:
                problem = ("measure_id", "appears twice")
            elif not all(part.split(":")[0].strip().isdigit()
                         for part in filter(None, (p.strip() for p in row["series_breaks"].split(";")))):
                problem = ("series_breaks", "each break must read 'YEAR: reason', separated by ';'")
            if problem:
                raise ValueError(f"{path.name}: line {line_no}, column '{problem[0]}': {problem[1]}")
            seen.add(row["measure_id"])
            measures.append(
                Measure(
                    measure_id=row["measure_id"],
                    phase=row["phase"],
                    name=row["name"],
                    short_label=row["short_label"],
                    unit=row["unit"],
                    polarity=row["polarity"],
                    decimals=int(row["decimals"]),
                    description=row["description"],
                    series_breaks=row["series_breaks"],
                    lait_code=row["lait_code"] or None,
                    headline=row["headline"] == "true",
                    sort_order=int(row["sort_order"]),
                )
            )
    return tuple(measures)


def load_dictionary(con: duckdb.DuckDBPyConnection) -> None:
    from rutland_data.db import insert_rows

    insert_rows(
        con,
        "measures",
        [
            [m.measure_id, m.phase, m.name, m.short_label, m.unit, m.polarity, m.decimals,
             m.description, m.series_breaks, m.lait_code, m.headline, m.sort_order]
            for m in read_dictionary()
        ],
    )


def by_id() -> dict[str, Measure]:
    return {m.measure_id: m for m in read_dictionary()}
