"""Building the database from official downloads or from the generated demo dataset."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from rutland_data.ingest.demo import geography, groups, inspections, la_level, post16, schools
from rutland_data.ingest.formats import all_importers
from rutland_data.ingest.importers import BadInput, Importer, SourceFile, gias, iter_source_files
from rutland_data.reference import measures, review_figures
from rutland_data.settings import Settings
from rutland_data.store import db

DEMO_PARTS = (la_level, groups, schools, geography, post16, inspections)   # generated in this order


@dataclass
class BuildReport:
    digest: str = ""
    loaded: list[tuple[str, str, int, str | None]] = field(default_factory=list)  # file, importer, rows, note
    seconds: dict[str, float] = field(default_factory=dict)  # file -> load time
    checking: dict[str, float] = field(default_factory=dict)  # file -> of which reading and validating it
    unrecognised: list[str] = field(default_factory=list)


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Every build carries the project's reference data: the indicator dictionary (so SQL can join it, and the
    About page and `check` show the copy the figures were built with) and the council review's quoted figures."""
    db.insert_rows(con, "measures", measures.table_rows())
    db.insert_rows(con, "review_figures", [[f.publisher_la, f.measure_id, f.end_year, f.area_code, f.quoted, f.value,
                                            f.version, f.document, f.citation] for f in review_figures.read()])


def plan(root: Path) -> tuple[list[tuple[SourceFile, Importer]], list[str]]:
    """Match each file to the importer that recognises its header; order them so whole
    national files load before extracts of them (which then only confirm figures).

    A file that nearly matches a format (most of its key columns, one renamed) is an error naming
    the missing column, not a skip; a file like no format is skipped."""
    importers = sorted(all_importers(), key=lambda i: i.priority)
    planned, unrecognised = [], []
    for source in iter_source_files(root):
        if source.member is None and source.size == 0:
            raise BadInput(source.display_name, "is empty (0 bytes)")
        importer = next((i for i in importers if i.recognises(source.columns)), None)
        if importer is None:
            _refuse_near_miss(source, importers)
            unrecognised.append(source.display_name)
            continue
        source.layout = importer.layout
        planned.append((source, importer))
    planned.sort(key=lambda pair: (pair[1].priority, -pair[0].size, pair[0].display_name))
    return planned, unrecognised


def _refuse_near_miss(source: SourceFile, importers: list[Importer]) -> None:
    """Stop at a file that looks like a known format with a key column renamed or missing."""
    near = [(i, missing) for i in importers if (missing := i.near_miss(source.columns))]
    if near:
        importer, missing = min(near, key=lambda pair: len(pair[1]))
        raise BadInput(source.display_name, f"looks like the '{importer.name}' format but has no column "
                       f"{', '.join(repr(c) for c in missing)}; was it renamed?", row=1)


def build_from(root: Path, settings: Settings) -> BuildReport:
    """Load every recognised official file under `root` into a new database, then swap it in."""
    root = Path(root)
    if not root.is_dir():
        raise BadInput(str(root), "is not a folder")
    planned, unrecognised = plan(root)
    if not planned:
        listed = "; ".join(unrecognised[:5]) + (f" and {len(unrecognised) - 5} more" if len(unrecognised) > 5 else "")
        raise BadInput(str(root), "holds no file in a format the dashboard can read"
                       + (f" (no importer recognises the columns of {listed})" if unrecognised else ""))
    report = BuildReport(unrecognised=unrecognised)

    def populate(con: duckdb.DuckDBPyConnection) -> None:
        load_reference(con)
        db.set_build_info(con, "mode", "official files")
        db.set_build_info(con, "la_code", settings.la_code)
        for source, importer in planned:
            started = time.perf_counter()
            importer.check_columns(source)
            importer.validate(source)
            report.checking[source.display_name] = time.perf_counter() - started
            with db.transaction(con):
                source_id = db.register_source(
                    con,
                    file_name=source.display_name,
                    sha256=db.file_sha256(source.path),
                    importer=importer.name,
                    publisher=importer.publisher,
                    licence=importer.licence,
                    is_simulated=False,
                    release_note=importer.release_note,
                )
                rows, note = importer.load(con, source, source_id, settings)
                source.release()
                db.finish_source(con, source_id, rows, note)
            report.loaded.append((source.display_name, importer.name, rows, note))
            report.seconds[source.display_name] = time.perf_counter() - started
        gias.settle_lineage(con)

    report.digest = db.build_atomically(settings.db_path, populate)
    return report


def build_demo(settings: Settings) -> BuildReport:
    """Generate the demonstration dataset (seed facts plus labelled simulation)."""
    report = BuildReport()

    def populate(con: duckdb.DuckDBPyConnection) -> None:
        load_reference(con)
        db.set_build_info(con, "mode", "demo")
        db.set_build_info(con, "la_code", settings.la_code)
        for part in DEMO_PARTS:
            part.generate(con, settings)
        gias.settle_lineage(con)
        report.loaded.extend(
            (name, importer, rows, None)
            for name, importer, rows in con.execute(
                "SELECT file_name, importer, rows_loaded FROM sources ORDER BY source_id").fetchall()
        )

    report.digest = db.build_atomically(settings.db_path, populate)
    return report


def ensure_database(settings: Settings) -> BuildReport | None:
    """Build the demo database if none exists, so a fresh checkout runs straight away; the report if
    this call built it. Visitors arriving together wait on the build lock, and only the first builds."""
    if settings.db_path.exists():
        return None
    with db.build_lock(settings.db_path):
        if settings.db_path.exists():
            return None
        return build_demo(settings)
