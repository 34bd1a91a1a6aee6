"""The improvement-plan tracker: each linked indicator's latest figure against its target, its RAG status with
the rule in words, the trend since the plan started and the link to its chart; milestones past due first.

`indicator_statuses` reads the main database (cached per data version by the page); the plan itself comes from
the records database (rutland_data/queries/plan.py) and is passed in as plain tuples.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode

import duckdb
import pandas as pd

from rutland_data.analysis import ranks, targets
from rutland_data.queries import la as la_queries
from rutland_data.queries import plan as plan_queries
from rutland_data.queries import schools as school_queries
from rutland_data.reference import measures, versions
from rutland_data.reference.codes import KEY_STAGES, neighbour_set_for
from rutland_data.reference.plan_terms import BASES, CLOSED
from rutland_data.views import headlines
from rutland_data.views import schools as school_views

COMPARATOR_ROLES = {"England": "england", "Region": "region", "Statistical neighbours": "neighbours"}
SCHOOLS_BASIS = BASES[1]
# (item ref, measure id, basis, comparison, comparator, target value): one linked indicator, as the page passes it.
IndicatorSpec = tuple[str, str, str, str, str, float | None]


@dataclass(frozen=True)
class IndicatorStatus:
    item_ref: str
    measure_id: str
    indicator: str        # 'KS2 maths progress score' / 'Schools significantly below national: KS2 RWM'
    target: str           # 'at or above England'
    latest: str           # '0.4 (2022/23, final)'
    compared_with: str    # 'England 0.0 (2022/23)'
    status: str           # targets.GREEN ... NOT_RATED
    rule: str             # why, in words
    trend: str            # 'up 2.0 points since 2016/17 - better' or why there is none
    link: str             # page path + query of its chart
    source_ids: tuple[int, ...] = ()


def _link(page: str, **params) -> str:
    return page + "?" + urlencode({k: v for k, v in params.items() if v is not None}, quote_via=quote, safe="/")


def chart_link(measure: measures.Measure, year_label: str | None, basis: str) -> str:
    """The chart the indicator's figure is on: the Schools page for a count of schools, Headline trends for a
    headline measure, Post-16 destinations for NEET, else the Meetings page's chart of that measure."""
    if basis == SCHOOLS_BASIS:
        key_stage = KEY_STAGES[measure.phase][0] if measure.phase in KEY_STAGES else None
        return _link("schools", key_stage=key_stage, measure=measure.name, school_year=year_label)
    if measure.appears("headlines"):
        return _link("headlines", year=year_label, phase=measure.phase)
    if measure.appears("neet"):
        return _link("destinations", year=year_label)
    return _link("meetings", year=year_label, chart=measure.measure_id)


def _trend(measure: measures.Measure, latest_year: int, latest: float | None, baseline_year: int,
           baseline: float | None, decimals: int, unit: str, polarity: str) -> tuple[str, bool]:
    """The change since the plan's baseline year in words, and whether the two years are comparable."""
    start = measure.year_label(baseline_year)
    if latest_year <= baseline_year:
        return f"no figure since {start}, when the plan started", False
    broken = next((b for b in measure.breaks() if b.kind == "new" and baseline_year < b.first <= latest_year), None)
    if broken is not None:
        return f"not comparable with {start}: {broken.reason}", False
    if latest is None or baseline is None:
        return f"no figure for {start} to compare with" if baseline is None else "no latest figure", baseline is not None
    return f"{ranks.change_in_words(latest, baseline, polarity, decimals, unit)} since {start}", True


