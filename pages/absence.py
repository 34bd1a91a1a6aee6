"""Absence: overall and persistent absence against comparators, rank among LAs, and each school
against national - so a low LA figure cannot hide the schools above national."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from pages import common
from rutland_data import charts, post16_charts, post16_queries, queries, stats
from rutland_data.measures import by_id

la = common.la_code()
la_name = common.query(queries.area_name, la)
comparator = st.session_state.get("comparator") or queries.COMPARATORS[0]
neighbour_set = queries.neighbour_set_for(comparator)
year = queries.end_year_of(st.session_state.get("year"))
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
        st.markdown(f"- **{row.measure}:** {dictionary[row.measure_id].format(row.value)} - "
                    f"{row.described}")
    shown_sources += ranks["source_id"].tolist()

for kind in ("overall", "persistent"):
    measure_id = f"abs_{kind}{suffix}"
    measure = dictionary[measure_id]
    trend = common.query(queries.trend, measure_id, la, neighbour_set)
    st.header(measure.name, divider="gray")
    if not trend["value"].notna().any():
        st.info(f"No {measure.short_label.lower()} figures are loaded.")
        continue
    left, right = st.columns([1, 2.2], gap="large")
    with left:
        own = trend[(trend["role"] == "la") & (trend["end_year"] == year)]
        if not own.empty and pd.notna(own["value"].iloc[0]):
            st.metric(f"{la_name}, {own['year_label'].iloc[0]}", measure.format(own["value"].iloc[0]),
                      help=measure.description)
            rank = common.query(post16_queries.rank_in_year, measure_id, la, year, measure.polarity)
            if rank:
                st.markdown(f"**Rank:** {rank.describe()}")
            for role in ("england", "region", "neighbours"):
                other = trend[(trend["role"] == role) & (trend["end_year"] == year)]
                if not other.empty and pd.notna(other["value"].iloc[0]):
                    word = stats.comparison_word(own["value"].iloc[0], other["value"].iloc[0])
                    st.caption(f"{word.capitalize()} {other['series'].iloc[0]} "
                               f"({measure.format(other['value'].iloc[0])})")
        else:
            st.markdown(f"No {la_name} figure for the selected year.")
    with right:
        common.chart_block(
            charts.trend_chart(trend, measure, selected_year=year),
            trend[["series", "year_label", "value", "value_code", "neighbours_counted", "source_id", "source_row"]],
            title=measure.short_label, alt_text=charts.trend_alt_text(trend, measure),
            csv_name=f"{measure_id}_{la}.csv", source_ids=trend["source_id"].dropna().tolist(), key=measure_id,
        )
    shown_sources += trend["source_id"].dropna().tolist()

terms = common.query(post16_queries.absence_by_term, la, year) if year else pd.DataFrame()
if not terms.empty:
    st.header(f"Overall absence by term, {queries.academic_year_label(year)}", divider="gray")
    wide = terms.pivot_table(index=["phase", "term"], columns="area", values="value", sort=False).reset_index()
    st.dataframe(wide, hide_index=True, width="stretch")
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
    schools = common.query(post16_queries.school_absence, la, queries.end_year_of(school_year_label))
    if phase != "All schools":
        schools = schools[schools["phase"] == phase.lower()]
    if schools.empty:
        st.info("No schools of this phase have absence figures for that year.")
    else:
        above = schools[schools["above_national_overall"] == True]  # noqa: E712 - NULL (unknown) is not 'above'
        st.markdown(
            f"**{len(above)} of {len(schools)} schools** had overall absence above the national rate for their "
            f"phase in {school_year_label}" + (f": {', '.join(above['school'])}." if len(above) else ".")
        )
        for kind, title in (("overall", "Overall absence"), ("persistent", "Persistent absence")):
            table = schools[["school", "urn", "phase", kind, f"{kind}_code", f"national_{kind}",
                             f"above_national_{kind}", "source_id"]].copy()
            table[f"against_national_{kind}"] = table[f"above_national_{kind}"].map(
                {True: "above national", False: "at or below national"}).fillna("not comparable")
            common.chart_block(
                post16_charts.school_absence_chart(schools, kind, f"national_{kind}", title),
                table.drop(columns=[f"above_national_{kind}"]), title=f"{title} by school, {school_year_label}",
                alt_text=post16_charts.school_absence_alt_text(schools, kind, f"national_{kind}", title),
                csv_name=f"school_{kind}_absence_{la}.csv", source_ids=schools["source_id"].dropna().tolist(),
                key=f"school-{kind}",
            )
        shown_sources += schools["source_id"].dropna().tolist()

ytd_frames = {kind: common.query(queries.trend, f"abs_ytd_{kind}{suffix or '_total'}", la, neighbour_set)
              for kind in ("overall", "persistent")}
if any(frame["value"].notna().any() for frame in ytd_frames.values()):
    st.header("This year so far: attendance data (year to date)", divider="gray")
    st.warning("These are **year-to-date** figures from DfE's fortnightly attendance data, up to the last week "
               "loaded. They are not the final annual absence statistics and are not joined to the series above.",
               icon=":material/pending:")
    for kind, ytd in ytd_frames.items():
        if not ytd["value"].notna().any():
            continue
        measure = dictionary[f"abs_ytd_{kind}{suffix or '_total'}"]
        common.chart_block(
            charts.trend_chart(ytd, measure), ytd[["series", "year_label", "value", "value_code",
                                                   "neighbours_counted", "source_id", "source_row"]],
            title=measure.short_label, alt_text=charts.trend_alt_text(ytd, measure),
            csv_name=f"{measure.measure_id}_{la}.csv", source_ids=ytd["source_id"].dropna().tolist(),
            key=f"ytd-{kind}",
        )
        shown_sources += ytd["source_id"].dropna().tolist()

common.simulated_banner(shown_sources)
