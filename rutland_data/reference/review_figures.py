"""Figures the council's own published review quoted: project reference data, loaded into every build.

Rutland's Learning and Skills Service Annual Review 2016-17 (LaSSAR) quoted 2017 results while
they were still provisional ("unvalidated and liable to change"); several later became different
final figures (KS2 RWM England 61% -> 62%, Attainment 8 Rutland 52.1 -> 52.2). A page showing the
final figure says so beside it, from this table. These are the council's published statements
with their citation (`review_figures.csv`), not rows of an official data file; the demo dataset
reproduces them as its seed figures.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rutland_data.reference import measures
from rutland_data.reference import versions
from rutland_data.reference.markers import round_half_up

REVIEW_FILE = Path(__file__).with_name("review_figures.csv")


@dataclass(frozen=True)
class ReviewFigure:
    publisher_la: str        # the council whose review it is
    measure_id: str
    end_year: int
    area_code: str
    quoted: str              # as printed, e.g. '61.0%'
    value: float
    version: str | None      # 'provisional' where the review says its data were unvalidated; None if it does not say
    document: str            # short name, e.g. 'LaSSAR 2016-17'
    citation: str            # document, section and the quoted words

    @property
    def quoted_decimals(self) -> int:
        """How many decimals the review printed ('61.0%' -> 1, '46' -> 0)."""
        return max(0, -Decimal(self.quoted.rstrip("%").strip()).as_tuple().exponent)

    def differs_from(self, value: float | None) -> bool:
        """Whether `value` is a different figure, not the same one rounded as the review printed it."""
        return value is not None and round_half_up(float(value), self.quoted_decimals) != self.value

    def note(self, measure: measures.Measure, shown_value: float, shown_version: str | None,
             published_decimals: int | None = None) -> str:
        """'62% final; 61% provisional at the time of the review (LaSSAR 2016-17)'."""
        shown = measure.format(shown_value, published_decimals=published_decimals)
        if shown_version in ("final", "revised", "provisional"):
            shown += f" {shown_version}"
        quoted = measure.format(self.value, published_decimals=self.quoted_decimals)
        when = f"{self.version} at the time of the review" if self.version else "as quoted in the review"
        return f"{shown}; {quoted} {when} ({self.document})"


@functools.lru_cache(maxsize=2)
def read(path: Path = REVIEW_FILE) -> tuple[ReviewFigure, ...]:
    """Read and check the table once per process; a bad row names its line and column."""
    dictionary = measures.by_id()
    figures = []
    with open(path, newline="", encoding="utf-8") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            problem = None
            if row["measure_id"] not in dictionary:
                problem = ("measure_id", "is not in the indicator dictionary")
            elif row["version"] and row["version"] not in versions.RANK:
                problem = ("version", f"must be blank or one of {list(versions.RANK)}")
            elif round_half_up(float(row["value"]), 6) != float(row["quoted"].rstrip("%")):
                problem = ("value", "must be the quoted figure")
            if problem:
                raise ValueError(f"{path.name}: line {line_no}, column '{problem[0]}': {problem[1]}")
            figures.append(ReviewFigure(row["publisher_la"], row["measure_id"], int(row["end_year"]),
                                        row["area_code"], row["quoted"], float(row["value"]), row["version"] or None,
                                        row["document"], row["citation"]))
    return tuple(figures)
