"""ONS geography: ward and LSOA boundaries (GeoJSON), LSOA lookups, Census 2021 population by LSOA.

Boundaries are stored exactly as published, plus a simplified copy for the browser, so
the map stays small without losing the original. Lookups record which ward (or which
2021 LSOA) each LSOA belongs to; ONS ward lookups are population-weighted best fits, so
new wards that an LSOA straddles get approximate figures (see the page's caveats).
"""
from __future__ import annotations

import json
from functools import partial

import pandas as pd
from shapely.geometry import shape

from rutland_data.store.geometry import display_geometry
from rutland_data.ingest.importers import BadInput, Col, Importer, SourceFile, reject_duplicates
from rutland_data.ingest.intake import (COUNT, ENGLAND_LAT, ENGLAND_LON, LAD_CODE, LSOA_CODE, WARD_CODE, Code, Geometry,
                                 Number)

ONS = "Office for National Statistics"
OGL_ONS = "Open Government Licence v3.0 (contains OS data © Crown copyright and database right)"
def label_point(geometry: dict) -> tuple[float, float]:
    """A point guaranteed inside the shape, for labels and for areas without an ONS label point."""
    point = shape(geometry).representative_point()
    return point.x, point.y


def row_count(con, table: str) -> int:
    """Rows in one of this feature's tables (fetched completely, so the connection is free for `register`)."""
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def insert_geographies(con, rows: pd.DataFrame) -> int:
    """Add boundary rows (columns as the `geographies` table); return how many were new."""
    before = row_count(con, "geographies")
    con.register("incoming_geographies", rows)
    try:
        con.execute(
            """
            INSERT OR IGNORE INTO geographies
            SELECT code, kind, vintage, name, geometry, display_geometry, label_lon, label_lat, la_code,
                   is_approximate, source_id, source_row
            FROM incoming_geographies
            """
        )
    finally:
        con.unregister("incoming_geographies")
    return row_count(con, "geographies") - before


def insert_lookups(con, rows: pd.DataFrame) -> int:
    """Add lookup rows (columns as the `lookups` table); return how many were new."""
    before = row_count(con, "lookups")
    con.register("incoming_lookups", rows)
    try:
        con.execute(
            """
            INSERT OR IGNORE INTO lookups
            SELECT from_code, from_kind, from_vintage, to_code, to_kind, to_vintage, method, source_id, source_row
            FROM incoming_lookups
            """
        )
    finally:
        con.unregister("incoming_lookups")
    return row_count(con, "lookups") - before


# What the ONS files hold, by the ONS naming of their columns (LSOA11CD, WD24CD, LAD19CD, and geographr's
# lsoa21_code, ward24_code, ltla24_code): every code in its published form.
ONS_CODES = (
    Col(r"(?i)f?_?lsoa\d\dcd|lsoa\d\d_code", LSOA_CODE, blank=False, pattern=True),
    Col(r"(?i)wd\d\dcd|ward\d\d_code", WARD_CODE, blank=False, pattern=True),
    Col(r"(?i)lad\d\dcd|ltla\d\d_code|ladcd_active", LAD_CODE, pattern=True),
    Col(r"(?i)chgind|change_code", Code("a change indicator (U, S, M or X)", "U|S|M|X"), blank=False, pattern=True),
    Col("usual_residents", COUNT, blank=False),
)
BOUNDARY_COLUMNS = (
    *ONS_CODES,
    Col("geometry", Geometry()),
    Col("LONG", Number("a longitude in England", *ENGLAND_LON)),
    Col("LAT", Number("a latitude in England", *ENGLAND_LAT)),
)

LOOKUP_COLUMNS = ["from_code", "from_kind", "from_vintage", "to_code", "to_kind", "to_vintage", "method",
                  "source_id", "source_row"]


# ---------------------------------------------------------------- boundaries

