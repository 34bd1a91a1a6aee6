"""Named, parameterised queries of Ofsted inspections (table `inspections`), each judgement under the school open
today: Ofsted's MI gives a new academy its predecessor's inspection until it is inspected itself, and GIAS links
(`schools.successor_urn`) do the same here."""
from __future__ import annotations

import duckdb
import pandas as pd

from rutland_data.ingest.importers import ofsted
from rutland_data.reference import school_types
from rutland_data.store import db

JUDGEMENT_COLUMNS = ["school_urn", "school", "published_urn", "published_name", "inspection_start", "publication_date",
                     "framework", "area", "grade", "grade_text", "inspection_type", "pupils", "census_pupils",
                     "census_year", "source_id", "source_row"]


def overall_effectiveness(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """The SQA rules' `inspections`: each graded inspection's overall effectiveness (1-4) for the LA's schools,
    under the school open today. Report cards give no overall grade, so they are not here.
    Columns: urn, inspection_date, overall_effectiveness."""
    if not db.has_tables(con, "inspections"):
        return pd.DataFrame(columns=["urn", "inspection_date", "overall_effectiveness"])
    return con.execute(
        """
        SELECT COALESCE(s.successor_urn, i.urn) AS urn, i.inspection_start AS inspection_date,
               i.grade AS overall_effectiveness
        FROM inspections i JOIN schools s ON s.urn = i.urn
        WHERE s.la_code = ? AND i.framework = 'graded' AND i.area = 'Overall effectiveness' AND i.grade IS NOT NULL
        """, [la_code]).df()


def latest_judgements(con: duckdb.DuckDBPyConnection, la_code: str, urn: str | None = None) -> pd.DataFrame:
    """Every judgement of the latest inspection of each open state-funded school of the LA (or of one school,
    `urn`), with the pupils the MI file gives and the school's latest census roll (JUDGEMENT_COLUMNS)."""
    if not db.has_tables(con, "inspections"):
        return pd.DataFrame(columns=JUDGEMENT_COLUMNS)
    return con.execute(
        """
        WITH judged AS (
            SELECT COALESCE(s.successor_urn, s.urn) AS school_urn, s.urn AS published_urn, s.name AS published_name,
                   i.* EXCLUDE (urn)
            FROM inspections i JOIN schools s ON s.urn = i.urn
            WHERE ($urn IS NULL AND s.la_code = $la) OR COALESCE(s.successor_urn, s.urn) = $urn
        ), latest AS (
            SELECT * FROM judged
            QUALIFY inspection_start = max(inspection_start) OVER (PARTITION BY school_urn)
        ), roll AS (
            SELECT urn, arg_max(value, end_year) AS census_pupils, max(end_year) AS census_year
            FROM school_results WHERE measure_id = 'school_nor' AND pupil_group = 'all' AND value IS NOT NULL
            GROUP BY urn
        )
        SELECT l.school_urn, t.name AS school, l.published_urn, l.published_name, l.inspection_start,
               l.publication_date, l.framework, l.area, l.grade, l.grade_text, l.inspection_type, l.pupils,
               r.census_pupils, r.census_year, l.source_id, l.source_row
        FROM latest l JOIN schools t ON t.urn = l.school_urn
        LEFT JOIN roll r ON r.urn = l.school_urn
        WHERE t.is_open AND list_contains($state_funded, t.comparison_group)
        ORDER BY school, list_position($areas, l.area), l.area
        """, {"la": la_code, "urn": urn, "state_funded": list(school_types.STATE_FUNDED),
              "areas": [*ofsted.GRADED_AREAS, *ofsted.REPORT_CARD_AREAS]}).df()
