"""AppTest: the deprivation map page - deck JSON (layers, decile colours, tooltips), filters, URL, tables."""
from __future__ import annotations

import json

import duckdb
import pytest

from rutland_data.charts import maps
from rutland_data.queries import deprivation as deprivation_queries
from rutland_data.settings import PROJECT_ROOT
from tests.test_geo_importers import geo_db  # noqa: F401  (session fixture: the real geography build)

PAGE = str(PROJECT_ROOT / "pages" / "deprivation-map.py")


@pytest.fixture
def app(demo_db, monkeypatch):
    """The page on its own over the shared demo database (it uses no global filter). Opened directly:
    through app.py, AppTest lands on the default page for pages whose file name differs from their
    url_path (see the report on pages/common.py's _route_through_app)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    return AppTest.from_file(PAGE, default_timeout=120)


def open_page(app, **query):
    app.query_params.update(query)
    return app.run()


def deck_of(at) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def layer(deck: dict, layer_id: str) -> dict:
    return next(item for item in deck["layers"] if item["id"] == layer_id)


def test_page_renders_a_tile_free_map_with_every_layer(app):
    at = open_page(app)
    assert not at.exception
    assert "Deprivation map" in [title.value for title in at.title]
    deck = deck_of(at)
    assert [item["id"] for item in deck["layers"]] == [
        "county-outline", "lsoa-deciles", "ward-outlines", "decile-labels", "ward-names", "schools"]
    # No basemap: pydeck's placeholder style, which Streamlit draws without fetching tiles.
    assert deck.get("mapProvider") is None and deck["mapStyle"] == "__MAP_STYLE__"
    assert len(layer(deck, "lsoa-deciles")["data"]) >= 26  # IoD2025 on 26 LSOA-like cells by default
    assert len(layer(deck, "ward-outlines")["data"]) == 15
    assert any("Approximate shapes" in info.value for info in at.info)
    assert any("Demonstration data" in warning.value for warning in at.warning)


def test_each_area_is_coloured_by_its_decile_and_labelled_with_it(app):
    deck = deck_of(open_page(app))
    areas = layer(deck, "lsoa-deciles")["data"]
    for area in areas:
        assert area["fill"] == maps.rgba(maps.DECILE_COLOURS[area["decile"]], 215)
    labels = {item["text"] for item in layer(deck, "decile-labels")["data"]}
    assert labels == {str(area["decile"]) for area in areas}
    assert maps.DECILE_COLOURS[1] == "#440154" and maps.DECILE_COLOURS[10] == "#FDE725"


def test_tooltip_gives_name_decile_and_rank_out_of_all_england(app):
    at = open_page(app)
    tooltip = json.loads(at.get("deck_gl_json_chart")[0].proto.tooltip)
    for field in maps.TOOLTIP_FIELDS:
        assert "{" + field + "}" in tooltip["html"]
    area = layer(deck_of(at), "lsoa-deciles")["data"][0]
    assert f"national decile {area['decile']} of 10" in area["line1"]
    assert f"Rank {area['rank']:,} of 33,755 LSOAs in England" in area["line2"]
    school = layer(deck_of(at), "schools")["data"][0]
    assert set(maps.TOOLTIP_FIELDS) <= set(school) and school["line2"].startswith("Location: ")


def test_url_seeds_edition_and_indicator(app):
    at = open_page(app, iod_edition="IoD2019", iod_indicator="Education, Skills and Training")
    assert not at.exception
    assert at.subheader[0].value == "Education, Skills and Training, IoD2019"
    area = layer(deck_of(at), "lsoa-deciles")["data"][0]
    assert "of 32,844 LSOAs" in area["line2"]
    assert len({a["lsoa_code"] for a in layer(deck_of(at), "lsoa-deciles")["data"]}) == 23


def test_changing_edition_changes_the_map_and_a_2025_only_index_falls_back(app):
    at = open_page(app)
    at.selectbox(key="iod_indicator").set_value("Income Deprivation Affecting Children Index (IDACI)").run()
    assert at.subheader[0].value == "Income Deprivation Affecting Children Index (IDACI), IoD2025"
    before = deck_of(at)
    at.button_group(key="iod_edition").set_value("IoD2019").run()
    assert not at.exception
    assert at.subheader[0].value == "Index of Multiple Deprivation (IMD), IoD2019"  # no IDACI 2019 loaded
    assert deck_of(at) != before


def test_pockets_and_ward_tables_name_greetham_and_oakham_north_west(app):
    at = open_page(app)
    tables = {tab.label: tab for tab in at.tabs}
    pockets = tables["Pockets (deciles 1-4)"].dataframe[0].value
    assert set(pockets["ward_name"]) == {"Greetham", "Oakham North West"}
    assert (pockets["decile"].astype(int) <= 4).all()  # tables show text (display.display_table)
    wards = tables["Ward summary (derived)"].dataframe[0].value.set_index("ward_name")
    assert wards.loc["Greetham", "share_lsoas_most_deprived_40%"] == "100"
    assert "Derived figures, not official statistics" in tables["Ward summary (derived)"].markdown[0].value
    assert len(tables["All LSOAs"].dataframe[0].value) == 26


def test_map_has_alt_text_naming_the_pockets(app):
    at = open_page(app)
    alt = at.get("deck_gl_json_chart")[0].proto.alt
    assert "coloured by national decile" in alt and "Greetham" in alt


def test_schools_are_placed_from_grid_references_when_the_register_gives_them(demo_settings, monkeypatch):
    from streamlit.testing.v1 import AppTest

    con = duckdb.connect(str(demo_settings.db_path))
    urn = con.execute("SELECT urn FROM schools WHERE la_code = '857' AND is_open ORDER BY urn LIMIT 1").fetchone()[0]
    con.execute("UPDATE schools SET easting = 484532, northing = 309721, lat = NULL, lon = NULL WHERE urn = ?", [urn])
    con.close()
    monkeypatch.setenv("DASHBOARD_DB", str(demo_settings.db_path))
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    schools = {s["urn"]: s for s in layer(deck_of(at), "schools")["data"]}
    lon, lat = schools[urn]["position"]
    assert lon == pytest.approx(-0.751105, abs=5e-5) and lat == pytest.approx(52.67862, abs=5e-5)
    assert "British National Grid" in schools[urn]["line2"]


def test_real_rutland_map_payload_is_under_300_kb(geo_db, monkeypatch):  # noqa: F811
    """The deck JSON the browser receives for the real boundaries (simplified for display)."""
    con, _ = geo_db
    for edition in (2019, 2025):
        vintage = deprivation_queries.edition_vintage(con, edition)
        wards_set = deprivation_queries.ward_vintages(con, "E06000017", vintage)[0]
        deck = maps.deprivation_deck(
            deprivation_queries.lsoa_deprivation(con, "E06000017", edition, "imd", wards_set),
            deprivation_queries.ward_boundaries(con, "E06000017", wards_set, vintage),
            deprivation_queries.schools(con, "857"), deprivation_queries.county_outline(con, "E06000017"),
            lsoas_in_england=deprivation_queries.lsoas_in_england(vintage), indicator_label="IMD")
        assert maps.deck_payload_bytes(deck) <= 300_000
