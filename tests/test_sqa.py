"""SQA prioritisation: each rule fires when it should and not otherwise; output is exportable."""
from __future__ import annotations

import io
import re
from dataclasses import replace

import pandas as pd
import pytest

from rutland_data.analysis import sqa


def result(urn, year, value, *, measure="ks2_rwm_exp", n=30, low=None, high=None, national=65.0,
           polarity="higher", name=None):
    return {"urn": urn, "school_name": name or f"School {urn}", "end_year": year, "measure_id": measure,
            "cohort_n": n, "value": value, "ci_low": low, "ci_high": high, "national_value": national,
            "polarity": polarity}


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(sqa.RESULT_COLUMNS))


def row_for(out: pd.DataFrame, urn) -> pd.Series:
    return out[out.urn == str(urn)].iloc[0]


# Interval (low, high) well below national 65 / overlapping it / above it.
BELOW, ACROSS, ABOVE = (40.0, 60.0), (55.0, 75.0), (70.0, 90.0)


def test_below_national_two_of_three_years_is_high():
    rows = [result(1, 2017, 50, low=BELOW[0], high=BELOW[1]),
            result(1, 2018, 66, low=ACROSS[0], high=ACROSS[1]),
            result(1, 2019, 50, low=BELOW[0], high=BELOW[1])]
    out = sqa.prioritise(frame(rows))
    school = row_for(out, 1)
    assert school.priority == "High"
    assert school.rule_ids == "below_national_repeatedly"
    assert "KS2 RWM: significantly below national in 2 of the last 3 years (2016/17, 2018/19)" in school.reasons


def test_one_year_below_only_in_the_latest_year_is_medium():
    rows = [result(2, 2017, 66, low=ACROSS[0], high=ACROSS[1]),
            result(2, 2018, 80, low=ABOVE[0], high=ABOVE[1]),
            result(2, 2019, 50, low=BELOW[0], high=BELOW[1])]
    school = row_for(sqa.prioritise(frame(rows)), 2)
    assert (school.priority, school.rule_ids) == ("Medium", "below_national_latest_year")


def test_years_before_the_window_do_not_count():
    rows = [result(3, 2015, 50, low=BELOW[0], high=BELOW[1]),
            result(3, 2016, 50, low=BELOW[0], high=BELOW[1]),
            result(3, 2019, 66, low=ACROSS[0], high=ACROSS[1])]
    assert row_for(sqa.prioritise(frame(rows)), 3).priority == "No concerns"


def test_no_interval_means_never_significant():
    rows = [result(4, year, 20) for year in (2017, 2018, 2019)]  # far below, but no interval
    school = row_for(sqa.prioritise(frame(rows)), 4)
    assert "below_national" not in school.rule_ids


def test_falling_trend_respects_polarity():
    higher = [result(5, y, v) for y, v in ((2017, 70), (2018, 68), (2019, 66))]
    flat_then_down = [result(6, y, v, low=ACROSS[0], high=ACROSS[1]) for y, v in ((2017, 70), (2018, 70), (2019, 66))]
    config = replace(sqa.SqaConfig(), headline_measures=("ks2_rwm_exp", "abs_overall"))
    rising_absence = [result(7, y, v, measure="abs_overall", polarity="lower", national=4.5, n=None)
                      for y, v in ((2017, 3.0), (2018, 3.5), (2019, 4.0))]
    out = sqa.prioritise(frame(higher + flat_then_down + rising_absence), config=config)
    assert row_for(out, 5).rule_ids == "falling_trend"
    assert "KS2 RWM: worse in each of the last 3 years (70% -> 68% -> 66%)" in row_for(out, 5).reasons
    assert row_for(out, 6).priority == "No concerns"
    assert row_for(out, 7).rule_ids == "falling_trend"


def test_falling_trend_needs_every_year():
    rows = [result(8, 2017, 70, low=ACROSS[0], high=ACROSS[1]), result(8, 2019, 60, low=ACROSS[0], high=ACROSS[1])]
    assert row_for(sqa.prioritise(frame(rows)), 8).priority == "No concerns"


def test_small_cohort_is_a_caution_not_a_priority():
    rows = [result(9, 2019, 60, n=7, low=ACROSS[0], high=ACROSS[1])]
    school = row_for(sqa.prioritise(frame(rows)), 9)
    assert school.priority == "No concerns"
    assert school.rule_ids == "small_cohort_caution"
    assert school.caution == "KS2 RWM 2018/19 rests on 7 pupils (one pupil is 14 percentage points); read with caution"


