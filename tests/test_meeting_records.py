"""Meetings as records: commentary carried into that meeting's summary and board pack (and no other's), an
earlier meeting's pack rebuilt from its kept data version after the database changed, and "since the last
meeting" between two hand-made versions of the database."""
from __future__ import annotations

import io
import shutil
from datetime import date

import duckdb
import pandas as pd
import pytest
from pptx import Presentation

from rutland_data.exports import __main__ as pack_command
from rutland_data.exports import meeting_pack
from rutland_data.queries import meetings as meeting_queries
from rutland_data.queries import plan as plan_queries
from rutland_data.queries import schools as school_queries
from rutland_data.store import db, records
from rutland_data.views import meetings as meeting_views

LA = "857"
KS2_COMMENT = "Support visits to every school below national in reading, writing and maths."
PLAN_COMMENT = "The prioritisation protocol was agreed with head teachers in September."


@pytest.fixture
def folders(tmp_path, demo_db):
    """(main database, records database, meetings folder): a private copy of the demo database."""
    main = tmp_path / "rutland.duckdb"
    shutil.copyfile(demo_db, main)
    with records.session(tmp_path / "records.duckdb") as con:
        plan_queries.seed_if_new(con, LA)
    return main, tmp_path / "records.duckdb", tmp_path / "meetings"


def _record(main, records_db, meetings_dir, body: str, held: date, end_year: int) -> meeting_queries.Meeting:
    sha, _ = records.keep_database_copy(main, meetings_dir)
    with records.session(records_db) as con:
        meeting_id = meeting_queries.add_meeting(con, body, held, end_year, sha, "sam.officer@rutland.gov.uk")
        return next(m for m in meeting_queries.meetings(con) if m.meeting_id == meeting_id)


def _revise(path, *, ks2_2017: float, new_school_band: bool = False) -> None:
    """A hand-made later version of the database: the LA's KS2 RWM 2016/17 revised, a new release (a source and the
    LA's EYFS GLD for 2025/26), optionally one school moved to significantly below national; a new checksum."""
    con = duckdb.connect(str(path))
    try:
        con.execute("UPDATE la_results SET value = ?, version = 'revised' WHERE measure_id = 'ks2_rwm_exp' "
                    "AND area_code = ? AND end_year = 2017", [ks2_2017, LA])
        source_id = con.execute("SELECT max(source_id) + 1 FROM sources").fetchall()[0][0]
        con.execute("INSERT INTO sources VALUES (?, 'eyfsp_2026_provisional.csv', 'f00d', 'test', 'DfE', 'OGL', 1, "
                    "TIMESTAMP '2026-11-20 09:30:00', false, 'EYFSP 2026 provisional', NULL)", [source_id])
        con.execute("INSERT INTO la_results VALUES ('eyfs_gld', '2025/26', 2026, ?, 72.5, NULL, 'provisional', ?, 1)",
                    [LA, source_id])
        if new_school_band:
            frame = school_queries.masking(con, LA, "ks2_rwm_exp", 2025)
            school = frame[frame["compared"] & (frame["significance"] != "significantly below national")].iloc[0]
            national = float(frame["national"].iloc[0])
            con.execute("UPDATE school_results SET value = ?, ci_low = ?, ci_high = ?, ci_method = 'published' "
                        "WHERE urn = ? AND measure_id = 'ks2_rwm_exp' AND end_year = 2025 AND pupil_group = 'all'",
                        [national - 30, national - 38, national - 22, school["published_urn"]])
        db.set_build_info(con, "content_sha256", db.content_digest(con))
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _slide_text(pptx: bytes) -> str:
    return "\n".join(shape.text_frame.text for slide in Presentation(io.BytesIO(pptx)).slides
                     for shape in slide.shapes if shape.has_text_frame)


