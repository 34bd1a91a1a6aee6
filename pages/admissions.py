"""Admissions: how many resident applicants were offered their first, second or third preference school,
a school they did not name, or no school at all - against England, the region and neighbours."""
from __future__ import annotations

import streamlit as st

from rutland_data.charts import figures
from rutland_data.queries import admissions as admissions_queries
from rutland_data.reference import codes, measures
from rutland_data.ui import common
from rutland_data.views import admissions as admissions_views

filters = common.global_filters()
la, la_name, comparator, neighbour_set = filters.la, filters.la_name, filters.comparator, filters.neighbour_set
dictionary = measures.by_id()
shown_sources: list = []

common.page_header(
    "School admissions",
    f"Offers made to {la_name}'s resident applicants on national offer day, for a reception (primary) or "
    "year 7 (secondary) place. Years are the school year of entry: 2016/17 is entry in September 2016.",
)

years = common.query(admissions_queries.admissions_years, la)
if not years:
    st.warning(f"No admissions figures are loaded for {la_name}.")
    st.stop()
selected = filters.year
year = selected if selected in years else years[-1]
if selected not in years:
    st.caption(f"No admissions figures for the year chosen in the sidebar; showing "
               f"{codes.academic_year(year)}.")

st.header("First-preference offers: five-year averages", divider="gray")
st.caption("Each average is the mean of five consecutive years' rates (as the council's review quotes it), "
           "the latest five with figures up to the year shown; its years are given under it.")
columns = st.columns(2)
averages = common.query(admissions_views.first_preference_averages, la, year)
for column, (phase, average) in zip(columns, averages.items()):
    with column:
        if average is None:
            st.metric(f"First preference, {phase}", "not available",
                      help="Needs a figure for each of five consecutive years.")
        else:
            measure = dictionary[average["measure_id"]]
            st.metric(f"First preference, {phase}: average {average['first_label']} to {average['last_label']}",
                      measure.format(average["mean"]),
                      help="Mean of the five yearly rates, as the council's review quotes it.")
            st.caption(f"{average['first_label']} to {average['last_label']}: "
                       + ", ".join(measure.format(v) for v in average["values"])
                       + ("" if average["years"][-1] == year else
                          f" (the latest five consecutive years with figures; none for "
                          f"{codes.academic_year(average['years'][-1] + 1)})")
                       + (" - yearly figures simulated" if average["simulated"] else ""))
            shown_sources += average["source_ids"]

phase = st.pills("Phase", ["Primary", "Secondary"], default="Primary", key="admissions_phase",
                 bind="query-params") or "Primary"
phase_key = phase.lower()

preferences = common.query(figures.preferences, la, phase_key, year, neighbour_set)
st.header(f"Offers by preference, {phase.lower()}, {codes.academic_year(year)}", divider="gray")
if preferences is not None:
    common.figure_block(preferences, key="preferences")
    shown_sources += preferences.source_ids
else:
    st.info("No preference breakdown for this year.")

st.header("Trend", divider="gray")
outcomes = {m.measure_id: m.breakdown_label for m in measures.where("admissions", school_phase=phase_key)}
measure_id = st.pills("Outcome", list(outcomes), default=list(outcomes)[0], key="admissions_outcome",
                      bind="query-params", format_func=outcomes.get) or list(outcomes)[0]
if measure_id not in outcomes:
    measure_id = list(outcomes)[0]
measure = dictionary[measure_id]
figure = common.query(figures.trend, measure_id, la, neighbour_set, year)
if figure is not None:
    common.figure_block(figure, key="admissions-trend")
    shown_sources += figure.source_ids
else:
    st.info(f"No {measure.short_label.lower()} figures are loaded.")

common.simulated_banner(shown_sources)
