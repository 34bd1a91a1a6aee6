"""Improvement plan: the council's plan (priorities, issues, actions, milestones) linked to live indicators.

Public to read; signed-in officers edit milestones, import the plan from its template and see the audit trail.
The plan lives in the records database (rutland_data/store/records.py), not the rebuilt main database."""
from __future__ import annotations

import functools
from datetime import date

import pandas as pd
import streamlit as st

from rutland_data import settings
from rutland_data.analysis import targets
from rutland_data.ingest import plan_template
from rutland_data.queries import plan as plan_queries
from rutland_data.reference import plan_terms
from rutland_data.reference.codes import academic_year
from rutland_data.store import records
from rutland_data.ui import auth, common
from rutland_data.views import plan as plan_views

EDITED_COLUMNS = {"milestone": "text", "dates": "dates_text", "due_date": "due_date", "lead": "lead",
                  "status": "status"}
EDITS_KEY = "plan_editor_version"
OUTCOME_KEY = "plan_outcome"


filters = common.global_filters()
common.page_header(
    "Improvement plan",
    "The Education Improvement Plan's priorities, issues, actions and milestones, and the indicators that show "
    "whether it is working: each indicator's latest figure against its target, a status with its rule in words, "
    "the change since the plan started, and the chart it comes from. Milestones past due and not done come first.",
)
configured = settings.load()
officer = auth.is_officer()
common.records_query(plan_queries.seed_if_new, filters.la)
plan_id = common.records_query(plan_queries.current_plan_id)
if plan_id is not None:
    about = common.records_query(plan_queries.plan_about, plan_id)
    specs = common.records_query(plan_views.stored_specs, plan_id)
    document = common.records_query(plan_queries.document, plan_id)

if plan_id is None:
    st.info("No improvement plan is stored yet. Officers can import one from the template (an Excel workbook or a "
            "zip of CSV files) once signed in.", icon=":material/info:")
else:
    baseline = int(about["baseline_year"])
    st.markdown(f"**{about['title']}.** Started from the {academic_year(baseline)} results. "
                f"Last changed by {about['updated_by']} on {about['updated_at']:%d %B %Y}.")
    st.caption(about["source"])
    # The outcome of this session's last save or import, kept (not popped) until the next one: a rerun the
    # editor starts can interrupt the run that would show it once.
    outcome = st.session_state.get(OUTCOME_KEY)
    if outcome is not None and outcome[0] == "saved":
        st.success(outcome[1], icon=":material/check_circle:")

    # ---------------------------------------------------------------- indicators
    st.header("Indicators", divider="gray")
    overview = common.query(plan_views.indicator_overview, filters.la, baseline, specs)
    st.markdown(f"**{overview.counts}.** {targets.RULE}")
    if overview.statuses:
        shown_sources = overview.source_ids
        common.simulated_banner(shown_sources)
        common.table(overview.table, column_config={"Chart": st.column_config.LinkColumn("Chart", display_text="Open the chart"),
                                           "Rule": st.column_config.TextColumn("Rule", width="large")})
        st.caption(common.source_line(shown_sources))

    # ---------------------------------------------------------------- milestones
    st.header("Milestones", divider="gray")
    milestones = common.records_query(plan_views.stored_milestones, plan_id, date.today())
    late = int((milestones["past_due"] != "").sum()) if not milestones.empty else 0
    st.markdown(f"**{late} of {len(milestones)} milestones are past due and not done**, listed first." if late else
                f"No milestone is past due and not done ({len(milestones)} milestones).")
    common.table(milestones, columns={
        "ref": "Ref", "past_due": "Past due", "milestone": "Milestone", "dates": "Dates (as written)", "due_date": "Due",
        "lead": "Lead", "status": "Status", "updated": "Last changed"})
    with st.expander("The plan as written: priorities, issues and actions"):
        lines = []
        for item in document.items:
            indent = "    " * plan_terms.LEVELS.index(item.level)
            lines.append(f"{indent}- **{item.ref}** {item.text}" + (f" ({item.dates_text}; {item.lead})"
                                                                   if item.level == "milestone" else ""))
        st.markdown("\n".join(lines))

    # ---------------------------------------------------------------- the template
    st.header("Download", divider="gray")
    stem = f"improvement_plan_{plan_id}"
    xlsx_column, zip_column = st.columns(2)
    xlsx_column.download_button("Plan as Excel (the import template)",
                                functools.partial(plan_template.to_xlsx, document), file_name=f"{stem}.xlsx", icon=":material/download:", key="download-plan-xlsx",
                                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                on_click="ignore")
    zip_column.download_button("Plan as CSV files (zip)", functools.partial(plan_template.to_csv_zip, document),
                               file_name=f"{stem}.zip", mime="application/zip", icon=":material/download:", key="download-plan-zip",
                               on_click="ignore")

if not officer:
    st.caption("Council officers sign in to update milestones and import a revised plan.")
    st.stop()


