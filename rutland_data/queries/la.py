"""Named, parameterised queries of LA-level figures: areas, statistical neighbours, the years with results,
each measure's series against its comparators, every LA's value for ranking, the council review's quotes.

`comparator_series` is the one comparator query: the LA, England and its region as published, and the plain
mean of its statistical neighbours, over any table of published values (LA results here, destinations and
admissions in their own modules). The mean is summed as decimals (published figures have at most a few
decimal places): a sum of doubles depends on the order DuckDB's threads add them, so the same database could
show 66.1% on one run and 66.0% on the next, and the board pack's bytes would differ between builds.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from rutland_data.queries.kept import keep_read_together, kept
from rutland_data.reference import measures
from rutland_data.reference.codes import EAST_MIDLANDS_CODE, ENGLAND_CODE, NEIGHBOUR_MEAN
from rutland_data.reference.review_figures import ReviewFigure
from rutland_data.reference.versions import MIXED

_COMPARATOR_SERIES = """
WITH published AS ({values}),
own AS (
    SELECT p.*, CASE p.area_code WHEN $la THEN 'la' WHEN $england THEN 'england' ELSE 'region' END AS role
    FROM published p WHERE p.area_code IN ($la, $england, $region)
),
neighbour_mean AS (
    SELECT p.key, p.end_year, NULL::TEXT AS area_code, avg(p.value::DECIMAL(18, 6)) AS value,
           CASE WHEN count(p.value) = 0 THEN 'x' END AS value_code,
           CASE WHEN count(DISTINCT COALESCE(p.version, 'unstated')) FILTER (WHERE p.value IS NOT NULL) = 1
                THEN any_value(p.version) FILTER (WHERE p.value IS NOT NULL)
                WHEN count(p.value) > 0 THEN '{mixed}' END AS version,
           min(p.source_id) AS source_id, NULL::INTEGER AS source_row, 'neighbours' AS role,
           count(p.value) AS neighbours_counted
    FROM published p JOIN stat_neighbours n
      ON n.neighbour_code = p.area_code AND n.la_code = $la AND n.set_version = $set
    GROUP BY p.key, p.end_year
)
SELECT o.* EXCLUDE (key), o.key, COALESCE(a.name, o.area_code) AS series, NULL::BIGINT AS neighbours_counted
FROM own o LEFT JOIN areas a USING (area_code)
UNION ALL BY NAME
SELECT key, end_year, area_code, value, value_code, version, source_id, source_row, role,
       '{neighbour_mean}' AS series, neighbours_counted
FROM neighbour_mean
ORDER BY role, key, end_year
"""


def comparator_series(con: duckdb.DuckDBPyConnection, values: str, params: dict, la_code: str,
                      neighbour_set: str) -> pd.DataFrame:
    """The LA's published values beside England's, its region's and its statistical neighbours' plain mean.

    `values` is a SELECT, written by the calling query module (never from input), giving columns key, end_year,
    area_code, value, value_code, version, source_id, source_row (and any others, which the LA, England and region
    rows keep) with named parameters in `params`. The neighbour
    mean covers the neighbours with a value for that key and year; `neighbours_counted` says how many of the set
    that was, so a partial average is never passed off as complete, and its version is 'mixed' when they differ."""
    return con.execute(*_comparator_query(con, values, params, la_code, neighbour_set)).df()


def _comparator_query(con: duckdb.DuckDBPyConnection, values: str, params: dict, la_code: str,
                      neighbour_set: str) -> tuple[str, dict]:
    """`comparator_series`' SQL and parameters."""
    sql = _COMPARATOR_SERIES.format(values=values, mixed=MIXED, neighbour_mean=NEIGHBOUR_MEAN)
    return sql, {**params, "la": la_code, "england": ENGLAND_CODE, "region": region_of(con, la_code),
                 "set": neighbour_set}


def area_name(con: duckdb.DuckDBPyConnection, area_code: str) -> str:
    rows = con.execute("SELECT name FROM areas WHERE area_code = ?", [area_code]).fetchall()
    return rows[0][0] if rows else area_code


def region_of(con: duckdb.DuckDBPyConnection, la_code: str) -> str:
    rows = con.execute("SELECT region_code FROM areas WHERE area_code = ?", [la_code]).fetchall()
    return rows[0][0] if rows and rows[0][0] else EAST_MIDLANDS_CODE


def neighbours(con: duckdb.DuckDBPyConnection, la_code: str, set_version: str) -> pd.DataFrame:
    return con.execute(
        """
        SELECT n.rank, n.neighbour_code AS area_code, COALESCE(a.name, n.neighbour_code) AS name, n.closeness
        FROM stat_neighbours n LEFT JOIN areas a ON a.area_code = n.neighbour_code
        WHERE n.set_version = ? AND n.la_code = ?
        ORDER BY n.rank
        """,
        [set_version, la_code],
    ).df()


