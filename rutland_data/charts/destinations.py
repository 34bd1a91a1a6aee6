"""Altair builders for the Destinations, Absence and Admissions pages (data in, chart spec out).

Colour never carries meaning alone: stacked segments carry a short text label, series
differ by dash and point shape as well as colour, and each chart has alt text built
from its data. Lines never cross a series break or a missing year (`charts.add_segments`).
"""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from rutland_data.views import headlines
from rutland_data.queries import destinations as post16_queries
from rutland_data.queries import la as queries
from rutland_data.charts import schools as school_charts
from rutland_data.charts.trend import (GSS_COLOURS, ROLE_ORDER, ROLE_STYLE, add_segments, drawn_breaks, shown_values,
                                 trend_alt_text, year_axis_expr)
from rutland_data.reference.measures import Measure, by_id

# Education in blues, work in orange/purple, the rest in teal and grey (GSS palette and tints).
CATEGORY_STYLE = {  # category -> (colour, short label, text colour)
    "School sixth form": ("#12436D", "SSF", "white"),
    "Sixth-form college": ("#2073BC", "SFC", "white"),
    "Further education": ("#6BACE6", "FE", "black"),
    "Higher education": ("#12436D", "HE", "white"),
    "Other education": ("#A6CDF0", "Oth", "black"),
    "Apprenticeship": ("#F46A25", "App", "black"),
    "Employment": ("#801650", "Emp", "white"),
    "Not sustained": ("#28A197", "NS", "black"),
    "Activity not captured": ("#BFC1C3", "NC", "black"),
}
GROUP_COLOURS = ["#12436D", "#F46A25", "#801650", "#28A197", "#BFC1C3", "#3D3D3D", "#6BACE6", "#A6CDF0"]
GROUP_TEXT = ["white", "black", "white", "black", "black", "white", "black", "black"]
# Fit the width to the page but keep the given plot height: Streamlit's default 'fit' squeezes a
# chart with a bottom legend into its height, which flattens bar charts to nothing.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
LABEL_INSIDE_FROM = 60.0  # preference bars this long carry their label inside
LABEL_FROM_SHARE = 6.0  # segments narrower than this many percentage points carry no text


def _series_order(frame: pd.DataFrame) -> list[str]:
    ordered = frame.assign(_r=frame["role"].map({r: i for i, r in enumerate(ROLE_ORDER)}).fillna(9))
    return list(dict.fromkeys(ordered.sort_values("_r")["series"]))


def destination_bars(frame: pd.DataFrame) -> alt.LayerChart:
    """Horizontal 100% bars, one per area, segments in a fixed category order, each labelled 'FE 40%'."""
    data = frame[frame["share"].notna()].copy()
    categories = [c for c in CATEGORY_STYLE if c in set(data["category"])]
    data["short"] = data["category"].map(lambda c: CATEGORY_STYLE.get(c, ("", c[:4], "black"))[1])
    data["label"] = [f"{s} {v:.0f}%" if v >= LABEL_FROM_SHARE else "" for s, v in zip(data["short"], data["share"])]
    data["text_colour"] = data["category"].map(lambda c: CATEGORY_STYLE.get(c, ("", "", "black"))[2])
    data["share_text"] = data["share"].map(lambda v: f"{v:.1f}%")
    data["pupils"] = data["pupils"].astype(float)
    data = data[["series", "role", "category", "share", "pupils", "order", "short", "label", "text_colour",
                 "share_text"]]
    y = alt.Y("series:N", title=None, sort=_series_order(data), axis=alt.Axis(labelLimit=260))
    x = alt.X("share:Q", title="Share of the cohort (%)", stack="zero", scale=alt.Scale(domain=[0, 100]))
    order = alt.Order("order:Q")
    colour = alt.Color("category:N", title="Destination", sort=categories,
                       scale=alt.Scale(domain=categories, range=[CATEGORY_STYLE[c][0] for c in categories]),
                       legend=alt.Legend(orient="bottom", columns=3,
                                         labelExpr=_legend_expr(categories)))
    tooltip = [alt.Tooltip("series:N", title="Area"), alt.Tooltip("category:N", title="Destination"),
               alt.Tooltip("pupils:Q", title="Pupils", format=",.0f"),
               alt.Tooltip("share_text:N", title="Share of cohort")]
    base = alt.Chart(data).encode(y=y, x=x, order=order)
    bars = base.mark_bar(stroke="white", strokeWidth=1).encode(color=colour, tooltip=tooltip)
    text = alt.Chart(data).transform_stack(
        stack="share", groupby=["series"], sort=[alt.SortField("order")], as_=["x0", "x1"]
    ).transform_calculate(mid="(datum.x0 + datum.x1) / 2").mark_text(fontSize=11).encode(
        y=y, x=alt.X("mid:Q"), text="label:N", color=alt.Color("text_colour:N", scale=None))
    height = max(90, 46 * data["series"].nunique())
    return alt.layer(bars, text).properties(height=height, width="container", autosize=FIT_WIDTH)


