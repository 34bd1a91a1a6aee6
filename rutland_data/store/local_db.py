"""The officers' database of local returns: every accepted upload and its figures, in a file of its own
(settings.local_db_path), apart from the main database that every build replaces whole.

Each upload writes a new file - the previous file's rows plus the new upload - and swaps it in with the
main database's own `db.build_atomically` (lock, unique temporary file, rename), so a reader never sees
half an upload, two uploads never interleave, and a refused upload leaves the file byte for byte as it was.
Nothing here decides what may be loaded (ingest/local_returns.py validates first) or who may read it
(queries/local_returns.py marks its queries officer-only)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from rutland_data.store import db

SCHEMA_FILE = Path(__file__).with_name("local_schema.sql")
RESULT_COLUMNS = ("source_row", "urn", "measure_id", "end_year", "year_label", "cohort_n", "met_n", "value",
                  "value_code")
UPLOAD_COLUMNS = ("upload_id", "file_name", "sha256", "uploaded_by", "uploaded_at", "rows_loaded", "la_code")


class AlreadyLoaded(ValueError):
    """The same file (by checksum) is already in the officers' database."""


@dataclass(frozen=True)
class Upload:
    """An upload that passed validation: who sent which file, and its figures (`RESULT_COLUMNS`)."""

    file_name: str
    sha256: str
    uploaded_by: str
    la_code: str
    results: pd.DataFrame


def identity(path: Path) -> tuple[int, int, int] | None:
    """What changes when an upload swaps in a new file (for cache keys); None before the first upload."""
    return db.file_identity(path) if Path(path).exists() else None


def read(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(uploads, results with their upload's columns), both empty before the first upload.

    Read through an in-memory DuckDB with the file attached read-only (as `db.Snapshot`), so a file swapped
    in by an upload is read afresh rather than through an instance this process opened earlier."""
    if not Path(path).exists():
        return (pd.DataFrame(columns=list(UPLOAD_COLUMNS)),
                pd.DataFrame(columns=["upload_id", *RESULT_COLUMNS, *UPLOAD_COLUMNS[1:]]))
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS officers (READ_ONLY)", [str(path)])
        uploads = con.execute("SELECT * FROM officers.uploads ORDER BY upload_id").df()
        results = con.execute(
            "SELECT r.*, u.* EXCLUDE (upload_id) FROM officers.local_results r JOIN officers.uploads u USING (upload_id) "
            "ORDER BY r.upload_id, r.source_row").df()
        return uploads, results
    finally:
        con.close()


def add_upload(path: Path, upload: Upload) -> int:
    """Store a validated upload; its id. AlreadyLoaded (file unchanged) when the same file was loaded before."""
    path = Path(path)
    with db.build_lock(path):  # re-entrant: build_atomically takes it again, and nothing can slip in between
        uploads, results = read(path)
        earlier = uploads[uploads["sha256"] == upload.sha256]
        if not earlier.empty:
            first = earlier.iloc[0]
            raise AlreadyLoaded(f"this file (sha256 {upload.sha256[:12]}…) was already loaded on "
                                f"{pd.Timestamp(first['uploaded_at']):%d %b %Y %H:%M} UTC by {first['uploaded_by']}")
        upload_id = int(uploads["upload_id"].max()) + 1 if len(uploads) else 1
        new_upload = [upload_id, upload.file_name, upload.sha256, upload.uploaded_by,
                      datetime.now(timezone.utc).replace(tzinfo=None), len(upload.results), upload.la_code]

        def populate(con: duckdb.DuckDBPyConnection) -> None:
            db.insert_rows(con, "uploads", uploads[list(UPLOAD_COLUMNS)].values.tolist() + [new_upload])
            kept = results[["upload_id", *RESULT_COLUMNS]].values.tolist()
            new = upload.results.assign(upload_id=upload_id)[["upload_id", *RESULT_COLUMNS]].values.tolist()
            db.insert_rows(con, "local_results", kept + new)

        db.build_atomically(path, populate, SCHEMA_FILE)
        return upload_id
