"""The records database: what officers write, kept apart from the main database and audited.

The main database is a snapshot rebuilt from official files and swapped in whole, so nothing typed into the
app may live there. Officers' records (the improvement plan, meetings, commentary) live in a small DuckDB file
of their own (`settings.records_db_path`, schema in records.sql).

Two sessions at once: DuckDB lets one process at a time open a file for writing, and one server has many
sessions (threads), so every use of the file holds a file lock beside it and closes the file after (a few
milliseconds). Each write is one transaction, and names the revision of the row it read: if another session
changed the row meanwhile the write is refused (`Conflict`) instead of silently overwriting that change.
Every insert, update and delete is written to `audit` with who and when, and the row before and after.

A meeting keeps a copy of the main database its papers used (`keep_database_copy`), named by its content
checksum: the database file is replaced by the next build, and earlier packs and "since the last meeting"
need the figures as they were.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb
from filelock import FileLock

from rutland_data.store import db

SCHEMA_FILE = Path(__file__).with_name("records.sql")
ID_COLUMNS = {"plans": "plan_id", "plan_items": "item_id", "plan_indicators": "indicator_id",
              "meetings": "meeting_id", "commentary": "comment_id"}
_BOOKKEEPING = {"revision", "updated_at", "updated_by"}


class Conflict(Exception):
    """A row changed (or went) since the session read it: the write is refused, nothing is changed."""


def _lock(path: Path) -> FileLock:
    return FileLock(path.with_name(f"{path.name}.lock"), is_singleton=True)


def identity(path: Path) -> tuple | None:
    """What changes whenever the file is written (for cache keys): the file's and its write-ahead log's inode,
    modification time and size (a commit lands in the log, a close folds it into the file). None before it exists."""
    return tuple(_identity_if_present(Path(f"{path}{suffix}")) for suffix in ("", ".wal")) if Path(path).exists() else None


def _identity_if_present(path: Path) -> tuple[int, int, int] | None:
    """`db.file_identity`, or None for a file that is not there (the log comes and goes with every close)."""
    try:
        return db.file_identity(path)
    except FileNotFoundError:
        return None


@contextmanager
def session(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The records database, created with its schema if new, for one transaction under the lock.

    Committed when the block ends, rolled back (and the exception passed on) when it raises."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock(path):
        con = duckdb.connect(str(path))
        try:
            con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    if table not in ID_COLUMNS:
        raise ValueError(f"not a records table: {table}")
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table]).fetchall()]


def _row(con: duckdb.DuckDBPyConnection, table: str, row_id: int) -> dict | None:
    columns = _columns(con, table)
    found = con.execute(f'SELECT * FROM "{table}" WHERE "{ID_COLUMNS[table]}" = ?', [row_id]).fetchall()
    return dict(zip(columns, found[0])) if found else None


def _audit(con, who: str, table: str, row_id: int, action: str, before: dict | None, after: dict | None) -> None:
    def as_json(row):
        return None if row is None else json.dumps(row, default=str, sort_keys=True)
    con.execute("INSERT INTO audit (changed_at, changed_by, table_name, row_id, action, before_json, after_json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", [now(), who, table, row_id, action, as_json(before), as_json(after)])


def _checked_names(con, table: str, values: dict) -> list[str]:
    """Column names come from code, never from a user; checked against the table all the same."""
    allowed = set(_columns(con, table)) - _BOOKKEEPING - {ID_COLUMNS[table]}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"{table} has no editable column {', '.join(sorted(unknown))}")
    return list(values)


def insert(con: duckdb.DuckDBPyConnection, table: str, values: dict, who: str) -> int:
    """Add a row (its id from the sequence); audited. Returns the new row's id."""
    names = _checked_names(con, table, values) + ["updated_at", "updated_by"]
    placeholders = ", ".join("?" for _ in names)
    row_id = con.execute(
        f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({placeholders}) RETURNING "{ID_COLUMNS[table]}"',
        [*values.values(), now(), who]).fetchall()[0][0]
    _audit(con, who, table, row_id, "insert", None, _row(con, table, row_id))
    return row_id


def _current(con, table: str, row_id: int, revision: int) -> dict:
    before = _row(con, table, row_id)
    if before is None:
        raise Conflict(f"{table} row {row_id} was deleted by another session; reload the page.")
    if before["revision"] != revision:
        raise Conflict(f"{table} row {row_id} was changed by {before['updated_by']} at "
                       f"{before['updated_at']:%d %b %Y %H:%M} UTC since you opened it; reload the page and "
                       "make your change again.")
    return before


def update(con: duckdb.DuckDBPyConnection, table: str, row_id: int, revision: int, changes: dict, who: str) -> None:
    """Change some columns of one row, if it is still at `revision`; audited. Nothing happens if nothing differs."""
    before = _current(con, table, row_id, revision)
    changes = {k: v for k, v in changes.items() if before.get(k) != v}
    if not changes:
        return
    names = _checked_names(con, table, changes)
    assignments = ", ".join(f'"{name}" = ?' for name in names)
    con.execute(f'UPDATE "{table}" SET {assignments}, revision = revision + 1, updated_at = ?, updated_by = ? '
                f'WHERE "{ID_COLUMNS[table]}" = ?', [*changes.values(), now(), who, row_id])
    _audit(con, who, table, row_id, "update", before, _row(con, table, row_id))


def delete(con: duckdb.DuckDBPyConnection, table: str, row_id: int, revision: int | None, who: str) -> None:
    """Remove one row (if still at `revision`; None: whatever its revision, for replacing a whole plan); audited."""
    before = _row(con, table, row_id) if revision is None else _current(con, table, row_id, revision)
    if before is None:
        return
    con.execute(f'DELETE FROM "{table}" WHERE "{ID_COLUMNS[table]}" = ?', [row_id])
    _audit(con, who, table, row_id, "delete", before, None)


def keep_database_copy(db_path: Path, folder: Path) -> tuple[str, Path]:
    """Copy the main database as it is now to `folder/<content sha256>.duckdb`; return the checksum and the copy.

    The checksum is read from the copy itself, so it names what was copied even if a build swaps in a new
    file meanwhile (a swap replaces the file; the copy reads the one it opened). One copy per data version."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".copy-{os.getpid()}-{uuid.uuid4().hex[:12]}.duckdb"
    try:
        shutil.copyfile(db_path, partial)
        con = duckdb.connect(str(partial), read_only=True)
        try:
            found = con.execute("SELECT value FROM build_info WHERE key = 'content_sha256'").fetchall()
        finally:
            con.close()
        if not found:
            raise ValueError(f"{db_path} has no content checksum: is it a dashboard database?")
        sha = found[0][0]
        kept = database_copy(folder, sha)
        if kept.exists():
            partial.unlink()
        else:
            os.replace(partial, kept)
        return sha, kept
    finally:
        partial.unlink(missing_ok=True)


def database_copy(folder: Path, content_sha256: str) -> Path:
    return Path(folder) / f"{content_sha256}.duckdb"
