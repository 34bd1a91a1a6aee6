"""EES Early Years Foundation Stage Profile results by LA (2012/13 to 2017/18 underlying data).

Feeds the good-level-of-development series before LAIT's coverage starts.
"""
from __future__ import annotations

from rutland_data.ingest.importers import Col, Importer, SourceFile, insert_la_results, parse_column, reject_duplicates
from rutland_data.ingest.importers.ees_format import GEOGRAPHY, GEOGRAPHY_COLUMNS, add_area_and_year
from rutland_data.ingest.intake import PERCENT


def load(con, source: SourceFile, source_id: int, settings):
    frame = source.frame()
    frame = frame[frame["characteristic"].str.strip() == "Total"]
    frame = add_area_and_year(source, frame, con)
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
        columns=(*GEOGRAPHY, Col("gld_percent", PERCENT)),
    )
]
