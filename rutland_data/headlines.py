"""The headline card for one measure: latest value, change in words, rank and quartile, comparators.

Kept apart from the page so the meeting summary can reuse the same wording.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from rutland_data import charts, measures, queries, stats


@dataclass(frozen=True)
class Card:
    value_text: str              # '67%' or the published marker
    value: float | None
    change_text: str             # 'up 14 points - better'
    delta: float | None          # signed change, for the metric arrow
    rank: stats.Rank | None
    comparators: list[tuple[str, str]]   # (series name, formatted value)
    comparison_text: str         # 'above England (61%)'
    year_label: str
    version: str | None
    source_ids: list[int]


def _value(frame: pd.DataFrame, role: str, year: int):
    rows = frame[(frame["role"] == role) & (frame["end_year"] == year)]
    if rows.empty:
        return None, None, None
    row = rows.iloc[0]
    value = None if pd.isna(row["value"]) else float(row["value"])
    return value, (None if pd.isna(row["value_code"]) else row["value_code"]), row


def card(con, measure_id: str, la_code: str, year: int, comparator: str) -> Card:
    """Everything the headline card says about one measure in one year."""
    measure = measures.by_id()[measure_id]
    frame = queries.trend(con, measure.measure_id, la_code, queries.neighbour_set_for(comparator))
    value, code, row = _value(frame, "la", year)
    previous, _, _ = _value(frame, "la", year - 1)
    crosses_break = any(year - 1 < b <= year for b, _ in measure.breaks())
    if crosses_break:
        previous = None
    rank = stats.rank_of(value, queries.values_for_ranking(con, measure.measure_id, year), measure.polarity)
    comparators = []
    for role in ("england", "region", "neighbours"):
        comparator_value, comparator_code, comparator_row = _value(frame, role, year)
        if comparator_row is None:
            continue
        text = measure.format(comparator_value, comparator_code)
        if role == "neighbours" and comparator_value is not None:
            text += f" (mean of {int(comparator_row['neighbours_counted'])})"
        comparators.append((comparator_row["series"], text))
    chosen_value, chosen_code, chosen_row = _value(frame, queries.COMPARATOR_ROLE[comparator], year)
    if chosen_row is None:
        comparison = f"no {comparator} figure for this year"
    else:
        word = stats.comparison_word(value, chosen_value)
        comparison = f"{word} {chosen_row['series']} ({measure.format(chosen_value, chosen_code)})"
    delta = None if value is None or previous is None else round(value - previous, measure.decimals)
    change = ("new series this year: not comparable with the previous year" if crosses_break
              else stats.change_in_words(value, previous, measure.polarity, measure.decimals, measure.unit))
    source_ids = [int(s) for s in frame.loc[frame["end_year"] == year, "source_id"].dropna()]
    return Card(
        value_text=measure.format(value, code),
        value=value,
        change_text=change,
        delta=delta,
        rank=rank,
        comparators=comparators,
        comparison_text=comparison,
        year_label=queries.academic_year_label(year),
        version=None if row is None or pd.isna(row["version"]) else row["version"],
        source_ids=source_ids,
    )


def trend_chart_spec(con, measure_id: str, la_code: str, neighbour_set: str, selected_year: int | None) -> dict:
    """The Headlines chart for one measure as a Vega-Lite spec (so the page can cache it)."""
    measure = measures.by_id()[measure_id]
    frame = queries.trend(con, measure_id, la_code, neighbour_set)
    return charts.trend_chart(frame, measure, selected_year=selected_year).to_dict()


# The data table behind a trend chart, as the pages show and download it.
TREND_TABLE_COLUMNS = ("series", "year_label", "value", "value_code", "neighbours_counted", "source_id", "source_row")


@dataclass(frozen=True)
class TrendFigure:
    """A trend chart with everything its chart block needs, so a page reads it back in one cached call."""
    frame: pd.DataFrame          # `queries.trend` for the measure
    spec: dict                   # the Vega-Lite spec of `charts.trend_chart`
    alt_text: str
    table: pd.DataFrame          # `frame`'s table columns
    source_ids: list[int]
    has_values: bool             # whether any year has a figure


def trend_figure(con, measure_id: str, la_code: str, neighbour_set: str, selected_year: int | None,
                 table_columns: tuple[str, ...] = TREND_TABLE_COLUMNS) -> TrendFigure:
    """The data, chart spec, alt text and table of one measure's trend. Building and converting an Altair
    chart costs tens of milliseconds, so pages cache this rather than drawing the chart on every rerun."""
    measure = measures.by_id()[measure_id]
    frame = queries.trend(con, measure_id, la_code, neighbour_set)
    return TrendFigure(frame, charts.trend_chart(frame, measure, selected_year=selected_year).to_dict(),
                       charts.trend_alt_text(frame, measure), frame[list(table_columns)],
                       [int(s) for s in frame["source_id"].dropna()], bool(frame["value"].notna().any()))


@dataclass(frozen=True)
class OverviewCard:
    phase: str
    measure: measures.Measure
    card: Card


def overview_cards(con, la_code: str, up_to: int, comparator: str) -> list[OverviewCard]:
    """For each headline phase, the card of its first headline measure with a figure for the LA by `up_to`
    (in that measure's latest such year). One call for the whole Overview, so a rerun reads one cache entry."""
    headline_measures = queries.measures(con, True)
    dictionary = measures.by_id()
    cards = []
    for phase, phase_measures in headline_measures.groupby("phase", sort=False):
        for measure_id in phase_measures["measure_id"]:
            card_year = queries.latest_year_with_value(con, measure_id, la_code, up_to)
            if card_year is not None:
                headline = card(con, measure_id, la_code, card_year, comparator)
                cards.append(OverviewCard(phase, dictionary[measure_id], headline))
                break
    return cards