def test_commentary_is_in_its_meetings_papers_and_in_no_other(folders):
    main, records_db, meetings_dir = folders
    board = _record(main, records_db, meetings_dir, "Education Performance Board", date(2017, 11, 14), 2017)
    scrutiny = _record(main, records_db, meetings_dir, "Scrutiny", date(2017, 12, 5), 2017)
    with records.session(records_db) as con:
        meeting_queries.add_comment(con, board.meeting_id, KS2_COMMENT, "sam.officer@rutland.gov.uk",
                                    measure_id="ks2_rwm_exp", end_year=2017)
        meeting_queries.add_comment(con, board.meeting_id, PLAN_COMMENT, "sam.officer@rutland.gov.uk",
                                    item_ref="P1.I5")
        meeting_queries.add_comment(con, board.meeting_id, "Only in the 2015/16 papers.", "sam.officer@rutland.gov.uk",
                                    measure_id="ks2_rwm_exp", end_year=2016)
    text = meeting_pack.markdown(records_db, meetings_dir, board.meeting_id, LA, ["KS2"])
    ks2_line = next(i for i, line in enumerate(text.splitlines()) if line.startswith("- KS2 reading, writing and maths: "
                                                                                      "expected standard"))
    assert text.splitlines()[ks2_line + 1] == f"  - What we are doing about it: {KS2_COMMENT}"
    assert "Meeting: Education Performance Board, 14 November 2017." in text
    assert "Improvement plan P1.I5 (A small number of schools" in text and PLAN_COMMENT in text
    assert "Only in the 2015/16 papers." not in text

    pack = meeting_pack.pack(records_db, meetings_dir, board.meeting_id, LA, ["KS2"])
    slides = _slide_text(pack.pptx)
    assert KS2_COMMENT in slides and PLAN_COMMENT in slides
    chart_slide = next(s for s in pack.slides if s.title.startswith("KS2 RWM: "))  # titled by its message
    assert KS2_COMMENT in chart_slide.message            # beside the figure it is about
    assert any(s.title == "What we are doing about it: Education Performance Board, 14 November 2017"
               for s in pack.slides)

    other = meeting_pack.pack(records_db, meetings_dir, scrutiny.meeting_id, LA, ["KS2"])
    assert KS2_COMMENT not in _slide_text(other.pptx) and PLAN_COMMENT not in _slide_text(other.pptx)
    assert KS2_COMMENT not in meeting_pack.markdown(records_db, meetings_dir, scrutiny.meeting_id, LA, ["KS2"])


def test_an_earlier_meetings_pack_is_rebuilt_from_its_own_data_version(folders):
    main, records_db, meetings_dir = folders
    board = _record(main, records_db, meetings_dir, "Education Performance Board", date(2017, 11, 14), 2017)
    before = meeting_pack.pack(records_db, meetings_dir, board.meeting_id, LA, ["KS2"])
    _revise(main, ks2_2017=71.0)                       # the live database moves on
    assert db.connect_read_only(main).execute("SELECT value FROM build_info WHERE key = 'content_sha256'"
                                              ).fetchall()[0][0] != board.content_sha256
    again = meeting_pack.pack(records_db, meetings_dir, board.meeting_id, LA, ["KS2"])
    assert again.pptx == before.pptx and again.pdf == before.pdf      # byte for byte
    assert again.summary.content_sha256 == board.content_sha256
    assert "Rutland 67% (provisional) against England 61%" in _slide_text(again.pptx)   # the review's figure, not 71%

    records.database_copy(meetings_dir, board.content_sha256).unlink()
    with pytest.raises(meeting_pack.MissingDataVersion, match="is not kept in"):
        meeting_pack.pack(records_db, meetings_dir, board.meeting_id, LA, ["KS2"])


