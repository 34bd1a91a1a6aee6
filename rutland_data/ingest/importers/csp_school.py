"""Compare School Performance (performance tables) school-level downloads: KS2, KS4, KS5, census, absence.

One module for the whole family because the files share their conventions: a row per
school (plus LA and national rows in the full downloads), DfE's abbreviated column names
(see the `*_meta.csv` field guides), values with '%' signs, and the markers SUPP NE NP NA
LOWCOV NEW SP kept as codes. The key-stage importers read whichever of the known columns a
file has, so the full files (300-500 columns), the 25-column 2018/19 KS4 provisional file
and the third-party cut-downs of 2018/19 (only their official DfE columns are read) all load.

The year comes from the file itself where it can: full KS2/KS4 files carry the previous
years' figures in columns ending `_16`, `_17`, so the file's own year is one later. Files
that do not say (the provisional, cut-down, census and absence files) take it from a
`YYYY-YYYY` folder or file name, or the LA-download name `NNN_YYYY_`; the sources table
notes which rule was used.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rutland_data.reference import measures as measure_dictionary
from rutland_data.reference import school_types
from rutland_data.ingest.importers import BadInput, Col, Importer, Layout, SourceFile, insert_areas
from rutland_data.ingest.intake import (COUNT, LA_NUMBER, PERCENT, PROGRESS_BAND, URN, Code, Date, interval_rule,
                                 measure_rule)
from rutland_data.reference.markers import GLOSSARY
from rutland_data.reference.codes import academic_year, ENGLAND_CODE

# Previous-year columns of full KS2/KS4 files, e.g. PTRWM_EXP_17 in the 2017/18 KS2 file.
_PREVIOUS_YEAR_COLUMN = re.compile(r"^(PTRWM_EXP|READPROG|ATT8SCR|P8MEA)_(\d{2})$")
_ACADEMIC_YEAR_NAME = re.compile(r"(?<!\d)(20\d{2})[-_](20\d{2})(?!\d)")
_LA_DOWNLOAD_NAME = re.compile(r"(?<!\d)\d{3}_(20\d{2})_")

RESULT_COLUMNS = ["urn", "end_year", "year_label", "measure_id", "pupil_group", "cohort_n", "value", "value_code",
                  "ci_low", "ci_high", "ci_method", "published_band", "version", "source_id", "source_row", "cohort_from"]
BENCHMARK_COLUMNS = ["area_code", "school_phase", "end_year", "year_label", "measure_id", "pupil_group", "cohort_n",
                     "value", "value_code", "ci_low", "ci_high", "version", "source_id", "source_row"]
# A census or absence row names no school; it is registered as 'School {la}/{estab} (URN {urn})'
# until a file that names it loads.
PLACEHOLDER_NAME_PATTERN = "School %/% (URN %)"
_SCHOOL_TYPES = {"conversion_date": "DATE", "easting": "INTEGER", "northing": "INTEGER", "lat": "DOUBLE",
                 "lon": "DOUBLE", "is_open": "BOOLEAN", "source_id": "INTEGER", "replaced_on": "DATE",
                 "age_low": "INTEGER", "age_high": "INTEGER"}
SCHOOL_COLUMNS = ["urn", "name", "la_code", "estab", "phase", "school_type", "trust", "trust_type", "conversion_date",
                  "ward_code", "easting", "northing", "lat", "lon", "is_open", "source_id", "comparison_group",
                  "successor_urn", "replaced_on", "postcode", "religious_character", "admission_policy", "gender",
                  "age_low", "age_high"]
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def normal_postcode(text) -> str | None:
    """'le15 6rp' / 'LE156RP' -> 'LE15 6RP'; None for anything that is not a UK postcode."""
    found = _POSTCODE.match(str(text or "").strip().upper())
    return f"{found.group(1)} {found.group(2)}" if found else None

@dataclass(frozen=True)
class Field:
    """One published figure: its column, what it measures, for which pupils, and its companions."""

    column: str
    measure_id: str
    group: str = "all"
    cohort: str | None = None   # column holding the pupils it covers
    low: str | None = None      # published interval
    high: str | None = None
    band: str | None = None     # published progress band (1 well above .. 5 well below)
    coverage: str | None = None  # % of `cohort` in a progress measure (KS2 READCOV ...): n = cohort x coverage
    cohort_is_measure: bool = True  # `cohort` (x coverage) counts exactly the pupils the figure is computed on


# ---- KS2 (ks2_meta.csv) ------------------------------------------------------------------
_KS2_GROUPS = {  # column suffix -> (group, cohort column)
    "": ("all", "TELIG"), "_B": ("boys", "BELIG"), "_G": ("girls", "GELIG"),
    "_L": ("low_prior", "TKS1GROUP_L"), "_M": ("middle_prior", "TKS1GROUP_M"), "_H": ("high_prior", "TKS1GROUP_H"),
    "_FSM6CLA1A": ("disadvantaged", "TFSM6CLA1A"), "_NotFSM6CLA1A": ("not_disadvantaged", "TNotFSM6CLA1A"),
    "_EAL": ("eal", "TEALGRP2"), "_MOBN": ("non_mobile", "TMOBN"),
}
_KS2_ATTAINMENT = {"PTRWM_EXP": "ks2_rwm_exp", "PTRWM_HIGH": "ks2_rwm_high", "PTREAD_EXP": "ks2_read_exp",
                   "PTWRITTA_EXP": "ks2_writ_exp", "PTMAT_EXP": "ks2_math_exp", "READ_AVERAGE": "ks2_read_ss",
                   "MAT_AVERAGE": "ks2_math_ss"}
_KS2_PROGRESS = {"READPROG": "ks2_read_prog", "WRITPROG": "ks2_writ_prog", "MATPROG": "ks2_math_prog"}
KS2_FIELDS = [
    Field(base + suffix, measure, group, cohort)
    for base, measure in _KS2_ATTAINMENT.items() for suffix, (group, cohort) in _KS2_GROUPS.items()
] + [
    # all pupils: n = TELIG x READCOV/WRITCOV/MATCOV (the pupils with a KS1 starting point); a group's
    # coverage is not published, so its cohort is the whole group and no interval is computed from it
    Field(base + suffix, measure, group, cohort, f"{base}{suffix}_LOWER", f"{base}{suffix}_UPPER",
          f"{base}_DESCR" if suffix == "" else None, base.replace("PROG", "COV") if suffix == "" else None,
          cohort_is_measure=suffix == "")
    for base, measure in _KS2_PROGRESS.items() for suffix, (group, cohort) in _KS2_GROUPS.items()
]

# ---- KS4 (ks4_final_meta.csv, ks4provisional_meta.xlsx) ----------------------------------
_KS4_GROUPS = {  # suffix -> (group, cohort column)
    "": ("all", "TPUP"), "_FSM6CLA1A": ("disadvantaged", "TFSM6CLA1A"),
    "_NFSM6CLA1A": ("not_disadvantaged", "TNOTFSM6CLA1A"), "_LO": ("low_prior", "TPRIORLO"),
    "_AV": ("middle_prior", "TPRIORAV"), "_HI": ("high_prior", "TPRIORHI"), "_EAL": ("eal", "TEALGRP2"),
    "_GIRLS": ("girls", "GPUP"), "_BOYS": ("boys", "BPUP"), "_NMOB": ("non_mobile", "TNMOB"),
}
_KS4_BASICS = {  # group -> column stem for 'grade 4/5+ in English and maths', completed by _94/_95
    "all": "PTL2BASICS", "disadvantaged": "PTFSM6CLA1ABASICS", "not_disadvantaged": "PTNOTFSM6CLA1ABASICS",
    "low_prior": "PTBASICSLO", "middle_prior": "PTBASICSAV", "high_prior": "PTBASICSHI", "boys": "PBL2BASICS",
    "girls": "PGL2BASICS", "eal": "PTL2BASICSEAL", "non_mobile": "PTL2BASICSNMOB",
}
_KS4_COHORT = {group: cohort for group, cohort in _KS4_GROUPS.values()}
KS4_FIELDS = [
    Field("ATT8SCR" + suffix, "ks4_att8", group, cohort) for suffix, (group, cohort) in _KS4_GROUPS.items()
] + [
    Field("P8MEA" + suffix, "ks4_p8", group, "P8PUP" + suffix, "P8CILOW" + suffix, "P8CIUPP" + suffix,
          "P8_BANDING" if suffix == "" else None)
    for suffix, (group, _) in _KS4_GROUPS.items()
] + [
    Field("EBACCAPS" + suffix, "ks4_ebacc_aps", group, cohort)
    for suffix, (group, cohort) in _KS4_GROUPS.items()
] + [
    Field(f"{stem}_{grade}", f"ks4_em{grade}", group, _KS4_COHORT[group])
    for group, stem in _KS4_BASICS.items() for grade in ("94", "95")
] + [
    Field("PTEBACC_E_PTQ_EE", "ks4_ebacc_entry", "all", "TPUP"),
    Field("PTEBACC_95", "ks4_ebacc95", "all", "TPUP"),
]

# ---- KS5 (16-18) -----------------------------------------------------------------------------
KS5_FIELDS = [
    Field("TALLPPE_ALEV_1618", "ks5_aps_alevel", cohort="TALLPUP_ALEV_1618"),
    # ks5final 2015/16 and 2016/17 publish the 95% interval as LCI_INS_ALEV / UCI_INS_ALEV; the 2018/19 cut-down
    # keeps only the band
    Field("VA_INS_ALEV", "ks5_va_alevel", cohort="TALLPUP_ALEV_1618", low="LCI_INS_ALEV",
          high="UCI_INS_ALEV", band="PROGRESS_BAND_ALEV", cohort_is_measure=False),
]

# ---- Census and absence (census_meta.csv) -------------------------------------------------------
CENSUS_FIELDS = [
    Field("NOR", "school_nor"),
    Field("PNUMFSMEVER", "school_fsm6_pct", cohort="NOR"),
    Field("PNUMFSM", "school_fsm_pct", cohort="NOR"),
    Field("PSENELK", "school_sen_support_pct", cohort="NOR"),
    Field("PSENELSE", "school_ehcp_pct", cohort="NOR"),
    Field("PNUMEAL", "school_eal_pct", cohort="NOR"),
]
ABSENCE_FIELDS = [Field("PERCTOT", "abs_overall"), Field("PPERSABS10", "abs_persistent")]

MARKER_CODES = set(GLOSSARY)
# DfE leaves a row's trailing blank fields out (an LA or national row, a school with no results).
PERFORMANCE_TABLES_LAYOUT = Layout(short_rows=True)
_PHASE_OF_ESTAB = {"PRI": "primary", "SEC": "secondary", "SPE": "special"}


# ---- year and version ----------------------------------------------------------------------------
def year_of(source: SourceFile) -> tuple[int, str]:
    """(end year, how it was found): the file's own previous-year columns first, then its name."""
    previous = [int(m.group(2)) for m in map(_PREVIOUS_YEAR_COLUMN.match, source.columns) if m]
    if previous:
        return 2000 + max(previous) + 1, "year read from the file's own columns (latest previous-year column + 1)"
    name = source.display_name
    found = _ACADEMIC_YEAR_NAME.findall(name)
    if found:
        start, end = map(int, found[-1])
        if end == start + 1:
            return end, f"year taken from the folder/file name '{start}-{end}' (the file itself does not say)"
    found = _LA_DOWNLOAD_NAME.findall(name)
    if found:
        return int(found[-1]), f"year taken from the file name '_{found[-1]}_' (the file itself does not say)"
    raise BadInput(name, "does not say which academic year it covers; put it in a folder named like '2018-2019'")


