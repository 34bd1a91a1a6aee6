"""Connecting to the database and building it safely.

A build writes a brand-new file beside the live one and renames it into place only
when everything loaded, so a running app never sees a half-built database and a
failed build leaves the old file byte-for-byte unchanged.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

SCHEMA_FILE = Path(__file__).with_name("schema.sql")

# Columns that record *when* something happened; left out of the content digest
# so that two builds from the same inputs have the same digest.
_TIME_COLUMNS = {("sources", "loaded_at")}
_UNDIGESTED_BUILD_KEYS = ("built_at", "content_sha256")


def connect_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(db_path), read_only=True)


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))


def build_atomically(db_path: Path, populate: Callable[[duckdb.DuckDBPyConnection], None]) -> str:
    """Create a new database with `populate`, then swap it in; return its content digest."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    building = db_path.with_name(f"{db_path.name}.building-{os.getpid()}")
    building.unlink(missing_ok=True)
    con = duckdb.connect(str(building))
    con.execute("SET enable_progress_bar = false")
    try:
        apply_schema(con)
        populate(con)
        set_build_info(con, "built_at", datetime.now(timezone.utc).isoformat(timespec="seconds"))
        digest = content_digest(con)
        set_build_info(con, "content_sha256", digest)
        con.execute("CHECKPOINT")
        con.close()
        os.replace(building, db_path)
        return digest
    except BaseException:
        con.close()
        building.unlink(missing_ok=True)
        raise


def set_build_info(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO build_info VALUES (?, ?)", [key, value])


def register_source(
    con: duckdb.DuckDBPyConnection,
    *,
    file_name: str,
    sha256: str,
    importer: str,
    publisher: str,
    licence: str,
    is_simulated: bool,
    release_note: str | None = None,
) -> int:
    """Add a row to `sources` (rows_loaded filled in later by `finish_source`)."""
    source_id = con.execute("SELECT COALESCE(MAX(source_id), 0) + 1 FROM sources").fetchall()[0][0]
    con.execute(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, NULL)",
        [
            source_id,
            file_name,
            sha256,
            importer,
            publisher,
            licence,
            datetime.now(timezone.utc).replace(tzinfo=None),
            is_simulated,
            release_note,
        ],
    )
    return source_id


def finish_source(con: duckdb.DuckDBPyConnection, source_id: int, rows_loaded: int, notes: str | None = None) -> None:
    con.execute("UPDATE sources SET rows_loaded = ?, notes = ? WHERE source_id = ?", [rows_loaded, notes, source_id])


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[list], or_ignore: bool = False) -> None:
    """Insert many rows in one statement (DuckDB's executemany runs one statement per row, which
    is slow: seconds for a few thousand rows). Rows are in the table's column order."""
    if not rows:
        return
    columns = [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table]).fetchall()]
    frame = pd.DataFrame(rows, columns=columns[: len(rows[0])]).astype(object)
    frame = frame.where(frame.notna(), None)
    con.register("rows_to_insert", frame)
    try:
        column_list = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f'INSERT {"OR IGNORE " if or_ignore else ""}INTO "{table}" ({column_list}) '
                    f"SELECT {column_list} FROM rows_to_insert")
    finally:
        con.unregister("rows_to_insert")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def content_digest(con: duckdb.DuckDBPyConnection, leave_out: frozenset[tuple[str, str]] = frozenset()) -> str:
    """SHA-256 over every table's row count and order-free row hash, leaving out load times
    (and the `leave_out` (table, column) pairs: the intake fuzz compares what two differently
    encoded files loaded, so it leaves out the files' own names and checksums).

    Used to prove two builds are the same and to stamp board packs with the data
    version they were built from. DuckDB's row hash may change between DuckDB releases,
    so digests compare builds made with the same pinned DuckDB.
    """
    digest = hashlib.sha256()
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name"
    ).fetchall()]
    for table in tables:
        columns = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()]
        kept = [c for c in columns if (table, c) not in _TIME_COLUMNS and (table, c) not in leave_out]
        column_list = ", ".join(f'"{c}"' for c in kept)
        where = ""
        if table == "build_info":
            where = " WHERE key NOT IN (" + ", ".join(f"'{k}'" for k in _UNDIGESTED_BUILD_KEYS) + ")"
        # Each row hashed inside DuckDB and the hashes summed: row order does not matter and a
        # million rows take a tenth of a second (a Python loop over the rows takes many seconds).
        rows, table_hash = con.execute(
            f'SELECT count(*), COALESCE(sum(hash({column_list})), 0) FROM "{table}"{where}'
        ).fetchall()[0]
        digest.update(f"{table}({', '.join(kept)}) {rows} {table_hash}\n".encode())
    return digest.hexdigest()
