"""Benchmark for the board pack (not a test): time to build the full pack - every section, all charts,
PowerPoint and PDF - from a fresh demo database, for 2016/17.

Run through `python -m bench run`.
Target (issue 6): a full board pack in <= 10 s on the 2-core machine.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import altair as alt
import pandas as pd

from rutland_data import settings
from rutland_data.exports import board_pack
from rutland_data.ingest import build
from rutland_data.store import db
from rutland_data.exports import summary

TARGET_SECONDS = 10.0
YEAR = 2017


def _demo_database(folder: Path) -> Path:
    path = folder / "bench_meetings.duckdb"
    previous = os.environ.get("DASHBOARD_DB")
    os.environ["DASHBOARD_DB"] = str(path)
    try:
        build.build_demo(settings.load())
    finally:
        if previous is None:
            os.environ.pop("DASHBOARD_DB")
        else:
            os.environ["DASHBOARD_DB"] = previous
    return path


def run() -> list[str]:
    with tempfile.TemporaryDirectory() as scratch:
        con = db.connect_read_only(_demo_database(Path(scratch)))
        try:
            started = time.perf_counter()
            board_pack.rendered(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").to_dict())  # vl-convert's start-up
            startup = time.perf_counter() - started
            started = time.perf_counter()
            generated = summary.build(con, "857", YEAR)
            summary_seconds = time.perf_counter() - started
            first = board_pack.build(con, "857", YEAR)
            second = board_pack.build(con, "857", YEAR)
        finally:
            con.close()
    charts = sum(1 for s in first.slides if s.chart_png)
    verdict = "met" if first.seconds <= TARGET_SECONDS else "NOT met"
    return [
        f"board pack, all {len(generated.sections)} sections, {len(first.slides)} slides ({charts} charts): "
        f"{first.seconds:.1f} s first build, {second.seconds:.1f} s rebuild (charts reused from the in-process cache) "
        f"(target <= {TARGET_SECONDS:.0f} s: {verdict}); vl-convert start-up {startup:.1f} s (once per process)",
        f"  of which the summary (all sections) {summary_seconds:.1f} s; PowerPoint {len(first.pptx) / 1e6:.1f} MB, "
        f"PDF {len(first.pdf) / 1e6:.1f} MB; identical bytes on rebuild: "
        f"{first.pptx == second.pptx and first.pdf == second.pdf}",
        f"  machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} while running",
    ]


if __name__ == "__main__":
    print("\n".join(run()))