def version_of(source: SourceFile) -> str:
    name = source.display_name.lower()
    for word in ("provisional", "revised", "final"):
        if word in name:
            return word
    return "unstated"


# ---- reading cells (vectorised: the England files have 20,000+ rows and hundreds of columns) ----------
def text_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped text, blank where empty."""
    return frame[column].fillna("").astype(str).str.strip()


def parse_values(source: SourceFile, frame: pd.DataFrame, column: str | None) -> tuple[pd.Series, pd.Series]:
    """(values, codes) for a column: numbers (a '%' sign and thousands commas allowed) or published
    markers kept as codes; blanks give neither. Any other text is bad input, located by row."""
    if column is None or column not in frame.columns:
        empty = pd.Series(float("nan"), index=frame.index)
        return empty, pd.Series(None, index=frame.index, dtype=object)
    text = text_column(frame, column)
    is_code = text.isin(MARKER_CODES)
    numbers = pd.to_numeric(text.str.rstrip("%").str.replace(",", "", regex=False).str.strip(), errors="coerce")
    bad = (text != "") & ~is_code & (numbers.isna() | ~numbers.abs().lt(float("inf")))
    if bad.any():
        first = bad.idxmax()
        raise BadInput(source.display_name, f"'{text[first]}' is neither a number nor a published marker",
                       row=int(frame.at[first, "_row"]), column=column)
    return numbers.where(~is_code).astype(float), text.where(is_code, None).astype(object)


def parse_block(source: SourceFile, frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """`parse_values` for many columns at once: (values, codes) arrays of shape (rows, columns).

    The columns are stacked into one Series and parsed in one pass, because a full KS2/KS4 file has
    hundreds of columns and parsing them one by one costs more in pandas overhead than in parsing.
    A bad cell is reported exactly as `parse_values` reports it (first bad column in `columns` order)."""
    rows = len(frame)
    if not columns:
        return np.empty((rows, 0)), np.empty((rows, 0), dtype=object)
    stacked = pd.concat([frame[c] for c in columns], ignore_index=True)
    text = stacked.fillna("").astype(str).str.strip()
    is_code = text.isin(MARKER_CODES)
    numbers = pd.to_numeric(text.str.rstrip("%").str.replace(",", "", regex=False).str.strip(), errors="coerce")
    bad = (text != "") & ~is_code & (numbers.isna() | ~numbers.abs().lt(float("inf")))
    if bad.any():
        for column in columns:
            parse_values(source, frame, column)  # raises, naming the first bad cell
    values = numbers.where(~is_code).astype(float).to_numpy().reshape(len(columns), rows).T
    codes = text.where(is_code, None).astype(object).to_numpy().reshape(len(columns), rows).T
    return values, codes


def long_results(source: SourceFile, frame: pd.DataFrame, fields: list[Field]) -> pd.DataFrame:
    """One row per (file row, field present in the file) with value/code, cohort, published interval, band.

    Blank cells are not stored: a blank is not a published figure and has no marker to keep.
    Built as (rows x fields) arrays and flattened field by field, not one small frame per field.
    """
    present = [f for f in fields if f.column in frame.columns]
    if not present:
        raise BadInput(source.display_name, "holds none of the measures this importer reads", row=1)
    wanted = list(dict.fromkeys(c for f in present for c in (f.column, f.cohort, f.low, f.high, f.coverage)
                                if c is not None and c in frame.columns))
    position = {column: i for i, column in enumerate(wanted)}
    values, codes = parse_block(source, frame, wanted)
    rows, count = len(frame), len(present)

    def gather(matrix: np.ndarray, columns: list[str | None], fill) -> np.ndarray:
        """(rows x fields) from the parsed columns, `fill` where a field has no such column; flattened
        field by field (all rows of the first field, then the second...)."""
        out = np.full((rows, count), fill, dtype=matrix.dtype)
        for j, column in enumerate(columns):
            if column in position:
                out[:, j] = matrix[:, position[column]]
        return out.ravel(order="F")

    cohorts = gather(values, [f.cohort for f in present], np.nan)
    coverage = gather(values, [f.coverage for f in present], np.nan)
    has_coverage = np.repeat([f.coverage in position for f in present], rows)
    in_measure = np.where(has_coverage, np.round(cohorts * coverage / 100), cohorts)
    cohort_from = np.repeat([_cohort_from(f, position) for f in present], rows).astype(object)
    cohort_from[has_coverage & np.isnan(in_measure)] = None   # coverage not published for this school
    bands = np.full((rows, count), np.nan)
    for j, field in enumerate(present):
        if field.band in frame.columns:
            text = text_column(frame, field.band)
            bands[:, j] = pd.to_numeric(text.where(text.str.fullmatch(r"[1-5](\.0)?")), errors="coerce").to_numpy()
    results = pd.DataFrame({
        "_row": np.tile(frame["_row"].to_numpy(), count), "_key": np.tile(frame.index.to_numpy(), count),
        "value": gather(values, [f.column for f in present], np.nan),
        "value_code": gather(codes, [f.column for f in present], None),
        "measure_id": np.repeat([f.measure_id for f in present], rows).astype(object),
        "pupil_group": np.repeat([f.group for f in present], rows).astype(object),
        "cohort_n": np.round(np.where(np.isnan(in_measure), cohorts, in_measure)),
        "cohort_from": cohort_from,
        "ci_low": gather(values, [f.low for f in present], np.nan),
        "ci_high": gather(values, [f.high for f in present], np.nan),
        "published_band": bands.ravel(order="F"),
    })
    results = results[results["value"].notna() | results["value_code"].notna()].reset_index(drop=True)
    results["cohort_n"] = results["cohort_n"].astype("Int64")
    results["published_band"] = results["published_band"].astype("Int64")
    return results


def _cohort_from(field: Field, position: dict[str, int]) -> str | None:
    """Which columns give the pupils a figure is computed on ('TELIG × READCOV %'), stored beside the cohort
    so an interval computed from it can say so; None when the file has no such count (then none is computed)."""
    if field.cohort not in position or not field.cohort_is_measure:
        return None
    if field.coverage is not None:
        return f"{field.cohort} × {field.coverage} %" if field.coverage in position else None
    return field.cohort


def published_intervals(results: pd.DataFrame) -> pd.DataFrame:
    """Keep an interval only where the file publishes both limits (ci_method 'published'): one limit alone is
    not an interval. Computed intervals are made when figures are read (rutland_data/queries/schools.py)."""
    results = results.copy()
    published = results["ci_low"].notna() & results["ci_high"].notna()
    results["ci_method"] = pd.Series(None, index=results.index, dtype=object).where(~published, "published")
    results.loc[~published, ["ci_low", "ci_high"]] = float("nan")
    return results


# ---- writing ---------------------------------------------------------------------------------------
_KEYS = {"school_results": ["urn", "measure_id", "pupil_group", "end_year", "version"],
         "school_benchmarks": ["area_code", "school_phase", "measure_id", "pupil_group", "end_year", "version"]}


def insert_rows(con, table: str, frame: pd.DataFrame, columns: list[str]) -> tuple[int, int, int]:
    """Insert the rows whose key is not loaded yet (the first file to give a figure keeps it); returns
    (rows added, rows an earlier file had already given, how many of those differ) for the sources notes.
    Keys are unique within a file (duplicate URNs are refused), so this keeps each table's key unique.
    Only the loaded rows of the file's own years and versions (part of the key) are compared, so a
    file costs its own size, not the size of everything loaded before it."""
    if frame.empty:
        return 0, 0, 0
    keys = " AND ".join(f"t.{k} = i.{k}" for k in _KEYS[table])
    years = sorted(int(y) for y in pd.unique(frame["end_year"]))
    versions = sorted(str(v) for v in pd.unique(frame["version"]))
    same_slice = (f"SELECT * FROM {table} WHERE end_year IN ({', '.join('?' * len(years))}) "
                  f"AND version IN ({', '.join('?' * len(versions))})")
    incoming = frame[columns].copy()
    incoming["_position"] = np.arange(len(incoming))
    con.register("incoming_school_rows", incoming)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE earlier_school_rows AS SELECT i._position, "
            f"(t.value IS DISTINCT FROM i.value OR t.value_code IS DISTINCT FROM i.value_code) AS differs "
            f"FROM incoming_school_rows i JOIN ({same_slice}) t ON {keys}", years + versions).fetchall()
        repeated, differing = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE differs) FROM earlier_school_rows").fetchall()[0]
        if repeated:
            con.execute(f"INSERT INTO {table} SELECT {', '.join(columns)} FROM incoming_school_rows "
                        "WHERE _position NOT IN (SELECT _position FROM earlier_school_rows)").fetchall()
        else:
            con.execute(f"INSERT INTO {table} SELECT {', '.join(columns)} FROM incoming_school_rows").fetchall()
        con.execute("DROP TABLE earlier_school_rows").fetchall()
    finally:
        con.unregister("incoming_school_rows")
    return len(frame) - repeated, repeated, differing


def merge_schools(con, schools: pd.DataFrame) -> None:
    """Add schools not yet known; for known ones fill only the fields still empty (first file wins)."""
    if schools.empty:
        return
    frame = schools.drop_duplicates("urn").copy()
    for column in SCHOOL_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    frame["is_open"] = frame["is_open"].astype(object).where(frame["is_open"].notna(), True)
    for column in ("easting", "northing", "age_low", "age_high"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    frame["postcode"] = frame["postcode"].map({p: normal_postcode(p) for p in frame["postcode"].unique()})
    # The spine and EES files write 'None' for a school with no religious character: kept in words, so
    # 'None' never reaches a page.
    frame["religious_character"] = frame["religious_character"].replace({"None": "No religious character"})
    for column in ("lat", "lon"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Float64")
    frame["conversion_date"] = pd.to_datetime(frame["conversion_date"], errors="coerce").dt.date
    con.register("incoming_schools", frame[SCHOOL_COLUMNS])
    typed = ", ".join(f"CAST({c} AS {_SCHOOL_TYPES.get(c, 'TEXT')}) AS {c}" for c in SCHOOL_COLUMNS)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE incoming_schools_typed AS SELECT {typed} FROM incoming_schools").fetchall()
        con.execute("INSERT INTO schools SELECT * FROM incoming_schools_typed i "
                    "WHERE NOT EXISTS (SELECT 1 FROM schools WHERE schools.urn = i.urn)").fetchall()
        fill = [c for c in SCHOOL_COLUMNS if c not in ("urn", "source_id", "is_open", "name")]
        placeholder = f"'{PLACEHOLDER_NAME_PATTERN}'"
        con.execute(
            "UPDATE schools SET " + ", ".join(f"{c} = COALESCE(schools.{c}, i.{c})" for c in fill)
            + f", name = CASE WHEN schools.name LIKE {placeholder} AND i.name IS NOT NULL "
              f"AND i.name NOT LIKE {placeholder} THEN i.name ELSE schools.name END"
            + " FROM incoming_schools_typed i WHERE schools.urn = i.urn AND ("
            # only rows this file changes: rewriting every known school costs more than the check
            + " OR ".join(f"(schools.{c} IS NULL AND i.{c} IS NOT NULL)" for c in fill)
            + f" OR (schools.name LIKE {placeholder} AND i.name IS NOT NULL AND i.name NOT LIKE {placeholder}))"
        ).fetchall()
        con.execute("DROP TABLE incoming_schools_typed").fetchall()
    finally:
        con.unregister("incoming_schools")


def _note(how_year: str, repeated: int, differing: int, skipped: int) -> str:
    parts = [how_year]
    if repeated:
        parts.append(f"{repeated} figures were already loaded from an earlier file and were kept"
                     + (f" ({differing} of them differ from this file)" if differing else " (this file agrees)"))
    if skipped:
        parts.append(f"{skipped} national rows for all schools (incl. independent) were not loaded; "
                     "the national comparator is state-funded schools")
    return "; ".join(parts)


# ---- key-stage results files ---------------------------------------------------------------------------
def _load_results(con, source: SourceFile, source_id: int, fields: list[Field],
                  state_funded_national: set[str], phase: str | None,
                  state_funded_only: bool = False) -> tuple[int, str | None]:
    end_year, how_year = year_of(source)
    frame = source.frame()
    frame["_urn"] = text_column(frame, "URN")
    frame["_la"] = text_column(frame, "LEA") if "LEA" in frame.columns else ""
    rectype = text_column(frame, "RECTYPE")
    is_school = frame["_urn"].str.fullmatch(r"\d+")
    is_la = ~is_school & (frame["_la"] != "") & (frame["_urn"] == "")
    is_national = ~is_school & ~is_la & rectype.isin(state_funded_national)
    skipped = int((~is_school & ~is_la & ~is_national & rectype.isin({"4", "5", "NAT"})).sum())
    frame["_area"] = frame["_urn"].where(is_school, frame["_la"].where(is_la, ENGLAND_CODE))
    kept = frame.loc[is_school | is_la | is_national, _columns_read(frame, fields, ["_row", "_area"])]
    _refuse_duplicates(source, kept, ["_area"], "URN")

    results = long_results(source, kept, fields)
    results["area"] = frame["_area"].reindex(results["_key"]).to_numpy()
    results["is_school"] = is_school.reindex(results["_key"]).to_numpy()
    results["end_year"], results["year_label"] = end_year, academic_year(end_year)
    results["version"], results["source_id"], results["source_row"] = version_of(source), source_id, results["_row"]
    results = published_intervals(results)

    schools = frame.loc[is_school, [c for c in ("_urn", "_la", "SCHNAME", "ESTAB", "ICLOSE", "PCODE")
                                    if c in frame.columns]]
    type_column = next((c for c in ("NFTYPE", "NFTYPE/FESITYPE") if c in frame.columns), None)
    register = pd.DataFrame({
        "urn": schools["_urn"], "name": text_column(schools, "SCHNAME"),
        "la_code": schools["_la"].replace("", None),
        "estab": text_column(schools, "ESTAB").replace("", None) if "ESTAB" in schools else None,
        "is_open": text_column(schools, "ICLOSE") != "1" if "ICLOSE" in schools else True,
        "postcode": _blank_none(schools, "PCODE"),
        "phase": rectype[is_school].map(lambda r: "Special" if r == "2" else phase),
        "comparison_group": school_types.from_performance_tables(
            rectype[is_school], text_column(frame.loc[is_school], type_column) if type_column else None,
            state_funded_only=state_funded_only),
        "source_id": source_id,
    })
    merge_schools(con, register)

    school_rows = results[results["is_school"]].rename(columns={"area": "urn"})
    added, repeated, differing = insert_rows(con, "school_results", school_rows, RESULT_COLUMNS)
    bench = results[~results["is_school"]].rename(columns={"area": "area_code"})
    bench["school_phase"] = "all"
    _register_areas(con, bench["area_code"])
    bench_added, bench_repeated, bench_differing = insert_rows(con, "school_benchmarks", bench, BENCHMARK_COLUMNS)
    return added + bench_added, _note(how_year, repeated + bench_repeated, differing + bench_differing, skipped)


def load_ks2(con, source, source_id, settings):
    # ks2_meta.csv: RECTYPE 1 mainstream, 2 special, 3 LA, 4 national (all schools), 5 national (state-funded).
    # ks2_meta.csv 2018-2019 lists only state-funded NFTYPEs: RECTYPE alone settles the comparison group.
    return _load_results(con, source, source_id, KS2_FIELDS, {"5"}, "Primary", state_funded_only=True)


def load_ks4(con, source, source_id, settings):
    # ks4_final_meta.csv: RECTYPE 1, 2 schools, 4 LA, 5 national (all schools), 7 national (maintained/state-funded).
    return _load_results(con, source, source_id, KS4_FIELDS, {"7"}, "Secondary")


def load_ks5(con, source, source_id, settings):
    return _load_results(con, source, source_id, KS5_FIELDS, {"7", "NAT"}, None)


# ---- census and absence -------------------------------------------------------------------------------------
def _load_context(con, source: SourceFile, source_id: int, fields: list[Field], la_column: str,
                  urn_column: str, year_override: dict[int, int] | None = None) -> tuple[int, str | None]:
    """Census / absence: school rows by URN; 'NAT' and 'LA' rows are per phase (ESTAB = PRI/SEC/SPE)."""
    end_year, how_year = year_of(source)
    if year_override and end_year in year_override:
        how_year += (f"; no school absence was published for {academic_year(end_year)}, so these are the "
                     f"{academic_year(year_override[end_year])} figures carried forward and are stored as such")
        end_year = year_override[end_year]
    frame = source.frame()
    urn = text_column(frame, urn_column)
    la = text_column(frame, la_column)
    estab = text_column(frame, "ESTAB")
    is_school = urn.str.fullmatch(r"\d+")
    is_national = ~is_school & ((urn == "NAT") | (la == "NAT")) & estab.isin(_PHASE_OF_ESTAB)
    is_la = ~is_school & ~is_national & (urn == "LA") & estab.isin(_PHASE_OF_ESTAB)
    frame["_area"] = urn.where(is_school, la.where(is_la, ENGLAND_CODE))
    frame["_phase"] = estab.map(_PHASE_OF_ESTAB).where(~is_school, "all")
    kept = frame.loc[is_school | is_national | is_la, _columns_read(frame, fields, ["_row", "_area", "_phase"])]
    _refuse_duplicates(source, kept, ["_area", "_phase"], urn_column)

    results = long_results(source, kept, fields)
    results["area"] = frame["_area"].reindex(results["_key"]).to_numpy()
    results["school_phase"] = frame["_phase"].reindex(results["_key"]).to_numpy()
    results["is_school"] = is_school.reindex(results["_key"]).to_numpy()
    results["end_year"], results["year_label"] = end_year, academic_year(end_year)
    results["version"], results["source_id"], results["source_row"] = version_of(source), source_id, results["_row"]
    results["ci_method"] = None

    school_type = text_column(frame, "SCHOOLTYPE")[is_school] if "SCHOOLTYPE" in frame.columns \
        else pd.Series("", frame.index)[is_school]
    # A census row names no school; a URN met here first is registered under its LAESTAB
    # until a register or results file gives its name.
    merge_schools(con, pd.DataFrame({
        "urn": urn[is_school], "la_code": la[is_school], "estab": estab[is_school],
        "name": ("School " + la[is_school] + "/" + estab[is_school] + " (URN " + urn[is_school] + ")").astype(object),
        "school_type": school_type.replace("", None), "phase": school_type.map(_phase_from_type),
        "comparison_group": school_types.from_census_type(school_type), "source_id": source_id,
    }))

    added, repeated, differing = insert_rows(con, "school_results",
                                             results[results["is_school"]].rename(columns={"area": "urn"}),
                                             RESULT_COLUMNS)
    bench = results[~results["is_school"]].rename(columns={"area": "area_code"})
    _register_areas(con, bench["area_code"])
    bench_added, bench_repeated, bench_differing = insert_rows(con, "school_benchmarks", bench, BENCHMARK_COLUMNS)
    return added + bench_added, _note(how_year, repeated + bench_repeated, differing + bench_differing, 0)


def _columns_read(frame: pd.DataFrame, fields: list[Field], extra: list[str]) -> list[str]:
    """`extra` and the file's columns that `fields` read: filtering rows of a 500-column file
    copies every column, so the rest are left behind first."""
    wanted = (c for f in fields for c in (f.column, f.cohort, f.low, f.high, f.band, f.coverage) if c in frame.columns)
    return list(dict.fromkeys([*extra, *wanted]))


def _refuse_duplicates(source: SourceFile, kept: pd.DataFrame, keys: list[str], column: str) -> None:
    """Two rows for one school (or one LA / national phase row) in a file: which is right is unknowable."""
    duplicated = kept[kept.duplicated(keys, keep=False)]
    if not duplicated.empty:
        raise BadInput(source.display_name, f"'{duplicated[keys[0]].iloc[0]}' appears in two rows "
                       f"({', '.join(str(r) for r in duplicated['_row'].head(2))})",
                       row=int(duplicated["_row"].iloc[1]), column=column)


def _register_areas(con, area_codes: pd.Series) -> None:
    """England and LA numbers met in benchmark rows, so a comparator always has an area row (an LA is
    named by its number until a file that names it loads, e.g. la_and_region_codes_meta.csv)."""
    codes = sorted(set(area_codes))
    insert_areas(con, pd.DataFrame({
        "area_code": codes,
        "name": ["England" if c == ENGLAND_CODE else f"LA {c}" for c in codes],
        "level": ["england" if c == ENGLAND_CODE else "la" for c in codes],
        "old_la_code": pd.array([970 if c == ENGLAND_CODE else int(c) if c.isdigit() else None for c in codes],
                                dtype="Int64"),
        "new_la_code": None, "region_code": None, "is_current": True,
    }))


def load_la_names(con, source: SourceFile, source_id: int, settings):
    """CSP's LA lookup: names LAs that are known only by number (the existing names are kept)."""
    frame = source.frame()
    frame = frame[frame["LEA"].str.strip().str.fullmatch(r"\d{3}")]
    if frame.empty:
        raise BadInput(source.display_name, "holds no 3-digit LA numbers", column="LEA")
    before = con.execute("SELECT count(*) FROM areas WHERE name LIKE 'LA %'").fetchall()[0][0]
    con.register("incoming_la_names", pd.DataFrame({"code": frame["LEA"].str.strip(),
                                                     "name": frame["LA Name"].str.strip()}))
    try:
        con.execute("UPDATE areas SET name = i.name FROM incoming_la_names i "
                    "WHERE areas.area_code = i.code AND areas.name = 'LA ' || i.code").fetchall()
    finally:
        con.unregister("incoming_la_names")
    insert_areas(con, pd.DataFrame({
        "area_code": frame["LEA"].str.strip(), "name": frame["LA Name"].str.strip(), "level": "la",
        "old_la_code": frame["LEA"].str.strip().astype(int), "new_la_code": None, "region_code": None,
        "is_current": True,
    }))
    named = before - con.execute("SELECT count(*) FROM areas WHERE name LIKE 'LA %'").fetchall()[0][0]
    return named, "LA names only; CSP's sub-regions (e.g. 'East Midlands B') are not used as regions"


