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
from dataclasses import replace
from pathlib import Path

import duckdb
from streamlit.testing.v1.element_tree import Block

from rutland_data import settings
from rutland_data.ingest import build
from rutland_data.navigation import pages_for

TIMED_RUNS = 9


def raw_read_seconds(root: Path) -> float:
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


def build_in_subprocess(root: Path, db_path: Path) -> tuple[float, float]:
    """(seconds, peak resident memory in MB) of a build in a process of its own."""
    env = {**os.environ, "DASHBOARD_DB": str(db_path)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rutland_data", "build", "--from", str(root)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak_kb / 1024


def build_time_lines(root: Path, db_path: Path, shown: int = 12) -> list[str]:
    """Where a build's time goes, by importer: its files, the seconds reading and validating them (the frame is
    read as text on the first use, so reading is counted here) and the seconds loading them into DuckDB (the
    importer's pandas work and its SQL); the importers that take longest first."""
    started = time.perf_counter()
    report = build.build_from(root, replace(settings.load(), db_path=db_path))
    total = time.perf_counter() - started
    by_importer: dict[str, list[float]] = {}
    for name, importer, _rows, _note in report.loaded:
        files, checking, loading = by_importer.get(importer, [0, 0.0, 0.0])
        by_importer[importer] = [files + 1, checking + report.checking[name],
                                 loading + report.seconds[name] - report.checking[name]]
    ranked = sorted(by_importer.items(), key=lambda item: -(item[1][1] + item[1][2]))
    checking, loading = (sum(v[i] for v in by_importer.values()) for i in (1, 2))
    lines = [f"where the build's time goes (in this process, {total:.1f} s): reading and validating {checking:.1f} s, "
             f"loading {loading:.1f} s, the rest (planning, reference data, digest, writing the file) "
             f"{total - checking - loading:.1f} s; by importer, longest first:"]
    lines.extend(f"  {name[:58]:<58} {files:3d} files  read+validate {check:5.2f} s  load {load:5.2f} s"
                 for name, (files, check, load) in ranked[:shown])
    rest = ranked[shown:]
    if rest:
        lines.append(f"  {len(rest)} other importers: {sum(v[0] for _, v in rest)} files, "
                     f"{sum(v[1] + v[2] for _, v in rest):.2f} s")
    return lines


def _layout_blocks(node) -> int:
    """Columns, containers and tabs under `node` (expanders are counted apart)."""
    blocks = [child for child in getattr(node, "children", {}).values() if isinstance(child, Block)]
    return sum(child.type != "expander" for child in blocks) + sum(_layout_blocks(child) for child in blocks)


def element_counts(at) -> dict[str, int]:
    """What the page draws in its main area, by kind: the floor draws as many of each."""
    main = at.main
    return {
        "charts": len(main.get("vega_lite_chart")),
        "tables": len(main.dataframe),
        "metrics": len(main.metric),
        "maps": len(main.get("deck_gl_json_chart")),
        "texts": len(main.markdown) + len(main.caption) + len(main.subheader) + len(main.header),
        "expanders": len(main.expander),
        "downloads": len(main.get("download_button")),
        "choices": len(main.selectbox) + len(main.radio) + len(main.get("button_group")) + len(main.multiselect)
        + len(main.toggle),
        "blocks": _layout_blocks(main),
        "links": len(main.get("page_link")),
        "buttons": len(main.button),
        "alerts": len(main.info) + len(main.warning) + len(main.error) + len(main.success),
    }


def _interleaved_medians(page, floor) -> tuple[float, float]:
    """Median warm rerun of the page and of its floor, timed turn about so load from other work hits both alike."""
    page.run()  # warm caches
    floor.run()
    page_times, floor_times = [], []
    for _ in range(TIMED_RUNS):
        for at, times in ((page, page_times), (floor, floor_times)):
            started = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - started)
    return statistics.median(page_times), statistics.median(floor_times)


