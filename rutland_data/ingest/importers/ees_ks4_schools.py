"""EES Key stage 4 performance, school level: the "information about schools" file
(`202324_information_about_schools_final.csv`).

One row per school with KS4 results (`geographic_level` School only; no LA or national rows). It gives
the register what the performance tables' spine would (establishment type group, religious
character, admissions policy, gender, age range, postcode in the address) and the school's latest
KS4 view: the cohort's profile (pupils, prior attainment, disadvantage, first language, SEN), the
disadvantaged pupils' gap to non-disadvantaged pupils nationally (DIFFN_ATT8 / DIFFN_P8MEA in the
performance tables' field guide) and DfE's Progress 8 banding in words. The Progress 8 score itself is
in the companion performance-tables file, so the band is stored as its own measure (`ks4_p8_band`,
band number 1-5 with `published_band`), never as a score. The version is the file's `version` column.
"""
from __future__ import annotations

import re

import pandas as pd

from rutland_data.ingest import intake
from rutland_data.ingest.importers import BadInput, Col, Importer, SourceFile, insert_areas
from rutland_data.ingest.importers.csp_school import (RESULT_COLUMNS, Field, field_columns, insert_rows,
                                                      long_results, merge_schools, normal_postcode, text_column)
from rutland_data.ingest.importers.ees_format import academic_year
from rutland_data.reference import school_types
from rutland_data.reference.markers import PUBLISHED_MARKERS

# DfE's Progress 8 bands, in the words the file uses (1 well above average .. 5 well below)
P8_BANDS = {"Well above average": 1, "Above average": 2, "Average": 3, "Below average": 4, "Well below average": 5}
_BAND_COLUMN = "_p8_band_number"
FIELDS = [
    Field("t_pupils", "ks4_cohort_pupils"),
    Field("avg_ks2_scaledscore", "ks4_cohort_ks2_ss", cohort="t_pupils"),
    Field("pt_prior_lo", "ks4_cohort_prior_low_pct", cohort="t_pupils"),
    Field("pt_prior_hi", "ks4_cohort_prior_high_pct", cohort="t_pupils"),
    Field("pt_disadvantaged", "ks4_cohort_disadv_pct", cohort="t_pupils"),
    Field("pt_language_not_english", "ks4_cohort_eal_pct", cohort="t_pupils"),
    Field("pt_sen_with_ehcp", "ks4_cohort_ehcp_pct", cohort="t_pupils"),
    Field("pt_sen_no_ehcp", "ks4_cohort_sen_support_pct", cohort="t_pupils"),
    # the school's disadvantaged pupils against non-disadvantaged pupils nationally
    Field("diffn_att8", "ks4_att8_disadv_gap", "disadvantaged", "t_disadvantaged", cohort_is_measure=False),
    Field("diffn_p8mea", "ks4_p8_disadv_gap", "disadvantaged", "t_disadvantaged", cohort_is_measure=False),
    Field(_BAND_COLUMN, "ks4_p8_band", cohort="t_pupils", band=_BAND_COLUMN, cohort_is_measure=False),
]
# establishment_type_group -> comparison group (the file's own groups; 'FE 14-16 colleges' are state-funded)
_TYPE_GROUPS = {
    **dict.fromkeys(["Converter academies", "Sponsored academies", "Free schools", "Community school",
                     "Voluntary aided school", "Voluntary controlled school", "Foundation school",
                     "University technical colleges (UTCs)", "Studio schools", "FE 14-16 colleges", "CTCs"],
                    school_types.MAINSTREAM),
    **dict.fromkeys(["Converter academies - special school", "Sponsored academies - special school",
                     "Free schools - special school", "Community special school", "Foundation special school"],
                    school_types.SPECIAL),
    "Non-maintained special schools": school_types.NON_MAINTAINED_SPECIAL,
    "Independent special schools": school_types.INDEPENDENT_SPECIAL,
    "Independent schools": school_types.INDEPENDENT,
}
_VERSIONS = {"final": "final", "revised": "revised", "provisional": "provisional"}


