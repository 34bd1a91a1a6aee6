"""EES secondary and primary school applications and offers, by LA (`AppsandOffers_*.csv`, 2014/15 onward).

`time_period` is the year of entry: 202122 is entry in September 2021 (offers made
in March/April 2021), stored with end year 2022 like every other academic year.
The older `:` marker (not available) is kept as a code. Percentages are of
applications received from the LA's residents.
"""
from __future__ import annotations


from rutland_data.ingest.importers import (BadInput, Col, Importer, SourceFile, insert_la_results, reject_duplicates,
                                    wide_la_results)
from rutland_data.ingest.importers.ees_format import GEOGRAPHY, GEOGRAPHY_COLUMNS, add_area_and_year
from rutland_data.ingest.intake import COUNT, PERCENT, Code
from rutland_data.reference.codes import REGION_NAMES

PHASES = {"Primary": "primary", "Secondary": "secondary"}
MEASURE_COLUMNS = {
    "admissions_first_pref": "first_preference_offers_percent",
    "admissions_second_pref": "second_preference_offers_percent",
    "admissions_third_pref": "third_preference_offers_percent",
    "admissions_top3_pref": "one_of_the_three_preference_offers_percent",
    "admissions_non_pref_offer": "non_preferred_offer_percent",
    "admissions_no_offer": "no_offer_percent",
    "admissions_applications": "applications_received",
}


def load(con, source: SourceFile, source_id: int, settings):
    frame = source.frame()
    unknown = frame[~frame["school_phase"].str.strip().isin(PHASES)]
    if not unknown.empty:
        bad = unknown.iloc[0]
        raise BadInput(source.display_name, f"school phase '{bad['school_phase']}' is not Primary or Secondary",
                       row=int(bad["_row"]), column="school_phase")
    # The 2020 release writes region names in capitals and codes both Inner and Outer London
    # as E12000007; on regional rows the name decides, and the official spelling is kept.
    code_by_name = {name.lower(): code for code, name in REGION_NAMES.items()}
    regional = frame["geographic_level"].str.strip() == "Regional"
    named_code = frame["region_name"].str.strip().str.lower().map(code_by_name)
    frame.loc[regional & named_code.notna(), "region_code"] = named_code[regional & named_code.notna()]
    frame["region_name"] = frame["region_code"].str.strip().map(REGION_NAMES).fillna(frame["region_name"])
    frame = add_area_and_year(source, frame, con)
    reject_duplicates(source, frame, ["time_period", "area_code", "school_phase"], "year, area and phase")
    phases = frame["school_phase"].str.strip().map(PHASES)
    results = wide_la_results(source, frame, {column: stem + "_" + phases for stem, column in MEASURE_COLUMNS.items()},
                              source_id)
    return insert_la_results(con, results)

IMPORTERS = [
    Importer(
        name="EES school applications and offers by LA",
        signature=frozenset({"time_period", "school_phase", "first_preference_offers_percent"}),
        required=(*GEOGRAPHY_COLUMNS, "school_phase", *MEASURE_COLUMNS.values()),
        load=load,
        priority=30,
        columns=(*GEOGRAPHY, Col("school_phase", Code("Primary or Secondary", "|".join(PHASES)), blank=False),
                 *(Col(column, COUNT if column == "applications_received" else PERCENT)
                   for column in MEASURE_COLUMNS.values())),
        release_note="time_period is the year of entry (202122 = September 2021 entry); ':' means not available.",
    )
]
