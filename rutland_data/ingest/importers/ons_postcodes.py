"""ONS postcode lookups: which LSOA (and ward) each postcode lies in, to place a school on the map by its
postcode when no register gives it a grid reference.

Recognised by the `pcds` column (the postcode in its one-space form) with an LSOA column, in any of ONS's
layouts: the ONS Postcode Directory (`lsoa11`, `lsoa21`, `osward`), the National Statistics Postcode Lookup
(`lsoa11`, `lsoa21`, `ward`) and ONS's postcode to OA to LSOA best-fit lookups (`lsoa21cd` / `lsoa11cd`).
Only the postcodes the register holds are kept: the build registers schools before this file loads.
"""
from __future__ import annotations

import pandas as pd

from rutland_data.ingest.importers import BadInput, Col, Importer, SourceFile
from rutland_data.ingest.importers.csp_school import normal_postcode
from rutland_data.ingest.importers.ons_geo import ONS, OGL_ONS
from rutland_data.ingest.intake import Code

LSOA11_COLUMNS = ("lsoa11", "lsoa11cd")
LSOA21_COLUMNS = ("lsoa21", "lsoa21cd")
WARD_COLUMNS = ("osward", "ward", "wd24cd", "wd23cd", "wd22cd")
POSTCODE = Code("a UK postcode (e.g. LE15 6RP)", r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}")


def _first(frame: pd.DataFrame, names: tuple[str, ...]) -> pd.Series | None:
    """The first of `names` the file has (any case), blanks as None; codes outside England and Wales (Scottish
    data zones, ONS's pseudo-codes such as 'E99999999') are kept as published and simply match no area."""
    by_lower = {c.lower(): c for c in frame.columns}
    column = next((by_lower[n] for n in names if n in by_lower), None)
    return None if column is None else frame[column].fillna("").str.strip().replace("", None)


def load(con, source: SourceFile, source_id: int, settings):
    frame = source.frame()
    frame["postcode"] = frame[next(c for c in frame.columns if c.lower() == "pcds")].map(normal_postcode)
    wanted = {row[0] for row in con.execute("SELECT DISTINCT postcode FROM schools WHERE postcode IS NOT NULL")
              .fetchall()}
    kept = frame[frame["postcode"].isin(wanted)].copy()
    lsoa11, lsoa21, ward = (_first(kept, names) for names in (LSOA11_COLUMNS, LSOA21_COLUMNS, WARD_COLUMNS))
    if lsoa11 is None and lsoa21 is None:
        raise BadInput(source.display_name, "has no LSOA column (lsoa11, lsoa21, lsoa11cd or lsoa21cd)", row=1)
    rows = pd.DataFrame({
        "postcode": kept["postcode"], "lsoa11_code": lsoa11, "lsoa21_code": lsoa21, "ward_code": ward,
        "source_id": source_id, "source_row": kept["_row"]}).drop_duplicates("postcode")
    before = con.execute("SELECT count(*) FROM postcode_areas").fetchall()[0][0]
    con.register("incoming_postcodes", rows)
    try:
        con.execute("INSERT OR IGNORE INTO postcode_areas SELECT postcode, CAST(lsoa11_code AS TEXT), "
                    "CAST(lsoa21_code AS TEXT), CAST(ward_code AS TEXT), source_id, source_row "
                    "FROM incoming_postcodes").fetchall()
    finally:
        con.unregister("incoming_postcodes")
    added = con.execute("SELECT count(*) FROM postcode_areas").fetchall()[0][0] - before
    return added, (f"kept the {added} postcodes of registered schools (of {len(frame):,} in the file); the rest "
                   "are not needed")


# ONSPD and NSPL cover the UK: Scottish data zones (S01...), Northern Irish areas ('95GG43S1') and ONS's
# pseudo-codes ('E99999999') stand in the LSOA columns too, so a code is checked for its form only.
AREA_CODE = Code("an ONS area code (9 letters and digits; 8 in Northern Ireland)", r"[A-Z0-9]{8,9}")
IMPORTERS = [
    Importer(name="ONS postcode lookup", signature=frozenset({"pcds"}), required=("pcds",), load=load, priority=70,
             publisher=ONS, licence=OGL_ONS,
             columns=(Col("pcds", POSTCODE, blank=False),
                      *(Col(name, AREA_CODE) for name in (*LSOA11_COLUMNS, *LSOA21_COLUMNS, *WARD_COLUMNS)))),
]
