"""About the data: every source loaded, the marker glossary, what is simulated, how to load files."""
from __future__ import annotations

import streamlit as st

from rutland_data.queries import sources as source_queries
from rutland_data.ui import auth, common
from rutland_data.views import sources as source_views

common.page_header(
    "About the data",
    "Every figure in this dashboard traces to a file (or to the council's published review) and a row "
    "in it. This page lists what is loaded, what the published symbols mean and how to load new files.",
)

info = common.query(source_queries.build_info)
st.markdown(
    f"**Database:** built {info.get('built_at', 'unknown')} from {info.get('mode', 'unknown')}, "
    f"for LA {info.get('la_code', '?')}. Content checksum `{info.get('content_sha256', '?')[:16]}…`."
)

st.header("Sources loaded")
loaded = common.query(source_views.loaded_sources)
common.table(loaded.table)
if loaded.simulated_rows:
    st.warning(f"{loaded.simulated_rows:,} rows are simulated demonstration data "
               "and are labelled as such wherever they are shown.", icon=":material/science:")

st.header("Versions")
st.markdown(
    "Every figure carries its version: **final**, **revised**, **provisional**, or **unstated** where its file does "
    "not say. The table above gives the versions each file's figures are stored as, and a file's release note, where "
    "it has one, how they are known (the others' from the file's name). When files give the same figure "
    "more than once, a published value beats a marker, then final beats revised beats unstated beats provisional, "
    "then the file loaded first. Where the council's own review quoted a figure that later became a different "
    "final one, the card says so, citing the review."
)

st.header("Published symbols")
st.markdown("A symbol is kept beside an empty value: it is never shown or counted as zero.")
common.table(source_views.GLOSSARY_TABLE)

st.header("Loading official files")
st.markdown(
    """
1. Download the files (any names; each is recognised from its columns):
   - DfE **LAIT** long table `bds_long_0.parquet` (Local Authority Interactive Tool data);
   - DfE **statistical neighbour** groupings (April 2021 and May 2025 models, CSV);
   - **Explore Education Statistics** LA-level CSVs or zips (e.g. EYFSP 2012/13 to 2017/18);
   - further formats as listed in the README.
2. Put them in one folder and run `python -m rutland_data build --from FOLDER`.
3. `python -m rutland_data check` lists each source, its rows and what it feeds.

A failed load names the file, row and column, and leaves the existing database untouched.
"""
)

st.header("Officer sign-in")
auth.about_sign_in()

st.header("Licence")
st.markdown(
    "Contains public sector information licensed under the "
    "[Open Government Licence v3.0](https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/). "
    "Boundaries: Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right."
)