def years_with_results(con: duckdb.DuckDBPyConnection, la_code: str) -> list[int]:
    """Years in which the LA has a figure for at least one measure of the Headline trends page (year-to-date
    and other partial series do not make a year selectable on their own)."""
    rows = con.execute(
        "SELECT DISTINCT end_year FROM la_results WHERE area_code = ? AND value IS NOT NULL "
        "AND list_contains(?, measure_id) ORDER BY end_year",
        [la_code, measures.ids("headlines")],
    ).fetchall()
    return [r[0] for r in rows]


# The decimals a stored value was published with, over a column `text` holding value::VARCHAR (the most of a group).
PUBLISHED_DECIMALS_EXPR = """max(CASE WHEN contains(text, 'e') THEN 6
                WHEN contains(text, '.') AND NOT ends_with(text, '.0') THEN length(split_part(text, '.', 2))
                ELSE 0 END)"""
# How many decimals each file gives a measure in a year (the most any of its areas has).
_PUBLISHED_DECIMALS = f"""
SELECT measure_id, source_id, end_year, {PUBLISHED_DECIMALS_EXPR} AS published_decimals
FROM (SELECT measure_id, source_id, end_year, value::VARCHAR AS text FROM la_results
      WHERE list_contains($measures, measure_id) AND value IS NOT NULL)
GROUP BY measure_id, source_id, end_year
"""
_TREND_VALUES = f"""SELECT r.measure_id AS key, r.end_year, r.area_code, r.value, r.value_code, r.version, r.source_id,
                   r.source_row, d.published_decimals
            FROM la_results r LEFT JOIN ({_PUBLISHED_DECIMALS}) d USING (measure_id, source_id, end_year)
            WHERE list_contains($measures, r.measure_id)"""


@kept
def trend(con: duckdb.DuckDBPyConnection, measure_id: str, la_code: str, neighbour_set: str) -> pd.DataFrame:
    """One measure by year for the LA, England, its region and the neighbour average (`comparator_series`).

    `year_label` is the dictionary's label for the year; `published_decimals` is how many decimals the figure's
    file gives that year (the most any of its LAs has), so a 1-dp figure is never shown or compared as if it had 2.
    """
    return _with_year_labels(measure_id, comparator_series(con, _TREND_VALUES, {"measures": [measure_id]}, la_code,
                                                           neighbour_set))


def read_trends_together(con: duckdb.DuckDBPyConnection, measure_ids: list[str], la_code: str,
                         neighbour_set: str) -> None:
    """Inside `kept_results(con)`: every measure's `trend` read in one query and kept, for a summary or a board
    pack whose bullets, cards and charts then ask for one measure at a time (30 measures: 0.4 s one query each,
    0.1 s together). Each measure's rows are taken out inside DuckDB, so each frame's column types are what
    `trend` of that measure alone gives (DuckDB makes an integer column nullable only when it holds a NULL)."""
    def read(wanted: list[tuple]) -> dict[tuple, pd.DataFrame]:
        ids = [measure_id for measure_id, _, _ in wanted]
        sql, params = _comparator_query(con, _TREND_VALUES, {"measures": ids}, la_code, neighbour_set)
        rows = con.from_arrow(con.sql(sql, params=params).to_arrow_table())
        return {(measure_id, la_code, neighbour_set): _with_year_labels(measure_id, rows.filter(
                    duckdb.ColumnExpression("key") == duckdb.ConstantExpression(measure_id)).df())
                for measure_id in ids}
    keep_read_together(con, trend, read, [(measure_id, la_code, neighbour_set) for measure_id in measure_ids])


def _with_year_labels(measure_id: str, frame: pd.DataFrame) -> pd.DataFrame:
    measure = measures.by_id()[measure_id]
    return frame.drop(columns="key").assign(year_label=frame["end_year"].map(measure.year_label))


def values_for_ranking(con: duckdb.DuckDBPyConnection, measure_id: str, end_year: int) -> list[float | None]:
    """Every LA's value for one measure and year (regions and England left out)."""
    rows = con.execute(
        """
        SELECT r.value FROM la_results r JOIN areas a USING (area_code)
        WHERE r.measure_id = ? AND r.end_year = ? AND a.level = 'la'
        """,
        [measure_id, end_year],
    ).fetchall()
    return [r[0] for r in rows]


def review_figures(con: duckdb.DuckDBPyConnection, publisher_la: str, measure_id: str,
                   end_year: int) -> list[ReviewFigure]:
    """What the LA's own published review quoted for one measure and year (any area), with its citation."""
    rows = con.execute(
        "SELECT publisher_la, measure_id, end_year, area_code, quoted, value, version, document, citation "
        "FROM review_figures WHERE publisher_la = ? AND measure_id = ? AND end_year = ? ORDER BY area_code",
        [publisher_la, measure_id, end_year],
    ).fetchall()
    return [ReviewFigure(*row) for row in rows]
