"""The charts' shared style: the accessible palette, how each comparator series is drawn (colour, dash and
point shape, so no meaning rests on colour alone), the year axis, and the spec form pages are sent."""
from __future__ import annotations

import altair as alt
import pandas as pd
import pyarrow as pa

# Government Statistical Service accessible categorical palette.
GSS_COLOURS = ["#12436D", "#F46A25", "#801650", "#28A197", "#3D3D3D"]
ROLE_ORDER = ["la", "england", "region", "neighbours"]
ROLE_STYLE = {  # role -> (colour, dash, point shape)
    "la": (GSS_COLOURS[0], [1, 0], "circle"),
    "england": (GSS_COLOURS[1], [6, 3], "square"),
    "region": (GSS_COLOURS[2], [2, 2], "triangle-up"),
    "neighbours": (GSS_COLOURS[3], [8, 2, 2, 2], "diamond"),
}


def year_axis_expr(year_type: str = "academic") -> str:
    """Vega-Lite twin of `measures.label_year` for axis labels (the axis holds end years)."""
    if year_type == "calendar":
        return "toString(datum.value)"
    separator = "-" if year_type == "financial" else "/"
    return f"toString(datum.value - 1) + '{separator}' + substring(toString(datum.value), 2, 4)"


YEAR_LABEL_EXPR = year_axis_expr("academic")
# Fit the width to the page but keep the given plot height: Streamlit's default 'fit' squeezes a
# chart with a bottom legend into its height, which flattens bar charts to nothing.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def page_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec with each dataset as an Arrow table, which is how Streamlit sends chart data
    to the browser. Figures are cached in this form: left as lists of records, the data would be converted to
    Arrow again on every rerun, several milliseconds per chart (`json_spec` turns it back for the board pack).
    The spec is not checked against the Vega-Lite schema here (almost half a second over a board pack's charts,
    and every spec is our own code's): tests/test_meetings_pack.py checks every board pack chart against it."""
    spec = chart.to_dict(validate=False)
    if "datasets" in spec:
        spec["datasets"] = {name: pa.Table.from_pandas(pd.DataFrame(values))
                            for name, values in spec["datasets"].items()}
    return spec


def json_spec(spec: dict) -> dict:
    """A `page_spec` with its datasets as records again, for renderers that read JSON (vl-convert)."""
    datasets = {name: table.to_pylist() if isinstance(table, pa.Table) else table
                for name, table in spec.get("datasets", {}).items()}
    return {**spec, "datasets": datasets} if "datasets" in spec else dict(spec)


def series_order(frame: pd.DataFrame) -> list[str]:
    """The frame's series in comparator order: the LA, England, the region, the neighbours (others last)."""
    ordered = frame.assign(_r=frame["role"].map({r: i for i, r in enumerate(ROLE_ORDER)}).fillna(9))
    return list(dict.fromkeys(ordered.sort_values("_r")["series"]))
