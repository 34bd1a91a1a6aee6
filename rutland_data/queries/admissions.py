"""Queries for the School admissions page: offers by preference against comparators, five-year averages and
the years with figures (parameterised SQL, DataFrames out)."""
from __future__ import annotations

import duckdb
import pandas as pd

from rutland_data.queries.la import comparator_series
from rutland_data.reference import measures
from rutland_data.reference.codes import academic_year


def five_year_average(con: duckdb.DuckDBPyConnection, measure_id: str, la_code: str,
                      end_year: int) -> dict | None:
    """Mean of the yearly rates over the five years up to `end_year` (as the council's review quotes
    it), with the years it covers; None unless all five years have a value."""
    rows = con.execute(
        """
        SELECT end_year, value, source_id FROM la_results
        WHERE measure_id = ? AND area_code = ? AND end_year BETWEEN ? AND ? AND value IS NOT NULL
        ORDER BY end_year
        """,
        [measure_id, la_code, end_year - 4, end_year],
    ).fetchall()
    if len(rows) < 5:
        return None
    values = [r[1] for r in rows]
    return {"mean": sum(values) / len(values), "years": [r[0] for r in rows], "values": values,
            "first_label": academic_year(rows[0][0]), "last_label": academic_year(rows[-1][0]),
            "source_ids": sorted({r[2] for r in rows})}


def latest_five_year_average(con: duckdb.DuckDBPyConnection, measure_id: str, la_code: str,
                             up_to: int) -> dict | None:
    """The five-year average ending at `up_to`, or else at the latest earlier year that has five in a row."""
    years = [r[0] for r in con.execute(
        "SELECT DISTINCT end_year FROM la_results WHERE measure_id = ? AND area_code = ? AND end_year <= ? "
        "AND value IS NOT NULL ORDER BY end_year DESC", [measure_id, la_code, up_to]).fetchall()]
    for end_year in years:
        average = five_year_average(con, measure_id, la_code, end_year)
        if average is not None:
            return average
    return None


def preference_breakdown(con: duckdb.DuckDBPyConnection, la_code: str, phase: str, end_year: int,
                         neighbour_set: str) -> pd.DataFrame:
    """The dictionary's preference outcomes for one school phase ('primary' / 'secondary') in one year - first,
    second, third preference, not named, no offer -, each for the LA, England, its region and the neighbour
    mean (with how many neighbours it covers), named by its breakdown label, in dictionary order."""
    outcomes = measures.where("admissions", school_phase=phase)
    frame = comparator_series(
        con, "SELECT measure_id AS key, end_year, area_code, value, value_code, version, source_id, source_row "
             "FROM la_results WHERE list_contains($measures, measure_id) AND end_year = $year",
        {"measures": [m.measure_id for m in outcomes], "year": end_year}, la_code, neighbour_set)
    frame = frame.rename(columns={"key": "measure_id"}).drop(columns="end_year")
    frame["year_label"] = academic_year(end_year)
    frame["preference"] = frame["measure_id"].map({m.measure_id: m.breakdown_label for m in outcomes})
    frame["order"] = frame["measure_id"].map({m.measure_id: i for i, m in enumerate(outcomes)})
    return frame.sort_values(["role", "order"]).reset_index(drop=True)


def admissions_years(con: duckdb.DuckDBPyConnection, la_code: str) -> list[int]:
    rows = con.execute("SELECT DISTINCT end_year FROM la_results WHERE area_code = ? AND list_contains(?, measure_id) "
                       "AND value IS NOT NULL ORDER BY 1", [la_code, measures.ids("admissions")]).fetchall()
    return [r[0] for r in rows]
