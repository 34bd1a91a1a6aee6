"""DfE NEET and participation LA dashboard data, 16-17 year olds (`UD_NEETNK_LA_dashboard_*.csv`, 2021 onward).

`time_period` is a calendar year: NEET and 'not known' are the December-February
average of that winter, participation is as at March. The files also carry context
columns (attainment, absence) that other sources give first-hand, so only the NEET,
not-known, participation and September Guarantee columns are loaded.
"""
from __future__ import annotations


from rutland_data.ingest.importers import Col, Importer, SourceFile, insert_la_results, reject_duplicates, wide_la_results
from rutland_data.ingest.importers.ees_format import GEOGRAPHY, GEOGRAPHY_COLUMNS, add_area_and_year
from rutland_data.ingest.intake import COUNT, PERCENT, Number

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

COLUMN_RULES = {
    # A December-February average of counts, so it may have a fraction.
    "Cohort_DJFavg": Number("an average count of young people", 0, COUNT.high),
    # Offers are counted against the cohort at another date, so DfE publishes a little over 100 where an LA
    # offered a place to young people who moved in (Thurrock 2023: 100.2).
    "September_guarantee_Offer_made_percent": Number("a percentage of the cohort offered a place", 0, 110),
}


def load(con, source: SourceFile, source_id: int, settings):
    frame = source.frame()
    frame = frame[frame["Age"].str.strip() == "16-17"]
    placeholders = frame["region_name"].str.strip() == PLACEHOLDER_REGION
    frame = add_area_and_year(source, frame[~placeholders], con)
    reject_duplicates(source, frame, ["time_period", "area_code"], "year and area")
    results = wide_la_results(source, frame, {column: measure_id for measure_id, column in MEASURE_COLUMNS.items()},
                              source_id)
    # DfE names each file by its release ('..._2023_final.csv', '..._final_2025.csv'); the 2021 one names none.
    results["version"] = "final" if "final" in source.display_name.lower() else None
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
        columns=(*GEOGRAPHY, *(Col(column, COLUMN_RULES.get(column, PERCENT)) for column in MEASURE_COLUMNS.values())),
        release_note=("NEET and not known: December-February average; participation: March of the same year. "
                      "Version: final where DfE's file name says so ('final'), else unstated."),
    )
]
