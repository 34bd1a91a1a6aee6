"""Benchmarks, run by hand (not tests): `python -m bench run [--from DIR]`, `python -m bench fuzz [--from DIR]`,
`python -m bench load --db FILE ...` (many sessions over the websocket: bench/load.py) and
`python -m bench browser --db FILE ...` (filter changes in Chromium against bare pages: bench/browser.py) and
`python -m bench served --db FILE` (every page's warm rerun in a real server against its bare page: bench/served.py)
and `python -m bench summary --db FILE [--from DIR]` (issue 15's figures in one table: bench/summary.py) and
`python -m bench sqlroute [--from DIR]` (one national file loaded by its importer and as DuckDB SQL: bench/sql_route.py).

Outside the dashboard's core, so they may drive pages with Streamlit's test harness and use the UI
package; nothing in `rutland_data` imports them. `run` times the build and every page (bench/pages.py),
then the deprivation map, the meetings outputs and the schools queries (bench/maps.py, meetings.py,
schools.py); `fuzz` builds every intake mutation of the real files (bench/fuzz.py).
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from bench import browser, fuzz, load, maps, meetings, pages, schools, served, sql_route, summary

FEATURES = {"maps": maps, "meetings": meetings, "schools": schools}


def _run(args: argparse.Namespace) -> Iterator[str]:
    """The lines as each part finishes, so a long run shows its progress (and a failing part what came before)."""
    yield from pages.run(Path(args.source) if args.source else None)
    for name, module in FEATURES.items():
        yield f"-- {name}"
        yield from module.run()


def _fuzz(args: argparse.Namespace) -> list[str]:
    return fuzz.report_lines(Path(args.source) if args.source else None)


# benchmarks with their own options (most against a running server)
SERVED = {"load": load, "browser": browser, "served": served, "summary": summary, "sqlroute": sql_route}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] and argv[0] in SERVED:
        return SERVED[argv[0]].main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="build, memory and page-render timings, then the feature benchmarks")
    run.add_argument("--from", dest="source", metavar="DIR", help="official files to time the build on (default: demo)")
    run.set_defaults(lines=_run)
    fuzzing = commands.add_parser("fuzz", help="build every intake mutation of the real files and count the outcomes")
    fuzzing.add_argument("--from", dest="source", metavar="DIR", help="the real files (default ../shared/data)")
    fuzzing.set_defaults(lines=_fuzz)
    for name, module in SERVED.items():
        commands.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0], add_help=False)
    args = parser.parse_args(argv)
    for line in args.lines(args):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
