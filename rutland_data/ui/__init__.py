"""The dashboard's one UI helper package: the only code besides `app.py` and `pages/` that imports
streamlit. It holds what pages share (cached queries, the chart block, routing through app.py's
navigation); `pages/` holds only pages, so Streamlit's page discovery never mistakes a helper for a page."""
