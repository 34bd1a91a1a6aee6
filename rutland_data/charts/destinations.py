"""The Destinations page's charts: each area's cohort by destination as 100% bars, and the council's own
destination tables as bars of its groups (in county, out of county, ...); with their alt text.

Colour never carries meaning alone: each segment carries a short text label ('FE 40%'), matched in the
legend ('FE: Further education').
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from rutland_data.charts.style import FIT_WIDTH, series_order

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
LABEL_FROM_SHARE = 6.0  # segments narrower than this many percentage points carry no text


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
    y = alt.Y("series:N", title=None, sort=series_order(data), axis=alt.Axis(labelLimit=260))
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
    for series in series_order(frame):
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


def group_alt_text(summary: pd.DataFrame) -> str:
    """The council's destination tables in words: each cohort's groups with pupils and share."""
    return "Stacked bars of the council's own destination tables. " + ". ".join(
        f"{r.cohort_label}: {r.category_group} {r.pupils} of {r.cohort} ({r.share:.1f}%)"
        for r in summary.itertuples()) + "."
