"""Academisation: the LA's schools by status over time, trusts and their schools, pupils by phase and status,
conversion dates."""
from __future__ import annotations

import streamlit as st

from rutland_data.charts import figures
from rutland_data.ui import common
from rutland_data.views import academisation as academisation_views
from rutland_data.views import inspections as inspection_views

la = common.la_code()
view = common.query(academisation_views.academisation_view, la)
ofsted = common.query(inspection_views.inspection_view, la)

common.page_header(
    "Academisation and Ofsted",
    f"Which of {view.la_name}'s state-funded schools the LA maintains and which are academies or free schools, "
    "how that changed, the trusts they belong to, when each converted and how Ofsted last judged each. Status is the type the loaded "
    "register files give (GIAS, performance tables, EES); where they do not say, the school is counted as "
    "'status not in the loaded files', never guessed.",
)
common.simulated_banner([*view.source_ids, *ofsted.source_ids])
st.markdown(f"**{view.summary}**")
if view.not_state_funded:
    st.caption(f"{view.not_state_funded} independent or non-maintained schools are left out: the LA neither "
               "maintains them nor are they academies.")

st.header("Schools by status over time", divider="gray")
status_figure = common.query(figures.academisation_status, la)
if status_figure is None:
    st.info(f"No state-funded schools of {view.la_name} are in the loaded files.")
else:
    common.figure_block(status_figure, key="status-over-time")
    st.caption(view.over_time_note)

st.header("Pupils by phase in maintained schools and academies", divider="gray")
pupil_figure = common.query(figures.academisation_pupils, la)
if pupil_figure is None:
    st.info(f"No counts of pupils in maintained schools and academies are loaded for {view.la_name}: they come "
            "from the January census by type of school (the council's review tabulates them for 2013 to 2017).")
else:
    common.figure_block(pupil_figure, key="pupils-by-status")

st.header("Trusts and their schools", divider="gray")
if view.trusts.empty:
    st.info("No trust or federation memberships are in the loaded files (GIAS group links give them).")
else:
    st.markdown(f"{len(view.trusts)} trusts or federations run {int(view.trusts['count'].sum())} of the open "
                "state-funded schools.")
    common.table_block(view.trusts, columns=common.relabelled(view.trusts, {"trust_type": "type",
                                                                              "count": "number of schools"}),
                       csv_name=f"trusts_{la}.csv", key="trusts", source_ids=view.source_ids)

st.header("Conversion dates", divider="gray")
if view.conversions.empty:
    st.info("No academies are in the loaded files.")
else:
    st.markdown("Each academy's conversion or opening date: the date GIAS links say it replaced the school "
                "before it where there is such a link, else the register's open date. The date a school joined "
                "its trust is not used: a converter may join a trust years after it became an academy.")
    common.table_block(view.conversions, columns=common.without(view.conversions, "source_id"),
                       csv_name=f"conversions_{la}.csv", key="conversions", source_ids=view.conversions["source_id"])

st.header("Every open state-funded school", divider="gray")
common.table_block(view.schools, columns=common.without(view.schools, "source_id"), csv_name=f"school_status_{la}.csv",
                   key="status-table", source_ids=view.schools["source_id"])

st.header("Ofsted judgements", divider="gray")
st.markdown(f"**{ofsted.share_sentence}**")
st.caption(inspection_views.REPORT_CARD_NOTE)
if not ofsted.latest.empty:
    common.table_block(ofsted.latest, columns=common.without(ofsted.latest, "source_id"), csv_name=f"ofsted_latest_{la}.csv", key="ofsted",
                       source_ids=ofsted.source_ids, decimals={"pupils": 0})
else:
    st.info("Load Ofsted's management information 'State-funded schools inspections and outcomes' (latest "
            "inspections) to see each school's latest judgement.")
