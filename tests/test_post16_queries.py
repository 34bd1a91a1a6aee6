"""Post-16 queries and charts: shares from counts, suppression kept, comparators only on shared
categories, schools against national, and chart specs that carry text labels."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from rutland_data.store import db
from rutland_data.charts import destinations as destination_charts
from rutland_data.queries import absence as absence_queries
from rutland_data.queries import admissions as admissions_queries
from rutland_data.queries import destinations as destination_queries
from rutland_data.queries import la as la_queries
from rutland_data.charts import trend as trend_charts
from rutland_data.reference import codes
from rutland_data.reference.measures import by_id


@pytest.fixture
def con():
    connection = duckdb.connect()
    db.apply_schema(connection)
    connection.execute("INSERT INTO areas VALUES ('857', 'Rutland', 'la', 857, NULL, 'E12000004', TRUE), "
                       "('E92000001', 'England', 'england', 970, NULL, NULL, TRUE), "
                       "('815', 'North Yorkshire', 'la', 815, NULL, 'E12000003', TRUE), "
                       "('869', 'West Berkshire', 'la', 869, NULL, 'E12000008', TRUE), "
                       "('100001', 'A School', 'school', 857, NULL, NULL, TRUE)")
    connection.execute("INSERT INTO stat_neighbours VALUES ('2025-05', '857', '815', 1, 'Close', 1), "
                       "('2025-05', '857', '869', 2, 'Close', 1)")
    rows = []
    for area, cohort, counts in (("857", 100, [40, 10, 30, 5, 5, 4, 5, 1]),
                                 ("E92000001", 1000, [380, 130, 345, 9, 45, 30, 50, 11]),
                                 ("815", 200, [80, 20, 60, 10, 10, 8, 10, 2]),
                                 ("869", 50, [20, 5, 15, None, 3, 2, 4, 1]),
                                 ("100001", 100, [40, 10, 30, 5, 5, 4, 5, 1])):
        rows.append(["c", 2017, "KS4", area, "Cohort", "Total", cohort, None, None, 1, 1])
        for category, n in zip(["School sixth form", "Sixth-form college", "Further education", "Other education",
                                "Apprenticeship", "Employment", "Not sustained", "Activity not captured"], counts):
            rows.append(["c", 2017, "KS4", area, category, "x", n, None if n is None else round(100 * n / cohort),
                         "SUPP" if n is None else None, 1, 1])
    connection.executemany("INSERT INTO destinations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    yield connection
    connection.close()


def test_shares_come_from_counts_and_neighbours_pool_only_complete_las(con):
    shares = destination_queries.destination_shares(con, "857", "c", "2025-05")
    rutland = shares[shares["role"] == "la"].set_index("category")
    assert rutland.loc["Further education", "share"] == 30.0
    assert rutland["share"].sum() == pytest.approx(100.0)
    pooled = shares[shares["role"] == "neighbours"]
    assert pooled["series"].iloc[0] == "Statistical neighbours (pooled, 1 of 2 LAs)"  # 869 has a suppressed cell
    assert pooled.set_index("category").loc["School sixth form", "share"] == 40.0
    assert set(shares["role"]) == {"la", "england", "neighbours"}


def test_comparators_dropped_when_the_la_uses_local_categories(con):
    con.execute("INSERT INTO destinations VALUES ('Year 11 leavers 2017', 2017, 'KS4', '857', 'In county sixth form',"
                " 'In county', 70, NULL, NULL, 2, 1)")
    shares = destination_queries.destination_shares(con, "857", "Year 11 leavers 2017", "2025-05")
    assert set(shares["role"]) == {"la"}


def test_school_destinations_keep_codes(con):
    con.execute("UPDATE destinations SET pupils = NULL, percent = NULL, value_code = 'SUPP' "
                "WHERE area_code = '100001' AND category = 'Employment'")
    table = destination_queries.school_destinations(con, "857", "KS4", 2017)
    assert table.loc[0, "school"] == "A School"
    assert table.loc[0, "Employment"] == "SUPP"
    assert table.loc[0, "Further education"] == "30% (30)"


def test_school_absence_is_empty_without_school_tables(con):
    assert absence_queries.school_absence_years(con, "857") == []
    assert absence_queries.school_absence(con, "857", 2019).empty


def test_destination_chart_labels_segments_in_words(con):
    shares = destination_queries.destination_shares(con, "857", "c", "2025-05")
    spec = destination_charts.destination_bars(shares).to_dict()
    values = next(iter(spec["datasets"].values()))
    labels = {v["label"] for v in values if v["series"] == "Rutland"}
    assert "FE 30%" in labels and "SSF 40%" in labels
    text = destination_charts.destination_alt_text(shares, "c")
    assert "Rutland: School sixth form 40%" in text


def test_neet_trend_axis_uses_calendar_years():
    frame = pd.DataFrame({"role": ["la", "la"], "series": ["Rutland"] * 2, "end_year": [2021, 2022],
                          "year_label": ["2021", "2022"], "value": [1.9, 1.4]})
    spec = trend_charts.trend_chart(frame, by_id()["neet_nk_1617"]).to_dict()  # year type from the dictionary
    x = spec["layer"][0]["encoding"]["x"]
    assert x["axis"]["labelExpr"] == "toString(datum.value)" and x["title"] == "Calendar year"


def test_preference_breakdown_neighbour_mean_counts(con):
    con.execute("INSERT INTO la_results VALUES ('admissions_first_pref_primary', '2016/17', 2017, '857', 95, NULL, "
                "NULL, 1, 1), ('admissions_first_pref_primary', '2016/17', 2017, '815', 90, NULL, NULL, 1, 2), "
                "('admissions_first_pref_primary', '2016/17', 2017, '869', NULL, 'c', NULL, 1, 3)")
    frame = admissions_queries.preference_breakdown(con, "857", "primary", 2017, "2025-05")
    mean = frame[frame["role"] == "neighbours"].iloc[0]
    assert mean["value"] == 90 and mean["neighbours_counted"] == 1
    assert codes.academic_year(2017) == frame[frame["role"] == "la"]["year_label"].iloc[0]


def test_region_is_pooled_from_its_las_when_no_regional_row(con):
    con.execute("INSERT INTO areas VALUES ('E12000004', 'East Midlands', 'region', 983, NULL, NULL, TRUE), "
                "('855', 'Leicestershire', 'la', 855, NULL, 'E12000004', TRUE)")
    rows = [["c", 2017, "KS4", "855", category, "x", n, None, None, 1, 1]
            for category, n in zip(["School sixth form", "Sixth-form college", "Further education", "Other education",
                                    "Apprenticeship", "Employment", "Not sustained", "Activity not captured"],
                                   [100, 0, 100, 0, 0, 0, 0, 0])]
    con.executemany("INSERT INTO destinations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    shares = destination_queries.destination_shares(con, "857", "c", "2025-05")
    region = shares[shares["role"] == "region"].set_index("category")
    assert region["series"].iloc[0] == "East Midlands (pooled, 2 LAs)"  # no "of": the file may lack some
    assert region.loc["School sixth form", "share"] == pytest.approx(100 * 140 / 300)  # (40 + 100) / (100 + 200)


def test_the_neighbour_mean_does_not_depend_on_the_order_its_values_are_added(con):
    """Hand-worked: 0.1 + 0.2 + 0.3 over three is 0.2 exactly; added as doubles, (0.1 + 0.2) + 0.3 gives
    0.20000000000000004 and (0.3 + 0.2) + 0.1 gives 0.19999999999999998, so a mean of doubles moves with
    the order the rows arrive in (DuckDB's threads)."""
    con.execute("INSERT INTO areas VALUES ('880', 'Torbay', 'la', 880, NULL, 'E12000009', TRUE)")
    con.execute("INSERT INTO stat_neighbours VALUES ('2025-05', '857', '880', 3, 'Close', 1)")
    con.execute("SET threads = 1")  # rows are then added in the order they were inserted
    values = "SELECT * FROM (VALUES {}) v(key, end_year, area_code, value, value_code, version, source_id, source_row)"
    ascending = "('m', 2017, '815', 0.1, NULL, 'final', 1, 2), ('m', 2017, '869', 0.2, NULL, 'final', 1, 3), " \
                "('m', 2017, '880', 0.3, NULL, 'final', 1, 4)"
    descending = "('m', 2017, '880', 0.3, NULL, 'final', 1, 4), ('m', 2017, '869', 0.2, NULL, 'final', 1, 3), " \
                 "('m', 2017, '815', 0.1, NULL, 'final', 1, 2)"
    means = []
    for rows in (ascending, descending):
        series = la_queries.comparator_series(con, values.format(rows), {}, "857", "2025-05")
        mean = series[series["role"] == "neighbours"].iloc[0]
        assert mean["neighbours_counted"] == 3
        means.append(mean["value"])
    assert means == [0.2, 0.2]
