"""EES KS4 attainment by LA and pupil characteristic (2018/19 layout: `201819_LA_characteristics_data...`).

England, regions and LAs, state-funded schools, one row per characteristic (gender, FSM, disadvantage, SEN
status, first language, ethnic group, SEN description) with its pupils, Attainment 8, Progress 8 and grade 9-5 /
9-4 English and maths. Feeds the LA-level pupil groups (`la_group_results`) with each group's pupil count as its
cohort; ethnic groups and SEN descriptions are not loaded (no group series is declared for them). The all-pupils
row is LAIT's headline figure, which la_results already holds.
"""
from __future__ import annotations

import pandas as pd

from rutland_data.ingest.importers import (Col, Importer, SourceFile, insert_la_group_results, parse_values,
                                           reject_duplicates)
from rutland_data.ingest.importers.ees_format import GEOGRAPHY, GEOGRAPHY_COLUMNS, add_area_and_year
from rutland_data.ingest.intake import COUNT, measure_rule
from rutland_data.reference import group_measures, measures

# Each characteristic column's published category -> pupil group; a row is one group when exactly one of
# these columns is not 'Total' (gender alone gives boys and girls) and ethnic group and SEN description are.
_CATEGORIES = {
    "disadvantage": {"Disadvantaged": "disadvantaged", "Disadvantaged all other": "not_disadvantaged"},
    "free_school_meals": {"FSM": "fsm", "FSM all other": "not_fsm"},
    "sen_status": {"SEN Supp": "sen_support", "SEN State EHC": "ehcp", "No SEN": "no_sen"},
    "first_language": {"Other than English": "eal", "English": "not_eal"},
    "gender": {"Boys": "boys", "Girls": "girls"},
}
_MUST_BE_TOTAL = ("ethnic_major", "sen_description")
# Published column -> the dictionary measure it gives for a group.
MEASURE_COLUMNS = {"avg_att8": "ks4_att8", "avg_p8score": "ks4_p8", "pt_l2basics_95": "ks4_em95",
                   "pt_l2basics_94": "ks4_em94"}
_VERSIONS = {"provisional": "provisional", "revised": "revised", "final": "final"}


def pupil_group(row: pd.Series) -> str | None:
    """The group a row describes, or None (a cross of two characteristics, an ethnic group, the total)."""
    if any(str(row[c]).strip() != "Total" for c in _MUST_BE_TOTAL):
        return None
    named = [(column, str(row[column]).strip()) for column in _CATEGORIES if str(row[column]).strip() != "Total"]
    if len(named) == 2 and named[-1][0] == "gender":
        return None  # a characteristic within one gender
    if len(named) != 1:
        return None
    column, category = named[0]
    return _CATEGORIES[column].get(category)


def load(con, source: SourceFile, source_id: int, settings):
    frame = source.frame()
    frame["pupil_group"] = frame.apply(pupil_group, axis=1)
    frame = add_area_and_year(source, frame[frame["pupil_group"].notna()].copy(), con)
    reject_duplicates(source, frame, ["time_period", "area_code", "pupil_group"], "year, area and pupil group")
    cohorts, _ = parse_values(source, frame, "t_pupils")
    frame["cohort"] = [None if c is None else int(c) for c in cohorts]
    frame["version"] = frame["version"].str.strip().str.lower().map(_VERSIONS).astype(object)
    frame["version"] = frame["version"].where(frame["version"].notna(), None)
    declared = group_measures.declared()
    pieces = []
    for column, measure_id in MEASURE_COLUMNS.items():
        part = frame[["year_label", "end_year", "area_code", "pupil_group", "cohort", "version", "_row"]].copy()
        part["measure_id"] = measure_id
        part["value"], part["value_code"] = parse_values(source, frame, column)
        pieces.append(part[[(measure_id, g) in declared for g in part["pupil_group"]]])
    results = pd.concat(pieces, ignore_index=True)
    results = results[results["value"].notna() | results["value_code"].notna()].copy()
    results["source_id"] = source_id
    results["source_row"] = results["_row"]
    return insert_la_group_results(con, results)


def _columns() -> tuple[Col, ...]:
    by_id = measures.by_id()
    return (*GEOGRAPHY, Col("t_pupils", COUNT),
            *(Col(column, measure_rule(by_id[measure_id])) for column, measure_id in MEASURE_COLUMNS.items()))


HEADER = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
          "region_name", "old_la_code", "new_la_code", "la_name", "version", "school_characteristic", "breakdown",
          "gender", "ethnic_major", "free_school_meals", "sen_status", "sen_description", "disadvantage",
          "first_language", "t_schools", "t_pupils", "t_att8", "avg_att8_unrounded", "avg_att8", "t_entbasics",
          "pt_entbasics", "t_l2basics_95", "pt_l2basics_95", "t_l2basics_94", "pt_l2basics_94", "t_ebacc_e_ptq_ee",
          "pt_ebacc_e_ptq_ee", "t_ebacc_95", "pt_ebacc_95", "t_ebacc_94", "pt_ebacc_94", "t_ebaccaps",
          "avg_ebaccaps", "t_inp8calc", "t_p8score", "avg_p8score", "p8score_ci_low", "p8score_ci_upp")

IMPORTERS = [
    Importer(
        name="EES KS4 attainment by LA and pupil characteristic",
        signature=frozenset({"time_period", "geographic_level", "disadvantage", "avg_att8", "avg_p8score"}),
        required=(*GEOGRAPHY_COLUMNS, "version", *_CATEGORIES, *_MUST_BE_TOTAL, "t_pupils", *MEASURE_COLUMNS),
        load=load,
        priority=25,
        header=HEADER,
        columns=_columns(),
    )
]
