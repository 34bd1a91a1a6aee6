"""Local data (officers only): upload the council's own early returns, see every problem of a refused file, what
is loaded and its status, and which figures the official ones have superseded."""
from __future__ import annotations

import streamlit as st

from rutland_data.ingest import local_returns
from rutland_data.ui import auth, common
from rutland_data.views import local_returns as local_views
from rutland_data.views import schools as school_views

common.officer_page_header(
    "Local data",
    "School-level results the council holds before, or instead of, any publication: the early returns "
    "its annual review is written from. Everything on this page is for officers only.",
)
la = common.la_code()

st.header("The template", divider="gray")
st.markdown("One row per school, measure and academic year. A file with any problem is refused whole and every "
            "problem is listed; nothing is half-loaded. The same load runs from the command line: "
            "`python -m rutland_data load-local FILE --by NAME`.")
schools = common.query(school_views.school_choice, la)
st.download_button("Download the template (CSV, with example rows)",
                   local_returns.template_csv(schools.urns[0] if schools.urns else "900001"),
                   file_name="local_returns_template.csv", mime="text/csv", icon=":material/download:",
                   key="template", on_click="ignore")
common.table(local_returns.template_guide(), column_config={"column": "Column", "holds": "Holds"})

st.header("Upload a return", divider="gray")
upload = st.file_uploader("Return to load (CSV in the template)", type=["csv"], key="local-upload")
if st.button("Check and load", icon=":material/upload:", key="load-return", disabled=upload is None):
    try:
        loaded = common.load_local_return(upload.name, upload.getvalue())
        st.session_state["local-outcome"] = ("loaded", f"Loaded {loaded.rows} figures from **{loaded.file_name}** "
                                             f"(sha256 `{loaded.sha256[:12]}…`). They are *unvalidated* until the "
                                             "official figures are loaded.", None)
    except local_returns.Refused as refused:
        st.session_state["local-outcome"] = ("refused", f"**{refused.file}** was refused: {len(refused.problems)} "
                                             f"problem{'s' if len(refused.problems) != 1 else ''} below. Nothing "
                                             "was stored; correct the file and upload it again.", refused.problems)
outcome = st.session_state.get("local-outcome")
if outcome is not None:
    kind, message, problems = outcome
    if kind == "loaded":
        st.success(message, icon=":material/check_circle:")
    else:
        st.error(message, icon=":material/error:")
        common.table(problems, key="problems", column_config={"row": "Row", "column": "Column", "value": "Value",
                                                              "rule": st.column_config.TextColumn("Rule", width="large")})

st.header("What is loaded", divider="gray")
local_file = common.local_returns_file()   # after the upload above: its identity names the file as it is now
loaded_figures = common.officer_query(local_views.loaded, *local_file, la)
if loaded_figures.empty:
    st.info("No local returns are loaded yet.", icon=":material/info:")
else:
    st.markdown(f"**{local_views.UNVALIDATED_MARK}.** Each figure reads *unvalidated* until the official figure for the "
                "same school, measure and year is loaded into the dashboard, then *superseded* (kept for audit).")
    common.table(loaded_figures, key="loaded", column_config={
        "school": "School", "urn": "URN", "measure": "Measure", "year": "Year", "cohort": "Pupils", "met": "Met",
        "figure": "Local figure", "status": st.column_config.TextColumn("Status", width="large"),
        "official": "Official figure", "uploaded": "Uploaded (file, by, when)"})

st.header("Superseded by official figures", divider="gray")
replaced = common.officer_query(local_views.superseded, *local_file, la)
if replaced.empty:
    st.caption("None: no official figure for a loaded school, measure and year is in the dashboard yet.")
else:
    st.markdown("The official figure is the one every page shows; the council's earlier figure is kept beside it "
                "with the difference (local minus official).")
    common.table(replaced, key="superseded", column_config={
        "school": "School", "measure": "Measure", "year": "Year", "local": "Local (earlier)", "official": "Official",
        "difference": "Difference", "official_version": "Official version", "official_file": "Official file",
        "local_file": "Local file"})

with st.expander("Uploads (file, checksum, who, when)"):
    common.table(common.officer_query(local_views.uploads, *local_file, la), key="uploads", column_config={
        "file_name": "File", "sha256": "sha256", "uploaded_by": "By", "uploaded_at": "When (UTC)",
        "rows_loaded": "Figures"})
st.caption(f"You see this page because {auth.officer_basis()}.")
