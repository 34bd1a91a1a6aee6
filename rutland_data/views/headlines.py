"""The headline card for one measure: latest value, change in words, rank and quartile, comparators; and the
Overview's cards. Kept apart from the pages so the meeting summary says the same in the same words.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rutland_data.analysis import ranks
from rutland_data.queries import la as la_queries
from rutland_data.queries.sources import sources
from rutland_data.reference import measures, versions
from rutland_data.reference.codes import COMPARATOR_ROLE, neighbour_set_for
from rutland_data.reference.markers import GLOSSARY


@dataclass(frozen=True)
class Card:
    value_text: str              # '67%' or the published marker
    value: float | None
    change_text: str             # 'up 14 points - better' / 'no change' / 'not comparable with 2015/16: ...'
    delta: float | None          # signed change as shown; None when no change can be stated
    delta_text: str | None       # '+14' / '-3.0' / 'no change', for the metric; None when not comparable
    rank: ranks.Rank | None
    comparators: list[tuple[str, str]]   # (series name, formatted value with its version)
    comparison_text: str         # 'above England (61%)': against the chosen comparator
    year_label: str              # '2016/17' (or 'calendar year 2021'); 'latest: 2022/23' when the chosen year has none
    version: str | None          # the LA figure's version (None: the source does not say)
    source_ids: list[int]
    end_year: int | None = None  # the year of the figure shown
    missing_note: str | None = None      # why the chosen year has no figure, when it has none
    review_notes: tuple[str, ...] = ()   # where the LA's own review quoted a different (provisional) figure
    version_note: str | None = None      # the source's release note: how its versions are known
    comparisons: tuple[str, ...] = ()    # 'below England (4.01%)', ... against every comparator

    @property
    def version_text(self) -> str:
        """'final' / 'revised' / 'provisional' / 'not stated by the source', after 'Version: '."""
        return self.version if self.version in ("final", "revised", "provisional") else "not stated by the source"


def row_in(frame: pd.DataFrame, role: str, year: int):
    """The trend frame's row for one role ('la', 'england', 'region', 'neighbours') and year, or None. Found by
    position over the two columns' arrays: a boolean mask over the frame copies every column, and this runs
    for every card, bullet and chart title (1.2 ms then, 0.2 ms so)."""
    found = np.flatnonzero((frame["role"].to_numpy() == role) & (frame["end_year"].to_numpy() == year))
    return None if found.size == 0 else frame.iloc[found[0]]


def value_of(row) -> float | None:
    """A trend row's value as a float, None for no row or a marker."""
    return None if row is None or pd.isna(row["value"]) else float(row["value"])


def _code(row) -> str | None:
    return None if row is None or pd.isna(row["value_code"]) else str(row["value_code"])


def _decimals(row) -> int | None:
    return None if row is None or pd.isna(row["published_decimals"]) else int(row["published_decimals"])


def change_decimals(measure: measures.Measure, *rows) -> int:
    """How finely a change between trend rows can be stated: the dictionary's decimals, or the fewest any of
    their files published (a 1-dp and a 2-dp figure differ to 1 dp)."""
    precision = [d for d in map(_decimals, rows) if d is not None]
    return measure.shown_decimals(min(precision) if precision else None)


def _version(row) -> str | None:
    return None if row is None or pd.isna(row["version"]) else str(row["version"])


def _compared_name(row) -> str:
    """How a sentence names a comparator: 'England', 'East Midlands', 'the statistical-neighbour mean'."""
    return "the statistical-neighbour mean" if row["role"] == "neighbours" else str(row["series"])


def shown_value(measure: measures.Measure, row) -> str:
    """One row of a trend frame as a page shows it: the value at its published precision, or its marker."""
    return measure.format(value_of(row), _code(row), _decimals(row))


def figure_year(frame: pd.DataFrame, year: int) -> int | None:
    """The year whose LA figure a card shows for the chosen `year`: that year, or else the latest
    earlier year with a figure (None when there is none up to `year`)."""
    own = frame[(frame["role"] == "la") & frame["value"].notna() & (frame["end_year"] <= year)]
    return None if own.empty else int(own["end_year"].max())


def missing_note(measure: measures.Measure, frame: pd.DataFrame, year: int) -> str:
    """Why the LA has no figure for `year`: a documented gap, a published marker, or nothing loaded."""
    gap = measure.gap_covering(year)
    if gap is not None:
        return f"Not published for {measure.period(year)}: {gap.reason}."
    code = _code(row_in(frame, "la", year))
    if code is not None:
        meaning = GLOSSARY.get(code, ("", "published marker"))[1].lower()
        return f"No figure for {measure.period(year)}: published as '{code}' ({meaning})."
    return f"No figure for {measure.period(year)} in the files loaded."


