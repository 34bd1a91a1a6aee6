"""Post-16 destinations: where young people went after Year 11 (and after 16-18 study), and NEET at 16-17."""
from __future__ import annotations

import streamlit as st

from pages import common
from rutland_data import charts, post16_charts, post16_queries, queries
from rutland_data.measures import by_id

la = common.la_code()
la_name = common.query(queries.area_name, la)
comparator = st.session_state.get("comparator") or queries.COMPARATORS[0]
neighbour_set = queries.neighbour_set_for(comparator)
year = queries.end_year_of(st.session_state.get("year"))
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

    shares = common.query(post16_queries.destination_shares, la, cohort, neighbour_set)
    st.header(f"Destinations: {cohort}", divider="gray")
    if shares["share"].notna().any():
        table = shares[["series", "category", "pupils", "cohort", "share", "percent", "value_code",
                        "neighbours_counted", "source_id", "source_row"]].rename(
            columns={"share": "share_of_cohort", "percent": "published_percent"})
        table["share_of_cohort"] = table["share_of_cohort"].round(1)
        common.chart_block(
            post16_charts.destination_bars(shares), table, title=f"Destinations, {cohort}",
            alt_text=post16_charts.destination_alt_text(shares, cohort), csv_name=f"destinations_{la}_{end_year}.csv",
            source_ids=shares["source_id"].dropna().tolist(), key="destinations",
        )
        shown_sources += shares["source_id"].dropna().tolist()
        if "england" not in set(shares["role"]):
            st.caption("No England or comparator figures use these categories for this cohort.")
    else:
        st.info("Every category is suppressed for this cohort.")

    categories = ["Sustained destination (total)"] + [c for c in post16_queries.CATEGORY_ORDER
                                                      if c in set(shares["category"])]
    trend_category = st.selectbox("Destination over time", categories, key="destination_trend",
                                  bind="query-params")
    trend = common.query(post16_queries.destination_trend, la, stage, trend_category, neighbour_set)
    if trend["value"].notna().sum() >= 2:
        trend_measure = post16_queries.destination_measure(trend_category)
        common.chart_block(
            post16_charts.trend_lines(trend, trend_measure, selected_year=end_year),
            trend[["series", "year_label", "value", "value_code", "neighbours_counted", "source_id", "source_row"]],
            title=f"{trend_category} over time", alt_text=charts.trend_alt_text(trend, trend_measure),
            csv_name=f"destination_trend_{la}.csv", source_ids=trend["source_id"].dropna().tolist(),
            key="destination-trend",
        )
        st.caption("Years are when the cohort completed the stage; each point is the published percentage.")
        shown_sources += trend["source_id"].dropna().tolist()
    else:
        st.caption(f"Only one {stage} cohort has a published '{trend_category}' figure for {la_name}: no trend to draw.")

    schools = common.query(post16_queries.school_destinations, la, stage, end_year)
    st.header("Schools and colleges", divider="gray")
    if schools.empty:
        st.info("No school-level destinations are loaded for this cohort.")
    else:
        st.markdown("Each cell is the published percentage with the number of pupils in brackets; "
                    "a code (e.g. SUPP) stands where DfE suppressed a small number.")
        st.dataframe(schools.drop(columns=["source_id"]), hide_index=True, width="stretch")
        st.download_button("Download CSV (with published codes)", common.csv_bytes(schools),
                           file_name=f"school_destinations_{la}_{end_year}.csv", mime="text/csv",
                           key="csv-school-destinations", icon=":material/download:")
        st.caption(common.source_line(schools["source_id"].dropna().tolist()))
        shown_sources += schools["source_id"].dropna().tolist()

seed = common.query(post16_queries.seed_destinations, la)
if not seed.empty:
    st.header("The council's own Year 11 destination tables", divider="gray")
    summary = post16_queries.county_summary(seed)
    groups = post16_queries.group_order(seed)
    for label, rows in summary.groupby("cohort_label", sort=False):
        total = int(rows["cohort"].iloc[0])
        offered = rows.loc[rows["category_group"] == "Offer made", "pupils"]
        if not offered.empty:
            st.metric(f"{label}", f"{int(offered.iloc[0])} of {total}",
                      help="Pupils with an offer of education or training (or a conditional start) by October.")
    common.chart_block(
        post16_charts.group_bars(summary, groups), seed[["cohort_label", "category", "category_group", "pupils",
                                                         "percent", "source_id", "source_row"]],
        title="Council destination tables",
        alt_text="Stacked bars of the council's own destination tables. " + ". ".join(
            f"{r.cohort_label}: {r.category_group} {r.pupils} of {r.cohort} ({r.share:.1f}%)"
            for r in summary.itertuples()) + ".",
        csv_name=f"council_destinations_{la}.csv", source_ids=seed["source_id"].tolist(), key="council-destinations",
    )
    in_county = summary[summary["category_group"] == "In county"]
    out_county = summary[summary["category_group"] == "Out of county"]
    for row in in_county.itertuples():
        away = out_county.loc[out_county["cohort_label"] == row.cohort_label, "pupils"]
        if not away.empty:
            st.markdown(f"**{row.cohort_label}:** {int(away.iloc[0])} of {row.cohort} leavers went out of county "
                        f"for sixth form or further education; {row.pupils} stayed in county.")
    shown_sources += seed["source_id"].tolist()

st.header("16-17 year olds not in education, employment or training", divider="gray")
neet_ids = list(post16_queries.NEET_MEASURES)
neet_measure = st.pills("Measure", neet_ids, default=neet_ids[0], key="neet_measure", bind="query-params",
                        format_func=lambda m: dictionary[m].short_label) or neet_ids[0]
measure = dictionary[neet_measure]
trend = common.query(queries.trend, neet_measure, la, neighbour_set)
if trend["value"].notna().any():
    latest = trend[(trend["role"] == "la") & trend["value"].notna()].sort_values("end_year")
    if not latest.empty:
        last = latest.iloc[-1]
        st.metric(f"{la_name}, {last['year_label']}", measure.format(last["value"]), help=measure.description)
    table = trend[["series", "year_label", "value", "value_code", "neighbours_counted", "source_id", "source_row"]]
    common.chart_block(
        post16_charts.trend_lines(trend, measure, calendar_years=True), table, title=measure.short_label,
        alt_text=charts.trend_alt_text(trend, measure), csv_name=f"{neet_measure}_{la}.csv",
        source_ids=trend["source_id"].dropna().tolist(), key="neet",
    )
    st.caption("NEET and not known are the December-February average of the year shown; participation is as at March.")
    shown_sources += trend["source_id"].dropna().tolist()
else:
    st.info("No NEET or participation figures are loaded.")

common.simulated_banner(shown_sources)
