"""Connecting to the database and building it safely.

A build writes a brand-new file beside the live one and renames it into place only
when everything loaded, so a running app never sees a half-built database and a
failed build leaves the old file byte-for-byte unchanged. Builds of one database run
one at a time, across processes and threads (a file lock beside it).
"""
from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd
from filelock import FileLock

SCHEMA_FILE = Path(__file__).with_name("schema.sql")

# Columns that record *when* something happened; left out of the content digest
# so that two builds from the same inputs have the same digest.
_TIME_COLUMNS = {("sources", "loaded_at")}
_UNDIGESTED_BUILD_KEYS = ("built_at", "content_sha256")
# A build in progress writes `<database>.building-<pid>-<random>` (and DuckDB its `.wal`) beside the database.
BUILDING_MARK = ".building-"


def connect_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(db_path), read_only=True)


class Snapshot:
    """The database file as it was when opened, for a server that keeps serving while builds swap in new files.

    `duckdb.connect(path)` hands back the instance this process already has open for that path, so a
    connection opened after a rebuild would still read the replaced file. An in-memory DuckDB with the
    file attached read-only is an instance of its own: a rebuild gets a new snapshot, while queries still
    running on the old one finish on the old file (its data lives until the last cursor on it is closed)."""

    _ALIAS = "snapshot"

    def __init__(self, db_path: Path):
        self.path = Path(db_path)
        self._con = duckdb.connect(":memory:")
        self._con.execute(f"ATTACH ? AS {self._ALIAS} (READ_ONLY)", [str(self.path)])

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own (one per query, so threads never share one) reading the snapshot's tables."""
        cursor = self._con.cursor()
        cursor.execute(f"USE {self._ALIAS}")
        return cursor


def file_identity(path: Path) -> tuple[int, int, int]:
    """What changes when a build swaps in a new file: its inode, modification time and size."""
    status = Path(path).stat()
    return status.st_ino, status.st_mtime_ns, status.st_size


def build_lock(db_path: Path) -> FileLock:
    """The lock every build of `db_path` holds: one build at a time across processes and threads.

    Re-entrant within a thread, so a caller can hold it while deciding whether to build at all."""
    db_path = Path(db_path)
    return FileLock(db_path.with_name(f"{db_path.name}.lock"), is_singleton=True)


def remove_stale_builds(db_path: Path) -> None:
    """Delete the temporary files (and their WAL) of builds that were killed before they finished.

    Only called while holding `build_lock`: no other build can be writing one of them then."""
    db_path = Path(db_path)
    for leftover in db_path.parent.glob(f"{glob.escape(db_path.name)}{BUILDING_MARK}*"):
        leftover.unlink(missing_ok=True)


def apply_schema(con: duckdb.DuckDBPyConnection, schema: Path = SCHEMA_FILE) -> None:
    con.execute(schema.read_text(encoding="utf-8"))


def build_atomically(db_path: Path, populate: Callable[[duckdb.DuckDBPyConnection], None],
                     schema: Path = SCHEMA_FILE) -> str:
    """Create a new database with `populate`, then swap it in; return its content digest.

    The new file's name is unique to this build (threads of one server share a process id), and files
    left by a killed build are removed once this build holds the lock. `schema` is the main database's
    unless another database (the officers' local returns, store/local_db.py) is built the same way; it
    must have a `build_info` table."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(db_path):
        remove_stale_builds(db_path)
        building = db_path.with_name(f"{db_path.name}{BUILDING_MARK}{os.getpid()}-{uuid.uuid4().hex[:12]}")
        con = duckdb.connect(str(building))
        con.execute("SET enable_progress_bar = false")
        try:
            apply_schema(con, schema)
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
            building.with_name(f"{building.name}.wal").unlink(missing_ok=True)
            raise


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One commit for a group of statements (one file's load): each statement on its own is a commit, and
    a build of a hundred files makes over a thousand of them."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


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


def has_tables(con: duckdb.DuckDBPyConnection, *names: str) -> bool:
    """Whether every one of the tables exists (a database built before a feature's tables were added has not)."""
    found = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name IN (SELECT unnest(?))",
        [list(names)]).fetchall()}
    return set(names) <= found


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
