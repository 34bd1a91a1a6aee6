"""Shared reading of Explore Education Statistics (EES) tidy files: geography and time columns.

EES files all carry `time_period`, `geographic_level` and the country/region/LA
code columns; this turns those into the dashboard's area codes and years so each
EES format module only maps its own measure columns.
"""
from __future__ import annotations

import pandas as pd

from rutland_data.ingest import intake
from rutland_data.ingest.importers import BadInput, Col, SourceFile, insert_areas
from rutland_data.reference.markers import PUBLISHED_MARKERS
from rutland_data.reference.codes import ENGLAND_CODE

GEOGRAPHY_COLUMNS = ("time_period", "geographic_level", "region_code", "region_name",
                     "old_la_code", "new_la_code", "la_name")
# Codes are blank, or a marker ('NA' on the attendance files' regional rows), where a level has none.
GEOGRAPHY = (
    Col("time_period", intake.TIME_PERIOD, blank=False),
    Col("country_code", intake.COUNTRY_CODE, markers=PUBLISHED_MARKERS),
    Col("region_code", intake.REGION_CODE, markers=PUBLISHED_MARKERS),
    Col("old_la_code", intake.LA_NUMBER, markers=PUBLISHED_MARKERS),
    Col("new_la_code", intake.LA_GSS_CODE, markers=PUBLISHED_MARKERS),
)
_LEVELS = {"national": "england", "regional": "region", "local authority": "la"}


def academic_year(time_period: str) -> tuple[str, int]:
    """'201718' -> ('2017/18', 2018); '2018' -> ('2018', 2018)."""
    text = str(time_period).strip()
    if len(text) == 6 and text.isdigit():
        return f"{text[:4]}/{text[4:]}", int(text[:4]) + 1
    if len(text) == 4 and text.isdigit():
        return text, int(text)
    raise ValueError(f"time period '{text}' is not a year (expected e.g. 201718)")


def add_area_and_year(source: SourceFile, frame: pd.DataFrame, con) -> pd.DataFrame:
    """Keep national, regional and LA rows; add `area_code`, `year_label`, `end_year`; record the areas."""
    level = frame["geographic_level"].str.strip().str.lower().map(_LEVELS)
    frame = frame[level.notna()].copy()
    frame["level"] = level[level.notna()]
    codes, labels, ends = [], [], []
    for row, lvl, period, region, la in zip(frame["_row"], frame["level"], frame["time_period"],
                                            frame["region_code"], frame["old_la_code"]):
        code = {"england": ENGLAND_CODE, "region": str(region).strip(), "la": str(la).strip()}[lvl]
        if not code:
            column = "region_code" if lvl == "region" else "old_la_code"
            raise BadInput(source.display_name, "area code is blank", row=int(row), column=column)
        try:
            label, end = academic_year(period)
        except ValueError as error:
            raise BadInput(source.display_name, str(error), row=int(row), column="time_period") from None
        codes.append(code)
        labels.append(label)
        ends.append(end)
    frame["area_code"], frame["year_label"], frame["end_year"] = codes, labels, ends

    names = frame["la_name"].where(frame["level"] == "la", frame["region_name"])
    names = names.where(frame["level"] != "england", "England")
    areas = pd.DataFrame({
        "area_code": frame["area_code"],
        "name": names.str.strip(),
        "level": frame["level"],
        "old_la_code": pd.to_numeric(frame["old_la_code"].where(frame["level"] == "la"), errors="coerce").astype("Int64"),
        "new_la_code": frame["new_la_code"].where(frame["level"] == "la").str.strip(),
        "region_code": frame["region_code"].where(frame["level"] == "la").str.strip(),
        "is_current": True,
    }).drop_duplicates("area_code")
    insert_areas(con, areas)
    return frame
