"""AppTest: the Schools (masking) page and the School profile page over the demo database."""
from __future__ import annotations

from pathlib import Path

from tests.conftest import with_figure_data_open


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def open_schools(app, **params):
    for key, value in params.items():
        app.query_params[key] = value
    at = app.run()
    with_figure_data_open(at.switch_page("pages/schools.py").run())
    assert not at.exception, at.exception
    return at


def test_masking_headline_reproduces_the_review(app):
    at = open_schools(app, school_year="2016/17", measure="ks2_rwm_exp", key_stage="Primary (KS2)")
    assert "Schools" in [t.value for t in at.title]
    body = texts(at)
    assert "Rutland 67% vs England 61% in 2016/17 - but 6 of 17 state-funded mainstream primary schools" in body
    assert "6 of 17 primary schools were below national in both reading and writing, and 10 of 17 in maths." in body
    assert any("Demonstration data" in w.value for w in at.warning)


def test_changing_measure_and_year_changes_the_output(app):
    at = open_schools(app, school_year="2016/17", measure="ks2_rwm_exp", key_stage="Primary (KS2)")
    before = texts(at)
    at.selectbox(key="measure").set_value("ks2_math_exp").run()
    assert not at.exception
    after = texts(at)
    assert after != before and "England 75%" in after
    at.selectbox(key="school_year").set_value("2017/18").run()
    assert not at.exception
    assert "in 2017/18" in texts(at)


def test_changing_phase_lists_the_secondaries_and_sqa_list_is_exportable(app):
    at = open_schools(app)
    at.selectbox(key="key_stage").set_value("Secondary (KS4)").run()
    assert not at.exception
    assert at.selectbox(key="measure").value.startswith("ks4_")
    table = [d.value for d in at.dataframe if {"profile", "significance", "interval_from"} <= set(d.value.columns)]
    schools = set(table[0]["school"])
    assert schools == {"Catmose College", "Uppingham Community College", "Casterton College"}
    sqa = [d.value for d in at.dataframe if "priority" in d.value.columns]
    assert sqa and len(sqa[0]) == 21
    assert all(link.startswith("school?urn=9") for link in sqa[0]["profile"])


def test_pupil_group_comparator_changes_the_gaps(app):
    at = open_schools(app, school_year="2016/17", measure="ks2_rwm_exp", key_stage="Primary (KS2)")
    gaps_same = [d.value for d in at.dataframe if "compared_with" in d.value.columns]
    with_figure_data_open(at.radio(key="group_comparator").set_value("other_group").run())
    assert not at.exception
    gaps_other = [d.value for d in at.dataframe if "compared_with" in d.value.columns]
    assert gaps_same and gaps_other
    assert list(gaps_same[0]["compared_with"]) != list(gaps_other[0]["compared_with"])
    assert "non-disadvantaged pupils nationally" in set(
        gaps_other[0].loc[gaps_other[0]["pupil_group"] == "Disadvantaged", "compared_with"])
    pooled = [d.value for d in at.dataframe if "pooled_value" in d.value.columns]
    assert not pooled or pooled[0]["pupils"].dropna().min() > 5


def test_urn_in_the_url_opens_the_profile(demo_db, monkeypatch):
    # The page is run as its own script: through app.py, AppTest's switch_page cannot reach a page whose
    # url_path ('school') differs from its file name while pages/common.py reroutes old-style page runs
    # (reported to the lead). The browser test opens /school through the app.
    from streamlit.testing.v1 import AppTest

    from conftest import APP_FILE

    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    app = AppTest.from_file(str(Path(APP_FILE).parent / "pages" / "school.py"), default_timeout=120)
    app.query_params["urn"] = "900020"
    at = app.run()
    assert not at.exception, at.exception
    assert "School profile" in [t.value for t in at.title]
    assert at.header[0].value == "Casterton College"
    body = texts(at)
    assert "01 September 2011" in body and "Single-academy trust" in body
    assert "below floor" not in body.lower().replace("'below floor'", "") and "coasting" not in \
        body.lower().replace("'coasting'", "")
    labels = [m.label for m in at.metric]
    assert any(label.startswith("Pupils on roll") for label in labels)
    at.selectbox(key="urn").set_value("900001").run()
    assert not at.exception
    assert at.header[0].value == "Brooke Hill Primary"


def test_hampshire_works_with_its_files_loaded(tmp_path, monkeypatch):
    """Issue section 7: with the LA setting 850 and Hampshire's downloads loaded, the page works for Hampshire."""
    from streamlit.testing.v1 import AppTest

    from conftest import APP_FILE
    from test_schools_importers import CSP, HAMPSHIRE, build_db, mirror

    root = mirror(tmp_path / "files", [f"{HAMPSHIRE}/2016-2017_850_ks2final.csv", f"{HAMPSHIRE}/2017-2018_850_ks2final.csv",
                                       f"{HAMPSHIRE}/2016-2017_850_ks4final.csv", f"{HAMPSHIRE}/2017-2018_850_ks4final.csv",
                                       f"{CSP}/2018-2019_england/la_and_region_codes_meta.csv"])
    db_path = tmp_path / "hampshire.duckdb"
    build_db(root, db_path, la_code="850")
    monkeypatch.setenv("DASHBOARD_DB", str(db_path))
    monkeypatch.setenv("DASHBOARD_LA", "850")
    app = AppTest.from_file(APP_FILE, default_timeout=180)
    app.query_params["school_year"] = "2016/17"
    app.query_params["measure"] = "ks2_rwm_exp"
    at = app.run()
    at.switch_page("pages/schools.py").run()
    assert not at.exception, at.exception
    body = texts(at)
    assert "Hampshire 66% vs England 61% in 2016/17" in body
    table = [d.value for d in at.dataframe if {"profile", "significance", "interval_from"} <= set(d.value.columns)][0]
    assert len(table) > 250
    assert (table["significance"] == "significantly below national").sum() > 0
    at.selectbox(key="key_stage").set_value("Secondary (KS4)").run()
    assert not at.exception
    assert "Hampshire" in texts(at)
