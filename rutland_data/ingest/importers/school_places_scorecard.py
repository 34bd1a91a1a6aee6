"""DfE LA school places scorecards (`scorecard_data_*.csv`): the preference-offer rates only.

Each scorecard `Year` (e.g. 2022/23) gives preference rates for the current SCAP year
(`_CY`, entry in September of the label's second year, per DfE's metadata) and the next
(`_NY`). `_CY` is loaded for every year, `_NY` for the file's newest year only: every earlier
`_NY` is repeated by the next scorecard's `_CY`, but the newest is the only figure for its entry. There are
LA and national rows, no regional rows. DfE's scorecard preparation writes `LOW`,
`Low` and `NaN` in some columns; they are kept as codes, never read as numbers.
"""
from __future__ import annotations

import pandas as pd

from rutland_data.ingest.importers import (BadInput, Col, Importer, SourceFile, insert_areas, insert_la_results,
                                    reject_duplicates, wide_la_results)
from rutland_data.ingest.intake import PERCENT, Code
from rutland_data.reference.markers import PUBLISHED_MARKERS, SCORECARD_MARKERS
from rutland_data.reference.codes import ENGLAND_CODE

PREFERENCE_COLUMNS = {
    "Pref_P_1_CY": "admissions_first_pref_primary",
    "Pref_P_2_CY": "admissions_second_pref_primary",
    "Pref_P_3_CY": "admissions_third_pref_primary",
    "Pref_P_T3_CY": "admissions_top3_pref_primary",
    "Pref_S_1_CY": "admissions_first_pref_secondary",
    "Pref_S_2_CY": "admissions_second_pref_secondary",
    "Pref_S_3_CY": "admissions_third_pref_secondary",
    "Pref_S_T3_CY": "admissions_top3_pref_secondary",
}

# The next SCAP year's rates (entry a year later), loaded from the newest scorecard in the file.
NEXT_YEAR_COLUMNS = {column.replace("_CY", "_NY"): measure_id for column, measure_id in PREFERENCE_COLUMNS.items()}


def entry_year(label: str) -> int:
    """'2022/23' -> 2023: the September of entry that the scorecard's current-year preferences describe."""
    text = str(label).strip()
    if len(text) != 7 or text[4] != "/" or not (text[:4].isdigit() and text[5:].isdigit()):
        raise ValueError(f"scorecard year '{text}' is not in the form 2022/23")
    return int(text[:4]) + 1


def load(con, source: SourceFile, source_id: int, settings):
    frame = source.frame()
    level = frame["geographic_level"].str.strip()
    frame = frame[level.isin(["National", "Local authority"])].copy()
    frame["area_code"] = [ENGLAND_CODE if lvl == "National" else str(la).strip()
                          for lvl, la in zip(frame["geographic_level"].str.strip(), frame["LANumber"])]
    blank = frame[frame["area_code"] == ""]
    if not blank.empty:
        raise BadInput(source.display_name, "LA number is blank", row=int(blank.iloc[0]["_row"]), column="LANumber")
    entries = []
    for row, label in zip(frame["_row"], frame["Year"]):
        try:
            entries.append(entry_year(label))
        except ValueError as error:
            raise BadInput(source.display_name, str(error), row=int(row), column="Year") from None
    frame["end_year"] = [e + 1 for e in entries]
    frame["year_label"] = [f"{e}/{str(e + 1)[2:]} entry (scorecard {label.strip()})"
                           for e, label in zip(entries, frame["Year"])]
    reject_duplicates(source, frame, ["Year", "area_code"], "year and area")

    las = frame[frame["area_code"] != ENGLAND_CODE]
    insert_areas(con, pd.DataFrame({
        "area_code": las["area_code"], "name": las["LA_name"].str.strip(), "level": "la",
        "old_la_code": pd.to_numeric(las["area_code"], errors="coerce").astype("Int64"),
        "new_la_code": las["new_la_code"].str.strip(), "region_code": las["region_code"].str.strip(),
        "is_current": True,
    }).drop_duplicates("area_code"))

    results = [wide_la_results(source, frame, PREFERENCE_COLUMNS, source_id)]
    if set(NEXT_YEAR_COLUMNS) <= set(frame.columns):
        newest = frame["Year"].str.strip().max()
        upcoming = frame[frame["Year"].str.strip() == newest].copy()
        upcoming["end_year"] = upcoming["end_year"] + 1
        upcoming["year_label"] = [f"{e - 1}/{str(e)[2:]} entry (scorecard {newest}, next SCAP year)"
                                  for e in upcoming["end_year"]]
        results.append(wide_la_results(source, upcoming, NEXT_YEAR_COLUMNS, source_id))
    return insert_la_results(con, pd.concat(results, ignore_index=True))

IMPORTERS = [
    Importer(
        name="LA school places scorecards (preference offers)",
        signature=frozenset({"Year", "LANumber", "Pref_P_1_CY", "Pref_S_1_CY"}),
        required=("Year", "geographic_level", "LANumber", "LA_name", "new_la_code", "region_code",
                  *PREFERENCE_COLUMNS),
        load=load,
        priority=35,
        columns=(Col("Year", Code("a scorecard year such as 2022/23", r"\d{4}/\d{2}"), blank=False),
                 Col("LANumber", Code("a DfE LA number (0 on the national row)", r"\d{1,3}")),
                 # DfE's scorecard preparation writes LOW, Low and NaN; they are markers here and only here.
                 *(Col(column, PERCENT, markers=PUBLISHED_MARKERS | SCORECARD_MARKERS)
                   for column in (*PREFERENCE_COLUMNS, *NEXT_YEAR_COLUMNS))),
        release_note=("Current-year (_CY) preference rates: entry in September of the scorecard year's second year; "
                      "the newest scorecard's next-year (_NY) rates: entry a year later."),
    )
]
