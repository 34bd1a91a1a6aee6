"""The academisation view's charts: schools by status at the end of each school year, and pupils by phase in
maintained schools and academies. Each status has its own colour, dash and point shape, so no meaning rests on
colour alone."""
from __future__ import annotations

import altair as alt
import pandas as pd

from rutland_data.charts.style import FIT_WIDTH, GSS_COLOURS

_SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"]
_DASHES = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2], [4, 4], [1, 3]]
_COLOURS = [*GSS_COLOURS, "#6B6B6B"]


def _styled(order: list[str]) -> dict:
    return {"domain": order, "colour": _COLOURS[:len(order)], "shape": _SHAPES[:len(order)],
            "dash": _DASHES[:len(order)]}


def _lines(data: pd.DataFrame, series: str, value: str, value_title: str, order: list[str]) -> alt.LayerChart:
    style = _styled(order)
    base = alt.Chart(data).encode(
        x=alt.X("year_label:O", title="School year (at 31 August)" if series == "status" else "Year (January census)",
                sort=list(dict.fromkeys(data.sort_values("end_year")["year_label"]))),
        y=alt.Y(f"{value}:Q", title=value_title),
        color=alt.Color(f"{series}:N", title=None, sort=order,
                        scale=alt.Scale(domain=style["domain"], range=style["colour"]),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=320)),
        tooltip=[alt.Tooltip("year_label:N", title="Year"), alt.Tooltip(f"{series}:N", title="Series"),
                 alt.Tooltip(f"{value}:Q", title=value_title, format=",.0f")])
    lines = base.mark_line().encode(strokeDash=alt.StrokeDash(
        f"{series}:N", sort=order, scale=alt.Scale(domain=style["domain"], range=style["dash"]), legend=None))
    points = base.mark_point(filled=True, size=60).encode(shape=alt.Shape(
        f"{series}:N", sort=order, scale=alt.Scale(domain=style["domain"], range=style["shape"]), legend=None))
    return alt.layer(lines, points).properties(height=320, width="container", autosize=FIT_WIDTH)


def status_lines(over_time: pd.DataFrame, statuses: list[str]) -> alt.LayerChart:
    order = [s for s in statuses if s in set(over_time["status"])]
    return _lines(over_time, "status", "schools", "Schools", order)


def status_alt_text(over_time: pd.DataFrame, la_name: str) -> str:
    first, last = over_time["end_year"].min(), over_time["end_year"].max()
    def counts(year):
        rows = over_time[over_time["end_year"] == year]
        return ", ".join(f"{r.status} {r.schools}" for r in rows.itertuples())
    label = dict(zip(over_time["end_year"], over_time["year_label"]))
    return (f"Line chart of {la_name}'s state-funded schools by status at the end of each school year, "
            f"{label[first]} to {label[last]}. {label[first]}: {counts(first)}. {label[last]}: {counts(last)}.")


def pupil_lines(pupils: pd.DataFrame) -> alt.LayerChart:
    data = pupils[pupils["value"].notna()].assign(series=lambda f: f["status"] + " " + f["phase"].str.lower())
    order = list(dict.fromkeys(data.sort_values(["status", "phase"], ascending=[False, True])["series"]))
    return _lines(data, "series", "value", "Pupils on roll", order)


def pupil_alt_text(pupils: pd.DataFrame, la_name: str) -> str:
    shown = pupils[pupils["value"].notna()]
    years = list(dict.fromkeys(shown.sort_values("end_year")["year_label"]))
    parts = [f"{year}: " + ", ".join(f"{r.status.lower()} {r.phase.lower()} {r.value:,.0f}"
                                      for r in shown[shown["year_label"] == year].itertuples()) for year in years]
    return f"Line chart of pupils on roll in {la_name} by phase in maintained schools and academies. " + "; ".join(parts) + "."