def test_ofsted_uses_the_latest_inspection_only():
    rows = [result(urn, 2019, 66, low=ACROSS[0], high=ACROSS[1]) for urn in (10, 11, 12)]
    inspections = pd.DataFrame({
        "urn": [10, 10, 11, 12],
        "inspection_date": ["2014-03-01", "2018-06-12", "2017-01-01", "2019-02-02"],
        "overall_effectiveness": ["Inadequate", "Good", 4, "Requires improvement"],
    })
    out = sqa.prioritise(frame(rows), inspections=inspections)
    assert row_for(out, 10).priority == "No concerns"
    assert row_for(out, 11).priority == "High"
    assert "latest Ofsted overall effectiveness: Inadequate (inspected 01 January 2017)" in row_for(out, 11).reasons
    assert row_for(out, 12).priority == "Medium"


def test_inspection_without_an_overall_grade_raises_nothing():
    inspections = pd.DataFrame({"urn": [13], "inspection_date": ["2025-01-01"], "overall_effectiveness": [None]})
    out = sqa.prioritise(frame([result(13, 2019, 66, low=ACROSS[0], high=ACROSS[1])]), inspections=inspections)
    assert row_for(out, 13).priority == "No concerns"


def test_absence_above_national_is_low():
    rows = [result(14, 2019, 5.1, measure="abs_overall", polarity="lower", national=4.7, n=None),
            result(15, 2019, 4.1, measure="abs_overall", polarity="lower", national=4.7, n=None)]
    out = sqa.prioritise(frame(rows))
    assert row_for(out, 14).priority == "Low"
    assert "Overall absence: 5.10% in 2018/19 against 4.70% nationally" in row_for(out, 14).reasons
    # absence alone is no evidence on results: not 'No concerns' (issue 9)
    assert row_for(out, 15).priority == "Insufficient data"
    assert row_for(out, 15).reasons == "insufficient data: no headline results for 2016/17 to 2018/19"


def test_two_medium_rules_escalate_unless_configured_off():
    rows = [result(16, 2017, 70), result(16, 2018, 68),
            result(16, 2019, 50, low=BELOW[0], high=BELOW[1])]  # falling + below latest year
    escalated = row_for(sqa.prioritise(frame(rows)), 16)
    assert escalated.priority == "High"
    assert escalated.reasons.endswith("[High] 2 or more separate Medium rules together")
    off = replace(sqa.SqaConfig(), escalate_medium_count=None)
    not_escalated = row_for(sqa.prioritise(frame(rows), config=off), 16)
    assert not_escalated.priority == "Medium" and "separate Medium rules" not in not_escalated.reasons


def test_thresholds_are_configurable():
    rows = [result(17, 2018, 50, low=BELOW[0], high=BELOW[1]),
            result(17, 2019, 50, low=BELOW[0], high=BELOW[1])]
    assert row_for(sqa.prioritise(frame(rows)), 17).priority == "High"
    stricter = replace(sqa.SqaConfig(), years_below_for_high=3)
    assert row_for(sqa.prioritise(frame(rows), config=stricter), 17).priority != "High"


def test_rules_can_be_replaced():
    rows = [result(18, 2019, 50, low=BELOW[0], high=BELOW[1])]
    only_absence = tuple(r for r in sqa.DEFAULT_RULES if r.rule_id == "absence_above_national")
    assert row_for(sqa.prioritise(frame(rows), rules=only_absence), 18).priority == "No concerns"


def test_output_sorted_most_urgent_first_and_exportable():
    rows = [result(20, 2019, 66, low=ACROSS[0], high=ACROSS[1], name="Zeta Primary"),
            result(21, 2018, 50, low=BELOW[0], high=BELOW[1], name="Alpha Primary"),
            result(21, 2019, 50, low=BELOW[0], high=BELOW[1], name="Alpha Primary"),
            result(22, 2019, 5.0, measure="abs_overall", polarity="lower", national=4.0, n=None, name="Mid Primary")]
    inspections = pd.DataFrame({"urn": [23], "inspection_date": ["2019-01-01"], "overall_effectiveness": [2]})
    out = sqa.prioritise(frame(rows), inspections=inspections)
    assert list(out.columns) == list(sqa.OUTPUT_COLUMNS)
    assert out.urn.tolist() == ["21", "22", "23", "20"]
    assert out.priority.tolist() == ["High", "Low", "Insufficient data", "No concerns"]
    assert out.priority_rank.is_monotonic_increasing
    back = pd.read_csv(io.StringIO(out.to_csv(index=False)), dtype=str, keep_default_na=False)
    assert back.priority.tolist() == out.priority.tolist()
    assert row_for(out, 23).reasons == "insufficient data: no headline results for 2016/17 to 2018/19"


def test_latest_year_can_be_chosen():
    rows = [result(24, 2018, 50, low=BELOW[0], high=BELOW[1]), result(24, 2019, 66)]
    assert row_for(sqa.prioritise(frame(rows), latest_year=2018), 24).rule_ids == "below_national_latest_year"


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="national_value"):
        sqa.prioritise(frame([result(25, 2019, 60)]).drop(columns="national_value"))


