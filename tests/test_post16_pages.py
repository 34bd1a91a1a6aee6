"""AppTest: the Destinations, Absence and Admissions pages over the demo database - no exception,
the seed facts on screen, filters change what is shown, and URL parameters seed the filters."""
from __future__ import annotations

from tests.conftest import with_figure_data_open


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                     + [s.value for s in at.header] + [i.value for i in at.info])


def open_page(app, page: str, **params):
    for key, value in params.items():
        app.query_params[key] = value
    at = app.run()
    with_figure_data_open(at.switch_page(page).run())
    assert not at.exception, at.exception
    return at


def test_destinations_page_shows_seed_tables_and_the_lag_note(app):
    at = open_page(app, "pages/destinations.py")
    assert at.title[0].value == "Post-16 destinations"
    shown = texts(at)
    assert "describe the year after leaving" in shown and "about two years" in shown
    assert "216 of 311 leavers went out of county" in shown and "70 stayed in county" in shown
    assert any(m.value == "478 of 480" for m in at.metric)
    assert any("Demonstration data" in w.value for w in at.warning)


def test_destinations_url_seeds_cohort_and_stage(app):
    at = open_page(app, "pages/destinations.py", stage="KS4", cohort="Pupils completing key stage 4 in 2018/19")
    assert at.selectbox(key="cohort").value == "Pupils completing key stage 4 in 2018/19"
    assert "Destinations: Pupils completing key stage 4 in 2018/19" in [s.value for s in at.header]


def test_destinations_filters_change_output(app):
    at = open_page(app, "pages/destinations.py")
    before = texts(at)
    at.selectbox(key="cohort").set_value("Pupils completing key stage 4 in 2017/18").run()
    assert not at.exception
    assert "Destinations: Pupils completing key stage 4 in 2017/18" in [s.value for s in at.header]
    neet_before = [m.value for m in at.metric]
    at.button_group(key="neet_measure").set_value("participation_1617").run()
    assert not at.exception
    assert [m.value for m in at.metric] != neet_before
    assert texts(at) != before


def test_absence_page_ranks_lowest_first(app):
    at = open_page(app, "pages/absence.py", year="2015/16")
    shown = texts(at)
    assert "**Overall absence: primary:**" in shown
    ranks = [line for line in shown.splitlines() if line.startswith("- **")]
    assert any("Overall absence: primary" in r and "1st of 152" in r for r in ranks)
    assert any("Overall absence: secondary" in r and "1st of 152" in r for r in ranks)
    assert any("Persistent absence: primary" in r and "1st of 152" in r for r in ranks)
    assert any("Persistent absence: secondary" in r and "2nd of 152" in r for r in ranks)
    assert "schools** had overall absence above the national rate" in shown


def test_absence_phase_filter_and_url(app):
    at = open_page(app, "pages/absence.py", year="2015/16", absence_phase="Secondary")
    headings = [s.value for s in at.header]
    assert "Overall absence: secondary" in headings
    at.button_group(key="absence_phase").set_value("Primary").run()
    assert not at.exception
    assert "Overall absence: primary" in [s.value for s in at.header]


def test_admissions_five_year_averages_from_the_data(app):
    at = open_page(app, "pages/admissions.py", year="2016/17")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["First preference, primary: average 2012/13 to 2016/17"] == "95.0%"
    assert metrics["First preference, secondary: average 2012/13 to 2016/17"] == "91.0%"
    assert "2012/13 to 2016/17" in texts(at)


def test_admissions_phase_filter_and_url(app):
    at = open_page(app, "pages/admissions.py", year="2016/17", admissions_phase="Secondary")
    assert "Offers by preference, secondary, 2016/17" in [s.value for s in at.header]
    at.button_group(key="admissions_phase").set_value("Primary").run()
    assert not at.exception
    assert "Offers by preference, primary, 2016/17" in [s.value for s in at.header]


def test_destination_trend_follows_the_chosen_category(app):
    at = open_page(app, "pages/destinations.py", destination_trend="Further education")
    assert at.selectbox(key="destination_trend").value == "Further education"
    described = [m.value for m in at.markdown if "Line chart of Further education" in m.value]
    assert described and "Rutland:" in described[0]