def _legend_expr(categories: list[str]) -> str:
    """Legend entries read 'FE: Further education', matching the text on the bars."""
    pairs = " : ".join(f"datum.label == '{c}' ? '{CATEGORY_STYLE[c][1]}: {c}'" for c in categories)
    return f"{pairs} : datum.label" if pairs else "datum.label"


def destination_alt_text(frame: pd.DataFrame, cohort_label: str) -> str:
    parts = []
    for series in _series_order(frame):
        rows = frame[(frame["series"] == series) & frame["share"].notna()]
        shares = ", ".join(f"{c} {s:.0f}%" for c, s in zip(rows["category"], rows["share"]))
        suppressed = frame[(frame["series"] == series) & frame["share"].isna()]["category"].tolist()
        extra = f" (suppressed: {', '.join(suppressed)})" if suppressed else ""
        parts.append(f"{series}: {shares}{extra}")
    return f"Stacked bar chart of destinations, {cohort_label}. " + ". ".join(parts) + "."


def group_bars(summary: pd.DataFrame, group_order: list[str]) -> alt.LayerChart:
    """One 100% bar per cohort split into the council's groups (in county, out of county, ...), labelled."""
    data = summary.copy()
    data["order"] = data["category_group"].map({g: i for i, g in enumerate(group_order)})
    data["label"] = [f"{g}: {p} ({s:.0f}%)" if s >= 12 else (f"{p}" if s >= 3 else "")
                     for g, p, s in zip(data["category_group"], data["pupils"], data["share"])]
    colours = [GROUP_COLOURS[i % len(GROUP_COLOURS)] for i in range(len(group_order))]
    data["text_colour"] = data["order"].map(lambda i: GROUP_TEXT[i % len(GROUP_TEXT)])
    data = data[["cohort_label", "category_group", "pupils", "share", "order", "label", "text_colour"]]
    y = alt.Y("cohort_label:N", title=None, axis=alt.Axis(labelLimit=280))
    bars = alt.Chart(data).mark_bar(stroke="white").encode(
        y=y, x=alt.X("share:Q", stack="zero", title="Share of the cohort (%)", scale=alt.Scale(domain=[0, 100])),
        order=alt.Order("order:Q"),
        color=alt.Color("category_group:N", title="Group", sort=group_order,
                        scale=alt.Scale(domain=group_order, range=colours),
                        legend=alt.Legend(orient="bottom", columns=3)),
        tooltip=[alt.Tooltip("cohort_label:N", title="Cohort"), alt.Tooltip("category_group:N", title="Group"),
                 alt.Tooltip("pupils:Q", title="Pupils"), alt.Tooltip("share:Q", title="Share (%)", format=".1f")])
    text = alt.Chart(data).transform_stack(
        stack="share", groupby=["cohort_label"], sort=[alt.SortField("order")], as_=["x0", "x1"]
    ).transform_calculate(mid="(datum.x0 + datum.x1) / 2").mark_text(fontSize=11).encode(
        y=y, x="mid:Q", text="label:N", color=alt.Color("text_colour:N", scale=None))
    height = max(80, 60 * data["cohort_label"].nunique())
    return alt.layer(bars, text).properties(height=height, width="container", autosize=FIT_WIDTH)


