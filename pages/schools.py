"""Schools: every school against national with honest uncertainty - the view that exposes masking."""
from __future__ import annotations

import streamlit as st

from rutland_data.analysis import intervals, pooling
from rutland_data.charts import figures
from rutland_data.reference.codes import end_year_of
from rutland_data.ui import common, officer_sections
from rutland_data.views import schools as school_views


def _choose(label: str, options: list, key: str, default, **kwargs):
    """A URL-bound selectbox whose stored choice is reset when it is not among this run's options."""
    current = st.session_state.get(key, st.query_params.get(key))
    st.session_state[key] = current if current in options else default
    return st.selectbox(label, options, key=key, bind="query-params", **kwargs)


common.page_header(
    "Schools",
    "Every school in a local authority against national, each with its 95% interval and cohort size. An LA "
    "average can hide schools below national; small schools need a large difference before it is more than "
    "chance. Click a school's point, or its link in the table, for its profile.",
)

configured = common.la_code()
la_choice = common.query(school_views.la_choice, configured)
la_column, left, middle, right = st.columns([1.2, 1, 2, 1])
with la_column:
    la = _choose("Local authority", la_choice.options, "school_la", configured, format_func=la_choice.names.get)
la_name = la_choice.names[la]

choices = common.query(school_views.measure_choices, la)
key_stages = list(choices)
if not key_stages:
    st.error(f"No school-level results are loaded for LA {la}. Load performance-table files (see About the data).")
    st.stop()

with left:
    key_stage = _choose("Phase", key_stages, "key_stage", key_stages[0])
measures = choices[key_stage]
measure_ids = list(measures)
with middle:
    measure_id = _choose("Measure", measure_ids, "measure", measure_ids[0], format_func=lambda m: measures[m][0])
labels = measures[measure_id][1]
global_year = st.session_state.get("year")
with right:
    year_label = _choose("Year", labels, "school_year", global_year if global_year in labels else labels[-1])
year = end_year_of(year_label)

view = common.query(school_views.schools_view, la, la_name, key_stage, measure_id, year, year_label)

st.header("Is the LA average hiding schools?", divider="gray")
st.markdown(f"**{view.headline}**")
if view.not_compared:
    st.markdown(view.not_compared)
if view.subjects:
    st.markdown(view.subjects)
st.caption("'Below national' compares the published figure with England's (state-funded schools), or a progress "
           "score with 0, the national average DfE tests it against; 'significantly' means the school's whole 95% "
           "interval is below, or DfE's published progress band says so where no interval is published. "
           + intervals.NOT_DIFFERENT.capitalize() + " is the usual result for a cohort of 10-30 pupils. 'Pupils' "
           "in the table is the pupils in the measure. " + view.versions_note)

dots = common.query(figures.school_dots, la, la_name, measure_id, year)
show_all = dots.abridged and st.toggle(
    "Show every school in the chart", key="all_schools",
    help="The chart shows the highest and lowest 15 schools; the table below lists every school and sorts by "
         "any column.")
if show_all:
    dots = common.query(figures.school_dots, la, la_name, measure_id, year, True, 16)
common.figure_block(dots, key=f"dots-{measure_id}")

st.header("Funnel plot: value against cohort size", divider="gray")
st.caption(view.limits_note)
funnel = common.query(figures.funnel, la, measure_id, year)
if funnel is not None:
    common.figure_block(funnel, key=f"funnel-{measure_id}")

table_columns = {
    "profile": st.column_config.LinkColumn("Profile", display_text="Open profile"),
    "school": "School", "group": "Group", "cohort_n": "Pupils", "value": view.measure_label,
    "value_code": "Published code", "ci_low": "95% low", "ci_high": "95% high",
    "significance": "Compared with national", "interval_from": "Interval", "published_as": "Published as",
    "version": "Version",
}
table_decimals = {"value": view.decimals, "ci_low": 2, "ci_high": 2}
st.header("Table: every state-funded mainstream school", divider="gray")
st.caption("A predecessor school's figure is listed under the school that replaced it, and 'Published as' gives "
           "the URN it was published under.")
common.table_block(view.frame, csv=view.table, decimals=table_decimals, csv_name=f"schools_{measure_id}_{la}_{year}.csv",
                   key="schools", download_label="Download this table as CSV (with published codes)",
                   column_config=table_columns)

st.header("Special, independent and other schools", divider="gray")
if view.others.empty:
    st.caption("No special, independent or alternative-provision school has this measure for the year.")
else:
    st.markdown(view.others_note)
    common.table(view.others, table_decimals, key="others_table", column_config=table_columns)

officer_sections.local_schools_section(la, la_name, table_columns)

st.header("Pupil groups", divider="gray")
if not view.has_groups:
    st.info("The loaded files give no pupil-group figures for this measure.")
else:
    comparator = st.radio("Compare each group with", list(pooling.COMPARATORS), key="group_comparator",
                          format_func=lambda c: pooling.COMPARATORS[c], horizontal=True,
                          bind="query-params")
    gaps = common.query(figures.group_gaps, la, measure_id, year, comparator)
    st.caption("Groups of 5 or fewer pupils are published as SUPP and kept as that code. Gaps are the school's "
               "figure minus the national comparator; one year of a small group says little, so the pooled "
               "three-year figures below are the ones to read.")
    if gaps is not None:
        common.figure_block(gaps, key=f"gaps-{measure_id}")
    if view.pooled.empty:
        st.info("Fewer than three years of results are loaded, so no three-year pooled figures are shown.")
    else:
        st.markdown(view.pooled_text)
        common.table_block(view.pooled, decimals={"pooled_value": view.decimals},
                           csv_name=f"pooled_{measure_id}_{la}_{year}.csv", key="pooled", download_label="Download pooled figures as CSV",
                           column_config={"pooled_value": "Pooled value"})

st.header("School Quality Assurance: proposed priorities", divider="gray")
st.markdown("A starting point for the SQA meeting: each open state-funded school's proposed priority with every "
            "reason - the figure, year and file it rests on - from the rules below. A school whose results cannot "
            "be judged against national reads 'Insufficient data' with why, never 'No concerns'. The rules "
            "never call a school 'below floor' or 'coasting' - those definitions ended in 2019.")
st.markdown(view.sqa_note)
priorities = view.priorities
common.table_block(priorities, columns=["priority", "profile", "school_name", "reasons", "caution", "rule_ids"],
                   csv=priorities, csv_columns=common.without(priorities, "profile"),
                   csv_name=f"sqa_priorities_{la}.csv", key="sqa",
                   download_label="Download the SQA list as CSV",
                   column_config={"priority": "Priority",
                                  "profile": st.column_config.LinkColumn("Profile", display_text="Open profile"),
                                  "school_name": "School", "reasons": st.column_config.TextColumn("Reasons", width="large"),
                                  "caution": "Caution", "rule_ids": "Rules"})
# Both run their content only while open: a large LA's reasons in full are 500 schools' worth of Markdown.
with st.expander("Every reason in full (all but 'No concerns')", key=f"{common.DATA_EXPANDER_PREFIX}sqa-reasons",
                 on_change="rerun") as reasons:
    if reasons.open:
        st.markdown(view.reasons_in_full)
with st.expander("How priorities are set (the rule set)", key=f"{common.DATA_EXPANDER_PREFIX}sqa-rules",
                 on_change="rerun") as rules:
    if rules.open:
        common.table(view.rules)

common.simulated_banner(view.source_ids, view.versions)