def load_school_information(con, source: SourceFile, source_id: int, settings):
    """CSP school information ('spine'): names, LA, phase and type of every school in the download."""
    frame = source.frame()
    frame["_urn"] = text_column(frame, "URN")
    frame = frame[frame["_urn"].str.fullmatch(r"\d+")]
    _refuse_duplicates(source, frame, ["_urn"], "URN")
    flags = {c: text_column(frame, c) == "1" for c in ("ISPRIMARY", "ISSECONDARY", "ISPOST16") if c in frame.columns}
    none = pd.Series(False, frame.index)
    primary, secondary, post16 = (flags.get(c, none) for c in ("ISPRIMARY", "ISSECONDARY", "ISPOST16"))
    special = text_column(frame, "MINORGROUP").str.contains("Special") if "MINORGROUP" in frame.columns else none
    phase = [("Special" if sp else "All-through" if pr and se else "Primary" if pr else "Secondary" if se
              else "16 plus" if p16 else None) for sp, pr, se, p16 in zip(special, primary, secondary, post16)]
    opened = [_day_month_year(t) for t in text_column(frame, "OPENDATE")] if "OPENDATE" in frame.columns \
        else [None] * len(frame)
    academy = text_column(frame, "MINORGROUP").str.contains("Academy") if "MINORGROUP" in frame.columns else none
    before = con.execute("SELECT count(*) FROM schools").fetchall()[0][0]
    merge_schools(con, pd.DataFrame({
        "urn": frame["_urn"], "name": text_column(frame, "SCHNAME"), "la_code": text_column(frame, "LA"),
        "estab": text_column(frame, "ESTAB"), "phase": phase,
        "school_type": text_column(frame, "NFTYPE").replace("", None) if "NFTYPE" in frame.columns else None,
        "comparison_group": school_types.from_establishment_type(text_column(frame, "NFTYPE"))
        if "NFTYPE" in frame.columns else None,
        "conversion_date": [d if a else None for d, a in zip(opened, academy)],
        **{target: _blank_none(frame, column) for target, column in _SPINE_DETAILS.items()},
        # The spine's ICLOSE takes values 1 and 2 with no field guide entry, so a close date decides.
        "is_open": text_column(frame, "CLOSEDATE") == "" if "CLOSEDATE" in frame.columns else True,
        "source_id": source_id,
    }))
    added = con.execute("SELECT count(*) FROM schools").fetchall()[0][0] - before
    return added, None if added == len(frame) else f"{len(frame) - added} schools were already registered; empty fields filled"


