"""Deprivation map: LSOAs by national IoD decile, wards on top, schools, pockets, FSM scatter."""
from __future__ import annotations

import streamlit as st

from rutland_data import settings
from rutland_data.charts import figures, maps
from rutland_data.navigation import PAGES
from rutland_data.queries import deprivation as deprivation_queries
from rutland_data.ui import common
from rutland_data.views import deprivation as deprivation_views

la = common.la_code()
choices = common.query(deprivation_views.map_choices, la)
la_name = choices.la_name

common.page_header(
    "Deprivation map",
    f"Where the pockets of deprivation in {la_name} are, which schools serve them and how those schools' "
    "disadvantaged pupils do. Small areas (LSOAs, about 1,500 residents each) are coloured by their national "
    "decile in the English Indices of Deprivation: **1 = the most deprived 10% of areas in England**. "
    "County averages hide these pockets: an LA can rank among the least deprived while some of its "
    "neighbourhoods do not.",
)

if not choices.editions:
    st.error(choices.missing)
    st.stop()

# Options are the words shown, so a link carries ?iod_edition=IoD2019&iod_indicator=Income in plain words.
edition_by_label = choices.editions
edition_label = st.segmented_control(
    "Indices of Deprivation edition", list(edition_by_label), default=list(edition_by_label)[0],
    key="iod_edition", bind="query-params",
    help="Each edition is shown on the LSOA boundaries it was published for: IoD2015 and IoD2019 on 2011 LSOAs, "
         "IoD2025 on 2021 LSOAs. They are never matched across boundary vintages.",
) or list(edition_by_label)[0]
edition = edition_by_label[edition_label]
lsoa_vintage = choices.vintages[edition]

indicator_by_label = choices.indicators[edition]
indicator_label = st.selectbox(
    "Index or domain", list(indicator_by_label), key="iod_indicator", bind="query-params",
    help="The overall Index of Multiple Deprivation, each of its seven domains, and IDACI (children in "
         "income-deprived families) where the edition's loaded files include it.",
)
if indicator_label not in indicator_by_label:  # e.g. IDACI kept from IoD2025 after switching to IoD2019
    indicator_label = list(indicator_by_label)[0]
indicator = indicator_by_label[indicator_label]
st.caption(f"IoD{edition} uses {lsoa_vintage} LSOA boundaries; ranks are out of "
           f"{deprivation_queries.lsoas_in_england(lsoa_vintage):,} LSOAs in England.")

ward_vintages = choices.ward_vintages[lsoa_vintage]
ward_vintage = st.radio(
    "Ward boundaries", ward_vintages, key="ward_set", horizontal=True,
    format_func=lambda v: f"Wards as in ONS's {v} LSOA-to-ward lookup",
    help="ONS assigns each LSOA to one ward (best fit by population). Wards drawn since 2019 do not all contain "
         "whole LSOAs, so ward figures are approximate.",
) if len(ward_vintages) > 1 else (ward_vintages[0] if ward_vintages else None)

# Everything below is computed once per choice (cached): tables, deck JSON, alt text.
view = common.query(deprivation_views.deprivation_view, la, choices.la_ons, edition, indicator, ward_vintage)
deprivation_map = common.query(figures.deprivation_map, la, choices.la_ons, edition, indicator, ward_vintage,
                               settings.load().basemap)
lsoas, schools, pockets = view.lsoas, view.schools, view.pockets
ward_table, lsoas_in_england, source_ids = view.ward_table, view.lsoas_in_england, view.source_ids
alt_text = deprivation_map.alt_text

common.simulated_banner(source_ids)
if view.is_approximate:
    st.info("**Approximate shapes.** The ward and LSOA shapes on this map are generated cells around the wards' "
            "ONS label points, not the official boundaries, and their deprivation figures are simulated.",
            icon=":material/map:")

# ---------------------------------------------------------------- map and legend
st.subheader(f"{indicator_label}, IoD{edition}", divider="gray")
st.markdown(maps.legend_html(), unsafe_allow_html=True)
st.caption("Each area shows its decile number. Thick dark lines: ward boundaries. "
           + ("White circles with orange rings: schools (select one for its details). " if not schools.empty else "")
           + f"Hover over an area for its name, decile and rank of {lsoas_in_england:,} LSOAs in England.")
st.markdown(f"**{view.placement}**")
map_column, unplaced_column = st.columns([3, 1]) if not view.unplaced.empty else (st.container(), None)
with map_column:
    event = st.pydeck_chart(deprivation_map.deck, height=560, alt=alt_text, on_select="rerun",
                            selection_mode="single-object", key="deprivation-map")
