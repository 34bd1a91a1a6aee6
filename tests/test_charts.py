"""The trend chart: valid Vega-Lite, lines split at series breaks and gaps, alt text from the data."""
from __future__ import annotations

import pandas as pd

from rutland_data.charts import trend as charts
from rutland_data.reference.measures import by_id
from rutland_data.reference.codes import label_year


def frame(values: dict[int, float | None]) -> pd.DataFrame:
    return pd.DataFrame({
        "end_year": list(values), "value": list(values.values()), "role": "la", "series": "Rutland",
        "year_label": [f"{y - 1}/{str(y)[2:]}" for y in values], "version": None,
    })


def test_lines_never_cross_a_series_break_or_a_missing_year():
    ks4 = by_id()["ks4_att8"]  # new series: 2017 (9-1 scale), 2020 (CAGs), 2021 (TAGs), 2022 (exams), 2023 (grading)
    data = frame({2016: 55.2, 2017: 52.2, 2018: 50.0, 2019: 51.0, 2020: 55.0, 2021: 55.5, 2022: 53.0, 2023: None,
                  2024: 50.0})
    segments = charts.add_segments(data, ks4).set_index("end_year")["segment"].to_dict()
    assert segments == {2016: 0, 2017: 1, 2018: 1, 2019: 1, 2020: 2, 2021: 3, 2022: 4, 2024: 5}


def test_a_gap_is_drawn_as_a_band_and_a_new_series_as_a_rule():
    ks4 = by_id()["ks4_att8"]
    spec = charts.trend_chart(frame({2018: 50.0, 2019: 51.0, 2022: 53.0}), ks4, selected_year=2019).to_dict()
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    rules = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "rule"]
    assert len(rules) == 2  # the series-break rules, and the selected-year band
    breaks = spec["datasets"][rules[0]["data"]["name"]]
    assert [b["end_year"] for b in breaks] == [2019.5, 2020.5, 2021.5]  # drawn between the years either side
    assert breaks[0]["reason"] == "New series from 2019/20: grades were centre-assessed (COVID-19)"
    p8 = by_id()["ks4_p8"]  # a gap, not a new series: 2019/20 and 2020/21 not published
    spec = charts.trend_chart(frame({2018: 0.4, 2019: 0.44, 2022: 0.52}), p8).to_dict()
    bands = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "rect"]
    assert [{k: b[k] for k in ("start", "end")} for b in spec["datasets"][bands[0]["data"]["name"]]] == [
        {"start": 2019.5, "end": 2021.5}]
    assert not [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "rule"]


def test_alt_text_describes_each_unbroken_run_and_the_breaks():
    ks4 = by_id()["ks4_att8"]
    text = charts.trend_alt_text(frame({2018: 50.0, 2019: 51.0, 2024: 49.3}), ks4)
    assert "Rutland: 50.0 in 2017/18 to 51.0 in 2018/19; 49.3 in 2023/24." in text
    assert "new series from 2016/17: Attainment 8 moved to the 9-1 points scale" in text


def test_year_labels_have_one_format_per_year_type():
    assert [label_year(2017), label_year(2000), label_year(2021, "calendar"), label_year(2017, "financial")] == [
        "2016/17", "1999/00", "2021", "2016-17"]
    assert charts.year_axis_expr("calendar") == "toString(datum.value)"
