"""AppTest of the Improvement plan page through app.py: the public read it and cannot edit; a signed-in officer
gets the milestone editor, the import and the audit trail. And the Meetings page shows a meeting's commentary."""
from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from rutland_data import settings
from rutland_data.queries import meetings as meeting_queries
from rutland_data.store import records
from tests.conftest import APP_FILE
from tests.test_officer_pages import AUTH, OFFICER

PAGE = "pages/improvement-plan.py"


@pytest.fixture
def visit(demo_db, tmp_path, monkeypatch):
    """visit(user, page): a new session opening `page` from the Overview, with records of this test's own."""
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    monkeypatch.setenv("DASHBOARD_RECORDS_DB", str(tmp_path / "records.duckdb"))
    monkeypatch.setenv("DASHBOARD_MEETINGS_DIR", str(tmp_path / "meetings"))
    monkeypatch.setenv("DASHBOARD_OFFICERS", "@rutland.gov.uk")

    def run(user: dict, page: str = PAGE) -> AppTest:
        at = AppTest.from_file(APP_FILE, default_timeout=180)
        at.secrets = {"dashboard": {}, "auth": AUTH}
        at.user = user
        at.run()                      # through app.py first, so later clicks reach the page (as in a browser)
        at.switch_page(page).run()
        assert not at.exception, at.exception[0].message
        return at
    return run


def _editors(at) -> list:
    return [frame for frame in at.get("dataframe") if frame.proto.editing_mode]


def _text(at) -> str:
    return "\n".join(e.value for e in (*at.markdown, *at.caption))


def test_the_public_read_the_tracker_and_cannot_edit(visit):
    at = visit({"is_logged_in": False})
    assert [t.value for t in at.title] == ["Improvement plan"]
    assert [h.value for h in at.header] == ["Indicators", "Milestones", "Download"]
    text = _text(at)
    assert "**Education Improvement Plan 2017-18.** Started from the 2016/17 results." in text
    assert "**18 of 18 milestones are past due and not done**, listed first." in text
    assert "Amber: not met, but better than when the plan started." in text      # the rule in words
    indicators, milestones = (frame.value for frame in at.get("dataframe"))
    assert len(indicators) == 13 and set(indicators["Status"]) <= {"✔ Green", "◐ Amber", "✖ Red", "– Not rated"}
    ks2 = indicators[indicators["Indicator"] == "KS2 reading, writing and maths: expected standard"].iloc[0]
    assert ks2["Target"] == "at or above England" and ks2["Rule"].startswith(ks2["Status"].split(" ", 1)[1])
    assert ks2["Chart"].startswith("headlines?year=") and "phase=KS2" in ks2["Chart"]
    assert milestones["Ref"].iloc[0] == "P1.I5.A1.M1"                              # Sept 17: due first
    assert not _editors(at)
    assert not [b for b in at.button if b.label == "Save milestone changes"]
    assert not at.get("file_uploader")
    assert "Council officers sign in to update milestones" in text


def test_an_officer_gets_the_editor_the_import_and_the_audit_trail(visit):
    at = visit(OFFICER)
    assert [h.value for h in at.header] == ["Indicators", "Milestones", "Download", "Update milestones",
                                             "Import a plan", "Changes"]
    editor = _editors(at)
    assert len(editor) == 1 and len(editor[0].value) == 18
    assert [b.label for b in at.button if b.key == "save-milestones"] == ["Save milestone changes"]
    assert len(at.get("file_uploader")) == 1
    trail = at.get("dataframe")[-1].value
    assert set(trail["Who"]) == {"dashboard (the council's published plan)"} and len(trail) == 50


def test_the_meetings_page_shows_a_meetings_commentary_beside_its_figure(visit):
    configured = settings.load()
    at = visit(OFFICER, "pages/meetings.py")      # the first visit seeds the records; then a meeting is recorded
    sha, _ = records.keep_database_copy(configured.db_path, configured.meetings_dir)
    with records.session(configured.records_db_path) as con:
        meeting_id = meeting_queries.add_meeting(con, "Portfolio Holder", date(2026, 1, 20), 2025, sha, "test")
        meeting_queries.add_comment(con, meeting_id, "Moderation visits booked.", "test", measure_id="ks2_rwm_exp")
    at = visit(OFFICER, "pages/meetings.py")
    at.selectbox(key="meeting").set_value(str(meeting_id)).run()
    assert not at.exception
    text = _text(at)
    assert "For the meeting: **Portfolio Holder, 20 January 2026**." in text
    assert "    - *What we are doing about it:* Moderation visits booked." in text
    assert "Since the last meeting (Portfolio Holder, 20 January 2026)" in [s.value for s in at.subheader]
    assert "- No new releases loaded.\n- No figure revised." in text


def test_an_officer_records_a_meeting_and_adds_commentary_on_the_meetings_page(visit):
    configured = settings.load()
    at = visit(OFFICER, "pages/meetings.py")
    at.selectbox(key="meeting-body").set_value("Scrutiny")
    at.date_input(key="meeting-date").set_value(date(2026, 2, 3))
    next(b for b in at.button if b.label == "Record the meeting").click().run()
    assert not at.exception, at.exception[0].message
    with records.session(configured.records_db_path) as con:
        [meeting] = meeting_queries.meetings(con)
    assert (meeting.body, meeting.meeting_date, meeting.recorded_by) == ("Scrutiny", date(2026, 2, 3),
                                                                         "sam.officer@rutland.gov.uk")
    assert records.database_copy(configured.meetings_dir, meeting.content_sha256).exists()
    assert at.selectbox(key="meeting").value == str(meeting.meeting_id)      # the new meeting is the one shown

    at.selectbox(key="comment-about").set_value("plan:P1.I4")
    at.text_area(key="comment-text").input("Termly review of every school below national.")
    next(b for b in at.button if b.label == "Add commentary").click().run()
    assert not at.exception, at.exception[0].message
    assert "- Improvement plan P1.I4 (Masking of underperforming schools when comparing Rutland performance as a " \
           "whole): Termly review of every school below national." in _text(at)