# register detail -> the spine's column (school_information_meta.csv)
_SPINE_DETAILS = {"postcode": "POSTCODE", "religious_character": "RELDENOM", "admission_policy": "ADMPOL",
                  "gender": "GENDER", "age_low": "AGEL", "age_high": "AGEH"}


def _blank_none(frame: pd.DataFrame, column: str) -> pd.Series | None:
    """A column as stripped text with blanks as None; None when the file has no such column."""
    return text_column(frame, column).replace("", None) if column in frame.columns else None


def _day_month_year(text: str):
    for layout in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return pd.to_datetime(text, format=layout).date()
        except ValueError:
            continue
    return None


def _phase_from_type(school_type: str) -> str | None:
    text = (school_type or "").lower()
    for word, phase in (("primary", "Primary"), ("secondary", "Secondary"), ("special", "Special")):
        if word in text:
            return phase
    return None


def load_census(con, source, source_id, settings):
    return _load_context(con, source, source_id, CENSUS_FIELDS, "LA", "URN")


# DfE published no school-level absence for 2019/20 or 2020/21 (COVID-19); the performance tables of
# those years carried the 2018/19 figures forward, so an absence file dated to them holds 2018/19.
ABSENCE_CARRIED_FORWARD = {2020: 2019, 2021: 2019}