def trend_lines(frame: pd.DataFrame, measure: Measure, *, selected_year: int | None = None,
                height: int = 260) -> alt.LayerChart:
    """Lines by year for the LA and comparators; the axis is labelled by the measure's year type
    (NEET figures are for a calendar year: 2021, 2022; others 2020/21), breaks and gaps marked."""
    data = add_segments(frame, measure)
    data["shown"] = shown_values(data, measure)
    data = data[["series", "role", "end_year", "year_label", "value", "shown", "segment_key"]]
    present = [r for r in ROLE_ORDER if r in set(data["role"])]
    names = [data.loc[data["role"] == r, "series"].iloc[0] for r in present]

    def scale(index: int) -> alt.Scale:
        return alt.Scale(domain=names, range=[ROLE_STYLE[r][index] for r in present])

    colour = alt.Color("series:N", title=None, scale=scale(0),
                       legend=alt.Legend(orient="bottom", columns=2, symbolStrokeWidth=3))
    axis = alt.Axis(format="d", tickMinStep=1, labelAngle=-40, labelExpr=year_axis_expr(measure.year_type))
    x = alt.X("end_year:Q", title=measure.year_title, axis=axis, scale=alt.Scale(zero=False, nice=False))
    y = alt.Y("value:Q", title=f"{measure.short_label} ({measure.unit})", scale=alt.Scale(zero=False))
    base = alt.Chart(data)
    lines = base.mark_line(strokeWidth=2.5).encode(
        x=x, y=y, color=colour, strokeDash=alt.StrokeDash("series:N", scale=scale(1), legend=None),
        detail="segment_key:N")
    points = base.mark_point(size=60, filled=True).encode(
        x=x, y=y, color=colour, shape=alt.Shape("series:N", scale=scale(2), legend=None),
        tooltip=[alt.Tooltip("series:N", title="Area"), alt.Tooltip("year_label:N", title="Year"),
                 alt.Tooltip("shown:N", title=measure.short_label)])
    layers = [*drawn_breaks(measure, data, selected_year), lines, points]
    if selected_year is not None:
        layers.append(alt.Chart(pd.DataFrame({"end_year": [selected_year]})).mark_rule(
            color="#0B0C0C", opacity=0.25, strokeWidth=8).encode(x="end_year:Q"))
    return alt.layer(*layers).properties(height=height, width="container", autosize=FIT_WIDTH)


def preference_bars(frame: pd.DataFrame, measure_format) -> alt.LayerChart:
    """Grouped horizontal bars: each preference outcome, one bar per area, each bar labelled with
    the area's short name and value so colour is not needed to read it."""
    data = frame[frame["value"].notna()].copy()
    order = _series_order(data)
    roles = {s: r for s, r in zip(data["series"], data["role"])}
    data["label"] = [f"{measure_format(v)}" for v in data["value"]]
    data["bar_text"] = [f"{s.split(' (')[0]}: {lab}" for s, lab in zip(data["series"], data["label"])]
    data = data[["series", "role", "preference", "value", "label", "bar_text", "order"]]
    colour = alt.Color("series:N", title=None, sort=order,
                       scale=alt.Scale(domain=order, range=[ROLE_STYLE[roles[s]][0] for s in order]),
                       legend=alt.Legend(orient="bottom", columns=2))
    preferences = list(dict.fromkeys(data.sort_values("order")["preference"]))
    y = alt.Y("preference:N", title=None, sort=preferences)
    y_offset = alt.YOffset("series:N", sort=order)
    base = alt.Chart(data).encode(y=y, yOffset=y_offset)
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title="Share of applicants (%)", scale=alt.Scale(domain=[0, 100])), color=colour,
        tooltip=[alt.Tooltip("series:N", title="Area"), alt.Tooltip("preference:N", title="Outcome"),
                 alt.Tooltip("label:N", title="Share")])
    # Long bars carry their label inside (right-aligned, white); short ones just beyond their end.
    inside = base.transform_filter(alt.datum.value >= LABEL_INSIDE_FROM).mark_text(
        align="right", dx=-3, fontSize=10, color="white").encode(x="value:Q", text="bar_text:N")
    outside = base.transform_filter(alt.datum.value < LABEL_INSIDE_FROM).mark_text(
        align="left", dx=3, fontSize=10).encode(x="value:Q", text="bar_text:N")
    height = max(200, 18 * len(data))
    return alt.layer(bars, inside, outside).properties(height=height, width="container", autosize=FIT_WIDTH)


