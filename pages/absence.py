"""Absence: overall and persistent absence against comparators, rank among LAs, and each school
against national - so a low LA figure cannot hide the schools above national."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from rutland_data.charts import figures
from rutland_data.queries import absence as absence_queries
from rutland_data.reference import codes, measures
from rutland_data.ui import common
from rutland_data.views import absence as absence_views
from rutland_data.views import headlines

filters = common.global_filters()
la, la_name, comparator, neighbour_set, year = (filters.la, filters.la_name, filters.comparator,
                                                filters.neighbour_set, filters.year)
shown_sources: list = []
PHASES = {"Primary": "primary", "Secondary": "secondary", "All schools": "all"}   # pill -> the dictionary's school phase

common.page_header(
    "Absence",
    f"Overall absence (share of sessions missed) and persistent absence (pupils missing 10% or more) in "
    f"{la_name} against England, the region and statistical neighbours. Rank is among all local authorities "
    "with a figure: **1 = lowest absence**.",
)

phase = st.pills("Phase", list(PHASES), default="Primary", key="absence_phase", bind="query-params") or "Primary"
school_phase = PHASES[phase]

st.header(f"Rank among local authorities, {codes.academic_year(year) if year else ''}", divider="gray")
ranks = common.query(absence_views.absence_ranks, la, year) if year else pd.DataFrame()
if ranks.empty:
    st.info("No absence figures for this year; choose another year in the sidebar.")
else:
    st.markdown("\n".join(ranks["line"]))
    shown_sources += ranks["source_id"].tolist()

for measure in measures.where("absence", school_phase=school_phase):
    measure_id = measure.measure_id
    figure = common.query(figures.trend, measure_id, la, neighbour_set, year)
    st.header(measure.name, divider="gray")
    if figure is None:
        st.info(f"No {measure.short_label.lower()} figures are loaded.")
        continue
    card = common.query(headlines.card, measure_id, la, year, comparator) if year is not None else None
    left, right = st.columns([1, 2.2], gap="large")
    with left:
        if card is not None and card.value is not None:
            common.headline_metric(measure, card, f"{la_name}, {card.year_label}")
            if card.missing_note:
                st.markdown(f"*{card.missing_note}*")
            st.markdown(f"**Change:** {card.change_text}")
            if card.rank:
                st.markdown(f"**Rank:** {card.rank.describe()}")
            for comparison in card.comparisons:
                st.caption(comparison[0].upper() + comparison[1:])
            st.caption(f"Version: {card.version_text}", help=card.version_note)
        else:
            st.markdown(f"No {la_name} figure up to the selected year.")
    with right:
        common.figure_block(figure, key=measure_id)
    shown_sources += figure.source_ids

terms, wide = common.query(absence_views.absence_by_term_wide, la, year) if year else (pd.DataFrame(), None)
if not terms.empty:
    st.header(f"Overall absence by term, {codes.academic_year(year)}", divider="gray")
    common.table_block(wide, csv=terms, decimals={area: 1 for area in wide.columns},
                       csv_name=f"absence_by_term_{la}_{year}.csv", key="terms", source_ids=terms["source_id"].tolist())
    shown_sources += terms["source_id"].tolist()

st.header("Schools against national", divider="gray")
school_years = common.query(absence_queries.school_absence_years, la)
if not school_years:
    st.info("No school-level absence is loaded (it comes from the performance-tables `abs` download).")
else:
    labels = [codes.academic_year(y) for y in school_years]
    default = labels.index(codes.academic_year(year)) if year in school_years else len(labels) - 1
    school_year_label = st.selectbox("School absence year", labels, index=default, key="school_absence_year",
                                     bind="query-params")
    school_year = codes.end_year_of(school_year_label)
    chosen_phase = None if school_phase == "all" else school_phase
    school_absence = common.query(absence_views.school_absence, la, school_year, chosen_phase)
    schools = school_absence.schools
    if schools.empty:
        st.info("No schools of this phase have absence figures for that year.")
    else:
        above = school_absence.above_national
        st.markdown(
            f"**{len(above)} of {len(schools)} state-funded mainstream schools** had overall absence above the "
            f"national rate for their phase in {school_year_label}"
            + (f": {', '.join(above)}." if above and len(above) <= 15 else
               " (each is marked in the tables below)." if above else ".")
        )
        for kind in absence_queries.SCHOOL_MEASURES:
            common.figure_block(common.query(figures.school_absence, la, school_year, chosen_phase, kind),
                                key=f"school-{kind}")
        shown_sources += school_absence.source_ids

ytd_figures = {measure.measure_id: common.query(figures.trend, measure.measure_id, la, neighbour_set, None)
               for measure in measures.where("absence_ytd", school_phase=school_phase)}
if any(figure is not None for figure in ytd_figures.values()):
    st.header("This year so far: attendance data (year to date)", divider="gray")
    st.warning("These are **year-to-date** figures from DfE's fortnightly attendance data, up to the last week "
               "loaded. They are not the final annual absence statistics and are not joined to the series above.",
               icon=":material/pending:")
    for measure_id, figure in ytd_figures.items():
        if figure is None:
            continue
        common.figure_block(figure, key=f"ytd-{measure_id}")
        shown_sources += figure.source_ids

common.simulated_banner(shown_sources)
