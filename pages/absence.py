"""Absence: overall and persistent absence against comparators, rank among LAs, and each school
against national - so a low LA figure cannot hide the schools above national."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from rutland_data.ui import common
from rutland_data.views import headlines
from rutland_data.charts import destinations as post16_charts
from rutland_data.queries import destinations as post16_queries
from rutland_data.queries import la as queries
from rutland_data.reference import versions
from rutland_data.reference.measures import by_id

filters = common.global_filters()
la, la_name, comparator, neighbour_set, year = (filters.la, filters.la_name, filters.comparator,
                                                filters.neighbour_set, filters.year)
dictionary = by_id()
shown_sources: list = []
PHASES = {"Primary": "_primary", "Secondary": "_secondary", "All schools": ""}

common.page_header(
    "Absence",
    f"Overall absence (share of sessions missed) and persistent absence (pupils missing 10% or more) in "
    f"{la_name} against England, the region and statistical neighbours. Rank is among all local authorities "
    "with a figure: **1 = lowest absence**.",
)

phase = st.pills("Phase", list(PHASES), default="Primary", key="absence_phase", bind="query-params") or "Primary"
suffix = PHASES[phase]

st.header(f"Rank among local authorities, {queries.academic_year_label(year) if year else ''}", divider="gray")
ranks = common.query(post16_queries.absence_ranks, la, year) if year else pd.DataFrame()
if ranks.empty:
    st.info("No absence figures for this year; choose another year in the sidebar.")
else:
    for row in ranks.itertuples():
        st.markdown(f"- **{row.measure}:** {row.value_text} ({versions.phrase(row.version)}) - {row.described}")
    shown_sources += ranks["source_id"].tolist()

for kind in ("overall", "persistent"):
    measure_id = f"abs_{kind}{suffix}"
    measure = dictionary[measure_id]
    panel = common.query(post16_queries.absence_panel, measure_id, la, comparator, year)
    figure, card = panel.figure, panel.card
    st.header(measure.name, divider="gray")
    if not figure.has_values:
        st.info(f"No {measure.short_label.lower()} figures are loaded.")
        continue
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
        common.chart_block(
            figure.spec, figure.table, title=measure.short_label, alt_text=figure.alt_text,
            csv_name=f"{measure_id}_{la}.csv", source_ids=figure.source_ids, key=measure_id, decimals=figure.decimals,
        )
    shown_sources += figure.source_ids

terms, wide = common.query(post16_queries.absence_by_term_wide, la, year) if year else (pd.DataFrame(), None)
if not terms.empty:
    st.header(f"Overall absence by term, {queries.academic_year_label(year)}", divider="gray")
    common.table(wide, {area: 1 for area in wide.columns})
    st.download_button("Download CSV (with published codes)", common.csv_bytes(terms),
                       file_name=f"absence_by_term_{la}_{year}.csv", mime="text/csv", key="csv-terms",
                       icon=":material/download:")
    st.caption(common.source_line(terms["source_id"].tolist()))
    shown_sources += terms["source_id"].tolist()

st.header("Schools against national", divider="gray")
school_years = common.query(post16_queries.school_absence_years, la)
if not school_years:
    st.info("No school-level absence is loaded (it comes from the performance-tables `abs` download).")
else:
    labels = [queries.academic_year_label(y) for y in school_years]
    default = labels.index(queries.academic_year_label(year)) if year in school_years else len(labels) - 1
    school_year_label = st.selectbox("School absence year", labels, index=default, key="school_absence_year",
                                     bind="query-params")
    school_absence = common.query(post16_charts.school_absence_figures, la, queries.end_year_of(school_year_label),
                                  None if phase == "All schools" else phase.lower())
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
        for kind, title in post16_charts.SCHOOL_ABSENCE_KINDS:
            figure = school_absence.figures[kind]
            common.chart_block(
                figure.spec, figure.table, title=f"{title} by school, {school_year_label}",
                alt_text=figure.alt_text, csv_name=f"school_{kind}_absence_{la}.csv",
                source_ids=school_absence.source_ids, key=f"school-{kind}",
            )
        shown_sources += school_absence.source_ids

ytd_figures = {kind: common.query(headlines.trend_figure, f"abs_ytd_{kind}{suffix or '_total'}", la, neighbour_set,
                                  None)
               for kind in ("overall", "persistent")}
if any(figure.has_values for figure in ytd_figures.values()):
    st.header("This year so far: attendance data (year to date)", divider="gray")
    st.warning("These are **year-to-date** figures from DfE's fortnightly attendance data, up to the last week "
               "loaded. They are not the final annual absence statistics and are not joined to the series above.",
               icon=":material/pending:")
    for kind, figure in ytd_figures.items():
        if not figure.has_values:
            continue
        measure = dictionary[f"abs_ytd_{kind}{suffix or '_total'}"]
        common.chart_block(
            figure.spec, figure.table, title=measure.short_label, alt_text=figure.alt_text,
            csv_name=f"{measure.measure_id}_{la}.csv", source_ids=figure.source_ids, key=f"ytd-{kind}",
            decimals=figure.decimals,
        )
        shown_sources += figure.source_ids

common.simulated_banner(shown_sources)
