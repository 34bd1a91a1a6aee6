"""The load client (bench/load.py) over Streamlit's websocket: a few reruns against a real `streamlit run`.

It must see each rerun through to `script_finished`, change a URL-bound widget with the query string alone
(what every load session does), and count an exception element as an error. No timing is asserted.
"""
from __future__ import annotations

from bench import load, server

APP = '''
import streamlit as st

choice = st.pills("Choice", ["calm", "boom"], default="calm", key="choice", bind="query-params")
if choice == "boom":
    raise RuntimeError("the page raised")
st.write("calm")
'''


def test_load_client_finishes_reruns_and_counts_exceptions(tmp_path):
    script = tmp_path / "bench_app.py"
    script.write_text(APP)
    scenario = load.Scenario("test", "", ("choice=calm", "choice=boom"))
    with server.serve(tmp_path / "unused.duckdb", script=script, log=tmp_path / "streamlit.log") as served:
        step = load.drive(served.stream, scenario, sessions=2, seconds=None, pid=served.pid, max_reruns=4)
    # Each session: a first load, then 4 reruns, each until script_finished.
    assert [r.first_load is not None for r in step.results] == [True, True]
    assert [len(r.round_trips) for r in step.results] == [4, 4]
    # Session 0 sends calm, boom, calm, boom, calm; session 1 starts one later: boom, calm, boom, calm, boom.
    # Every "boom" is an exception element, and only those are errors.
    assert [len(r.errors) for r in step.results] == [2, 3]
    assert all(error.startswith("exception:") for error in step.errors)
    assert step.rss_open_mb > 0 and step.server_cpu_seconds > 0
