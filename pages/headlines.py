"""Headline trends: the LA against England, its region and statistical neighbours, measure by measure."""
from __future__ import annotations

import streamlit as st

from rutland_data.charts import figures
from rutland_data.reference import measures
from rutland_data.ui import common
from rutland_data.views import headlines

filters = common.global_filters()
la, la_name, comparator, year = filters.la, filters.la_name, filters.comparator, filters.year

common.page_header(
    "Headline trends",
    f"{la_name} against England, the region and its statistical neighbours. Ranks are among all "
    "local authorities with a figure (1 = best; for absence, 1 = lowest). Lines break where the "
    "series does: a new series (a reformed assessment or scale) is a dashed rule, years not published "
    "(no tests in 2019/20 and 2020/21, measures withdrawn) a grey band; no change is ever stated across either.",
)
if year is None:
    st.error("The database holds no results for this local authority. See *About the data* to load files.")
    st.stop()


@st.fragment
def phase_sections() -> None:
    """The phase pills and what they choose: a phase change reruns only this, not the sidebar and navigation."""
    phases = list(dict.fromkeys(m.phase for m in measures.where("headlines")))
    phase = st.pills("Phase", phases, default=phases[0], key="phase", bind="query-params") or phases[0]
    banner = st.container()  # filled once we know which figures were shown

    st.header(phase)
    shown_sources, shown_versions = [], []
    for measure in measures.where("headlines", phase=phase):
        measure_id = measure.measure_id
        figure = common.query(figures.trend, measure_id, la, filters.neighbour_set, year)
        if figure is None:
            continue
        card = common.query(headlines.card, measure_id, la, year, comparator)
        shown_sources += figure.source_ids
        shown_versions += figure.versions
        st.subheader(measure.name, divider="gray")
        left, right = st.columns([1, 2.2], gap="large")
        with left:
            common.headline_metric(measure, card, f"{la_name}, {card.year_label}")
            if card.missing_note:
                st.markdown(f"*{card.missing_note}*")
            st.markdown(f"**Change:** {card.change_text}  \n**Compared with:** {card.comparison_text}")
            if card.rank:
                st.markdown(f"**Rank:** {card.rank.describe()}")
            for series, text in card.comparators:
                st.caption(f"{series}: {text}")
            st.caption(f"Version: {card.version_text}", help=card.version_note)
            for note in card.review_notes:
                st.caption(f"Council review: {note}")
        with right:
            common.figure_block(figure, key=measure_id)

    with banner:
        common.simulated_banner(shown_sources, shown_versions)


phase_sections()
