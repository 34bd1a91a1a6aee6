"""Overview: the latest headline figure for each phase, for a Portfolio Holder's first look, and the release
calendar: what is due to be published before the next meeting and what is overdue to load."""
from __future__ import annotations

from datetime import date

import streamlit as st

from rutland_data.queries import sources
from rutland_data.ui import common, routing
from rutland_data.views import headlines
from rutland_data.views import releases as release_views

filters = common.global_filters()
la, la_name, comparator, year_label, year = (filters.la, filters.la_name, filters.comparator, filters.year_label,
                                             filters.year)

common.page_header(
    f"{la_name}: education performance",
    "The latest figure for each phase (up to the chosen year) against the chosen comparator, with the "
    "change on the previous year and the rank among all local authorities. Choose the year and comparator in the sidebar; "
    "open *Headline trends* for the full series of every measure.",
)
if year is None:
    st.error("The database holds no results for this local authority. See *About the data* to load files.")
    st.stop()

info = common.query(sources.build_info)
st.caption(f"Data: {info.get('mode', 'unknown')}, built {info.get('built_at', 'unknown')}.")
banner = st.container()

shown_sources, shown_versions = [], []
headlines_page = routing.link_target("pages/headlines.py")
columns = st.columns(3, gap="medium")
for placed, overview in enumerate(common.query(headlines.overview_cards, la, year, comparator)):
    phase, measure, card = overview.phase, overview.measure, overview.card
    shown_sources += card.source_ids
    shown_versions += [card.version] if card.version else []
    with columns[placed % 3].container(border=True):
        st.markdown(f"**{phase}**")
        common.headline_metric(measure, card, f"{measure.short_label}, {card.year_label}")
        st.markdown(f"{card.change_text[0].upper()}{card.change_text[1:]}; {card.comparison_text}.")
        if card.missing_note:
            st.caption(card.missing_note)
        if card.rank:
            st.caption(f"Rank: {card.rank.describe()}")
        st.caption(f"Version: {card.version_text}", help=card.version_note)
        for note in card.review_notes:
            st.caption(f"Council review: {note}")
        st.page_link(headlines_page, label=f"{phase} trends",
                     query_params={"phase": phase, "year": year_label, "comparator": comparator},
                     icon=":material/arrow_forward:")

with banner:
    common.simulated_banner(shown_sources, shown_versions)

# ---------------------------------------------------------------- release calendar (the dictionary's cadence)
st.header("Release calendar", divider="gray")
today = date.today()
meeting = st.date_input("Next meeting", value=release_views.default_meeting(today), min_value=today,
                        key="next-meeting", format="DD/MM/YYYY",
                        help="Releases published by this date are listed as due. The default is eight weeks from today.")
release_calendar = common.query(release_views.calendar, la, today, meeting)
st.subheader("Overdue to load")
if release_calendar.overdue.empty:
    st.markdown("Nothing overdue: every release published so far is loaded.")
else:
    st.markdown("Published (by the dictionary's calendar) but not in this database: load the files and rebuild.")
    common.table(release_calendar.overdue)
st.subheader(f"Due before the meeting on {meeting:%d %B %Y}")
if release_calendar.due.empty:
    st.markdown("No release is expected before the meeting.")
else:
    common.table(release_calendar.due)
with st.expander("Each measure's last loaded release"):
    common.table(release_calendar.last_loaded)
