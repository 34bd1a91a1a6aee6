"""Named, parameterised queries behind the academisation view: the LA's register (status, trust,
conversion date, predecessor links) and the pupils in maintained schools and academies by phase."""
from __future__ import annotations

import duckdb
import pandas as pd

from rutland_data.reference import measures
from rutland_data.store import db

REGISTER_COLUMNS = ["urn", "name", "phase", "school_type", "comparison_group", "trust", "trust_type",
                    "conversion_date", "is_open", "successor_urn", "replaced_on", "source_id"]
# pupils on roll by status and phase: measure -> (status, phase)
PUPIL_MEASURES = {
    "pupils_maintained_primary": ("Maintained", "Primary"),
    "pupils_maintained_secondary": ("Maintained", "Secondary"),
    "pupils_academy_primary": ("Academy", "Primary"),
    "pupils_academy_secondary": ("Academy", "Secondary"),
}


def register(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """Every school of the LA the loaded files name, open or closed (REGISTER_COLUMNS)."""
    if not db.has_tables(con, "schools"):
        return pd.DataFrame(columns=REGISTER_COLUMNS)
    return con.execute(f"SELECT {', '.join(REGISTER_COLUMNS)} FROM schools WHERE la_code = ? ORDER BY name",
                       [la_code]).df()


def conversion_links(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """GIAS links between the LA's schools and the URNs they replaced, and when (a conversion to an academy
    closes the maintained school's URN and opens a new one): the new school's own 'Predecessor' link (dated the
    day it opened) where there is one, else the replaced school's 'Successor' link (dated the day it closed). A
    replaced school no loaded file registers is named from the link. Columns: predecessor_urn, predecessor,
    successor_urn, successor, link_date, source_id."""
    return con.execute(
        """
        WITH both_sides AS (
            SELECT linked_urn AS predecessor_urn, linked_name AS predecessor_name, urn AS successor_urn,
                   NULL AS successor_name, link_date, source_id, 1 AS side
            FROM school_links WHERE link_type = 'Predecessor'
            UNION ALL
            SELECT urn, NULL, linked_urn, linked_name, link_date, source_id, 2
            FROM school_links WHERE link_type = 'Successor'
        )
        SELECT b.predecessor_urn, COALESCE(p.name, b.predecessor_name) AS predecessor, b.successor_urn,
               COALESCE(s.name, b.successor_name) AS successor, b.link_date, b.source_id
        FROM both_sides b LEFT JOIN schools p ON p.urn = b.predecessor_urn LEFT JOIN schools s ON s.urn = b.successor_urn
        WHERE COALESCE(s.la_code, p.la_code) = ?
        QUALIFY row_number() OVER (PARTITION BY b.predecessor_urn, b.successor_urn ORDER BY b.side) = 1
        ORDER BY b.link_date, predecessor
        """, [la_code]).df()


def pupils_by_status(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """The LA's pupils on roll in maintained schools and academies, by phase and year, as loaded.
    Columns: measure_id, status, phase, year_label, end_year, value, value_code, version, source_id, source_row."""
    frame = con.execute(
        "SELECT measure_id, year_label, end_year, value, value_code, version, source_id, source_row "
        "FROM la_results WHERE area_code = ? AND list_contains(?, measure_id) ORDER BY end_year, measure_id",
        [la_code, list(PUPIL_MEASURES)]).df()
    frame.insert(1, "status", frame["measure_id"].map(lambda m: PUPIL_MEASURES[m][0]))
    frame.insert(2, "phase", frame["measure_id"].map(lambda m: PUPIL_MEASURES[m][1]))
    dictionary = measures.by_id()
    frame["year_label"] = [dictionary[m].year_label(int(y)) for m, y in zip(frame["measure_id"], frame["end_year"])]
    return frame