# The bare page: the app's shell (page config, a sidebar with a year selectbox and a comparator radio bound to
# the URL, st.navigation over as many pages, a link to each, a caption) and then as many of each element as the
# page draws, on toy data. Its rerun is what Streamlit itself costs for a page of that shape.
FLOOR_SCRIPT = '''
import pandas as pd, pydeck as pdk, streamlit as st
counts, page_count = {counts}, {page_count!r}
data = pd.DataFrame({{"x": [1, 2, 3, 4], "y": [3, 1, 4, 1], "s": list("abab")}})
# A spec dict, as the app passes its registry figures (an Altair chart would add its schema check to the floor).
spec = {{"mark": {{"type": "line", "point": True}}, "encoding": {{"x": {{"field": "x", "type": "quantitative"}},
        "y": {{"field": "y", "type": "quantitative"}}, "color": {{"field": "s", "type": "nominal"}}}}}}
st.set_page_config(page_title="Floor", layout="wide")
with st.sidebar:
    st.markdown("**Area** education performance")
    st.selectbox("Year", [f"{{y}}/{{y - 1999}}" for y in range(2010, 2024)], index=13, key="year",
                 bind="query-params")
    st.radio("Compare with", ["England", "Region", "Neighbours"], key="comparator", bind="query-params")


def body():
    st.title("Floor")
    for i in range(counts["texts"]):
        st.markdown(f"Some **text** {{i}}")
    for i in range(counts["choices"]):
        st.pills(f"p{{i}}", ["a", "b", "c"], default="a", key=f"p{{i}}")
    for i in range(counts["metrics"]):
        st.metric(f"m{{i}}", "67%", "+1")
    for i in range(counts["charts"]):
        st.vega_lite_chart(data, spec, width="stretch", key=f"c{{i}}")
    for i in range(counts["tables"]):
        st.dataframe(data, key=f"t{{i}}")
    for i in range(counts["expanders"]):
        st.expander(f"e{{i}}").markdown("hidden")
    for i in range(counts["downloads"]):
        st.download_button("Download CSV", b"x,y", file_name="f.csv", key=f"d{{i}}")
    for i in range(counts["links"]):
        st.page_link(pages[i % len(pages)], label=f"Link {{i}}")
    for i in range(counts["blocks"]):
        st.container(border=True, key=f"b{{i}}")
    for i in range(counts["buttons"]):
        st.button(f"Button {{i}}", key=f"button{{i}}")
    for i in range(counts["alerts"]):
        st.info(f"A note {{i}}", icon=":material/info:")
    for i in range(counts["maps"]):
        st.pydeck_chart(pdk.Deck(layers=[pdk.Layer("ScatterplotLayer", data=[{{"p": [-0.7, 52.6]}}],
                                                   get_position="p")], map_provider=None), key=f"map{{i}}")


pages = [st.Page(body, title=f"Page {{i}}", url_path=f"page{{i}}", default=i == 0) for i in range(page_count)]
current = st.navigation(pages, position="hidden")
with st.sidebar:
    st.divider()
    for page in pages:
        st.page_link(page, label=page.title)
    st.divider()
    st.caption("Data version `0123456789ab` built 2026-01-01 00:00:00 UTC")
current.run()
'''


ELEMENT_KINDS = ("charts", "tables", "metrics", "maps", "texts", "expanders", "downloads", "choices", "blocks", "links",
                 "buttons", "alerts")


def floor_script(counts: dict[str, int] | None) -> str:
    """The bare page for a page that drew `counts` (see FLOOR_SCRIPT), with a navigation as long as the app's.
    None: one bare page for every shape, its counts read from the query string (`?charts=5&texts=12`), for a
    server that stands in for every page in turn (bench/served.py)."""
    expression = (repr(counts) if counts is not None else
                  f"{{kind: int(st.query_params.get(kind, 0)) for kind in {ELEMENT_KINDS!r}}}")
    return FLOOR_SCRIPT.format(counts=expression, page_count=len(pages_for(officer=False)))


def page_render_lines(db_path: Path) -> list[str]:
    from streamlit.testing.v1 import AppTest

    os.environ["DASHBOARD_DB"] = str(db_path)
    lines = ["page render (warm, median of 9 AppTest reruns each) vs a bare page with the same shell and elements "
             f"(load average {os.getloadavg()[0]:.1f}):"]
    app_file = str(settings.PROJECT_ROOT / "app.py")
    for entry in pages_for(officer=False):  # officer pages need a signed-in officer
        at = AppTest.from_file(app_file, default_timeout=300)
        at.run()
        at.switch_page(entry.file).run()
        counts = element_counts(at)
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as floor_file:
            floor_file.write(floor_script(counts))
        floor = AppTest.from_file(floor_file.name, default_timeout=300)
        floor.run()
        page_seconds, floor_seconds = _interleaved_medians(at, floor)
        os.unlink(floor_file.name)
        shape = " ".join(f"{kind}={count}" for kind, count in counts.items() if count)
        lines.append(f"  {entry.url_path:<18} {page_seconds * 1000:7.0f} ms   floor {floor_seconds * 1000:6.0f} ms   "
                     f"ratio {page_seconds / floor_seconds:4.2f}   ({shape})")
    return lines


def run(source: Path | None = None) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as scratch:
        db_path = Path(scratch) / "bench.duckdb"
        if source is not None:
            raw = raw_read_seconds(source)
            seconds, peak_mb = build_in_subprocess(source, db_path)
            lines.append(f"build from {source}: {seconds:.1f} s (process incl. start-up); DuckDB raw read of the same "
                         f"files {raw:.1f} s; ratio {seconds / raw:.2f}; peak memory {peak_mb:.0f} MB; "
                         f"database {db_path.stat().st_size / 1e6:.1f} MB")
            lines.extend(build_time_lines(source, Path(scratch) / "timed.duckdb"))
        else:
            os.environ["DASHBOARD_DB"] = str(db_path)
            started = time.perf_counter()
            build.build_demo(settings.load())
            lines.append(f"demo build: {time.perf_counter() - started:.1f} s; database "
                         f"{db_path.stat().st_size / 1e6:.1f} MB")
        lines.extend(page_render_lines(db_path))
    return lines