def load_boundaries(con, source: SourceFile, source_id: int, settings, *, kind: str, vintage: str,
                    code_property: str, name_property: str) -> tuple[int, str | None]:
    """Boundaries as published (the validator has checked every polygon: `BOUNDARY_COLUMNS`)."""
    if source.kind != "geojson":
        raise BadInput(source.display_name, f"has {code_property} columns but is not a GeoJSON boundary file")
    features = source.frame()
    rows = []
    for number, properties, geometry in zip(features["_row"], features["_properties"], features["geometry"]):
        code = str(properties.get(code_property) or "").strip()
        lon, lat = properties.get("LONG"), properties.get("LAT")
        if lon is None or lat is None:
            lon, lat = label_point(geometry)
        la_code = properties.get("LADCD_ACTIVE") or next(
            (properties[k] for k in properties if k.startswith("LAD") and k.endswith("CD") and properties[k]), None)
        rows.append({
            "code": code, "kind": kind, "vintage": vintage,
            "name": str(properties.get(name_property) or code).strip(),
            "geometry": json.dumps(geometry, separators=(",", ":")),
            "display_geometry": json.dumps(display_geometry(geometry), separators=(",", ":")),
            "label_lon": float(lon), "label_lat": float(lat), "la_code": la_code,
            "is_approximate": False, "source_id": source_id, "source_row": int(number),
        })
    frame = pd.DataFrame(rows)
    frame["_row"] = frame["source_row"]
    reject_duplicates(source, frame, ["code"], f"{kind} code")
    added = insert_geographies(con, frame.drop(columns="_row"))
    lad_links = frame[frame["la_code"].notna()]
    insert_lookups(con, pd.DataFrame({
        "from_code": lad_links["code"], "from_kind": kind, "from_vintage": vintage, "to_code": lad_links["la_code"],
        "to_kind": "lad", "to_vintage": vintage, "method": "stated in file", "source_id": source_id,
        "source_row": lad_links["source_row"],
    }, columns=LOOKUP_COLUMNS))
    note = None if added == len(rows) else f"{len(rows) - added} boundaries were already loaded from an earlier file"
    return added, note


# ---------------------------------------------------------------- lookups

def _lookup_frame(source: SourceFile, frame: pd.DataFrame, *, from_column: str, from_kind: str, from_vintage: str,
                  to_column: str, to_kind: str, to_vintage: str, method, source_id: int) -> pd.DataFrame:
    for column in (from_column, to_column):
        blank = frame[frame[column].str.strip() == ""]
        if not blank.empty:
            raise BadInput(source.display_name, "code is blank", row=int(blank["_row"].iloc[0]), column=column)
    methods = frame.apply(method, axis=1) if callable(method) else method
    return pd.DataFrame({
        "from_code": frame[from_column].str.strip(), "from_kind": from_kind, "from_vintage": from_vintage,
        "to_code": frame[to_column].str.strip(), "to_kind": to_kind, "to_vintage": to_vintage,
        "method": methods, "source_id": source_id, "source_row": frame["_row"],
    }, columns=LOOKUP_COLUMNS)


def load_lsoa_ward_lookup(con, source: SourceFile, source_id: int, settings, *, lsoa_column: str,
                          lsoa_vintage: str, ward_column: str, ward_vintage: str, lad_column: str,
                          lad_vintage: str) -> tuple[int, str | None]:
    """ONS best-fit LSOA -> ward lookups (each LSOA in exactly one ward), with the ward's LA."""
    frame = source.frame()
    reject_duplicates(source, frame, [lsoa_column], "LSOA")
    pieces = [
        _lookup_frame(source, frame, from_column=lsoa_column, from_kind="lsoa", from_vintage=lsoa_vintage,
                      to_column=ward_column, to_kind="ward", to_vintage=ward_vintage, method="best fit",
                      source_id=source_id),
        _lookup_frame(source, frame, from_column=lsoa_column, from_kind="lsoa", from_vintage=lsoa_vintage,
                      to_column=lad_column, to_kind="lad", to_vintage=lad_vintage, method="stated in file",
                      source_id=source_id),
        _lookup_frame(source, frame.drop_duplicates(ward_column), from_column=ward_column, from_kind="ward",
                      from_vintage=ward_vintage, to_column=lad_column, to_kind="lad", to_vintage=lad_vintage,
                      method="stated in file", source_id=source_id),
    ]
    added = insert_lookups(con, pd.concat(pieces, ignore_index=True))
    return added, None


_CHANGE_WORDS = {"U": "unchanged", "S": "split", "M": "merged", "X": "redesigned"}


