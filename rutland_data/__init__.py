"""Data layer of the education performance dashboard: everything that is not UI.

Nothing in this package imports streamlit; pages call into it.
"""
