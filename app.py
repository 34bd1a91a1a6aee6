"""Entry point: page setup, the global filters (bound to the URL) and navigation."""
from __future__ import annotations

import streamlit as st

from rutland_data import settings
from rutland_data.queries import la as la_queries
from rutland_data.reference import codes
from rutland_data.ui import auth, common, routing

# Presentation mode (?present=true) starts with the sidebar closed so it does not flash on the meeting-room screen.
st.set_page_config(page_title="Education performance dashboard", page_icon=routing.FAVICON, layout="wide",
                   initial_sidebar_state="collapsed" if st.query_params.get("present") == "true" else "auto")

la = settings.load().la_code
years = [codes.academic_year(y) for y in common.query(la_queries.years_with_results, la)]

with st.sidebar:
    st.markdown(f"**{common.query(la_queries.area_name, la)}** education performance")
    auth.sidebar_account()
    if years:
        st.selectbox("Year", years, index=len(years) - 1, key="year", bind="query-params",
                     help="Academic year for headline figures, ranks and tables.")
    st.radio("Compare with", codes.COMPARATORS, key="comparator", bind="query-params",
             help=codes.COMPARATOR_HELP)

pages, current = routing.navigation()

# The menu is drawn here with plain links: Streamlit's own sectioned menu puts list items
# inside <div>s, which screen readers (and axe) reject as a broken list. It lists only the pages
# this visitor may see (officer pages for a signed-in officer only).
with st.sidebar:
    st.divider()
    for section in dict.fromkeys(entry.section for entry in pages):
        st.markdown(f"**{section}**")
        for entry, page in pages.items():
            if entry.section == section:
                st.page_link(page, label=entry.title, icon=entry.icon)
    st.divider()
    st.caption(common.data_version(), help="The content checksum changes only when the data do; board packs and "
               "the About page carry the same version.")
routing.run(current)
