"""Measurement tools for issue 15 (run by hand, not tests): many sessions over Streamlit's websocket
(`python -m bench.load`) and filter changes in a real Chromium against bare pages of the same shape
(`python -m bench.browser`), both against `streamlit run app.py` as `bench.server` starts it.
The results before any optimisation are in bench/BEFORE.md."""
