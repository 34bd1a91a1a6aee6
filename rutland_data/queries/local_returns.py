"""The council's own returns as officers see them, each with its status against the main database of the moment.

Officer-only (`@access.officer_only`): run through `common.officer_query` only, never the public cache. Each
takes the officers' database file and its identity (`local_db.identity`), so a new upload is a new cache key.

Where the status is decided: here, when the figures are read, against the main database snapshot the query
runs on. A figure is `superseded` when the main database holds the official figure (a value or a published
code) for the same school, measure and year, and `unvalidated` until then. Storing the status instead would
need every build to rewrite the officers' file, and would be wrong whenever a build swaps in a database
without that official file (or one a test, a demo or a rollback built): reading it against the current
snapshot is always true of the database on screen, and costs one join of a few hundred rows.
"""
from __future__ import annotations

import uuid
from pathlib import Path

import duckdb
import pandas as pd

from rutland_data import access
from rutland_data.reference import versions
from rutland_data.store import local_db

UNVALIDATED, SUPERSEDED = "unvalidated", "superseded"
ADDED_COLUMNS = ("school", "comparison_group", "phase", "status", "official_value", "official_code", "official_version",
                 "official_cohort", "official_file", "difference")

_WITH_STATUS = """
WITH official AS (
    SELECT r.*, {rank} AS version_rank FROM school_results r
    WHERE r.pupil_group = 'all' AND list_contains($urns, r.urn)
    QUALIFY row_number() OVER (PARTITION BY r.urn, r.measure_id, r.end_year ORDER BY version_rank) = 1
)
SELECT l.*, COALESCE(s.name, 'URN ' || l.urn) AS school, s.comparison_group, s.phase,
       CASE WHEN o.urn IS NULL THEN '{unvalidated}' ELSE '{superseded}' END AS status,
       o.value AS official_value, o.value_code AS official_code, o.version AS official_version,
       o.cohort_n AS official_cohort, src.file_name AS official_file,
       l.value - o.value AS difference
FROM {local} l
LEFT JOIN schools s ON s.urn = l.urn
LEFT JOIN official o ON o.urn = l.urn AND o.measure_id = l.measure_id AND o.end_year = l.end_year
LEFT JOIN sources src ON src.source_id = o.source_id
ORDER BY l.measure_id, l.end_year, school
"""


def _with_status(con: duckdb.DuckDBPyConnection, results: pd.DataFrame) -> pd.DataFrame:
    name = f"local_results_{uuid.uuid4().hex}"   # a cursor's own name: sessions query side by side
    con.register(name, results)
    try:
        return con.execute(_WITH_STATUS.format(rank=versions.rank_sql("r.version"), local=name,
                                               unvalidated=UNVALIDATED, superseded=SUPERSEDED),
                           {"urns": sorted(set(results["urn"]))}).df()
    finally:
        con.unregister(name)


@access.officer_only
def figures(con: duckdb.DuckDBPyConnection, local_path: str, local_identity, la_code: str) -> pd.DataFrame:
    """The figure in force for each school x measure x year of the LA's uploads (the latest upload's), with its
    school, status, the official figure where one is loaded and the difference (local minus official)."""
    _, results = local_db.read(Path(local_path))
    results = results[results["la_code"] == la_code]
    if results.empty:
        return pd.DataFrame(columns=[*results.columns, *ADDED_COLUMNS])
    results = results.sort_values("upload_id").drop_duplicates(["urn", "measure_id", "end_year"], keep="last")
    return _with_status(con, results.reset_index(drop=True))


@access.officer_only
def uploads(con: duckdb.DuckDBPyConnection, local_path: str, local_identity, la_code: str) -> pd.DataFrame:
    """Every accepted upload for the LA, newest first: file, checksum, who and when, rows."""
    found, _ = local_db.read(Path(local_path))
    return found[found["la_code"] == la_code].sort_values("upload_id", ascending=False).reset_index(drop=True)
