"""Admissions: how many resident applicants were offered their first, second or third preference school,
a school they did not name, or no school at all - against England, the region and neighbours."""
from __future__ import annotations

import streamlit as st

from rutland_data.ui import common
from rutland_data.views import headlines
from rutland_data.charts import destinations as post16_charts
from rutland_data.queries import destinations as post16_queries
from rutland_data.queries import la as queries
from rutland_data.reference.measures import by_id

filters = common.global_filters()
la, la_name, comparator, neighbour_set = filters.la, filters.la_name, filters.comparator, filters.neighbour_set
dictionary = by_id()
shown_sources: list = []

common.page_header(
    "School admissions",
    f"Offers made to {la_name}'s resident applicants on national offer day, for a reception (primary) or "
    "year 7 (secondary) place. Years are the school year of entry: 2016/17 is entry in September 2016.",
)

years = common.query(post16_queries.admissions_years, la)
if not years:
    st.warning(f"No admissions figures are loaded for {la_name}.")
    st.stop()
selected = filters.year
year = selected if selected in years else years[-1]
if selected not in years:
    st.caption(f"No admissions figures for the year chosen in the sidebar; showing "
               f"{queries.academic_year_label(year)}.")

st.header("First-preference offers: five-year averages", divider="gray")
st.caption("Each average is the mean of five consecutive years' rates (as the council's review quotes it), "
           "the latest five with figures up to the year shown; its years are given under it.")
columns = st.columns(2)
averages = common.query(post16_queries.first_preference_averages, la, year)
for column, (phase, average) in zip(columns, averages.items()):
    measure = dictionary[f"admissions_first_pref_{phase}"]
    with column:
        if average is None:
            st.metric(f"First preference, {phase}", "not available",
                      help="Needs a figure for each of five consecutive years.")
        else:
            st.metric(f"First preference, {phase}: average {average['first_label']} to {average['last_label']}",
                      measure.format(average["mean"]),
                      help="Mean of the five yearly rates, as the council's review quotes it.")
            st.caption(f"{average['first_label']} to {average['last_label']}: "
                       + ", ".join(measure.format(v) for v in average["values"])
                       + ("" if average["years"][-1] == year else
                          f" (the latest five consecutive years with figures; none for "
                          f"{queries.academic_year_label(average['years'][-1] + 1)})")
                       + (" - yearly figures simulated" if average["simulated"] else ""))
            shown_sources += average["source_ids"]

phase = st.pills("Phase", ["Primary", "Secondary"], default="Primary", key="admissions_phase",
                 bind="query-params") or "Primary"
phase_key = phase.lower()

preferences = common.query(post16_charts.preference_figure, la, phase_key, year, neighbour_set)
st.header(f"Offers by preference, {phase.lower()}, {queries.academic_year_label(year)}", divider="gray")
if preferences.figure is not None:
    common.chart_block(
        preferences.figure.spec, preferences.figure.table,
        title=f"Offers by preference, {phase.lower()}",
        alt_text=preferences.figure.alt_text,
        csv_name=f"offers_{phase_key}_{la}_{year}.csv", source_ids=preferences.source_ids,
        key="preferences", decimals={"value": dictionary[f"admissions_first_pref_{phase_key}"].decimals},
    )
    shown_sources += preferences.source_ids
else:
    st.info("No preference breakdown for this year.")

st.header("Trend", divider="gray")
outcomes = {f"{stem}_{phase_key}": label for stem, label in post16_queries.PREFERENCES}
measure_id = st.pills("Outcome", list(outcomes), default=list(outcomes)[0], key="admissions_outcome",
                      bind="query-params", format_func=outcomes.get) or list(outcomes)[0]
if measure_id not in outcomes:
    measure_id = list(outcomes)[0]
measure = dictionary[measure_id]
figure = common.query(headlines.trend_figure, measure_id, la, neighbour_set, year)
if figure.has_values:
    common.chart_block(
        figure.spec, figure.table, title=measure.short_label, alt_text=figure.alt_text,
        csv_name=f"{measure_id}_{la}.csv", source_ids=figure.source_ids, key="admissions-trend",
        decimals=figure.decimals,
    )
    shown_sources += figure.source_ids
else:
    st.info(f"No {measure.short_label.lower()} figures are loaded.")

common.simulated_banner(shown_sources)
