"""AppTest through app.py: the accessibility statement page, and an ODS download beside every CSV one."""
from __future__ import annotations

import pytest

from tests.conftest import with_figure_data_open

GDS_MODEL_HEADINGS = [
    "How accessible this dashboard is", "Feedback and contact information",
    "Reporting accessibility problems with this dashboard", "Enforcement procedure",
    "Technical information about this dashboard's accessibility", "Non-accessible content",
    "What we're doing to improve accessibility", "Preparation of this accessibility statement",
]


def text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_accessibility_statement_follows_the_model_form(app):
    at = app.run()
    at.switch_page("pages/accessibility.py").run()
    assert not at.exception
    assert at.title[0].value == "Accessibility statement"
    assert [h.value for h in at.header] == GDS_MODEL_HEADINGS
    assert [s.value for s in at.subheader] == [
        "Compliance status", "Non-compliance with the accessibility regulations",
        "Content that's not within the scope of the accessibility regulations"]
    body = text(at)
    assert "applies to the Rutland education performance dashboard" in body
    assert "partially compliant with the [Web Content Accessibility Guidelines version 2.2 AA standard]" in body
    assert "Equality and Human Rights Commission (EHRC)" in body and "(ECNI)" in body
    assert "last tested on 2 December 2026" in body and "axe-core" in body and "Tab and Enter keys" in body
    assert "through the council's website" in body   # no contact address configured


def test_the_statement_gives_the_configured_contact(app, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ACCESSIBILITY_CONTACT", "email learning@example.org")
    at = app.run()
    at.switch_page("pages/accessibility.py").run()
    assert not at.exception
    assert "contact the Learning and Skills Service: email learning@example.org." in text(at)


def test_the_statement_is_in_the_menu_under_help():
    from rutland_data.navigation import pages_for

    entry = next(e for e in pages_for(officer=False) if e.url_path == "accessibility")
    assert (entry.title, entry.section, entry.file) == ("Accessibility statement", "Help", "pages/accessibility.py")


@pytest.mark.parametrize("page", ["pages/headlines.py", "pages/absence.py"])  # figure and table blocks
def test_every_csv_download_has_an_ods_beside_it(app, page):
    at = app.run()
    with_figure_data_open(at.switch_page(page).run())
    assert not at.exception
    labels = [d.label for d in at.get("download_button")]
    csv = [i for i, label in enumerate(labels) if label.startswith("Download CSV")]
    assert csv, labels
    assert all(labels[i + 1] == "Download ODS spreadsheet" for i in csv), labels
    assert all(d.proto.deferred_file_id for d in at.get("download_button") if d.label == "Download ODS spreadsheet")
