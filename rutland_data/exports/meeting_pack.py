"""A meeting's papers, rebuilt from the data version the meeting used, with its commentary.

Recording a meeting keeps a copy of the main database as it was (`store.records.keep_database_copy`,
`<meetings dir>/<content sha256>.duckdb`): the live file is replaced by every build, and a board pack is a
function of the database and the commentary, so that copy is what makes an earlier meeting's pack
reproducible - byte for byte, as the pack's own rebuild property promises. Without the copy (deleted, or a
meeting recorded elsewhere) the pack cannot be rebuilt, and `MissingDataVersion` says so rather than
quietly drawing today's figures under an old meeting's name.
"""
from __future__ import annotations

from pathlib import Path

from rutland_data.exports import board_pack, summary
from rutland_data.queries import meetings as meeting_queries
from rutland_data.store import db, records


class MissingDataVersion(LookupError):
    """The database copy a meeting used is not kept here."""


def meeting_database(meetings_dir: Path, meeting: meeting_queries.Meeting) -> Path:
    path = records.database_copy(meetings_dir, meeting.content_sha256)
    if not path.exists():
        raise MissingDataVersion(
            f"The data version of {meeting.label} ({meeting.content_sha256[:12]}) is not kept in {meetings_dir}: its "
            "papers cannot be rebuilt. Restore that copy of the database from a backup to rebuild them.")
    return path


def _notes(records_path: Path, meeting_id: int) -> tuple[meeting_queries.Meeting, meeting_queries.MeetingNotes]:
    with records.session(records_path) as con:
        meeting = next((m for m in meeting_queries.meetings(con) if m.meeting_id == meeting_id), None)
        if meeting is None:
            raise LookupError(f"no meeting {meeting_id} is recorded")
        return meeting, meeting_queries.notes(con, meeting)


def pack(records_path: Path, meetings_dir: Path, meeting_id: int, la_code: str,
         sections: list[str] | None = None) -> board_pack.Pack:
    """The board pack of one meeting: its year, from its data version, with its commentary."""
    meeting, notes = _notes(records_path, meeting_id)
    con = db.connect_read_only(meeting_database(meetings_dir, meeting))
    try:
        return board_pack.build(con, la_code, meeting.end_year, sections, notes=notes)
    finally:
        con.close()


def markdown(records_path: Path, meetings_dir: Path, meeting_id: int, la_code: str,
             sections: list[str] | None = None, base_url: str = "") -> str:
    """The performance summary of one meeting, as Markdown, from its data version with its commentary."""
    meeting, notes = _notes(records_path, meeting_id)
    con = db.connect_read_only(meeting_database(meetings_dir, meeting))
    try:
        return summary.to_markdown(summary.build(con, la_code, meeting.end_year, sections, notes), base_url)
    finally:
        con.close()
