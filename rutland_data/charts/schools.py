"""Altair builders for the school pages (pure: data in, chart spec out), with alt text from the data.

Significance is carried three ways - words (tooltip and table), point shape (triangle up /
circle / triangle down / square for 'not tested') and colour - so no meaning rests on colour.
National and LA lines are labelled in the chart. Each point links to the school's profile.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from rutland_data.analysis import intervals
from rutland_data.charts.style import GSS_COLOURS, YEAR_LABEL_EXPR
from rutland_data.reference.measures import Measure
from rutland_data.analysis.intervals import NOT_TESTED

SIGNIFICANCE_SHAPE = {intervals.ABOVE: "triangle-up", intervals.NOT_DIFFERENT: "circle",
                      intervals.BELOW: "triangle-down", NOT_TESTED: "square"}
SIGNIFICANCE_ORDER = [intervals.ABOVE, intervals.NOT_DIFFERENT, intervals.BELOW, NOT_TESTED]
SIGNIFICANCE_COLOUR = {intervals.ABOVE: GSS_COLOURS[3], intervals.NOT_DIFFERENT: GSS_COLOURS[0],
                       intervals.BELOW: GSS_COLOURS[2], NOT_TESTED: "#757575"}
NATIONAL_COLOUR, LA_COLOUR = GSS_COLOURS[1], "#3D3D3D"


def _significance_encodings():
    domain = SIGNIFICANCE_ORDER
    colour = alt.Color("significance:N", title="Compared with national (95% interval or DfE progress band)",
                       scale=alt.Scale(domain=domain, range=[SIGNIFICANCE_COLOUR[d] for d in domain]),
                       legend=alt.Legend(orient="bottom", columns=2, labelLimit=320, titleLimit=400))
    shape = alt.Shape("significance:N", scale=alt.Scale(domain=domain, range=[SIGNIFICANCE_SHAPE[d] for d in domain]),
                      legend=None)
    return colour, shape


CHART_COLUMNS = ["urn", "school", "cohort_n", "value", "value_code", "ci_low", "ci_high", "significance",
                 "interval_from", "published_as", "version", "profile", "national", "la_value"]
SHOW_EACH_END = 15   # a chart of more than 2 x this many schools shows the lowest and highest this many


def _shown(frame: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """Only the columns the charts use (the spec carries its data, so fewer columns render faster)."""
    data = frame[[c for c in CHART_COLUMNS if c in frame.columns]].copy()
    data["shown"] = [measure.format(None if pd.isna(v) else float(v), c if isinstance(c, str) else None)
                     for v, c in zip(data["value"], data["value_code"])]
    data["interval"] = [
        f"{measure.format(float(lo))} to {measure.format(float(hi))}" if pd.notna(lo) and pd.notna(hi) else "none"
        for lo, hi in zip(data["ci_low"], data["ci_high"])]
    data["cohort_text"] = [f"{int(n)} pupils" if pd.notna(n) else "not published" for n in data["cohort_n"]]
    repeated = data["school"].duplicated(keep=False)
    names = [f"{name} (URN {urn})" if twice else name for name, urn, twice in zip(data["school"], data["urn"], repeated)]
    data["row_label"] = [f"{name} ({int(n)})" if pd.notna(n) else name for name, n in zip(names, data["cohort_n"])]
    return data


def ends(frame: pd.DataFrame, column: str, each_end: int | None) -> tuple[pd.DataFrame, int]:
    """The rows a chart draws, highest `column` first: all of them, or - when there are more than twice
    `each_end` - the `each_end` highest and lowest (rows without a value are left to the table);
    with how many rows were left out between them."""
    ordered = frame.sort_values([column, "school"], ascending=[False, True], na_position="last")
    valued = ordered[ordered[column].notna()]
    if each_end is None or len(valued) <= 2 * each_end:
        return ordered, 0
    return pd.concat([valued.head(each_end), valued.tail(each_end)]), len(valued) - 2 * each_end


def _reference_lines(measure: Measure, lines: list[tuple[str, float | None, str, list[int]]]):
    """National / LA vertical rules as layers with their own legend ('England 46.5', 'Rutland 51.3'), so
    their labels never collide with each other or with the points."""
    shown = [(f"{name} {measure.format(float(value))}", value, colour, dash) for name, value, colour, dash in lines
             if value is not None and pd.notna(value)]
    if not shown:
        return None
    data = pd.DataFrame({"x": [float(v) for _, v, _, _ in shown], "line": [label for label, *_ in shown]})
    domain = [label for label, *_ in shown]
    return alt.Chart(data).mark_rule(strokeWidth=2).encode(
        x=alt.X("x:Q", axis=None),
        stroke=alt.Stroke("line:N", title="Reference lines", scale=alt.Scale(domain=domain,
                          range=[c for _, _, c, _ in shown]), legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("line:N", scale=alt.Scale(domain=domain, range=[d for *_, d in shown]),
                                  legend=None))


def dot_and_whisker(frame: pd.DataFrame, measure: Measure, height_per_school: int = 24,
                    each_end: int | None = SHOW_EACH_END, la_name: str = "LA") -> alt.LayerChart:
    """Each school's value with its 95% interval, sorted, against the national and LA lines.

    The row label carries the cohort size. With more than 2 x `each_end` schools only the highest and
    lowest `each_end` are drawn, with a row saying how many are left out (the table below lists all);
    schools with a published code instead of a value are then left to the table too, otherwise their
    code is written at the national line. The value axis is drawn at the top and the bottom."""
    data = _shown(frame, measure)
    drawn, left_out = ends(data, "value", each_end)
    national = data["national"].iloc[0] if len(data) else None
    la_value = data["la_value"].iloc[0] if len(data) else None
    order = drawn["row_label"].tolist()
    if left_out:
        gap = f"... {left_out} more schools (all in the table) ..."
        order = order[:each_end] + [gap] + order[each_end:]
    y = alt.Y("row_label:N", sort=order, scale=alt.Scale(domain=order), title=None, axis=alt.Axis(labelLimit=360))
    tooltip = [alt.Tooltip("school:N", title="School"), alt.Tooltip("shown:N", title=measure.short_label),
               alt.Tooltip("interval:N", title="95% interval"), alt.Tooltip("cohort_text:N", title="Pupils"),
               alt.Tooltip("significance:N", title="Compared with national"),
               alt.Tooltip("interval_from:N", title="Interval"), alt.Tooltip("version:N", title="Version")]
    if "published_as" in drawn.columns:
        tooltip.append(alt.Tooltip("published_as:N", title="Published as"))
    colour, shape = _significance_encodings()
    valued = drawn[drawn["value"].notna()]
    x_title = measure.axis_label
    whiskers = alt.Chart(valued).mark_rule(strokeWidth=2).encode(
        y=y, x=alt.X("ci_low:Q", title=x_title, scale=alt.Scale(zero=False), axis=alt.Axis(orient="bottom")),
        x2="ci_high:Q", color=colour, tooltip=tooltip)
    points = alt.Chart(valued).mark_point(size=110, filled=True, opacity=1).encode(
        y=y, x=alt.X("value:Q", axis=alt.Axis(orient="top", title=None)), color=colour, shape=shape,
        tooltip=tooltip, href="profile:N")
    layers = [whiskers, points]
    at = national if national is not None and pd.notna(national) else valued["value"].median()
    coded = drawn[drawn["value"].isna()].assign(x=at)
    if not coded.empty and pd.notna(at):
        layers.append(alt.Chart(coded).mark_text(align="left", dx=4, fontStyle="italic", color="#3D3D3D").encode(
            y=y, x=alt.X("x:Q", axis=None), text="shown:N", tooltip=tooltip))
    lines = _reference_lines(measure, [("England", national, NATIONAL_COLOUR, [6, 3]),
                                       (la_name, la_value, LA_COLOUR, [1, 0])])
    if lines is not None:
        layers.insert(0, lines)
    return alt.layer(*layers).properties(height=alt.Step(height_per_school)).resolve_axis(x="independent")


def dot_and_whisker_alt(frame: pd.DataFrame, measure: Measure, la_name: str, year_label: str,
                        each_end: int | None = SHOW_EACH_END) -> str:
    if frame.empty:
        return "No schools have this measure for the year chosen."
    data = frame[frame["value"].notna()].sort_values("value", ascending=False)
    national, la_value = frame["national"].iloc[0], frame["la_value"].iloc[0]
    counts = data["significance"].value_counts()
    parts = [f"Dot-and-whisker chart of {measure.short_label} for {len(frame)} state-funded mainstream schools in "
             f"{la_name}, {year_label}, each with its 95% interval where one exists and its cohort size."]
    if each_end is not None and len(data) > 2 * each_end:
        parts.append(f"It shows the {each_end} highest and {each_end} lowest; the table behind it lists every "
                     "school.")
    if national is not None and pd.notna(national):
        parts.append(f"England: {measure.format(float(national))}.")
    if la_value is not None and pd.notna(la_value):
        parts.append(f"{la_name}: {measure.format(float(la_value))}.")
    if not data.empty:
        top, bottom = data.iloc[0], data.iloc[-1]
        parts.append(f"Highest {top['school']} {measure.format(float(top['value']))}; lowest {bottom['school']} "
                     f"{measure.format(float(bottom['value']))}.")
    parts.append(", ".join(f"{counts.get(k, 0)} {k}" for k in SIGNIFICANCE_ORDER if counts.get(k, 0)) + ".")
    coded = len(frame) - len(data)
    if coded:
        parts.append(f"{coded} school(s) have a published code instead of a value.")
    return " ".join(parts)


def funnel(frame: pd.DataFrame, limits: pd.DataFrame, measure: Measure) -> alt.LayerChart:
    """Value against cohort size with 95% and 99.8% limits around national: a small school's value
    has to be far from national before it is outside the funnel."""
    data = _shown(frame[frame["value"].notna() & frame["cohort_n"].notna()], measure)
    colour, shape = _significance_encodings()
    x = alt.X("cohort_n:Q", title="Pupils in the measure", scale=alt.Scale(zero=False))
    layers = []
    if not limits.empty:
        long = limits.melt("cohort_n", var_name="limit", value_name="limit_value")
        long["band"] = long["limit"].map(lambda c: "95% limits" if c.endswith("_95") else "99.8% limits")
        long["side"] = long["limit"].str.split("_").str[0]
        layers.append(alt.Chart(long).mark_line(color="#505A5F", strokeWidth=1.5).encode(
            x=x, y=alt.Y("limit_value:Q", title=measure.axis_label),
            detail="limit:N",
            strokeDash=alt.StrokeDash("band:N", title="Control limits",
                                      scale=alt.Scale(domain=["95% limits", "99.8% limits"], range=[[6, 3], [2, 2]]),
                                      legend=alt.Legend(orient="bottom"))))
    line = funnel_centre(frame, measure)
    if line is not None:
        layers.append(alt.Chart(line).mark_rule(color=NATIONAL_COLOUR, strokeWidth=2).encode(y="y:Q"))
        layers.append(alt.Chart(line).mark_text(color=NATIONAL_COLOUR, align="left", dy=-6, fontWeight="bold")
                      .encode(y="y:Q", x=alt.value(4), text="label:N"))
    tooltip = [alt.Tooltip("school:N", title="School"), alt.Tooltip("shown:N", title=measure.short_label),
               alt.Tooltip("cohort_text:N", title="Cohort"), alt.Tooltip("significance:N", title="Compared with national")]
    layers.append(alt.Chart(data).mark_point(size=110, filled=True, opacity=1).encode(
        x=x, y=alt.Y("value:Q", title=measure.axis_label, scale=alt.Scale(zero=False)),
        color=colour, shape=shape, tooltip=tooltip, href="profile:N"))
    return alt.layer(*layers).properties(height=360)


def funnel_centre(frame: pd.DataFrame, measure: Measure) -> pd.DataFrame | None:
    """The line the limits are drawn around (y, label): England's figure, or 0 for a progress score."""
    reference = frame["reference"].iloc[0] if len(frame) else None
    if reference is None or pd.isna(reference):
        return None
    national = frame["national"].iloc[0]
    label = (f"England {measure.format(float(national))}" if pd.notna(national) and float(national) == reference
             else f"National average {float(reference):g}")
    return pd.DataFrame({"y": [float(reference)], "label": [label]})


