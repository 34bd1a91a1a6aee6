"""Named, parameterised queries of LA-level pupil-group figures (`la_group_results`), beside the all-pupils figure
of the same measure (`la_results`, group 'all'), for the LA and England."""
from __future__ import annotations

import duckdb
import pandas as pd

from rutland_data.queries import la
from rutland_data.queries.kept import kept
from rutland_data.reference import measures
from rutland_data.reference.codes import ENGLAND_CODE
from rutland_data.store import db

# Each figure with the decimals its file gives the measure for that group and year: the most any of its areas has,
# over every area, so a whole-number LAIT figure is never shown or compared as if it had a decimal, and a figure
# LAIT writes without its trailing zero ('40' for 40.0, beside 34.9 and 150 other LAs' decimals) keeps its decimal.
_SERIES = f"""
WITH every_area AS (
    SELECT measure_id, pupil_group, end_year, area_code, value, value_code, cohort, version, source_id, source_row
    FROM la_group_results WHERE measure_id = $measure
    UNION ALL BY NAME
    SELECT measure_id, 'all' AS pupil_group, end_year, area_code, value, value_code, NULL::INTEGER AS cohort, version,
           source_id, source_row
    FROM la_results WHERE measure_id = $measure
),
decimals AS (
    SELECT source_id, pupil_group, end_year, {la.PUBLISHED_DECIMALS_EXPR} AS published_decimals
    FROM (SELECT source_id, pupil_group, end_year, value::VARCHAR AS text FROM every_area WHERE value IS NOT NULL)
    GROUP BY ALL
)
SELECT r.*, d.published_decimals FROM every_area r LEFT JOIN decimals d USING (source_id, pupil_group, end_year)
WHERE r.area_code IN ($la, $england)
ORDER BY pupil_group, end_year, area_code
"""


@kept
def group_series(con: duckdb.DuckDBPyConnection, measure_id: str, la_code: str) -> pd.DataFrame:
    """Every year of one measure by pupil group for the LA and England, with 'all' pupils; `year_label` is the
    dictionary's label for the year."""
    if not db.has_tables(con, "la_group_results"):
        return pd.DataFrame(columns=["measure_id", "pupil_group", "end_year", "area_code", "value", "value_code",
                                     "cohort", "version", "source_id", "source_row", "published_decimals",
                                     "year_label"])
    frame = con.execute(_SERIES, {"measure": measure_id, "la": la_code, "england": ENGLAND_CODE}).df()
    return frame.assign(year_label=frame["end_year"].map(measures.by_id()[measure_id].year_label))


def measures_with_groups(con: duckdb.DuckDBPyConnection, la_code: str) -> list[str]:
    """The base measures the LA has at least one group figure or marker for."""
    if not db.has_tables(con, "la_group_results"):
        return []
    rows = con.execute("SELECT DISTINCT measure_id FROM la_group_results WHERE area_code = ?", [la_code]).fetchall()
    return [r[0] for r in rows]


def latest_value(con: duckdb.DuckDBPyConnection, measure_id: str, la_code: str,
                 end_year: int | None) -> tuple[int, float] | None:
    """(year, value) of the LA's newest published figure for a measure up to `end_year` (any year if None)."""
    rows = con.execute(
        "SELECT end_year, value FROM la_results WHERE measure_id = ? AND area_code = ? AND value IS NOT NULL "
        "AND (? IS NULL OR end_year <= ?) ORDER BY end_year DESC LIMIT 1",
        [measure_id, la_code, end_year, end_year]).fetchall()
    return (int(rows[0][0]), float(rows[0][1])) if rows else None


def values_by_year(con: duckdb.DuckDBPyConnection, measure_id: str, la_code: str) -> dict[int, float]:
    """The LA's published values of one measure by end year (markers left out)."""
    rows = con.execute("SELECT end_year, value FROM la_results WHERE measure_id = ? AND area_code = ? "
                       "AND value IS NOT NULL ORDER BY end_year", [measure_id, la_code]).fetchall()
    return {int(year): float(value) for year, value in rows}
