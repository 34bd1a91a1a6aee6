"""AppTest: the app shell, the Headlines and About pages, filters and URL parameters."""
from __future__ import annotations

from tests.conftest import with_figure_data_open

def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def test_overview_is_the_landing_page_with_a_card_per_phase(app):
    app.query_params["year"] = "2016/17"
    at = app.run()
    assert not at.exception
    assert at.title[0].value == "Rutland: education performance"
    labels = {m.label: m.value for m in at.metric}
    assert labels["KS2 RWM, 2016/17"] == "67%"
    assert labels["GLD, 2016/17"] == "76%"  # as the review printed it: no decimal it never published
    assert labels["Attainment 8, 2016/17"] == "52.1"
    assert any("Demonstration data" in w.value for w in at.warning)


def test_headlines_renders_without_exception(app):
    at = app.run()
    at.switch_page("pages/headlines.py").run()
    assert not at.exception
    assert at.title[0].value == "Headline trends"
    assert len(at.metric) >= 1
    assert any("Demonstration data" in w.value for w in at.warning), "simulated banner missing"


def test_a_figure_s_data_runs_only_while_its_expander_is_open(app):
    app.query_params["year"] = "2016/17"
    app.query_params["phase"] = "KS2"
    at = app.run()
    at.switch_page("pages/headlines.py").run()
    charts, expanders = len(at.get("vega_lite_chart")), [e.label for e in at.expander]
    assert charts >= 3 and sum(label.startswith("Show data: ") for label in expanders) == charts
    assert not at.dataframe and not at.get("download_button")  # closed: no table or file made
    with_figure_data_open(at)
    assert not at.exception
    assert len(at.dataframe) == charts and len(at.get("download_button")) == 2 * charts
    assert sum(m.value.startswith("**Chart description.** ") for m in at.markdown) == charts


def test_url_query_params_seed_the_filters(app):
    app.query_params["year"] = "2016/17"
    app.query_params["phase"] = "KS2"
    at = app.run()
    at.switch_page("pages/headlines.py").run()
    assert not at.exception
    assert at.selectbox(key="year").value == "2016/17"
    rwm = at.metric[0]
    assert rwm.label == "Rutland, 2016/17" and rwm.value == "67%"
    assert "up 14 points - better" in texts(at)
    assert "above England (61%)" in texts(at)


def test_changing_comparator_changes_the_comparison(app):
    app.query_params["year"] = "2016/17"
    app.query_params["phase"] = "KS2"
    at = app.run()
    at.switch_page("pages/headlines.py").run()
    before = texts(at)
    at.radio(key="comparator").set_value("Region").run()
    assert not at.exception
    after = texts(at)
    assert after != before
    assert "East Midlands" in after.split("**Compared with:**")[1].split("\n")[0]


def test_changing_phase_changes_the_measures(app):
    at = app.run()
    at.switch_page("pages/headlines.py").run()
    first = [m.label for m in at.metric] + [s.value for s in at.subheader]
    at.button_group(key="phase").set_value("Absence").run()
    assert not at.exception
    assert any("absence" in s.value.lower() for s in at.subheader)
    assert [s.value for s in at.subheader] != first


def test_about_page_lists_sources_and_glossary(app):
    at = app.run()
    at.switch_page("pages/about.py").run()
    assert not at.exception
    assert at.title[0].value == "About the data"
    assert len(at.dataframe) == 2
    glossary = at.dataframe[1].value
    assert {"SUPP", "c", "x", "z", "-", "LOWCOV"} <= set(glossary["symbol"])


def test_every_page_url_path_matches_its_file_name():
    """A first visit to a deep link is resolved by file name (Streamlit's pages/ folder rule)
    before app.py declares the pages; a mismatch silently lands on the Overview instead."""
    from pathlib import Path

    from rutland_data.navigation import PAGES

    for entry in PAGES:
        if not entry.default:
            assert Path(entry.file).stem == entry.url_path, entry
