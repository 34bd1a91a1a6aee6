"""School profile: one school (URN in the URL, ?urn=), all its measures over time against national and LA."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from pages import common
from rutland_data import school_charts, school_queries
from rutland_data.measures import by_id

la = common.la_code()
dictionary = by_id()
options = common.query(school_queries.school_options, la)
urns = options["urn"].astype(str).tolist()
names = dict(zip(urns, options["name"]))

common.page_header("School profile", "One school's results over time. Open a school from the Schools page, or "
                   "choose it here; the address bar keeps its URN (?urn=) so the page can be bookmarked.")
requested = st.query_params.get("urn")
if requested and requested not in urns:
    # A school outside the configured LA can still be opened from a link.
    info = common.query(school_queries.school, requested)
    if info is not None:
        urns.append(requested)
        names[requested] = info["name"]
if not urns:
    st.info("No school-level results are loaded for this local authority.")
    st.stop()
if st.session_state.get("urn") not in urns:
    st.session_state["urn"] = requested if requested in urns else urns[0]
urn = st.selectbox("School", urns, key="urn", bind="query-params", format_func=lambda u: f"{names[u]} (URN {u})")

info = common.query(school_queries.school, urn)
st.header(info["name"], anchor=False)
st.markdown(f"URN {urn}. Every measure loaded for this school, year by year, against England and the local "
            "authority, each school figure with its 95% interval where one exists.")

details = {
    "Local authority": f"{info.get('la_name') or ''} ({info.get('la_code') or 'not known'})",
    "Phase": info.get("phase") or "not known",
    "Type": info.get("school_type") or "not known",
    "Trust / federation": (f"{info['trust']} ({info.get('trust_type') or 'type not known'})"
                           if isinstance(info.get("trust"), str) else info.get("trust_type") or "none recorded"),
    "Academy since": (f"{pd.Timestamp(info['conversion_date']):%d %B %Y}"
                      if pd.notna(info.get("conversion_date")) else "not an academy, or not recorded"),
    "Open": "yes" if info.get("is_open") else "closed",
}
st.markdown("  \n".join(f"**{k}:** {v}" for k, v in details.items()))
links = common.query(school_queries.school_links, urn)
if not links.empty:
    st.caption("Linked URNs (GIAS): " + "; ".join(
        f"{r.link_type} {r.linked_urn}" + (f" {r.linked_name}" if isinstance(r.linked_name, str) else "")
        for r in links.itertuples()))

results = common.query(school_queries.profile_results, urn)
if results.empty:
    st.info("No results are loaded for this school.")
    st.stop()

context = results[results["measure_id"].str.startswith("school_") | results["measure_id"].str.startswith("abs_")]
if not context.empty:
    st.subheader("Context", divider="gray")
    latest = context.sort_values("end_year").groupby("measure_id").tail(1)
    columns = st.columns(min(4, len(latest)))
    for column, row in zip(columns * 3, latest.sort_values("sort_order").itertuples()):
        measure = dictionary[row.measure_id]
        value = None if pd.isna(row.value) else float(row.value)
        national = "" if pd.isna(row.national) else f"England {measure.format(float(row.national))}"
        column.metric(f"{measure.short_label}, {row.year_label}", measure.format(value, row.value_code),
                      help=f"{measure.description} {national}".strip())

st.subheader("Results over time", divider="gray")
st.caption("Significance is judged from the 95% interval (or DfE's published progress band), never from "
           "a single year's position against a line; this page never labels a school 'below floor' or 'coasting'.")
shown_sources = results["source_id"].tolist()
outcomes = results[~results.index.isin(context.index)]
for measure_id, part in outcomes.groupby("measure_id", sort=False):
    measure = dictionary[measure_id]
    st.markdown(f"#### {measure.name}")
    latest = part.iloc[-1]
    if isinstance(latest["significance"], str):
        st.caption(f"{latest['year_label']}: {measure.format(None if pd.isna(latest['value']) else float(latest['value']), latest['value_code'])}"
                   f" - {latest['significance']}.")
    table = part[["year_label", "cohort_n", "value", "value_code", "ci_low", "ci_high", "ci_method", "significance",
                  "national", "la_value", "version", "source_id", "source_row"]]
    common.chart_block(
        school_charts.profile_trend(part, measure, info["name"]),
        table,
        title=f"{measure.short_label}, {info['name']}",
        alt_text=school_charts.profile_trend_alt(part, measure, info["name"]),
        csv_name=f"school_{urn}_{measure_id}.csv",
        source_ids=part["source_id"].tolist(),
        key=f"profile-{measure_id}",
    )

if not context.empty:
    with st.expander("Context over time (census and absence)"):
        st.dataframe(context[["measure", "year_label", "value", "value_code", "national", "la_value", "source_id"]],
                     hide_index=True, width="stretch")

common.simulated_banner(shown_sources, results["version"].tolist())
