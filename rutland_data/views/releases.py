"""The Overview's release calendar: what is due to be published before the next meeting, what is overdue to
load, and each measure's last loaded release (analysis/releases.py has the rules)."""
from __future__ import annotations

import calendar as calendar_module
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from rutland_data.analysis import releases
from rutland_data.queries import sources as source_queries
from rutland_data.reference import measures, versions

DEFAULT_WEEKS_TO_MEETING = 8


def default_meeting(today: date) -> date:
    """The next meeting when none is set: eight weeks on (the usual gap between Education Performance Boards)."""
    return today + timedelta(weeks=DEFAULT_WEEKS_TO_MEETING)


@dataclass(frozen=True)
class ReleaseCalendar:
    overdue: pd.DataFrame        # one row per release (phase, year, version, expected months) with its measures
    due: pd.DataFrame            # the same, for releases opening by the meeting
    last_loaded: pd.DataFrame    # each tracked measure's newest year loaded, its version, file and load date


def _grouped(found: list[tuple[measures.Measure, releases.Release]]) -> pd.DataFrame:
    """One line per publication (phase, year, version, months), naming its measures; a publication missed year
    after year (the same measures and version) is one line with its years and the months of the newest."""
    by_release: dict[tuple, list[str]] = {}
    for measure, release in sorted(found, key=lambda item: (item[1].opens, item[0].sort_order)):
        key = (measure.phase, release.end_year, release.version, release.window, measure.year_type)
        by_release.setdefault(key, []).append(measure.short_label)
    runs: dict[tuple, list] = {}
    for (phase, end_year, version, window, year_type), labels in by_release.items():
        runs.setdefault((phase, version, tuple(labels)), []).append((end_year, window, year_type))
    rows = []
    for (phase, version, labels), years in runs.items():
        first, last = years[0], years[-1]
        label = measures.label_year(first[0], first[2])
        if len(years) > 1:
            label += f" to {measures.label_year(last[0], last[2])} ({len(years)} years)"
        rows.append((phase, label, version, last[1], ", ".join(labels)))
    return pd.DataFrame(rows, columns=["phase", "year", "version", "expected", "measures"])


def cadence_words(measure: measures.Measure) -> str:
    """'provisional September; revised February of the next year', from the dictionary's cadence."""
    offsets = {0: "", 1: " of the next year", -1: " of the year before"}
    parts = []
    for rule in measure.releases():
        months = calendar_module.month_name[rule.first_month] + (
            f" to {calendar_module.month_name[rule.last_month]}" if rule.last_month != rule.first_month else "")
        parts.append(f"{rule.version} {months}{offsets.get(rule.year_offset, f' ({rule.year_offset:+d} years)')}")
    return "; ".join(parts)


def calendar(con, la_code: str, today: date, meeting: date) -> ReleaseCalendar:
    loaded = source_queries.loaded_releases(con, la_code)
    found: dict[str, list] = {releases.OVERDUE: [], releases.DUE: []}
    last = []
    for measure in measures.read_dictionary():
        if not measure.release_calendar:
            continue
        rows = loaded[loaded["measure_id"] == measure.measure_id]
        if rows.empty:
            continue
        by_year = {int(r.end_year): None if pd.isna(r.version) else str(r.version) for r in rows.itertuples()}
        for release in releases.outstanding(measure, by_year, today, meeting):
            found[release.status].append((measure, release))
        newest = rows.iloc[-1]
        last.append((measure.phase, measure.short_label, measure.year_label(int(newest["end_year"])),
                     versions.label(None if pd.isna(newest["version"]) else newest["version"]),
                     newest["file_name"] + (" (simulated)" if newest["is_simulated"] else ""),
                     f"{newest['loaded_at']:%d %b %Y}", cadence_words(measure)))
    return ReleaseCalendar(
        overdue=_grouped(found[releases.OVERDUE]), due=_grouped(found[releases.DUE]),
        last_loaded=pd.DataFrame(last, columns=["phase", "measure", "newest year loaded", "version", "file",
                                                "loaded", "published"]))
