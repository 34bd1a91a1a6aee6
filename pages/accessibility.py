"""Accessibility statement, in the model form UK public-sector websites publish (GDS's sample statement):
the standard, the compliance status, what was tested, how and when, the known issues, how to report one and
the enforcement procedure. Update the dates and the known issues whenever the dashboard is tested again."""
from __future__ import annotations

import streamlit as st

from rutland_data import settings
from rutland_data.queries import la as la_queries
from rutland_data.ui import common

PREPARED_ON = "2 December 2026"
TESTED_ON = "2 December 2026"
STANDARD = "Web Content Accessibility Guidelines version 2.2 AA standard"

la = common.la_code()
council = common.query(la_queries.area_name, la)
contact = settings.load().accessibility_contact
common.page_header(
    "Accessibility statement",
    f"This accessibility statement applies to the {council} education performance dashboard: its pages, the "
    "downloads they offer (CSV, ODS, Word, PowerPoint and PDF) and the board pack.",
)

st.markdown(
    """
This dashboard is run by the council's Learning and Skills Service. We want as many people as possible to be
able to use it. For example, that means you should be able to:

- change colours, contrast levels and fonts using browser or device settings;
- zoom in up to 400% without the text spilling off the screen;
- navigate every page using just a keyboard;
- navigate most of the dashboard using speech recognition software;
- listen to most of the dashboard using a screen reader (including the most recent versions of JAWS, NVDA and
  VoiceOver).

Every chart has a text description and the table of its figures beside it, which can be downloaded as CSV or as an
ODS spreadsheet. Colours are chosen to be told apart with colour-blindness, and meaning is never given by colour
alone: every comparison is also written in words ("above England - better").

[AbilityNet](https://mcmw.abilitynet.org.uk/) has advice on making your device easier to use if you have a
disability.
"""
)

st.header("How accessible this dashboard is")
st.markdown(
    """
We know some parts of this dashboard are not fully accessible:

- the interactive tables are drawn by the Streamlit framework as a data grid: screen readers can read them, but
  moving around a large table cell by cell is slow; every table can be downloaded as CSV or ODS instead;
- the deprivation map cannot be explored with a keyboard or a screen reader: the same information is given in
  words beside it (the areas in the most deprived deciles) and in the ward summary table;
- chart tooltips appear on mouse hover only: the figures they show are in the table under each chart;
- the board pack's PowerPoint file has slide titles and alt text on every chart, but its reading order has not been
  checked with a screen reader;
- the board pack's PDF is a tagged PDF (PDF/UA-1: headings, lists, tables with headers, charts with alt text,
  document language and title) but has not yet been checked with a PDF/UA validator or a screen reader.
"""
)

st.header("Feedback and contact information")
st.markdown(
    (f"If you need information on this dashboard in a different format, or find a problem not listed on this page, "
     f"contact the Learning and Skills Service: {contact}. ")
    if contact else
    "If you need information on this dashboard in a different format, or find a problem not listed on this page, "
    "contact the council's Learning and Skills Service through the council's website. "
)
st.markdown("We'll consider your request and get back to you within 10 working days.")

st.header("Reporting accessibility problems with this dashboard")
st.markdown(
    "We're always looking to improve the accessibility of this dashboard. If you find any problems not listed on this "
    "page or think we're not meeting accessibility requirements, contact the Learning and Skills Service as above. "
    "Say which page (its address) and what you were trying to do."
)

st.header("Enforcement procedure")
st.markdown(
    "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites "
    "and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the 'accessibility regulations'). If you're not "
    "happy with how we respond to your complaint, [contact the Equality Advisory and Support Service "
    "(EASS)](https://www.equalityadvisoryservice.com/). If you are in Northern Ireland and are not happy with how we "
    "respond to your complaint you can contact the [Equality Commission for Northern Ireland "
    "(ECNI)](https://www.equalityni.org/Home), who are responsible for enforcing the accessibility regulations in "
    "Northern Ireland."
)

st.header("Technical information about this dashboard's accessibility")
st.markdown(
    "The council is committed to making its websites accessible, in accordance with the Public Sector Bodies (Websites "
    "and Mobile Applications) (No. 2) Accessibility Regulations 2018."
)
st.subheader("Compliance status")
st.markdown(
    f"This dashboard is partially compliant with the [{STANDARD}](https://www.w3.org/TR/WCAG22/), due to the "
    "non-compliances listed below."
)

st.header("Non-accessible content")
st.markdown("The content listed below is non-accessible for the following reasons.")
st.subheader("Non-compliance with the accessibility regulations")
st.markdown(
    """
- The deprivation map is a drawn image of areas that cannot be reached with a keyboard or read by a screen reader
  (WCAG 2.2 success criteria 2.1.1 Keyboard and 1.1.1 Non-text content, for its individual areas). Its content is
  given in words and in the ward summary table beside it.
- Chart tooltips appear on hover only and cannot be dismissed or reached by keyboard (1.4.13 Content on hover or
  focus, 2.1.1 Keyboard). The same figures are in the table under each chart.

We plan to review both when the framework's charts and maps offer keyboard access.
"""
)
st.subheader("Content that's not within the scope of the accessibility regulations")
st.markdown(
    "Board packs and summaries published before this statement are not in scope where they are not needed for "
    "active administrative processes; any pack can be generated again, as an accessible tagged PDF, from the same "
    "data version."
)

st.header("What we're doing to improve accessibility")
st.markdown(
    "Every release is tested automatically in a real browser: each page is opened on demonstration data and on real "
    "builds for Rutland and for a large authority (Hampshire), and checked with axe-core. A release with any serious "
    "or critical finding is not published."
)

st.header("Preparation of this accessibility statement")
st.markdown(
    f"""
This statement was prepared on {PREPARED_ON}. It was last reviewed on {PREPARED_ON}.

This dashboard was last tested on {TESTED_ON}, against the {STANDARD}. The test was carried out by the
dashboard's developers. How we tested:

- **automated checks**: every public page opened in Chromium (driven by Playwright) and checked with axe-core for
  WCAG 2.2 A and AA rules, on demonstration data and on real builds for Rutland and for Hampshire; no serious or
  critical findings;
- **keyboard checks**: a page's menu, filters and each chart's table reached and opened with the Tab and Enter keys
  alone;
- **documents**: the board pack's PDF checked for its structure tags (headings, tables with header cells, charts
  with alt text, document language and title) and its PowerPoint for slide titles and chart alt text.

We tested every page in the menu, as every visitor sees them. Officer pages were tested signed in as an officer.
"""
)
