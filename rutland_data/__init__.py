"""Data layer of the education performance dashboard: everything that is not UI.

Nothing in this package imports streamlit except `ui/`, the one small UI helper package the
app and its pages share; pages call into it.
"""