def _la_status(con, spec: IndicatorSpec, la_code: str, baseline_year: int) -> IndicatorStatus | None:
    item_ref, measure_id, basis, comparison, comparator, target_value = spec
    measure = measures.by_id()[measure_id]
    frame = la_queries.trend(con, measure_id, la_code, neighbour_set_for("England"))
    own = frame[frame["role"] == "la"]
    if own.empty:
        return IndicatorStatus(item_ref, measure_id, measure.name, f"{comparison} {comparator}", "no figure loaded",
                               "-", targets.NOT_RATED, "Not rated: no figure for this LA is loaded.", "-",
                               chart_link(measure, None, basis))
    latest_year = int(own["end_year"].max())
    row = headlines.row_in(frame, "la", latest_year)
    decimals = headlines.change_decimals(measure, row)
    value = headlines.value_of(row)
    label = measure.year_label(latest_year)
    version = None if pd.isna(row["version"]) else str(row["version"])
    latest_text = f"{headlines.shown_value(measure, row)} ({label}, {versions.phrase(version)})"
    used = [row]
    if comparator in COMPARATOR_ROLES:
        compared = headlines.row_in(frame, COMPARATOR_ROLES[comparator], latest_year)
        name = compared["series"] if compared is not None else comparator
        name = "statistical neighbours (mean)" if comparator == "Statistical neighbours" else name
        target = headlines.value_of(compared)
        target_text = f"{name} {headlines.shown_value(measure, compared) if compared is not None else 'no figure'}"
        used.append(compared)
    elif comparator == "last year":
        compared = headlines.row_in(frame, "la", latest_year - 1)
        broken = measure.new_series_in(latest_year) or measure.gap_covering(latest_year - 1)
        name = f"last year ({measure.year_label(latest_year - 1)})"
        target = None if broken else headlines.value_of(compared)
        target_text = (f"{name}: not comparable ({broken.reason})" if broken else
                       f"{name} {headlines.shown_value(measure, compared) if compared is not None else 'no figure'}")
        used.append(compared)
    else:
        name, target = "the target", target_value
        target_text = f"the target {measure.format(target_value)}"
    baseline_row = headlines.row_in(frame, "la", baseline_year)
    baseline = headlines.value_of(baseline_row)
    trend_decimals = headlines.change_decimals(measure, row, baseline_row)   # a 1-dp baseline: the change to 1 dp
    trend, comparable = _trend(measure, latest_year, value, baseline_year, baseline, trend_decimals, measure.unit,
                               "higher" if comparison in targets.HIGHER_IS_TARGET else "lower")
    rating = targets.rate(value, target, comparison, decimals, value_text=headlines.shown_value(measure, row),
                          target_text=target_text, target_name=name, baseline=baseline,
                          baseline_text=headlines.shown_value(measure, baseline_row) if baseline_row is not None else "",
                          baseline_label=measure.year_label(baseline_year), trend_comparable=comparable,
                          trend_decimals=trend_decimals)
    sources = tuple(sorted({int(r["source_id"]) for r in used + [baseline_row]
                            if r is not None and pd.notna(r["source_id"])}))
    return IndicatorStatus(item_ref, measure_id, measure.name, f"{comparison} {name}", latest_text, target_text,
                           rating.status, rating.rule, trend, chart_link(measure, label, basis), sources)


def _schools_below(con, la_code: str, measure_id: str, end_year: int) -> tuple[int, int, pd.DataFrame]:
    frame = school_queries.masking(con, la_code, measure_id, end_year)
    counts = school_views.masking_summary(frame)
    return counts["significantly_below"], counts["with_value"], frame


def _schools_status(con, spec: IndicatorSpec, la_code: str, baseline_year: int) -> IndicatorStatus:
    item_ref, measure_id, basis, comparison, comparator, target_value = spec
    measure = measures.by_id()[measure_id]
    title = f"State-funded mainstream schools significantly below national: {measure.name}"
    years = school_queries.result_years(con, la_code, measure_id)
    if not years:
        return IndicatorStatus(item_ref, measure_id, title, f"{comparison} {comparator}", "no school figures loaded",
                               "-", targets.NOT_RATED, "Not rated: no school figures for this measure are loaded.",
                               "-", chart_link(measure, None, basis))
    latest_year = years[-1]
    below, with_value, frame = _schools_below(con, la_code, measure_id, latest_year)
    label = measure.year_label(latest_year)
    found_versions = ", ".join(sorted({versions.phrase(v) for v in frame["version"].dropna()})) or "version not stated"
    latest_text = f"{below} of {with_value} schools with a figure ({label}, {found_versions})"
    sources = set(frame["source_id"].dropna().astype(int)) | set(frame["national_source_id"].dropna().astype(int))
    if comparator == "last year":
        earlier = [y for y in years if y < latest_year]
        if earlier:
            before, before_with, before_frame = _schools_below(con, la_code, measure_id, earlier[-1])
            sources |= set(before_frame["source_id"].dropna().astype(int))
            name = f"last year ({measure.year_label(earlier[-1])})"
            target, target_text = float(before), f"{name}: {before} of {before_with}"
            if earlier[-1] != latest_year - 1:
                target_text += " (the latest earlier year published)"
        else:
            name, target, target_text = "last year", None, "no earlier year loaded"
    else:
        name, target, target_text = "the target", target_value, f"the target {target_value:g}"
    baseline = None
    baseline_text = ""
    if baseline_year in years:
        count, count_with, _ = _schools_below(con, la_code, measure_id, baseline_year)
        baseline, baseline_text = float(count), f"{count} of {count_with}"
    start = measure.year_label(baseline_year)
    trend = (f"{'no change' if baseline == below else ('down' if below < baseline else 'up')} "
             f"from {baseline_text} in {start}" if baseline is not None else f"no school figures for {start}")
    rating = targets.rate(float(below), target, comparison, 0, value_text=f"{below} of {with_value}", target_text=target_text,
                          target_name=name, baseline=baseline, baseline_text=baseline_text, baseline_label=start)
    return IndicatorStatus(item_ref, measure_id, title, f"{comparison} {name}", latest_text, target_text,
                           rating.status, rating.rule, trend, chart_link(measure, label, basis),
                           tuple(sorted(sources)))


