"""Named, parameterised queries for the LA-level pages; each returns a DataFrame or plain values."""
from __future__ import annotations

import duckdb
import pandas as pd

from rutland_data.reference.measures import by_id, label_year
from rutland_data.reference.review_figures import ReviewFigure
from rutland_data.settings import EAST_MIDLANDS_CODE, ENGLAND_CODE

# Comparator choices offered everywhere; the label is also the URL value (?comparator=Neighbours+2025).
COMPARATORS = ["England", "Region", "Neighbours 2025", "Neighbours 2021"]
COMPARATOR_HELP = (
    "England: all state-funded schools nationally. Region: the LA's own region (East Midlands for Rutland). "
    "Neighbours: the mean of the LA's 10 statistical neighbours in DfE's children's services model "
    "of May 2025 or April 2021."
)
NEIGHBOUR_SETS = {"Neighbours 2025": "2025-05", "Neighbours 2021": "2021-04"}
COMPARATOR_ROLE = {"England": "england", "Region": "region", "Neighbours 2025": "neighbours",
                   "Neighbours 2021": "neighbours"}


def neighbour_set_for(comparator: str) -> str:
    """The neighbour model a comparator choice implies (the 2025 model unless 2021 is chosen)."""
    return NEIGHBOUR_SETS.get(comparator, "2025-05")


def measures(con: duckdb.DuckDBPyConnection, headline_only: bool = False) -> pd.DataFrame:
    sql = "SELECT * FROM measures"
    if headline_only:
        sql += " WHERE headline"
    return con.execute(sql + " ORDER BY sort_order").df()


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
    """Years in which the LA has a figure for at least one headline measure (year-to-date
    and other partial series do not make a year selectable on their own)."""
    rows = con.execute(
        """
        SELECT DISTINCT r.end_year FROM la_results r JOIN measures m USING (measure_id)
        WHERE r.area_code = ? AND r.value IS NOT NULL AND m.headline ORDER BY r.end_year
        """,
        [la_code],
    ).fetchall()
    return [r[0] for r in rows]


def trend(con: duckdb.DuckDBPyConnection, measure_id: str, la_code: str, neighbour_set: str) -> pd.DataFrame:
    """One measure by year for the LA, England, its region and the neighbour average.

    The neighbour average is the plain mean of the neighbours that have a value that
    year; `neighbours_counted` says how many of the set that was, so a partial average
    is never passed off as complete. `year_label` is the dictionary's label for the year
    (the file's own label, e.g. '2018 (Rev)', is `published_label`); `published_decimals` is how
    many decimals the figure's file gives that year (the most any of its LAs has), so a 1-dp
    figure is never shown or compared as if it had 2.
    """
    region = region_of(con, la_code)
    frame = con.execute(
        """
        WITH picked AS (
            SELECT r.end_year, r.year_label, r.area_code, r.value, r.value_code, r.version,
                   r.source_id, r.source_row,
                   CASE r.area_code WHEN $la THEN 'la' WHEN $england THEN 'england' ELSE 'region' END AS role
            FROM la_results r
            WHERE r.measure_id = $measure AND r.area_code IN ($la, $england, $region)
        ),
        written AS (
            SELECT source_id, end_year, value::VARCHAR AS text FROM la_results
            WHERE measure_id = $measure AND value IS NOT NULL
        ),
        precision AS (
            SELECT source_id, end_year,
                   max(CASE WHEN contains(text, 'e') THEN 6
                            WHEN contains(text, '.') AND NOT ends_with(text, '.0') THEN length(split_part(text, '.', 2))
                            ELSE 0 END) AS published_decimals
            FROM written GROUP BY source_id, end_year
        ),
        neighbour_values AS (
            SELECT r.end_year, r.year_label, r.value, r.version, r.source_id
            FROM la_results r JOIN stat_neighbours n
              ON n.neighbour_code = r.area_code AND n.la_code = $la AND n.set_version = $set
            WHERE r.measure_id = $measure
        ),
        neighbour_mean AS (
            SELECT end_year, any_value(year_label) AS year_label, NULL::TEXT AS area_code,
                   avg(value) AS value,
                   CASE WHEN count(value) = 0 THEN 'x' END AS value_code,
                   CASE WHEN count(DISTINCT COALESCE(version, 'unstated')) FILTER (WHERE value IS NOT NULL) = 1
                        THEN any_value(version) FILTER (WHERE value IS NOT NULL)
                        WHEN count(value) > 0 THEN 'mixed' END AS version,  -- versions.MIXED
                   min(source_id) AS source_id, NULL::INTEGER AS source_row,
                   'neighbours' AS role, count(value) AS neighbours_counted
            FROM neighbour_values GROUP BY end_year
        )
        SELECT p.*, a.name AS series, NULL::BIGINT AS neighbours_counted, d.published_decimals
        FROM picked p JOIN areas a USING (area_code)
        LEFT JOIN precision d ON d.source_id = p.source_id AND d.end_year = p.end_year
        UNION ALL
        SELECT end_year, year_label, area_code, value, value_code, version, source_id, source_row, role,
               'Statistical neighbours (mean)' AS series, neighbours_counted, NULL AS published_decimals
        FROM neighbour_mean
        ORDER BY role, end_year
        """,
        {"measure": measure_id, "la": la_code, "england": ENGLAND_CODE, "region": region, "set": neighbour_set},
    ).df()
    measure = by_id().get(measure_id)
    frame["published_label"] = frame["year_label"]
    if measure is not None:
        frame["year_label"] = frame["end_year"].map(measure.year_label)
    return frame


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


