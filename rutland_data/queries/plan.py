"""The improvement plan in the records database: store a plan from its template, read it back, edit milestones.

Every function takes a connection from `store.records.session` (one transaction under the records lock);
writes go through `records.insert/update/delete`, so each is audited with who and when, and an edit made on a
stale copy of a row is refused (`records.Conflict`).

One plan is current at a time (the newest). Importing a template replaces its items and indicators - the old
rows are deleted, audited - while the plan keeps its id, so meetings' commentary on its items stays attached.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from rutland_data.ingest.plan_template import Indicator, PlanDocument, PlanItem, lassar_plan
from rutland_data.store import records

SEEDED_BY = "dashboard (the council's published plan)"
LASSAR_LA = "857"   # the published 2017-18 plan is Rutland's own
MILESTONE_EDITABLE = ("text", "dates_text", "start_date", "due_date", "lead", "status")


def current_plan_id(con: duckdb.DuckDBPyConnection) -> int | None:
    rows = con.execute("SELECT max(plan_id) FROM plans").fetchall()
    return rows[0][0]


def save_plan(con: duckdb.DuckDBPyConnection, document: PlanDocument, who: str) -> int:
    """Store `document` as the current plan (replacing its items and indicators); returns the plan id."""
    plan_id = current_plan_id(con)
    about = {"title": document.title, "baseline_year": document.baseline_year, "source": document.source}
    if plan_id is None:
        plan_id = records.insert(con, "plans", about, who)
    else:
        revision = con.execute("SELECT revision FROM plans WHERE plan_id = ?", [plan_id]).fetchall()[0][0]
        records.update(con, "plans", plan_id, revision, about, who)
        for table in ("plan_indicators", "plan_items"):
            for (row_id,) in con.execute(f'SELECT "{records.ID_COLUMNS[table]}" FROM "{table}" WHERE plan_id = ?',
                                         [plan_id]).fetchall():
                records.delete(con, table, row_id, None, who)
    for item in document.items:
        records.insert(con, "plan_items", {
            "plan_id": plan_id, "ref": item.ref, "level": item.level, "parent_ref": item.parent_ref,
            "position": item.position, "text": item.text, "dates_text": item.dates_text,
            "start_date": item.start_date, "due_date": item.due_date, "lead": item.lead, "status": item.status}, who)
    for position, indicator in enumerate(document.indicators, start=1):
        records.insert(con, "plan_indicators", {
            "plan_id": plan_id, "item_ref": indicator.item_ref, "position": position,
            "measure_id": indicator.measure_id, "basis": indicator.basis, "comparison": indicator.comparison,
            "comparator": indicator.comparator, "target_value": indicator.target_value}, who)
    return plan_id


def seed_if_new(con: duckdb.DuckDBPyConnection, la_code: str) -> None:
    """A new records database for Rutland starts with the council's published 2017-18 plan; another LA's starts
    empty (its officers import their own). Never re-seeded once a plan was stored, even if later deleted."""
    if la_code != LASSAR_LA:
        return
    ever = con.execute("SELECT count(*) FROM audit WHERE table_name = 'plans'").fetchall()[0][0]
    if not ever:
        save_plan(con, lassar_plan(), SEEDED_BY)


def items(con: duckdb.DuckDBPyConnection, plan_id: int) -> pd.DataFrame:
    """Every item of the plan in plan order, with id, revision and who changed it last."""
    return con.execute(
        "SELECT item_id, revision, ref, level, parent_ref, position, text, dates_text, start_date, due_date, lead, "
        "status, updated_at, updated_by FROM plan_items WHERE plan_id = ? ORDER BY item_id", [plan_id]).df()


def headings(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(ref, text) of the current plan's priorities, issues and actions: what commentary can be about."""
    return con.execute("SELECT ref, text FROM plan_items WHERE plan_id = (SELECT max(plan_id) FROM plans) "
                       "AND level <> 'milestone' ORDER BY item_id").fetchall()


def indicators(con: duckdb.DuckDBPyConnection, plan_id: int) -> pd.DataFrame:
    return con.execute(
        "SELECT indicator_id, revision, item_ref, position, measure_id, basis, comparison, comparator, target_value "
        "FROM plan_indicators WHERE plan_id = ? ORDER BY position", [plan_id]).df()


def plan_about(con: duckdb.DuckDBPyConnection, plan_id: int) -> dict:
    row = con.execute("SELECT title, baseline_year, source, updated_at, updated_by FROM plans WHERE plan_id = ?",
                      [plan_id]).fetchall()[0]
    return dict(zip(("title", "baseline_year", "source", "updated_at", "updated_by"), row))


def document(con: duckdb.DuckDBPyConnection, plan_id: int) -> PlanDocument:
    """The stored plan as a template document (for export: the same file an officer imported)."""
    about = plan_about(con, plan_id)

    def value(v):
        return None if v is None or pd.isna(v) else v
    stored = items(con, plan_id)
    plan_items = tuple(PlanItem(
        r.ref, r.level, value(r.parent_ref), int(r.position), r.text, value(r.dates_text),
        None if value(r.start_date) is None else pd.Timestamp(r.start_date).date(),
        None if value(r.due_date) is None else pd.Timestamp(r.due_date).date(), value(r.lead), value(r.status))
        for r in stored.itertuples())
    plan_indicators = tuple(Indicator(r.item_ref, r.measure_id, r.basis, r.comparison, r.comparator,
                                      value(r.target_value)) for r in indicators(con, plan_id).itertuples())
    return PlanDocument(about["title"], int(about["baseline_year"]), about["source"], plan_items, plan_indicators)


def update_milestones(con: duckdb.DuckDBPyConnection, edits: list[tuple[int, int, dict]], who: str) -> int:
    """Apply officers' edits to milestones: (item id, revision read, {column: new value}); all or none.

    Returns how many milestones changed. Raises records.Conflict when one changed meanwhile, ValueError when an
    edit names a column that is not a milestone's to edit or an item that is not a milestone."""
    changed = 0
    for item_id, revision, changes in edits:
        unknown = set(changes) - set(MILESTONE_EDITABLE)
        if unknown:
            raise ValueError(f"not editable on a milestone: {', '.join(sorted(unknown))}")
        level = con.execute("SELECT level FROM plan_items WHERE item_id = ?", [item_id]).fetchall()
        if level and level[0][0] != "milestone":
            raise ValueError(f"plan item {item_id} is a {level[0][0]}, not a milestone")
        before = con.execute("SELECT revision FROM plan_items WHERE item_id = ?", [item_id]).fetchall()
        records.update(con, "plan_items", item_id, revision, changes, who)
        after = con.execute("SELECT revision FROM plan_items WHERE item_id = ?", [item_id]).fetchall()
        changed += int(before != after)
    return changed


def audit_trail(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """The latest changes to the records, newest first: when, who, what."""
    return con.execute(
        "SELECT changed_at, changed_by, table_name, row_id, action, before_json, after_json FROM audit "
        "ORDER BY change_id DESC LIMIT ?", [limit]).df()