def _age_range(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    parts = text.str.extract(r"^(\d+) to (\d+)$")
    return pd.to_numeric(parts[0], errors="coerce"), pd.to_numeric(parts[1], errors="coerce")


def load(con, source: SourceFile, source_id: int, settings):
    frame = source.frame()
    frame = frame[text_column(frame, "geographic_level") == "School"].copy()
    if frame.empty:
        raise BadInput(source.display_name, "has no School rows", column="geographic_level")
    frame["_urn"] = text_column(frame, "school_urn")
    duplicated = frame[frame.duplicated("_urn", keep=False)]
    if not duplicated.empty:
        raise BadInput(source.display_name, f"URN {duplicated['_urn'].iloc[0]} appears twice",
                       row=int(duplicated["_row"].iloc[1]), column="school_urn")
    versions = text_column(frame, "version").str.lower().map(_VERSIONS)
    if versions.isna().any():
        bad = frame[versions.isna()].iloc[0]
        raise BadInput(source.display_name, f"'{bad['version']}' is not a version (expected Final, Revised or "
                       "Provisional)", row=int(bad["_row"]), column="version")
    band_words = text_column(frame, "p8_banding")
    frame[_BAND_COLUMN] = band_words.map(P8_BANDS).astype("Int64").astype(str).where(
        band_words.isin(P8_BANDS), band_words)

    las = frame[text_column(frame, "old_la_code").str.fullmatch(r"\d{3}")].drop_duplicates("old_la_code")
    insert_areas(con, pd.DataFrame({   # the LA's names and ONS code, for LAs no other file has named yet
        "area_code": text_column(las, "old_la_code"), "name": text_column(las, "la_name"), "level": "la",
        "old_la_code": text_column(las, "old_la_code").astype(int), "new_la_code": text_column(las, "new_la_code"),
        "region_code": None, "is_current": True}))
    type_group = text_column(frame, "establishment_type_group").replace("", None)
    laestab = text_column(frame, "school_laestab")
    age_low, age_high = _age_range(text_column(frame, "agerange"))
    merge_schools(con, pd.DataFrame({
        "urn": frame["_urn"], "name": text_column(frame, "school_name"),
        "la_code": text_column(frame, "old_la_code").replace("", None),
        "estab": laestab.str[3:].where(laestab.str.fullmatch(r"\d{7}"), None),
        "school_type": type_group, "comparison_group": type_group.map(_TYPE_GROUPS),
        "postcode": text_column(frame, "full_address").str.rsplit(",", n=1).str[-1].map(normal_postcode),
        "religious_character": text_column(frame, "reldenom").replace("", None),
        "admission_policy": text_column(frame, "admpol_pt").replace("", None),
        "gender": text_column(frame, "egender").replace("", None),
        "age_low": age_low, "age_high": age_high,
        "is_open": text_column(frame, "iclose") != "1",
        "source_id": source_id,
    }))

    labels = {}
    for row, period in zip(frame["_row"], frame["time_period"]):
        if period not in labels:
            try:
                labels[period] = academic_year(period)
            except ValueError as error:
                raise BadInput(source.display_name, str(error), row=int(row), column="time_period") from None
    frame["_area"] = frame["_urn"]
    results = long_results(source, frame, FIELDS)
    keys = frame.loc[results["_key"]]
    results["urn"] = keys["_urn"].to_numpy()
    results["year_label"] = [labels[p][0] for p in keys["time_period"]]
    results["end_year"] = [labels[p][1] for p in keys["time_period"]]
    results["version"] = versions.loc[results["_key"]].to_numpy()
    results["ci_method"], results["source_id"], results["source_row"] = None, source_id, results["_row"]
    added, repeated, differing = insert_rows(con, "school_results", results, RESULT_COLUMNS)
    note = ("the Progress 8 banding is stored as its band number (ks4_p8_band); the Progress 8 score is in the "
            "companion performance-tables file")
    if repeated:
        note += f"; {repeated} figures were already loaded from an earlier file and were kept"
    return added, note


_DECLARED = tuple(c for c in field_columns(FIELDS) if c.name != _BAND_COLUMN)
IMPORTERS = [
    Importer(
        name="EES KS4 performance: information about schools",
        signature=frozenset({"time_period", "school_urn", "establishment_type_group", "p8_banding", "t_pupils"}),
        required=("time_period", "geographic_level", "school_urn", "school_name", "version"),
        load=load,
        priority=27,
        columns=(
            Col("time_period", intake.TIME_PERIOD, blank=False),
            Col("school_urn", intake.URN, blank=False),
            Col("old_la_code", intake.LA_NUMBER, markers=PUBLISHED_MARKERS),
            Col("school_laestab", intake.Code("a 7-digit LAESTAB", r"\d{7}")),
            Col("p8_banding", intake.Code("a Progress 8 band (e.g. 'Well above average') or a marker",
                                          "|".join(map(re.escape, [*P8_BANDS, *sorted(PUBLISHED_MARKERS)])))),
            *_DECLARED,
        ),
    ),
]