def sources(con: duckdb.DuckDBPyConnection, source_ids: list[int] | None = None) -> pd.DataFrame:
    sql = "SELECT * FROM sources"
    params: list = []
    if source_ids is not None:
        ids = sorted({int(i) for i in source_ids if pd.notna(i)}) or [-1]
        sql += " WHERE source_id IN (SELECT unnest(?))"
        params.append(ids)
    return con.execute(sql + " ORDER BY source_id", params).df()


def build_info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM build_info").fetchall())


def source_feeds(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What each source feeds - rows per table and the LA measures - for `check` and the About page."""
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.columns WHERE column_name = 'source_id' "
        "AND table_name <> 'sources' ORDER BY table_name").fetchall()]
    counts = " UNION ALL ".join(
        f"SELECT source_id, '{table}' AS table_name, count(*) AS n FROM \"{table}\" GROUP BY source_id"
        for table in tables)
    return con.execute(
        f"""
        WITH counts AS ({counts}),
        fed AS (
            SELECT source_id, string_agg(table_name || ' (' || format('{{:,}}', n) || ')', ', ' ORDER BY table_name)
                   AS tables_fed
            FROM counts GROUP BY source_id
        ),
        measures_fed AS (
            SELECT source_id, string_agg(DISTINCT measure_id, ', ' ORDER BY measure_id) AS measures_fed
            FROM la_results GROUP BY source_id
        )
        SELECT s.source_id, s.file_name, s.importer, s.rows_loaded, s.is_simulated, s.notes,
               f.tables_fed, m.measures_fed
        FROM sources s LEFT JOIN fed f USING (source_id) LEFT JOIN measures_fed m USING (source_id)
        ORDER BY s.source_id
        """
    ).df()


# 2017 -> '2016/17': the dictionary's one year-label function, for the many academic-year callers.
academic_year_label = label_year


def end_year_of(label: str | None) -> int | None:
    """'2016/17' -> 2017 (inverse of academic_year_label)."""
    if not label:
        return None
    start, _, _ = label.partition("/")
    return int(start) + 1


def review_figures(con: duckdb.DuckDBPyConnection, publisher_la: str, measure_id: str,
                   end_year: int) -> list[ReviewFigure]:
    """What the LA's own published review quoted for one measure and year (any area), with its citation."""
    rows = con.execute(
        "SELECT publisher_la, measure_id, end_year, area_code, quoted, value, version, document, citation "
        "FROM review_figures WHERE publisher_la = ? AND measure_id = ? AND end_year = ? ORDER BY area_code",
        [publisher_la, measure_id, end_year],
    ).fetchall()
    return [ReviewFigure(*row) for row in rows]
