"""ONS geography and IoD importers against the real files in ../shared/data/geo, plus bad input."""
from __future__ import annotations

import csv
import gzip
import json
import os

import duckdb
import pytest

from rutland_data import settings
from rutland_data.ingest import build
from rutland_data.ingest.importers import BadInput
from tests.conftest import require_shared

RUTLAND = "E06000017"


@pytest.fixture(scope="session")
def geo_db(tmp_path_factory):
    """A database built from the geography folder alone (all England IoD rows included); shared with
    test_geo_queries, which imports this fixture."""
    root = require_shared("geo")
    path = tmp_path_factory.mktemp("geo") / "geo.duckdb"
    previous = os.environ.get("DASHBOARD_DB")
    os.environ["DASHBOARD_DB"] = str(path)
    try:
        report = build.build_from(root, settings.load())
    finally:
        if previous is None:
            os.environ.pop("DASHBOARD_DB")
        else:
            os.environ["DASHBOARD_DB"] = previous
    con = duckdb.connect(str(path), read_only=True)
    yield con, report
    con.close()


def test_rutland_has_23_lsoas_of_2011_and_26_of_2021(geo_db):
    con, _ = geo_db
    counts = dict(con.execute(
        "SELECT vintage, count(*) FROM geographies WHERE kind = 'lsoa' AND la_code = ? GROUP BY vintage",
        [RUTLAND]).fetchall())
    assert counts == {"2011": 23, "2021": 26}
    wards = dict(con.execute(
        "SELECT vintage, count(*) FROM geographies WHERE kind = 'ward' GROUP BY vintage").fetchall())
    assert wards == {"2013": 16, "2025": 15}


def test_boundaries_keep_the_published_geometry_and_a_lighter_display_copy(geo_db):
    con, _ = geo_db
    root = require_shared("geo")
    published = json.loads((root / "rutland_lsoa_2011.geojson").read_text())["features"][0]
    stored, display, lon, lat = con.execute(
        "SELECT geometry, display_geometry, label_lon, label_lat FROM geographies WHERE kind = 'lsoa' "
        "AND vintage = '2011' AND code = ?", [published["properties"]["LSOA11CD"]]).fetchone()
    assert json.loads(stored) == published["geometry"]
    assert len(display) < len(stored)
    assert (lon, lat) == (published["properties"]["LONG"], published["properties"]["LAT"])


def test_imd_2019_ranks_and_deciles_equal_file_1(geo_db):
    con, _ = geo_db
    with open(require_shared("geo/rutland_iod2019_file1_imd.csv"), encoding="utf-8-sig", newline="") as handle:
        file_1 = {row["LSOA code (2011)"]: (int(row["Index of Multiple Deprivation (IMD) Rank"].replace(",", "")),
                                            int(row["Index of Multiple Deprivation (IMD) Decile"]))
                  for row in csv.DictReader(handle)}
    assert len(file_1) == 23
    stored = {code: (rank, decile) for code, rank, decile in con.execute(
        "SELECT lsoa_code, rank, decile FROM deprivation WHERE edition = 2019 AND indicator = 'imd' "
        "AND lsoa_code IN (SELECT code FROM geographies WHERE kind = 'lsoa' AND vintage = '2011')").fetchall()}
    assert stored == file_1
    # Quoted thousands ("19,612") are read as numbers.
    assert stored["E01013787"] == (19612, 6)
    assert stored["E01013788"] == (28543, 9)
    assert stored["E01013790"] == (14267, 5)


def test_all_england_rows_are_kept_for_national_ranks(geo_db):
    con, _ = geo_db
    counts = dict(con.execute(
        "SELECT edition, count(*) FROM deprivation WHERE indicator = 'imd' GROUP BY edition").fetchall())
    assert counts == {2015: 32844, 2019: 32844, 2025: 33755}
    # The England file starts with a byte-order mark; its first LSOA must still be read.
    with gzip.open(require_shared("geo/england/iod2019_File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"),
                   "rt", encoding="utf-8-sig") as handle:
        first = next(csv.DictReader(handle))
    rank = con.execute("SELECT rank FROM deprivation WHERE edition = 2019 AND indicator = 'imd' AND lsoa_code = ?",
                       [first["LSOA code (2011)"]]).fetchone()[0]
    assert rank == int(first["Index of Multiple Deprivation (IMD) Rank"].replace(",", "")) == 29199


