"""The LA-level pupil-group series: which dictionary measure is published for which pupil group, and the LAIT
code that carries it (`group_measures.csv`).

A group series is a base measure of the indicator dictionary (its unit, decimals, polarity, year type and series
breaks hold for every group) broken down by a pupil group of `codes.PUPIL_GROUP_LABELS`. Adding one is a row
here: the LAIT importer loads every row with a `lait_code`; EES importers load only the series listed, so a
group a file carries but the dashboard does not show is not loaded half-described.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from rutland_data.reference import measures
from rutland_data.reference.codes import PUPIL_GROUP_LABELS

GROUP_MEASURES_FILE = Path(__file__).with_name("group_measures.csv")
_COLUMNS = ["measure_id", "pupil_group", "lait_code"]


@dataclass(frozen=True)
class GroupSeries:
    measure_id: str
    pupil_group: str
    lait_code: str | None


@functools.lru_cache(maxsize=2)
def read_group_measures(path: Path = GROUP_MEASURES_FILE) -> tuple[GroupSeries, ...]:
    """Read and check the file once per process; a bad row names its line and column."""
    known = measures.by_id()
    rows, seen, codes = [], set(), set()
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != _COLUMNS:
            raise ValueError(f"{path.name}: the header must be {', '.join(_COLUMNS)}")
        for line_no, row in enumerate(reader, start=2):
            key = (row["measure_id"], row["pupil_group"])
            code = row["lait_code"] or None
            problem = (("measure_id", "is not in the indicator dictionary") if row["measure_id"] not in known else
                       ("pupil_group", "is not in codes.PUPIL_GROUP_LABELS") if row["pupil_group"] not in PUPIL_GROUP_LABELS
                       else ("pupil_group", "appears twice for this measure") if key in seen else
                       ("lait_code", "feeds another series too") if code and code in codes else None)
            if problem:
                raise ValueError(f"{path.name}: line {line_no}, column '{problem[0]}': {problem[1]}")
            seen.add(key)
            codes.add(code)
            rows.append(GroupSeries(row["measure_id"], row["pupil_group"], code))
    return tuple(rows)


def by_lait_code() -> dict[str, GroupSeries]:
    return {g.lait_code: g for g in read_group_measures() if g.lait_code}


def declared() -> set[tuple[str, str]]:
    """(measure_id, pupil_group) of every series the dashboard loads."""
    return {(g.measure_id, g.pupil_group) for g in read_group_measures()}


def groups_of(measure_id: str) -> list[str]:
    """The groups a measure is published for, in the order of `codes.PUPIL_GROUP_LABELS`."""
    order = list(PUPIL_GROUP_LABELS)
    return sorted((g.pupil_group for g in read_group_measures() if g.measure_id == measure_id), key=order.index)


def measure_ids() -> list[str]:
    """The base measures with group series, in dictionary order."""
    with_groups = {g.measure_id for g in read_group_measures()}
    return [m.measure_id for m in measures.read_dictionary() if m.measure_id in with_groups]