FUNNEL_TABLE_COLUMNS = ["school", "urn", "cohort_n", "value", "centre", "lower_95", "upper_95", "lower_998",
                        "upper_998", "against_the_limits", "source_id", "source_row"]


def funnel_table(frame: pd.DataFrame, limits: pd.DataFrame) -> pd.DataFrame:
    """The schools the funnel plots, each with the limits at its own cohort size and where it lies against them:
    the table behind the chart (the limits alone do not say which school is outside them)."""
    data = frame[frame["value"].notna() & frame["cohort_n"].notna()].copy()
    data["cohort_n"] = data["cohort_n"].astype(int)
    data = data.merge(limits, on="cohort_n", how="inner")
    data["centre"] = data["reference"]
    value = data["value"].to_numpy(dtype=float)
    side = pd.Series(["above" if v > n else "below" for v, n in zip(value, data["centre"].astype(float))],
                     index=data.index)
    outside998 = (value < data["lower_998"]) | (value > data["upper_998"])
    outside95 = (value < data["lower_95"]) | (value > data["upper_95"])
    data["against_the_limits"] = ("outside the 99.8% limits, " + side).where(
        outside998, ("outside the 95% limits, " + side).where(outside95, "inside the 95% limits"))
    return data[FUNNEL_TABLE_COLUMNS].sort_values(["against_the_limits", "school"]).reset_index(drop=True)


