"""Every public page's warm server rerun, served as a browser drives it, against a bare page of the same shape.

`python -m bench served --db FILE [--la CODE]`. bench/pages.py times pages in Streamlit's test harness, which
compiles the page's script again on every run and so overstates what a page costs; here each page runs in a real
`streamlit run` server and bench/load.py's websocket client changes the sidebar year back and forth (a filter every
page has), one rerun after another. The server's CPU time per rerun (every thread: the script, the event loop, the
messages' encoding) is set against the same for bench/pages.FLOOR_SCRIPT - the app's shell and as many charts,
tables, metrics, texts, expanders, downloads, choices, buttons and alerts as the page drew (counted in the test
harness) - served by a second server the same way, its shape taken from the query string, the two taking turns in
blocks of reruns. Both servers read .streamlit/config.toml.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qsl, urlencode

from streamlit.testing.v1 import AppTest

from bench import load
from bench import pages as bench_pages
from bench import server as bench_server
from rutland_data import settings
from rutland_data.navigation import PageEntry, pages_for
from rutland_data.queries import la as la_queries
from rutland_data.reference import codes
from rutland_data.store import db

# Measured reruns a page, after a warm-up pass. CPU time is counted in 10 ms ticks and a warm rerun takes 5-20 ms:
# with 40 reruns, the page's and then the bare page's, a page's ratio moved by up to 0.24 between two runs on a machine
# where reruns take 5-10 ms; with 200 each, taking turns in blocks of 20, by up to 0.06 (Hampshire, four pages, twice).
RERUNS, BLOCKS = 200, 10
TARGET_RATIO = 1.2


def _years(db_path: Path, la: str) -> list[str]:
    """The two latest academic years with results: the filter change every page is driven with."""
    con = db.connect_read_only(db_path)
    try:
        return [codes.academic_year(y) for y in la_queries.years_with_results(con, la)][-2:]
    finally:
        con.close()


def _a_school(db_path: Path, la: str) -> str:
    """The school with the most results in the LA, for the School profile's `?urn=`."""
    con = db.connect_read_only(db_path)
    try:
        return con.execute("SELECT s.urn FROM schools s JOIN school_results r USING (urn) WHERE s.la_code = ? "
                           "GROUP BY s.urn ORDER BY count(*) DESC, s.urn LIMIT 1", [la]).fetchone()[0]
    finally:
        con.close()


def page_counts(entry: PageEntry, params: dict[str, str]) -> dict[str, int]:
    """What the page draws (bench/pages.element_counts), through app.py as a visitor reaches it."""
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "app.py"), default_timeout=300)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if not entry.default:
        at.switch_page(entry.file).run()
    if at.exception:
        raise RuntimeError(f"{entry.url_path}: {[e.message for e in at.exception]}")
    return bench_pages.element_counts(at)


def bare_scenario(db_path: Path, la: str, page: load.Scenario) -> load.Scenario:
    """`page` on the bare page of its shape (served by `bench_pages.floor_script(None)`): each query string with the
    shape the page draws for it (Headlines draws one chart for one phase, five for another) beside the page's own
    parameters (the year changes the bare page's sidebar as it does the page's)."""
    entry = next(e for e in pages_for(officer=False) if e.url_path == page.page or (e.default and not page.page))
    with mock.patch.dict(os.environ, {"DASHBOARD_DB": str(db_path), "DASHBOARD_LA": la}):  # for the test harness
        shapes = {query: page_counts(entry, dict(parse_qsl(query))) for query in dict.fromkeys(page.query_strings)}
    return load.Scenario(f"bare {page.name}", "",
                         tuple(f"{urlencode(shapes[query])}&{query}" for query in page.query_strings))


