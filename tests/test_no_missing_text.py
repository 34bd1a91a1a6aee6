"""AppTest through app.py on the real build (Rutland and Hampshire) and the demo: no page shows 'None',
'nan' or 'NaT' in any table, metric or sentence - a dash or the published code stands instead."""
from __future__ import annotations

import re

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from rutland_data.navigation import PAGES, PUBLIC
from rutland_data.reference.markers import GLOSSARY
from tests.conftest import APP_FILE, with_figure_data_open

MISSING = re.compile(r"\b(None|nan|NaN|NaT)\b")
# Every public page, from the navigation itself, so a new page is walked here without editing this file.
ALL_PAGES = [entry.file.removeprefix("pages/").removesuffix(".py") for entry in PAGES if entry.audience == PUBLIC]
SCHOOL_PAGES = {"schools", "school", "deprivation-map"}  # Rutland-sized runs; Hampshire runs the LA-level ones
LA_PAGES = [page for page in ALL_PAGES if page not in SCHOOL_PAGES]


def shown_text(at) -> list[str]:
    """Every string a user reads on the page: tables cell by cell, metrics, and the text elements. A table cell
    that is exactly a published code stays (the scorecards publish 'NaN' as a marker: see the glossary)."""
    found = []
    for frame in at.dataframe:
        table = frame.value
        found += [str(c) for c in table.columns]
        found += [str(cell) for row in table.itertuples(index=False) for cell in row
                  if not (isinstance(cell, str) and cell in GLOSSARY)]
    for metric in at.metric:
        found += [metric.label, metric.value, str(metric.proto.delta or "")]
    for kind in ("markdown", "caption", "header", "subheader", "title", "info", "warning", "success"):
        found += [element.value for element in getattr(at, kind)]
    return found


def assert_nothing_missing(at, where: str) -> None:
    assert not at.exception, (where, [e.message for e in at.exception])
    bad = [text for text in shown_text(at) if MISSING.search(text)]
    assert not bad, (where, bad[:5])


def a_school(db_path, la_code: str) -> str:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute("SELECT s.urn FROM schools s JOIN school_results r USING (urn) WHERE s.la_code = ? "
                           "GROUP BY s.urn ORDER BY count(*) DESC, s.urn LIMIT 1", [la_code]).fetchone()[0]
    finally:
        con.close()


def visit(db_path, monkeypatch, page: str, la_code: str, **params):
    monkeypatch.setenv("DASHBOARD_DB", str(db_path))
    monkeypatch.setenv("DASHBOARD_LA", la_code)
    at = AppTest.from_file(APP_FILE, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    if page == "school":
        at.query_params["urn"] = a_school(db_path, la_code)
    at.run()
    if page != "home":
        at.switch_page(f"pages/{page}.py").run()
    return with_figure_data_open(at)


def check_page(db_path, monkeypatch, page: str, la_code: str, year: str | None = None) -> None:
    params = {"year": year} if year else {}
    at = visit(db_path, monkeypatch, page, la_code, **params)
    assert_nothing_missing(at, f"{page} ({la_code}, {year or 'default year'})")
    if page == "headlines":  # every phase, not only the first
        for phase in at.button_group(key="phase").options:
            with_figure_data_open(at.button_group(key="phase").set_value(phase).run())
            assert_nothing_missing(at, f"headlines {phase} ({la_code}, {year or 'default year'})")


@pytest.mark.parametrize("page", ALL_PAGES)
def test_demo_pages_show_no_missing_text(demo_db, monkeypatch, page):
    check_page(demo_db, monkeypatch, page, "857", "2016/17")


@pytest.mark.parametrize("page", ALL_PAGES)
def test_real_rutland_pages_show_no_missing_text(real_db, monkeypatch, page):
    check_page(real_db, monkeypatch, page, "857")


@pytest.mark.parametrize("page", ["home", "headlines", "absence"])
def test_real_rutland_2016_17_pages_show_no_missing_text(real_db, monkeypatch, page):
    check_page(real_db, monkeypatch, page, "857", "2016/17")


@pytest.mark.parametrize("page", LA_PAGES)
def test_real_hampshire_pages_show_no_missing_text(real_db, monkeypatch, page):
    check_page(real_db, monkeypatch, page, "850")
