"""Performance-tables (CSP) destination measures: KS4 `ks4-pupdest`, 16-18 `ks5-studest` and `ks5-studest-he`.

Each file has school rows (RECTYPE 1, 2, or 3 for colleges), LA rows (RECTYPE `LA`) and a
national row (`NAT`). Counts and percentages are loaded side by side into `destinations`,
one row per category; published markers (SUPP, SP, NA, and the undocumented SN, read as
suppressed) are kept as codes and never become 0.

Which cohort a file describes is not in its rows. The KS4 file says it through its trend
columns (`COHORT_18` = pupils completing KS4 in 2015/16, so the main cohort is the next
one); the 16-18 files say nothing, so their year is the one the README infers for that
download and the cohort label says it is inferred.
"""
from __future__ import annotations

import re

import pandas as pd

from rutland_data.ingest.importers import BadInput, Col, Importer, SourceFile, insert_areas, parse_column, reject_duplicates
from rutland_data.ingest.importers.csp_school import PERFORMANCE_TABLES_LAYOUT, RECORD_KEYS
from rutland_data.ingest.intake import COUNT, PERCENT, Code
from rutland_data.reference.codes import ENGLAND_CODE

# (column stem, category shown, group used to colour and order the stacked bars)
KS4_CATEGORIES = [
    ("SCH_6TH", "School sixth form", "Sustained education"),
    ("SIXTH_COL", "Sixth-form college", "Sustained education"),
    ("FE", "Further education", "Sustained education"),
    ("OTHER_EDU", "Other education", "Sustained education"),
    ("APPREN", "Apprenticeship", "Sustained apprenticeship or employment"),
    ("EMPLOYMENT", "Employment", "Sustained apprenticeship or employment"),
    ("NOT_SUSTAINED", "Not sustained", "Not sustained or not captured"),
    ("UNKNOWN", "Activity not captured", "Not sustained or not captured"),
    ("OVERALL_DEST", "Sustained destination (total)", "Total"),
    ("EDUCATION", "Sustained education (total)", "Total"),
]
KS5_CATEGORIES = [
    ("HE", "Higher education", "Sustained education"),
    ("FE", "Further education", "Sustained education"),
    ("OTHER_EDU", "Other education", "Sustained education"),
    ("APPREN", "Apprenticeship", "Sustained apprenticeship or employment"),
    ("EMPLOYMENT", "Employment", "Sustained apprenticeship or employment"),
    ("NOT_SUSTAINED", "Not sustained", "Not sustained or not captured"),
    ("NOT_CAPTURED", "Activity not captured", "Not sustained or not captured"),
    ("OVERALL", "Sustained destination (total)", "Total"),
    ("EDUCATION", "Sustained education (total)", "Total"),
]
KS5_PROGRESSION = [  # percentages only, and not a partition of the cohort
    ("ALL_PROGRESSED", "Progressed to level 4 or higher education or training"),
    ("ALL_APPREN", "Higher or degree apprenticeship"),
    ("ALL_HE", "Higher education (level 4+)"),
    ("ALL_TOP3RD", "Top third of higher education providers"),
    ("ALL_RUSSELL", "Russell Group universities"),
    ("ALL_OXBRIDGE", "Oxford or Cambridge"),
]
COHORT_CATEGORY = "Cohort"
KS5_INFERRED_END_YEAR = 2019
KS5_YEAR_NOTE = "cohort year not stated in the file; 2018/19 inferred"
KS5_COHORT_LABEL = ("16-18 students finishing in 2018/19 (year not stated in the file; "
                    "inferred for the 2020-21 performance-tables download)")
_TREND_COHORT = re.compile(r"^COHORT_(\d{2})$")
DESTINATION_COLUMNS = ["cohort_label", "cohort_end_year", "stage", "area_code", "category", "category_group",
                       "pupils", "percent", "value_code", "source_id", "source_row"]


