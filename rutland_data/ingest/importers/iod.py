"""English Indices of Deprivation (IoD2015, IoD2019, IoD2025) by LSOA, every LSOA in England.

Two layouts are read: MHCLG's own CSVs (`LSOA code (2011)`, `... Rank (where 1 is most
deprived)`, numbers such as "19,612" quoted with thousands separators, UTF-8 BOM) and the
`humaniverse/IMD` re-publication (`lsoa11_code`, `IMD_rank`, ...). Every England row is
kept because national ranks and deciles only mean something against all of them.
Each edition is stored on the LSOAs it was published for (2011 LSOAs for IoD2015/2019,
2021 LSOAs for IoD2025); nothing is moved across boundary vintages here.
"""
from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pa_compute

from rutland_data.ingest.importers import BadInput, Col, Importer, SourceFile, reject_duplicates
from rutland_data.reference.codes import LSOAS_IN_ENGLAND
from rutland_data.ingest.intake import COUNT, DECILE, IOD_SCORE, LAD_CODE, LSOA_CODE, rank
from rutland_data.ingest.importers.ons_geo import LOOKUP_COLUMNS, insert_lookups, row_count

MHCLG = "Ministry of Housing, Communities and Local Government"
# Population denominators, stored as rows with only `population` set.
DENOMINATORS = {
    "total population": "population_total",
    "dependent children": "population_children",
    "population aged 16-59": "population_16_59",
    "older population": "population_older",
    "working age population": "population_working_age",
}

# Domain names as the publishers write them (lower case, punctuation dropped) -> indicator id.
_DOMAIN_NAMES = {
    "index of multiple deprivation imd": "imd",
    "index of multiple deprivation": "imd",
    "imd": "imd",
    "income": "income",
    "employment": "employment",
    "education skills and training": "education",
    "education": "education",
    "health deprivation and disability": "health",
    "health": "health",
    "crime": "crime",
    "barriers to housing and services": "barriers",
    "housing and services": "barriers",
    "living environment": "environment",
    "environment": "environment",
    "income deprivation affecting children index idaci": "idaci",
    "idaci": "idaci",
    "income deprivation affecting older people idaopi": "idaopi",
    "income deprivation affecting older people index idaopi": "idaopi",
    "idaopi": "idaopi",
    "children and young people subdomain": "children_young_people",
    "adult skills subdomain": "adult_skills",
    "geographical barriers subdomain": "geographical_barriers",
    "wider barriers subdomain": "wider_barriers",
    "indoors subdomain": "indoors",
    "outdoors subdomain": "outdoors",
}
# 'Income Score (rate)', 'Crime Rank (where 1 is most deprived)', 'IMD_decile'
_MEASURE_COLUMN = re.compile(r"^(?P<domain>.+?)[ _](?P<measure>score|rank|decile)(?: \(.*\))?$", re.IGNORECASE)


_LA_CODE_COLUMN = re.compile(r"^(local authority district code( \(\d{4}\))?|lad\d\d_code)$", re.IGNORECASE)


def _simplify(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]", " ", text.lower().replace("_", " ").replace("-", ""))).strip()


def indicator_columns(columns: list[str]) -> dict[str, dict[str, str]]:
    """{indicator: {'score'|'rank'|'decile': column}} for every column naming a known index or domain."""
    found: dict[str, dict[str, str]] = {}
    for column in columns:
        match = _MEASURE_COLUMN.match(column.strip())
        if not match:
            continue
        indicator = _DOMAIN_NAMES.get(_simplify(match["domain"]))
        if indicator:
            found.setdefault(indicator, {})[match["measure"].lower()] = column
    return found


def denominator_columns(columns: list[str]) -> dict[str, str]:
    """{population indicator: column} for the IoD population denominators."""
    found = {}
    for column in columns:
        lowered = column.strip().lower()
        for prefix, indicator in DENOMINATORS.items():
            if lowered.startswith(prefix):
                found.setdefault(indicator, column)
    return found


