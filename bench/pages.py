"""Benchmark (run by hand, not a test): build time against the raw-read floor, database size,
peak memory, and each page's warm render time against a bare page of the same elements.

`python -m bench [--from DIR]` runs this, then the feature benchmarks (bench/maps.py, meetings.py,
schools.py: each a `run() -> list[str]`); `python -m bench fuzz [--from DIR]` runs every intake
mutation instead (bench/fuzz.py).
"""
from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import duckdb

from rutland_data import settings
from rutland_data.ingest import build
from rutland_data.navigation import pages_for

TIMED_RUNS = 5


def _raw_read_seconds(root: Path) -> float:
    """The floor: DuckDB reading every file the build loads, doing nothing else with it."""
    planned, _ = build.plan(root)
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as scratch:
        paths = []
        for source, _importer in planned:
            if source.member is not None:
                with zipfile.ZipFile(source.path) as archive:
                    paths.append(Path(archive.extract(source.member, scratch)))
            else:
                paths.append(source.path)
        started = time.perf_counter()
        for path in paths:
            name = path.name.lower()
            if name.endswith(".parquet"):
                reader = "read_parquet(?)"
            elif name.endswith(".geojson"):
                reader = "read_json_objects(?)"
            else:
                reader = "read_csv(?, all_varchar = true, header = true, ignore_errors = true)"
            con.execute(f"SELECT count(*) FROM {reader}", [str(path)]).fetchall()
        return time.perf_counter() - started


def _build_in_subprocess(root: Path, db_path: Path) -> tuple[float, float]:
    """(seconds, peak resident memory in MB) of a build in a process of its own."""
    env = {**os.environ, "DASHBOARD_DB": str(db_path)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rutland_data", "build", "--from", str(root)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak_kb / 1024


def _element_counts(at) -> dict[str, int]:
    return {
        "charts": len(at.get("vega_lite_chart")),
        "tables": len(at.dataframe),
        "metrics": len(at.metric),
        "maps": len(at.get("deck_gl_json_chart")),
    }


def _median_rerun_seconds(at) -> float:
    at.run()  # warm caches
    times = []
    for _ in range(TIMED_RUNS):
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


FLOOR_SCRIPT = '''
import altair as alt, pandas as pd, pydeck as pdk, streamlit as st
counts = {counts!r}
data = pd.DataFrame({{"x": [1, 2, 3, 4], "y": [3, 1, 4, 1], "s": list("abab")}})
st.title("Floor")
for i in range(counts["metrics"]):
    st.metric(f"m{{i}}", "67%", "+1")
for i in range(counts["charts"]):
    st.altair_chart(alt.Chart(data).mark_line(point=True).encode(x="x:Q", y="y:Q", color="s:N"), key=f"c{{i}}")
for i in range(counts["tables"]):
    st.dataframe(data, key=f"t{{i}}")
for i in range(counts["maps"]):
    st.pydeck_chart(pdk.Deck(layers=[pdk.Layer("ScatterplotLayer", data=[{{"p": [-0.7, 52.6]}}], get_position="p")],
                             map_provider=None), key=f"d{{i}}")
'''


def page_render_lines(db_path: Path) -> list[str]:
    from streamlit.testing.v1 import AppTest

    os.environ["DASHBOARD_DB"] = str(db_path)
    lines = ["page render (warm, median of 5 AppTest reruns) vs bare page with the same elements:"]
    app_file = str(settings.PROJECT_ROOT / "app.py")
    for entry in pages_for(officer=False):  # officer pages need a signed-in officer
        at = AppTest.from_file(app_file, default_timeout=300)
        at.run()
        at.switch_page(entry.file).run()
        page_seconds = _median_rerun_seconds(at)
        counts = _element_counts(at)
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as floor_file:
            floor_file.write(FLOOR_SCRIPT.format(counts=counts))
        floor = AppTest.from_file(floor_file.name, default_timeout=300)
        floor_seconds = _median_rerun_seconds(floor)
        os.unlink(floor_file.name)
        lines.append(f"  {entry.url_path:<18} {page_seconds * 1000:7.0f} ms   floor {floor_seconds * 1000:6.0f} ms   "
                     f"ratio {page_seconds / floor_seconds:4.2f}   ({counts})")
    return lines


def run(source: Path | None = None) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as scratch:
        db_path = Path(scratch) / "bench.duckdb"
        if source is not None:
            raw = _raw_read_seconds(source)
            seconds, peak_mb = _build_in_subprocess(source, db_path)
            lines.append(f"build from {source}: {seconds:.1f} s (process incl. start-up); DuckDB raw read of the same "
                         f"files {raw:.1f} s; ratio {seconds / raw:.2f}; peak memory {peak_mb:.0f} MB; "
                         f"database {db_path.stat().st_size / 1e6:.1f} MB")
        else:
            os.environ["DASHBOARD_DB"] = str(db_path)
            started = time.perf_counter()
            build.build_demo(settings.load())
            lines.append(f"demo build: {time.perf_counter() - started:.1f} s; database "
                         f"{db_path.stat().st_size / 1e6:.1f} MB")
        lines.extend(page_render_lines(db_path))
    return lines
