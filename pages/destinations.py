"""Post-16 destinations: where young people went after Year 11 (and after 16-18 study), and NEET at 16-17."""
from __future__ import annotations

import streamlit as st

from rutland_data.ui import common
from rutland_data.views import headlines
from rutland_data.charts import destinations as post16_charts
from rutland_data.queries import destinations as post16_queries
from rutland_data.reference.measures import by_id

filters = common.global_filters()
la, la_name, comparator, neighbour_set, year = (filters.la, filters.la_name, filters.comparator,
                                                filters.neighbour_set, filters.year)
dictionary = by_id()
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

cohorts = common.query(post16_queries.destination_cohorts, la)
if cohorts.empty:
    st.warning(f"No destination data is loaded for {la_name}. See *About the data* to load the DfE files.")
else:
    stages = sorted(dict.fromkeys(cohorts["stage"]), key=lambda s: (s != "KS4", s))
    stage = st.pills("Stage", stages, default=stages[0], key="stage", bind="query-params",
                     help="KS4: pupils completing Year 11. 16-18: students completing 16-18 study.") or stages[0]
    in_stage = cohorts[cohorts["stage"] == stage]
    labels = in_stage["cohort_label"].tolist()
    by_year = in_stage[in_stage["cohort_end_year"] <= (year or 9999)]
    default = labels.index(by_year["cohort_label"].iloc[0]) if not by_year.empty else 0
    cohort = st.selectbox("Cohort", labels, index=default, key="cohort", bind="query-params")
    if cohort not in labels:
        cohort = labels[default]
    end_year = int(in_stage.loc[in_stage["cohort_label"] == cohort, "cohort_end_year"].iloc[0])

    destinations = common.query(post16_charts.destination_figure, la, cohort, neighbour_set)
    figure = destinations.figure
    st.header(f"Destinations: {cohort}", divider="gray")
    if figure is not None:
        common.chart_block(
            figure.spec, figure.table, title=f"Destinations, {cohort}",
            alt_text=figure.alt_text, csv_name=f"destinations_{la}_{end_year}.csv",
            source_ids=destinations.source_ids, key="destinations",
        )
        shown_sources += destinations.source_ids
        if not destinations.has_england:
            st.caption("No England or comparator figures use these categories for this cohort.")
    else:
        st.info("Every category is suppressed for this cohort.")

    categories = ["Sustained destination (total)"] + [c for c in post16_queries.CATEGORY_ORDER
                                                      if c in destinations.categories]
    trend_category = st.selectbox("Destination over time", categories, key="destination_trend",
                                  bind="query-params")
    trend_figure = common.query(post16_charts.destination_trend_figure, la, stage, trend_category, neighbour_set,
                                end_year)
    if trend_figure.spec:
        common.chart_block(
            trend_figure.spec, trend_figure.table, title=f"{trend_category} over time",
            alt_text=trend_figure.alt_text, csv_name=f"destination_trend_{la}.csv",
            source_ids=trend_figure.source_ids, key="destination-trend", decimals=trend_figure.decimals,
        )
        st.caption("Years are when the cohort completed the stage; each point is the published percentage.")
        shown_sources += trend_figure.source_ids
    else:
        st.caption(f"Only one {stage} cohort has a published '{trend_category}' figure for {la_name}: no trend to draw.")

    schools = common.query(post16_queries.school_destinations, la, stage, end_year)
    st.header("Schools and colleges", divider="gray")
    if schools.empty:
        st.info("No school-level destinations are loaded for this cohort.")
    else:
        st.markdown("Each cell is the published percentage with the number of pupils in brackets; "
                    "a code (e.g. SUPP) stands where DfE suppressed a small number.")
        common.table(schools.drop(columns=["source_id"]))
        st.download_button("Download CSV (with published codes)", common.csv_bytes(schools),
                           file_name=f"school_destinations_{la}_{end_year}.csv", mime="text/csv",
                           key="csv-school-destinations", icon=":material/download:")
        st.caption(common.source_line(schools["source_id"].dropna().tolist()))
        shown_sources += schools["source_id"].dropna().tolist()

council = common.query(post16_charts.council_destinations_figure, la)
if council.figure is not None:
    st.header("The council's own Year 11 destination tables", divider="gray")
    for label, offered, total in council.offers:
        st.metric(f"{label}", f"{offered} of {total}",
                  help="Pupils with an offer of education or training (or a conditional start) by October.")
    common.chart_block(
        council.figure.spec, council.figure.table, title="Council destination tables",
        alt_text=council.figure.alt_text, csv_name=f"council_destinations_{la}.csv",
        source_ids=council.seed["source_id"].tolist(), key="council-destinations",
    )
    for label, away, cohort_size, stayed in council.out_of_county:
        st.markdown(f"**{label}:** {away} of {cohort_size} leavers went out of county "
                    f"for sixth form or further education; {stayed} stayed in county.")
    shown_sources += council.seed["source_id"].tolist()

st.header("16-17 year olds not in education, employment or training", divider="gray")
neet_ids = list(post16_queries.NEET_MEASURES)
neet_measure = st.pills("Measure", neet_ids, default=neet_ids[0], key="neet_measure", bind="query-params",
                        format_func=lambda m: dictionary[m].short_label) or neet_ids[0]
measure = dictionary[neet_measure]
neet = common.query(post16_charts.neet_figure, neet_measure, la, neighbour_set)
if neet.spec:
    card = common.query(headlines.card, neet_measure, la, year, comparator) if year else None
    if card is not None and card.value is not None:
        common.headline_metric(measure, card, f"{la_name}, {card.year_label}")
        if card.missing_note:
            st.markdown(f"*{card.missing_note}*")
        st.markdown(f"**Change:** {card.change_text}  \n**Compared with:** {card.comparison_text}")
        st.caption(f"Version: {card.version_text}", help=card.version_note)
    common.chart_block(
        neet.spec, neet.table, title=measure.short_label,
        alt_text=neet.alt_text, csv_name=f"{neet_measure}_{la}.csv", source_ids=neet.source_ids, key="neet",
        decimals=neet.decimals,
    )
    st.caption("NEET and not known are the December-February average of the year shown; participation is as at March.")
    shown_sources += neet.source_ids
else:
    st.info("No NEET or participation figures are loaded.")

common.simulated_banner(shown_sources)
