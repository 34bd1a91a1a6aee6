"""Schools: every school against national with honest uncertainty - the view that exposes masking."""
from __future__ import annotations

import streamlit as st

from pages import common
from rutland_data import queries, school_charts, school_queries, school_stats, settings, sqa
from rutland_data.measures import by_id
from rutland_data.queries import academic_year_label, end_year_of

dictionary = by_id()


def _choose(label: str, options: list, key: str, default, **kwargs):
    """A URL-bound selectbox whose stored choice is reset when it is not among this run's options."""
    current = st.session_state.get(key, st.query_params.get(key))
    st.session_state[key] = current if current in options else default
    return st.selectbox(label, options, key=key, bind="query-params", **kwargs)


common.page_header(
    "Schools",
    "Every school in a local authority against national, each with its 95% interval and cohort size. An LA "
    "average can hide schools below national; small schools need a large difference before it is more than "
    "chance. Click a school's point, or its link in the table, for its profile.",
)

las = common.query(school_queries.las_with_schools)
la_names = dict(zip(las["la_code"], las["name"]))
configured = common.la_code()
la_options = list(dict.fromkeys([configured, *las["la_code"]]))
la_column, left, middle, right = st.columns([1.2, 1, 2, 1])
with la_column:
    la = _choose("Local authority", la_options, "school_la", configured,
                 format_func=lambda code: la_names.get(code, common.query(queries.area_name, code)))
la_name = la_names.get(la) or common.query(queries.area_name, la)

key_stages = [ks for ks in school_queries.KEY_STAGES
              if not common.query(school_queries.key_stage_measures, la, ks).empty]
if not key_stages:
    st.error(f"No school-level results are loaded for LA {la}. Load performance-table files (see About the data).")
    st.stop()

with left:
    key_stage = _choose("Phase", key_stages, "key_stage", key_stages[0])
available = common.query(school_queries.key_stage_measures, la, key_stage)
measure_ids = available["measure_id"].tolist()
with middle:
    measure_id = _choose("Measure", measure_ids, "measure", measure_ids[0],
                         format_func=lambda m: dictionary[m].name)
measure = dictionary[measure_id]
years = common.query(school_queries.result_years, la, measure_id)
labels = [academic_year_label(y) for y in years]
global_year = st.session_state.get("year")
with right:
    year_label = _choose("Year", labels, "school_year", global_year if global_year in labels else labels[-1])
year = end_year_of(year_label)

frame = common.query(school_queries.masking, la, measure_id, year)
shown_sources = frame["source_id"].tolist() + frame["national_source_id"].dropna().tolist() \
    + frame["la_source_id"].dropna().tolist()

st.header("Is the LA average hiding schools?", divider="gray")
st.markdown(f"**{school_queries.headline_sentence(frame, measure, la_name, key_stage, year_label)}**")
if key_stage == "Primary (KS2)":
    subjects = common.query(school_queries.ks2_subject_sentence, la, year)
    if subjects:
        st.markdown(subjects)
st.caption("'Below national' compares the published figure with England's; 'significantly' means the school's whole "
           "95% interval is below. " + school_stats.NOT_DIFFERENT.capitalize() + " is the usual result for a "
           "cohort of 10-30 pupils.")

table = frame[["school", "urn", "cohort_n", "value", "value_code", "ci_low", "ci_high", "interval_from",
               "significance", "national", "la_value", "version", "year_label", "source_id", "source_row"]]
common.chart_block(
    school_charts.dot_and_whisker(frame, measure),
    table,
    title=f"{measure.short_label} by school",
    alt_text=school_charts.dot_and_whisker_alt(frame, measure, la_name, year_label),
    csv_name=f"schools_{measure_id}_{la}_{year}.csv",
    source_ids=shown_sources,
    key=f"dots-{measure_id}",
)

st.header("Funnel plot: value against cohort size", divider="gray")
limits, limits_note = common.query(school_queries.masking_funnel, la, measure_id, year, measure.unit)
st.caption(limits_note)
if not limits.empty:
    common.chart_block(
        school_charts.funnel(frame, limits, measure),
        limits,
        title=f"Funnel limits for {measure.short_label}",
        alt_text=school_charts.funnel_alt(frame, limits, measure),
        csv_name=f"funnel_limits_{measure_id}_{year}.csv",
        source_ids=shown_sources,
        key=f"funnel-{measure_id}",
    )

