"""Local data (officers only): where the council's own early returns will be uploaded.

A placeholder until the upload and its validation exist (issue 12 section 2); it makes the officer
tier real - listed and served only to a signed-in officer - so the gating is tested end to end."""
from __future__ import annotations

import streamlit as st

from rutland_data.ui import auth, common

common.officer_page_header(
    "Local data",
    "School-level results the council holds before, or instead of, any publication: the early returns "
    "its annual review is written from.",
)
st.info("Uploading is not available yet. This page will take the council's own returns and keep them behind "
        "sign-in.", icon=":material/construction:")
st.markdown(
    """
It will hold, for officers only:

- **Upload of LA-held early returns** as a CSV in a documented template (a downloadable template with an
  example row): school-level EYFSP (good level of development, average points), phonics (Year 1 and by the
  end of Year 2), KS1 (reading, writing and maths at the expected standard and greater depth), the
  multiplication tables check, and early KS2 results.
- **Validation before anything is stored**, every problem listed in one table (row, column, value, rule); a
  file with any error is refused whole.
- **Status of every figure**: *unvalidated* until the official figure for the same school, measure and year
  is loaded, then *superseded*, shown beside the official value with the difference.
"""
)
st.caption(f"You see this page because {auth.officer_basis()}.")
