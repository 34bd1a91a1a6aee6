"""The trend chart: one measure by year for the LA and its comparators, used by every page that draws a
series (Headlines, Absence, Admissions, NEET and destinations) and by the board pack; its alt text; and the
table behind it.

Every series differs by colour AND by line dash and point shape, so no meaning depends on colour alone;
lines never cross a series break or a missing year, and breaks and gaps are drawn and labelled.
Encodings are channel objects (`alt.X("end_year:Q")`), never bare "field:Q" strings: Altair makes a string into
a channel through `from_dict`, which hashes its whole schema each time, 1-2 ms a string (the same spec either way).
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from rutland_data.charts.style import ROLE_ORDER, ROLE_STYLE, year_axis_expr
from rutland_data.reference import versions
from rutland_data.reference.measures import Measure

def add_segments(frame: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """Number each unbroken run of a series, so lines never cross a new series or a missing year."""
    new_series = [b.first for b in measure.breaks() if b.kind == "new"]
    out = frame[frame["value"].notna()].sort_values(["role", "end_year"]).copy()
    segments = []
    for _, series in out.groupby("role", sort=False):
        segment, previous = 0, None
        for year in series["end_year"]:
            crossed = previous is not None and any(previous < b <= year for b in new_series)
            if previous is not None and (year != previous + 1 or crossed):
                segment += 1
            segments.append(segment)
            previous = year
    out["segment"] = segments
    out["segment_key"] = out["role"] + "-" + out["segment"].astype(str)
    return out


def shown_values(data: pd.DataFrame, measure: Measure) -> list[str]:
    """Each row's value as published (its file's precision), for tooltips and alt text."""
    decimals = data["published_decimals"] if "published_decimals" in data else [None] * len(data)
    return [measure.format(v, published_decimals=None if pd.isna(d) else int(d))
            for v, d in zip(data["value"], decimals)]


def break_layers(measure: Measure, first_year: int, last_year: int) -> list[alt.Chart]:
    """A dashed rule where a new series starts and a shaded band over years not published, each with
    its reason as a tooltip, for the breaks inside the years drawn."""
    rules, bands = [], []
    for series_break in measure.breaks():
        if series_break.kind == "new" and first_year < series_break.first <= last_year:
            rules.append({"end_year": series_break.first - 0.5,
                          "reason": f"New series from {measure.year_label(series_break.first)}: {series_break.reason}"})
        elif series_break.kind == "gap" and series_break.first <= last_year:
            last = last_year if series_break.last is None else min(series_break.last, last_year)
            if last >= first_year:
                bands.append({"start": max(series_break.first, first_year) - 0.5, "end": last + 0.5,
                              "reason": f"Not published: {_years(measure, series_break.first, last)}: "
                                        f"{series_break.reason}"})
    layers = []
    if bands:
        layers.append(alt.Chart(pd.DataFrame(bands)).mark_rect(color="#BFC1C3", opacity=0.35).encode(
            x=alt.X("start:Q"), x2=alt.X2("end:Q"), tooltip=alt.Tooltip("reason:N", title="Gap in the series")))
    if rules:
        layers.append(alt.Chart(pd.DataFrame(rules)).mark_rule(color="#505A5F", strokeDash=[3, 3]).encode(
            x=alt.X("end_year:Q"), tooltip=alt.Tooltip("reason:N", title="Series break")))
    return layers


def drawn_breaks(measure: Measure, data: pd.DataFrame, selected_year: int | None = None) -> list[alt.Chart]:
    """`break_layers` over the years the chart spans (the figures drawn, and the selected year, so a gap up to
    it is shown as one); none when nothing is drawn."""
    if data.empty:
        return []
    last = max(int(data["end_year"].max()), selected_year or 0)
    return break_layers(measure, int(data["end_year"].min()), last)


def _years(measure: Measure, first: int, last: int | None) -> str:
    if last is None:
        return f"from {measure.year_label(first)}"
    if last == first:
        return measure.year_label(first)
    return f"{measure.year_label(first)} to {measure.year_label(last)}"


def trend_chart(frame: pd.DataFrame, measure: Measure, selected_year: int | None = None,
                height: int = 300) -> alt.LayerChart:
    """Lines by year for the LA and its comparators, the axis labelled by the measure's year type (NEET figures
    are for a calendar year: 2021, 2022; others 2020/21), with series breaks drawn as labelled rules and gaps
    as labelled bands; the selected year is highlighted."""
    data = add_segments(frame, measure)
    data["shown"] = shown_values(data, measure)
    has_versions = "version" in data.columns
    if has_versions:
        data["version_text"] = [versions.phrase(None if pd.isna(v) else v) for v in data["version"]]
    present = [r for r in ROLE_ORDER if r in set(data["role"])]
    names = [data.loc[data["role"] == r, "series"].iloc[0] for r in present]
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=names, range=[ROLE_STYLE[r][0] for r in present]),
                       legend=alt.Legend(orient="top", columns=2, labelLimit=320, symbolStrokeWidth=3))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=names, range=[ROLE_STYLE[r][1] for r in present]),
                          legend=None)
    shape = alt.Shape("series:N", scale=alt.Scale(domain=names, range=[ROLE_STYLE[r][2] for r in present]),
                      legend=None)
    x = alt.X("end_year:Q", title=measure.year_title,
              axis=alt.Axis(format="d", tickMinStep=1, labelExpr=year_axis_expr(measure.year_type), labelAngle=-40),
              scale=alt.Scale(zero=False, nice=False))
    y = alt.Y("value:Q", title=measure.axis_label, scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("series:N", title="Area"), alt.Tooltip("year_label:N", title="Year"),
               alt.Tooltip("shown:N", title=measure.short_label)]
    if has_versions:
        tooltip.append(alt.Tooltip("version_text:N", title="Version"))
    base = alt.Chart(data[["series", "role", "end_year", "year_label", "value", "shown", "segment_key"]
                          + (["version_text"] if has_versions else [])])
    lines = base.mark_line(strokeWidth=2.5).encode(x=x, y=y, color=colour, strokeDash=dash,
                                                   detail=alt.Detail("segment_key:N"))
    points = base.mark_point(size=60, filled=True).encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
    layers = [*drawn_breaks(measure, data, selected_year), lines, points]
    if selected_year is not None:
        layers.append(alt.Chart(pd.DataFrame({"end_year": [selected_year]})).mark_rule(
            color="#0B0C0C", opacity=0.25, strokeWidth=8).encode(x=alt.X("end_year:Q")))
    return alt.layer(*layers).properties(height=height, width="container")


def trend_alt_text(frame: pd.DataFrame, measure: Measure) -> str:
    """Each series' unbroken runs (first and last value of each), then the breaks and gaps, so a
    screen-reader user hears the trend without being led to compare across a break."""
    data = add_segments(frame, measure)
    data["shown"] = shown_values(data, measure)
    data = data.assign(order=data["role"].map({r: i for i, r in enumerate(ROLE_ORDER)})).sort_values(
        ["order", "end_year"], kind="stable")
    runs: dict[str, dict[int, list[str]]] = {}   # series (first seen first) -> segment -> "value in year", by year
    for series, segment, shown, year_label in zip(data["series"], data["segment"], data["shown"], data["year_label"]):
        runs.setdefault(series, {}).setdefault(segment, []).append(f"{shown} in {year_label}")
    parts = [f"{series}: " + "; ".join(run[0] if len(run) == 1 else f"{run[0]} to {run[-1]}"
                                       for _, run in sorted(segments.items()))
             for series, segments in runs.items()]
    notes = []
    for series_break in measure.breaks():
        if series_break.kind == "new":
            notes.append(f"new series from {measure.year_label(series_break.first)}: {series_break.reason}")
        else:
            notes.append(f"not published {_years(measure, series_break.first, series_break.last)}: "
                         f"{series_break.reason}")
    text = f"Line chart of {measure.name} by {measure.year_title.lower()}. " + ". ".join(parts) + "."
    return text + (f" Lines break at: {'; '.join(notes)}." if notes else "")


# The data table behind a trend chart, as the pages and the pack show and download it.
TREND_TABLE_COLUMNS = ("series", "year_label", "value", "value_code", "version", "neighbours_counted", "source_id",
                       "source_row", "published_decimals")


def trend_table(frame: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """One row per area and year, LA first: the value and its published code, its version and the file row it
    came from. The year column is named by the measure's year type ('academic year', 'calendar year')."""
    ordered = frame.assign(_order=frame["role"].map({r: i for i, r in enumerate(ROLE_ORDER)})).sort_values(
        ["_order", "end_year"], kind="stable")
    table = ordered[[c for c in TREND_TABLE_COLUMNS if c in ordered.columns]]
    return table.rename(columns={"year_label": measure.year_title.lower(), "neighbours_counted": "neighbours_in_mean"})