def insert_destinations(con, rows: pd.DataFrame) -> tuple[int, str | None]:
    """Add destination rows; a figure an earlier file already gave (same stage, cohort, area and
    category) is kept, as for LA results, and the overlap is reported."""
    con.register("incoming_destinations", rows[DESTINATION_COLUMNS])
    try:
        overlap, differing = con.execute("""
            SELECT count(*), count(*) FILTER (WHERE d.pupils IS DISTINCT FROM i.pupils
                                              OR d.percent IS DISTINCT FROM i.percent)
            FROM incoming_destinations i JOIN destinations d
              ON d.stage = i.stage AND d.cohort_end_year = i.cohort_end_year AND d.area_code = i.area_code
             AND d.category = i.category
        """).fetchone()
        con.execute("""
            INSERT INTO destinations
            SELECT * FROM incoming_destinations i
            WHERE NOT EXISTS (SELECT 1 FROM destinations d WHERE d.stage = i.stage
                              AND d.cohort_end_year = i.cohort_end_year AND d.area_code = i.area_code
                              AND d.category = i.category)
        """)
    finally:
        con.unregister("incoming_destinations")
    note = None
    if overlap:
        note = (f"{overlap} figures were already given by an earlier file and were kept"
                + (f"; {differing} of them differ from this file" if differing else "; this file agrees"))
    return len(rows) - overlap, note


def _rows_with_areas(source: SourceFile, frame: pd.DataFrame, con) -> pd.DataFrame:
    """Keep school, LA and national rows; give each an area code (URN, LA number, England)."""
    rectype = frame["RECTYPE"].str.strip()
    unknown = frame[~rectype.isin(["1", "2", "3", "LA", "NAT"])]
    if not unknown.empty:
        bad = unknown.iloc[0]
        raise BadInput(source.display_name, f"record type '{bad['RECTYPE']}' is not one of 1, 2, 3, LA, NAT",
                       row=int(bad["_row"]), column="RECTYPE")
    frame = frame.copy()
    frame["level"] = rectype.map(lambda r: {"LA": "la", "NAT": "england"}.get(r, "school"))
    frame["area_code"] = [
        ENGLAND_CODE if level == "england" else (str(la).strip() if level == "la" else str(urn).strip())
        for level, la, urn in zip(frame["level"], frame["LEA"], frame["URN"])
    ]
    blank = frame[frame["area_code"] == ""]
    if not blank.empty:
        column = "LEA" if blank.iloc[0]["level"] == "la" else "URN"
        raise BadInput(source.display_name, "area code is blank", row=int(blank.iloc[0]["_row"]), column=column)
    reject_duplicates(source, frame, ["level", "area_code"], "school or LA")

    schools = frame[frame["level"] == "school"]
    las = frame[frame["level"] == "la"]
    areas = pd.concat([
        pd.DataFrame({"area_code": schools["area_code"], "name": schools["SCHNAME"].str.strip(), "level": "school",
                      "old_la_code": pd.to_numeric(schools["LEA"], errors="coerce").astype("Int64"),
                      "new_la_code": None, "region_code": None, "is_current": True}),
        pd.DataFrame({"area_code": las["area_code"], "name": "LA " + las["area_code"], "level": "la",
                      "old_la_code": pd.to_numeric(las["area_code"], errors="coerce").astype("Int64"),
                      "new_la_code": None, "region_code": None, "is_current": True}),
        pd.DataFrame([[ENGLAND_CODE, "England", "england", 970, None, None, True]],
                     columns=["area_code", "name", "level", "old_la_code", "new_la_code", "region_code",
                              "is_current"]),
    ])
    insert_areas(con, areas)
    return frame


def _category_rows(source, frame, *, prefix, categories, cohort_column, label, end_year, stage, source_id):
    """Long rows: for each category, the count column `prefix+stem` and percent column `prefix+stem+'PER'`."""
    cohort_values, cohort_codes = parse_column(source, frame, cohort_column)
    pieces = [pd.DataFrame({"area_code": frame["area_code"], "category": COHORT_CATEGORY, "category_group": "Total",
                            "pupils": cohort_values, "percent": None, "value_code": cohort_codes,
                            "source_row": frame["_row"]})]
    for stem, category, group in categories:
        counts, count_codes = parse_column(source, frame, f"{prefix}{stem}")
        percents, percent_codes = parse_column(source, frame, f"{prefix}{stem}PER")
        pieces.append(pd.DataFrame({
            "area_code": frame["area_code"], "category": category, "category_group": group,
            "pupils": counts, "percent": percents,
            # a count can be published while its percentage is 'SP' (under 0.5%); keep whichever code there is
            "value_code": [c or p for c, p in zip(count_codes, percent_codes)],
            "source_row": frame["_row"],
        }))
    rows = pd.concat(pieces, ignore_index=True)
    rows["cohort_label"], rows["cohort_end_year"], rows["stage"], rows["source_id"] = label, end_year, stage, source_id
    rows["pupils"] = rows["pupils"].astype("Int64")
    return rows