def funnel_alt(frame: pd.DataFrame, limits: pd.DataFrame, measure: Measure) -> str:
    data = funnel_table(frame, limits) if not limits.empty else pd.DataFrame()
    if data.empty:
        return "No funnel plot: cohort sizes or the national value are not available."
    where = data["against_the_limits"]
    outside998 = int(where.str.startswith("outside the 99.8%").sum())
    outside95 = outside998 + int(where.str.startswith("outside the 95%").sum())
    around = funnel_centre(frame, measure)["label"].iloc[0]
    return (f"Funnel plot of {measure.short_label} against cohort size for {len(data)} schools, with 95% and "
            f"99.8% control limits around {around}. "
            f"{outside95} school(s) lie outside the 95% limits and {outside998} outside the 99.8% limits; "
            "the limits widen for small cohorts, so a small school needs a larger difference to stand out. "
            "The table behind the chart lists each school with the limits at its cohort size.")


def profile_trend(frame: pd.DataFrame, measure: Measure, school_name: str, la_name: str = "LA") -> alt.LayerChart:
    """One measure over time: the school (with its 95% interval), England and the LA."""
    school = frame.assign(series=school_name, plotted=frame["value"])
    series = [school]
    for column, name in (("national", "England"), ("la_value", la_name)):
        part = frame[frame[column].notna()].assign(series=name, plotted=frame[column])
        series.append(part)
    data = pd.concat(series, ignore_index=True)
    data = data[data["plotted"].notna()]
    data["shown"] = [measure.format(float(v)) for v in data["plotted"]]
    names = [school_name, "England", la_name]
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=names, range=[GSS_COLOURS[0], NATIONAL_COLOUR,
                                                                                      LA_COLOUR]),
                       legend=alt.Legend(orient="bottom"))
    shape = alt.Shape("series:N", scale=alt.Scale(domain=names, range=["circle", "square", "diamond"]), legend=None)
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=names, range=[[1, 0], [6, 3], [2, 2]]), legend=None)
    x = alt.X("end_year:O", title="Academic year", axis=alt.Axis(labelExpr=YEAR_LABEL_EXPR, labelAngle=-40))
    y = alt.Y("plotted:Q", title=measure.axis_label, scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("series:N", title="Series"), alt.Tooltip("year_label:N", title="Year"),
               alt.Tooltip("shown:N", title=measure.short_label)]
    lines = alt.Chart(data).mark_line(point=False).encode(x=x, y=y, color=colour, strokeDash=dash, detail="series:N")
    points = alt.Chart(data).mark_point(size=70, filled=True).encode(x=x, y=y, color=colour, shape=shape,
                                                                        tooltip=tooltip)
    whiskers = alt.Chart(school[school["ci_low"].notna()]).mark_rule(color=GSS_COLOURS[0]).encode(
        x=x, y="ci_low:Q", y2="ci_high:Q")
    # Streamlit sizes the whole chart (axes and legend included) to this height, so it is set for a
    # readable plot: at 220 the plot itself was 20 px tall and -3.8 looked next to 0.
    return alt.layer(whiskers, lines, points).properties(height=340)


