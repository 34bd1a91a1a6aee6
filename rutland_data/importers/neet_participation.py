"""DfE NEET and participation LA dashboard data, 16-17 year olds (`UD_NEETNK_LA_dashboard_*.csv`, 2021 onward).

`time_period` is a calendar year: NEET and 'not known' are the December-February
average of that winter, participation is as at March. The files also carry context
columns (attainment, absence) that other sources give first-hand, so only the NEET,
not-known, participation and September Guarantee columns are loaded.
"""
from __future__ import annotations


from rutland_data.importers import Importer, SourceFile, insert_la_results, wide_la_results, reject_duplicates
from rutland_data.importers.ees_format import GEOGRAPHY_COLUMNS, add_area_and_year

# The 2021 file carries the dashboard's own example rows ('Region demo', 'LA demo') with no codes.
PLACEHOLDER_REGION = "Region demo"
MEASURE_COLUMNS = {
    "neet_nk_1617": "NEET_not_known_percent",
    "neet_1617": "NEET_percent",
    "notknown_1617": "Notknown_percent",
    "participation_1617": "TOTAL_participating_in_education_and_training_percent",
    "sept_guarantee_1617": "September_guarantee_Offer_made_percent",
    "cohort_1617": "Cohort_DJFavg",
}


def load(con, source: SourceFile, source_id: int, settings):
    frame = source.frame()
    frame = frame[frame["Age"].str.strip() == "16-17"]
    placeholders = frame["region_name"].str.strip() == PLACEHOLDER_REGION
    frame = add_area_and_year(source, frame[~placeholders], con)
    reject_duplicates(source, frame, ["time_period", "area_code"], "year and area")
    results = wide_la_results(source, frame, {column: measure_id for measure_id, column in MEASURE_COLUMNS.items()},
                              source_id)
    added, note = insert_la_results(con, results)
    if placeholders.any():
        skipped = f"{int(placeholders.sum())} '{PLACEHOLDER_REGION}' placeholder rows (no area codes) were skipped"
        note = f"{note}; {skipped}" if note else skipped
    return added, note


IMPORTERS = [
    Importer(
        name="NEET and participation, 16-17 year olds (DfE LA dashboard)",
        signature=frozenset({"time_period", "NEET_not_known_percent", "Cohort_DJFavg"}),
        required=(*GEOGRAPHY_COLUMNS, "Age", *MEASURE_COLUMNS.values()),
        load=load,
        priority=30,
        release_note="NEET and not known: December-February average; participation: March of the same year.",
    )
]
