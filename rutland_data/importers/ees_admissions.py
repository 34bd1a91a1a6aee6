"""EES secondary and primary school applications and offers, by LA (`AppsandOffers_*.csv`, 2014/15 onward).

`time_period` is the year of entry: 202122 is entry in September 2021 (offers made
in March/April 2021), stored with end year 2022 like every other academic year.
The older `:` marker (not available) is kept as a code. Percentages are of
applications received from the LA's residents.
"""
from __future__ import annotations

import pandas as pd

from rutland_data import measures as measure_dictionary
from rutland_data.importers import BadInput, Importer, SourceFile, insert_la_results, parse_column, reject_duplicates
from rutland_data.importers.ees_format import GEOGRAPHY_COLUMNS, add_area_and_year
from rutland_data.markers import round_half_up
from rutland_data.settings import REGION_NAMES

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
RESULT_COLUMNS = ["measure_id", "year_label", "end_year", "area_code", "value", "value_code",
                  "version", "source_id", "source_row"]


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
    dictionary = measure_dictionary.by_id()
    phases = [PHASES[p.strip()] for p in frame["school_phase"]]
    pieces = []
    for stem, column in MEASURE_COLUMNS.items():
        measure_ids = [f"{stem}_{phase}" for phase in phases]
        values, codes = parse_column(source, frame, column)
        part = frame[["year_label", "end_year", "area_code", "_row"]].copy()
        part["measure_id"] = measure_ids
        part["value"] = [round_half_up(v, dictionary[m].decimals) for v, m in zip(values, measure_ids)]
        part["value_code"] = codes
        pieces.append(part)
    results = pd.concat(pieces, ignore_index=True)
    results = results[results["value"].notna() | results["value_code"].notna()]
    results["version"] = None
    results["source_id"] = source_id
    results["source_row"] = results["_row"]
    return insert_la_results(con, results[RESULT_COLUMNS])


IMPORTERS = [
    Importer(
        name="EES school applications and offers by LA",
        signature=frozenset({"time_period", "school_phase", "first_preference_offers_percent"}),
        required=(*GEOGRAPHY_COLUMNS, "school_phase", *MEASURE_COLUMNS.values()),
        load=load,
        priority=30,
        release_note="time_period is the year of entry (202122 = September 2021 entry); ':' means not available.",
    )
]
