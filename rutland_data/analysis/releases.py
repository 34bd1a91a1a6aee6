"""The release calendar: when each measure's next figures are published, and which are due or overdue.

A measure's cadence is its dictionary cell `release_calendar` (read by `measures.parse_calendar`).

A release counts as loaded when the database holds the LA's figure for its year at that version or a later
one (provisional < revised < final). A figure whose file does not state its version counts as that year's
latest release: the file cannot say a later one is missing, so none is claimed overdue. Years in a
documented gap (`gap 2020-2021`, `gap 2024-`) have no release. Only years from the newest one loaded onwards
are looked at: older years' releases were superseded when a later year came out.
"""
from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from rutland_data.reference.measures import VERSION_ORDER, Measure

OVERDUE, DUE, LATER = "overdue", "due before the meeting", "later"


@dataclass(frozen=True)
class Release:
    """One expected publication of a measure's figures for one year."""
    measure_id: str
    end_year: int
    version: str
    opens: date          # the first day of its first month
    closes: date         # the last day of its last month
    status: str          # OVERDUE (its months have passed), DUE (it opens by the meeting), LATER

    @property
    def window(self) -> str:
        """'September 2025' / 'November to December 2025'."""
        first, last = calendar.month_name[self.opens.month], calendar.month_name[self.closes.month]
        return f"{first} {self.opens.year}" if first == last else f"{first} to {last} {self.closes.year}"


def _loaded(version_loaded: str | None, wanted: str) -> bool:
    """Whether a year's best loaded version covers the release of `wanted` (unstated covers every release)."""
    return version_loaded is None or VERSION_ORDER.index(version_loaded) >= VERSION_ORDER.index(wanted)


def outstanding(measure: Measure, loaded: Mapping[int, str | None], today: date, meeting: date) -> list[Release]:
    """The releases of `measure` not yet loaded that are overdue by `today` or open by `meeting`, in date order.

    `loaded` maps each end year the LA has a figure for to its best version (None: not stated). A measure
    with no figure loaded, or no cadence, has nothing outstanding: there is no series to keep up to date."""
    rules = measure.releases()
    if not rules or not loaded:
        return []
    newest = max(loaded)
    found = []
    for end_year in range(newest, meeting.year + 2):
        if measure.gap_covering(end_year):
            continue
        for rule in rules:
            if end_year in loaded and _loaded(loaded[end_year], rule.version):
                continue
            year = end_year + rule.year_offset
            opens = date(year, rule.first_month, 1)
            closes = date(year, rule.last_month, calendar.monthrange(year, rule.last_month)[1])
            status = OVERDUE if closes < today else DUE if opens <= meeting else LATER
            if status != LATER:
                found.append(Release(measure.measure_id, end_year, rule.version, opens, closes, status))
    return sorted(found, key=lambda r: (r.opens, r.end_year))
