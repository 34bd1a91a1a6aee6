"""EES KS4 destination measures, national time series (`ks4_dm_ud_*_nat_*.csv`).

England only, 2010/11 onwards. Only the all-pupils rows of state-funded mainstream
schools are loaded (the basis of the performance-tables LA figures). `time_period` is
the destination year, so the cohort left KS4 the year before: 201718 describes pupils
completing KS4 in 2016/17. Each category has a 'Number of pupils' row and a
'Percentage' row; they are joined into one destinations row.
"""
from __future__ import annotations

import pandas as pd

from rutland_data.ingest.importers import BadInput, Col, Importer, SourceFile, parse_column, reject_duplicates
from rutland_data.ingest.importers.csp_destinations import COHORT_CATEGORY, insert_destinations
from rutland_data.ingest.importers.ees_format import academic_year
from rutland_data.ingest.intake import COUNT, PERCENT, TIME_PERIOD, PerRow
from rutland_data.reference.codes import ENGLAND_CODE

INSTITUTION_GROUP = "State-funded mainstream schools"
# (EES column, category, group): the same categories as the performance-tables file.
CATEGORIES = [
    ("ssf", "School sixth form", "Sustained education"),
    ("sfc", "Sixth-form college", "Sustained education"),
    ("fe", "Further education", "Sustained education"),
    ("other_edu", "Other education", "Sustained education"),
    ("appren", "Apprenticeship", "Sustained apprenticeship or employment"),
    ("all_work", "Employment", "Sustained apprenticeship or employment"),
    ("all_notsust", "Not sustained", "Not sustained or not captured"),
    ("all_unknown", "Activity not captured", "Not sustained or not captured"),
    ("overall", "Sustained destination (total)", "Total"),
    ("education", "Sustained education (total)", "Total"),
]


def _breakdown_columns(source: SourceFile) -> tuple[str, str]:
    """The 2021/22 release calls them breakdown_topic/breakdown; earlier ones characteristic_group/characteristic."""
    if "breakdown_topic" in source.columns:
        return "breakdown_topic", "breakdown"
    if "characteristic_group" in source.columns:
        return "characteristic_group", "characteristic"
    raise BadInput(source.display_name, "has neither breakdown_topic nor characteristic_group", row=1)


def load(con, source: SourceFile, source_id: int, settings):
    topic, breakdown = _breakdown_columns(source)
    frame = source.frame()
    frame = frame[(frame["geographic_level"].str.strip() == "National")
                  & (frame["institution_group"].str.strip() == INSTITUTION_GROUP)
                  & (frame["institution_type"].str.strip() == "Total")
                  & (frame[topic].str.strip() == "Total") & (frame[breakdown].str.strip() == "Total")]
    if frame.empty:
        raise BadInput(source.display_name, f"has no national all-pupils rows for '{INSTITUTION_GROUP}'",
                       column="institution_group")
    reject_duplicates(source, frame, ["time_period", "data_type"], "year and data type")
    numbers = frame[frame["data_type"].str.strip() == "Number of pupils"].set_index("time_period")
    percents = frame[frame["data_type"].str.strip() == "Percentage"].set_index("time_period")
    rows = []
    for period in numbers.index:
        if period not in percents.index:
            raise BadInput(source.display_name, f"year {period} has numbers but no percentages",
                           row=int(numbers.loc[period, "_row"]), column="data_type")
        try:
            _, destination_end = academic_year(period)
        except ValueError as error:
            raise BadInput(source.display_name, str(error), row=int(numbers.loc[period, "_row"]),
                           column="time_period") from None
        cohort_end = destination_end - 1
        version = str(numbers.loc[period, "version"]).strip().lower()
        label = (f"Pupils completing key stage 4 in {cohort_end - 1}/{str(cohort_end)[2:]} "
                 f"(England, {INSTITUTION_GROUP.lower()}; {version})")
        number_row, percent_row = numbers.loc[[period]], percents.loc[[period]]
        number_row = number_row.reset_index()
        percent_row = percent_row.reset_index()
        cohort, cohort_code = parse_column(source, number_row, "cohort")
        rows.append([label, cohort_end, "KS4", ENGLAND_CODE, COHORT_CATEGORY, "Total", cohort[0], None,
                     cohort_code[0], source_id, int(number_row["_row"].iloc[0])])
        for column, category, group in CATEGORIES:
            count, count_code = parse_column(source, number_row, column)
            percent, percent_code = parse_column(source, percent_row, column)
            rows.append([label, cohort_end, "KS4", ENGLAND_CODE, category, group, count[0], percent[0],
                         count_code[0] or percent_code[0], source_id, int(number_row["_row"].iloc[0])])
    result = pd.DataFrame(rows, columns=["cohort_label", "cohort_end_year", "stage", "area_code", "category",
                                         "category_group", "pupils", "percent", "value_code", "source_id",
                                         "source_row"])
    result["pupils"] = result["pupils"].astype("Int64")
    return insert_destinations(con, result)


IMPORTERS = [
    Importer(
        name="EES KS4 destination measures (national)",
        signature=frozenset({"time_period", "institution_group", "ssf", "sfc", "all_notsust"}),
        required=("time_period", "geographic_level", "institution_group", "institution_type", "data_type",
                  "version", "cohort", *[c for c, _, _ in CATEGORIES]),
        load=load,
        priority=45,
        # The cohort is a count on every row; each category column holds counts on 'Number of pupils' rows
        # and percentages on 'Percentage' rows.
        columns=(Col("time_period", TIME_PERIOD, blank=False), Col("cohort", COUNT),
                 *(Col(column, PerRow("data_type", lambda: {"Number of pupils": COUNT, "Percentage": PERCENT}))
                   for column, _, _ in CATEGORIES)),
        release_note="time_period is the destination year; the cohort completed KS4 the year before.",
    )
]
