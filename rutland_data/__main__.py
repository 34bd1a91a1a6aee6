"""Command line: `python -m rutland_data build --demo | --from DIR`, `refresh`, `check`, `load-local FILE`, `pack ...`, and `bench ...`.
`pack` runs the board pack's own command (`python -m rutland_data.exports`) and `bench` the separate benchmark package
(`python -m bench ...`), each in a process of its own, so a build never loads what only they need."""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from rutland_data import settings
from rutland_data.ingest import build
from rutland_data.store import db
from rutland_data.queries import la as la_queries
from rutland_data.queries import sources
from rutland_data.ingest import local_returns, refresh
from rutland_data.ingest.importers import BadInput


def _build(args: argparse.Namespace) -> int:
    configured = settings.load()
    started = time.perf_counter()
    try:
        report = build.build_demo(configured) if args.demo else build.build_from(Path(args.source), configured)
    except BadInput as error:
        print(f"Build failed, database unchanged: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # the last resort: every known failure is a located BadInput (see bench/fuzz.py)
        print(f"Build failed, database unchanged: an unexpected {type(error).__name__} ({error}); "
              "please report it with the files you loaded", file=sys.stderr)
        return 2
    _print_report(report, configured, started)
    return 0


def _print_report(report: build.BuildReport, configured: settings.Settings, started: float) -> None:
    for name, importer, rows, note in report.loaded:
        took = f"{report.seconds[name]:5.1f} s  " if name in report.seconds else ""
        print(f"  {took}loaded {rows:>8,} rows  {name}  [{importer}]" + (f"  - {note}" if note else ""))
    for name in report.unrecognised:
        print(f"  skipped (no importer recognises its columns)  {name}")
    print(f"Built {configured.db_path} in {time.perf_counter() - started:.1f} s; content sha256 {report.digest}")


def _refresh(args: argparse.Namespace) -> int:
    """Areas for paged queries come from the current database (the LA's region, its statistical
    neighbours in the default model); before any build there is only the LA and England."""
    configured = settings.load()
    started = time.perf_counter()
    areas = refresh.Areas(la=configured.la_code)
    if configured.db_path.exists():
        con = db.connect_read_only(configured.db_path)
        try:
            neighbours = la_queries.neighbours(con, configured.la_code, configured.default_neighbour_set)
            areas = refresh.Areas(la=configured.la_code, region=la_queries.region_of(con, configured.la_code),
                                  neighbours=tuple(neighbours["area_code"]))
        finally:
            con.close()
    try:
        outcome = refresh.run(configured, Path(args.folder), areas, dry_run=args.dry_run)
    except BadInput as error:
        print(f"Refresh stopped, downloads and database unchanged: {error}", file=sys.stderr)
        return 2
    if outcome.report is not None:
        _print_report(outcome.report, configured, started)
    return outcome.exit_code


def _check(args: argparse.Namespace) -> int:
    configured = settings.load()
    if not configured.db_path.exists():
        print(f"No database at {configured.db_path}; run `python -m rutland_data build --demo` first.", file=sys.stderr)
        return 1
    con = db.connect_read_only(configured.db_path)
    info = sources.build_info(con)
    print(f"{configured.db_path}: built {info.get('built_at')} from {info.get('mode')} for LA {info.get('la_code')}")
    print(f"content sha256 {info.get('content_sha256')}")
    for row in sources.source_feeds(con).itertuples():
        status = "SIMULATED" if row.is_simulated else "real"
        print(f"[{row.source_id}] {row.file_name}  ({status}, {row.importer}, {row.rows_loaded:,} rows)")
        if isinstance(row.tables_fed, str):
            print(f"      feeds {row.tables_fed}")
        if isinstance(row.measures_fed, str):
            print(f"      LA measures: {row.measures_fed}")
        if isinstance(row.versions, str):
            print(f"      versions stored: {row.versions}")
        if isinstance(row.notes, str):
            print(f"      note: {row.notes}")
    return 0


def _load_local(args: argparse.Namespace) -> int:
    """A scripted load of a local return: the page's checks; every problem printed as a table, exit 2 and the
    officers' database unchanged on refusal."""
    configured = settings.load()
    if not configured.db_path.exists():
        print(f"No database at {configured.db_path}: build it first, so returns can be checked against the school "
              "register. Nothing was stored.", file=sys.stderr)
        return 2
    path = Path(args.file)
    con = db.connect_read_only(configured.db_path)
    try:
        loaded = local_returns.load_bytes(con, path.name, path.read_bytes(), args.by, configured.la_code,
                                          configured.local_db_path)
    except OSError as error:
        print(f"Cannot read {path}: {error.strerror}. Nothing was stored.", file=sys.stderr)
        return 2
    except local_returns.Refused as refused:
        print(f"{refused}\n{refused.problems.to_string(index=False)}", file=sys.stderr)
        return 2
    finally:
        con.close()
    print(f"Loaded {loaded.rows} figures from {loaded.file_name} (upload {loaded.upload_id}, sha256 "
          f"{loaded.sha256[:12]}…) into {configured.local_db_path}, by {args.by}: unvalidated until the official "
          "figures are loaded.")
    return 0


def _pack(pack_args: list[str]) -> int:
    """The board pack needs WeasyPrint, Altair and python-pptx, two seconds of imports the build and the other
    commands do without: its command (`python -m rutland_data.exports`) runs in a child process."""
    return subprocess.run([sys.executable, "-m", "rutland_data.exports", *pack_args]).returncode


def _bench(bench_args: list[str]) -> int:
    """The benchmarks live outside the core (they drive pages through Streamlit); a child process runs them."""
    return subprocess.run([sys.executable, "-m", "bench", *bench_args], cwd=settings.PROJECT_ROOT).returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:
        return _bench(argv[1:])
    if argv[:1] == ["pack"]:
        return _pack(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m rutland_data", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build data/rutland.duckdb (atomically)")
    source = build_cmd.add_mutually_exclusive_group(required=True)
    source.add_argument("--demo", action="store_true", help="the generated demonstration dataset")
    source.add_argument("--from", dest="source", metavar="DIR", help="a folder of official downloads")
    build_cmd.set_defaults(run=_build)
    refresh_cmd = commands.add_parser("refresh", help="fetch new versions of known data sets from the EES API, then build")
    refresh_cmd.add_argument("--to", dest="folder", metavar="DIR", default=str(refresh.DEFAULT_FOLDER),
                             help="the folder of official files to build from; API downloads go to DIR/ees-api/")
    refresh_cmd.add_argument("--dry-run", action="store_true", help="say what is new; download and change nothing")
    refresh_cmd.set_defaults(run=_refresh)
    commands.add_parser("check", help="list each source, its rows and what it feeds").set_defaults(run=_check)
    local_cmd = commands.add_parser("load-local", help="load the council's own return (CSV template) into the officers' "
                                    "database, after the same checks as the Local data page")
    local_cmd.add_argument("file", metavar="FILE", help="a CSV in the local returns template (README: Local returns)")
    local_cmd.add_argument("--by", default="command line", metavar="NAME", help="who is loading it (recorded)")
    local_cmd.set_defaults(run=_load_local)
    commands.add_parser("pack", help="write the board pack (PowerPoint, PDF, ODS tables) for one year: python -m "
                        "rutland_data pack --year YYYY/YY --out DIR [--meeting ID], same as python -m rutland_data.exports")
    commands.add_parser("bench", help="the benchmarks, same as python -m bench (run | fuzz | load | browser ...)")
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
