"""Schools on the deprivation map: on the real build (no GIAS establishment rows for Rutland, no postcode
lookup in ../shared) every school is listed beside the map with why; with a hand-made ONS postcode lookup
(ONSPD layout) a school is placed, approximately, at its postcode's LSOA."""
from __future__ import annotations

import pytest

from rutland_data.settings import PROJECT_ROOT
from rutland_data.views import deprivation as deprivation_views
from tests.test_schools_importers import build_db, mirror

PAGE = str(PROJECT_ROOT / "pages" / "deprivation-map.py")
GEO = ["geo/rutland_lsoa_2021.geojson", "geo/rutland_wards_current_WD25.geojson",
       "geo/rutland_lsoa21_to_ward24_geographr.csv", "geo/rutland_iod2025_all_scores_ranks_deciles.csv"]
KS4_INFO = ("dfe/explore_education_statistics/ks4_information_about_schools_2023-24/"
            "extract_rutland_202324_information_about_schools_final.csv")
# Hand-made, in the ONS Postcode Directory's layout (a few of its columns). The LSOAs are real Rutland 2021
# LSOAs; which postcode lies in which is invented for the test, not ONS's.
ONSPD = ("pcd,pcd2,pcds,dointr,doterm,oslaua,osward,lsoa11,lsoa21,lat,long\n"
         "LE156RP,LE15 6RP,LE15 6RP,198001,,E06000017,E05012643,E01013794,E01013794,52.67,-0.73\n"
         "LE159TJ,LE15  9TJ,LE15 9TJ,198001,,E06000017,E05012645,E01013787,E01013787,52.58,-0.71\n"
         "AB101AA,AB10 1AA,AB10 1AA,198001,,S12000033,S13002842,S01006646,S01006646,57.1,-2.1\n")


def test_real_build_lists_every_school_beside_the_map_and_says_why(real_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DASHBOARD_DB", str(real_db))
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    assert not at.exception, at.exception
    said = "\n".join(m.value for m in at.markdown)
    assert ("No school is drawn: none of the 28 open schools has a grid reference or ward in the loaded files "
            "(grid references come from a GIAS establishment extract). 22 of them have a postcode in the loaded "
            "files, but no ONS postcode lookup (ONS Postcode Directory or NSPL) is loaded to place them by it.") in said
    assert "**Not on the map (28)**" in said
    # no empty scatter layer is drawn with a message that implies schools are on the map
    assert "White circles with orange rings: schools" not in "\n".join(c.value for c in at.caption)


@pytest.fixture(scope="module")
def with_postcodes(tmp_path_factory):
    root = mirror(tmp_path_factory.mktemp("postcode_files"), [KS4_INFO, *GEO])
    (root / "onspd_sample.csv").write_text(ONSPD, encoding="utf-8")
    db_path = tmp_path_factory.mktemp("postcode_db") / "postcodes.duckdb"
    build_db(root, db_path)
    return db_path


def test_a_postcode_lookup_places_schools_at_their_postcode_s_lsoa(with_postcodes):
    import duckdb

    con = duckdb.connect(str(with_postcodes), read_only=True)
    # only the register's postcodes are kept: LE15 6RP (Catmose College) and LE15 9TJ (Uppingham CC), not AB10 1AA
    assert con.execute("SELECT postcode, lsoa21_code FROM postcode_areas ORDER BY postcode").fetchall() == [
        ("LE15 6RP", "E01013794"), ("LE15 9TJ", "E01013787")]
    choices = deprivation_views.map_choices(con, "857")
    ward_set = choices.ward_vintages[choices.vintages[2025]][0]
    view = deprivation_views.deprivation_view(con, "857", choices.la_ons, 2025, "imd", ward_set)
    placed = view.schools.set_index("urn")
    assert placed.loc["136530", "location_method"] == ("approximate: near the centre of its postcode's LSOA "
                                                       "(E01013794; ONS postcode lookup)")
    label = con.execute("SELECT label_lon, label_lat FROM geographies WHERE kind = 'lsoa' AND code = 'E01013787'"
                        ).fetchone()
    assert (placed.loc["136629", "lon"], placed.loc["136629", "lat"]) == pytest.approx(label)
    assert placed.loc["136629", "ward_code"] == "E05012645"
    assert "2 are placed approximately, near the centre of their postcode's LSOA" in view.placement
    # the other six have postcodes the lookup does not hold, and say so
    assert len(view.unplaced) == 6
    why = dict(zip(view.unplaced["urn"], view.unplaced["why"]))
    assert why["120322"] == ("its postcode (LE15 6DT) is not in the loaded ONS postcode lookup, or its LSOA has no "
                             "loaded boundary")
    assert all("not in the loaded ONS postcode lookup" in w for w in view.unplaced["why"])
    con.close()