def card(con, measure_id: str, la_code: str, year: int, comparator: str) -> Card:
    """Everything the headline card says about one measure for the chosen year: that year's figure or,
    when it has none, the latest earlier one, labelled as such."""
    measure = measures.by_id()[measure_id]
    frame = la_queries.trend(con, measure.measure_id, la_code, neighbour_set_for(comparator))
    shown_year = figure_year(frame, year)
    note = None if shown_year == year else missing_note(measure, frame, year)
    shown_year = year if shown_year is None else shown_year
    row = row_in(frame, "la", shown_year)
    value, previous_row = value_of(row), row_in(frame, "la", shown_year - 1)
    decimals = change_decimals(measure, row, previous_row)
    change = ranks.describe_change(measure, shown_year, value, value_of(previous_row), decimals)
    delta_text = None
    if change.delta is not None:
        delta_text = "no change" if change.delta == 0 else f"{change.delta:+.{decimals}f}"
    rank = (ranks.rank_of(value, la_queries.values_for_ranking(con, measure.measure_id, shown_year), measure.polarity)
            if measure.ranked else None)
    comparators, comparisons = [], []
    for role in (r for r in ("england", "region", "neighbours") if r in measure.comparators):
        comparator_row = row_in(frame, role, shown_year)
        if comparator_row is None:
            continue
        if value is not None and value_of(comparator_row) is not None:
            word = ranks.comparison_word(value, value_of(comparator_row), change_decimals(measure, row, comparator_row))
            comparisons.append(f"{word} {_compared_name(comparator_row)} ({shown_value(measure, comparator_row)})")
        text = shown_value(measure, comparator_row)
        if role == "neighbours" and value_of(comparator_row) is not None:
            text += f" (mean of {int(comparator_row['neighbours_counted'])})"
        elif value_of(comparator_row) is not None:
            text += f" ({versions.phrase(_version(comparator_row))})"
        comparators.append((comparator_row["series"], text))
    chosen_row = row_in(frame, COMPARATOR_ROLE[comparator], shown_year)
    if chosen_row is None:
        comparison = f"no {comparator} figure for {measure.period(shown_year)}"
    else:
        word = ranks.comparison_word(value, value_of(chosen_row), change_decimals(measure, row, chosen_row))
        comparison = f"{word} {_compared_name(chosen_row)} ({shown_value(measure, chosen_row)})"
    source_ids = [int(s) for s in frame.loc[frame["end_year"] == shown_year, "source_id"].dropna()]
    own_source = sources(con, [int(row["source_id"])]) if row is not None else None
    version_note = None
    if own_source is not None and not own_source.empty and pd.notna(own_source["release_note"].iloc[0]):
        version_note = str(own_source["release_note"].iloc[0])
    return Card(
        value_text=shown_value(measure, row) if row is not None else "no data",
        value=value,
        change_text=change.text,
        delta=change.delta,
        delta_text=delta_text,
        rank=rank,
        comparators=comparators,
        comparison_text=comparison,
        year_label=measure.period(shown_year) if note is None else f"latest: {measure.period(shown_year)}",
        version=_version(row),
        source_ids=source_ids,
        end_year=shown_year if value is not None else None,
        missing_note=note,
        review_notes=review_notes(con, measure, la_code, shown_year, frame),
        version_note=version_note,
        comparisons=tuple(comparisons),
    )


def review_notes(con, measure: measures.Measure, la_code: str, end_year: int, frame: pd.DataFrame) -> tuple[str, ...]:
    """'Rutland 52.2 final; 52.1 provisional at the time of the review (LaSSAR 2016-17)' for each figure
    the LA's own review quoted differently from the figure shown."""
    notes = []
    for quoted in la_queries.review_figures(con, la_code, measure.measure_id, end_year):
        rows = frame[(frame["area_code"] == quoted.area_code) & (frame["end_year"] == end_year)]
        if rows.empty or not quoted.differs_from(value_of(rows.iloc[0])):
            continue
        shown = rows.iloc[0]
        notes.append(f"{shown['series']} " + quoted.note(measure, float(shown["value"]), _version(shown),
                                                        _decimals(shown)))
    return tuple(notes)


@dataclass(frozen=True)
class OverviewCard:
    phase: str
    measure: measures.Measure
    card: Card


def overview_cards(con, la_code: str, up_to: int, comparator: str) -> list[OverviewCard]:
    """For each phase of the dictionary's Overview measures, the card of its first measure with a figure for the
    LA by `up_to` (in that measure's latest such year, labelled 'latest: ...' when it is not `up_to`). One call
    for the whole Overview, so a rerun reads one cache entry."""
    cards = []
    for phase in dict.fromkeys(m.phase for m in measures.where("overview")):
        for measure in measures.where("overview", phase=phase):
            headline = card(con, measure.measure_id, la_code, up_to, comparator)
            if headline.value is not None:
                cards.append(OverviewCard(phase, measure, headline))
                break
    return cards
