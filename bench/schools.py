"""National scale (a benchmark, not a test): a synthetic database of 20,000 schools x 10 years x 30 measures
(6 M school results) in all 153 LAs, with LA results for every LA, region and England. It times the masking
query and the Schools page for the largest LA, and the Headlines page and its ranks over all 153 LAs, each
page against a bare page of the same shell and elements (bench/pages.py), the same ranks against the demo's.

Run with `python -m bench run` (or `python -m bench.schools`). Targets (issue 15): masking query <= 50 ms;
the Schools page <= 1.2 x its floor; the Headlines ranks over all LAs no slower than on the demo database.

The rows are made in DuckDB from hashes of their keys (deterministic, no Python per row). The largest LA
(code 850, as Hampshire) has LARGEST_LA_SCHOOLS schools, as Hampshire's ~500; the rest are spread evenly.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import duckdb

from bench import served
from rutland_data import settings
from rutland_data.ingest import build
from rutland_data.queries import la as la_queries
from rutland_data.queries import schools as school_queries
from rutland_data.reference import measures
from rutland_data.store import db

SCHOOLS, YEARS, MEASURES, LAS, REGIONS = 20_000, 10, 30, 153, 9
LARGEST_LA, LARGEST_LA_SCHOOLS = "850", 530
FIRST_YEAR = 2016
QUERY_TARGET_MS = 50.0
REPEATS = 20
SCHOOL_MEASURE = "ks2_rwm_exp"


def _label(year: str) -> str:
    return f"({year} - 1) || '/' || right(CAST({year} AS TEXT), 2)"


def generate(path: Path) -> duckdb.DuckDBPyConnection:
    """The real schema and reference data, with synthetic areas, schools and results (columns by name)."""
    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")
    db.apply_schema(con)
    build.load_reference(con)
    school_ids = [m.measure_id for m in measures.read_dictionary() if "schools" in m.appears_in][:MEASURES]
    extra = [m.measure_id for m in measures.read_dictionary() if m.measure_id.startswith(("ks", "abs_"))
             and m.measure_id not in school_ids]
    school_ids += extra[: MEASURES - len(school_ids)]
    la_ids = list(dict.fromkeys(measures.ids("headlines") + measures.ids("overview")))
    con.execute("CREATE TEMP TABLE bench_measures AS SELECT unnest(?::TEXT[]) AS measure_id", [school_ids])
    con.execute("CREATE TEMP TABLE bench_la_measures AS SELECT unnest(?::TEXT[]) AS measure_id", [la_ids])
    con.execute("CREATE TEMP TABLE bench_years AS SELECT range AS year FROM range(?, ?)",
                [FIRST_YEAR, FIRST_YEAR + YEARS])
    con.execute("""INSERT INTO sources BY NAME SELECT 1 AS source_id, 'benchmark' AS file_name, '-' AS sha256,
                   'bench' AS importer, 'bench' AS publisher, 'none' AS licence, 0 AS rows_loaded,
                   now() AS loaded_at, true AS is_simulated""")
    con.execute(f"""
        INSERT INTO areas BY NAME SELECT 'E92000001' AS area_code, 'England' AS name, 'england' AS level,
               970 AS old_la_code, true AS is_current;
        INSERT INTO areas BY NAME SELECT 'E1200000' || (i + 1) AS area_code, 'Region ' || (i + 1) AS name,
               'region' AS level, true AS is_current FROM range({REGIONS}) r(i);
        INSERT INTO areas BY NAME SELECT CAST(800 + i AS TEXT) AS area_code, 'Bench LA ' || (800 + i) AS name,
               'la' AS level, 800 + i AS old_la_code, 'E1200000' || (i % {REGIONS} + 1) AS region_code,
               true AS is_current FROM range({LAS}) r(i);
        INSERT INTO stat_neighbours BY NAME SELECT '2025-05' AS set_version, CAST(800 + i AS TEXT) AS la_code,
               CAST(800 + (i + k) % {LAS} AS TEXT) AS neighbour_code, k AS rank, 'Close' AS closeness,
               1 AS source_id FROM range({LAS}) r(i) CROSS JOIN range(1, 11) n(k);
        INSERT INTO la_results BY NAME
        SELECT m.measure_id, {_label('y.year')} AS year_label, y.year AS end_year, a.area_code,
               round(20 + hash(a.area_code, m.measure_id, y.year) % 6000 / 100.0, 1) AS value, 'final' AS version,
               1 AS source_id, row_number() OVER () AS source_row
        FROM areas a CROSS JOIN bench_la_measures m CROSS JOIN bench_years y;
        INSERT INTO schools BY NAME
        SELECT CAST(100000 + i AS TEXT) AS urn, 'School ' || i AS name,
               CASE WHEN i < {LARGEST_LA_SCHOOLS} THEN '{LARGEST_LA}'
                    ELSE CAST(800 + (i % ({LAS} - 1) + CASE WHEN i % ({LAS} - 1) >= {int(LARGEST_LA) - 800}
                                                          THEN 1 ELSE 0 END) AS TEXT) END AS la_code,
               CAST(2000 + i AS TEXT) AS estab, CASE WHEN i % 5 = 0 THEN 'Secondary' ELSE 'Primary' END AS phase,
               'Academy converter' AS school_type, true AS is_open, 1 AS source_id,
               'state-funded mainstream' AS comparison_group
        FROM range({SCHOOLS}) r(i);
    """)
    # Rows arrive as the importers write them: a year's file at a time, one measure (column) after another.
    con.execute(f"""
        INSERT INTO school_results BY NAME
        SELECT s.urn, y.year AS end_year, {_label('y.year')} AS year_label, m.measure_id, 'all' AS pupil_group,
               10 + hash(s.urn, y.year) % 190 AS cohort_n,
               round(40 + (hash(s.urn, m.measure_id, y.year) % 5000) / 100.0, 0) AS value, 'final' AS version,
               1 AS source_id, row_number() OVER () AS source_row, 'TPUP' AS cohort_from
        FROM bench_years y CROSS JOIN schools s CROSS JOIN bench_measures m
        ORDER BY y.year, m.measure_id, s.urn
    """)
    # No interval is stored, as for a file that publishes none: the queries compute each one when read.
    con.execute(f"""
        INSERT INTO school_benchmarks BY NAME
        SELECT a.area_code, 'all' AS school_phase, y.year AS end_year, {_label('y.year')} AS year_label,
               m.measure_id, 'all' AS pupil_group, 64.0 AS value, 'final' AS version, 1 AS source_id, 1 AS source_row
        FROM (SELECT area_code FROM areas WHERE level IN ('la', 'england')) a
        CROSS JOIN bench_years y CROSS JOIN bench_measures m
    """)
    db.set_build_info(con, "built_at", "2026-01-01T00:00:00+00:00")
    db.set_build_info(con, "content_sha256", db.content_digest(con))
    con.execute("CHECKPOINT")
    return con


def median_ms(function, repeats: int = REPEATS) -> float:
    function()  # warm
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _ranks_ms(con, year: int) -> float:
    """All the Headlines ranks for one year: every headline measure's values over every LA."""
    return median_ms(lambda: [la_queries.values_for_ranking(con, m, year) for m in measures.ids("headlines")])


