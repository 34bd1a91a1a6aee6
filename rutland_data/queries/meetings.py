"""Meetings and their commentary (records database), and what changed in the data between two meetings.

A meeting records its body, date, the year its papers report and the data version (content sha256 of the main
database) they used; a copy of that database is kept under the meetings folder (`store.records.keep_database_copy`).
Commentary belongs to one meeting and is about a figure (a measure, optionally one year) or a plan item.

`changes_since` compares two database files - the copy a meeting used and the database now - for "since the
last meeting": sources new in the newer file, the LA's and its comparators' figures revised (same measure, year
and area with a different value, marker or version) or newly published, and schools whose significance against
national differs between the latest year each file holds.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from rutland_data.queries import la as la_queries
from rutland_data.queries import schools as school_queries
from rutland_data.reference import measures
from rutland_data.reference.codes import ENGLAND_CODE
from rutland_data.store import records

BODIES = ("Portfolio Holder", "Education Performance Board", "Scrutiny")


@dataclass(frozen=True)
class Meeting:
    meeting_id: int
    body: str
    meeting_date: date
    end_year: int
    content_sha256: str
    recorded_by: str

    @property
    def label(self) -> str:
        return f"{self.body}, {self.meeting_date:%d %B %Y}"


@dataclass(frozen=True)
class MeetingNotes:
    """One meeting's commentary, as the summary and board pack carry it (hashable, so caches can key on it)."""
    meeting: str                                          # 'Education Performance Board, 12 March 2025'
    on_figures: tuple[tuple[str, int | None, str], ...]   # (measure id, end year or None, text)
    on_plan: tuple[tuple[str, str, str], ...]             # (item ref, item text, text)


def add_meeting(con: duckdb.DuckDBPyConnection, body: str, meeting_date: date, end_year: int, content_sha256: str,
                who: str) -> int:
    if body not in BODIES:
        raise ValueError(f"unknown body {body!r}: expected one of {', '.join(BODIES)}")
    return records.insert(con, "meetings", {"body": body, "meeting_date": meeting_date, "end_year": end_year,
                                            "content_sha256": content_sha256}, who)


def meetings(con: duckdb.DuckDBPyConnection) -> list[Meeting]:
    """Every meeting, latest first."""
    rows = con.execute("SELECT meeting_id, body, meeting_date, end_year, content_sha256, updated_by FROM meetings "
                       "ORDER BY meeting_date DESC, meeting_id DESC").fetchall()
    return [Meeting(*row) for row in rows]


def previous(all_meetings: list[Meeting], meeting: Meeting) -> Meeting | None:
    """The meeting held before `meeting` (any body), or None."""
    earlier = [m for m in all_meetings if (m.meeting_date, m.meeting_id) < (meeting.meeting_date, meeting.meeting_id)]
    return earlier[0] if earlier else None


def add_comment(con: duckdb.DuckDBPyConnection, meeting_id: int, text: str, who: str, *, measure_id: str | None = None,
                end_year: int | None = None, item_ref: str | None = None) -> int:
    if (measure_id is None) == (item_ref is None):
        raise ValueError("a comment is about a figure (measure id) or a plan item (its ref), one of them")
    if measure_id is not None and measure_id not in measures.by_id():
        raise ValueError(f"unknown measure id {measure_id!r}")
    return records.insert(con, "commentary", {"meeting_id": meeting_id, "measure_id": measure_id, "end_year": end_year,
                                              "item_ref": item_ref, "text": text.strip()}, who)


def comments(con: duckdb.DuckDBPyConnection, meeting_id: int) -> pd.DataFrame:
    """A meeting's commentary with what each is about (the plan item's text for a plan item), oldest first."""
    return con.execute(
        """SELECT c.comment_id, c.revision, c.measure_id, c.end_year, c.item_ref, i.text AS item_text, c.text,
                  c.updated_at, c.updated_by
           FROM commentary c
           LEFT JOIN plan_items i ON i.ref = c.item_ref AND i.plan_id = (SELECT max(plan_id) FROM plans)
           WHERE c.meeting_id = ? ORDER BY c.comment_id""", [meeting_id]).df()


def notes(con: duckdb.DuckDBPyConnection, meeting: Meeting) -> MeetingNotes:
    found = comments(con, meeting.meeting_id)
    on_figures = tuple((r.measure_id, None if pd.isna(r.end_year) else int(r.end_year), r.text)
                       for r in found.itertuples() if isinstance(r.measure_id, str))
    on_plan = tuple((r.item_ref, r.item_text if isinstance(r.item_text, str) else "(no longer in the plan)", r.text)
                    for r in found.itertuples() if isinstance(r.item_ref, str))
    return MeetingNotes(meeting.label, on_figures, on_plan)