def load_lsoa11_to_lsoa21(con, source: SourceFile, source_id: int, settings, *, from_column: str, to_column: str,
                          change_column: str) -> tuple[int, str | None]:
    frame = source.frame()
    unknown = frame[~frame[change_column].str.strip().isin(_CHANGE_WORDS)]
    if not unknown.empty:
        raise BadInput(source.display_name, f"change indicator '{unknown[change_column].iloc[0]}' is not one of "
                       f"{', '.join(_CHANGE_WORDS)}", row=int(unknown["_row"].iloc[0]), column=change_column)
    lookups = _lookup_frame(source, frame, from_column=from_column, from_kind="lsoa", from_vintage="2011",
                            to_column=to_column, to_kind="lsoa", to_vintage="2021",
                            method=lambda line: _CHANGE_WORDS[line[change_column].strip()], source_id=source_id)
    return insert_lookups(con, lookups), None


def load_ons_lsoa11_to_lsoa21(con, source: SourceFile, source_id: int, settings) -> tuple[int, str | None]:
    """ONS's own layout names the 2011 code LSOA11CD (F_LSOA11CD in some downloads)."""
    from_column = "F_LSOA11CD" if "F_LSOA11CD" in source.columns else "LSOA11CD"
    if from_column not in source.columns:
        raise BadInput(source.display_name, "expected a column 'LSOA11CD' or 'F_LSOA11CD'", row=1)
    return load_lsoa11_to_lsoa21(con, source, source_id, settings, from_column=from_column, to_column="LSOA21CD",
                                 change_column="CHGIND")


# ---------------------------------------------------------------- population

def load_census2021_population(con, source: SourceFile, source_id: int, settings) -> tuple[int, str | None]:
    frame = source.frame()
    reject_duplicates(source, frame, ["lsoa21_code", "age_group"], "LSOA and age group")
    persons = pd.to_numeric(frame["usual_residents"].str.replace(",", "", regex=False), errors="coerce")
    bad = frame[persons.isna() | (persons < 0)]
    if not bad.empty:
        raise BadInput(source.display_name, f"'{bad['usual_residents'].iloc[0]}' is not a count of people",
                       row=int(bad["_row"].iloc[0]), column="usual_residents")
    rows = pd.DataFrame({
        "code": frame["lsoa21_code"].str.strip(), "kind": "lsoa", "vintage": "2021",
        "reference": "Census 2021 usual residents", "age_group": frame["age_group"].str.strip(),
        "persons": persons.astype(int), "source_id": source_id, "source_row": frame["_row"],
    })
    before = row_count(con, "area_population")
    con.register("incoming_population", rows)
    try:
        con.execute("INSERT OR IGNORE INTO area_population SELECT * FROM incoming_population")
    finally:
        con.unregister("incoming_population")
    return row_count(con, "area_population") - before, None


# ---------------------------------------------------------------- registry

def _ward_boundary_importers() -> list[Importer]:
    """Ward boundaries of any ONS vintage (WD11 ... WD25); the vintage is read from the column name."""
    return [
        Importer(
            name=f"ONS ward boundaries (WD{yy:02d}, GeoJSON)",
            signature=frozenset({f"WD{yy:02d}CD", f"WD{yy:02d}NM"}),
            required=(f"WD{yy:02d}CD", f"WD{yy:02d}NM"),
            load=partial(load_boundaries, kind="ward", vintage=f"20{yy:02d}", code_property=f"WD{yy:02d}CD",
                         name_property=f"WD{yy:02d}NM"),
            priority=32, publisher=ONS, licence=OGL_ONS, columns=BOUNDARY_COLUMNS,
        )
        for yy in range(11, 27)
    ]


