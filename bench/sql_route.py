"""What a DuckDB-native loader would cost (run by hand, not a test): `python -m bench sqlroute [--from DIR]`.

Issue 15 asks for a build within 2x DuckDB's raw read of the same files. The importers read each file into pandas,
validate every declared cell (pandera) and write through DuckDB. This times one national file, the 2020/21 school
census (119,000 figures), both ways: the importer as the build runs it, and the same work as DuckDB SQL - read the
file into a table as text, check every loaded cell against its rule (a number or a published marker, within range),
unpivot and insert - each step against the raw read. A prototype of the measurement only: the SQL route keeps
none of the importer's other duties (the register merge, first-file-wins, the notes), so it is a lower bound.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import duckdb

from rutland_data import settings
from rutland_data.ingest import build
from rutland_data.ingest.importers import csp_school
from rutland_data.reference.markers import GLOSSARY, NUMBER

CENSUS = Path("dfe/compare_school_performance/2020-2021_england/england_census.csv.gz")
_CELL_RULE = "regexp_full_match(trim(rtrim({c}, '%')), ?) AND TRY_CAST(replace(trim(rtrim({c}, '%')), ',', '') AS DOUBLE) BETWEEN 0 AND 100000000"


def _importer_seconds(path: Path) -> float:
    """The build's own time for the file (reading, validating and loading it), in a scratch build of it alone."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "files" / CENSUS.parent.name
        folder.mkdir(parents=True)
        shutil.copy(path, folder / path.name)
        report = build.build_from(Path(scratch) / "files", replace(settings.load(), db_path=Path(scratch) / "db.duckdb"))
        return sum(report.seconds.values())


def _sql_route(path: Path) -> tuple[float, float, float, float]:
    """(raw read, read into a table, check every cell, unpivot and insert) in seconds, DuckDB alone."""
    markers = sorted(GLOSSARY)
    with tempfile.TemporaryDirectory() as scratch:
        con = duckdb.connect(str(Path(scratch) / "route.duckdb"))
        con.execute("CREATE TABLE school_results (urn TEXT, measure TEXT, value DOUBLE, value_code TEXT, source_row INTEGER)")
        started = time.perf_counter()
        con.execute("SELECT count(*) FROM read_csv(?, all_varchar = true, header = true)", [str(path)]).fetchall()
        raw = time.perf_counter() - started
        started = time.perf_counter()
        con.execute("CREATE TEMP TABLE raw AS SELECT row_number() OVER () + 1 AS _row, * FROM "
                    "read_csv(?, all_varchar = true, header = true, null_padding = true)", [str(path)])
        read = time.perf_counter() - started
        present = {d[0] for d in con.execute("SELECT * FROM raw LIMIT 0").description}
        columns = [f.column for f in csp_school.CENSUS_FIELDS if f.column in present]  # as the importer: those given
        started = time.perf_counter()
        checks = ", ".join(f"min(_row) FILTER (WHERE trim(coalesce({c}, '')) <> '' AND NOT list_contains(?, trim({c})) "
                           f"AND NOT ({_CELL_RULE.format(c=c)}))" for c in columns)
        con.execute(f"SELECT {checks} FROM raw", [p for _ in columns for p in (markers, NUMBER.pattern)]).fetchall()
        check = time.perf_counter() - started
        started = time.perf_counter()
        con.execute("BEGIN")
        con.execute(f"""
            INSERT INTO school_results
            SELECT urn, measure, TRY_CAST(replace(trim(rtrim(cell, '%')), ',', '') AS DOUBLE),
                   CASE WHEN list_contains(?, trim(cell)) THEN trim(cell) END, _row
            FROM (UNPIVOT (SELECT _row, URN AS urn, {', '.join(columns)} FROM raw WHERE regexp_full_match(trim(URN), '\\d+'))
                  ON {', '.join(columns)} INTO NAME measure VALUE cell)
            WHERE trim(cell) <> ''""", [markers])
        con.execute("COMMIT")
        insert = time.perf_counter() - started
        con.close()
        return raw, read, check, insert


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench sqlroute", description=__doc__)
    parser.add_argument("--from", dest="source", default="../shared/data", help="the real files (default ../shared/data)")
    path = Path(parser.parse_args(argv).source) / CENSUS
    importer = _importer_seconds(path)
    raw, read, check, insert = _sql_route(path)
    route = read + check + insert
    print(f"{CENSUS}: DuckDB's raw read {raw:.2f} s")
    print(f"  the importer (read, validate, load, as the build runs it): {importer:.2f} s = {importer / raw:.1f}x the raw read")
    print(f"  DuckDB SQL: read into a table {read:.2f} s, check every loaded cell {check:.2f} s, unpivot and insert "
          f"{insert:.2f} s = {route:.2f} s = {route / raw:.1f}x the raw read")
    return 0
