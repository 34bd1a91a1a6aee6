"""Post-16 destinations: where young people went after Year 11 (and after 16-18 study), and NEET at 16-17."""
from __future__ import annotations

import streamlit as st

from rutland_data.charts import figures
from rutland_data.queries import destinations as destination_queries
from rutland_data.reference import measures
from rutland_data.ui import common
from rutland_data.views import destinations as destination_views
from rutland_data.views import headlines

filters = common.global_filters()
la, la_name, comparator, neighbour_set, year = (filters.la, filters.la_name, filters.comparator,
                                                filters.neighbour_set, filters.year)
shown_sources: list = []

common.page_header(
    "Post-16 destinations",
    f"Where {la_name}'s young people went after Year 11 and after 16-18 study, against England, the region "
    "and statistical neighbours; and how many 16-17 year olds are not in education, employment or training.",
)
st.info(
    "**Destination measures describe the year after leaving.** A cohort that finished Year 11 in summer 2017 "
    "is followed through 2017/18 (sustained for at least two terms), and DfE publishes the figures about two "
    "years after the pupils left - so the newest destinations always lag the newest results.",
    icon=":material/schedule:",
)

by_stage = common.query(destination_views.stage_cohorts, la, year)
if not by_stage:
    st.warning(f"No destination data is loaded for {la_name}. See *About the data* to load the DfE files.")
else:
    stages = list(by_stage)
    stage = st.pills("Stage", stages, default=stages[0], key="stage", bind="query-params",
                     help="KS4: pupils completing Year 11. 16-18: students completing 16-18 study.") or stages[0]
    cohorts = by_stage[stage]
    cohort = st.selectbox("Cohort", cohorts.labels, index=cohorts.default, key="cohort", bind="query-params")
    if cohort not in cohorts.labels:
        cohort = cohorts.labels[cohorts.default]
    end_year = cohorts.end_years[cohort]

    destinations = common.query(destination_views.cohort_destinations, la, cohort, neighbour_set)
    figure = common.query(figures.destinations, la, cohort, neighbour_set)
    st.header(f"Destinations: {cohort}", divider="gray")
    if figure is not None:
        common.figure_block(figure, key="destinations")
        st.caption("Each bar's shares are worked out from the published pupil counts, to one decimal place; DfE's "
                   "own percentages are whole numbers, so a share can differ from the published figure by up to "
                   "about half a point. The table under the chart has both.")
        shown_sources += destinations.source_ids
        if not destinations.has_england:
            st.caption("No England or comparator figures use these categories for this cohort.")
    else:
        st.info("Every category is suppressed for this cohort.")

    categories = ["Sustained destination (total)"] + [c for c in destination_queries.CATEGORY_ORDER
                                                      if c in destinations.categories]
    trend_category = st.selectbox("Destination over time", categories, key="destination_trend",
                                  bind="query-params")
    trend_figure = common.query(figures.destination_trend, la, stage, trend_category, neighbour_set, end_year)
    if trend_figure is not None:
        common.figure_block(trend_figure, key="destination-trend")
        st.caption("Years are when the cohort completed the stage; each point is the published percentage.")
        shown_sources += trend_figure.source_ids
    else:
        st.caption(f"Only one {stage} cohort has a published '{trend_category}' figure for {la_name}: no trend to draw.")

    schools = common.query(destination_queries.school_destinations, la, stage, end_year)
    st.header("Schools and colleges", divider="gray")
    if schools.empty:
        st.info("No school-level destinations are loaded for this cohort.")
    else:
        st.markdown("Each cell is the published percentage with the number of pupils in brackets; "
                    "a code (e.g. SUPP) stands where DfE suppressed a small number.")
        common.table_block(schools, columns=common.without(schools, "source_id"), csv=schools,
                           key="school-destinations",
                           csv_name=f"school_destinations_{la}_{end_year}.csv",
                           source_ids=schools["source_id"].dropna().tolist())
        shown_sources += schools["source_id"].dropna().tolist()

council = common.query(destination_views.council_destinations, la)
council_figure = common.query(figures.council_destinations, la)
if council_figure is not None:
    st.header("The council's own Year 11 destination tables", divider="gray")
    for label, offered, total in council.offers:
        st.metric(f"{label}", f"{offered} of {total}",
                  help="Pupils with an offer of education or training (or a conditional start) by October.")
    common.figure_block(council_figure, key="council-destinations")
    for label, away, cohort_size, stayed in council.out_of_county:
        st.markdown(f"**{label}:** {away} of {cohort_size} leavers went out of county "
                    f"for sixth form or further education; {stayed} stayed in county.")
    shown_sources += council.seed["source_id"].tolist()

st.header("16-17 year olds not in education, employment or training", divider="gray")
neet_measures = {m.measure_id: m for m in measures.where("neet")}
neet_ids = list(neet_measures)
neet_measure = st.pills("Measure", neet_ids, default=neet_ids[0], key="neet_measure", bind="query-params",
                        format_func=lambda m: neet_measures[m].short_label) or neet_ids[0]
measure = neet_measures[neet_measure]
neet = common.query(figures.trend, neet_measure, la, neighbour_set)
if neet is not None:
    card = common.query(headlines.card, neet_measure, la, year, comparator) if year else None
    if card is not None and card.value is not None:
        common.headline_metric(measure, card, f"{la_name}, {card.year_label}")
        if card.missing_note:
            st.markdown(f"*{card.missing_note}*")
        st.markdown(f"**Change:** {card.change_text}  \n**Compared with:** {card.comparison_text}")
        st.caption(f"Version: {card.version_text}", help=card.version_note)
    common.figure_block(neet, key="neet")
    st.caption("NEET and not known are the December-February average of the year shown; participation is as at March.")
    shown_sources += neet.source_ids
else:
    st.info("No NEET or participation figures are loaded.")

common.simulated_banner(shown_sources)
