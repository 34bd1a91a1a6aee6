"""Altair chart builders (pure: data in, chart spec out) and the accessible palette.

Every series differs by colour AND by line dash and point shape, so no meaning
depends on colour alone; every chart comes with alt text built from its data.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from rutland_data.measures import Measure

# Government Statistical Service accessible categorical palette.
GSS_COLOURS = ["#12436D", "#F46A25", "#801650", "#28A197", "#3D3D3D"]
ROLE_ORDER = ["la", "england", "region", "neighbours"]
ROLE_STYLE = {  # role -> (colour, dash, point shape)
    "la": (GSS_COLOURS[0], [1, 0], "circle"),
    "england": (GSS_COLOURS[1], [6, 3], "square"),
    "region": (GSS_COLOURS[2], [2, 2], "triangle-up"),
    "neighbours": (GSS_COLOURS[3], [8, 2, 2, 2], "diamond"),
}
YEAR_LABEL_EXPR = "toString(datum.value - 1) + '/' + substring(toString(datum.value), 2, 4)"


def add_segments(frame: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """Number each unbroken run of a series, so lines never cross a series break or a missing year."""
    break_years = [year for year, _ in measure.breaks()]
    out = frame[frame["value"].notna()].sort_values(["role", "end_year"]).copy()
    segments = []
    for _, series in out.groupby("role", sort=False):
        segment, previous = 0, None
        for year in series["end_year"]:
            crossed = previous is not None and any(previous < b <= year for b in break_years)
            if previous is not None and (year != previous + 1 or crossed):
                segment += 1
            segments.append(segment)
            previous = year
    out["segment"] = segments
    out["segment_key"] = out["role"] + "-" + out["segment"].astype(str)
    return out


def trend_chart(frame: pd.DataFrame, measure: Measure, selected_year: int | None = None,
                height: int = 300) -> alt.LayerChart:
    """Lines by year for the LA and its comparators, with series breaks drawn as labelled rules."""
    data = add_segments(frame, measure)
    data["shown"] = [measure.format(v) for v in data["value"]]
    data["version_text"] = data["version"].fillna("not stated")
    present = [r for r in ROLE_ORDER if r in set(data["role"])]
    names = [data.loc[data["role"] == r, "series"].iloc[0] for r in present]
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=names, range=[ROLE_STYLE[r][0] for r in present]),
                       legend=alt.Legend(orient="top", columns=2, labelLimit=320, symbolStrokeWidth=3))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=names, range=[ROLE_STYLE[r][1] for r in present]),
                          legend=None)
    shape = alt.Shape("series:N", scale=alt.Scale(domain=names, range=[ROLE_STYLE[r][2] for r in present]),
                      legend=None)
    x = alt.X("end_year:Q", title="Academic year", axis=alt.Axis(format="d", tickMinStep=1, labelExpr=YEAR_LABEL_EXPR,
                                                                  labelAngle=-40),
              scale=alt.Scale(zero=False, nice=False))
    y = alt.Y("value:Q", title=f"{measure.short_label} ({measure.unit})", scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("series:N", title="Area"), alt.Tooltip("year_label:N", title="Year"),
               alt.Tooltip("shown:N", title=measure.short_label), alt.Tooltip("version_text:N", title="Version")]
    base = alt.Chart(data)
    lines = base.mark_line(strokeWidth=2.5).encode(x=x, y=y, color=colour, strokeDash=dash, detail="segment_key:N")
    points = base.mark_point(size=60, filled=True).encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
    layers = [lines, points]
    breaks = pd.DataFrame([{"end_year": year - 0.5, "reason": reason} for year, reason in measure.breaks()
                           if data["end_year"].min() < year <= data["end_year"].max()])
    if not breaks.empty:
        layers.append(alt.Chart(breaks).mark_rule(color="#505A5F", strokeDash=[3, 3]).encode(
            x="end_year:Q", tooltip=alt.Tooltip("reason:N", title="Series break")))
    if selected_year is not None:
        layers.append(alt.Chart(pd.DataFrame({"end_year": [selected_year]})).mark_rule(
            color="#0B0C0C", opacity=0.25, strokeWidth=8).encode(x="end_year:Q"))
    return alt.layer(*layers).properties(height=height, width="container")


def trend_alt_text(frame: pd.DataFrame, measure: Measure) -> str:
    """One sentence per series: first and latest value, so a screen-reader user hears the trend."""
    parts = []
    for series, rows in frame[frame["value"].notna()].sort_values("end_year").groupby("series", sort=False):
        first, last = rows.iloc[0], rows.iloc[-1]
        parts.append(f"{series}: {measure.format(first['value'])} in {first['year_label']}, "
                     f"{measure.format(last['value'])} in {last['year_label']}")
    breaks = "; ".join(f"series break from {y - 1}/{str(y)[2:]}: {r}" for y, r in measure.breaks())
    return f"Line chart of {measure.name} by year. " + ". ".join(parts) + (f". {breaks}." if breaks else ".")