st.header("Table", divider="gray")
st.dataframe(
    frame[["profile", "school", "cohort_n", "value", "value_code", "ci_low", "ci_high", "significance",
           "interval_from", "version"]],
    hide_index=True, width="stretch", key="schools_table",
    column_config={
        "profile": st.column_config.LinkColumn("Profile", display_text="Open profile"),
        "school": "School", "cohort_n": st.column_config.NumberColumn("Pupils", format="%d"),
        "value": st.column_config.NumberColumn(measure.short_label, format=f"%.{measure.decimals}f"),
        "value_code": "Published code", "ci_low": st.column_config.NumberColumn("95% low", format="%.2f"),
        "ci_high": st.column_config.NumberColumn("95% high", format="%.2f"), "significance": "Compared with national",
        "interval_from": "Interval", "version": "Version",
    },
)
st.download_button("Download this table as CSV (with published codes)", common.csv_bytes(table),
                   file_name=f"schools_{measure_id}_{la}_{year}.csv", mime="text/csv", key="schools_csv",
                   icon=":material/download:")

st.header("Pupil groups", divider="gray")
groups = common.query(school_queries.pupil_groups, la, measure_id)
if not groups:
    st.info("The loaded files give no pupil-group figures for this measure.")
else:
    comparator = st.radio("Compare each group with", list(school_stats.COMPARATORS), key="group_comparator",
                          format_func=lambda c: school_stats.COMPARATORS[c], horizontal=True,
                          bind="query-params")
    gaps = common.query(school_queries.group_gaps, la, measure_id, year, comparator)
    st.caption("Groups of 5 or fewer pupils are published as SUPP and kept as that code. Gaps are the school's "
               "figure minus the national comparator; one year of a small group says little, so the pooled "
               "three-year figures below are the ones to read.")
    if not gaps.empty and gaps["gap"].notna().any():
        common.chart_block(
            school_charts.gap_chart(gaps, measure),
            gaps.drop(columns=["profile"]),
            title=f"{measure.short_label}: pupil-group gaps",
            alt_text=(f"Gap to {school_stats.COMPARATORS[comparator]} for {gaps['pupil_group'].nunique()} pupil "
                      f"groups in {gaps['school'].nunique()} schools, {year_label}; "
                      f"{int(gaps['gap'].notna().sum())} gaps shown, "
                      f"{int(gaps['value_code'].notna().sum())} figures suppressed at source."),
            csv_name=f"group_gaps_{measure_id}_{la}_{year}.csv",
            source_ids=gaps["source_id"].tolist(),
            key=f"gaps-{measure_id}",
        )
    pooled = common.query(school_queries.pooled_groups, la, measure_id, year, measure.unit)
    if pooled.empty:
        st.info("Fewer than three years of results are loaded, so no three-year pooled figures are shown.")
    else:
        st.markdown(f"**Three years pooled ({pooled['years'].iloc[0]})**: summed pupils reaching the measure over "
                    "summed cohorts, never an average of percentages. Withheld where any year is unknown (x) or "
                    f"where it would show a group of {settings.load().suppress_counts_up_to} or fewer "
                    "pupils (DNS).")
        st.dataframe(pooled, hide_index=True, width="stretch", key="pooled_table",
                     column_config={"pooled_value": st.column_config.NumberColumn("Pooled value", format="%.1f")})
        st.download_button("Download pooled figures as CSV", common.csv_bytes(pooled),
                           file_name=f"pooled_{measure_id}_{la}_{year}.csv", mime="text/csv", key="pooled_csv",
                           icon=":material/download:")

st.header("School Quality Assurance: proposed priorities", divider="gray")
st.markdown("A starting point for the SQA meeting: each school's proposed priority with every reason, from the "
            "rules below. The rules never call a school 'below floor' or 'coasting' - those definitions "
            "ended in 2019.")
priorities = common.query(school_queries.sqa_priorities, la)
st.dataframe(priorities[["priority", "profile", "school_name", "reasons", "caution", "rule_ids"]],
             hide_index=True, width="stretch", key="sqa_table",
             column_config={"profile": st.column_config.LinkColumn("Profile", display_text="Open profile"),
                            "school_name": "School", "reasons": st.column_config.TextColumn("Reasons", width="large")})
st.download_button("Download the SQA list as CSV", common.csv_bytes(priorities.drop(columns=["profile"])),
                   file_name=f"sqa_priorities_{la}.csv", mime="text/csv", key="sqa_csv", icon=":material/download:")
with st.expander("How priorities are set (the rule set)"):
    st.dataframe(sqa.rules_table(), hide_index=True, width="stretch")

common.simulated_banner(shown_sources, frame["version"].tolist())
