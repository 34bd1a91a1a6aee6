"""The trend chart: valid Vega-Lite, lines split at series breaks and gaps, alt text from the data."""
from __future__ import annotations

import pandas as pd

from rutland_data import charts
from rutland_data.measures import by_id


def frame(values: dict[int, float | None]) -> pd.DataFrame:
    return pd.DataFrame({
        "end_year": list(values), "value": list(values.values()), "role": "la", "series": "Rutland",
        "year_label": [f"{y - 1}/{str(y)[2:]}" for y in values], "version": None,
    })


def test_lines_never_cross_a_series_break_or_a_missing_year():
    ks4 = by_id()["ks4_att8"]  # breaks: 2020 (assessed grades), 2022 (exams resumed)
    data = frame({2018: 50.0, 2019: 51.0, 2020: 55.0, 2021: 55.5, 2022: 53.0, 2023: None, 2024: 50.0})
    segments = charts.add_segments(data, ks4).set_index("end_year")["segment"].to_dict()
    assert segments == {2018: 0, 2019: 0, 2020: 1, 2021: 1, 2022: 2, 2024: 3}


def test_trend_chart_is_valid_vega_lite_with_break_rules():
    ks4 = by_id()["ks4_att8"]
    spec = charts.trend_chart(frame({2018: 50.0, 2019: 51.0, 2022: 53.0}), ks4, selected_year=2019).to_dict()
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    rules = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "rule"]
    assert len(rules) == 2  # the series-break rules, and the selected-year band
    breaks = spec["datasets"][rules[0]["data"]["name"]]
    assert [b["end_year"] for b in breaks] == [2019.5, 2021.5]  # drawn between the years either side


def test_alt_text_states_first_and_latest_values_and_breaks():
    ks4 = by_id()["ks4_att8"]
    text = charts.trend_alt_text(frame({2018: 50.0, 2024: 49.3}), ks4)
    assert "Rutland: 50.0 in 2017/18, 49.3 in 2023/24" in text
    assert "series break from 2019/20" in text
