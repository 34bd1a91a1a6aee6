"""Queries for the Absence page: LA absence by term, and each school's absence beside the national figure for
its phase (parameterised SQL, DataFrames out)."""
from __future__ import annotations

import duckdb
import pandas as pd

from rutland_data.queries import schools as school_queries
from rutland_data.reference import measures, school_types, versions
from rutland_data.reference.codes import ENGLAND_CODE
from rutland_data.store import db

# The school-level absence measures the page sets against national, by the column each fills.
SCHOOL_MEASURES = {"overall": "abs_overall", "persistent": "abs_persistent"}


def absence_by_term(con: duckdb.DuckDBPyConnection, la_code: str, end_year: int) -> pd.DataFrame:
    """Overall absence by term and phase for the LA and England in one year (older EES releases only): the
    dictionary's by-term measures, each named by its school phase and its term (its breakdown label)."""
    terms = measures.where("absence_terms")
    rows = con.execute(
        """
        SELECT r.measure_id, COALESCE(a.name, r.area_code) AS area, r.value, r.value_code, r.source_id, r.source_row,
               r.area_code = ? AS is_la
        FROM la_results r LEFT JOIN areas a USING (area_code)
        WHERE r.end_year = ? AND r.area_code IN (?, ?) AND list_contains(?, r.measure_id)
        """,
        [la_code, end_year, la_code, ENGLAND_CODE, [m.measure_id for m in terms]],
    ).df()
    order = {m.measure_id: position for position, m in enumerate(terms)}
    rows = rows.assign(phase=rows["measure_id"].map({m.measure_id: m.school_phase.capitalize() for m in terms}),
                       term=rows["measure_id"].map({m.measure_id: m.breakdown_label for m in terms}),
                       order=rows["measure_id"].map(order))
    rows = rows.sort_values(["order", "is_la"], ascending=[True, False], kind="stable")
    return rows[["phase", "term", "area", "value", "value_code", "source_id", "source_row"]].reset_index(drop=True)


def school_absence_years(con: duckdb.DuckDBPyConnection, la_code: str) -> list[int]:
    if not db.has_tables(con, "school_results", "schools"):
        return []
    rows = con.execute(
        """
        SELECT DISTINCT r.end_year FROM school_results r JOIN schools s USING (urn)
        WHERE s.la_code = ? AND r.measure_id IN (?, ?) ORDER BY 1
        """,
        [la_code, *SCHOOL_MEASURES.values()],
    ).fetchall()
    return [r[0] for r in rows]


def school_absence(con: duckdb.DuckDBPyConnection, la_code: str, end_year: int) -> pd.DataFrame:
    """Each open state-funded mainstream school's overall and persistent absence beside the national figure
    for its phase (DfE's national rows are state-funded); special and independent schools are left out, as
    DfE compares them apart. A predecessor's figure is listed under the school open today, saying whose it was
    (`published_as`); where the school and its predecessor both published one for the year, the school's own.

    Phase comes from the school register, or else from the DfE establishment number
    (2xxx/3xxx primary, 4xxx-6xxx secondary, 7xxx special). Empty when school tables are absent.
    """
    columns = ["school", "urn", "phase", "overall", "overall_code", "national_overall", "persistent",
               "persistent_code", "national_persistent", "above_national_overall", "above_national_persistent",
               "published_as", "source_id"]
    if not db.has_tables(con, "school_results", "schools", "school_benchmarks"):
        return pd.DataFrame(columns=columns)
    frame = con.execute(
        f"""
        WITH phased AS (
            SELECT p.urn AS published_urn, COALESCE(p.successor_urn, p.urn) AS urn, p.name AS published_name,
                   p.successor_urn IS NOT NULL AS from_predecessor, p.replaced_on,
                   COALESCE(today.name, p.name) AS name, CASE
                WHEN lower(p.phase) LIKE '%primary%' OR lower(p.phase) LIKE '%infant%'
                     OR lower(p.phase) LIKE '%junior%' THEN 'primary'
                WHEN lower(p.phase) LIKE '%special%' THEN 'special'
                WHEN lower(p.phase) LIKE '%secondary%' OR lower(p.phase) LIKE '%16%' OR lower(p.phase) LIKE '%through%'
                    THEN 'secondary'
                WHEN left(p.estab, 1) IN ('1', '2', '3') THEN 'primary'
                WHEN left(p.estab, 1) IN ('4', '5', '6') THEN 'secondary'
                WHEN left(p.estab, 1) = '7' THEN 'special' END AS phase
            FROM schools p LEFT JOIN schools today ON today.urn = p.successor_urn
            WHERE p.la_code = $la AND p.comparison_group = $compared AND COALESCE(today.is_open, p.is_open)
        ),
        results AS (
            SELECT urn, measure_id, value, value_code, source_id FROM school_results
            WHERE end_year = $year AND pupil_group = 'all' AND measure_id IN ($overall, $persistent)
            QUALIFY row_number() OVER (PARTITION BY urn, measure_id ORDER BY {versions.rank_sql()}) = 1
        ),
        national AS (
            SELECT school_phase, measure_id, value FROM school_benchmarks
            WHERE area_code = $england AND end_year = $year AND pupil_group = 'all'
              AND measure_id IN ($overall, $persistent)
            QUALIFY row_number() OVER (PARTITION BY school_phase, measure_id ORDER BY {versions.rank_sql()}) = 1
        )
        SELECT p.name AS school, p.urn, p.phase,
               o.value AS overall, o.value_code AS overall_code, no.value AS national_overall,
               pa.value AS persistent, pa.value_code AS persistent_code, np.value AS national_persistent,
               o.value > no.value AS above_national_overall, pa.value > np.value AS above_national_persistent,
               COALESCE(o.source_id, pa.source_id) AS source_id,
               p.from_predecessor, p.published_name, p.published_urn, p.replaced_on
        FROM phased p
        LEFT JOIN results o ON o.urn = p.published_urn AND o.measure_id = $overall
        LEFT JOIN results pa ON pa.urn = p.published_urn AND pa.measure_id = $persistent
        LEFT JOIN national no ON no.school_phase = p.phase AND no.measure_id = $overall
        LEFT JOIN national np ON np.school_phase = p.phase AND np.measure_id = $persistent
        WHERE o.urn IS NOT NULL OR pa.urn IS NOT NULL
        -- a school and its predecessor both published for the year (a conversion within it): the school's own
        QUALIFY NOT p.from_predecessor OR count(*) FILTER (WHERE NOT p.from_predecessor) OVER (PARTITION BY p.urn) = 0
        ORDER BY p.phase, p.name, p.published_urn
        """,
        {"la": la_code, "year": end_year, "england": ENGLAND_CODE, "compared": school_types.COMPARED, **SCHOOL_MEASURES},
    ).df()
    frame["published_as"] = school_queries.published_as_column(frame)
    return frame[columns]