# ---------------------------------------------------------------- since the last meeting

@dataclass(frozen=True)
class Changes:
    new_sources: pd.DataFrame      # file_name, publisher, release_note: loaded now, not in the older file
    revised: pd.DataFrame          # measure_id, end_year, area, before/now value, marker and version
    new_figures: pd.DataFrame      # measure_id, end_year, area, value, version: the LA's figures not there before
    schools: pd.DataFrame          # school, measure_id, before (year, significance), now (year, significance)


_REVISED = """
SELECT n.measure_id, n.end_year, COALESCE(a.name, n.area_code) AS area, b.value AS before_value,
       b.value_code AS before_code, b.version AS before_version, n.value AS now_value, n.value_code AS now_code,
       n.version AS now_version, n.source_id
FROM now.la_results n JOIN before.la_results b USING (measure_id, end_year, area_code)
LEFT JOIN now.areas a ON a.area_code = n.area_code
WHERE n.area_code IN (SELECT unnest($areas))
  AND (n.value IS DISTINCT FROM b.value OR n.value_code IS DISTINCT FROM b.value_code
       OR n.version IS DISTINCT FROM b.version)
ORDER BY n.measure_id, n.end_year, area
"""
_NEW_FIGURES = """
SELECT n.measure_id, n.end_year, n.value, n.value_code, n.version, n.source_id
FROM now.la_results n ANTI JOIN before.la_results b USING (measure_id, end_year, area_code)
WHERE n.area_code = $la ORDER BY n.measure_id, n.end_year
"""
_NEW_SOURCES = """
SELECT file_name, publisher, release_note, is_simulated FROM now.sources
WHERE sha256 NOT IN (SELECT sha256 FROM before.sources) ORDER BY source_id
"""
_SAME_CONTENT = """
SELECT count(*) = 1 FROM (SELECT value FROM now.build_info WHERE key = 'content_sha256'
                          UNION SELECT value FROM before.build_info WHERE key = 'content_sha256')
"""
_SCHOOL_YEARS = """
SELECT r.measure_id, max(r.end_year) AS end_year FROM school_results r JOIN schools s USING (urn)
WHERE s.la_code = $la AND list_contains($ids, r.measure_id) GROUP BY r.measure_id
"""


def database_file(con: duckdb.DuckDBPyConnection) -> Path:
    """The file the connection (a snapshot cursor) reads."""
    return Path(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
                .fetchall()[0][0])


def _school_bands(con: duckdb.DuckDBPyConnection, la_code: str, skip: bool = False) -> pd.DataFrame:
    """Each school's significance against national in the latest year of each Schools measure (state-funded
    mainstream schools with a figure). `skip`: the two files hold the same content, so none can differ."""
    frames = []
    years = [] if skip else con.execute(_SCHOOL_YEARS, {"la": la_code, "ids": measures.ids("schools")}).fetchall()
    for measure_id, end_year in years:
        frame = school_queries.masking(con, la_code, measure_id, end_year)
        frame = frame[frame["compared"] & frame["value"].notna()]
        frames.append(frame.assign(measure_id=measure_id, end_year=end_year)[
            ["urn", "school", "measure_id", "end_year", "significance"]])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["urn", "school", "measure_id", "end_year", "significance"])


def changes_between(before_path: Path, now_path: Path, la_code: str) -> Changes:
    """What changed from the database at `before_path` to the one at `now_path` (both opened read-only)."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS before (READ_ONLY)", [str(before_path)])
        con.execute("ATTACH ? AS now (READ_ONLY)", [str(now_path)])
        con.execute("USE now")
        areas = [la_code, ENGLAND_CODE, la_queries.region_of(con, la_code)]
        revised = con.execute(_REVISED, {"areas": areas}).df()
        new_figures = con.execute(_NEW_FIGURES, {"la": la_code}).df()
        new_sources = con.execute(_NEW_SOURCES).df()
        same = con.execute(_SAME_CONTENT).fetchall()[0][0]
        bands_now = _school_bands(con, la_code, skip=same)
        con.execute("USE before")
        bands_before = _school_bands(con, la_code, skip=same)
    finally:
        con.close()
    merged = bands_before.merge(bands_now, on=["urn", "measure_id"], suffixes=("_before", "_now"))
    schools = merged[merged["significance_before"] != merged["significance_now"]].rename(
        columns={"school_now": "school"}).drop(columns="school_before").reset_index(drop=True)
    return Changes(new_sources, revised, new_figures, schools)


def changes_since(con: duckdb.DuckDBPyConnection, before_path: str, la_code: str) -> Changes:
    """`changes_between` the database at `before_path` and the one `con` reads (for the page's query cache)."""
    return changes_between(Path(before_path), database_file(con), la_code)
