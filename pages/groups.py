"""Pupil groups: each group's figure against the same group or other pupils nationally, the gap inside the LA
beside the national gap, whether it narrowed, small-number caveats; vulnerable groups apart."""
from __future__ import annotations

import streamlit as st

from rutland_data.analysis.pooling import COMPARATORS
from rutland_data.charts import figures
from rutland_data.reference import measures
from rutland_data.reference.codes import PUPIL_GROUP_LABELS
from rutland_data.ui import common
from rutland_data.views import groups

filters = common.global_filters()
la, la_name, year = filters.la, filters.la_name, filters.year

common.page_header(
    "Pupil groups",
    f"How groups of pupils in {la_name} do against the same group nationally, or against other pupils nationally "
    "(as DfE compares disadvantaged pupils: with non-disadvantaged pupils nationally), and whether the gap "
    "narrowed. Groups in a small LA are often a few dozen pupils or fewer: a year's change can be a handful of "
    "pupils, so small groups are flagged and a three-year figure pooled from cohorts is given where the source "
    "publishes them. No change is stated across a series break or a year not published.",
)
if year is None:
    st.error("The database holds no results for this local authority. See *About the data* to load files.")
    st.stop()

phases = groups.phases()
phase = st.pills("Phase", phases, default=phases[0], key="phase", bind="query-params") or phases[0]
choices = {"Other pupils nationally": "other_group", "The same group nationally": "same_group"}
chosen = st.segmented_control("Compare each group with", list(choices), default=list(choices)[0], key="compare",
                              bind="query-params") or list(choices)[0]
comparator = choices[chosen]
st.caption(f"Comparison: {COMPARATORS[comparator]}. Where the other pupils' figure is not published (LAIT gives "
           "phonics for FSM pupils only), all pupils nationally, and the table says so.")
banner = st.container()
shown_sources, shown_versions = [], []


def show(part: groups.MeasureGroups, key: str) -> None:
    """One measure's group table, its caveats and one chosen group's trend."""
    st.subheader(part.measure.name, divider="gray")
    if part.year_note:
        st.markdown(f"*{part.year_note}*")
    common.table_block(part.table, csv_name=f"groups_{key}_{la}.csv", key=f"table-{key}",
                       source_ids=part.source_ids)
    options = list(part.rows["pupil_group"])
    group = st.selectbox("Trend for", options, format_func=PUPIL_GROUP_LABELS.get, key=f"trend-{key}")
    figure = common.query(figures.group_trend, part.measure.measure_id, group, la, comparator, part.end_year)
    if figure is not None:
        common.figure_block(figure, key=f"group-{key}-{group}")
        shown_sources.extend(figure.source_ids)
        shown_versions.extend(figure.versions)
    shown_sources.extend(part.source_ids)
    shown_versions.extend(part.versions)


st.header(phase)
parts = common.query(groups.phase_groups, phase, la, la_name, year, comparator)
if not parts:
    st.info(f"No pupil-group figures for {la_name} in {phase}.")
for part in parts:
    show(part, part.measure.measure_id)

st.header("Vulnerable groups")
st.markdown(f"Pupils with SEN support or an EHC plan, children looked after and children in need, in {phase}: "
            "their figures cover few pupils and are often suppressed (shown by the published marker, never as 0). "
            "EHC plan timeliness, and how many children are looked after or in need, follow for every phase.")
vulnerable = common.query(groups.phase_groups, phase, la, la_name, year, comparator, True)
if not vulnerable:
    st.info(f"No figures for vulnerable groups in {la_name} in {phase}.")
for part in vulnerable:
    show(part, f"vulnerable-{part.measure.measure_id}")
for measure in measures.where("vulnerable"):
    figure = common.query(figures.trend, measure.measure_id, la, filters.neighbour_set, year)
    if figure is None:
        continue
    st.subheader(measure.name, divider="gray")
    common.figure_block(figure, key=f"vulnerable-{measure.measure_id}")
    shown_sources.extend(figure.source_ids)
    shown_versions.extend(figure.versions)
    if measure.measure_id == "sen2_ehcp_20wk":
        plans = common.query(groups.new_plans_note, la, year)
        if plans:
            st.caption(plans)

with banner:
    common.simulated_banner(shown_sources, shown_versions)