def _to_numbers(text: pd.Series) -> pd.Series:
    """`pd.to_numeric(text, errors="coerce")`, through Arrow's cast when every cell is a number
    (several times faster on England's 33,000 LSOAs x 24 columns); pandas decides otherwise."""
    try:
        numbers = pa_compute.cast(pa.array(text, type=pa.string(), from_pandas=True), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.to_numeric(text, errors="coerce")
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=text.index)


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as numbers, thousands separators removed ("19,612"): `iod_columns` has checked every cell."""
    return _to_numbers(frame[column].str.replace(",", "", regex=False).str.strip())


def _edition_of(source: SourceFile) -> tuple[int, str, str, str | None]:
    """(edition, LSOA vintage, LSOA code column, LA code column) from the header alone."""
    columns = source.columns
    lad = next((c for c in columns if _LA_CODE_COLUMN.match(c.strip())), None)
    if "LSOA code (2021)" in columns:
        return 2025, "2021", "LSOA code (2021)", lad
    if "LSOA code (2011)" in columns:
        year = re.search(r"\((\d{4})\)", lad or "")
        if year and year.group(1) == "2019":
            return 2019, "2011", "LSOA code (2011)", lad
        if year and year.group(1) in ("2013", "2015"):
            return 2015, "2011", "LSOA code (2011)", lad
        raise BadInput(source.display_name, "cannot tell the IoD edition: expected a column "
                       "'Local Authority District code (2019)' (IoD2019) or '(2013)' (IoD2015)", row=1)
    if "LSOA code" in columns:  # IoD2025's all-in-one file: 'Index of Multiple Deprivation Score', 'IDACI Score', ...
        return 2025, "2021", "LSOA code", lad
    if "lsoa21_code" in columns:
        return 2025, "2021", "lsoa21_code", lad
    if "lsoa11_code" in columns and "lad13_code" in columns:
        return 2015, "2011", "lsoa11_code", lad
    raise BadInput(source.display_name, "cannot tell the IoD edition from the header", row=1)


def load(con, source: SourceFile, source_id: int, settings) -> tuple[int, str | None]:
    edition, vintage, code_column, lad_column = _edition_of(source)
    lsoas = LSOAS_IN_ENGLAND[vintage]
    frame = source.frame()
    frame[code_column] = frame[code_column].str.strip()
    blank = frame[frame[code_column] == ""]
    if not blank.empty:
        raise BadInput(source.display_name, "LSOA code is blank", row=int(blank["_row"].iloc[0]), column=code_column)
    reject_duplicates(source, frame, [code_column], "LSOA")
    if len(frame) > lsoas:
        raise BadInput(source.display_name, f"has {len(frame):,} LSOAs but England has {lsoas:,} {vintage} LSOAs")

    pieces = []
    for indicator, columns in indicator_columns(source.columns).items():
        piece = pd.DataFrame({"lsoa_code": frame[code_column], "indicator": indicator, "source_row": frame["_row"]})
        if "decile" in columns and "rank" not in columns:
            raise BadInput(source.display_name, f"has '{columns['decile']}' but no rank for that domain (deciles are "
                           "cut from ranks); was its rank column renamed?", row=1, column=columns["decile"])
        piece["score"] = _numbers(frame, columns["score"]) if "score" in columns else None
        piece["rank"] = _numbers(frame, columns["rank"]) if "rank" in columns else None
        piece["decile"] = _numbers(frame, columns["decile"]) if "decile" in columns else None
        piece["population"] = None
        pieces.append(piece)
    for indicator, column in denominator_columns(source.columns).items():
        pieces.append(pd.DataFrame({
            "lsoa_code": frame[code_column], "indicator": indicator, "source_row": frame["_row"], "score": None,
            "rank": None, "decile": None, "population": _numbers(frame, column),
        }))
    if not pieces:
        raise BadInput(source.display_name, "has no rank, decile, score or population column the dashboard knows",
                       row=1)
    rows = pd.concat(pieces, ignore_index=True)
    rows["edition"], rows["lsoa_vintage"], rows["source_id"] = edition, vintage, source_id
    rows["score"] = rows["score"].astype("float64")
    for column in ("rank", "decile", "population"):
        rows[column] = rows[column].astype("Int64")

    added, note = _insert(con, rows)
    if lad_column:
        _record_las(con, frame, code_column, lad_column, vintage, _lad_vintage(lad_column, edition), source_id)
    return added, note


_NOT_LOADED = """WHERE NOT EXISTS (SELECT 1 FROM deprivation d
                 WHERE d.edition = i.edition AND d.lsoa_code = i.lsoa_code AND d.indicator = i.indicator)"""


def _insert(con, rows: pd.DataFrame) -> tuple[int, str | None]:
    """Add rows; a figure an earlier file gave (File 1 and File 2 both give IMD ranks) is kept and compared."""
    con.register("incoming_deprivation", rows)
    try:
        overlap, differing = con.execute(
            """
            SELECT count(*), count(*) FILTER (
                WHERE d.rank IS DISTINCT FROM i.rank AND i.rank IS NOT NULL
                   OR d.decile IS DISTINCT FROM i.decile AND i.decile IS NOT NULL
                   OR d.score IS DISTINCT FROM i.score AND i.score IS NOT NULL
                   OR d.population IS DISTINCT FROM i.population AND i.population IS NOT NULL)
            FROM incoming_deprivation i JOIN deprivation d USING (edition, lsoa_code, indicator)
            WHERE d.edition IN (SELECT DISTINCT edition FROM incoming_deprivation)
            """
        ).fetchall()[0]
        before = row_count(con, "deprivation")
        # A file's keys are unique (duplicate LSOAs are refused, each indicator comes from one column), so
        # leaving out the keys already loaded keeps the table's key unique; with no overlap nothing is left out.
        con.execute(
            f"""
            INSERT INTO deprivation
            SELECT edition, lsoa_code, lsoa_vintage, indicator, score, rank, decile, population, source_id, source_row
            FROM incoming_deprivation i
            {_NOT_LOADED if overlap else ""}
            """
        )
        added = row_count(con, "deprivation") - before
    finally:
        con.unregister("incoming_deprivation")
    note = None
    if overlap:
        note = (f"{overlap:,} figures were already loaded from an earlier file and were kept"
                + (f"; {differing:,} of them differ from this file" if differing else "; this file agrees"))
    return added, note


def _lad_vintage(lad_column: str, edition: int) -> str:
    """'Local Authority District code (2019)' -> '2019', 'lad13_code' -> '2013'; else the edition's year."""
    year = re.search(r"\((\d{4})\)|lad(\d\d)_", lad_column.lower())
    if year:
        return year.group(1) or f"20{year.group(2)}"
    return str(edition)