def test_overlapping_files_confirm_each_other(geo_db):
    _, report = geo_db
    notes = {name: note for name, _, _, note in report.loaded}
    assert notes["rutland_iod2019_file1_imd.csv"] == ("23 figures were already loaded from an earlier file and "
                                                      "were kept; this file agrees")
    assert "this file agrees" in notes["england/iod2019_File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"]


def test_iod_2025_idaci_is_present_for_every_rutland_lsoa(geo_db):
    con, _ = geo_db
    rows = con.execute(
        "SELECT lsoa_code, lsoa_vintage, score, rank, decile FROM deprivation WHERE edition = 2025 "
        "AND indicator = 'idaci' ORDER BY lsoa_code").fetchall()
    assert len(rows) == 26
    assert {r[1] for r in rows} == {"2021"}
    assert ("E01013787", "2021", 0.126, 28604, 9) in rows


def test_population_denominators_and_census(geo_db):
    con, _ = geo_db
    population = con.execute(
        "SELECT population FROM deprivation WHERE edition = 2019 AND indicator = 'population_total' "
        "AND lsoa_code = 'E01013787'").fetchone()[0]
    assert population == 1318  # published as "1,318"
    census_total = con.execute("SELECT sum(persons) FROM area_population").fetchone()[0]
    assert census_total == 41043


def test_lookups_follow_ons_best_fit(geo_db):
    con, _ = geo_db
    ward_19 = dict(con.execute(
        "SELECT from_code, to_code FROM lookups WHERE from_kind = 'lsoa' AND from_vintage = '2011' "
        "AND to_kind = 'ward' AND to_vintage = '2019'").fetchall())
    assert len(ward_19) == 23
    assert ward_19["E01013801"] == "E05012642"  # Rutland 002C -> Oakham North West, not Barleythorpe
    assert "E05012632" not in ward_19.values()
    splits = con.execute(
        "SELECT to_code FROM lookups WHERE from_code = 'E01013801' AND to_kind = 'lsoa' AND method = 'split' "
        "ORDER BY to_code").fetchall()
    assert [r[0] for r in splits] == ["E01035102", "E01035103", "E01035104"]


def test_editions_stay_on_their_own_lsoa_vintage(geo_db):
    con, _ = geo_db
    assert dict(con.execute("SELECT edition, any_value(lsoa_vintage) FROM deprivation GROUP BY edition "
                            "HAVING count(DISTINCT lsoa_vintage) = 1").fetchall()) == {
        2015: "2011", 2019: "2011", 2025: "2021"}


# ---------------------------------------------------------------- bad input

def _build(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "bad.duckdb"))
    return build.build_from(folder, settings.load())


def test_a_rank_that_is_not_a_number_is_named_by_row_and_column(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "imd.csv").write_text(
        "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority District name (2019),"
        "Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile\n"
        'E01000001,A 001A,E09000001,A,"29,199",9\n'
        "E01000002,A 001B,E09000001,A,high,10\n", encoding="utf-8")
    with pytest.raises(BadInput) as error:
        _build(folder, tmp_path, monkeypatch)
    assert error.value.row == 3
    assert error.value.column == "Index of Multiple Deprivation (IMD) Rank"
    assert not (tmp_path / "bad.duckdb").exists()


def test_a_decile_outside_1_to_10_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "imd.csv").write_text(
        "lsoa21_code,IMD_decile,IMD_rank,IMD_score\nE01000001,11,26525,8.7\n", encoding="utf-8")
    with pytest.raises(BadInput, match="from 1 to 10") as error:
        _build(folder, tmp_path, monkeypatch)
    assert error.value.column == "IMD_decile"


def test_boundaries_in_british_national_grid_metres_are_refused(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    square = [[[484000, 309000], [485000, 309000], [485000, 310000], [484000, 309000]]]
    (folder / "wards.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"WD25CD": "E05012632", "WD25NM": "Barleythorpe"},
         "geometry": {"type": "Polygon", "coordinates": square}}]}), encoding="utf-8")
    with pytest.raises(BadInput, match="British National Grid"):
        _build(folder, tmp_path, monkeypatch)