def profile_trend_alt(frame: pd.DataFrame, measure: Measure, school_name: str) -> str:
    data = frame[frame["value"].notna()]
    if data.empty:
        return f"No {measure.short_label} values for {school_name}."
    parts = [f"{measure.short_label} for {school_name}, {data['year_label'].iloc[0]} to {data['year_label'].iloc[-1]}:"]
    for row in data.itertuples():
        national = "" if pd.isna(row.national) else f" (England {measure.format(float(row.national))})"
        parts.append(f"{row.year_label} {measure.format(float(row.value))}{national};")
    return " ".join(parts)


def gap_chart(frame: pd.DataFrame, measure: Measure, each_end: int | None = SHOW_EACH_END) -> alt.LayerChart:
    """Each school's pupil-group gap to its national comparator: one row per school and group, the
    direction shown by the point's shape (right / left triangle) as well as its side of zero. With more
    than 2 x `each_end` rows, the widest gaps each way are drawn and the table holds the rest."""
    data = frame.loc[frame["gap"].notna(), ["school", "pupil_group", "cohort_n", "gap", "compared_with",
                                            "profile"]].copy()
    data["row_label"] = data["school"] + " - " + data["pupil_group"] + " (" + data["cohort_n"].astype(str) + ")"
    data["gap_text"] = [f"{g:+.{measure.decimals}f}" for g in data["gap"]]
    data["direction"] = ["above comparator" if g > 0 else "below comparator" if g < 0 else "level"
                         for g in data["gap"]]
    data, left_out = ends(data, "gap", each_end)
    order = data["row_label"].tolist()
    if left_out:
        gap = f"... {left_out} more (all in the table) ..."
        order = order[:each_end] + [gap] + order[each_end:]
    shape = alt.Shape("direction:N", title="Gap", scale=alt.Scale(
        domain=["above comparator", "level", "below comparator"],
        range=["triangle-right", "circle", "triangle-left"]), legend=alt.Legend(orient="bottom"))
    y = alt.Y("row_label:N", title=None, sort=order, scale=alt.Scale(domain=order),
              axis=alt.Axis(labelLimit=420))
    points = alt.Chart(data).mark_point(size=100, filled=True, color=GSS_COLOURS[0]).encode(
        x=alt.X("gap:Q", title=f"Gap ({'percentage points' if measure.unit == '%' else measure.unit})",
                axis=alt.Axis(orient="top")),
        y=y, shape=shape, href="profile:N",
        tooltip=[alt.Tooltip("school:N", title="School"), alt.Tooltip("pupil_group:N", title="Group"),
                 alt.Tooltip("cohort_n:Q", title="Pupils"), alt.Tooltip("gap_text:N", title="Gap"),
                 alt.Tooltip("compared_with:N", title="Compared with")])
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#3D3D3D").encode(
        x=alt.X("x:Q", axis=alt.Axis(orient="bottom", title=None)))
    return alt.layer(zero, points).properties(height=alt.Step(18)).resolve_axis(x="independent")
