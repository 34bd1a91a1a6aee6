"""AppTest through app.py: the Academisation page on the demo and on a real build of ../shared/data, asserting
what it says; and the status rules on hand-made register rows."""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from rutland_data.settings import PROJECT_ROOT
from rutland_data.views import academisation
from rutland_data.views import schools as school_views
from tests.conftest import with_figure_data_open

APP_FILE = str(PROJECT_ROOT / "app.py")


def open_page(db_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DASHBOARD_DB", str(db_path))
    at = AppTest.from_file(APP_FILE, default_timeout=180).run()
    with_figure_data_open(at.switch_page("pages/academisation.py").run())
    assert not at.exception, at.exception
    return at


def said(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info])


def test_status_comes_from_the_type_words_never_from_the_name():
    assert academisation.status_of("Academy converter") == academisation.CONVERTER
    assert academisation.status_of("Academy sponsor led") == academisation.SPONSORED
    assert academisation.status_of("Sponsored academies") == academisation.SPONSORED
    assert academisation.status_of("Free schools 16 to 19") == academisation.FREE_SCHOOL
    assert academisation.status_of("Voluntary aided school") == academisation.MAINTAINED
    assert academisation.status_of("State-funded primary") is None
    assert academisation.status_of(None) is None


def test_a_school_counts_from_its_conversion_until_it_was_replaced():
    schools = pd.DataFrame({
        "urn": ["1", "2", "3"], "status": [academisation.MAINTAINED, academisation.CONVERTER, academisation.MAINTAINED],
        "started": [None, date(2018, 9, 30), None], "replaced_on": [date(2018, 9, 30), None, None],
        "is_open": [False, True, True]})
    frame = academisation.status_over_time(schools, 2019).set_index(["end_year", "status"])["schools"]
    assert frame[(2018, academisation.MAINTAINED)] == 2 and frame[(2018, academisation.CONVERTER)] == 0
    assert frame[(2019, academisation.MAINTAINED)] == 1 and frame[(2019, academisation.CONVERTER)] == 1


def test_demo_page_gives_the_review_s_pupils_by_phase_and_status(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch)
    body = said(at)
    assert ("15 of 21 open state-funded schools in Rutland are academies or free schools (10 academy: converter, "
            "3 academy: sponsor led, 1 free school, 1 academy: route not stated); 6 are maintained by the LA.") in body
    # the review's table (LaSSAR 2016-17, seed-facts.md): January 2013 census 2,123 maintained primary pupils,
    # 436 in primary academies, 2,393 in secondary academies; 2017: 656 and 2,152
    assert ("2012/13: academy primary 436, academy secondary 2,393, maintained primary 2,123, maintained secondary 0"
            in body)
    assert "2016/17: academy primary 2,152, academy secondary 2,461, maintained primary 656" in body
    assert "11 trusts or federations run 18 of the open state-funded schools." in body
    assert len(at.get("vega_lite_chart")) == 2


def test_real_page_counts_rutland_s_academies_and_says_what_it_cannot(real_db, monkeypatch):
    at = open_page(real_db, monkeypatch)
    body = said(at)
    # GIAS group links (extract_rutland_group_links.csv) and links: 16 converters, 2 sponsor-led (Ryhall,
    # Cottesmore), Harington free school; 3 whose type the files leave open (census 'State-funded primary' /
    # 'State-funded special school', and the academy GIAS links name as Oakham CofE Primary's successor)
    assert ("19 of 22 open state-funded schools in Rutland are academies or free schools (16 academy: converter, "
            "2 academy: sponsor led, 1 free school); 0 are maintained by the LA; for 3 the loaded files do not say "
            "which") in body
    assert "No counts of pupils in maintained schools and academies are loaded for Rutland" in body
    assert "8 trusts or federations run 19 of the open state-funded schools." in body
    conversions = next(t.value for t in at.dataframe if "replaced" in t.value.columns)
    uppingham = conversions[conversions["school"] == "Uppingham Church of England Primary School"].iloc[0]
    # links_edubasealldata20250422 extract: 146428 -> 120184 Predecessor, LinkEstablishedDate 01-10-2018 (the day
    # the academy opened; the replaced school's own Successor link is dated the day it closed, 30-09-2018)
    assert uppingham["replaced"] == "Uppingham CofE Primary School (URN 120184)"
    assert uppingham["date"] == "01 Oct 2018"
    # Langham (139858): Predecessor link 01-07-2013; extract_rutland_group_links.csv row 14 gives 2017-04-01, the
    # day it joined The Rutland Learning Trust, not the day it became an academy
    langham = conversions[conversions["urn"] == "139858"].iloc[0]
    assert (langham["date"], langham["replaced"]) == ("01 Jul 2013", "Langham CofE (Controlled) Primary School (URN 120180)")
    assert len(at.get("vega_lite_chart")) == 1


def test_academy_since_is_the_day_it_replaced_its_predecessor_not_the_day_it_joined_a_trust(real_db):
    """Great Casterton CofE Primary (146397): links_edubasealldata20250422 extract, Predecessor 120185 dated
    01-10-2018; extract_rutland_group_links.csv gives 2019-03-01, the day it joined The Rutland Learning Trust."""
    con = duckdb.connect(str(real_db), read_only=True)
    try:
        details = school_views.school_profile(con, "146397").details
    finally:
        con.close()
    assert "**Academy since:** 01 October 2018" in details
