"""The School admissions page's chart: offers by preference, each bar labelled with its area and value so
colour is not needed to read it; and its alt text."""
from __future__ import annotations

import altair as alt
import pandas as pd

from rutland_data.charts.style import FIT_WIDTH, ROLE_STYLE, series_order
from rutland_data.reference.codes import academic_year
from rutland_data.reference.measures import Measure


LABEL_INSIDE_FROM = 60.0  # preference bars this long carry their label inside


def preference_bars(frame: pd.DataFrame, measure: Measure) -> alt.LayerChart:
    """Grouped horizontal bars: each preference outcome, one bar per area, each bar labelled with
    the area's short name and value so colour is not needed to read it."""
    data = frame[frame["value"].notna()].copy()
    order = series_order(data)
    roles = {s: r for s, r in zip(data["series"], data["role"])}
    data["label"] = [measure.format(v) for v in data["value"]]
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


def preference_alt_text(frame: pd.DataFrame, measure: Measure, phase: str, end_year: int) -> str:
    """Every area's share for every outcome, in the dictionary's decimals."""
    return (f"Bar chart of offers by preference, {phase}, {academic_year(end_year)}. "
            + ". ".join(f"{r.series}: {r.preference} {measure.format(r.value, r.value_code)}"
                        for r in frame.itertuples()) + ".")
