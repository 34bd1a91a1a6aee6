"""LA-level absence in two EES formats.

- Absence by term, 2012/13 to 2016/17 (`absence_by_term.csv`, inside its zip): overall
  absence rate by phase for the full year (`term` = Total) and for each term.
  No persistent-absence columns.
- Attendance year-to-date (`EES_ytd_data.csv`, behind DfE's attendance dashboard, 2022/23
  onward): these are fortnightly register data up to the latest week of that version,
  NOT the final annual absence statistics, so they are stored as separate
  'year to date' measures and never mixed into the annual series.
"""
from __future__ import annotations

import pandas as pd

from rutland_data.ingest.importers import (BadInput, Col, Importer, SourceFile, insert_la_results, parse_column,
                                    reject_duplicates)
from rutland_data.ingest.importers.ees_format import GEOGRAPHY, GEOGRAPHY_COLUMNS, add_area_and_year
from rutland_data.ingest.intake import PERCENT

RESULT_COLUMNS = ["measure_id", "year_label", "end_year", "area_code", "value", "value_code",
                  "version", "source_id", "source_row"]
TERM_PHASES = {"State-funded primary": "primary", "State-funded secondary": "secondary", "Special": "special"}
TERMS = {"Total": "", "Autumn term": "_autumn", "Spring term": "_spring", "Summer term": "_summer"}
YTD_PHASES = {"Primary": "primary", "Secondary": "secondary", "Special": "special", "Total": "total"}


def _measure_rows(source: SourceFile, frame: pd.DataFrame, measure_ids: list[str], column: str,
                  source_id: int) -> pd.DataFrame:
    values, codes = parse_column(source, frame, column)
    rows = frame[["year_label", "end_year", "area_code", "_row"]].copy()
    rows["measure_id"] = measure_ids
    rows["value"] = values
    rows["value_code"] = codes
    rows["version"] = None
    rows["source_id"] = source_id
    rows["source_row"] = rows["_row"]
    return rows[rows["value"].notna() | rows["value_code"].notna()]


def load_by_term(con, source: SourceFile, source_id: int, settings):
    frame = source.frame()
    frame = frame[frame["school_type"].str.strip().isin(TERM_PHASES) & frame["term"].str.strip().isin(TERMS)]
    # Terms are loaded for primary and secondary only; special schools have the full year.
    frame = frame[(frame["term"].str.strip() == "Total") | (frame["school_type"].str.strip() != "Special")]
    if frame.empty:
        raise BadInput(source.display_name, "has no rows for the expected school types and terms", column="term")
    frame = add_area_and_year(source, frame, con)
    reject_duplicates(source, frame, ["time_period", "area_code", "school_type", "term"],
                      "year, area, school type and term")
    measure_ids = [f"abs_overall_{TERM_PHASES[p.strip()]}{TERMS[t.strip()]}"
                   for p, t in zip(frame["school_type"], frame["term"])]
    return insert_la_results(con, _measure_rows(source, frame, measure_ids, "sess_overall_percent",
                                                source_id)[RESULT_COLUMNS])


def load_year_to_date(con, source: SourceFile, source_id: int, settings):
    phase_column = "education_phase" if "education_phase" in source.columns else "school_type"
    if phase_column not in source.columns:
        raise BadInput(source.display_name, "has neither education_phase nor school_type", row=1)
    frame = source.frame()
    frame = frame[frame[phase_column].str.strip().isin(YTD_PHASES)]
    frame = add_area_and_year(source, frame, con)
    reject_duplicates(source, frame, ["time_period", "area_code", phase_column], "year, area and phase")
    frame["year_label"] = frame["year_label"] + " (year to date)"
    phases = [YTD_PHASES[p.strip()] for p in frame[phase_column]]
    rows = pd.concat([
        _measure_rows(source, frame, [f"abs_ytd_overall_{p}" for p in phases], "overall_absence_perc", source_id),
        _measure_rows(source, frame, [f"abs_ytd_persistent_{p}" for p in phases], "pa_perc", source_id),
    ], ignore_index=True)
    return insert_la_results(con, rows[RESULT_COLUMNS])


IMPORTERS = [
    Importer(
        name="EES absence by LA and term (2012/13 to 2016/17)",
        signature=frozenset({"time_period", "term", "school_type", "sess_overall_percent"}),
        required=(*GEOGRAPHY_COLUMNS, "term", "school_type", "sess_overall_percent"),
        load=load_by_term,
        priority=30,
        columns=(*GEOGRAPHY, Col("sess_overall_percent", PERCENT)),
    ),
    Importer(
        name="Attendance year to date (DfE attendance dashboard)",
        signature=frozenset({"time_period", "overall_absence_perc", "pa_perc"}),
        required=(*GEOGRAPHY_COLUMNS, "overall_absence_perc", "pa_perc"),
        load=load_year_to_date,
        priority=30,
        columns=(*GEOGRAPHY, Col("overall_absence_perc", PERCENT), Col("pa_perc", PERCENT)),
        release_note="Year to date: fortnightly register data up to the last week of this version, "
                     "not the final annual absence statistics.",
    ),
]