def test_rules_are_documented_in_one_table():
    table = sqa.rules_table()
    assert table.rule_id.tolist() == [r.rule_id for r in sqa.DEFAULT_RULES]
    assert table.rule_id.is_unique
    assert set(table.level) <= {"High", "Medium", "Low", sqa.CAUTION}
    assert (table.description.str.len() > 0).all() and (table.how_evaluated.str.len() > 0).all()


def test_never_labels_floor_or_coasting():
    rows = [result(26, y, v, low=BELOW[0], high=BELOW[1]) for y, v in ((2017, 52), (2018, 51), (2019, 50))]
    out = sqa.prioritise(frame(rows))
    text = " ".join(out.astype(str).to_numpy().ravel()) + " ".join(sqa.rules_table().astype(str).to_numpy().ravel())
    assert not re.search(r"floor|coasting", text, re.IGNORECASE)


def test_published_band_stands_in_for_a_missing_interval():
    # KS2 maths progress 2018/19 as the cut-down file gives it: a score and DfE's band, no interval
    rows = [{**result(30, 2019, -5.6, measure="ks2_math_prog", n=None, national=0.03), "published_band": 5,
             "source_file": "england_ks2final.csv.gz", "source_row": 294}]
    school = row_for(sqa.prioritise(pd.DataFrame(rows)), 30)
    assert (school.priority, school.rule_ids) == ("Medium", "below_national_latest_year")
    assert school.reasons == ("[Medium] KS2 maths progress: significantly below national in 2018/19 (-5.60, DfE "
                              "progress band 5: well below average; no interval published; "
                              "england_ks2final.csv.gz, row 294)")
    average = [{**rows[0], "urn": 31, "value": -0.5, "published_band": 3}]
    assert row_for(sqa.prioritise(pd.DataFrame(average)), 31).priority == "No concerns"


def test_no_usable_evidence_is_insufficient_data_with_why_never_no_concerns():
    rows = [result(32, 2019, 20, n=None),  # far below national, but no interval and no band
            {**result(33, 2019, None, measure="ks2_read_prog", n=None), "value_code": "SUPP"}]
    out = sqa.prioritise(pd.DataFrame(rows))
    assert set(out.priority) == {"Insufficient data"}
    assert row_for(out, 32).reasons.startswith("insufficient data: no headline result for 2016/17 to 2018/19 has a "
                                               "95% interval or DfE progress band to judge it against national - "
                                               "KS2 RWM 2018/19 20%, no interval or DfE band")
    assert "KS2 reading progress 2018/19 SUPP" in row_for(out, 33).reasons


def test_special_schools_are_not_judged_against_national_and_every_listed_school_appears():
    rows = [{**result(34, 2019, -3.0, measure="ks2_math_prog", national=0.0), "published_band": 5,
             "comparison_group": "state-funded special"}]
    listed = pd.DataFrame({"urn": ["34", "35"], "school_name": ["Special School", "New Academy"],
                           "comparison_group": ["state-funded special", "state-funded mainstream"]})
    out = sqa.prioritise(pd.DataFrame(rows), schools=listed)
    assert row_for(out, 34).priority == "Insufficient data"
    assert "a state-funded special school - DfE compares these schools apart" in row_for(out, 34).reasons
    assert row_for(out, 35).reasons == "insufficient data: no headline results for 2016/17 to 2018/19"


def test_a_band_measure_below_average_is_worse_whatever_the_band_number_s_polarity():
    # ks4_p8_band is DfE's band as a number, lower better: band 4 'below average' is a concern, band 2 is not
    rows = [{**result(32, 2024, 4.0, measure="ks4_p8_band", n=None, national=None, polarity="lower"),
             "published_band": 4},
            {**result(33, 2024, 2.0, measure="ks4_p8_band", n=None, national=None, polarity="lower"),
             "published_band": 2}]
    out = sqa.prioritise(pd.DataFrame(rows))
    assert (row_for(out, 32).priority, row_for(out, 32).rule_ids) == ("Medium", "below_national_latest_year")
    assert row_for(out, 33).priority == "No concerns"


def test_each_school_is_judged_on_its_own_latest_years():
    # a primary whose newest results are 2018/19 beside a secondary's 2023/24: each on its own three years
    rows = [result(34, 2019, 50, low=BELOW[0], high=BELOW[1]),
            {**result(35, 2024, 4.0, measure="ks4_p8_band", n=None, national=None, polarity="lower"),
             "published_band": 4}]
    out = sqa.prioritise(pd.DataFrame(rows))
    assert "significantly below national in 2018/19" in row_for(out, 34).reasons
    assert "significantly below national in 2023/24" in row_for(out, 35).reasons
    # a chosen year is every school's: the primary's 2018/19 is then outside 2021/22 to 2023/24
    chosen = sqa.prioritise(pd.DataFrame(rows), latest_year=2024)
    assert row_for(chosen, 34).reasons == "insufficient data: no headline results for 2021/22 to 2023/24"
