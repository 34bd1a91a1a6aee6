"""'Since the last meeting' in words and tables: what changed between a meeting's data version and now."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from rutland_data.analysis import titles
from rutland_data.queries import la as la_queries
from rutland_data.queries.meetings import Changes
from rutland_data.reference import measures, versions
from rutland_data.reference.codes import neighbour_set_for


@dataclass(frozen=True)
class SinceLastMeeting:
    lines: tuple[str, ...]          # one sentence per kind of change, with counts
    revised: pd.DataFrame           # the revised figures as a reader sees them
    new_figures: pd.DataFrame
    schools: pd.DataFrame


def _shown(measure_id: str, value, code, version) -> str:
    measure = measures.by_id().get(measure_id)
    text = measure.format(None if pd.isna(value) else float(value), None if pd.isna(code) else str(code)) \
        if measure else str(value)
    return f"{text} ({versions.phrase(None if pd.isna(version) else str(version))})"


def _name(measure_id: str) -> str:
    measure = measures.by_id().get(measure_id)
    return measure.name if measure else measure_id


def _year(measure_id: str, end_year) -> str:
    measure = measures.by_id().get(measure_id)
    return measure.year_label(int(end_year)) if measure else str(end_year)


def since_last_meeting(changes: Changes) -> SinceLastMeeting:
    lines = []
    if changes.new_sources.empty:
        lines.append("No new releases loaded.")
    else:
        files = "; ".join(f"{r.file_name} ({'simulated' if r.is_simulated else r.publisher}"
                          + (f", {r.release_note}" if isinstance(r.release_note, str) else "") + ")"
                          for r in changes.new_sources.itertuples())
        lines.append(f"{len(changes.new_sources)} new release file{'s' if len(changes.new_sources) != 1 else ''} "
                     f"loaded: {files}.")
    revised = pd.DataFrame({
        "Measure": [_name(m) for m in changes.revised["measure_id"]],
        "Year": [_year(m, y) for m, y in zip(changes.revised["measure_id"], changes.revised["end_year"])],
        "Area": changes.revised["area"],
        "At the last meeting": [_shown(r.measure_id, r.before_value, r.before_code, r.before_version)
                                for r in changes.revised.itertuples()],
        "Now": [_shown(r.measure_id, r.now_value, r.now_code, r.now_version) for r in changes.revised.itertuples()],
    })
    lines.append(f"{len(revised)} figure{'s' if len(revised) != 1 else ''} revised (the same measure, year and area "
                 "with a different value, published code or version)." if len(revised) else "No figure revised.")
    new_figures = pd.DataFrame({
        "Measure": [_name(m) for m in changes.new_figures["measure_id"]],
        "Year": [_year(m, y) for m, y in zip(changes.new_figures["measure_id"], changes.new_figures["end_year"])],
        "Figure": [_shown(r.measure_id, r.value, r.value_code, r.version) for r in changes.new_figures.itertuples()],
    })
    lines.append(f"{len(new_figures)} new figure{'s' if len(new_figures) != 1 else ''} for the LA."
                 if len(new_figures) else "No new figures for the LA.")
    schools = pd.DataFrame({
        "School": changes.schools["school"],
        "Measure": [_name(m) for m in changes.schools["measure_id"]],
        "At the last meeting": [f"{s} ({_year(m, y)})" for s, m, y in zip(
            changes.schools["significance_before"], changes.schools["measure_id"], changes.schools["end_year_before"])],
        "Now": [f"{s} ({_year(m, y)})" for s, m, y in zip(
            changes.schools["significance_now"], changes.schools["measure_id"], changes.schools["end_year_now"])],
    })
    lines.append(f"{len(schools)} school result{'s' if len(schools) != 1 else ''} changed significance against "
                 "national (each school's latest year then and now)." if len(schools) else
                 "No school changed significance against national.")
    return SinceLastMeeting(tuple(lines), revised, new_figures, schools)


def chart_title(con, la_code: str, end_year: int, section: str, topic: str, chart: tuple) -> str:
    """A chart slide's title, the same in the board pack and in presentation mode: a trend's states its message
    (analysis/titles.py: no significance without an interval, polarity, series breaks); other charts keep
    their topic."""
    if chart[0] != "trend":
        return f"{section}: {topic}"
    measure = measures.by_id()[chart[1]]
    frame = la_queries.trend(con, measure.measure_id, la_code, neighbour_set_for("England"))
    by_role = {"la": {}, "england": {}}
    for role, year, value in zip(frame["role"].tolist(), frame["end_year"].tolist(), frame["value"].tolist()):
        if role in by_role:   # plain lists: itertuples over Arrow-backed columns cost more than the title
            by_role[role][int(year)] = None if pd.isna(value) else float(value)
    return titles.message_title(measure, end_year, by_role["la"], by_role["england"])