def ks4_cohort_year(source: SourceFile) -> int:
    """End year of the main cohort: one after the latest trend cohort (`COHORT_18` = 2015/16 leavers)."""
    suffixes = [int(m.group(1)) for c in source.columns if (m := _TREND_COHORT.match(c))]
    if not suffixes:
        raise BadInput(source.display_name, "has no trend columns (e.g. COHORT_18), so the cohort year is unknown",
                       row=1)
    return 2000 + max(suffixes) - 1


def _leavers_label(end_year: int, stage_words: str) -> str:
    return f"{stage_words} {end_year - 1}/{str(end_year)[2:]}"


def load_ks4(con, source: SourceFile, source_id: int, settings):
    end_year = ks4_cohort_year(source)
    frame = _rows_with_areas(source, source.frame(), con)
    label = _leavers_label(end_year, "Pupils completing key stage 4 in")
    rows = [_category_rows(source, frame, prefix="", categories=KS4_CATEGORIES, cohort_column="COHORT", label=label,
                           end_year=end_year, stage="KS4", source_id=source_id)]
    # The trend columns give the two earlier cohorts' size and overall sustained percentage.
    for suffix in sorted({int(m.group(1)) for c in source.columns if (m := _TREND_COHORT.match(c))}):
        year = 2000 + suffix - 2
        cohort, cohort_code = parse_column(source, frame, f"COHORT_{suffix}")
        percent, percent_code = parse_column(source, frame, f"OVERALL_DESTPER_{suffix}")
        earlier_label = _leavers_label(year, "Pupils completing key stage 4 in")
        rows.append(pd.DataFrame({
            "cohort_label": earlier_label, "cohort_end_year": year, "stage": "KS4",
            "area_code": list(frame["area_code"]) * 2,
            "category": [COHORT_CATEGORY] * len(frame) + ["Sustained destination (total)"] * len(frame),
            "category_group": "Total",
            "pupils": pd.array(cohort + [None] * len(frame), dtype="Int64"),
            "percent": [None] * len(frame) + percent,
            "value_code": cohort_code + percent_code,
            "source_id": source_id, "source_row": list(frame["_row"]) * 2,
        }))
    return insert_destinations(con, pd.concat(rows, ignore_index=True))


def load_ks5(con, source: SourceFile, source_id: int, settings):
    frame = _rows_with_areas(source, source.frame(), con)
    rows = _category_rows(source, frame, prefix="TOT_", categories=KS5_CATEGORIES, cohort_column="TOT_COHORT",
                          label=KS5_COHORT_LABEL, end_year=KS5_INFERRED_END_YEAR, stage="16-18",
                          source_id=source_id)
    added, note = insert_destinations(con, rows)
    return added, f"{note}; {KS5_YEAR_NOTE}" if note else KS5_YEAR_NOTE