def indicator_statuses(con: duckdb.DuckDBPyConnection, la_code: str, baseline_year: int,
                       specs: tuple[IndicatorSpec, ...]) -> list[IndicatorStatus]:
    """Every linked indicator's status, worst first (Red, Amber, Green, Not rated), then in plan order."""
    found = [(_schools_status if spec[2] == SCHOOLS_BASIS else _la_status)(con, spec, la_code, baseline_year)
             for spec in specs]
    order = {status: i for i, status in enumerate(targets.STATUSES)}
    return sorted(found, key=lambda s: order[s.status])


def status_counts(statuses: list[IndicatorStatus]) -> str:
    """'2 Red, 3 Amber, 5 Green, 1 Not rated' (the statuses present, worst first)."""
    counted = {s: sum(1 for x in statuses if x.status == s) for s in targets.STATUSES}
    return ", ".join(f"{n} {status}" for status, n in counted.items() if n) or "no indicators linked"


# How each status reads in a table: a sign beside the word, so it never rests on colour.
STATUS_SIGNS = {targets.GREEN: "✔ Green", targets.AMBER: "◐ Amber", targets.RED: "✖ Red", targets.NOT_RATED: "– Not rated"}


@dataclass(frozen=True)
class IndicatorOverview:
    """The plan's Indicators section, worked out once per database version: the statuses, their count in words,
    the table as shown and the sources of its figures."""
    statuses: list[IndicatorStatus]
    counts: str
    table: pd.DataFrame
    source_ids: tuple[int, ...]


def indicator_overview(con: duckdb.DuckDBPyConnection, la_code: str, baseline_year: int,
                       specs: tuple[IndicatorSpec, ...]) -> IndicatorOverview:
    statuses = indicator_statuses(con, la_code, baseline_year, specs)
    table = pd.DataFrame([{
        "Status": STATUS_SIGNS[s.status], "Plan item": s.item_ref, "Indicator": s.indicator, "Target": s.target,
        "Latest": s.latest, "Compared with": s.compared_with, "Since the plan started": s.trend,
        "Rule": s.rule, "Chart": s.link} for s in statuses])
    return IndicatorOverview(statuses, status_counts(statuses), table,
                             tuple(sorted({i for status in statuses for i in status.source_ids})))


def stored_specs(con: duckdb.DuckDBPyConnection, plan_id: int) -> tuple[IndicatorSpec, ...]:
    """The stored plan's linked indicators (read from the records database) as the hashable specs
    `indicator_overview` takes."""
    return tuple((r.item_ref, r.measure_id, r.basis, r.comparison, r.comparator,
                  None if pd.isna(r.target_value) else float(r.target_value))
                 for r in plan_queries.indicators(con, plan_id).itertuples())


def stored_milestones(con: duckdb.DuckDBPyConnection, plan_id: int, today: date) -> pd.DataFrame:
    """The stored plan's milestones as listed (`milestones`): worked out once per version of the records and day."""
    return milestones(plan_queries.items(con, plan_id), today)


def milestones(items: pd.DataFrame, today: date) -> pd.DataFrame:
    """The milestones with their priority, issue and action, those past due and not done first (earliest due
    first), then the rest by due date; `past_due` says so in words."""
    by_ref = items.set_index("ref")
    rows = []
    for row in items[items["level"] == "milestone"].itertuples():
        action = by_ref.loc[row.parent_ref]
        issue = by_ref.loc[action["parent_ref"]]
        priority = issue["parent_ref"]
        due = None if pd.isna(row.due_date) else pd.Timestamp(row.due_date).date()
        late = due is not None and due < today and row.status not in CLOSED
        rows.append({
            "item_id": row.item_id, "revision": row.revision, "ref": row.ref, "priority": priority,
            "issue": issue["text"], "action": action["text"], "milestone": row.text, "dates": row.dates_text,
            "due_date": due, "lead": row.lead, "status": row.status,
            "past_due": f"past due ({due:%d %b %Y}) and not done" if late else "",
            "updated": f"{row.updated_by}, {pd.Timestamp(row.updated_at):%d %b %Y %H:%M}",
            "_late": late})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame = frame.sort_values(["_late", "due_date", "ref"], ascending=[False, True, True], kind="stable")
    return frame.drop(columns="_late").reset_index(drop=True)