IMPORTERS = [
    # Lookups are tried before boundaries: an ONS lookup CSV also has LSOA11CD/LSOA11NM columns.
    Importer(
        name="ONS LSOA (2011) to ward (2017) lookup",
        signature=frozenset({"LSOA11CD", "WD17CD", "LAD17CD"}),
        required=("LSOA11CD", "WD17CD", "LAD17CD"),
        load=partial(load_lsoa_ward_lookup, lsoa_column="LSOA11CD", lsoa_vintage="2011", ward_column="WD17CD",
                     ward_vintage="2017", lad_column="LAD17CD", lad_vintage="2017"),
        priority=30, publisher=ONS, licence=OGL_ONS, columns=ONS_CODES,
    ),
    Importer(
        name="ONS LSOA (2011) to ward (2019) lookup",
        signature=frozenset({"LSOA11CD", "WD19CD", "LAD19CD"}),
        required=("LSOA11CD", "WD19CD", "LAD19CD"),
        load=partial(load_lsoa_ward_lookup, lsoa_column="LSOA11CD", lsoa_vintage="2011", ward_column="WD19CD",
                     ward_vintage="2019", lad_column="LAD19CD", lad_vintage="2019"),
        priority=30, publisher=ONS, licence=OGL_ONS, columns=ONS_CODES,
    ),
    Importer(
        name="ONS LSOA (2021) to ward (2024) lookup (LSOA21CD/WD24CD or geographr names)",
        signature=frozenset({"lsoa21_code", "ward24_code", "ltla24_code"}),
        required=("lsoa21_code", "ward24_code", "ltla24_code"),
        load=partial(load_lsoa_ward_lookup, lsoa_column="lsoa21_code", lsoa_vintage="2021", ward_column="ward24_code",
                     ward_vintage="2024", lad_column="ltla24_code", lad_vintage="2024"),
        priority=30, publisher=ONS, licence=OGL_ONS, columns=ONS_CODES,
    ),
    Importer(
        name="ONS LSOA (2021) to ward (2024) lookup",
        signature=frozenset({"LSOA21CD", "WD24CD", "LAD24CD"}),
        required=("LSOA21CD", "WD24CD", "LAD24CD"),
        load=partial(load_lsoa_ward_lookup, lsoa_column="LSOA21CD", lsoa_vintage="2021", ward_column="WD24CD",
                     ward_vintage="2024", lad_column="LAD24CD", lad_vintage="2024"),
        priority=30, publisher=ONS, licence=OGL_ONS, columns=ONS_CODES,
    ),
    Importer(
        name="ONS LSOA (2011) to LSOA (2021) lookup (geographr names)",
        signature=frozenset({"lsoa11_code", "lsoa21_code", "change_code"}),
        required=("lsoa11_code", "lsoa21_code", "change_code"),
        load=partial(load_lsoa11_to_lsoa21, from_column="lsoa11_code", to_column="lsoa21_code",
                     change_column="change_code"),
        priority=30, publisher=ONS, licence=OGL_ONS, columns=ONS_CODES,
    ),
    Importer(
        name="ONS LSOA (2011) to LSOA (2021) lookup",
        signature=frozenset({"LSOA21CD", "CHGIND"}),
        required=("LSOA21CD", "CHGIND"),
        load=load_ons_lsoa11_to_lsoa21,
        priority=30, publisher=ONS, licence=OGL_ONS, columns=ONS_CODES,
    ),
    Importer(
        name="Census 2021 usual residents by LSOA and age",
        signature=frozenset({"lsoa21_code", "age_group", "usual_residents"}),
        required=("lsoa21_code", "age_group", "usual_residents"),
        load=load_census2021_population,
        priority=30, publisher=ONS, licence=OGL_ONS, columns=ONS_CODES,
    ),
    Importer(
        name="ONS LSOA (2011) boundaries (GeoJSON)",
        signature=frozenset({"LSOA11CD", "LSOA11NM"}),
        required=("LSOA11CD", "LSOA11NM"),
        load=partial(load_boundaries, kind="lsoa", vintage="2011", code_property="LSOA11CD",
                     name_property="LSOA11NM"),
        priority=32, publisher=ONS, licence=OGL_ONS, columns=BOUNDARY_COLUMNS,
    ),
    Importer(
        name="ONS LSOA (2021) boundaries (GeoJSON)",
        signature=frozenset({"LSOA21CD", "LSOA21NM"}),
        required=("LSOA21CD", "LSOA21NM"),
        load=partial(load_boundaries, kind="lsoa", vintage="2021", code_property="LSOA21CD",
                     name_property="LSOA21NM"),
        priority=32, publisher=ONS, licence=OGL_ONS, columns=BOUNDARY_COLUMNS,
    ),
    *_ward_boundary_importers(),
]