def load_absence(con, source, source_id, settings):
    return _load_context(con, source, source_id, ABSENCE_FIELDS, "LA", "URN",
                         year_override=ABSENCE_CARRIED_FORWARD)


# ---- what the columns hold (enforced by rutland_data.intake before loading) -------------------------------
def field_columns(fields: list[Field]) -> tuple[Col, ...]:
    """Each field's columns from the indicator dictionary: the figure in its measure's unit and possible
    range, its cohort a count, its coverage a percentage, its published interval within the same range,
    its band 1 to 5."""
    dictionary = measure_dictionary.by_id()
    declared: dict[str, Col] = {}
    for field in fields:
        rule = measure_rule(dictionary[field.measure_id])
        declared.setdefault(field.column, Col(field.column, rule))
        if field.cohort:
            declared.setdefault(field.cohort, Col(field.cohort, COUNT))
        for limit in (field.low, field.high):
            if limit:
                declared.setdefault(limit, Col(limit, interval_rule(rule)))
        if field.band:
            declared.setdefault(field.band, Col(field.band, PROGRESS_BAND))
        if field.coverage:
            declared.setdefault(field.coverage, Col(field.coverage, PERCENT))
    return tuple(declared.values())


RECORD_KEYS = (
    Col("RECTYPE", Code("a record type (1 to 7)", r"[1-7]"), blank=False),
    Col("URN", URN),  # blank on LA and national rows
    Col("LEA", LA_NUMBER),
    Col("ESTAB", Code("a 4-digit establishment number", r"\d{4}")),
)
# Census and absence rows are schools, or LA and national ('LA', 'NAT') rows per phase (ESTAB PRI/SEC/SPE).
CONTEXT_KEYS = (
    Col("URN", Code("a URN, or LA / NAT on a summary row", r"\d{5,6}|LA|NAT")),
    Col("LA", Code("a 3-digit DfE LA number, or NAT", r"\d{3}|NAT")),
    Col("ESTAB", Code("a 4-digit establishment number, or PRI / SEC / SPE", r"\d{4}|PRI|SEC|SPE")),
)
SPINE_DATE = Date(formats=("%Y%m%d", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"))

IMPORTERS = [
    Importer(
        name="Performance tables: school information",
        signature=frozenset({"URN", "LA", "ESTAB", "SCHNAME", "MINORGROUP", "ISPRIMARY"}),
        required=("URN", "LA", "ESTAB", "SCHNAME"),
        load=load_school_information,
        priority=25,
        layout=PERFORMANCE_TABLES_LAYOUT,
        columns=(Col("URN", URN, blank=False), Col("LA", LA_NUMBER), CONTEXT_KEYS[2],
                 Col("OPENDATE", SPINE_DATE), Col("CLOSEDATE", SPINE_DATE)),
    ),
    Importer(
        name="Performance tables: LA names",
        signature=frozenset({"LEA", "LA Name", "REGION", "REGION NAME"}),
        required=("LEA", "LA Name"),
        load=load_la_names,
        priority=40,
        layout=PERFORMANCE_TABLES_LAYOUT,
        columns=(Col("LEA", LA_NUMBER),),
    ),
    Importer(
        name="Performance tables: KS2 school results",
        signature=frozenset({"RECTYPE", "URN", "SCHNAME", "READPROG"}),
        required=("RECTYPE", "URN", "SCHNAME"),
        load=load_ks2,
        priority=30,
        layout=PERFORMANCE_TABLES_LAYOUT,
        columns=(*RECORD_KEYS, *field_columns(KS2_FIELDS)),
    ),
    Importer(
        name="Performance tables: KS4 school results",
        signature=frozenset({"RECTYPE", "URN", "SCHNAME", "ATT8SCR"}),
        required=("RECTYPE", "URN", "SCHNAME"),
        load=load_ks4,
        priority=30,
        layout=PERFORMANCE_TABLES_LAYOUT,
        columns=(*RECORD_KEYS, *field_columns(KS4_FIELDS)),
    ),
    Importer(
        name="Performance tables: 16-18 school results",
        signature=frozenset({"RECTYPE", "URN", "SCHNAME", "TALLPPE_ALEV_1618"}),
        required=("RECTYPE", "URN", "SCHNAME"),
        load=load_ks5,
        priority=30,
        layout=PERFORMANCE_TABLES_LAYOUT,
        columns=(*RECORD_KEYS, *field_columns(KS5_FIELDS)),
    ),
    Importer(
        name="Performance tables: school census characteristics",
        signature=frozenset({"URN", "LA", "ESTAB", "NOR", "PNUMFSMEVER"}),
        required=("URN", "LA", "ESTAB", "NOR"),
        load=load_census,
        priority=35,
        layout=PERFORMANCE_TABLES_LAYOUT,
        columns=(*CONTEXT_KEYS, *field_columns(CENSUS_FIELDS)),
    ),
    Importer(
        name="Performance tables: school absence",
        signature=frozenset({"LA", "ESTAB", "URN", "PERCTOT", "PPERSABS10"}),
        required=("LA", "ESTAB", "URN", "PERCTOT", "PPERSABS10"),
        load=load_absence,
        priority=35,
        layout=PERFORMANCE_TABLES_LAYOUT,
        columns=(*CONTEXT_KEYS, *field_columns(ABSENCE_FIELDS)),
    ),
]
