"""The Absence page's school chart: each school's rate against the national rate for its phase, schools above
national drawn as triangles and named so; and its alt text."""
from __future__ import annotations

import altair as alt
import pandas as pd

from rutland_data.charts.schools import SHOW_EACH_END, ends
from rutland_data.charts.style import FIT_WIDTH, GSS_COLOURS
from rutland_data.reference.measures import Measure


def school_absence_chart(frame: pd.DataFrame, measure: Measure, value_column: str,
                         national_column: str) -> alt.LayerChart:
    """Each school's rate as a point, the national rate for its phase as a tick beside it, at the dictionary's
    decimals; schools above national are drawn as triangles and named 'above national' in the tooltip and the
    table. A large LA's chart shows the highest and lowest schools (`ends`); the table lists every one."""
    title = measure.short_label
    data = frame[frame[value_column].notna()].copy()
    data["position"] = ["above national" if a else "at or below national"
                        for a in (data[value_column] > data[national_column])]
    data["value_text"] = data[value_column].map(measure.format)
    data, left_out = ends(data, value_column, SHOW_EACH_END)
    schools = data["school"].tolist()
    if left_out:
        schools = (schools[:SHOW_EACH_END] + [f"... {left_out} more schools (all in the table) ..."]
                   + schools[SHOW_EACH_END:])
    data = data[["school", value_column, national_column, "position", "value_text"]]
    y = alt.Y("school:N", title=None, sort=schools, scale=alt.Scale(domain=schools), axis=alt.Axis(labelLimit=260))
    points = alt.Chart(data).mark_point(size=90, filled=True).encode(
        y=y, x=alt.X(f"{value_column}:Q", title=measure.axis_label, scale=alt.Scale(zero=True)),
        shape=alt.Shape("position:N", title=None, scale=alt.Scale(domain=["above national", "at or below national"],
                                                                    range=["triangle-up", "circle"])),
        color=alt.Color("position:N", title=None, scale=alt.Scale(domain=["above national", "at or below national"],
                                                                    range=[GSS_COLOURS[1], GSS_COLOURS[0]]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("school:N"), alt.Tooltip("value_text:N", title=title),
                 alt.Tooltip(f"{national_column}:Q", title="National (same phase)", format=f".{measure.decimals}f"),
                 alt.Tooltip("position:N", title="Against national")])
    national = alt.Chart(data).mark_tick(color="#3D3D3D", thickness=2, size=18).encode(
        y=y, x=f"{national_column}:Q",
        tooltip=[alt.Tooltip(f"{national_column}:Q", title="National", format=f".{measure.decimals}f")])
    labels = alt.Chart(data).mark_text(align="left", dx=8, fontSize=10).encode(
        y=y, x=f"{value_column}:Q", text="value_text:N")
    height = max(120, 24 * len(schools))
    return alt.layer(national, points, labels).properties(height=height, width="container", autosize=FIT_WIDTH)


def school_absence_alt_text(frame: pd.DataFrame, measure: Measure, value_column: str, national_column: str) -> str:
    data = frame[frame[value_column].notna()]
    above = data[data[value_column] > data[national_column]]["school"].tolist()
    shown = "" if len(data) <= 2 * SHOW_EACH_END else (
        f" It shows the {SHOW_EACH_END} highest and lowest; the table lists all {len(data)}.")
    names = f": {', '.join(above)}." if above and len(above) <= SHOW_EACH_END else "."
    return (f"Dot chart of {measure.short_label.lower()} for {len(data)} state-funded mainstream schools, each against the "
            f"national rate for its phase (a grey tick).{shown} {len(above)} above national{names}")
