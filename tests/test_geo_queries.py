"""Deprivation map queries: the vintage guard, ward summaries, pockets, school locations, demo geography."""
from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest
from shapely.geometry import shape

from rutland_data.store import db
from rutland_data.queries import deprivation as deprivation_queries
from rutland_data.store import geometry
from rutland_data.views import deprivation as deprivation_views
from rutland_data.ingest.demo import geography as demo_geography
from tests.test_geo_importers import geo_db  # noqa: F401  (session fixture: the real geography build)

RUTLAND = "E06000017"


@pytest.fixture(scope="module")
def demo(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


# ---------------------------------------------------------------- vintage guard

def test_2019_deprivation_on_2021_lsoas_is_refused_with_a_clear_message(geo_db):  # noqa: F811
    con, _ = geo_db
    with pytest.raises(deprivation_queries.VintageMismatch) as error:
        deprivation_queries.lsoa_deprivation(con, RUTLAND, 2019, "imd", lsoa_vintage="2021")
    message = str(error.value)
    assert "IoD 2019 is published for 2011 LSOAs" in message
    assert "cannot be shown on 2021 LSOAs" in message


def test_2025_deprivation_on_2011_lsoas_is_refused_too(demo):
    with pytest.raises(deprivation_queries.VintageMismatch, match="IoD 2025 is published for 2021 LSOAs"):
        deprivation_queries.lsoa_deprivation(demo, RUTLAND, 2025, "imd", lsoa_vintage="2011")


def test_each_edition_is_shown_on_its_own_lsoas(geo_db):  # noqa: F811
    con, _ = geo_db
    lsoas_2019 = deprivation_queries.lsoa_deprivation(con, RUTLAND, 2019, "imd")
    lsoas_2025 = deprivation_queries.lsoa_deprivation(con, RUTLAND, 2025, "imd")
    assert len(lsoas_2019) == 23 and len(lsoas_2025) == 26
    assert "E01013801" in set(lsoas_2019["lsoa_code"]) and "E01013801" not in set(lsoas_2025["lsoa_code"])
    assert lsoas_2019["display_geometry"].notna().all()
    row = lsoas_2019.set_index("lsoa_code").loc["E01013790"]
    assert (row["rank"], row["decile"], row["ward_name"]) == (14267, 5, "Greetham")


# ---------------------------------------------------------------- wards and pockets (real data)

def test_ward_summary_on_real_data_is_derived_from_best_fit_lsoas(geo_db):  # noqa: F811
    con, _ = geo_db
    lsoas = deprivation_queries.lsoa_deprivation(con, RUTLAND, 2019, "barriers", "2019")
    wards = deprivation_queries.ward_boundaries(con, RUTLAND, "2019", "2011")
    summary = deprivation_views.ward_summary(lsoas, wards).set_index("ward_name")
    assert len(summary) == 15
    assert summary.loc["Barleythorpe", "lsoas"] == 0
    assert "no LSOA is assigned" in summary.loc["Barleythorpe", "note"]
    expected = lsoas.groupby("ward_name")["decile"].apply(lambda d: 100.0 * (d <= 4).mean())
    for ward, share in expected.items():
        assert summary.loc[ward, "share_lsoas_most_deprived_40%"] == pytest.approx(share)


def test_pockets_list_every_lsoa_in_deciles_1_to_4(geo_db):  # noqa: F811
    con, _ = geo_db
    lsoas = deprivation_queries.lsoa_deprivation(con, RUTLAND, 2019, "barriers", "2019")
    pockets = deprivation_views.pockets(lsoas)
    assert set(pockets["lsoa_code"]) == set(lsoas.loc[lsoas["decile"] <= 4, "lsoa_code"])
    assert pockets["decile"].max() <= 4 and pockets["ward_name"].notna().all()
    assert list(pockets["rank"]) == sorted(pockets["rank"])
    assert "E01013787" in set(pockets["lsoa_code"])  # barriers decile 1 in Rutland 005A (File 2)


def test_old_wards_are_offered_for_2011_lsoas(geo_db):  # noqa: F811
    con, _ = geo_db
    assert deprivation_queries.ward_vintages(con, RUTLAND, "2011") == ["2019", "2017"]
    old = deprivation_queries.ward_boundaries(con, RUTLAND, "2017", "2011")
    assert len(old) == 16 and "Martinsthorpe" in set(old["ward_name"])


def test_la_ons_code_comes_from_areas_or_from_lsoa_names():
    con = duckdb.connect()
    db.apply_schema(con)
    con.execute("INSERT INTO geographies VALUES ('E01013787', 'lsoa', '2011', 'Rutland 005A', '{}', '{}', 0, 0, "
                "'E06000017', FALSE, 1, 1)")
    assert deprivation_queries.la_ons_code(con, "857") is None  # nothing says which LA 857 is
    con.execute("INSERT INTO areas VALUES ('857', 'Rutland', 'la', 857, NULL, NULL, TRUE)")
    con.execute("INSERT INTO areas VALUES ('850', 'Hampshire', 'la', 850, NULL, NULL, TRUE)")
    assert deprivation_queries.la_ons_code(con, "857") == RUTLAND  # LSOAs named 'Rutland 005A'
    assert deprivation_queries.la_ons_code(con, "850") is None  # never another LA's map
    con.execute("UPDATE areas SET new_la_code = 'E10000014' WHERE area_code = '850'")
    assert deprivation_queries.la_ons_code(con, "850") == "E10000014"


# ---------------------------------------------------------------- schools

def test_bng_to_wgs84_on_a_known_point():
    # ONS gives Barleythorpe ward's label point as BNG 484532 E, 309721 N and as -0.751105, 52.67862.
    lon, lat = geometry.bng_to_wgs84(484532, 309721)
    assert lon == pytest.approx(-0.751105, abs=5e-5)
    assert lat == pytest.approx(52.67862, abs=5e-5)


def test_schools_are_placed_by_lat_lon_then_grid_reference_then_ward(demo):
    wards = deprivation_queries.ward_boundaries(demo, RUTLAND, "2019", "2011")
    greetham = wards.set_index("ward_name").loc["Greetham"]
    found = pd.DataFrame([
        {"urn": "1", "name": "By grid", "phase": "Primary", "ward_code": None, "easting": 484532,
         "northing": 309721, "lat": None, "lon": None, "source_id": 1},
        {"urn": "2", "name": "By ward", "phase": "Primary", "ward_code": greetham["ward_code"], "easting": None,
         "northing": None, "lat": None, "lon": None, "source_id": 1},
        {"urn": "3", "name": "Nowhere", "phase": "Primary", "ward_code": None, "easting": None, "northing": None,
         "lat": None, "lon": None, "source_id": 1},
    ])
    placed = deprivation_views.locate_schools(found, wards).set_index("urn")
    assert list(placed.index) == ["1", "2"]
    assert placed.loc["1", "location_method"].startswith("register Easting/Northing")
    assert placed.loc["1", "ward_name"] == "Barleythorpe"  # found by point in polygon
    assert placed.loc["2", "location_method"] == "approximate: near the centre of its ward"
    assert (placed.loc["2", "lon"], placed.loc["2", "lat"]) == (greetham["label_lon"], greetham["label_lat"])


def test_missing_or_empty_schools_table_gives_an_empty_frame():
    con = duckdb.connect()
    assert deprivation_queries.schools(con, "857").empty
    assert deprivation_queries.school_results_for_scatter(con, "857", "ks2_rwm_exp").empty
    assert deprivation_queries.scatter_measures(con, "857").empty


# ---------------------------------------------------------------- demo geography

def test_demo_has_approximate_cells_under_a_simulated_source(demo):
    counts = dict(demo.execute(
        "SELECT kind || vintage, count(*) FROM geographies GROUP BY ALL").fetchall())
    assert counts == {"ward2025": 15, "lsoa2011": 23, "lsoa2021": 26}
    assert demo.execute("SELECT bool_and(is_approximate) FROM geographies").fetchone()[0]
    simulated = demo.execute(
        "SELECT bool_and(s.is_simulated) FROM deprivation d JOIN sources s USING (source_id)").fetchone()[0]
    assert simulated


def test_demo_wards_tile_the_county_around_the_seed_label_points(demo):
    rows = demo.execute("SELECT code, geometry FROM geographies WHERE kind = 'ward'").fetchall()
    cells = {code: shape(json.loads(g)) for code, g in rows}
    for code, _, lon, lat in demo_geography.WARDS:
        assert cells[code].contains(shape({"type": "Point", "coordinates": [lon, lat]}))
    union_area = sum(c.area for c in cells.values())
    assert union_area == pytest.approx(demo_geography.county_outline().area, rel=1e-6)


@pytest.mark.parametrize("edition", [2019, 2025])
def test_demo_pockets_are_greetham_and_oakham_north_west(demo, edition):
    lsoas = deprivation_queries.lsoa_deprivation(demo, RUTLAND, edition, "imd")
    pockets = deprivation_views.pockets(lsoas)
    assert set(pockets["ward_name"]) == {"Greetham", "Oakham North West"}
    wards = deprivation_queries.ward_boundaries(demo, RUTLAND, deprivation_queries.ward_vintages(demo, RUTLAND,
                                        deprivation_queries.edition_vintage(demo, edition))[0],
                                        deprivation_queries.edition_vintage(demo, edition))
    summary = deprivation_views.ward_summary(lsoas, wards).set_index("ward_name")
    assert summary.loc["Greetham", "share_lsoas_most_deprived_40%"] == 100.0
    assert summary.loc["Uppingham", "share_lsoas_most_deprived_40%"] == 0.0