def test_since_the_last_meeting_between_two_hand_made_versions(folders, tmp_path):
    main, _, meetings_dir = folders
    sha, then = records.keep_database_copy(main, meetings_dir)
    _revise(main, ks2_2017=71.0, new_school_band=True)
    changes = meeting_queries.changes_between(then, main, LA)

    assert changes.new_sources["file_name"].tolist() == ["eyfsp_2026_provisional.csv"]
    assert changes.revised[["measure_id", "end_year", "area", "before_value", "now_value", "now_version"]].values.tolist() \
        == [["ks2_rwm_exp", 2017, "Rutland", 67.0, 71.0, "revised"]]
    assert changes.new_figures[["measure_id", "end_year", "value"]].values.tolist() == [["eyfs_gld", 2026, 72.5]]
    assert len(changes.schools) == 1
    moved = changes.schools.iloc[0]
    assert (moved["measure_id"], moved["significance_now"]) == ("ks2_rwm_exp", "significantly below national")
    assert moved["significance_before"] != "significantly below national"

    since = meeting_views.since_last_meeting(changes)
    assert since.lines == (
        "1 new release file loaded: eyfsp_2026_provisional.csv (DfE, EYFSP 2026 provisional).",
        "1 figure revised (the same measure, year and area with a different value, published code or version).",
        "1 new figure for the LA.",
        "1 school result changed significance against national (each school's latest year then and now).")
    assert since.revised.iloc[0].tolist() == ["KS2 reading, writing and maths: expected standard", "2016/17", "Rutland",
                                              "67% (provisional)", "71% (revised)"]

    nothing = meeting_views.since_last_meeting(meeting_queries.changes_between(then, then, LA))
    assert nothing.lines == ("No new releases loaded.", "No figure revised.", "No new figures for the LA.",
                             "No school changed significance against national.")


def test_the_pack_command_writes_a_recorded_meetings_papers(folders, tmp_path, monkeypatch, capsys):
    """`python -m rutland_data pack --meeting ID`: that meeting's pack from its kept data version with its
    commentary; an unknown meeting or another year is refused with exit 2 and nothing written."""
    main_db, records_db, meetings_dir = folders
    board = _record(main_db, records_db, meetings_dir, "Education Performance Board", date(2017, 11, 14), 2017)
    for name, value in (("DASHBOARD_DB", main_db), ("DASHBOARD_RECORDS_DB", records_db),
                        ("DASHBOARD_MEETINGS_DIR", meetings_dir)):
        monkeypatch.setenv(name, str(value))
    _revise(main_db, ks2_2017=71.0)                    # the live database moves on after the meeting
    papers = tmp_path / "papers"
    assert pack_command.main(["--year", "2016/17", "--out", str(papers), "--meeting", str(board.meeting_id)]) == 0
    expected = meeting_pack.pack(records_db, meetings_dir, board.meeting_id, LA)
    written = {p.suffix: p.read_bytes() for p in papers.iterdir()}
    assert sorted(written) == [".ods", ".pdf", ".pptx"]
    assert (written[".pptx"], written[".pdf"]) == (expected.pptx, expected.pdf)
    # ODS: the same sheets and cells (odfpy's namespace list grows within a process, so not the same bytes)
    read = {key: pd.read_excel(io.BytesIO(data), sheet_name=None, engine="odf")
            for key, data in ((".ods", written[".ods"]), ("expected", expected.ods))}
    assert list(read[".ods"]) == list(read["expected"])
    for name, frame in read[".ods"].items():
        pd.testing.assert_frame_equal(frame, read["expected"][name])
    capsys.readouterr()

    refused = tmp_path / "refused"
    assert pack_command.main(["--year", "2016/17", "--out", str(refused), "--meeting", "999"]) == 2
    assert "--meeting 999: no meeting 999 is recorded" in capsys.readouterr().err
    assert pack_command.main(["--year", "2017/18", "--out", str(refused), "--meeting", str(board.meeting_id)]) == 2
    assert "is a meeting about 2016/17, not 2017/18; nothing was written" in capsys.readouterr().err
    assert not refused.exists()
