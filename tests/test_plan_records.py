"""The improvement plan as data: the council's published 2017-18 plan through the template (CSV and XLSX) and the
records database, refusals that name file, sheet, row and column, audited writes, stale edits refused, two
sessions writing at once, and the milestone order (past due and not done first)."""
from __future__ import annotations

import io
import threading
import zipfile
from datetime import date

import pandas as pd
import pytest

from rutland_data.ingest import plan_template
from rutland_data.ingest.plan_template import TemplateError
from rutland_data.queries import plan as plan_queries
from rutland_data.settings import PROJECT_ROOT
from rutland_data.store import records
from rutland_data.views import plan as plan_views

SEED = PROJECT_ROOT.parent / "shared" / "seeds" / "lassar-2016-17.txt"


@pytest.fixture
def records_db(tmp_path):
    return tmp_path / "records.duckdb"


def test_the_published_plan_is_shipped_as_written():
    plan = plan_template.lassar_plan()
    by_level = {level: [i for i in plan.items if i.level == level] for level in plan_template.LEVELS}
    assert [len(by_level[level]) for level in plan_template.LEVELS] == [3, 8, 17, 18]
    assert plan.title == "Education Improvement Plan 2017-18" and plan.baseline_year == 2017
    # Texts as in Appendix A of the review (shared/seeds/lassar-2016-17.txt, the plan's table).
    assert by_level["priority"][1].text == ("Priority 2 – Widen opportunities for young people post 16 so that there "
                                            "are improved opportunities for access to vocational education and "
                                            "apprenticeships")
    masking = plan.by_ref()["P1.I4"]
    assert masking.text == "Masking of underperforming schools when comparing Rutland performance as a whole"
    assert [i.text for i in plan.items if i.parent_ref == "P1.I4"] == [
        "Promote SEND and inclusion strategy; support implementation within schools through 'Inclusion Begins in "
        "the Classroom', a Learning and Skills Service commissioned programme",
        "Scrutinise 2017/18 data to identify improved outcomes and where underperformance remains a concern."]
    first = plan.by_ref()["P1.I4.A1.M1"]
    assert (first.dates_text, first.start_date, first.due_date, first.lead) == (
        "Oct 17- Oct 18", date(2017, 10, 1), date(2018, 10, 31), "GC")
    assert plan.by_ref()["P1.I3.A1.M1"].dates_text == "Dec '17"
    # The two milestones the published table prints side by side in one cell ("Nov 17 May 18", "RS RS").
    assert [(i.text, i.dates_text, i.lead) for i in plan.items if i.parent_ref == "P2.I1.A2"] == [
        ("Gap analysis completed and prioritised", "Nov 17", "RS"),
        ("Work with schools to fill gaps via RALSS and school; delivery agreements published for consultation",
         "May 18", "RS")]
    if SEED.exists():  # every milestone's text is in the review's own text
        text = SEED.read_text(encoding="utf-8")
        assert all(i.text in text for i in plan.items)


