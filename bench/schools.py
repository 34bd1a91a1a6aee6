"""Benchmark for the Schools page at all-England size (not a test): 20,000 schools x 10 years x 30
measures in a temporary DuckDB, timing the masking query and the page's warm render.

Run with `python -m bench run` (or `schools.run()` alone). Targets (issue 3): masking query <= 50 ms;
warm page render <= 1.2 x the bare-page floor (a page that only draws a title).
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from rutland_data.store import db
from rutland_data.reference import measures
from rutland_data.queries import schools as school_queries
from rutland_data.settings import PROJECT_ROOT

SCHOOLS, YEARS, MEASURES, LAS = 20_000, 10, 30, 150
FIRST_YEAR = 2016
QUERY_TARGET_MS = 50.0
PAGE_TARGET_RATIO = 1.2
BARE_PAGE = """
from rutland_data.ui import common
common.page_header("Floor", "A page with nothing on it.")
common.data_version()
"""


def generate(path: Path) -> duckdb.DuckDBPyConnection:
    """A database with the real schema and dictionary and synthetic school rows (deterministic: hash-based)."""
    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")
    db.apply_schema(con)
    measures.load_dictionary(con)
    measure_ids = [m.measure_id for m in measures.read_dictionary()
                   if m.measure_id.startswith(("ks2_", "ks4_", "ks5_", "abs_", "school_"))][:MEASURES]
    con.execute("CREATE TEMP TABLE bench_measures AS SELECT * FROM (VALUES "
                + ", ".join(f"('{m}', {i})" for i, m in enumerate(measure_ids)) + ") t(measure_id, position)")
    con.execute("INSERT INTO sources VALUES (1, 'benchmark', '-', 'bench', 'bench', 'none', 0, now(), true, NULL, NULL)")
    con.execute(
        f"""
        INSERT INTO areas SELECT 'E92000001', 'England', 'england', 970, NULL, NULL, true;
        INSERT INTO areas SELECT CAST(800 + i AS TEXT), 'Bench LA ' || i, 'la', 800 + i, NULL, NULL, true
        FROM range({LAS}) r(i);
        INSERT INTO schools
        SELECT CAST(100000 + i AS TEXT), 'School ' || i, CAST(800 + i % {LAS} AS TEXT), CAST(2000 + i AS TEXT),
               CASE WHEN i % 5 = 0 THEN 'Secondary' ELSE 'Primary' END, 'Academy converter', NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL, true, 1, 'state-funded mainstream', NULL, NULL
        FROM range({SCHOOLS}) r(i);
        """
    )
    # Rows arrive as the importers write them: a year's file at a time, one measure (column) after another.
    con.execute(
        f"""
        INSERT INTO school_results
        SELECT s.urn, y.year, (y.year - 1) || '/' || right(CAST(y.year AS TEXT), 2), m.measure_id, 'all',
               10 + hash(s.urn, y.year) % 190 AS n,
               round(40 + (hash(s.urn, m.measure_id, y.year) % 5000) / 100.0, 0) AS value, NULL,
               NULL, NULL, NULL, NULL, 'final', 1, row_number() OVER (), 'TPUP'
        FROM range({FIRST_YEAR}, {FIRST_YEAR + YEARS}) y(year)
        CROSS JOIN schools s CROSS JOIN bench_measures m
        ORDER BY y.year, m.measure_id, s.urn
        """
    )
    # No interval is stored, as for a file that publishes none: the queries compute each one when read.
    con.execute(
        f"""
        INSERT INTO school_benchmarks
        SELECT a.area_code, 'all', y.year, (y.year - 1) || '/' || right(CAST(y.year AS TEXT), 2), m.measure_id, 'all',
               NULL, 64.0, NULL, NULL, NULL, 'final', 1, 1
        FROM (SELECT area_code FROM areas) a CROSS JOIN range({FIRST_YEAR}, {FIRST_YEAR + YEARS}) y(year)
        CROSS JOIN bench_measures m
        """
    )
    con.execute("CHECKPOINT")
    return con


def _timed(function, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _page_times(db_path: Path, repeats: int) -> tuple[float, float] | None:
    """Median warm render (ms) of the Schools page and of a bare page, with AppTest."""
    try:
        from streamlit.testing.v1 import AppTest
    except ImportError:
        return None
    previous = {k: os.environ.get(k) for k in ("DASHBOARD_DB", "DASHBOARD_LA")}
    os.environ["DASHBOARD_DB"], os.environ["DASHBOARD_LA"] = str(db_path), "857"
    try:
        page = AppTest.from_file(str(PROJECT_ROOT / "pages" / "schools.py"), default_timeout=300)
        page.query_params.update({"key_stage": "Primary (KS2)", "measure": "ks2_rwm_exp"})
        page.run()  # cold: fills the caches
        if page.exception:
            raise RuntimeError(f"the Schools page failed: {page.exception[0].message}")
        # The floor: this app's cheapest page - the shared helpers, the cached connection, a title.
        floor = AppTest.from_string(BARE_PAGE, default_timeout=60)
        floor.run()
        page_ms = statistics.median(_timed(page.run, repeats))
        floor_ms = statistics.median(_timed(floor.run, repeats))
        return page_ms, floor_ms
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run(repeats: int = 20, include_page: bool = True) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        start = time.perf_counter()
        con = generate(path)
        rows = con.execute("SELECT count(*) FROM school_results").fetchall()[0][0]
        lines.append(f"generated {rows:,} school results ({SCHOOLS:,} schools x {YEARS} years x {MEASURES} measures) "
                     f"in {time.perf_counter() - start:.1f} s; {os.cpu_count()} CPU(s)")
        la_code = "857"  # 20000 / 150 LAs = about 133 schools, like a county
        school_queries.masking(con, la_code, "ks2_rwm_exp", 2019)  # warm
        times = _timed(lambda: school_queries.masking(con, la_code, "ks2_rwm_exp", 2019), repeats)
        median = statistics.median(times)
        lines.append(f"masking query (LA {la_code}, {len(school_queries.masking(con, la_code, 'ks2_rwm_exp', 2019))} "
                     f"schools): median {median:.1f} ms, max {max(times):.1f} ms over {repeats} runs; target "
                     f"<= {QUERY_TARGET_MS:.0f} ms: {'met' if median <= QUERY_TARGET_MS else 'NOT met'}")
        con.close()
        if include_page:
            found = _page_times(path, max(3, repeats // 4))
            if found:
                page_ms, floor_ms = found
                ratio = page_ms / floor_ms
                lines.append(f"warm page render (AppTest, Schools page): median {page_ms:.0f} ms; floor of a page "
                             f"with only a title {floor_ms:.0f} ms (bench/pages.py compares with the same elements); ratio {ratio:.1f} (target <= {PAGE_TARGET_RATIO}: "
                             f"{'met' if ratio <= PAGE_TARGET_RATIO else 'NOT met'})")
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