def school_absence_chart(frame: pd.DataFrame, value_column: str, national_column: str,
                         title: str) -> alt.LayerChart:
    """Each school's rate as a point, the national rate for its phase as a tick beside it; schools above
    national are drawn as triangles and named 'above national' in the tooltip and the table. A large LA's
    chart shows the highest and lowest schools (school_charts.ends); the table beside it lists every one."""
    data = frame[frame[value_column].notna()].copy()
    data["position"] = ["above national" if a else "at or below national"
                        for a in (data[value_column] > data[national_column])]
    data["value_text"] = data[value_column].map(lambda v: f"{v:.1f}%")
    data, left_out = school_charts.ends(data, value_column, school_charts.SHOW_EACH_END)
    schools = data["school"].tolist()
    if left_out:
        each_end = school_charts.SHOW_EACH_END
        schools = schools[:each_end] + [f"... {left_out} more schools (all in the table) ..."] + schools[each_end:]
    data = data[["school", value_column, national_column, "position", "value_text"]]
    y = alt.Y("school:N", title=None, sort=schools, scale=alt.Scale(domain=schools), axis=alt.Axis(labelLimit=260))
    points = alt.Chart(data).mark_point(size=90, filled=True).encode(
        y=y, x=alt.X(f"{value_column}:Q", title=f"{title} (%)", scale=alt.Scale(zero=True)),
        shape=alt.Shape("position:N", title=None, scale=alt.Scale(domain=["above national", "at or below national"],
                                                                    range=["triangle-up", "circle"])),
        color=alt.Color("position:N", title=None, scale=alt.Scale(domain=["above national", "at or below national"],
                                                                    range=[GSS_COLOURS[1], GSS_COLOURS[0]]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("school:N"), alt.Tooltip("value_text:N", title=title),
                 alt.Tooltip(f"{national_column}:Q", title="National (same phase)", format=".1f"),
                 alt.Tooltip("position:N", title="Against national")])
    national = alt.Chart(data).mark_tick(color="#3D3D3D", thickness=2, size=18).encode(
        y=y, x=f"{national_column}:Q", tooltip=[alt.Tooltip(f"{national_column}:Q", title="National", format=".1f")])
    labels = alt.Chart(data).mark_text(align="left", dx=8, fontSize=10).encode(
        y=y, x=f"{value_column}:Q", text="value_text:N")
    height = max(120, 24 * len(schools))
    return alt.layer(national, points, labels).properties(height=height, width="container", autosize=FIT_WIDTH)


def school_absence_alt_text(frame: pd.DataFrame, value_column: str, national_column: str, title: str) -> str:
    data = frame[frame[value_column].notna()]
    above = data[data[value_column] > data[national_column]]["school"].tolist()
    shown = "" if len(data) <= 2 * school_charts.SHOW_EACH_END else (
        f" It shows the {school_charts.SHOW_EACH_END} highest and lowest; the table lists all {len(data)}.")
    names = f": {', '.join(above)}." if above and len(above) <= school_charts.SHOW_EACH_END else "."
    return (f"Dot chart of {title.lower()} for {len(data)} state-funded mainstream schools, each against the "
            f"national rate for its phase (a grey tick).{shown} {len(above)} above national{names}")


# ---- cached figures ---------------------------------------------------------------------------------
# Building and converting an Altair chart costs tens of milliseconds, so the pages read these back from
# their cache (one call per chart, keyed by database version and arguments) instead of drawing on every rerun.

@dataclass(frozen=True)
class ChartFigure:
    """A chart's Vega-Lite spec with the alt text and the data table that go beside it."""
    spec: dict
    alt_text: str
    table: pd.DataFrame


@dataclass(frozen=True)
class SchoolAbsence:
    schools: pd.DataFrame
    above_national: list[str]         # schools above national overall absence (NULL, unknown, is not above)
    figures: dict[str, ChartFigure]   # 'overall' / 'persistent'
    source_ids: list[int]


SCHOOL_ABSENCE_KINDS = (("overall", "Overall absence"), ("persistent", "Persistent absence"))


def school_absence_figures(con, la_code: str, end_year: int, phase: str | None) -> SchoolAbsence:
    """Each school's absence against national (of one phase, or all with None), charted both ways."""
    schools = post16_queries.school_absence(con, la_code, end_year)
    if phase is not None:
        schools = schools[schools["phase"] == phase]
    figures = {}
    if not schools.empty:
        for kind, title in SCHOOL_ABSENCE_KINDS:
            table = schools[["school", "urn", "phase", kind, f"{kind}_code", f"national_{kind}",
                             f"above_national_{kind}", "source_id"]].copy()
            table[f"against_national_{kind}"] = table[f"above_national_{kind}"].map(
                {True: "above national", False: "at or below national"}).fillna("not comparable")
            figures[kind] = ChartFigure(
                school_absence_chart(schools, kind, f"national_{kind}", title).to_dict(),
                school_absence_alt_text(schools, kind, f"national_{kind}", title),
                table.drop(columns=[f"above_national_{kind}"]))
    above = schools[schools["above_national_overall"] == True]  # noqa: E712 - NULL (unknown) is not 'above'
    return SchoolAbsence(schools, above["school"].tolist(), figures, [int(s) for s in schools["source_id"].dropna()])


@dataclass(frozen=True)
class DestinationFigure:
    shares: pd.DataFrame              # `post16_queries.destination_shares`
    figure: ChartFigure | None        # None when every category is suppressed
    source_ids: list[int]
    categories: set[str]              # the categories shown for this cohort
    has_england: bool                 # whether England's figures use the same categories


def destination_figure(con, la_code: str, cohort_label: str, neighbour_set: str) -> DestinationFigure:
    """One cohort's destinations beside its comparators, as stacked bars with their table and alt text."""
    shares = post16_queries.destination_shares(con, la_code, cohort_label, neighbour_set)
    source_ids = [int(s) for s in shares["source_id"].dropna()]
    categories, has_england = set(shares["category"]), "england" in set(shares["role"])
    if not shares["share"].notna().any():
        return DestinationFigure(shares, None, source_ids, categories, has_england)
    table = shares[["series", "category", "pupils", "cohort", "share", "percent", "value_code",
                    "neighbours_counted", "source_id", "source_row"]].rename(
        columns={"share": "share_of_cohort", "percent": "published_percent"})
    table["share_of_cohort"] = table["share_of_cohort"].round(1)
    return DestinationFigure(shares, ChartFigure(destination_bars(shares).to_dict(),
                                                 destination_alt_text(shares, cohort_label), table),
                             source_ids, categories, has_england)


@dataclass(frozen=True)
class TrendLinesFigure:
    frame: pd.DataFrame
    spec: dict                        # empty when there are too few figures to draw
    alt_text: str
    table: pd.DataFrame               # `headlines.trend_table`
    source_ids: list[int]
    decimals: dict[str, int]          # how the table's value column is rounded on screen


def destination_trend_figure(con, la_code: str, stage: str, category: str, neighbour_set: str,
                             selected_year: int) -> TrendLinesFigure:
    """One destination category's percentage by cohort, drawn when it has at least two published figures."""
    frame = post16_queries.destination_trend(con, la_code, stage, category, neighbour_set)
    measure = post16_queries.destination_measure(category)
    drawn = frame["value"].notna().sum() >= 2
    spec = trend_lines(frame, measure, selected_year=selected_year).to_dict() if drawn else {}
    return _trend_lines_figure(frame, measure, spec, trend_alt_text(frame, measure) if drawn else "")


def neet_figure(con, measure_id: str, la_code: str, neighbour_set: str) -> TrendLinesFigure:
    """A NEET or participation measure by calendar year against its comparators."""
    measure = by_id()[measure_id]
    frame = queries.trend(con, measure_id, la_code, neighbour_set)
    drawn = frame["value"].notna().any()
    spec = trend_lines(frame, measure).to_dict() if drawn else {}
    return _trend_lines_figure(frame, measure, spec, trend_alt_text(frame, measure) if drawn else "")


def _trend_lines_figure(frame: pd.DataFrame, measure: Measure, spec: dict, alt_text: str) -> TrendLinesFigure:
    return TrendLinesFigure(frame, spec, alt_text, headlines.trend_table(frame, measure),
                            [int(s) for s in frame["source_id"].dropna()], {"value": measure.decimals})


@dataclass(frozen=True)
class CouncilDestinations:
    seed: pd.DataFrame                       # `post16_queries.seed_destinations`
    offers: list[tuple[str, int, int]]       # (cohort label, pupils with an offer, cohort)
    figure: ChartFigure | None
    out_of_county: list[tuple[str, int, int, int]]   # (cohort label, out of county, cohort, in county)


def council_destinations_figure(con, la_code: str) -> CouncilDestinations:
    """The council's own Year 11 destination tables: offers made, the stacked groups, and in/out of county."""
    seed = post16_queries.seed_destinations(con, la_code)
    if seed.empty:
        return CouncilDestinations(seed, [], None, [])
    summary = post16_queries.county_summary(seed)
    groups = post16_queries.group_order(seed)
    offers = []
    for label, rows in summary.groupby("cohort_label", sort=False):
        offered = rows.loc[rows["category_group"] == "Offer made", "pupils"]
        if not offered.empty:
            offers.append((label, int(offered.iloc[0]), int(rows["cohort"].iloc[0])))
    alt_text = "Stacked bars of the council's own destination tables. " + ". ".join(
        f"{r.cohort_label}: {r.category_group} {r.pupils} of {r.cohort} ({r.share:.1f}%)"
        for r in summary.itertuples()) + "."
    table = seed[["cohort_label", "category", "category_group", "pupils", "percent", "source_id", "source_row"]]
    in_county = summary[summary["category_group"] == "In county"]
    out_county = summary[summary["category_group"] == "Out of county"]
    away = []
    for row in in_county.itertuples():
        gone = out_county.loc[out_county["cohort_label"] == row.cohort_label, "pupils"]
        if not gone.empty:
            away.append((row.cohort_label, int(gone.iloc[0]), row.cohort, row.pupils))
    return CouncilDestinations(seed, offers, ChartFigure(group_bars(summary, groups).to_dict(), alt_text, table), away)


@dataclass(frozen=True)
class PreferenceFigure:
    breakdown: pd.DataFrame           # `post16_queries.preference_breakdown`
    figure: ChartFigure | None        # None when no outcome has a figure that year
    source_ids: list[int]


def preference_figure(con, la_code: str, phase: str, end_year: int, neighbour_set: str) -> PreferenceFigure:
    """Offers by preference in one year for one phase ('primary' / 'secondary'), against comparators."""
    breakdown = post16_queries.preference_breakdown(con, la_code, phase, end_year, neighbour_set)
    source_ids = [int(s) for s in breakdown["source_id"].dropna()]
    if not breakdown["value"].notna().any():
        return PreferenceFigure(breakdown, None, source_ids)
    first = by_id()[f"admissions_first_pref_{phase}"]
    alt_text = (f"Bar chart of offers by preference, {phase}, {queries.academic_year_label(end_year)}. "
                + ". ".join(f"{r.series}: {r.preference} {first.format(r.value, r.value_code)}"
                            for r in breakdown.itertuples()) + ".")
    table = breakdown[["series", "preference", "year_label", "value", "value_code", "version", "neighbours_counted",
                       "source_id", "source_row"]].rename(columns={"year_label": "academic year",
                                                                   "neighbours_counted": "neighbours_in_mean"})
    return PreferenceFigure(breakdown, ChartFigure(preference_bars(breakdown, first.format).to_dict(), alt_text, table),
                            source_ids)
