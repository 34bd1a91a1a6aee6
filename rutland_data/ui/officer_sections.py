"""The officer-only parts of public pages: the Schools page's LA-held results and the Meetings page's choice of
an officer's board pack. Public pages call these and never `officer_query` themselves; each function here
draws nothing (and reads nothing) unless this session is an officer's, its first statement
(tests/test_officer_cache.py checks both)."""
from __future__ import annotations

import streamlit as st

from rutland_data.exports import board_pack
from rutland_data.ui import auth, common
from rutland_data.views import local_returns as local_views


def local_schools_section(la: str, la_name: str, table_columns: dict) -> None:
    """The Schools page's masking view of the council's own returns, for an officer and the configured LA."""
    if not auth.is_officer():
        return
    if la != common.la_code():
        return
    st.header("LA-held results: the council's own returns (officers only)", divider="gray")
    local_file = common.local_returns_file()
    local = common.officer_query(local_views.choices, *local_file, la)
    if not local.measures:
        st.caption("No local returns are loaded: officers upload them on the Local data page.")
        return
    measure_column, year_column = st.columns(2)
    measure_id = measure_column.selectbox("LA-held measure", list(local.measures), key="local_measure",
                                          format_func=local.measures.get)
    year_label = year_column.selectbox("Year of the return", local.years[measure_id][::-1], key="local_year")
    held = common.officer_query(local_views.schools_view, *local_file, la, la_name, measure_id, year_label)
    st.warning(f"**{held.headline}**", icon=":material/lock:")
    st.caption(held.note)
    columns = {**table_columns, "status_words": st.column_config.TextColumn("Status", width="large")}
    common.table(held.frame, {"value": held.decimals, "ci_low": 1, "ci_high": 1}, key="local_table",
                 column_config=columns)
    if not held.others.empty:
        st.markdown("Special, independent and other schools, apart (not compared with national):")
        common.table(held.others, {"value": held.decimals}, key="local_others", column_config=columns)
    shareable = common.officer_query(local_views.shareable_table, *local_file, la, measure_id, year_label)
    st.download_button("Download for sharing (disclosure-controlled, unvalidated)", common.csv_bytes(shareable),
                       file_name=f"local_{measure_id}_{la}_{year_label.replace('/', '-')}_UNVALIDATED.csv",
                       mime="text/csv", key="local-share", icon=":material/download:", on_click="ignore")


def pack_with_local_returns() -> bool:
    """The Meetings page's toggle for an officer's pack with the council's own returns; False for anyone else."""
    if not auth.is_officer():
        return False
    return st.toggle("Include the council's own returns (officers; unvalidated)", key="pack-local-returns",
                     help="Adds a slide per LA-held measure of the uploaded returns, as disclosure-controlled tables; "
                          "those slides and the title slide read 'Unvalidated — not for publication'.")


def officer_pack(la: str, end_year: int, sections: list[str] | None) -> board_pack.Pack | None:
    """The board pack with the council's own returns, for an officer; None for anyone else."""
    if not auth.is_officer():
        return None
    return common.officer_query(board_pack.build_with_local_returns, la, end_year, sections,
                                *common.local_returns_file())
