"""Demo geography: approximate ward and LSOA-like cells with simulated deprivation.

Without the ONS boundary files the map still needs shapes. Wards are Voronoi cells around
the 15 current wards' published ONS label points (seed-facts.md), clipped to a county
outline drawn around them; each ward is cut into LSOA-like cells. Everything here is
stored under a simulated source and flagged `is_approximate`: the codes and label points
of the wards are ONS's, the shapes and all deprivation figures are invented. The figures
put Greetham and Oakham North West in England's most deprived 40%, as the council's
review describes them ("small pockets of deprivation ... masked by the wider prosperity").
As in the real data, the 2011 cell covering Barleythorpe is assigned to Oakham North West,
and two 2011 cells are split into five 2021 cells (23 -> 26).
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
from shapely.geometry import MultiPoint, Point, mapping
from shapely.ops import voronoi_diagram

from rutland_data.store import db
from rutland_data.ingest.demo.common import SIMULATED_FILE, fingerprint
from rutland_data.reference.codes import LSOAS_IN_ENGLAND
from rutland_data.ingest.importers.ons_geo import LOOKUP_COLUMNS, insert_geographies, insert_lookups
from rutland_data.store.geometry import display_geometry

RUTLAND_ONS = "E06000017"

# ONS label points of the wards in force since May 2019 (seed-facts.md).
WARDS = [
    ("E05012632", "Barleythorpe", -0.751105, 52.67862),
    ("E05012633", "Braunston & Martinsthorpe", -0.722296, 52.62209),
    ("E05012634", "Cottesmore", -0.670634, 52.72745),
    ("E05012635", "Exton", -0.665296, 52.67236),
    ("E05012636", "Greetham", -0.59158, 52.72763),
    ("E05012637", "Ketton", -0.570923, 52.61743),
    ("E05012638", "Langham", -0.753725, 52.69156),
    ("E05012639", "Lyddington", -0.701323, 52.56596),
    ("E05012640", "Normanton", -0.614073, 52.63882),
    ("E05012641", "Oakham North East", -0.725924, 52.67576),
    ("E05012642", "Oakham North West", -0.745538, 52.67002),
    ("E05012643", "Oakham South", -0.733852, 52.6645),
    ("E05012644", "Ryhall & Casterton", -0.50006, 52.68629),
    ("E05012645", "Uppingham", -0.731932, 52.58357),
    ("E05012646", "Whissendine", -0.780716, 52.72387),
]
# LSOA-like cells per ward, as many as ONS's best fit gives each current ward (Barleythorpe: none in 2011).
CELLS_PER_WARD = {
    "E05012632": 0, "E05012633": 2, "E05012634": 1, "E05012635": 1, "E05012636": 1, "E05012637": 2,
    "E05012638": 1, "E05012639": 1, "E05012640": 2, "E05012641": 2, "E05012642": 2, "E05012643": 2,
    "E05012644": 2, "E05012645": 3, "E05012646": 1,
}
POCKET_WARDS = {"E05012636", "E05012642"}  # Greetham, Oakham North West
BARLEYTHORPE, OAKHAM_NORTH_WEST, OAKHAM_SOUTH = "E05012632", "E05012642", "E05012643"
OUTLINE_MARGIN_DEGREES = 0.045
DOMAINS = ["imd", "income", "employment", "education", "health", "crime", "barriers", "environment"]
CHILD_AND_OLDER = ["idaci", "idaopi"]  # published with IoD2025 only in the loaded files


def county_outline():
    """A smooth outline around the ward label points: the convex hull, buffered."""
    return MultiPoint([(lon, lat) for _, _, lon, lat in WARDS]).convex_hull.buffer(OUTLINE_MARGIN_DEGREES,
                                                                                   quad_segs=8)


def ward_cells() -> dict[str, object]:
    """Ward code -> polygon: Voronoi cells around the label points, clipped to the county outline."""
    outline = county_outline()
    regions = voronoi_diagram(MultiPoint([(lon, lat) for _, _, lon, lat in WARDS]), envelope=outline.envelope)
    cells = {}
    for code, _, lon, lat in WARDS:
        region = next(r for r in regions.geoms if r.contains(Point(lon, lat)))
        cells[code] = region.intersection(outline)
    return cells


def _split(polygon, pieces: int, rng: np.random.Generator) -> list:
    """Cut a polygon into `pieces` Voronoi sub-cells around random points inside it."""
    if pieces <= 1:
        return [polygon]
    min_x, min_y, max_x, max_y = polygon.bounds
    seeds = []
    while len(seeds) < pieces:
        candidate = Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
        if polygon.contains(candidate):
            seeds.append(candidate)
    regions = voronoi_diagram(MultiPoint(seeds), envelope=polygon.envelope)
    parts = [region.intersection(polygon) for region in regions.geoms]
    parts = [p for p in parts if not p.is_empty]
    return sorted(parts, key=lambda p: (-p.centroid.y, p.centroid.x))


def lsoa_cells(rng: np.random.Generator) -> tuple[list[dict], list[dict]]:
    """(2011 cells, 2021 cells), each {code, name, ward_code, geometry}."""
    wards = ward_cells()
    names = {code: name for code, name, _, _ in WARDS}
    cells_2011 = []
    for code, _, _, _ in WARDS:
        if CELLS_PER_WARD[code] == 0:
            continue
        for letter, part in zip("ABCDEFG", _split(wards[code], CELLS_PER_WARD[code], rng)):
            cells_2011.append({"ward_code": code, "name": f"{names[code]} {letter} (simulated)", "geometry": part})
    for number, cell in enumerate(cells_2011, start=1):
        cell["code"] = f"SIM11{number:04d}"
    # The first Oakham North West cell takes in Barleythorpe, as ONS's best fit does with Rutland 002C.
    merged = next(c for c in cells_2011 if c["ward_code"] == OAKHAM_NORTH_WEST)
    merged["geometry"] = merged["geometry"].union(wards[BARLEYTHORPE])
    split_south = next(c for c in cells_2011 if c["ward_code"] == OAKHAM_SOUTH)

    cells_2021, new_number = [], 0

    def new_cell(ward_code: str, label: str, geometry) -> dict:
        nonlocal new_number
        new_number += 1
        return {"code": f"SIM21{new_number:04d}", "ward_code": ward_code,
                "name": f"{names[ward_code]} {label} (simulated)", "geometry": geometry, "parent": None}

    for cell in cells_2011:
        if cell is merged:
            onw_part = cell["geometry"].difference(wards[BARLEYTHORPE])
            children = [new_cell(OAKHAM_NORTH_WEST, "A1", onw_part)]
            children += [new_cell(BARLEYTHORPE, f"A{i}", part)
                         for i, part in enumerate(_split(wards[BARLEYTHORPE], 2, rng), start=1)]
        elif cell is split_south:
            children = [new_cell(OAKHAM_SOUTH, f"A{i}", part)
                        for i, part in enumerate(_split(cell["geometry"], 2, rng), start=1)]
        else:
            cells_2021.append({**cell, "parent": cell["code"], "change": "unchanged"})
            continue
        cells_2021.extend({**child, "parent": cell["code"], "change": "split"} for child in children)
    return cells_2011, cells_2021


def _deciles(cells: list[dict], rng: np.random.Generator, indicators: list[str]) -> dict[tuple[str, str], int]:
    """Simulated national deciles: most cells comfortable (6-10); the pocket wards' cells in deciles 2-4,
    worst on education and income; rural cells poor on barriers to services, as in real rural England."""
    found = {}
    for cell in cells:
        pocket = cell["ward_code"] in POCKET_WARDS
        for indicator in indicators:
            if pocket:
                decile = {"education": 2, "income": 3, "idaci": 3, "employment": 4}.get(indicator, 4)
                decile += int(rng.integers(0, 2)) if indicator not in ("imd", "education") else 0
            elif indicator == "barriers":
                decile = int(rng.integers(1, 5))
            else:
                decile = int(rng.integers(6, 11))
            found[(cell["code"], indicator)] = decile
    return found


def _deprivation_rows(cells: list[dict], edition: int, vintage: str, rng: np.random.Generator,
                      indicators: list[str]) -> list[list]:
    """Rows of `deprivation` without their source columns."""
    lsoas = LSOAS_IN_ENGLAND[vintage]
    band = lsoas / 10
    rows = []
    for (code, indicator), decile in _deciles(cells, rng, indicators).items():
        rank = int(np.floor((decile - 1) * band + rng.uniform(1, band)))
        score = round(float(60 * np.exp(-3 * rank / lsoas)), 3)
        rows.append([edition, code, vintage, indicator, score, rank, decile, None])
    for cell in cells:
        rows.append([edition, cell["code"], vintage, "population_total", None, None, None,
                     int(rng.integers(1100, 2600))])
    return rows


def generate(con, settings) -> None:
    rng = np.random.default_rng(20191)
    cells_2011, cells_2021 = lsoa_cells(rng)
    wards = ward_cells()
    deprivation = (_deprivation_rows(cells_2011, 2019, "2011", rng, DOMAINS)
                   + _deprivation_rows(cells_2021, 2025, "2021", rng, DOMAINS + CHILD_AND_OLDER))

    source_id = db.register_source(
        con, file_name=f"{SIMULATED_FILE}: approximate ward and LSOA-like cells, simulated deprivation",
        sha256=fingerprint((sorted((c["code"], c["geometry"].wkt) for c in cells_2011 + cells_2021),
                            deprivation)),
        importer="demo: geography and deprivation", publisher="This dashboard (invented for demonstration)",
        licence="Not real data (ward codes and label points: ONS, Open Government Licence v3.0)",
        is_simulated=True,
    )
    geographies = [_geography(code, "ward", "2025", name, wards[code], (lon, lat), source_id, number)
                   for number, (code, name, lon, lat) in enumerate(WARDS, start=1)]
    for vintage, cells in (("2011", cells_2011), ("2021", cells_2021)):
        for number, cell in enumerate(cells, start=1):
            point = cell["geometry"].representative_point()
            geographies.append(_geography(cell["code"], "lsoa", vintage, cell["name"], cell["geometry"],
                                          (point.x, point.y), source_id, number))
    insert_geographies(con, pd.DataFrame(geographies))

    lookups = []
    for vintage, ward_vintage, cells in (("2011", "2019", cells_2011), ("2021", "2024", cells_2021)):
        for cell in cells:
            lookups.append([cell["code"], "lsoa", vintage, cell["ward_code"], "ward", ward_vintage,
                            "contains (generated)", source_id, len(lookups) + 1])
            lookups.append([cell["code"], "lsoa", vintage, RUTLAND_ONS, "lad", vintage, "stated in file",
                            source_id, len(lookups) + 1])
    for cell in cells_2021:
        lookups.append([cell["parent"], "lsoa", "2011", cell["code"], "lsoa", "2021", cell["change"], source_id,
                        len(lookups) + 1])
    insert_lookups(con, pd.DataFrame(lookups, columns=LOOKUP_COLUMNS))

    con.executemany("INSERT INTO deprivation VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [[*row, source_id, number] for number, row in enumerate(deprivation, start=1)])
    db.finish_source(con, source_id, len(geographies) + len(lookups) + len(deprivation),
                     "Shapes are approximate (Voronoi cells around ONS ward label points); all deprivation "
                     "figures are simulated.")


def _geography(code, kind, vintage, name, geometry, label, source_id, number) -> dict:
    as_json = mapping(geometry)
    return {"code": code, "kind": kind, "vintage": vintage, "name": name,
            "geometry": json.dumps(as_json, separators=(",", ":")),
            "display_geometry": json.dumps(display_geometry(as_json), separators=(",", ":")),
            "label_lon": float(label[0]), "label_lat": float(label[1]), "la_code": RUTLAND_ONS,
            "is_approximate": True, "source_id": source_id, "source_row": number}
