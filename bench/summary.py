"""Issue 15's figures in one table, each beside its floor or target and the ratio (a benchmark, run by hand).

    python -m bench summary --db REAL.duckdb [--la 857] [--from DIR] [--seconds 30] [--browser]

Rows, each measured here by the same code as its own benchmark:
- with `--from DIR`: the build (a process of its own) against DuckDB's raw read of the same files, target 2x, and
  its peak memory against 1 GB (bench/pages.py);
- every public page's warm rerun, served, against its bare page: server CPU per rerun, target 1.2x (bench/served.py);
- 25 sessions changing the Headlines filters back to back for `--seconds` (bench/load.py): p95 round trip against
  1 s and against the same load on Headlines' bare page (bench/served.py), and the time per rerun (1 / reruns a
  second) against 40 ms (25 reruns a second);
- the board pack's first build after the Meetings page has written its summary (what the click waits for; the
  summary's own time beside it) against 5 s, and an unchanged rebuild as the Meetings page asks for it against 1 s
  (bench/meetings.py);
- on the synthetic national database (bench/schools.py): the masking query for the largest LA against 50 ms, and
  its Schools page served against its bare page.
- with `--browser`: every public page's filter change in Chromium until every chart has drawn, p50 and p95 over 20
  changes, against its bare page, target 1.2x (bench/browser.py; about ten minutes more).
A row with errors (a failed rerun, an exception shown in the browser) does not meet its target.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import browser, load, meetings, schools, served
from bench import pages as bench_pages
from bench import server as bench_server
from bench.stats import percentile
from rutland_data import settings
from rutland_data.exports import board_pack, pack_workers, summary
from rutland_data.queries import schools as school_queries
from rutland_data.store import db

SESSIONS = 25
PACK_YEAR = 2024


@dataclass(frozen=True)
class Row:
    figure: str
    value: float
    reference: float       # the floor measured beside it, or the target itself
    reference_is: str      # "floor" or "target"
    unit: str
    target_ratio: float    # value / reference at or under this meets the target
    errors: int = 0        # and only with no errors

    @property
    def ratio(self) -> float:
        return self.value / self.reference

    @property
    def measured(self) -> bool:
        return self.errors > 0 or not math.isnan(self.value)

    @property
    def met(self) -> bool:
        return self.errors == 0 and self.ratio <= self.target_ratio

    @property
    def verdict(self) -> str:
        return "met" if self.met else "NOT met" if self.measured else "not measured"


def _build_rows(source: Path, scratch: Path) -> list[Row]:
    raw = bench_pages.raw_read_seconds(source)
    seconds, peak_mb = bench_pages.build_in_subprocess(source, scratch / "build.duckdb")
    return [Row("build from the official files (process)", seconds, raw, "floor", "s", 2.0),
            Row("build peak memory", peak_mb, 1024.0, "target", "MB", 1.0)]


def _page_rows(db_path: Path, la: str) -> list[Row]:
    return [Row(f"served rerun, /{m.url_path}", m.page_cpu_ms, m.floor_cpu_ms, "floor", "ms CPU", served.TARGET_RATIO)
            for m in served.measure_pages(db_path, la)]


def _load_rows(db_path: Path, la: str, seconds: float) -> list[Row]:
    """The sessions on Headlines, then on the bare page of its shape (the same load on Streamlit alone)."""
    scenario = load.headlines_scenario(db_path, la)
    bare = served.bare_scenario(db_path, la, scenario)
    steps = []
    with tempfile.TemporaryDirectory() as scratch:
        floor_file = Path(scratch) / "floor.py"
        floor_file.write_text(bench_pages.floor_script(None))
        for script, driven in ((settings.PROJECT_ROOT / "app.py", scenario), (floor_file, bare)):
            with bench_server.serve(db_path, la, script=script) as server:
                load.drive(server.stream, driven, 1, None, pid=server.pid, max_reruns=len(driven.query_strings))
                steps.append(load.drive(server.stream, driven, SESSIONS, seconds, pid=server.pid))
    step, floor = steps
    p95, floor_p95 = (percentile(s.round_trips, .95) * 1000 for s in steps)
    errors = len(step.errors) + len(floor.errors)
    return [Row(f"{SESSIONS} sessions on Headlines: p95 round trip ({len(step.errors)} errors)",
                p95, 1000.0, "target", "ms", 1.0, len(step.errors)),
            Row(f"{SESSIONS} sessions: Headlines p95 against its bare page's ({errors} errors)", p95, floor_p95,
                "floor", "ms", served.TARGET_RATIO, errors),
            Row(f"{SESSIONS} sessions: time per rerun served (1 / reruns a second)", step.seconds / len(step.round_trips)
                * 1000, 40.0, "target", "ms", 1.0)]


def _pack_rows(db_path: Path, la: str) -> list[Row]:
    """The pack as a user waits for it: the Meetings page has shown its summary, then "Build board pack" is clicked
    (bench/meetings.py); the summary's own time is given in the row's name."""
    pack_workers.warm()  # once per server process, as the Meetings page starts them
    con = db.connect_read_only(db_path)
    try:
        sections, summary_sections = meetings.page_sections(con, la)
        started = time.perf_counter()
        summary.build_once(con, la, PACK_YEAR, summary_sections)
        summary_seconds = time.perf_counter() - started
        first = board_pack.build(con, la, PACK_YEAR, sections)
    finally:
        con.close()
    _, again = meetings.page_rebuild_seconds(db_path, la, PACK_YEAR)
    return [Row(f"board pack, first build on the click (summary {summary_seconds:.1f} s before)", first.seconds,
                meetings.TARGET_SECONDS, "target", "s", 1.0),
            Row("board pack, unchanged rebuild (Meetings page)", again, 1.0, "target", "s", 1.0)]


def _national_rows(scratch: Path) -> list[Row]:
    path = scratch / "national.duckdb"
    schools.generate(path).close()
    con = db.Snapshot(path).cursor()
    end_year = schools.FIRST_YEAR + schools.YEARS - 1
    masking_ms = schools.median_ms(lambda: school_queries.masking(con, schools.LARGEST_LA, schools.SCHOOL_MEASURE,
                                                                    end_year))
    con.close()
    page = served.measure_pages(path, schools.LARGEST_LA, only=("schools",), params={
        "schools": {"key_stage": "Primary (KS2)", "measure": schools.SCHOOL_MEASURE}})[0]
    return [Row(f"national DB: masking query, LA {schools.LARGEST_LA}", masking_ms, schools.QUERY_TARGET_MS, "target",
                "ms", 1.0),
            Row(f"national DB: served Schools page, LA {schools.LARGEST_LA}", page.page_cpu_ms, page.floor_cpu_ms,
                "floor", "ms CPU", served.TARGET_RATIO)]


def _browser_rows(db_path: Path, la: str) -> list[Row]:
    timings, unmeasured, failures = browser.measure_pages(db_path, la)
    found = [Row(f"browser filter change {name}, /{timing.shape.page}" + (f" ({timing.errors} errors)"
                                                                          if timing.errors else ""),
                 percentile(timing.page_times, share) * 1000, percentile(timing.bare_times, share) * 1000, "floor",
                 "ms", browser.TARGET_RATIO, timing.errors)
             for timing in timings for name, share in (("p50", .5), ("p95", .95))]
    return found + [Row(f"browser{line.strip()[:54]}", float("nan"), 1.0, "floor", "ms", browser.TARGET_RATIO,
                        errors) for errors, lines in ((1, failures), (0, unmeasured)) for line in lines]


def rows(db_path: Path, la: str, source: Path | None, seconds: float, in_browser: bool = False) -> list[Row]:
    with tempfile.TemporaryDirectory() as scratch:
        found = _build_rows(source, Path(scratch)) if source else []
        found += _page_rows(db_path, la)
        found += _browser_rows(db_path, la) if in_browser else []
        found += _load_rows(db_path, la, seconds)
        found += _pack_rows(db_path, la)
        found += _national_rows(Path(scratch))
    return found


def table(found: list[Row]) -> list[str]:
    lines = [f"  {'figure':<62} {'value':>9} {'floor/target':>14} {'unit':<7} {'ratio':>6} {'target':>7}  verdict"]
    for row in found:
        lines.append(f"  {row.figure:<62} {row.value:>9.1f} {row.reference:>9.1f} {row.reference_is:<4} {row.unit:<7} "
                     f"{row.ratio:>6.2f} {'<= ' + format(row.target_ratio, 'g'):>7}  "
                     f"{row.verdict}")
    measured = [row for row in found if row.measured]
    lines.append(f"  {sum(row.met for row in measured)} of {len(measured)} rows meet their target"
                 + (f"; {len(found) - len(measured)} not measured" if len(measured) < len(found) else ""))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench summary", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="a real build (python -m rutland_data build --from)")
    parser.add_argument("--la", help="LA code (default: DASHBOARD_LA or 857)")
    parser.add_argument("--from", dest="source", type=Path, help="the official files, to time the build on")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the 25-session step")
    parser.add_argument("--browser", action="store_true", help="add every page's filter change in Chromium")
    args = parser.parse_args(argv)
    la = args.la or settings.load().la_code
    started = time.perf_counter()
    print(f"issue 15 summary: database {args.db}, LA {la}; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at start", flush=True)
    print("\n".join(table(rows(args.db, la, args.source, args.seconds, args.browser))))
    print(f"  took {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