def _demo_ranks_ms(folder: Path) -> float:
    path = folder / "demo.duckdb"
    build.build_demo(replace(settings.load(), db_path=path))
    con = db.Snapshot(path).cursor()
    year = con.execute("SELECT max(end_year) FROM la_results").fetchone()[0]
    return _ranks_ms(con, year)


def run(include_pages: bool = True) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "national.duckdb"
        started = time.perf_counter()
        generate(path).close()
        con = db.Snapshot(path).cursor()  # read-only, as the app reads it
        counted = con.execute("SELECT (SELECT count(*) FROM school_results), (SELECT count(*) FROM la_results), "
                              f"(SELECT count(*) FROM schools WHERE la_code = '{LARGEST_LA}')").fetchone()
        lines.append(f"generated {counted[0]:,} school results ({SCHOOLS:,} schools x {YEARS} years x {MEASURES} "
                     f"measures), {counted[1]:,} LA results ({LAS} LAs, {REGIONS} regions, England) in "
                     f"{time.perf_counter() - started:.1f} s; {os.cpu_count()} CPUs, load average "
                     f"{os.getloadavg()[0]:.1f}")
        end_year = FIRST_YEAR + YEARS - 1
        masking_ms = median_ms(lambda: school_queries.masking(con, LARGEST_LA, SCHOOL_MEASURE, end_year))
        lines.append(f"  masking query, largest LA ({LARGEST_LA}, {counted[2]} schools): median {masking_ms:.1f} ms "
                     f"over {REPEATS} runs (target <= {QUERY_TARGET_MS:.0f} ms: "
                     f"{'met' if masking_ms <= QUERY_TARGET_MS else 'NOT met'})")
        national_ranks = _ranks_ms(con, end_year)
        con.close()
        demo_ranks = _demo_ranks_ms(Path(folder))
        lines.append(f"  Headlines ranks, every headline measure over all {LAS} LAs: median {national_ranks:.1f} ms; "
                     f"the same on the demo database {demo_ranks:.1f} ms; ratio {national_ranks / demo_ranks:.2f}")
        if include_pages:
            # Served as a browser drives them (bench/served.py), the year changed back and forth.
            lines.extend(served.run(path, LARGEST_LA, only=("schools", "headlines"), params={
                "schools": {"key_stage": "Primary (KS2)", "measure": SCHOOL_MEASURE}, "headlines": {"phase": "KS2"}}))
    return lines


if __name__ == "__main__":
    print("\n".join(run()), flush=True)
