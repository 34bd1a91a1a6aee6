"""EES SEN2 management information by LA (`sen2_mi.csv`, *Education, health and care plans*, calendar years).

Feeds EHC plan timeliness: the percentage of new plans issued within the statutory 20 weeks excluding exception
cases (the headline DfE and LAIT use) and including them, and the number of new plans excluding exceptions that
the percentage is of, so a rate over a handful of plans can be said to be one.
"""
from __future__ import annotations

from rutland_data.ingest.importers import Col, Importer, SourceFile, insert_la_results, reject_duplicates, wide_la_results
from rutland_data.ingest.importers.ees_format import GEOGRAPHY, GEOGRAPHY_COLUMNS, add_area_and_year
from rutland_data.ingest.intake import COUNT, PERCENT

MEASURE_COLUMNS = {"no_exc_20week_rate": "sen2_ehcp_20wk", "inc_exc_20week_rate": "sen2_ehcp_20wk_all",
                   "tot_no_exc_ehc": "sen2_new_plans"}


def load(con, source: SourceFile, source_id: int, settings):
    frame = add_area_and_year(source, source.frame(), con)
    reject_duplicates(source, frame, ["time_period", "area_code"], "year and area")
    return insert_la_results(con, wide_la_results(source, frame, MEASURE_COLUMNS, source_id))


IMPORTERS = [
    Importer(
        name="EES SEN2 EHC plans by LA (management information)",
        signature=frozenset({"time_period", "geographic_level", "no_exc_20week_rate", "inc_exc_20week_rate"}),
        required=(*GEOGRAPHY_COLUMNS, *MEASURE_COLUMNS),
        load=load,
        priority=30,
        columns=(*GEOGRAPHY, Col("no_exc_20week_rate", PERCENT), Col("inc_exc_20week_rate", PERCENT),
                 Col("tot_no_exc_ehc", COUNT)),
    )
]