# ---------------------------------------------------------------- officers: edit, import, audit
def _edits(rows: pd.DataFrame, edited_rows: dict) -> list[tuple[int, int, dict]]:
    """The editor's changed cells as (item id, revision read, {column: value}); a new Dates text re-derives the
    start and due dates unless the due date was edited too."""
    found = []
    for position, cells in edited_rows.items():
        row = rows.iloc[int(position)]
        changes = {EDITED_COLUMNS[column]: value for column, value in cells.items() if column in EDITED_COLUMNS}
        if "dates_text" in changes:
            start, due = plan_template.parse_dates(changes["dates_text"] or "")
            changes.setdefault("start_date", start)
            changes["due_date"] = changes.get("due_date") or due
        if isinstance(changes.get("due_date"), str):
            changes["due_date"] = date.fromisoformat(changes["due_date"][:10])
        found.append((int(row["item_id"]), int(row["revision"]), changes))
    return found


def _saved(message: str) -> None:
    st.session_state[EDITS_KEY] = st.session_state.get(EDITS_KEY, 0) + 1   # a fresh editor over the stored plan
    st.session_state[OUTCOME_KEY] = ("saved", message)


def _save_milestones(rows: pd.DataFrame, editor_key: str) -> None:
    """Button callback (it runs before the next script run): the edits against the rows as the officer saw them."""
    try:
        edits = _edits(rows, st.session_state.get(editor_key, {}).get("edited_rows", {}))
        with records.session(configured.records_db_path) as con:
            changed = plan_queries.update_milestones(con, edits, auth.officer_identity())
    except (records.Conflict, ValueError) as problem:
        st.session_state[OUTCOME_KEY] = ("refused", f"Nothing was saved: {problem}")
    else:
        _saved(f"Saved: {changed} milestone{'s' if changed != 1 else ''} changed.")


def _import_plan() -> None:
    uploaded = st.session_state.get("plan-upload")
    if uploaded is None:
        return
    try:
        imported = plan_template.read_template(uploaded.getvalue(), uploaded.name)
        with records.session(configured.records_db_path) as con:
            plan_queries.save_plan(con, imported, auth.officer_identity())
    except plan_template.TemplateError as problem:
        st.session_state[OUTCOME_KEY] = ("refused", f"Not imported: {problem}")
    else:
        _saved(f"Imported {uploaded.name}: {sum(i.level == 'milestone' for i in imported.items)} milestones, "
               f"{len(imported.indicators)} indicators.")


outcome = st.session_state.get(OUTCOME_KEY)
if outcome is not None and outcome[0] == "refused":
    st.error(outcome[1], icon=":material/error:")


if plan_id is not None:
    st.header("Update milestones", divider="gray")
    st.markdown("Change a milestone's status, lead, dates or wording in the table, then save. Every change is recorded "
                "with your name and the time; if someone else changed the same milestone since you opened this page, "
                "your save is refused and nothing is changed.")
    editor_key = f"milestone-editor-{st.session_state.get(EDITS_KEY, 0)}"
    editable = milestones[["ref", "milestone", "dates", "due_date", "lead", "status"]]
    st.data_editor(
        editable, key=editor_key, hide_index=True, num_rows="fixed", disabled=["ref"],
        alt="Milestones of the improvement plan, editable: reference, milestone, dates as written, due date, lead, status",
        column_config={
            "ref": st.column_config.TextColumn("Ref"),
            "milestone": st.column_config.TextColumn("Milestone", required=True, width="large"),
            "dates": st.column_config.TextColumn("Dates (as written)", required=True),
            "due_date": st.column_config.DateColumn("Due", format="DD MMM YYYY"),
            "lead": st.column_config.TextColumn("Lead"),
            "status": st.column_config.SelectboxColumn("Status", options=list(plan_terms.STATUSES), required=True),
        })
    st.button("Save milestone changes", icon=":material/save:", key="save-milestones", type="primary",
              on_click=_save_milestones, args=(milestones, editor_key))

st.header("Import a plan", divider="gray")
st.markdown("An Excel workbook with the sheets About, Plan and Indicators, or a zip of about.csv, plan.csv and "
            "indicators.csv, as downloaded above. Importing replaces the plan's items and indicators; a file with "
            "any problem is refused whole, naming the sheet, row and column, and the stored plan stays as it was.")
if st.file_uploader("Plan template", type=["xlsx", "zip"], key="plan-upload") is not None:
    st.button("Replace the plan with this file", key="import-plan", icon=":material/upload:", on_click=_import_plan)

st.header("Changes", divider="gray")
st.caption("The latest changes to the plan, meetings and commentary: who, when, and the row before and after.")
with records.session(configured.records_db_path) as con:   # officers only, and read fresh: who changed what
    trail = plan_queries.audit_trail(con)
common.table(trail.rename(columns={"changed_at": "When (UTC)", "changed_by": "Who", "table_name": "Table",
                                   "row_id": "Row", "action": "Change", "before_json": "Before",
                                   "after_json": "After"}))