def load_ks5_progression(con, source: SourceFile, source_id: int, settings):
    frame = _rows_with_areas(source, source.frame(), con)
    cohort, cohort_code = parse_column(source, frame, "ALL_COHORT")
    pieces = [pd.DataFrame({"area_code": frame["area_code"], "category": COHORT_CATEGORY, "category_group": "Total",
                            "pupils": cohort, "percent": None, "value_code": cohort_code,
                            "source_row": frame["_row"]})]
    for column, category in KS5_PROGRESSION:
        percents, codes = parse_column(source, frame, column)
        pieces.append(pd.DataFrame({"area_code": frame["area_code"], "category": category,
                                    "category_group": "Progression (not exclusive)", "pupils": None,
                                    "percent": percents, "value_code": codes, "source_row": frame["_row"]}))
    rows = pd.concat(pieces, ignore_index=True)
    # LA and national rows leave ALL_COHORT blank: nothing is published there, so no row is stored.
    rows = rows[rows["pupils"].notna() | rows["percent"].notna() | rows["value_code"].notna()]
    rows["pupils"] = rows["pupils"].astype("Int64")
    rows["cohort_label"], rows["cohort_end_year"] = KS5_COHORT_LABEL, KS5_INFERRED_END_YEAR
    rows["stage"], rows["source_id"] = "16-18 progression", source_id
    added, note = insert_destinations(con, rows)
    return added, f"{note}; {KS5_YEAR_NOTE}" if note else KS5_YEAR_NOTE


_KS4_REQUIRED = ("RECTYPE", "LEA", "URN", "SCHNAME", "COHORT",
                 *[c for stem, _, _ in KS4_CATEGORIES for c in (stem, f"{stem}PER")])
_KS5_REQUIRED = ("RECTYPE", "LEA", "URN", "SCHNAME", "TOT_COHORT",
                 *[c for stem, _, _ in KS5_CATEGORIES for c in (f"TOT_{stem}", f"TOT_{stem}PER")])

# Destinations files add colleges (RECTYPE 3) and name their summary rows LA and NAT.
DESTINATION_KEYS = (Col("RECTYPE", Code("a record type (1, 2, 3, LA or NAT)", r"[123]|LA|NAT"), blank=False),
                    *RECORD_KEYS[1:])


def _category_columns(prefix: str, stems: list[str]) -> tuple[Col, ...]:
    """Each category's count column and its 'PER' percentage column."""
    return tuple(col for stem in stems for col in (Col(f"{prefix}{stem}", COUNT), Col(f"{prefix}{stem}PER", PERCENT)))


IMPORTERS = [
    Importer(
        name="Performance tables: KS4 destinations (ks4-pupdest)",
        signature=frozenset({"RECTYPE", "OVERALL_DEST", "SCH_6TH", "SIXTH_COL"}),
        required=_KS4_REQUIRED,
        load=load_ks4,
        priority=40,
        layout=PERFORMANCE_TABLES_LAYOUT,
        columns=(*DESTINATION_KEYS, Col("COHORT", COUNT), *_category_columns("", [s for s, _, _ in KS4_CATEGORIES]),
                 Col(r"COHORT_\d{2}", COUNT, pattern=True), Col(r"OVERALL_DESTPER_\d{2}", PERCENT, pattern=True)),
        release_note="Destinations in the year after key stage 4; published about two years after the cohort left.",
    ),
    Importer(
        name="Performance tables: 16-18 destinations (ks5-studest)",
        signature=frozenset({"RECTYPE", "TOT_COHORT", "TOT_OVERALL", "TOT_NOT_CAPTURED"}),
        required=_KS5_REQUIRED,
        load=load_ks5,
        priority=40,
        layout=PERFORMANCE_TABLES_LAYOUT,
        columns=(*DESTINATION_KEYS, Col("TOT_COHORT", COUNT),
                 *_category_columns("TOT_", [s for s, _, _ in KS5_CATEGORIES])),
        release_note="Cohort year not stated in the file (inferred). 'SN' is undocumented and treated as suppressed.",
    ),
    Importer(
        name="Performance tables: 16-18 progression to higher education or training (ks5-studest-he)",
        signature=frozenset({"RECTYPE", "ALL_PROGRESSED", "ALL_HE"}),
        required=("RECTYPE", "LEA", "URN", "SCHNAME", "ALL_COHORT", *[c for c, _ in KS5_PROGRESSION]),
        load=load_ks5_progression,
        priority=40,
        layout=PERFORMANCE_TABLES_LAYOUT,
        columns=(*DESTINATION_KEYS, Col("ALL_COHORT", COUNT), *(Col(c, PERCENT) for c, _ in KS5_PROGRESSION)),
        release_note="Cohort year not stated in the file (inferred). Percentages only; categories overlap.",
    ),
]
