"""Benchmark of the deprivation map: warm render with every England IoD2019 row loaded, against a
bare page with the same elements (the floor of bench/pages.py), and the size of the map's JSON
sent to the browser.

Run with `python -m bench run`. Uses the real geography files when they are beside
the project (../shared/data/geo); otherwise the demo database plus 32,844 generated England rows,
so the query still has to pick Rutland's LSOAs out of the whole country.
"""
from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from rutland_data import settings
from bench import pages as bench
from rutland_data.ingest import build
from rutland_data.reference.codes import LSOAS_IN_ENGLAND

PAGE = settings.PROJECT_ROOT / "pages" / "deprivation-map.py"
RUNS = 5
PAYLOAD_TARGET_BYTES = 300_000
RENDER_TARGET_RATIO = 1.2


def _build(db_path: Path, england: bool = True) -> str:
    """Build the benchmark database; return a description of what it holds.

    england=False links only the Rutland extracts into a scratch folder (links, not copies), to show
    what the 32,844 England rows cost."""
    os.environ["DASHBOARD_DB"] = str(db_path)
    configured = settings.load()
    geo = settings.SHARED_DATA / "geo"
    if geo.is_dir():
        if england:
            build.build_from(geo, configured)
            _name_the_la(db_path)
            return "real ONS boundaries and IoD files (../shared/data/geo)"
        rutland_only = db_path.parent / "rutland_only"
        rutland_only.mkdir(parents=True)
        for path in geo.iterdir():
            if path.is_file() and path.suffix in (".csv", ".geojson"):
                (rutland_only / path.name).symlink_to(path)
        build.build_from(rutland_only, configured)
        _name_the_la(db_path)
        return "real ONS boundaries and Rutland's IoD extracts only"
    build.build_demo(configured)
    if not england:
        return "demo database"
    con = duckdb.connect(str(db_path))
    try:
        source_id = con.execute("SELECT max(source_id) + 1 FROM sources").fetchone()[0]
        con.execute("INSERT INTO sources VALUES (?, 'benchmark: generated England rows', '-', 'bench_maps', "
                    "'benchmark', 'Not real data', ?, now(), TRUE, NULL, NULL)", [source_id, LSOAS_IN_ENGLAND["2011"]])
        con.execute(
            """INSERT INTO deprivation
            SELECT 2019, 'E01' || lpad(i::TEXT, 6, '0'), '2011', 'imd', NULL, i, 1 + (i - 1) * 10 // ?, NULL, ?, i
            FROM range(1, ? + 1) t(i)""",
            [LSOAS_IN_ENGLAND["2011"], source_id, LSOAS_IN_ENGLAND["2011"]])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return "demo database plus 32,844 generated England IoD2019 rows (real files not found)"


def _name_the_la(db_path: Path) -> None:
    """A geography-only build has no `areas` row for the LA (LAIT and EES files add it); add Rutland's."""
    with duckdb.connect(str(db_path)) as con:
        con.execute("INSERT OR IGNORE INTO areas VALUES ('857', 'Rutland', 'la', 857, 'E06000017', 'E12000004', TRUE)")


def _timed_runs(at) -> tuple[float, float]:
    """(first run, median of RUNS reruns after it) in seconds."""
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    if at.exception:
        raise RuntimeError(f"page raised: {at.exception[0].value}")
    return first, statistics.median(times)


def _measure_page(folder: Path, england: bool):
    """(what the database holds, IoD2019 IMD rows, first render, warm render, the AppTest)."""
    from streamlit.testing.v1 import AppTest

    folder.mkdir(parents=True)
    db_path = folder / "bench.duckdb"
    holds = _build(db_path, england)
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM deprivation WHERE edition = 2019 AND indicator = 'imd'").fetchone()[0]
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.query_params["iod_edition"] = "IoD2019"
    first, warm = _timed_runs(at)
    return holds, rows, first, warm, at


def run() -> list[str]:
    from streamlit.testing.v1 import AppTest

    previous = os.environ.get("DASHBOARD_DB")
    with tempfile.TemporaryDirectory() as scratch:
        try:
            holds, england_rows, first, warm, page = _measure_page(Path(scratch) / "england", True)
            counts = bench.element_counts(page)
            deck_json = page.get("deck_gl_json_chart")[0].proto.json
            _, floor = _timed_runs(AppTest.from_string(bench.floor_script(counts), default_timeout=120))
            small_holds, small_rows, small_first, small_warm, _ = _measure_page(Path(scratch) / "rutland", False)
        finally:
            if previous is None:
                os.environ.pop("DASHBOARD_DB", None)
            else:
                os.environ["DASHBOARD_DB"] = previous
    payload = len(deck_json.encode("utf-8"))
    ratio = warm / floor
    layers = [item["id"] for item in json.loads(deck_json)["layers"]]
    return [
        f"data: {holds}; IoD2019 IMD rows loaded: {england_rows:,}",
        f"deprivation map, IoD2019: first render {first * 1000:.0f} ms; warm render median {warm * 1000:.0f} ms "
        f"over {RUNS} reruns",
        f"bare page with the same elements {counts}: warm render median {floor * 1000:.0f} ms",
        f"ratio {ratio:.2f}x (target <= {RENDER_TARGET_RATIO}x): "
        f"{'met' if ratio <= RENDER_TARGET_RATIO else 'NOT met'}",
        f"same page on {small_holds} ({small_rows:,} IMD rows): first render {small_first * 1000:.0f} ms; warm "
        f"{small_warm * 1000:.0f} ms (England's rows change the warm render by {(warm / small_warm - 1) * 100:+.0f}%)",
        f"Rutland map JSON sent to the browser: {payload / 1000:.0f} KB, layers {', '.join(layers)} "
        f"(target <= {PAYLOAD_TARGET_BYTES // 1000} KB): {'met' if payload <= PAYLOAD_TARGET_BYTES else 'NOT met'}",
    ]


if __name__ == "__main__":
    for line in run():
        print(line)