def _record_las(con, frame: pd.DataFrame, code_column: str, lad_column: str, vintage: str, lad_vintage: str,
                source_id: int) -> None:
    """Which LA each LSOA is in, as the file states it: the map and pockets table pick the LA's LSOAs by it."""
    stated = frame[frame[lad_column].str.strip() != ""]
    insert_lookups(con, pd.DataFrame({
        "from_code": stated[code_column], "from_kind": "lsoa", "from_vintage": vintage,
        "to_code": stated[lad_column].str.strip(), "to_kind": "lad", "to_vintage": lad_vintage,
        "method": "stated in file", "source_id": source_id, "source_row": stated["_row"],
    }, columns=LOOKUP_COLUMNS))


def iod_columns(vintage: str) -> tuple[Col, ...]:
    """Every IoD column by its published naming: LSOA and LA codes, ranks among England's LSOAs of the
    edition's vintage, deciles 1-10, scores (domain scores can be negative), whole populations.
    MHCLG publishes no markers: every cell is a figure."""
    none = frozenset()
    return (
        Col(r"(?i)lsoa code( \(\d{4}\))?|lsoa\d\d_code", LSOA_CODE, blank=False, pattern=True),
        Col(_LA_CODE_COLUMN.pattern, LAD_CODE, pattern=True),
        Col(r"(?i).+[ _]rank( \(.*\))?", rank(LSOAS_IN_ENGLAND[vintage]), blank=False, markers=none, pattern=True),
        Col(r"(?i).+[ _]decile( \(.*\))?", DECILE, blank=False, markers=none, pattern=True),
        Col(r"(?i).+[ _]score( \(.*\))?", IOD_SCORE, blank=False, markers=none, pattern=True),
        Col(r"(?i)(" + "|".join(DENOMINATORS) + r").*", COUNT, blank=False, markers=none, pattern=True),
    )


def _importer(name: str, signature: set[str], required: tuple[str, ...]) -> Importer:
    vintage = "2021" if {"LSOA code (2021)", "LSOA code", "lsoa21_code"} & signature else "2011"
    return Importer(name=name, signature=frozenset(signature), required=required, load=load, priority=40,
                    publisher=MHCLG, licence="Open Government Licence v3.0", columns=iod_columns(vintage))


IMPORTERS = [
    _importer("IoD2015/2019 File 1 (IMD ranks and deciles)",
              {"LSOA code (2011)", "Index of Multiple Deprivation (IMD) Rank"}, ("LSOA code (2011)",)),
    _importer("IoD2015/2019 File 2 (domain ranks and deciles)",
              {"LSOA code (2011)", "Income Rank (where 1 is most deprived)"}, ("LSOA code (2011)",)),
    _importer("IoD2015/2019 File 1/2 (IMD rank, 'where 1 is most deprived' headings)",
              {"LSOA code (2011)", "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"},
              ("LSOA code (2011)",)),
    _importer("IoD2015/2019 File 5 (scores)",
              {"LSOA code (2011)", "Index of Multiple Deprivation (IMD) Score"}, ("LSOA code (2011)",)),
    _importer("IoD2015/2019 File 6 (population denominators)",
              {"LSOA code (2011)", "Total population: mid 2015 (excluding prisoners)"}, ("LSOA code (2011)",)),
    _importer("IoD2025 scores, ranks and deciles (all indices)",
              {"LSOA code", "Index of Multiple Deprivation Rank", "Index of Multiple Deprivation Decile"},
              ("LSOA code", "Index of Multiple Deprivation Rank", "Index of Multiple Deprivation Decile")),
    _importer("IoD2025 File 1 (IMD ranks and deciles)",
              {"LSOA code (2021)", "Index of Multiple Deprivation (IMD) Rank"}, ("LSOA code (2021)",)),
    _importer("IoD2015 IMD (humaniverse/IMD layout)",
              {"lsoa11_code", "lad13_code", "IMD_rank", "IMD_decile"}, ("lsoa11_code", "IMD_rank", "IMD_decile")),
    _importer("IoD2025 IMD and domains (humaniverse/IMD layout)",
              {"lsoa21_code", "IMD_rank", "IMD_decile"}, ("lsoa21_code", "IMD_rank", "IMD_decile")),
]
