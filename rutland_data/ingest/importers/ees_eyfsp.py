"""EES Early Years Foundation Stage Profile results by LA (2012/13 to 2017/18 underlying data).

Feeds the good-level-of-development series before LAIT's coverage starts, and the girls' and boys' figures
(with the number of children in each) to the LA-level pupil groups.
"""
from __future__ import annotations

from rutland_data.ingest.importers import (Col, Importer, SourceFile, insert_la_group_results, insert_la_results,
                                           parse_column, reject_duplicates)
from rutland_data.ingest.importers.ees_format import GEOGRAPHY, GEOGRAPHY_COLUMNS, add_area_and_year
from rutland_data.ingest.intake import COUNT, PERCENT

# The file's gender rows -> pupil groups (reference/codes.py).
_GENDER_GROUPS = {"Gender Female": "girls", "Gender Male": "boys"}


def load(con, source: SourceFile, source_id: int, settings):
    frame = add_area_and_year(source, source.frame(), con)
    added, note = _load_total(source, frame[frame["characteristic"].str.strip() == "Total"].copy(), source_id, con)
    group_added, group_note = _load_gender(source, frame, source_id, con)
    return added + group_added, "; ".join(filter(None, [note, group_note and f"pupil groups: {group_note}"])) or None


def _load_gender(source: SourceFile, frame, source_id: int, con):
    frame = frame[frame["characteristic"].str.strip().isin(_GENDER_GROUPS)].copy()
    frame["pupil_group"] = frame["characteristic"].str.strip().map(_GENDER_GROUPS)
    reject_duplicates(source, frame, ["time_period", "area_code", "pupil_group"], "year, area and gender")
    frame["value"], frame["value_code"] = parse_column(source, frame, "gld_percent")
    cohorts, _ = parse_column(source, frame, "number_of_children")
    frame["cohort"] = [None if c is None else int(c) for c in cohorts]
    frame["measure_id"] = "eyfs_gld"
    frame["version"] = None
    frame["source_id"] = source_id
    frame["source_row"] = frame["_row"]
    return insert_la_group_results(con, frame)


def _load_total(source: SourceFile, frame, source_id: int, con):
    reject_duplicates(source, frame, ["time_period", "area_code"], "year and area")
    values, codes = parse_column(source, frame, "gld_percent")
    frame["value"] = values
    frame["value_code"] = codes
    frame["measure_id"] = "eyfs_gld"
    frame["version"] = None
    frame["source_id"] = source_id
    frame["source_row"] = frame["_row"]
    return insert_la_results(
        con,
        frame[["measure_id", "year_label", "end_year", "area_code", "value", "value_code",
               "version", "source_id", "source_row"]],
    )


# The published header, so a file of this layout with a column renamed is told from DfE's later,
# different EYFSP layouts (2021/22 onward: gld_percentage, children_number), which are skipped.
HEADER = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
          "region_name", "old_la_code", "new_la_code", "la_name", "characteristic_group", "characteristic",
          "number_of_children", "point_score", "average_point_score", "elg_number", "elg_percent", "gld_number",
          "gld_percent", "comm_lang_lit_number", "comm_lang_lit_percent")

IMPORTERS = [
    Importer(
        name="EES EYFSP headline measures by LA",
        signature=frozenset({"time_period", "geographic_level", "gld_percent", "characteristic"}),
        required=(*GEOGRAPHY_COLUMNS, "characteristic", "gld_percent"),
        load=load,
        priority=20,
        header=HEADER,
        columns=(*GEOGRAPHY, Col("gld_percent", PERCENT), Col("number_of_children", COUNT)),
    )
]
