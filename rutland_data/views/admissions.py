"""What the School admissions page shows, one call per section: the five-year first-preference averages."""
from __future__ import annotations

import duckdb

from rutland_data.queries.admissions import latest_five_year_average
from rutland_data.queries.sources import sources
from rutland_data.reference import measures


def first_preference_averages(con: duckdb.DuckDBPyConnection, la_code: str, up_to: int) -> dict[str, dict | None]:
    """The latest five-year average of each of the dictionary's averaged admissions measures, by school phase
    ('primary', 'secondary'), each with `simulated` (whether any yearly figure in it is simulated): the
    Admissions page's cards in one call."""
    averages = {}
    for measure in measures.where("admissions_average"):
        average = latest_five_year_average(con, measure.measure_id, la_code, up_to)
        if average is not None:
            average["simulated"] = bool(sources(con, average["source_ids"])["is_simulated"].any())
            average["measure_id"] = measure.measure_id
        averages[measure.school_phase] = average
    return averages
