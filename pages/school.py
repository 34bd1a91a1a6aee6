"""School profile: one school (URN in the URL, ?urn=), all its measures over time against national and LA."""
from __future__ import annotations

import streamlit as st

from rutland_data.charts import figures
from rutland_data.queries import schools as school_queries
from rutland_data.ui import common
from rutland_data.views import schools as school_views

la = common.la_code()
choice = common.query(school_views.school_choice, la)
urns, names = list(choice.urns), dict(choice.names)

common.page_header("School profile", "One school's results over time. Open a school from the Schools page, or "
                   "choose it here; the address bar keeps its URN (?urn=) so the page can be bookmarked.")
requested = st.query_params.get("urn")
if requested and requested not in urns:
    # A school outside the configured LA can still be opened from a link.
    info = common.query(school_queries.school, requested)
    if info is not None:
        urns.append(requested)
        names[requested] = info["name"]
if not urns:
    st.info("No school-level results are loaded for this local authority.")
    st.stop()
if st.session_state.get("urn") not in urns:
    st.session_state["urn"] = requested if requested in urns else urns[0]
labels = school_views.SchoolChoice(urns, names)
urn = st.selectbox("School", urns, key="urn", bind="query-params", format_func=labels.label)

profile = common.query(school_views.school_profile, urn)
if profile.notice:
    st.info(profile.notice, icon=":material/swap_horiz:")
st.header(profile.name, anchor=False)
st.markdown(f"URN {profile.urn}. Every measure loaded for this school, year by year, against England and the "
            "local authority, each school figure with its 95% interval where one exists.")
if profile.history:
    st.info(profile.history, icon=":material/history:")
st.markdown(profile.details)
if profile.links:
    st.caption(profile.links)

if profile.inspection is not None:
    st.subheader("Ofsted", divider="gray")
    st.markdown(profile.inspection_note)
    common.table(profile.inspection, columns=common.without(profile.inspection, "source_id"))

if not profile.has_results:
    st.info("No results are loaded for this school.")
    common.simulated_banner(profile.source_ids)
    st.stop()

if profile.metrics:
    st.subheader("Context", divider="gray")
    columns = st.columns(min(4, len(profile.metrics)))
    for column, (label, value, help_text) in zip(columns * 3, profile.metrics):
        column.metric(label, value, help=help_text)

st.subheader("Results over time", divider="gray")
st.caption("Significance is judged from DfE's published progress band where there is one, else from the 95% "
           "interval, never from a single year's position against a line; this page never labels a school 'below "
           "floor' or 'coasting'.")
trends = common.query(figures.profile_trends, urn)
for section in profile.sections:
    st.markdown(f"#### {section.heading}")
    if section.caption:
        st.caption(section.caption)
    common.figure_block(trends[section.measure_id], key=f"profile-{section.measure_id}")

if not profile.context.empty:
    with st.expander("Context over time (census and absence)"):
        common.table(profile.context)

common.simulated_banner(profile.source_ids, profile.versions)
