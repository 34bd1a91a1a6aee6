"""A real Chromium: an officer signs in (local OpenID Connect provider), marks a milestone of the improvement plan
done in the editable table, saves, and sees the tracker update; axe on the page as the public and as an officer.
Screenshots: artifacts/screenshots/officer/plan-*.png."""
from __future__ import annotations

import pytest

from rutland_data.queries import plan as plan_queries
from rutland_data.store import records
from tests.test_browser import (SCREENSHOTS, _require_browser, browser, screenshot,  # noqa: F401
                                streamlit_server, wait_until_rendered)
from tests.test_officer_browser import OFFICER, Visit, oidc_provider, secrets_file

pytestmark = pytest.mark.browser

SHOTS = SCREENSHOTS / "officer"


@pytest.fixture(scope="module")
def plan_app(demo_db, tmp_path_factory):
    """(app URL, provider URL, records database) over the demo database, with records of this test's own."""
    _require_browser()
    folder = tmp_path_factory.mktemp("plan")
    with oidc_provider(folder / "provider.log", [OFFICER]) as provider:
        options = ("--secrets.files", str(secrets_file(folder, provider)))
        env = {"DASHBOARD_OFFICERS": "@rutland.gov.uk", "AUTHLIB_INSECURE_TRANSPORT": "1",
               "DASHBOARD_RECORDS_DB": str(folder / "records.duckdb"),
               "DASHBOARD_MEETINGS_DIR": str(folder / "meetings")}
        with streamlit_server(demo_db, folder / "streamlit.log", options, env) as base:
            yield base, provider, folder / "records.duckdb"


def test_an_officer_marks_a_milestone_done_and_the_tracker_updates(plan_app, browser):  # noqa: F811
    base, provider, records_db = plan_app
    visit = Visit(browser, base, provider)
    try:
        text = visit.open("improvement-plan", "plan-01-public")
        assert visit.heading() == "Improvement plan"
        assert "18 of 18 milestones are past due and not done" in text
        assert "Save milestone changes" not in text
        visit.assert_accessible()

        visit.sign_in_as(OFFICER, "plan-02-signed-in")
        text = visit.open("improvement-plan", "plan-03-officer")
        assert "Update milestones" in text and "18 of 18 milestones are past due and not done" in text
        visit.assert_accessible()

        # The editor: its first row is the earliest milestone (P1.I5.A1.M1, Sept 17); to its Status cell, "done".
        # Tables in page order: indicators, milestones, the editor, the audit trail.
        editor = visit.page.locator('[data-testid="stDataFrame"]').nth(2)
        editor.scroll_into_view_if_needed()
        box = editor.bounding_box()
        visit.page.mouse.click(box["x"] + 30, box["y"] + box["height"] / 2)   # a cell of the grid, then by keys
        for key, times in (("ArrowUp", 20), ("ArrowLeft", 6), ("ArrowRight", 5)):  # row 1, Ref; to Status
            for _ in range(times):
                visit.page.keyboard.press(key)
        visit.page.keyboard.press("Enter")                              # opens the cell's list of statuses
        visit.page.get_by_role("option", name="done", exact=True).click()
        wait_until_rendered(visit.page)                                 # the editor's rerun has finished
        screenshot(visit.page, SHOTS / "plan-04-edited.png")
        visit.page.get_by_role("button", name="Save milestone changes").click()
        visit.page.get_by_text("Saved: 1 milestone changed.").wait_for(timeout=60_000)
        text = visit.rendered("plan-05-saved")
        assert "17 of 18 milestones are past due and not done" in text
        with records.session(records_db) as con:                          # stored, and audited with who
            changed = plan_queries.audit_trail(con, limit=1).iloc[0]
        assert (changed["changed_by"], changed["action"]) == ("sam.officer@rutland.gov.uk", "update")
        assert '"ref": "P1.I5.A1.M1"' in changed["after_json"] and '"status": "done"' in changed["after_json"]
        visit.assert_accessible()

        text = visit.open("improvement-plan", "plan-06-reopened")      # a new session reads the stored change
        assert "17 of 18 milestones are past due and not done" in text
    finally:
        visit.context.close()