def _measured_side_by_side(app: bench_server.Server, page: load.Scenario, floor: bench_server.Server,
                           bare: load.Scenario) -> tuple[float, float, float, float]:
    """(page's server CPU ms a rerun, its p50 round trip ms, the same for the bare page) over RERUNS warm reruns of
    each, in BLOCKS alternating blocks, so drift on the shared machine falls on both alike."""
    for server, scenario in ((app, page), (floor, bare)):
        load.drive(server.stream, scenario, 1, None, pid=server.pid, max_reruns=len(scenario.query_strings))
        load.wait_until_idle(server.pid)   # what the warm-up started in the background (the pack's workers) is done
    cpu, trips = {"page": 0.0, "bare": 0.0}, {"page": [], "bare": []}
    for _ in range(BLOCKS):
        for side, server, scenario in (("page", app, page), ("bare", floor, bare)):
            step = load.drive(server.stream, scenario, 1, None, pid=server.pid, max_reruns=RERUNS // BLOCKS)
            if step.errors:
                raise RuntimeError(f"{scenario.name}: {step.errors[:3]}")
            cpu[side] += step.server_cpu_seconds
            trips[side] += step.round_trips
    return (cpu["page"] / len(trips["page"]) * 1000, statistics.median(trips["page"]) * 1000,
            cpu["bare"] / len(trips["bare"]) * 1000, statistics.median(trips["bare"]) * 1000)


@dataclass(frozen=True)
class PageMeasure:
    url_path: str
    page_cpu_ms: float     # server CPU a rerun
    page_p50_ms: float     # round trip
    floor_cpu_ms: float
    floor_p50_ms: float
    counts: dict[str, int]

    @property
    def ratio(self) -> float:
        return self.page_cpu_ms / self.floor_cpu_ms


def measure_pages(db_path: Path, la: str, only: tuple[str, ...] = (),
                  params: dict[str, dict[str, str]] | None = None) -> list[PageMeasure]:
    """Every public page (or `only` these URL paths), each with `params[url_path]` in its query string beside the
    year (bench/schools.py: the national database's Schools page for one measure), against its floor."""
    with mock.patch.dict(os.environ, {"DASHBOARD_DB": str(db_path), "DASHBOARD_LA": la}):  # for the test harness
        years = _years(db_path, la)
        measured = []
        with tempfile.TemporaryDirectory() as scratch:
            floor_file = Path(scratch) / "floor.py"
            floor_file.write_text(bench_pages.floor_script(None))
            with bench_server.serve(db_path, la) as app_server, \
                    bench_server.serve(db_path, la, script=floor_file) as floor:
                for entry in [e for e in pages_for(officer=False) if not only or e.url_path in only]:
                    fixed = dict((params or {}).get(entry.url_path, {}))
                    if entry.url_path == "school":
                        fixed.setdefault("urn", _a_school(db_path, la))
                    counts = page_counts(entry, {**fixed, "year": years[-1]})
                    page = load.Scenario(entry.title, "" if entry.default else entry.url_path,
                                         tuple(urlencode({**fixed, "year": year}) for year in years))
                    bare = load.Scenario("floor", "", tuple(urlencode({**counts, "year": year}) for year in years))
                    page_cpu, page_p50, bare_cpu, bare_p50 = _measured_side_by_side(app_server, page, floor, bare)
                    measured.append(PageMeasure(entry.url_path, page_cpu, page_p50, bare_cpu, bare_p50, counts))
        return measured


def run(db_path: Path | None = None, la: str | None = None, only: tuple[str, ...] = (),
        params: dict[str, dict[str, str]] | None = None) -> list[str]:
    """`measure_pages` as a table."""
    configured = settings.load()
    db_path, la = db_path or configured.db_path, la or configured.la_code
    lines = [f"served reruns: each public page, one session changing the year {RERUNS} times after a warm-up, "
             f"against a bare page of the same shape served alike; database {db_path}, LA {la}; "
             f"load average {os.getloadavg()[0]:.1f} at start",
             f"  {'page':<18} {'page CPU ms':>11} {'floor CPU ms':>12} {'ratio':>6} {'page p50 ms':>11} "
             f"{'floor p50 ms':>12}  verdict  shape"]
    measured = measure_pages(db_path, la, only, params)
    for m in measured:
        shape = " ".join(f"{kind}={count}" for kind, count in m.counts.items() if count)
        lines.append(f"  {m.url_path or '/':<18} {m.page_cpu_ms:>11.1f} {m.floor_cpu_ms:>12.1f} {m.ratio:>6.2f} "
                     f"{m.page_p50_ms:>11.0f} {m.floor_p50_ms:>12.0f}  "
                     f"{'met' if m.ratio <= TARGET_RATIO else 'NOT met':<7}  {shape}")
    ratios = [m.ratio for m in measured]
    lines.append(f"  pages at or under {TARGET_RATIO}x their floor: {sum(r <= TARGET_RATIO for r in ratios)} of "
                 f"{len(ratios)}; median ratio {statistics.median(ratios):.2f}; load average {os.getloadavg()[0]:.1f} "
                 "at end")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench served", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="database file (default: DASHBOARD_DB or data/rutland.duckdb)")
    parser.add_argument("--la", help="LA code (default: DASHBOARD_LA or 857)")
    parser.add_argument("--pages", nargs="+", default=(), help="only these URL paths (default: every public page)")
    args = parser.parse_args(argv)
    for line in run(args.db, args.la, tuple(args.pages)):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