def test_the_plan_round_trips_through_csv_xlsx_and_the_records_database(records_db):
    plan = plan_template.lassar_plan()
    as_zip = plan_template.to_csv_zip(plan)
    assert plan_template.read_template(as_zip, "plan.zip") == plan
    assert plan_template.read_template(plan_template.to_xlsx(plan), "plan.xlsx") == plan
    # The exported plan sheet is the shipped file, cell for cell (blank = same as the row above).
    with zipfile.ZipFile(io.BytesIO(as_zip)) as archive:
        exported = pd.read_csv(io.BytesIO(archive.read("plan.csv")), dtype=str, keep_default_na=False)
    shipped = pd.read_csv(plan_template.PLANS_FOLDER / "lassar-2017-18-plan.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(exported, shipped)
    with records.session(records_db) as con:
        plan_queries.seed_if_new(con, "857")
    with records.session(records_db) as con:
        stored = plan_queries.document(con, plan_queries.current_plan_id(con))
    assert stored == plan
    assert plan_template.read_template(plan_template.to_xlsx(stored), "again.xlsx") == plan


def test_another_la_starts_with_no_plan_and_rutland_is_seeded_once(records_db, tmp_path):
    with records.session(tmp_path / "hampshire.duckdb") as con:
        plan_queries.seed_if_new(con, "850")
        assert plan_queries.current_plan_id(con) is None
    with records.session(records_db) as con:
        plan_queries.seed_if_new(con, "857")
        plan_queries.seed_if_new(con, "857")
        assert con.execute("SELECT count(*) FROM plans").fetchall()[0][0] == 1
        assert con.execute("SELECT count(*) FROM plan_items").fetchall()[0][0] == 46


def _zip_with(plan_rows: list[list[str]] | None = None, indicator_rows: list[list[str]] | None = None) -> bytes:
    about, plan, indicators = plan_template.to_frames(plan_template.lassar_plan())
    if plan_rows is not None:
        plan = pd.DataFrame(plan_rows, columns=list(plan_template.PLAN_COLUMNS))
    if indicator_rows is not None:
        indicators = pd.DataFrame(indicator_rows, columns=list(plan_template.INDICATOR_COLUMNS))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, frame in (("about", about), ("plan", plan), ("indicators", indicators)):
            archive.writestr(f"{name}.csv", frame.to_csv(index=False))
    return buffer.getvalue()


@pytest.mark.parametrize("plan_rows, indicator_rows, message", [
    ([["P", "I", "A", "M", "Octember 17", "GC", ""]], [],
     "new.zip, sheet 'Plan', row 2, column 'Dates': could not read the dates 'Octember 17'"),
    ([["", "I", "A", "M", "Oct 17", "GC", ""]], [],
     "new.zip, sheet 'Plan', row 2, column 'Priority': empty, but there is no priority above it"),
    ([["P", "I", "A", "M", "Oct 17", "GC", "finished"]], [],
     "new.zip, sheet 'Plan', row 2, column 'Status': found 'finished'; expected one of not recorded, not started"),
    ([["P", "I", "A", "M", "Oct 17", "GC", ""]], [["P1.I1", "ks2_maths", "la", "at or above", "England", ""]],
     "new.zip, sheet 'Indicators', row 2, column 'Measure id': found 'ks2_maths'"),
    ([["P", "I", "A", "M", "Oct 17", "GC", ""]], [["P9", "ks2_rwm_exp", "la", "at or above", "England", ""]],
     "new.zip, sheet 'Indicators', row 2, column 'Plan item': found 'P9'"),
    ([["P", "I", "A", "M", "Oct 17", "GC", ""]], [["P1", "ks2_rwm_exp", "la", "fewer than", "last year", ""]],
     "column 'Comparison': found 'fewer than'; expected 'fewer than' for a count of schools, and only then"),
    ([["P", "I", "A", "M", "Oct 17", "GC", ""]], [["P1", "eyfs_gld", "la", "at or above", "target value", "seventy"]],
     "column 'Target value': found 'seventy'; expected a number"),
])
def test_a_bad_template_is_refused_whole_naming_row_and_column(records_db, plan_rows, indicator_rows, message):
    with records.session(records_db) as con:
        plan_queries.seed_if_new(con, "857")
    before = records_db.read_bytes()
    with pytest.raises(TemplateError) as refused:
        imported = plan_template.read_template(_zip_with(plan_rows, indicator_rows), "new.zip")
        with records.session(records_db) as con:
            plan_queries.save_plan(con, imported, "officer@rutland.gov.uk")
    assert message in str(refused.value)
    assert records_db.read_bytes() == before


def test_an_import_replaces_the_plan_audited_and_keeps_its_id(records_db):
    with records.session(records_db) as con:
        plan_queries.seed_if_new(con, "857")
        first_id = plan_queries.current_plan_id(con)
    smaller = plan_template.read_template(_zip_with([["P", "I", "A", "M", "Sept 25", "JB", "in progress"]], []),
                                          "new.zip")
    with records.session(records_db) as con:
        assert plan_queries.save_plan(con, smaller, "jo@rutland.gov.uk") == first_id
        assert plan_queries.document(con, first_id) == smaller
        deleted = con.execute("SELECT count(*) FROM audit WHERE action = 'delete' AND changed_by = ?",
                              ["jo@rutland.gov.uk"]).fetchall()[0][0]
    assert deleted == 46 + 13   # every earlier item and indicator, each recorded


def _milestone(con, ref: str) -> dict:
    frame = plan_queries.items(con, plan_queries.current_plan_id(con))
    return frame[frame["ref"] == ref].iloc[0].to_dict()


def test_an_edit_is_audited_and_a_stale_edit_is_refused(records_db):
    with records.session(records_db) as con:
        plan_queries.seed_if_new(con, "857")
        read = _milestone(con, "P1.I1.A1.M1")
    with records.session(records_db) as con:
        assert plan_queries.update_milestones(con, [(read["item_id"], read["revision"], {"status": "done"})],
                                              "sam.officer@rutland.gov.uk") == 1
    with records.session(records_db) as con:
        now = _milestone(con, "P1.I1.A1.M1")
        audit = plan_queries.audit_trail(con, limit=1).iloc[0]
    assert (now["status"], now["revision"], now["updated_by"]) == ("done", read["revision"] + 1,
                                                                   "sam.officer@rutland.gov.uk")
    assert (audit["changed_by"], audit["table_name"], audit["action"]) == ("sam.officer@rutland.gov.uk", "plan_items",
                                                                           "update")
    assert '"status": "not recorded"' in audit["before_json"] and '"status": "done"' in audit["after_json"]
    # A second session still holding the old revision: refused, nothing changed.
    with pytest.raises(records.Conflict, match="changed by sam.officer@rutland.gov.uk"):
        with records.session(records_db) as con:
            plan_queries.update_milestones(con, [(read["item_id"], read["revision"], {"lead": "XX"})], "other")
    with records.session(records_db) as con:
        assert _milestone(con, "P1.I1.A1.M1")["lead"] == "SuH/SaH"
        with pytest.raises(ValueError, match="not editable on a milestone"):
            plan_queries.update_milestones(con, [(read["item_id"], now["revision"], {"ref": "P9"})], "other")


def test_two_sessions_writing_at_once_both_land(records_db):
    """Two threads (two sessions of one server) write different milestones at the same moment: the lock makes
    them take turns, and both changes are kept."""
    with records.session(records_db) as con:
        plan_queries.seed_if_new(con, "857")
        rows = [_milestone(con, ref) for ref in ("P1.I1.A1.M1", "P3.I2.A2.M1")]
    start = threading.Barrier(2)
    problems = []

    def write(row, who):
        start.wait()
        try:
            for _ in range(5):
                with records.session(records_db) as con:
                    current = con.execute("SELECT revision FROM plan_items WHERE item_id = ?",
                                          [row["item_id"]]).fetchall()[0][0]
                    plan_queries.update_milestones(con, [(row["item_id"], current, {"lead": f"{who}{current}"})], who)
        except Exception as problem:  # surfaced below: the test fails with it
            problems.append(problem)
    threads = [threading.Thread(target=write, args=(row, who)) for row, who in zip(rows, ("a", "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not problems
    with records.session(records_db) as con:
        assert [_milestone(con, r["ref"])["revision"] for r in rows] == [6, 6]
        assert con.execute("SELECT count(*) FROM audit WHERE action = 'update'").fetchall()[0][0] == 10


def test_milestones_past_due_and_not_done_come_first():
    items = pd.DataFrame([
        {"item_id": 1, "revision": 1, "ref": "P1", "level": "priority", "parent_ref": None, "text": "P",
         "dates_text": None, "due_date": None, "lead": None, "status": None},
        {"item_id": 2, "revision": 1, "ref": "P1.I1", "level": "issue", "parent_ref": "P1", "text": "I",
         "dates_text": None, "due_date": None, "lead": None, "status": None},
        {"item_id": 3, "revision": 1, "ref": "P1.I1.A1", "level": "action", "parent_ref": "P1.I1", "text": "A",
         "dates_text": None, "due_date": None, "lead": None, "status": None},
        *[{"item_id": 10 + n, "revision": 1, "ref": f"P1.I1.A1.M{n}", "level": "milestone", "parent_ref": "P1.I1.A1",
           "text": f"M{n}", "dates_text": "", "due_date": due, "lead": "GC", "status": status}
          for n, (due, status) in enumerate([(date(2018, 3, 31), "in progress"), (date(2017, 10, 31), "done"),
                                             (date(2019, 1, 31), "not started"), (date(2017, 12, 31), "not started"),
                                             (date(2017, 9, 30), "dropped")], start=1)],
    ]).assign(updated_at=pd.Timestamp("2025-01-01"), updated_by="x")
    ordered = plan_views.milestones(items, date(2018, 6, 1))
    # M4 (Dec 17) and M1 (Mar 18) are past due and open; M2 done and M5 dropped are not late; M3 is not yet due.
    assert ordered["ref"].tolist() == ["P1.I1.A1.M4", "P1.I1.A1.M1", "P1.I1.A1.M5", "P1.I1.A1.M2", "P1.I1.A1.M3"]
    assert ordered["past_due"].tolist()[:3] == ["past due (31 Dec 2017) and not done",
                                                "past due (31 Mar 2018) and not done", ""]


@pytest.mark.parametrize("text, expected", [
    ("Oct 17", (date(2017, 10, 1), date(2017, 10, 31))),
    ("Dec '17", (date(2017, 12, 1), date(2017, 12, 31))),
    ("Sept 17 - Apr 18", (date(2017, 9, 1), date(2018, 4, 30))),
    ("Dec 17 – July 18", (date(2017, 12, 1), date(2018, 7, 31))),
    ("Jan 18 –Dec 18", (date(2018, 1, 1), date(2018, 12, 31))),
    ("Feb 20", (date(2020, 2, 1), date(2020, 2, 29))),
    ("2018-03-15", (date(2018, 3, 15), date(2018, 3, 15))),
])
def test_dates_as_written(text, expected):
    assert plan_template.parse_dates(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "Oct", "Q3 2018", "Oct 17 or later"])
def test_dates_that_cannot_be_read(text):
    with pytest.raises(ValueError, match="could not read the dates"):
        plan_template.parse_dates(text)
