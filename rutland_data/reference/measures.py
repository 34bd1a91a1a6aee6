"""The indicator dictionary: one row of `measures.csv` per measure.

Polarity, decimals, unit, year type and series breaks drive every chart, table and sentence,
so adding a measure is adding a row, not writing code.

Series breaks are written `KIND YEAR[-YEAR]: reason`, separated by ';' (years are the end year
of the academic year, e.g. 2017 for 2016/17):
- `new 2017: Attainment 8 moved to the 9-1 points scale` - a new series starts in 2016/17, so no
  change is described between 2015/16 and 2016/17;
- `gap 2020-2021: no KS2 tests (COVID-19)` - nothing was published for 2019/20 and 2020/21. A gap
  is not a new series: the years are simply missing. `gap 2024-` is open-ended (not published since).
"""
from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from rutland_data.reference.markers import round_half_up

MEASURES_FILE = Path(__file__).with_name("measures.csv")
UNITS = {"%", "score", "count", "rate"}
POLARITIES = {"higher", "lower", "neutral"}
YEAR_TYPES = {"academic": "Academic year", "calendar": "Calendar year", "financial": "Financial year"}
_BREAK = re.compile(r"^(new|gap) (\d{4})(?:(-)(\d{4})?)?: (\S.*)$")


def label_year(end_year: int, year_type: str = "academic") -> str:
    """The one way a year is written: academic 2017 -> '2016/17' (as DfE names academic years),
    calendar 2017 -> '2017', financial 2017 -> '2016-17' (April 2016 to March 2017)."""
    if year_type == "calendar":
        return str(end_year)
    separator = "-" if year_type == "financial" else "/"
    return f"{end_year - 1}{separator}{end_year % 100:02d}"


@dataclass(frozen=True)
class SeriesBreak:
    kind: str                # 'new': a new series starts in `first`; 'gap': nothing published from `first`
    first: int               # end year
    last: int | None         # gaps only: the last end year not published (None: not published since)
    reason: str

    def covers(self, end_year: int) -> bool:
        """Whether `end_year` falls in this gap (a 'new' break covers no year)."""
        return self.kind == "gap" and self.first <= end_year and (self.last is None or end_year <= self.last)


def parse_breaks(text: str) -> tuple[SeriesBreak, ...]:
    """The breaks of a `series_breaks` cell in year order; ValueError names the part it cannot read."""
    found = []
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        match = _BREAK.match(part)
        if not match:
            raise ValueError(f"'{part}' should read 'new YEAR: reason' or 'gap YEAR[-YEAR]: reason'")
        kind, first, dash, last, reason = match.groups()
        if kind == "new" and dash:
            raise ValueError(f"'{part}': a new series starts in one year")
        end = int(first) if kind == "gap" and not dash else (int(last) if last else None)
        if end is not None and end < int(first):
            raise ValueError(f"'{part}': the gap ends before it starts")
        found.append(SeriesBreak(kind, int(first), end if kind == "gap" else None, reason.strip()))
    return tuple(sorted(found, key=lambda b: b.first))


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
    year_type: str = "academic"

    def breaks(self) -> tuple[SeriesBreak, ...]:
        return parse_breaks(self.series_breaks)

    def new_series_in(self, end_year: int) -> SeriesBreak | None:
        """The break that starts a new series in `end_year`, if any."""
        return next((b for b in self.breaks() if b.kind == "new" and b.first == end_year), None)

    def gap_covering(self, end_year: int) -> SeriesBreak | None:
        """The documented gap in which nothing was published for `end_year`, if any."""
        return next((b for b in self.breaks() if b.covers(end_year)), None)

    def year_label(self, end_year: int) -> str:
        return label_year(int(end_year), self.year_type)

    @property
    def year_title(self) -> str:
        """'Academic year' / 'Calendar year' / 'Financial year', for axes and column headers."""
        return YEAR_TYPES[self.year_type]

    def period(self, end_year: int) -> str:
        """The year as a sentence names it: '2016/17', 'calendar year 2021', 'financial year 2016-17'."""
        label = self.year_label(end_year)
        return label if self.year_type == "academic" else f"{self.year_title.lower()} {label}"

    def shown_decimals(self, published_decimals: int | None = None) -> int:
        """Decimals to show: the dictionary's, or fewer where the file published fewer (a 1-dp source
        shown as '2.80' would claim a precision it never had)."""
        if published_decimals is None or published_decimals != published_decimals:  # None or NaN
            return self.decimals
        return max(0, min(self.decimals, int(published_decimals)))

    def format(self, value: float | None, code: str | None = None, published_decimals: int | None = None) -> str:
        """Value rounded half-up to the shown decimals, with its unit; the marker when there is no value."""
        if value is None or value != value:  # None or NaN
            return code if isinstance(code, str) and code else "no data"
        decimals = self.shown_decimals(published_decimals)
        text = f"{round_half_up(float(value), decimals):,.{decimals}f}"
        if text.startswith("-") and float(text.lstrip("-").replace(",", "")) == 0:
            text = text.lstrip("-")  # -0.001 shown to 2 dp is 0.00, not -0.00
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
            elif row["year_type"] not in YEAR_TYPES:
                problem = ("year_type", f"must be one of {sorted(YEAR_TYPES)}")
            elif row["measure_id"] in seen:
                problem = ("measure_id", "appears twice")
            else:
                try:
                    parse_breaks(row["series_breaks"])
                except ValueError as error:
                    problem = ("series_breaks", str(error))
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
                    year_type=row["year_type"],
                )
            )
    return tuple(measures)


def load_dictionary(con: duckdb.DuckDBPyConnection) -> None:
    from rutland_data.store.db import insert_rows

    insert_rows(
        con,
        "measures",
        [
            [m.measure_id, m.phase, m.name, m.short_label, m.unit, m.polarity, m.decimals, m.year_type,
             m.description, m.series_breaks, m.lait_code, m.headline, m.sort_order]
            for m in read_dictionary()
        ],
    )


def by_id() -> dict[str, Measure]:
    return {m.measure_id: m for m in read_dictionary()}
