"""Builds under concurrency and interruption: one build at a time (a file lock across threads and
processes), unique temporary names, files of a killed build removed by the next one, the old database
byte-identical after a SIGKILL, and snapshots that see a rebuilt file while old queries finish."""
from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

from rutland_data import settings
from rutland_data.ingest import build
from rutland_data.store import db
from rutland_data.settings import PROJECT_ROOT
from tests.conftest import database_at, require_shared


def debris(folder: Path) -> list[str]:
    """Files a build must never leave behind: its temporary database and any WAL."""
    return sorted(p.name for p in folder.iterdir() if db.BUILDING_MARK in p.name or p.name.endswith(".wal"))


def content_sha256(path: Path) -> str:
    con = db.connect_read_only(path)
    try:
        return con.execute("SELECT value FROM build_info WHERE key = 'content_sha256'").fetchall()[0][0]
    finally:
        con.close()


def test_visitors_arriving_together_wait_for_one_demo_build(tmp_path):
    """Eight threads (the sessions of one server share a process id) ask for a missing database at once."""
    configured = dataclasses.replace(settings.load(), db_path=tmp_path / "first.duckdb")
    start = threading.Barrier(8)
    reports, errors = [], []

    def visitor():
        start.wait()
        try:
            reports.append(build.ensure_database(configured))
        except Exception as error:  # noqa: BLE001 - any exception is the failure being tested for
            errors.append(repr(error))

    threads = [threading.Thread(target=visitor) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(report is not None for report in reports) == 1, "exactly one build ran"
    assert content_sha256(configured.db_path) == next(r for r in reports if r).digest
    assert debris(tmp_path) == []


def test_builds_of_one_file_never_overlap(tmp_path):
    """While one build holds the lock, another (here a second thread) waits instead of writing alongside it."""
    target = tmp_path / "serial.duckdb"
    inside, overlaps = [], []

    def populate(con):
        inside.append(threading.get_ident())
        if len(inside) > 1:
            overlaps.append(list(inside))
        time.sleep(0.2)  # hold the build open so the other thread certainly arrives while it runs
        con.execute("INSERT INTO build_info VALUES ('mode', 'test')")
        inside.remove(threading.get_ident())

    threads = [threading.Thread(target=db.build_atomically, args=(target, populate)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == []
    assert debris(tmp_path) == []


def test_a_build_removes_what_a_killed_build_left(tmp_path):
    target = tmp_path / "x.duckdb"
    left = [tmp_path / f"x.duckdb{db.BUILDING_MARK}4242-deadbeef", tmp_path / f"x.duckdb{db.BUILDING_MARK}4242-deadbeef.wal"]
    other = tmp_path / f"other.duckdb{db.BUILDING_MARK}1-abc"  # another database's build is not touched
    for path in [*left, other]:
        path.write_bytes(b"half a database")
    db.build_atomically(target, lambda con: None)
    assert not any(path.exists() for path in left)
    assert other.exists()


def test_sigkill_mid_build_leaves_the_old_database_and_the_next_build_no_debris(demo_db, tmp_path):
    """A `build --demo` subprocess killed as soon as its temporary file appears."""
    target = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, target)
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    env = {**os.environ, "DASHBOARD_DB": str(target)}
    process = subprocess.Popen([sys.executable, "-m", "rutland_data", "build", "--demo"], cwd=PROJECT_ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(f"live.duckdb{db.BUILDING_MARK}*")):
            assert process.poll() is None, "the build finished before it could be killed"
            assert time.monotonic() < deadline, "the build never started writing"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before, "the old database changed"
    assert debris(tmp_path), "a killed build leaves its temporary file (removed by the next build)"

    with database_at(target) as configured:
        report = build.build_demo(configured)
    assert debris(tmp_path) == []
    assert content_sha256(target) == report.digest


def test_a_snapshot_sees_a_rebuilt_file_and_old_queries_finish(tmp_path):
    """DuckDB would hand back the already-open instance for the same path; a snapshot opens the new file."""
    target = tmp_path / "snap.duckdb"

    def build_with(mode):
        db.build_atomically(target, lambda con: db.set_build_info(con, "mode", mode))

    build_with("first")
    old = db.Snapshot(target)
    old_cursor = old.cursor()
    plain = duckdb.connect(str(target), read_only=True)  # what a plain cached connection would see
    build_with("second")
    new = db.Snapshot(target)
    mode = "SELECT value FROM build_info WHERE key = 'mode'"
    assert new.cursor().execute(mode).fetchall() == [("second",)]
    assert duckdb.connect(str(target), read_only=True).execute(mode).fetchall() == [("first",)], (
        "DuckDB no longer hands back the open instance for a path: Snapshot may be simpler now")
    del old  # the server drops the old snapshot; a query another session started on it still finishes
    assert old_cursor.execute(mode).fetchall() == [("first",)]
    plain.close()


def test_a_second_build_from_the_same_official_files_has_the_same_content(real_db, tmp_path):
    """Board packs are stamped with the digest and an unchanged rebuild is recognised by it, so the same files must
    give the same digest. GIAS links Ark Kings Academy (URN 137578) to two predecessors (links_edubasealldata20250422:
    Kings Norton High School 01-09-2012, Ark Rose Primary Academy 01-09-2017); its opening date was taken from
    either, by row order, until the earliest was chosen."""
    with database_at(tmp_path / "again.duckdb") as configured:
        report = build.build_from(require_shared(), configured)
    assert report.digest == content_sha256(real_db)
    con = db.connect_read_only(real_db)
    try:
        opened = con.execute("SELECT conversion_date FROM schools WHERE urn = '137578'").fetchall()[0][0]
    finally:
        con.close()
    assert str(opened) == "2012-09-01"