if unplaced_column is not None:  # not a fixed-height scrolling box: keyboard users could not scroll it (axe)
    with unplaced_column, st.container(border=True):
        st.markdown(f"**Not on the map ({len(view.unplaced)})**")
        for why, part in view.unplaced.groupby("why", sort=False):
            st.markdown(f"{why[0].upper()}{why[1:]}: " + "; ".join(f"{r.name} ({r.urn})" for r in part.itertuples())
                        + ".")
selected = (event.selection.get("objects", {}) if event else {}).get("schools", [])
if selected:
    urn = selected[0]["urn"]
    school = schools[schools["urn"].astype(str) == urn].iloc[0]
    profile = next((p for p in PAGES if p.file.endswith("/school.py")), None)
    with st.container(border=True):
        st.markdown(f"**{school['name']}** (URN {urn})  \nPhase: {school['phase']}  \n"
                    f"Ward: {school['ward_name']}  \nLocation: {school['location_method']}")
        if profile:
            st.page_link(profile.file, label=f"Open the school profile for {school['name']}",
                         query_params={"urn": urn}, icon=":material/school:")
st.caption(f"Map description: {alt_text}")

# ---------------------------------------------------------------- tables behind every layer
lsoa_table = view.lsoa_table
tab_pockets, tab_wards, tab_lsoas, tab_schools = st.tabs(
    ["Pockets (deciles 1-4)", "Ward summary (derived)", "All LSOAs", "Schools on the map"])
with tab_pockets:
    st.markdown(f"Every LSOA in {la_name} in England's most deprived 40% (national deciles 1 to 4) on "
                f"the {indicator_label}, IoD{edition}, with its best-fit ward.")
    if pockets.empty:
        st.success(f"No LSOA in {la_name} is in deciles 1 to 4 on this measure. The other domains, chosen above, "
                   "may have some: each is ranked on its own.")
    common.table_block(view.pockets_table, csv=pockets, csv_name=f"pockets_iod{edition}_{indicator}.csv",
                       key="pockets", download_label="Download CSV")
with tab_wards:
    st.markdown(
        "**Derived figures, not official statistics.** MHCLG does not publish the Indices at ward level. "
        "Each LSOA is counted in the one ward ONS's best-fit lookup assigns it to; the shares below are "
        "of the ward's LSOAs, and of their population, in England's most deprived 30% and 40% of LSOAs. "
        + view.population_note)
    common.table_block(ward_table, csv_name=f"wards_iod{edition}_{indicator}.csv", key="wards",
                       download_label="Download CSV")
with tab_lsoas:
    st.markdown(f"All {len(lsoas)} LSOAs on the map (the map's data as a table). Ranks are out of "
                f"{lsoas_in_england:,} LSOAs in England; 1 = most deprived.")
    common.table_block(lsoa_table, csv_name=f"lsoas_iod{edition}_{indicator}.csv", key="lsoas",
                       download_label="Download CSV")
with tab_schools:
    st.markdown(view.placement)
    if not schools.empty:
        common.table(schools, {"lat": 5, "lon": 5},
                     columns=["urn", "name", "phase", "ward_name", "location_method", "lat", "lon"])
    if not view.unplaced.empty:
        st.markdown("Not on the map: no grid reference or ward in the loaded files (load the GIAS establishment "
                    "register, whose Easting/Northing places them).")
        common.table(view.unplaced)
st.caption(common.source_line(source_ids))

# ---------------------------------------------------------------- scatter
st.subheader("Disadvantage and results by school", divider="gray")
measure_labels = view.scatter_measures
if not measure_labels:
    st.info("No school-level results are loaded, so the scatter of % FSM ever 6 against results is not shown.")
else:
    measure_id = st.selectbox("Result", list(measure_labels), format_func=measure_labels.get, key="scatter_measure")
    scatter = common.query(figures.fsm_scatter, la, choices.la_ons, edition, indicator, ward_vintage, measure_id)
    if scatter is None:
        st.info(f"No open state-funded mainstream school has both a % FSM ever 6 figure and a "
                f"{measure_labels[measure_id]} result in the loaded files.")
    else:
        common.figure_block(scatter, key=f"fsm-scatter-{measure_id}")
        st.caption("Open state-funded mainstream schools. Colour: the most deprived LSOA decile in the school's "
                   "ward (derived, as above; grey where the school has no location in the loaded files); shape: "
                   "whether that is in England's most deprived 40%. "
                   + deprivation_views.scatter_years_note(scatter.table)
                   + " Small schools' figures vary a lot from year to year.")
