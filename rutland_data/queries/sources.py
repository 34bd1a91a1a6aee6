"""Where the figures come from: the sources loaded (file, checksum, load time, release note, simulated or
real), what each feeds, and the build's own facts (mode, LA, content checksum, build time)."""
from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd


def sources(con: duckdb.DuckDBPyConnection, source_ids: Sequence[int] | None = None) -> pd.DataFrame:
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
    """What each source feeds - rows per table, the LA measures, and the versions its figures are stored as
    (final, revised, provisional, unstated) - for `check` and the About page."""
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.columns WHERE column_name = 'source_id' "
        "AND table_name <> 'sources' ORDER BY table_name").fetchall()]
    counts = " UNION ALL ".join(
        f"SELECT source_id, '{table}' AS table_name, count(*) AS n FROM \"{table}\" GROUP BY source_id"
        for table in tables)
    versioned = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.columns WHERE column_name = 'version' "
        "AND list_contains(?, table_name) ORDER BY table_name", [tables]).fetchall()]
    stored_versions = " UNION ALL ".join(
        f"SELECT DISTINCT source_id, COALESCE(version, 'unstated') AS version FROM \"{table}\"" for table in versioned
    ) or "SELECT NULL::INTEGER AS source_id, NULL::TEXT AS version WHERE false"
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
        ),
        versions_stored AS (
            SELECT source_id, string_agg(DISTINCT version, ', ' ORDER BY version) AS versions
            FROM ({stored_versions}) GROUP BY source_id
        )
        SELECT s.source_id, s.file_name, s.importer, s.rows_loaded, s.is_simulated, s.notes,
               f.tables_fed, m.measures_fed, v.versions
        FROM sources s LEFT JOIN fed f USING (source_id) LEFT JOIN measures_fed m USING (source_id)
             LEFT JOIN versions_stored v USING (source_id)
        ORDER BY s.source_id
        """
    ).df()


def loaded_releases(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """Each measure's years loaded for the LA: the version shown (NULL: not stated) and the file it came from,
    with when that file was loaded and its release note - what the release calendar checks against."""
    return con.execute(
        """
        SELECT r.measure_id, r.end_year, r.version, s.file_name, s.loaded_at, s.release_note, s.is_simulated
        FROM la_results r JOIN sources s USING (source_id)
        WHERE r.area_code = ? AND r.value IS NOT NULL
        ORDER BY r.measure_id, r.end_year
        """,
        [la_code],
    ).df()
