"""Entry point: page setup, the global filters (bound to the URL) and navigation."""
from __future__ import annotations

import streamlit as st

from rutland_data.ui import common
from rutland_data import queries
from rutland_data.navigation import PAGES

# A local favicon: material-icon favicons would be fetched from the internet, which an intranet blocks.
# Presentation mode (?present=true) starts with the sidebar closed so it does not flash on the meeting-room screen.
st.set_page_config(page_title="Education performance dashboard", page_icon=".streamlit/favicon.png", layout="wide",
                   initial_sidebar_state="collapsed" if st.query_params.get("present") == "true" else "auto")

la = common.la_code()
years = [queries.academic_year_label(y) for y in common.query(queries.years_with_results, la)]

with st.sidebar:
    st.markdown(f"**{common.query(queries.area_name, la)}** education performance")
    if years:
        st.selectbox("Year", years, index=len(years) - 1, key="year", bind="query-params",
                     help="Academic year for headline figures, ranks and tables.")
    st.radio("Compare with", queries.COMPARATORS, key="comparator", bind="query-params",
             help=queries.COMPARATOR_HELP)

pages = {entry: st.Page(entry.file, title=entry.title, url_path=entry.url_path, icon=entry.icon,
                        default=entry.default) for entry in PAGES}
current = st.navigation(list(pages.values()), position="hidden")

# The menu is drawn here with plain links: Streamlit's own sectioned menu puts list items
# inside <div>s, which screen readers (and axe) reject as a broken list.
with st.sidebar:
    st.divider()
    for section in dict.fromkeys(entry.section for entry in PAGES):
        st.markdown(f"**{section}**")
        for entry, page in pages.items():
            if entry.section == section:
                st.page_link(page, label=entry.title, icon=entry.icon)
current.run()
